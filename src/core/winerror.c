/* SPDX-License-Identifier: MIT */
/*
 * Windows errors as Python on Windows reports them: the class and the
 * errno CPython derives from a Windows or Winsock error code, and
 * Windows' English text for the codes sockets produce.
 *
 * Pure data, compiled on every platform, so that the tables are tested
 * on every platform (tests/test_winerror.c against
 * tests/data/winerror_classes.txt). The numbers are Windows' own, written
 * out: on Linux <errno.h> has other values (ECONNREFUSED is 111 there,
 * 107 in the Microsoft C runtime, 10061 in Python on Windows).
 */
#include <stddef.h>

#include "internal.h"

/* The Microsoft C runtime's errno values that the map below produces. */
enum {
  WIN_EPERM = 1,
  WIN_ENOENT = 2,
  WIN_ESRCH = 3,
  WIN_EINTR = 4,
  WIN_E2BIG = 7,
  WIN_ENOEXEC = 8,
  WIN_EBADF = 9,
  WIN_ECHILD = 10,
  WIN_EAGAIN = 11,
  WIN_ENOMEM = 12,
  WIN_EACCES = 13,
  WIN_EEXIST = 17,
  WIN_EXDEV = 18,
  WIN_ENOTDIR = 20,
  WIN_EISDIR = 21,
  WIN_EINVAL = 22,
  WIN_EMFILE = 24,
  WIN_ENOSPC = 28,
  WIN_EPIPE = 32,
  WIN_ENOTEMPTY = 41,
  WIN_EILSEQ = 42,
  WIN_ETIMEDOUT = 138,
};

/* The Winsock codes Python's class map names. */
enum {
  WSA_BASE = 10000,
  WSA_EINTR = 10004,
  WSA_EBADF = 10009,
  WSA_EACCES = 10013,
  WSA_EFAULT = 10014,
  WSA_EINVAL = 10022,
  WSA_EMFILE = 10024,
  WSA_EWOULDBLOCK = 10035,
  WSA_EINPROGRESS = 10036,
  WSA_EALREADY = 10037,
  WSA_ECONNABORTED = 10053,
  WSA_ECONNRESET = 10054,
  WSA_ESHUTDOWN = 10058,
  WSA_ETIMEDOUT = 10060,
  WSA_ECONNREFUSED = 10061,
};

/*
 * CPython's winerror_to_errno (PC/errmap.h): an HRESULT wrapping a Win32
 * error is unwrapped; Winsock codes are their own errno, but for six that
 * stand for a C runtime errno (10000 + it); the Win32 errors the map
 * names get their errno; every other code is EINVAL.
 */
int ns__winerror_to_errno(int winerror)
{
  unsigned u = (unsigned)winerror;
  if ((u & 0xFFFF0000u) == 0x80070000u)
    winerror = (int)(u & 0xFFFFu);

  if (winerror >= 10000 && winerror < 12000) {
    switch (winerror) {
    case WSA_EINTR:
    case WSA_EBADF:
    case WSA_EACCES:
    case WSA_EFAULT:
    case WSA_EINVAL:
    case WSA_EMFILE:
      return winerror - WSA_BASE;
    default:
      return winerror;
    }
  }

  switch (winerror) {
  case 2:   /* ERROR_FILE_NOT_FOUND */
  case 3:   /* ERROR_PATH_NOT_FOUND */
  case 15:  /* ERROR_INVALID_DRIVE */
  case 18:  /* ERROR_NO_MORE_FILES */
  case 53:  /* ERROR_BAD_NETPATH */
  case 67:  /* ERROR_BAD_NET_NAME */
  case 161: /* ERROR_BAD_PATHNAME */
  case 206: /* ERROR_FILENAME_EXCED_RANGE */
    return WIN_ENOENT;
  case 10: /* ERROR_BAD_ENVIRONMENT */
    return WIN_E2BIG;
  case 11: /* ERROR_BAD_FORMAT */
  /* 188-202: the executable-format errors, ERROR_INVALID_STARTING_CODESEG
     to ERROR_INFLOOP_IN_RELOC_CHAIN */
  case 188:
  case 189:
  case 190:
  case 191:
  case 192:
  case 193:
  case 194:
  case 195:
  case 196:
  case 197:
  case 198:
  case 199:
  case 200:
  case 201:
  case 202:
    return WIN_ENOEXEC;
  case 6:   /* ERROR_INVALID_HANDLE */
  case 114: /* ERROR_INVALID_TARGET_HANDLE */
  case 130: /* ERROR_DIRECT_ACCESS_HANDLE */
    return WIN_EBADF;
  case 128: /* ERROR_WAIT_NO_CHILDREN */
  case 129: /* ERROR_CHILD_NOT_COMPLETE */
    return WIN_ECHILD;
  case 89:  /* ERROR_NO_PROC_SLOTS */
  case 164: /* ERROR_MAX_THRDS_REACHED */
  case 215: /* ERROR_NESTING_NOT_ALLOWED */
    return WIN_EAGAIN;
  case 7:    /* ERROR_ARENA_TRASHED */
  case 8:    /* ERROR_NOT_ENOUGH_MEMORY */
  case 9:    /* ERROR_INVALID_BLOCK */
  case 1816: /* ERROR_NOT_ENOUGH_QUOTA */
    return WIN_ENOMEM;
  case 5:  /* ERROR_ACCESS_DENIED */
  case 16: /* ERROR_CURRENT_DIRECTORY */
  /* 19-36: ERROR_WRITE_PROTECT to ERROR_SHARING_BUFFER_EXCEEDED (35 has
     no name) */
  case 19:
  case 20:
  case 21:
  case 22:
  case 23:
  case 24:
  case 25:
  case 26:
  case 27:
  case 28:
  case 29:
  case 30:
  case 31:
  case 32:
  case 33:
  case 34:
  case 35:
  case 36:
  case 65:  /* ERROR_NETWORK_ACCESS_DENIED */
  case 82:  /* ERROR_CANNOT_MAKE */
  case 83:  /* ERROR_FAIL_I24 */
  case 108: /* ERROR_DRIVE_LOCKED */
  case 132: /* ERROR_SEEK_ON_DEVICE */
  case 158: /* ERROR_NOT_LOCKED */
  case 167: /* ERROR_LOCK_FAILED */
    return WIN_EACCES;
  case 80:  /* ERROR_FILE_EXISTS */
  case 183: /* ERROR_ALREADY_EXISTS */
    return WIN_EEXIST;
  case 17: /* ERROR_NOT_SAME_DEVICE */
    return WIN_EXDEV;
  case 267: /* ERROR_DIRECTORY */
    return WIN_ENOTDIR;
  case 4: /* ERROR_TOO_MANY_OPEN_FILES */
    return WIN_EMFILE;
  case 112: /* ERROR_DISK_FULL */
    return WIN_ENOSPC;
  case 109: /* ERROR_BROKEN_PIPE */
  case 232: /* ERROR_NO_DATA */
    return WIN_EPIPE;
  case 145: /* ERROR_DIR_NOT_EMPTY */
    return WIN_ENOTEMPTY;
  case 1113: /* ERROR_NO_UNICODE_TRANSLATION */
    return WIN_EILSEQ;
  case 258: /* WAIT_TIMEOUT */
    return WIN_ETIMEDOUT;
  default: /* ERROR_INVALID_FUNCTION, ERROR_INVALID_PARAMETER, ... */
    return WIN_EINVAL;
  }
}

/*
 * PEP 3151's errno -> class map as CPython builds it on Windows
 * (Objects/exceptions.c): the C runtime's socket errno values are
 * replaced by the Winsock ones there, and WSAETIMEDOUT joins ETIMEDOUT.
 */
static ns_err class_of_windows_errno(int win_errno)
{
  switch (win_errno) {
  case WIN_EAGAIN:
  case WSA_EALREADY:
  case WSA_EINPROGRESS:
  case WSA_EWOULDBLOCK:
    return NS_ERR_BLOCKING_IO;
  case WIN_EPIPE:
  case WSA_ESHUTDOWN:
    return NS_ERR_BROKEN_PIPE;
  case WIN_ECHILD:
    return NS_ERR_CHILD_PROCESS;
  case WSA_ECONNABORTED:
    return NS_ERR_CONNECTION_ABORTED;
  case WSA_ECONNREFUSED:
    return NS_ERR_CONNECTION_REFUSED;
  case WSA_ECONNRESET:
    return NS_ERR_CONNECTION_RESET;
  case WIN_EEXIST:
    return NS_ERR_FILE_EXISTS;
  case WIN_ENOENT:
    return NS_ERR_FILE_NOT_FOUND;
  case WIN_EISDIR:
    return NS_ERR_IS_A_DIRECTORY;
  case WIN_ENOTDIR:
    return NS_ERR_NOT_A_DIRECTORY;
  case WIN_EINTR:
    return NS_ERR_INTERRUPTED;
  case WIN_EACCES:
  case WIN_EPERM:
    return NS_ERR_PERMISSION;
  case WIN_ESRCH:
    return NS_ERR_PROCESS_LOOKUP;
  case WIN_ETIMEDOUT:
  case WSA_ETIMEDOUT:
    return NS_ERR_TIMEOUT;
  default:
    return NS_ERR_OS;
  }
}

ns_err ns_error_from_winerror(int winerror)
{
  if (winerror == 0)
    return NS_OK;
  return class_of_windows_errno(ns__winerror_to_errno(winerror));
}

/*
 * Windows' English message texts (FormatMessage, system table), without
 * the final period, which Python strips. Wine's FormatMessage lacks most
 * of the Winsock ones, so the library carries its own. Sorted by code.
 */
static const struct winerror_text {
  int code;
  const char *text;
} texts[] = {
    {1, "Incorrect function"},
    {2, "The system cannot find the file specified"},
    {3, "The system cannot find the path specified"},
    {4, "The system cannot open the file"},
    {5, "Access is denied"},
    {6, "The handle is invalid"},
    {8, "Not enough memory resources are available to process this "
        "command"},
    {50, "The request is not supported"},
    {64, "The specified network name is no longer available"},
    {87, "The parameter is incorrect"},
    {109, "The pipe has been ended"},
    {121, "The semaphore timeout period has expired"},
    {183, "Cannot create a file when that file already exists"},
    {232, "The pipe is being closed"},
    {258, "The wait operation timed out"},
    {995, "The I/O operation has been aborted because of either a thread "
          "exit or an application request"},
    {996, "Overlapped I/O event is not in a signaled state"},
    {997, "Overlapped I/O operation is in progress"},
    {1225, "The remote computer refused the network connection"},
    {1231, "The network location cannot be reached. For information about "
           "network troubleshooting, see Windows Help"},
    {1232, "The network location cannot be reached. For information about "
           "network troubleshooting, see Windows Help"},
    {1236, "The network connection was aborted by the local system"},
    {1460, "This operation returned because the timeout period expired"},
    {1816, "Not enough quota is available to process this command"},
    {10004, "A blocking operation was interrupted by a call to "
            "WSACancelBlockingCall"},
    {10009, "The file handle supplied is not valid"},
    {10013, "An attempt was made to access a socket in a way forbidden by "
            "its access permissions"},
    {10014, "The system detected an invalid pointer address in attempting "
            "to use a pointer argument in a call"},
    {10022, "An invalid argument was supplied"},
    {10024, "Too many open sockets"},
    {10035, "A non-blocking socket operation could not be completed "
            "immediately"},
    {10036, "A blocking operation is currently executing"},
    {10037, "An operation was attempted on a non-blocking socket that "
            "already had an operation in progress"},
    {10038, "An operation was attempted on something that is not a socket"},
    {10039, "A required address was omitted from an operation on a socket"},
    {10040, "A message sent on a datagram socket was larger than the "
            "internal message buffer or some other network limit, or the "
            "buffer used to receive a datagram into was smaller than the "
            "datagram itself"},
    {10041, "A protocol was specified in the socket function call that does "
            "not support the semantics of the socket type requested"},
    {10042, "An unknown, invalid, or unsupported option or level was "
            "specified in a getsockopt or setsockopt call"},
    {10043, "The requested protocol has not been configured into the "
            "system, or no implementation for it exists"},
    {10044, "The support for the specified socket type does not exist in "
            "this address family"},
    {10045, "The attempted operation is not supported for the type of "
            "object referenced"},
    {10046, "The protocol family has not been configured into the system "
            "or no implementation for it exists"},
    {10047, "An address incompatible with the requested protocol was used"},
    {10048, "Only one usage of each socket address (protocol/network "
            "address/port) is normally permitted"},
    {10049, "The requested address is not valid in its context"},
    {10050, "A socket operation encountered a dead network"},
    {10051, "A socket operation was attempted to an unreachable network"},
    {10052, "The connection has been broken due to keep-alive activity "
            "detecting a failure while the operation was in progress"},
    {10053, "An established connection was aborted by the software in your "
            "host machine"},
    {10054, "An existing connection was forcibly closed by the remote host"},
    {10055, "An operation on a socket could not be performed because the "
            "system lacked sufficient buffer space or because a queue was "
            "full"},
    {10056, "A connect request was made on an already connected socket"},
    {10057, "A request to send or receive data was disallowed because the "
            "socket is not connected and (when sending on a datagram socket "
            "using a sendto call) no address was supplied"},
    {10058, "A request to send or receive data was disallowed because the "
            "socket had already been shut down in that direction with a "
            "previous shutdown call"},
    {10059, "Too many references to some kernel object"},
    {10060, "A connection attempt failed because the connected party did "
            "not properly respond after a period of time, or established "
            "connection failed because connected host has failed to "
            "respond"},
    {10061, "No connection could be made because the target machine "
            "actively refused it"},
    {10062, "Cannot translate name"},
    {10063, "Name component or name was too long"},
    {10064, "A socket operation failed because the destination host was "
            "down"},
    {10065, "A socket operation was attempted to an unreachable host"},
    {10066, "Cannot remove a directory that is not empty"},
    {10067, "A Windows Sockets implementation may have a limit on the "
            "number of applications that may use it simultaneously"},
    {10068, "Ran out of quota"},
    {10069, "Ran out of disk quota"},
    {10070, "File handle reference is no longer available"},
    {10071, "Item is not available locally"},
    {10091, "WSAStartup cannot function at this time because the underlying "
            "system it uses to provide network services is currently "
            "unavailable"},
    {10092, "The Windows Sockets version requested is not supported"},
    {10093, "Either the application has not called WSAStartup, or "
            "WSAStartup failed"},
    {10101, "Returned by WSARecv or WSARecvFrom to indicate the remote party "
            "has initiated a graceful shutdown sequence"},
    {10102, "No more results can be returned by WSALookupServiceNext"},
    {10103, "A call to WSALookupServiceEnd was made while this call was "
            "still processing. The call has been canceled"},
    {10104, "The procedure call table is invalid"},
    {10105, "The requested service provider is invalid"},
    {10106, "The requested service provider could not be loaded or "
            "initialized"},
    {10107, "A system call that should never fail has failed"},
    {10108, "No such service is known. The service cannot be found in the "
            "specified name space"},
    {10109, "The specified class was not found"},
    {10110, "No more results can be returned by WSALookupServiceNext"},
    {10111, "A call to WSALookupServiceEnd was made while this call was "
            "still processing. The call has been canceled"},
    {10112, "A database query failed because it was actively refused"},
    {11001, "No such host is known"},
    {11002, "This is usually a temporary error during hostname resolution "
            "and means that the local server did not receive a response "
            "from an authoritative server"},
    {11003, "A non-recoverable error occurred during a database lookup"},
    {11004, "The requested name is valid, but no data of the requested type "
            "was found"},
    {11005, "At least one reserve has arrived"},
    {11006, "At least one path has arrived"},
    {11007, "There are no senders"},
    {11008, "There are no receivers"},
    {11009, "Reserve has been confirmed"},
    {11010, "Error due to lack of resources"},
    {11011, "Rejected for administrative reasons - bad credentials"},
    {11012, "Unknown or conflicting style"},
    {11013, "Problem with some part of the filterspec or providerspecific "
            "buffer in general"},
    {11014, "Problem with some part of the flowspec"},
    {11015, "General QOS error"},
    {11016, "An invalid or unrecognized service type was found in the "
            "flowspec"},
    {11017, "An invalid or inconsistent flowspec was found in the QOS "
            "structure"},
    {11018, "Invalid QOS provider-specific buffer"},
    {11019, "An invalid QOS filter style was used"},
    {11020, "An invalid QOS filter type was used"},
    {11021, "An incorrect number of QOS FILTERSPECs were specified in the "
            "FLOWDESCRIPTOR"},
    {11022, "An object with an invalid ObjectLength field was specified in "
            "the QOS provider-specific buffer"},
    {11023, "An incorrect number of flow descriptors was specified in the "
            "QOS structure"},
    {11024, "An unrecognized object was found in the QOS provider-specific "
            "buffer"},
    {11025, "An invalid policy object was found in the QOS provider-specific "
            "buffer"},
    {11026, "An invalid QOS flow descriptor was found in the flow descriptor "
            "list"},
    {11027, "An invalid or inconsistent flowspec was found in the QOS "
            "provider specific buffer"},
    {11028, "An invalid FILTERSPEC was found in the QOS provider-specific "
            "buffer"},
    {11029, "An invalid shape discard mode object was found in the QOS "
            "provider specific buffer"},
    {11030, "An invalid shaping rate object was found in the QOS "
            "provider-specific buffer"},
    {11031, "A reserved policy element was found in the QOS provider-specific "
            "buffer"},
};

const char *ns__winerror_text(int winerror)
{
  unsigned u = (unsigned)winerror;
  if ((u & 0xFFFF0000u) == 0x80070000u)
    winerror = (int)(u & 0xFFFFu);
  /* Binary search: the table is sorted by code. */
  size_t lo = 0, hi = sizeof texts / sizeof texts[0];
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (texts[mid].code == winerror)
      return texts[mid].text;
    if (texts[mid].code < winerror)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

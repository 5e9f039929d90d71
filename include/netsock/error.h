/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/error.h
 * @brief Error codes that mirror Python's exception classes.
 *
 * Every call that can fail returns an ns_err: NS_OK (0) on success, or the
 * code of the Python exception class that the same failure raises in Python.
 * The return value decides success; the per-thread "last error" record only
 * describes the most recent failure on the calling thread and is not reset
 * by calls that succeed.
 *
 * @defgroup error Errors
 * @{
 */
#ifndef NETSOCK_ERROR_H
#define NETSOCK_ERROR_H

#include <stdbool.h>
#include <stddef.h>

#include <netsock/export.h>

NS_BEGIN_DECL

/**
 * The one table of error classes: code, value, parent class, Python name.
 * Values are fixed forever: new classes are only ever appended.
 * NS_OK as a parent means "no parent": a root of the hierarchy.
 *
 * The parent column holds each class's first base. One class has a second
 * one, as in Python: NS_ERR_SSL_CERT_VERIFICATION is an SSLError and also a
 * ValueError; ns_error_is() knows it (docs/errors.md).
 */
#define NS_ERROR_CLASSES(XX)                                                   \
  XX(NS_ERR_OS, 1, NS_OK, "OSError")                                           \
  XX(NS_ERR_BLOCKING_IO, 2, NS_ERR_OS, "BlockingIOError")                      \
  XX(NS_ERR_CHILD_PROCESS, 3, NS_ERR_OS, "ChildProcessError")                  \
  XX(NS_ERR_CONNECTION, 4, NS_ERR_OS, "ConnectionError")                       \
  XX(NS_ERR_BROKEN_PIPE, 5, NS_ERR_CONNECTION, "BrokenPipeError")              \
  XX(NS_ERR_CONNECTION_ABORTED, 6, NS_ERR_CONNECTION,                          \
     "ConnectionAbortedError")                                                 \
  XX(NS_ERR_CONNECTION_REFUSED, 7, NS_ERR_CONNECTION,                          \
     "ConnectionRefusedError")                                                 \
  XX(NS_ERR_CONNECTION_RESET, 8, NS_ERR_CONNECTION, "ConnectionResetError")    \
  XX(NS_ERR_FILE_EXISTS, 9, NS_ERR_OS, "FileExistsError")                      \
  XX(NS_ERR_FILE_NOT_FOUND, 10, NS_ERR_OS, "FileNotFoundError")                \
  XX(NS_ERR_INTERRUPTED, 11, NS_ERR_OS, "InterruptedError")                    \
  XX(NS_ERR_IS_A_DIRECTORY, 12, NS_ERR_OS, "IsADirectoryError")                \
  XX(NS_ERR_NOT_A_DIRECTORY, 13, NS_ERR_OS, "NotADirectoryError")              \
  XX(NS_ERR_PERMISSION, 14, NS_ERR_OS, "PermissionError")                      \
  XX(NS_ERR_PROCESS_LOOKUP, 15, NS_ERR_OS, "ProcessLookupError")               \
  XX(NS_ERR_TIMEOUT, 16, NS_ERR_OS, "TimeoutError")                            \
  XX(NS_ERR_HERROR, 17, NS_ERR_OS, "herror")                                   \
  XX(NS_ERR_GAIERROR, 18, NS_ERR_OS, "gaierror")                               \
  XX(NS_ERR_VALUE, 19, NS_OK, "ValueError")                                    \
  XX(NS_ERR_OVERFLOW, 20, NS_OK, "OverflowError")                              \
  XX(NS_ERR_MEMORY, 21, NS_OK, "MemoryError")                                  \
  XX(NS_ERR_SSL, 22, NS_ERR_OS, "SSLError")                                    \
  XX(NS_ERR_SSL_ZERO_RETURN, 23, NS_ERR_SSL, "SSLZeroReturnError")             \
  XX(NS_ERR_SSL_WANT_READ, 24, NS_ERR_SSL, "SSLWantReadError")                 \
  XX(NS_ERR_SSL_WANT_WRITE, 25, NS_ERR_SSL, "SSLWantWriteError")               \
  XX(NS_ERR_SSL_SYSCALL, 26, NS_ERR_SSL, "SSLSyscallError")                    \
  XX(NS_ERR_SSL_EOF, 27, NS_ERR_SSL, "SSLEOFError")                            \
  XX(NS_ERR_SSL_CERT_VERIFICATION, 28, NS_ERR_SSL, "SSLCertVerificationError")

/** An error code: NS_OK, or one Python exception class. */
typedef enum ns_err {
  NS_OK = 0,
/* NOLINTNEXTLINE(bugprone-macro-parentheses): `code` is an enumerator name */
#define NS_ERR_ENUM_ROW(code, value, parent, name) code = value,
  NS_ERROR_CLASSES(NS_ERR_ENUM_ROW)
#undef NS_ERR_ENUM_ROW
} ns_err;

/**
 * The Python class name of an error code, as Python prints it.
 *
 * @param code an ns_err value.
 * @return "ConnectionRefusedError", "TimeoutError", "gaierror", ...; "OK" for
 *         NS_OK and "UnknownError" for a value that is no code. Never NULL.
 * Python: `type(exc).__name__`
 * @since 1.0
 */
NS_EXTERN const char *ns_error_name(ns_err code);

/**
 * Whether `code` is `base` or one of its subclasses.
 *
 * Every OS error (everything but ValueError, OverflowError and
 * MemoryError) is an NS_ERR_OS; the four connection errors are
 * NS_ERR_CONNECTION; the SSL errors are NS_ERR_SSL (and so NS_ERR_OS).
 * NS_ERR_SSL_CERT_VERIFICATION has two bases, as in Python: it is both
 * an NS_ERR_SSL and an NS_ERR_VALUE. NS_OK is only NS_OK.
 *
 * @param code the error to classify.
 * @param base the class to test against.
 * @return true when `isinstance(exc, base)` would be true in Python.
 * Python: `isinstance(exc, base)`
 * @since 1.0
 */
NS_EXTERN bool ns_error_is(ns_err code, ns_err base);

/**
 * The class CPython gives to an OSError carrying `errnum` (PEP 3151).
 *
 * Public so that programs can classify the errors of their own system
 * calls the way libnetsock does.
 *
 * @param errnum an errno value.
 * @return NS_OK for 0, the matching subclass, or NS_ERR_OS for every errno
 *         that has no subclass (and for negative or unknown values).
 * Python: `type(OSError(errnum, '')).__name__`
 * @since 1.0
 */
NS_EXTERN ns_err ns_error_from_errno(int errnum);

/**
 * The class CPython on Windows gives to an OSError carrying `winerror`.
 *
 * `winerror` is a Winsock WSAE* code, a Win32 ERROR_* code, or an HRESULT
 * wrapping one; the answer is the same on every platform. As CPython: the code
 * becomes an errno through its Windows table (PC/errmap.h: WSAECONNREFUSED
 * stays 10061, ERROR_ACCESS_DENIED becomes EACCES, unnamed codes EINVAL), and
 * that errno a class (PEP 3151), with Windows' errno values: WSAECONNREFUSED is
 * a ConnectionRefusedError, WSAEWOULDBLOCK a BlockingIOError, WSAETIMEDOUT and
 * WAIT_TIMEOUT TimeoutErrors, ERROR_ACCESS_DENIED a PermissionError.
 *
 * @param winerror a Windows error code, as GetLastError() or
 *        WSAGetLastError() return it.
 * @return NS_OK for 0, the matching subclass, or NS_ERR_OS for every code
 *         that has no subclass (WSAEADDRINUSE, WSAHOST_NOT_FOUND, unknown
 *         and negative values).
 * Python on Windows: `type(OSError(None, '', None, winerror)).__name__`
 * @since 1.1
 */
NS_EXTERN ns_err ns_error_from_winerror(int winerror);

/**
 * The code of the last failure on the calling thread.
 * @return the ns_err last returned as a failure on this thread, or NS_OK if
 *         no call has failed on it yet (or since ns_error_clear()).
 * @since 1.0
 */
NS_EXTERN ns_err ns_error_last_code(void);

/**
 * The system error number of the last failure on the calling thread.
 *
 * @return the errno for OS errors, the EAI_* value for gaierror, the
 *         h_errno value for herror, and 0 where Python's exception has no
 *         errno: a libnetsock timeout ("timed out", unlike a kernel
 *         ETIMEDOUT), ValueError, OverflowError, MemoryError.
 * Python: `exc.errno` (None is 0)
 * @since 1.0
 */
NS_EXTERN int ns_error_last_errno(void);

/**
 * The Windows error code of the last failure on the calling thread.
 *
 * Python on Windows keeps both numbers of a Winsock or Win32 failure:
 * `exc.winerror` (10061) and `exc.errno` (the same 10061, or the C
 * runtime's errno where CPython's table says so: 13 for
 * ERROR_ACCESS_DENIED, 4 for WSAEINTR); ns_error_last_errno() gives the
 * second, this call the first.
 *
 * @return the Windows error code, or 0 when the last failure carries none:
 *         always on POSIX systems, and on Windows for timeouts, gaierror,
 *         ValueError and the other failures Python raises without one.
 * Python on Windows: `exc.winerror` (None is 0)
 * @since 1.1
 */
NS_EXTERN int ns_error_last_winerror(void);

/**
 * The operation that failed last on the calling thread, as Python names it.
 * @return a static string such as "connect" or "recv"; "" when none.
 * @since 1.0
 */
NS_EXTERN const char *ns_error_last_operation(void);

/**
 * The message of the last failure on the calling thread, exactly as
 * Python's `str(exc)` prints it: "[Errno 111] Connection refused",
 * "timed out", "[Errno -2] Name or service not known".
 *
 * The text lives in a per-thread buffer: no allocation, valid until the
 * next failure on the same thread.
 * @return the message; "" when no call has failed. Never NULL.
 * Python: `str(exc)`
 * @since 1.0
 */
NS_EXTERN const char *ns_error_last_message(void);

struct ns_addr;

/**
 * The address the last failure on the calling thread happened at, for the
 * calls that try addresses on their own: ns_create_connection() and
 * ns_create_connection_addrs() (the address of the attempt whose error
 * they return) and ns_create_server() (the address it could not bind).
 *
 * Python's `str(exc)` does not name the address, so
 * ns_error_last_message() does not either; this is where it is kept. The
 * address lives in a per-thread record: no allocation, valid until the
 * next failure on the same thread, which replaces or clears it.
 *
 * @return the address, or NULL when the last failure has none (every
 *         failure of every other call, a failed lookup, a timeout before
 *         any attempt, or no failure yet).
 * Python: none (`create_connection` loses the address; cpython#115068)
 * @since 1.1
 */
NS_EXTERN const struct ns_addr *ns_error_last_address(void);

/**
 * Forget the last failure on the calling thread.
 * @since 1.0
 */
NS_EXTERN void ns_error_clear(void);

/**
 * Write the last failure on the calling thread as the last line of a
 * Python traceback: "ConnectionRefusedError: [Errno 111] Connection
 * refused", "TimeoutError: timed out", "socket.gaierror: [Errno -2] Name or
 * service not known". A class whose message is empty is written alone, as
 * Python writes "MemoryError". Nothing is allocated.
 *
 * The text is always NUL-terminated when `size` is not 0 and is cut to
 * fit, as snprintf(3) does; the return value tells whether it was cut.
 * With no failure recorded the text is "".
 *
 * @param[out] buf where the text goes, or NULL to only measure it.
 * @param size the size of `buf`, NUL included.
 * @return the length of the whole text, NUL excluded: a value of `size`
 *         or more means it was cut.
 * Python: `traceback.format_exception_only(exc)[-1]`
 * @since 1.1
 */
NS_EXTERN size_t ns_error_format(char *buf, size_t size);

/**
 * Print the last failure on the calling thread to stderr, as perror(3)
 * does for errno and as Python ends a traceback: "PREFIX: " (when `prefix`
 * is neither NULL nor empty), then the text of ns_error_format() and a
 * newline. With no failure recorded it prints the prefix alone. The
 * last-error record is left as it was, so it can be read again afterwards.
 *
 * @param prefix what to print first, usually the program's or the
 *        operation's name (ns_error_last_operation()); may be NULL.
 * Python: the last line of an uncaught exception's traceback
 * @since 1.1
 */
NS_EXTERN void ns_error_print(const char *prefix);

/**
 * Record a failure as the calling thread's last error, for libraries built
 * on libnetsock (libnetsock-tls records its SSL errors this way) and for
 * programs that report their own failures through the same record.
 *
 * @param code the class; NS_OK empties the record as ns_error_clear() does.
 * @param operation what failed, as ns_error_last_operation() will return
 *        it. Kept as a pointer, not copied: it must be a string with static
 *        storage (a literal). NULL reads back as "".
 * @param sys_errno what ns_error_last_errno() will return.
 * @param message the text ns_error_last_message() will return, copied into
 *        the per-thread record (cut to 255 bytes). NULL formats it from
 *        `sys_errno` as for any OS error: "[Errno 111] Connection refused".
 * @return `code`, so that a caller can write `return ns_error_set(...)`.
 * Python: `raise cls(errno, message)`
 * @since 1.1
 */
NS_EXTERN ns_err ns_error_set(ns_err code, const char *operation, int sys_errno,
                              const char *message);

NS_END_DECL

/** @} */
#endif /* NETSOCK_ERROR_H */

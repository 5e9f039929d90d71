#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write the Windows error -> Python exception class table that
tests/test_winerror.c checks ns_error_from_winerror() against.

    gen_winerror_classes.py > tests/data/winerror_classes.txt
    gen_winerror_classes.py --check tests/data/winerror_classes.txt
    gen_winerror_classes.py --errmap PATH/TO/cpython/PC/errmap.h
    gen_winerror_classes.py --c-asserts > check.c

One line per Windows error code: "<winerror> <NAME> <errno> <Class>",
where errno is what Python on Windows puts in `exc.errno` and Class is
`type(OSError(None, '', None, winerror)).__name__` there.

This python3 runs on Linux, where OSError ignores its winerror argument,
so the table cannot come from calling Python. It is computed here the
way CPython computes it on Windows, from three sets of facts written out
below:

1. CPython's PC/errmap.h, winerror_to_errno(): which Windows error gives
   which errno (an HRESULT 0x8007xxxx is unwrapped first; Winsock codes
   10000-11999 are their own errno, except six that are 10000 + an errno;
   every other code is EINVAL). --errmap reads a copy of that file and
   fails when it disagrees with the copy below.
2. The errno values of the Microsoft C runtime (MSVC's <errno.h>, which
   mingw-w64's matches): ECONNREFUSED there is 107, not Linux's 111.
3. Objects/exceptions.c, which builds the errno -> class map (PEP 3151).
   On Windows it first replaces the C runtime's socket errno values by the
   Winsock ones (ECONNREFUSED is WSAECONNREFUSED, 10061, ...) and adds
   WSAETIMEDOUT beside ETIMEDOUT (138).

--c-asserts writes a C file that states every number used here against
the Windows headers' names for it (_Static_assert): .ci/windows-headers.sh
compiles it with mingw-w64.
"""
import re
import sys

from table_check import check_committed

# (2) The Microsoft C runtime's errno values that the tables use.
MSVC_ERRNO = {
    "EPERM": 1, "ENOENT": 2, "ESRCH": 3, "EINTR": 4, "E2BIG": 7,
    "ENOEXEC": 8, "EBADF": 9, "ECHILD": 10, "EAGAIN": 11, "ENOMEM": 12,
    "EACCES": 13, "EFAULT": 14, "EEXIST": 17, "EXDEV": 18, "ENOTDIR": 20,
    "EISDIR": 21, "EINVAL": 22, "EMFILE": 24, "ENOSPC": 28, "EPIPE": 32,
    "ENOTEMPTY": 41, "EILSEQ": 42, "ETIMEDOUT": 138,
}

# The Winsock codes (winerror.h), 10004-11031.
WINSOCK = {
    10004: "WSAEINTR", 10009: "WSAEBADF", 10013: "WSAEACCES",
    10014: "WSAEFAULT", 10022: "WSAEINVAL", 10024: "WSAEMFILE",
    10035: "WSAEWOULDBLOCK", 10036: "WSAEINPROGRESS", 10037: "WSAEALREADY",
    10038: "WSAENOTSOCK", 10039: "WSAEDESTADDRREQ", 10040: "WSAEMSGSIZE",
    10041: "WSAEPROTOTYPE", 10042: "WSAENOPROTOOPT",
    10043: "WSAEPROTONOSUPPORT", 10044: "WSAESOCKTNOSUPPORT",
    10045: "WSAEOPNOTSUPP", 10046: "WSAEPFNOSUPPORT",
    10047: "WSAEAFNOSUPPORT", 10048: "WSAEADDRINUSE",
    10049: "WSAEADDRNOTAVAIL", 10050: "WSAENETDOWN", 10051: "WSAENETUNREACH",
    10052: "WSAENETRESET", 10053: "WSAECONNABORTED", 10054: "WSAECONNRESET",
    10055: "WSAENOBUFS", 10056: "WSAEISCONN", 10057: "WSAENOTCONN",
    10058: "WSAESHUTDOWN", 10059: "WSAETOOMANYREFS", 10060: "WSAETIMEDOUT",
    10061: "WSAECONNREFUSED", 10062: "WSAELOOP", 10063: "WSAENAMETOOLONG",
    10064: "WSAEHOSTDOWN", 10065: "WSAEHOSTUNREACH", 10066: "WSAENOTEMPTY",
    10067: "WSAEPROCLIM", 10068: "WSAEUSERS", 10069: "WSAEDQUOT",
    10070: "WSAESTALE", 10071: "WSAEREMOTE", 10091: "WSASYSNOTREADY",
    10092: "WSAVERNOTSUPPORTED", 10093: "WSANOTINITIALISED",
    10101: "WSAEDISCON", 10102: "WSAENOMORE", 10103: "WSAECANCELLED",
    10104: "WSAEINVALIDPROCTABLE", 10105: "WSAEINVALIDPROVIDER",
    10106: "WSAEPROVIDERFAILEDINIT", 10107: "WSASYSCALLFAILURE",
    10108: "WSASERVICE_NOT_FOUND", 10109: "WSATYPE_NOT_FOUND",
    10110: "WSA_E_NO_MORE", 10111: "WSA_E_CANCELLED", 10112: "WSAEREFUSED",
    11001: "WSAHOST_NOT_FOUND", 11002: "WSATRY_AGAIN",
    11003: "WSANO_RECOVERY", 11004: "WSANO_DATA",
    11005: "WSA_QOS_RECEIVERS", 11006: "WSA_QOS_SENDERS",
    11007: "WSA_QOS_NO_SENDERS", 11008: "WSA_QOS_NO_RECEIVERS",
    11009: "WSA_QOS_REQUEST_CONFIRMED", 11010: "WSA_QOS_ADMISSION_FAILURE",
    11011: "WSA_QOS_POLICY_FAILURE", 11012: "WSA_QOS_BAD_STYLE",
    11013: "WSA_QOS_BAD_OBJECT", 11014: "WSA_QOS_TRAFFIC_CTRL_ERROR",
    11015: "WSA_QOS_GENERIC_ERROR", 11016: "WSA_QOS_ESERVICETYPE",
    11017: "WSA_QOS_EFLOWSPEC", 11018: "WSA_QOS_EPROVSPECBUF",
    11019: "WSA_QOS_EFILTERSTYLE", 11020: "WSA_QOS_EFILTERTYPE",
    11021: "WSA_QOS_EFILTERCOUNT", 11022: "WSA_QOS_EOBJLENGTH",
    11023: "WSA_QOS_EFLOWCOUNT", 11024: "WSA_QOS_EUNKNOWNPSOBJ",
    11025: "WSA_QOS_EPOLICYOBJ", 11026: "WSA_QOS_EFLOWDESC",
    11027: "WSA_QOS_EPSFLOWSPEC", 11028: "WSA_QOS_EPSFILTERSPEC",
    11029: "WSA_QOS_ESDMODEOBJ", 11030: "WSA_QOS_ESHAPERATEOBJ",
    11031: "WSA_QOS_RESERVED_PETYPE",
}

# (1) winerror_to_errno: the Winsock codes that stand for an errno.
WINSOCK_AS_ERRNO = {"WSAEINTR", "WSAEBADF", "WSAEACCES", "WSAEFAULT",
                    "WSAEINVAL", "WSAEMFILE"}

# (1) winerror_to_errno: the other Windows errors it names, by errno.
ERRMAP = {
    "ENOENT": {2: "ERROR_FILE_NOT_FOUND", 3: "ERROR_PATH_NOT_FOUND",
               15: "ERROR_INVALID_DRIVE", 18: "ERROR_NO_MORE_FILES",
               53: "ERROR_BAD_NETPATH", 67: "ERROR_BAD_NET_NAME",
               161: "ERROR_BAD_PATHNAME", 206: "ERROR_FILENAME_EXCED_RANGE"},
    "E2BIG": {10: "ERROR_BAD_ENVIRONMENT"},
    "ENOEXEC": {11: "ERROR_BAD_FORMAT",
                188: "ERROR_INVALID_STARTING_CODESEG",
                189: "ERROR_INVALID_STACKSEG",
                190: "ERROR_INVALID_MODULETYPE",
                191: "ERROR_INVALID_EXE_SIGNATURE",
                192: "ERROR_EXE_MARKED_INVALID",
                193: "ERROR_BAD_EXE_FORMAT",
                194: "ERROR_ITERATED_DATA_EXCEEDS_64k",
                195: "ERROR_INVALID_MINALLOCSIZE",
                196: "ERROR_DYNLINK_FROM_INVALID_RING",
                197: "ERROR_IOPL_NOT_ENABLED", 198: "ERROR_INVALID_SEGDPL",
                199: "ERROR_AUTODATASEG_EXCEEDS_64k",
                200: "ERROR_RING2SEG_MUST_BE_MOVABLE",
                201: "ERROR_RELOC_CHAIN_XEEDS_SEGLIM",
                202: "ERROR_INFLOOP_IN_RELOC_CHAIN"},
    "EBADF": {6: "ERROR_INVALID_HANDLE", 114: "ERROR_INVALID_TARGET_HANDLE",
              130: "ERROR_DIRECT_ACCESS_HANDLE"},
    "ECHILD": {128: "ERROR_WAIT_NO_CHILDREN",
               129: "ERROR_CHILD_NOT_COMPLETE"},
    "EAGAIN": {89: "ERROR_NO_PROC_SLOTS", 164: "ERROR_MAX_THRDS_REACHED",
               215: "ERROR_NESTING_NOT_ALLOWED"},
    "ENOMEM": {7: "ERROR_ARENA_TRASHED", 8: "ERROR_NOT_ENOUGH_MEMORY",
               9: "ERROR_INVALID_BLOCK", 1816: "ERROR_NOT_ENOUGH_QUOTA"},
    "EACCES": {5: "ERROR_ACCESS_DENIED", 16: "ERROR_CURRENT_DIRECTORY",
               19: "ERROR_WRITE_PROTECT", 20: "ERROR_BAD_UNIT",
               21: "ERROR_NOT_READY", 22: "ERROR_BAD_COMMAND",
               23: "ERROR_CRC", 24: "ERROR_BAD_LENGTH", 25: "ERROR_SEEK",
               26: "ERROR_NOT_DOS_DISK", 27: "ERROR_SECTOR_NOT_FOUND",
               28: "ERROR_OUT_OF_PAPER", 29: "ERROR_WRITE_FAULT",
               30: "ERROR_READ_FAULT", 31: "ERROR_GEN_FAILURE",
               32: "ERROR_SHARING_VIOLATION", 33: "ERROR_LOCK_VIOLATION",
               34: "ERROR_WRONG_DISK", 35: "(undefined)",
               36: "ERROR_SHARING_BUFFER_EXCEEDED",
               65: "ERROR_NETWORK_ACCESS_DENIED", 82: "ERROR_CANNOT_MAKE",
               83: "ERROR_FAIL_I24", 108: "ERROR_DRIVE_LOCKED",
               132: "ERROR_SEEK_ON_DEVICE", 158: "ERROR_NOT_LOCKED",
               167: "ERROR_LOCK_FAILED"},
    "EEXIST": {80: "ERROR_FILE_EXISTS", 183: "ERROR_ALREADY_EXISTS"},
    "EXDEV": {17: "ERROR_NOT_SAME_DEVICE"},
    "ENOTDIR": {267: "ERROR_DIRECTORY"},
    "EMFILE": {4: "ERROR_TOO_MANY_OPEN_FILES"},
    "ENOSPC": {112: "ERROR_DISK_FULL"},
    "EPIPE": {109: "ERROR_BROKEN_PIPE", 232: "ERROR_NO_DATA"},
    "ENOTEMPTY": {145: "ERROR_DIR_NOT_EMPTY"},
    "EILSEQ": {1113: "ERROR_NO_UNICODE_TRANSLATION"},
    "ETIMEDOUT": {258: "WAIT_TIMEOUT"},
    "EINVAL": {1: "ERROR_INVALID_FUNCTION", 12: "ERROR_INVALID_ACCESS",
               13: "ERROR_INVALID_DATA", 87: "ERROR_INVALID_PARAMETER",
               131: "ERROR_NEGATIVE_SEEK"},
}

# Windows errors sockets report that the map leaves to its default
# (EINVAL), listed so that the table shows their class too.
DEFAULTED = {
    64: "ERROR_NETNAME_DELETED", 121: "ERROR_SEM_TIMEOUT",
    995: "ERROR_OPERATION_ABORTED", 996: "ERROR_IO_INCOMPLETE",
    997: "ERROR_IO_PENDING", 1225: "ERROR_CONNECTION_REFUSED",
    1231: "ERROR_NETWORK_UNREACHABLE", 1232: "ERROR_HOST_UNREACHABLE",
    1236: "ERROR_CONNECTION_ABORTED", 1460: "ERROR_TIMEOUT",
}

# Windows' getaddrinfo codes (<ws2tcpip.h>): Winsock numbers, which Python
# on Windows reports as gaierror's errno (docs/errors.md).
WINDOWS_EAI = {
    "EAI_AGAIN": 11002, "EAI_BADFLAGS": 10022, "EAI_FAIL": 11003,
    "EAI_FAMILY": 10047, "EAI_MEMORY": 8, "EAI_NODATA": 11004,
    "EAI_NONAME": 11001, "EAI_SERVICE": 10109, "EAI_SOCKTYPE": 10044,
}

# (3) Objects/exceptions.c's errno -> class map as Windows builds it.
WINDOWS_ERRNOMAP = {
    MSVC_ERRNO["EAGAIN"]: "BlockingIOError",
    10037: "BlockingIOError",  # EALREADY is WSAEALREADY
    10036: "BlockingIOError",  # EINPROGRESS is WSAEINPROGRESS
    10035: "BlockingIOError",  # EWOULDBLOCK is WSAEWOULDBLOCK
    MSVC_ERRNO["EPIPE"]: "BrokenPipeError",
    10058: "BrokenPipeError",  # ESHUTDOWN is WSAESHUTDOWN
    MSVC_ERRNO["ECHILD"]: "ChildProcessError",
    10053: "ConnectionAbortedError",  # WSAECONNABORTED
    10061: "ConnectionRefusedError",  # WSAECONNREFUSED
    10054: "ConnectionResetError",  # WSAECONNRESET
    MSVC_ERRNO["EEXIST"]: "FileExistsError",
    MSVC_ERRNO["ENOENT"]: "FileNotFoundError",
    MSVC_ERRNO["EISDIR"]: "IsADirectoryError",
    MSVC_ERRNO["ENOTDIR"]: "NotADirectoryError",
    MSVC_ERRNO["EINTR"]: "InterruptedError",
    MSVC_ERRNO["EACCES"]: "PermissionError",
    MSVC_ERRNO["EPERM"]: "PermissionError",
    MSVC_ERRNO["ESRCH"]: "ProcessLookupError",
    MSVC_ERRNO["ETIMEDOUT"]: "TimeoutError",
    10060: "TimeoutError",  # WSAETIMEDOUT
}


def winerror_to_errno(winerror):
    if winerror & 0xFFFF0000 == 0x80070000:
        winerror &= 0xFFFF
    if 10000 <= winerror < 12000:
        if WINSOCK.get(winerror) in WINSOCK_AS_ERRNO:
            return winerror - 10000
        return winerror
    for errno_name, codes in ERRMAP.items():
        if winerror in codes:
            return MSVC_ERRNO[errno_name]
    return MSVC_ERRNO["EINVAL"]


def python_class(winerror):
    return WINDOWS_ERRNOMAP.get(winerror_to_errno(winerror), "OSError")


def rows():
    named = dict(WINSOCK)
    named.update(DEFAULTED)
    for codes in ERRMAP.values():
        named.update(codes)
    for code in sorted(named):
        yield code, named[code]


def table():
    lines = ["# winerror name errno class: on Windows, "
             "type(OSError(None, '', None, winerror)).__name__ and .errno"]
    for code, name in rows():
        lines.append(f"{code} {name} {winerror_to_errno(code)} "
                     f"{python_class(code)}")
    return "\n".join(lines) + "\n"


def c_asserts():
    lines = ["/* Generated by tools/gen_winerror_classes.py --c-asserts. */",
             "#include <winsock2.h>", "#include <windows.h>",
             "#include <ws2tcpip.h>", "#include <errno.h>"]
    pairs = [(name, code) for code, name in rows() if name != "(undefined)"]
    pairs += sorted(WINDOWS_EAI.items()) + sorted(MSVC_ERRNO.items())
    for name, value in pairs:
        lines.append(f'_Static_assert({name} == {value}, "{name}");')
    return "\n".join(lines) + "\n"


def errmap_from_cpython(path):
    """The Windows error -> errno name cases of a copy of PC/errmap.h."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    body = text[text.index("switch (winerror) {\n    case ERROR"):]
    found, pending = {}, []
    for line in body.splitlines():
        case = re.match(r"\s*case (\w+):\s*(?://\s*(\d+))?", line)
        ret = re.match(r"\s*return (E\w+);", line)
        if case:
            pending.append(int(case.group(2) or case.group(1)))
        elif ret:
            found.setdefault(ret.group(1), set()).update(pending)
            pending = []
    socket_cases = set(re.findall(r"case (WSAE\w+):", text))
    return found, socket_cases


def check_errmap(path):
    found, socket_cases = errmap_from_cpython(path)
    mine = {name: set(codes) for name, codes in ERRMAP.items()}
    bad = False
    for name in sorted(set(found) | set(mine)):
        if found.get(name, set()) != mine.get(name, set()):
            sys.stderr.write(f"{name}: errmap.h {sorted(found.get(name, []))}"
                             f", here {sorted(mine.get(name, []))}\n")
            bad = True
    if socket_cases != WINSOCK_AS_ERRNO:
        sys.stderr.write(f"Winsock cases: errmap.h {sorted(socket_cases)}, "
                         f"here {sorted(WINSOCK_AS_ERRNO)}\n")
        bad = True
    if bad:
        return 1
    print(f"{path}: {sum(len(c) for c in found.values())} cases agree")
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "--check":
        return check_committed(argv[0], argv[2], table(),
                               "Windows error table matches the generator")
    if len(argv) == 2 and argv[1] == "--c-asserts":
        sys.stdout.write(c_asserts())
        return 0
    if len(argv) == 3 and argv[1] == "--errmap":
        return check_errmap(argv[2])
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    sys.stdout.write(table())
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/system.h
 * @brief The system's socket headers, and the types that differ between
 *        POSIX systems and Windows.
 *
 * The public headers include this one instead of naming system headers
 * themselves. On POSIX systems it includes <sys/socket.h>,
 * <netinet/in.h> and <sys/un.h>; on Windows <winsock2.h>, <ws2tcpip.h>
 * and <afunix.h>, which may come before or after <windows.h> (with or
 * without WIN32_LEAN_AND_MEAN) in a program.
 *
 * @defgroup system System types
 * @{
 */
#ifndef NETSOCK_SYSTEM_H
#define NETSOCK_SYSTEM_H

#include <stddef.h>

/* clang-format off */
#if defined(_WIN32)
#  if defined(_WINSOCKAPI_) && !defined(_WINSOCK2API_)
/*
 * <windows.h> came first, without WIN32_LEAN_AND_MEAN, and brought the
 * old <winsock.h>. mingw-w64's <winsock2.h> is made to follow it and
 * only warns, seeing winsock.h's guard: lift the guard, which
 * <winsock2.h> sets again. The Windows SDK's <winsock2.h> clashes with
 * <winsock.h> outright, so there say what to do instead.
 */
#    if defined(__MINGW32__)
#      undef _WINSOCKAPI_
#    else
#      error "include <winsock2.h> before <windows.h>, or define WIN32_LEAN_AND_MEAN, before <netsock/netsock.h>"
#    endif
#  endif
#  include <winsock2.h>
#  include <ws2tcpip.h>
#  include <afunix.h>
/* shutdown()'s directions by their POSIX names, as Python's socket module
   has them on Windows (Winsock calls them SD_RECEIVE, SD_SEND, SD_BOTH). */
#  ifndef SHUT_RD
#    define SHUT_RD SD_RECEIVE
#    define SHUT_WR SD_SEND
#    define SHUT_RDWR SD_BOTH
#  endif
#else
#  include <sys/types.h>
#  include <sys/socket.h>
#  include <sys/uio.h>
#  include <netinet/in.h>
#  include <sys/un.h>
#endif
/* clang-format on */

/* clang-format off */
#if defined(_WIN32)
/**
 * The system's handle of a socket: a Winsock SOCKET on Windows, a file
 * descriptor (`int`) on POSIX systems, where the 1.0 ABI keeps it.
 */
typedef SOCKET ns_os_socket;
/** The ns_os_socket value that is no socket (Winsock's INVALID_SOCKET). */
#  define NS_INVALID_SOCKET INVALID_SOCKET

/**
 * One buffer of a scatter/gather list. Windows has no `struct iovec`:
 * there ns_iovec has its two members, so code that fills `iov_base` and
 * `iov_len` builds on both.
 */
typedef struct ns_iovec {
  void *iov_base; /**< the bytes */
  size_t iov_len; /**< their length */
} ns_iovec;
#else
/**
 * The system's handle of a socket: a file descriptor (`int`) on POSIX
 * systems, where the 1.0 ABI keeps it; a Winsock SOCKET on Windows.
 */
typedef int ns_os_socket;
/** The ns_os_socket value that is no socket: -1 (Windows: INVALID_SOCKET). */
#  define NS_INVALID_SOCKET (-1)
/** One buffer of a scatter/gather list: the system's `struct iovec`. */
typedef struct iovec ns_iovec;
#endif
/* clang-format on */

/** @} */
#endif /* NETSOCK_SYSTEM_H */

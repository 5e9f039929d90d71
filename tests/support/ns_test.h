/* SPDX-License-Identifier: MIT */
/*
 * What every test program shares: cmocka, assertions that print the
 * library's error detail, fd accounting around each case, and loopback
 * fixtures on ports the kernel picks.
 */
#ifndef NETSOCK_TEST_H
#define NETSOCK_TEST_H

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <netsock/netsock.h>

/* The build's feature macros (HAVE_EPOLL, NS_TIMEOUT_KERNEL_TIMERS ...). */
#include "ns_config.h"

#ifdef _WIN32
/*
 * Errno names as Python on Windows has them, and so the library's
 * ns_error_last_errno(): the socket errors are Winsock's numbers
 * (errno.ECONNREFUSED is 10061 there), not the C runtime's (107), as
 * CPython's errno module defines them.
 */
#undef EWOULDBLOCK
#define EWOULDBLOCK WSAEWOULDBLOCK
#undef EINPROGRESS
#define EINPROGRESS WSAEINPROGRESS
#undef EALREADY
#define EALREADY WSAEALREADY
#undef ENOTSOCK
#define ENOTSOCK WSAENOTSOCK
#undef EDESTADDRREQ
#define EDESTADDRREQ WSAEDESTADDRREQ
#undef EMSGSIZE
#define EMSGSIZE WSAEMSGSIZE
#undef EPROTOTYPE
#define EPROTOTYPE WSAEPROTOTYPE
#undef ENOPROTOOPT
#define ENOPROTOOPT WSAENOPROTOOPT
#undef EPROTONOSUPPORT
#define EPROTONOSUPPORT WSAEPROTONOSUPPORT
#undef ESOCKTNOSUPPORT
#define ESOCKTNOSUPPORT WSAESOCKTNOSUPPORT
#undef EOPNOTSUPP
#define EOPNOTSUPP WSAEOPNOTSUPP
#undef EPFNOSUPPORT
#define EPFNOSUPPORT WSAEPFNOSUPPORT
#undef EAFNOSUPPORT
#define EAFNOSUPPORT WSAEAFNOSUPPORT
#undef EADDRINUSE
#define EADDRINUSE WSAEADDRINUSE
#undef EADDRNOTAVAIL
#define EADDRNOTAVAIL WSAEADDRNOTAVAIL
#undef ENETDOWN
#define ENETDOWN WSAENETDOWN
#undef ENETUNREACH
#define ENETUNREACH WSAENETUNREACH
#undef ENETRESET
#define ENETRESET WSAENETRESET
#undef ECONNABORTED
#define ECONNABORTED WSAECONNABORTED
#undef ECONNRESET
#define ECONNRESET WSAECONNRESET
#undef ENOBUFS
#define ENOBUFS WSAENOBUFS
#undef EISCONN
#define EISCONN WSAEISCONN
#undef ENOTCONN
#define ENOTCONN WSAENOTCONN
#undef ESHUTDOWN
#define ESHUTDOWN WSAESHUTDOWN
#undef ETOOMANYREFS
#define ETOOMANYREFS WSAETOOMANYREFS
#undef ETIMEDOUT
#define ETIMEDOUT WSAETIMEDOUT
#undef ECONNREFUSED
#define ECONNREFUSED WSAECONNREFUSED
#undef ELOOP
#define ELOOP WSAELOOP
#undef EHOSTDOWN
#define EHOSTDOWN WSAEHOSTDOWN
#undef EHOSTUNREACH
#define EHOSTUNREACH WSAEHOSTUNREACH
/* A call that would block reports WSAEWOULDBLOCK (Python on Windows:
   errno.EWOULDBLOCK, 10035), where POSIX systems report EAGAIN, which
   is EWOULDBLOCK there; ENOTSUP is EOPNOTSUPP on POSIX systems too. */
#undef EAGAIN
#define EAGAIN WSAEWOULDBLOCK
#undef ENOTSUP
#define ENOTSUP WSAEOPNOTSUPP
#endif

/* Fail the test, printing the error's class and message, unless NS_OK. */
#define assert_ns_ok(expr)                                                     \
  ns_test_check((expr), NS_OK, #expr, __FILE__, __LINE__)

/* Fail the test unless `expr` returns exactly `code`. */
#define assert_ns_err(expr, code)                                              \
  ns_test_check((expr), (code), #expr, __FILE__, __LINE__)

/* Fail unless the last error's message is exactly `text`. */
#define assert_last_message(text)                                              \
  assert_string_equal(ns_error_last_message(), (text))

void ns_test_check(ns_err got, ns_err want, const char *expr, const char *file,
                   int line);

/*
 * Python's message for an OSError with errno `err` on the platform it runs
 * on, and so the library's: "[Errno N] " and this C library's strerror(N).
 * Tests never spell out a C library's text. The result lives until a few
 * more calls of these functions.
 *
 * On Windows the result is a pattern for ns_test_message_matches(): a
 * Winsock failure reads "[WinError 10061] " and Windows' text, which
 * test_winerror checks for every code (wine's own texts are not
 * Windows'), so the pattern holds the number and "*" for the text; an
 * errno that a Winsock code also stands for (EINVAL for WSAEINVAL) may
 * come either way, the alternatives separated by '\n'.
 */
const char *ns_test_os_message(int err);

/* Does the library's message `got` say what ns_test_os_message() or
   ns_test_gai_message() returned? On POSIX systems: the same text. */
int ns_test_message_matches(const char *got, const char *want);

/* Fail unless ns_test_message_matches(got, want). */
#define assert_message_matches(got, want)                                      \
  ns_test_check_message((got), (want), __FILE__, __LINE__)
void ns_test_check_message(const char *got, const char *want, const char *file,
                           int line);

/* The same for a socket.gaierror: "[Errno N] " and gai_strerror(N). */
const char *ns_test_gai_message(int eai);

/* The same for a socket.herror: "[Errno N] " and hstrerror(N). */
const char *ns_test_herror_message(int h);

/* Fail unless the last error carries errno `err` (ECONNREFUSED, never a
   number) and the message ns_test_os_message(err). */
#define assert_last_os_error(err)                                              \
  ns_test_check_last((err), ns_test_os_message(err), #err, __FILE__, __LINE__)

/* Fail unless the last error is gaierror `eai` (EAI_NONAME ...) with the
   message ns_test_gai_message(eai). */
#define assert_last_gai_error(eai)                                             \
  ns_test_check_last((eai), ns_test_gai_message(eai), #eai, __FILE__, __LINE__)

void ns_test_check_last(int want_errno, const char *want_message,
                        const char *name, const char *file, int line);

/* Fail unless the last error is either OS error: for the few calls whose
   Winsock error differs between Windows and wine (listen() on a datagram
   socket: WSAEOPNOTSUPP on Windows, WSAEINVAL under wine). */
#define assert_last_os_error_either(err1, err2)                                \
  ns_test_check_last_either((err1), (err2), #err1 " or " #err2, __FILE__,      \
                            __LINE__)
void ns_test_check_last_either(int err1, int err2, const char *names,
                               const char *file, int line);

/* The number of open descriptors of this process (/proc/self/fd); on
   Windows, of its open sockets (a probe of its handles). */
int ns_test_fd_count(void);

/* The number of open handles of this process of every kind (Windows:
   events, pipes, threads' and sockets, by a probe of its handles); on
   POSIX systems, ns_test_fd_count(). Windows and wine open some handles
   lazily and keep them: compare counts after a warm-up. */
int ns_test_handle_count(void);

/*
 * The system's view of a socket, for what the library's API does not say:
 * is it still open, would a program started now inherit it (POSIX: no
 * FD_CLOEXEC; Windows: HANDLE_FLAG_INHERIT), is it in non-blocking mode
 * (O_NONBLOCK: 1 or 0; -1 on Windows, which cannot tell), and closing it
 * behind the library's back (close(); Windows: closesocket()).
 */
int ns_test_os_open(ns_os_socket s);
/* Is the kernel's timer `optname` (SO_RCVTIMEO, SO_SNDTIMEO) of `s` off?
   (A struct timeval on POSIX systems, a DWORD of milliseconds on
   Windows.) */
bool ns_test_kernel_timer_off(ns_socket *s, int optname);
int ns_test_os_inheritable(ns_os_socket s);
int ns_test_os_nonblocking(ns_os_socket s);
void ns_test_os_close(ns_os_socket s);

/* The errno of a call on a socket closed behind the library's back:
   EBADF on POSIX systems, WSAENOTSOCK (10038) on Windows, as Python
   reports each. */
#ifdef _WIN32
#define NS_TEST_ECLOSED WSAENOTSOCK
#else
#define NS_TEST_ECLOSED EBADF
#endif

/* Can this system make AF_UNIX sockets of `type`? POSIX systems: yes;
   Windows 10 and later: streams only; wine: none. */
int ns_test_have_unix(int type);

/* Remove a flat scratch directory the test made: its files, then itself. */
void ns_test_remove_dir(const char *dir);

/*
 * A cmocka case wrapped in fd accounting: the case fails if it leaves a
 * descriptor open. Every test case in this project uses it.
 */
int ns_test_fd_setup(void **state);
int ns_test_fd_teardown(void **state);
#define NS_TEST(fn)                                                            \
  cmocka_unit_test_setup_teardown(fn, ns_test_fd_setup, ns_test_fd_teardown)

/*
 * Skip the current case on this platform, saying why in the test output:
 * "skipped on Windows: <why>". For cases that need what the platform
 * lacks (fork, AF_UNIX datagrams, descriptor passing, /proc).
 */
void ns_test_skip_platform(const char *why);

/* Is this Windows wine (its ntdll exports wine_get_version)? For the few
   cases where wine does less than Windows; 0 on POSIX systems. */
int ns_test_under_wine(void);

/* Is ::1 usable here? IPv6 tests skip when not. */
int ns_test_have_ipv6(void);

/* Can this system make AF_UNIX stream sockets? (Windows 10 and later
   can, wine cannot; POSIX systems can.) */
int ns_test_have_unix_stream(void);

/* A loopback address of `family` (AF_INET or AF_INET6) with port 0. */
ns_addr ns_test_loopback(int family);

/* A listening TCP socket on loopback, on a port the kernel chose. */
ns_socket *ns_test_listener(int family, ns_addr *bound_out);

/* A connected TCP pair over loopback of `family`. */
void ns_test_tcp_pair(int family, ns_socket **client, ns_socket **server);

/* A connected pair of `type` (SOCK_STREAM or SOCK_DGRAM) over AF_UNIX.
   On Windows, where there are no AF_UNIX datagram sockets (and under
   wine no AF_UNIX at all), the case is skipped, saying why, with both
   set to NULL. */
void ns_test_unix_pair(int type, ns_socket **a, ns_socket **b);

/* An AF_UNIX path unique to this process, in a private temp directory. */
const char *ns_test_unix_path(const char *name);
void ns_test_unix_cleanup(void);

/* Seconds since some fixed point, from CLOCK_MONOTONIC (Windows: the
   performance counter). */
double ns_test_now(void);

/* An upper bound on elapsed time, stretched under valgrind and sanitizers:
   NS_TEST_TIMEOUT_MULTIPLIER (default 1) scales it. Lower bounds are never
   scaled. */
double ns_test_slack(double seconds);

#ifndef _WIN32
/* Wait for the child `pid` and fail unless it exited with status 0 (a
   child killed by a signal, SIGPIPE say, fails). */
void ns_test_child_succeeds(int pid);
#endif

#endif /* NETSOCK_TEST_H */

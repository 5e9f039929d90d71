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
 */
const char *ns_test_os_message(int err);

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

/* The number of open descriptors of this process (/proc/self/fd). */
int ns_test_fd_count(void);

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

/* Is ::1 usable here? IPv6 tests skip when not. */
int ns_test_have_ipv6(void);

/* A loopback address of `family` (AF_INET or AF_INET6) with port 0. */
ns_addr ns_test_loopback(int family);

/* A listening TCP socket on loopback, on a port the kernel chose. */
ns_socket *ns_test_listener(int family, ns_addr *bound_out);

/* A connected TCP pair over loopback of `family`. */
void ns_test_tcp_pair(int family, ns_socket **client, ns_socket **server);

/* A connected pair of `type` (SOCK_STREAM or SOCK_DGRAM) over AF_UNIX. */
void ns_test_unix_pair(int type, ns_socket **a, ns_socket **b);

/* An AF_UNIX path unique to this process, in a private temp directory. */
const char *ns_test_unix_path(const char *name);
void ns_test_unix_cleanup(void);

/* Seconds since some fixed point, from CLOCK_MONOTONIC. */
double ns_test_now(void);

/* An upper bound on elapsed time, stretched under valgrind and sanitizers:
   NS_TEST_TIMEOUT_MULTIPLIER (default 1) scales it. Lower bounds are never
   scaled. */
double ns_test_slack(double seconds);

/* Wait for the child `pid` and fail unless it exited with status 0 (a
   child killed by a signal, SIGPIPE say, fails). */
void ns_test_child_succeeds(int pid);

#endif /* NETSOCK_TEST_H */

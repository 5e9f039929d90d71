/* SPDX-License-Identifier: MIT */
/*
 * Timeouts and blocking mode, with Python's semantics: the tri-state, the
 * errors, one deadline per call, retries after signals (PEP 475).
 *
 * Elapsed times are checked against the timeout from below, and from above
 * only with a generous margin: these assert behaviour (the call ended
 * because its time was up, and not much later), not speed.
 */
#include "ns_test.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#endif

/* The cases about POSIX signals (PEP 475) and fork()ed children: Windows
   has neither, and Python there has no signal to interrupt a call with. */
#ifdef _WIN32
#define SKIP_WITHOUT_SIGNALS()                                                 \
  ns_test_skip_platform("no SIGALRM or setitimer() to interrupt calls "        \
                        "(PEP 475 is about POSIX signals)")
#else
#define SKIP_WITHOUT_SIGNALS() ((void)0)
#endif

/* How much later than its timeout a call may end on a loaded machine. */
#define SLACK 1.5

static void assert_timed_out(double started, double timeout)
{
  double elapsed = ns_test_now() - started;
  assert_int_equal(ns_error_last_code(), NS_ERR_TIMEOUT);
  assert_int_equal(ns_error_last_errno(), 0); /* not a kernel ETIMEDOUT */
  assert_last_message("timed out");
  if (elapsed < timeout || elapsed > timeout + SLACK)
    fail_msg("timed out after %.3f s, timeout %.3f s", elapsed, timeout);
}

/* ---- the API ------------------------------------------------------------ */

static void test_timeout__tri_state(void **state)
{
  (void)state;
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  ns_os_socket fd = ns_fileno(s);
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  assert_true(ns_getblocking(s));

  assert_ns_ok(ns_settimeout(s, 2.5));
  assert_true(ns_gettimeout(s) == 2.5);
  assert_true(ns_getblocking(s)); /* a timeout is still "blocking" */
  /* The descriptor stays blocking where the kernel's timers enforce the
     timeout; the poll engine needs it non-blocking, as CPython does. */
  int nonblocking = ns_test_os_nonblocking(fd); /* -1: cannot tell */
  assert_true(nonblocking < 0 || nonblocking == !NS_TIMEOUT_KERNEL_TIMERS);

  assert_ns_ok(ns_settimeout(s, 0.0));
  assert_true(ns_gettimeout(s) == 0.0);
  assert_false(ns_getblocking(s));
  assert_int_not_equal(ns_test_os_nonblocking(fd), 0);

  assert_ns_ok(ns_setblocking(s, true));
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  assert_int_not_equal(ns_test_os_nonblocking(fd), 1);
  assert_ns_ok(ns_setblocking(s, false));
  assert_true(ns_gettimeout(s) == 0.0);
  assert_ns_ok(ns_settimeout(s, NS_TIMEOUT_NONE));
  assert_true(ns_getblocking(s));

  /* Back to "none": no kernel timer is left behind. */
  assert_ns_ok(ns_settimeout(s, 1.0));
  assert_ns_ok(ns_settimeout(s, NS_TIMEOUT_NONE));
  assert_true(ns_test_kernel_timer_off(s, SO_SNDTIMEO));
  assert_ns_ok(ns_close(s));
}

static void test_timeout__bad_values(void **state)
{
  (void)state;
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_settimeout(s, 3.0));
  assert_ns_err(ns_settimeout(s, NAN), NS_ERR_VALUE);
  assert_last_message("Invalid value NaN (not a number)");
  assert_ns_err(ns_settimeout(s, -0.5), NS_ERR_VALUE);
  assert_last_message("Timeout value out of range");
  assert_ns_err(ns_settimeout(s, -INFINITY), NS_ERR_VALUE);
  assert_true(ns_gettimeout(s) == 3.0); /* unchanged by a refused value */

  /* Huge values are clamped, not overflowed into something short. */
  assert_ns_ok(ns_settimeout(s, INFINITY));
  assert_true(ns_gettimeout(s) > 1e9);
  assert_ns_ok(ns_settimeout(s, 1e300));
  assert_true(ns_gettimeout(s) > 1e9);
  /* A tiny positive value is a timeout, never "non-blocking". */
  assert_ns_ok(ns_settimeout(s, 1e-12));
  assert_true(ns_gettimeout(s) > 0.0);
  assert_true(ns_getblocking(s));

  assert_ns_err(ns_settimeout(NULL, 1.0), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_setblocking(NULL, true), NS_ERR_OS);
  assert_true(ns_gettimeout(NULL) == NS_TIMEOUT_NONE);
  assert_false(ns_getblocking(NULL));
  assert_ns_ok(ns_close(s));
}

static void test_timeout__default_timeout(void **state)
{
  (void)state;
  assert_true(ns_getdefaulttimeout() == NS_TIMEOUT_NONE);
  assert_ns_ok(ns_setdefaulttimeout(0.25));
  assert_true(ns_getdefaulttimeout() == 0.25);
  assert_ns_err(ns_setdefaulttimeout(-3), NS_ERR_VALUE);
  assert_last_message("Timeout value out of range");
  assert_ns_err(ns_setdefaulttimeout(NAN), NS_ERR_VALUE);
  assert_true(ns_getdefaulttimeout() == 0.25);
  /* A socket made now takes it, and enforces it. */
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_setdefaulttimeout(NS_TIMEOUT_NONE));
  assert_true(ns_gettimeout(c) == 0.25);
  char buf[1];
  size_t n;
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(c, buf, 1, 0, &n), NS_ERR_TIMEOUT);
  assert_timed_out(t0, 0.25);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* ---- each blocking call times out ---------------------------------------- */

static void test_timeout__zero_is_non_blocking(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_settimeout(c, 0.0));
  char buf[4];
  size_t n;
  assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_BLOCKING_IO);
  assert_int_equal(ns_error_last_errno(), EAGAIN);
  assert_last_os_error(EAGAIN);
#ifdef MSG_DONTWAIT /* not on Windows, nor in Python there */
  /* MSG_DONTWAIT on a socket with a timeout: also BlockingIOError. */
  assert_ns_ok(ns_settimeout(c, 5.0));
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(c, buf, sizeof buf, MSG_DONTWAIT, &n),
                NS_ERR_BLOCKING_IO);
  assert_true(ns_test_now() - t0 < 1.0);
#endif
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_timeout__recv(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_settimeout(c, 0.2));
  char buf[4];
  size_t n;
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_string_equal(ns_error_last_operation(), "recv");
  assert_timed_out(t0, 0.2);
  /* The socket still works, and data that is there comes at once. */
  assert_ns_ok(ns_sendall(s, "ok", 2, 0, NULL));
  assert_ns_ok(ns_recv(c, buf, 2, MSG_WAITALL, &n));
  assert_int_equal(n, 2);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_timeout__recvfrom(void **state)
{
  (void)state;
  ns_socket *u;
  ns_addr lo = ns_test_loopback(AF_INET), from;
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(u, &lo));
  assert_ns_ok(ns_settimeout(u, 0.2));
  char buf[4];
  size_t n;
  double t0 = ns_test_now();
  assert_ns_err(ns_recvfrom(u, buf, sizeof buf, 0, &n, &from), NS_ERR_TIMEOUT);
  assert_string_equal(ns_error_last_operation(), "recvfrom");
  assert_timed_out(t0, 0.2);
  assert_ns_ok(ns_close(u));
}

static void test_timeout__accept(void **state)
{
  (void)state;
  ns_socket *l = ns_test_listener(AF_INET, NULL), *conn;
  assert_ns_ok(ns_settimeout(l, 0.2));
  double t0 = ns_test_now();
  assert_ns_err(ns_accept(l, &conn, NULL), NS_ERR_TIMEOUT);
  assert_null(conn);
  assert_string_equal(ns_error_last_operation(), "accept");
  assert_timed_out(t0, 0.2);
  assert_ns_ok(ns_close(l));
}

/* The peer never reads: sends fill both buffers, then time out. */
static void test_timeout__send_with_full_buffer(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_settimeout(c, 0.2));
  static char chunk[200 * 1000];
  size_t n, total = 0;
  ns_err err = NS_OK;
  double t0 = 0;
  /* Bounded: the buffers here hold a few MiB at most. */
  for (int i = 0; i < 1000 && err == NS_OK; i++) {
    t0 = ns_test_now();
    err = ns_send(c, chunk, sizeof chunk, 0, &n);
    total += err == NS_OK ? n : 0;
  }
  assert_int_equal(err, NS_ERR_TIMEOUT);
  assert_string_equal(ns_error_last_operation(), "send");
  assert_true(total > 0);
  assert_timed_out(t0, 0.2);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/*
 * A listener with backlog 0 and one connection left unaccepted drops the
 * SYNs of later connects, which then time out. Returns the listener and
 * the filler connection(s) in `fill` (NULL-terminated).
 */
static ns_socket *full_backlog_listener(ns_addr *addr, ns_socket **fill,
                                        int max_fill)
{
  ns_socket *l;
  ns_addr lo = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(&l, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_bind(l, &lo));
  assert_ns_ok(ns_listen(l, 0));
  assert_ns_ok(ns_getsockname(l, addr));
  int i;
  for (i = 0; i < max_fill - 1; i++) {
    assert_ns_ok(ns_socket_create(&fill[i], AF_INET, SOCK_STREAM, 0));
    assert_ns_ok(ns_settimeout(fill[i], 0.3));
    if (ns_connect(fill[i], addr) != NS_OK) {
      assert_int_equal(ns_error_last_code(), NS_ERR_TIMEOUT);
      break; /* the backlog is full: this one was dropped */
    }
  }
  assert_true(i < max_fill - 1);
  fill[i + 1] = NULL;
  return l;
}

static void close_all(ns_socket **list)
{
  for (; *list; list++)
    assert_ns_ok(ns_close(*list));
}

static void test_timeout__connect(void **state)
{
  (void)state;
  ns_addr addr;
  ns_socket *fill[8];
  ns_socket *l = full_backlog_listener(&addr, fill, 8);
  ns_socket *c;
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_settimeout(c, 0.3));
  double t0 = ns_test_now();
  assert_ns_err(ns_connect(c, &addr), NS_ERR_TIMEOUT);
  assert_string_equal(ns_error_last_operation(), "connect");
  assert_timed_out(t0, 0.3);
  assert_ns_ok(ns_close(c));

  /* connect_ex reports Python's EWOULDBLOCK for its timeout. */
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_settimeout(c, 0.2));
  assert_int_equal(ns_connect_ex(c, &addr), EWOULDBLOCK);
  assert_ns_ok(ns_close(c));
  close_all(fill);
  assert_ns_ok(ns_close(l));
}

/* ---- short timeouts and the final stretch -------------------------------- */

/* Every operation, at timeouts shorter than the kernel's tick and longer
   than it, ends with TimeoutError and never before its timeout (the
   lower bound is exact; the upper one only catches a wait without end). */
static void never_early(double timeout)
{
  char buf[4];
  size_t n;
  ns_socket *c, *s, *l, *conn;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_settimeout(c, timeout));
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_timed_out(t0, timeout);

  enum { SIZE = 8 * 1024 * 1024 };
  char *data = calloc(1, SIZE);
  assert_non_null(data);
  size_t sent = 0;
  t0 = ns_test_now();
  assert_ns_err(ns_sendall(c, data, SIZE, 0, &sent), NS_ERR_TIMEOUT);
  assert_timed_out(t0, timeout);
  assert_true(sent < SIZE);
  /* Now the buffers are full: the next sendall waits from its start. */
  t0 = ns_test_now();
  assert_ns_err(ns_sendall(c, data, SIZE, 0, &sent), NS_ERR_TIMEOUT);
  assert_timed_out(t0, timeout);
  free(data);

  l = ns_test_listener(AF_INET, NULL);
  assert_ns_ok(ns_settimeout(l, timeout));
  t0 = ns_test_now();
  assert_ns_err(ns_accept(l, &conn, NULL), NS_ERR_TIMEOUT);
  assert_timed_out(t0, timeout);
  assert_null(conn);

  ns_addr addr;
  ns_socket *fill[8], *late;
  ns_socket *full = full_backlog_listener(&addr, fill, 8);
  assert_ns_ok(ns_socket_create(&late, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_settimeout(late, timeout));
  t0 = ns_test_now();
  assert_ns_err(ns_connect(late, &addr), NS_ERR_TIMEOUT);
  assert_timed_out(t0, timeout);
  assert_ns_ok(ns_close(late));
  close_all(fill);
  assert_ns_ok(ns_close(full));
  assert_ns_ok(ns_close(l));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_timeout__never_early_1ms(void **state)
{
  (void)state;
  never_early(0.001);
}

static void test_timeout__never_early_10ms(void **state)
{
  (void)state;
  never_early(0.01);
}

static void test_timeout__never_early_120ms(void **state)
{
  (void)state;
  never_early(0.12);
}

/*
 * A timeout too short for the kernel's timer tick is still a timeout in
 * every way the caller sees (gettimeout, getblocking, the calls complete
 * when they can); only the descriptor is non-blocking, as for timeout 0,
 * and it goes back to blocking with a longer timeout or none.
 */
static void test_timeout__short_timeouts_work(void **state)
{
  (void)state;
  ns_socket *c, *s, *conn;
  ns_test_tcp_pair(AF_INET, &c, &s);
  ns_os_socket fd = ns_fileno(c);
  assert_ns_ok(ns_settimeout(c, 0.002));
  assert_true(ns_gettimeout(c) == 0.002);
  assert_true(ns_getblocking(c));
  assert_int_not_equal(ns_test_os_nonblocking(fd), 0);

  /* Data already there: one call, no waiting. */
  char buf[8];
  size_t n;
  assert_ns_ok(ns_sendall(s, "ping", 4, 0, NULL));
  assert_ns_ok(ns_recv(c, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 4);
  assert_ns_ok(ns_sendall(c, "pong", 4, 0, &n));
  assert_int_equal(n, 4);
  assert_ns_ok(ns_recv(s, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 4);
  /* Nothing there: TimeoutError, not BlockingIOError. */
  assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
#ifdef MSG_DONTWAIT
  /* MSG_DONTWAIT still asks for BlockingIOError. */
  assert_ns_err(ns_recv(c, buf, sizeof buf, MSG_DONTWAIT, &n),
                NS_ERR_BLOCKING_IO);
#endif

  /* Longer (the kernel-timer engine's descriptor blocks then, the portable
     engine's does not), short again, then none: blocking again, and no
     kernel timer left. */
  assert_ns_ok(ns_settimeout(c, 5.0));
  assert_ns_ok(ns_settimeout(c, 0.002));
  assert_int_not_equal(ns_test_os_nonblocking(fd), 0);
  assert_ns_ok(ns_settimeout(c, NS_TIMEOUT_NONE));
  assert_int_not_equal(ns_test_os_nonblocking(fd), 1);
  assert_true(ns_test_kernel_timer_off(c, SO_RCVTIMEO));

  /* Sockets made with a short default timeout: new, accepted, fromfd. */
  ns_socket *l = ns_test_listener(AF_INET, NULL);
  ns_addr a;
  assert_ns_ok(ns_getsockname(l, &a));
  assert_ns_ok(ns_setdefaulttimeout(0.002));
  ns_socket *fresh;
  assert_ns_ok(ns_socket_create(&fresh, AF_INET, SOCK_STREAM, 0));
  assert_int_not_equal(ns_test_os_nonblocking(ns_fileno(fresh)), 0);
  ns_err connected = ns_connect(fresh, &a);
  assert_ns_ok(ns_setdefaulttimeout(1.0));
  assert_ns_ok(ns_accept(l, &conn, NULL));
  assert_ns_ok(ns_setdefaulttimeout(0.002));
  ns_socket *other;
#ifdef _WIN32
  /* A duplicate the library did not make: Windows has no dup(). */
  ns_socket *copy;
  assert_ns_ok(ns_dup(s, &copy));
  ns_os_socket dup_fd = ns_detach(copy);
#else
  int dup_fd = dup(ns_fileno(s));
#endif
  assert_true(dup_fd != NS_INVALID_SOCKET);
  assert_ns_ok(ns_fromfd(&other, dup_fd));
  assert_ns_ok(ns_setdefaulttimeout(NS_TIMEOUT_NONE));
  assert_int_not_equal(ns_test_os_nonblocking(dup_fd), 0);
  assert_true(ns_gettimeout(other) == 0.002);
  /* A 2 ms connect over loopback completes, or times out; never hangs. */
  if (connected != NS_OK)
    assert_int_equal(connected, NS_ERR_TIMEOUT);
  else
    assert_ns_err(ns_recv(fresh, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_ns_ok(ns_close(other));
  assert_ns_ok(ns_close(conn));
  assert_ns_ok(ns_close(fresh));
  assert_ns_ok(ns_close(l));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* An accepted connection with a short default timeout times out on its
   own recv: its descriptor is non-blocking from accept on. */
static void test_timeout__accepted_short_default_times_out(void **state)
{
  (void)state;
  ns_addr a;
  ns_socket *l = ns_test_listener(AF_INET, &a);
  ns_socket *c, *conn;
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, &a));
  assert_ns_ok(ns_setdefaulttimeout(0.003));
  ns_err err = ns_accept(l, &conn, NULL);
  assert_ns_ok(ns_setdefaulttimeout(NS_TIMEOUT_NONE));
  assert_ns_ok(err);
  assert_true(ns_gettimeout(conn) == 0.003);
  assert_int_not_equal(ns_test_os_nonblocking(ns_fileno(conn)), 0);
  char buf[4];
  size_t n;
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(conn, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_timed_out(t0, 0.003);
  assert_ns_ok(ns_close(conn));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(l));
}

/* ---- signals (PEP 475) --------------------------------------------------- */

static volatile sig_atomic_t alarms;

#ifndef _WIN32
static void count_alarm(int sig)
{
  (void)sig;
  int saved = errno;
  alarms++;
  errno = EIO; /* a handler that clobbers errno must not confuse the call */
  (void)saved;
}

/* SIGALRM every 10 ms, without SA_RESTART, so blocked calls see EINTR. */
static void alarm_every_10ms(bool on)
{
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on ? count_alarm : SIG_IGN;
  sigemptyset(&sa.sa_mask);
  struct itimerval it = {{0, on ? 10000 : 0}, {0, on ? 10000 : 0}};
  if (on) {
    alarms = 0;
    assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
  } else {
    assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
    assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
  }
}
#else
static void alarm_every_10ms(bool on)
{
  (void)on; /* the cases that call it are skipped first */
}
#endif

/* A silent peer: sendall of 32 MiB with a 0.3 s timeout ends on one
   deadline for the whole call, and reports how much went. With `storm`,
   SIGALRM every 10 ms interrupts it throughout, and the deadline holds. */
static void sendall_times_out(bool storm)
{
  enum { SIZE = 32 * 1024 * 1024 };
  char *data = calloc(1, SIZE);
  assert_non_null(data);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_settimeout(c, 0.3));
  size_t sent = 0;
  if (storm)
    alarm_every_10ms(true);
  double t0 = ns_test_now();
  assert_ns_err(ns_sendall(c, data, SIZE, 0, &sent), NS_ERR_TIMEOUT);
  assert_string_equal(ns_error_last_operation(), "sendall");
  assert_timed_out(t0, 0.3);
  if (storm)
    alarm_every_10ms(false);
  assert_true(sent > 0 && sent < SIZE);
  free(data);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* One deadline for the whole sendall, and the count of what went. */
static void test_timeout__sendall_total_deadline(void **state)
{
  (void)state;
  sendall_times_out(false);
}

static void test_timeout__signals_do_not_extend_the_deadline(void **state)
{
  (void)state;
  SKIP_WITHOUT_SIGNALS();
  ns_socket *c, *s, *l, *conn;
  ns_test_tcp_pair(AF_INET, &c, &s);
  l = ns_test_listener(AF_INET, NULL);
  assert_ns_ok(ns_settimeout(c, 0.3));
  assert_ns_ok(ns_settimeout(l, 0.3));
  char buf[4];
  size_t n;
  alarm_every_10ms(true);
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_timed_out(t0, 0.3);
  t0 = ns_test_now();
  assert_ns_err(ns_accept(l, &conn, NULL), NS_ERR_TIMEOUT);
  assert_timed_out(t0, 0.3);
  int seen = alarms;
  alarm_every_10ms(false);
  assert_true(seen >= 10); /* the calls really were interrupted */

  /* The next call has its whole timeout again, not what was left. */
  t0 = ns_test_now();
  assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_timed_out(t0, 0.3);
  assert_ns_ok(ns_close(l));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* The same with timeouts the ppoll path waits alone (short) and the
   final stretch after the kernel's timer (long): a storm of signals
   neither extends a deadline nor ends a call early. */
static void test_timeout__signals_in_the_final_stretch(void **state)
{
  (void)state;
  SKIP_WITHOUT_SIGNALS();
  static const double timeouts[] = {0.005, 0.05};
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  char buf[4];
  size_t n;
  alarm_every_10ms(true);
  for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
    assert_ns_ok(ns_settimeout(c, timeouts[i]));
    for (int k = 0; k < 5; k++) {
      double t0 = ns_test_now();
      assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
      assert_timed_out(t0, timeouts[i]);
    }
  }
  int seen = alarms;
  alarm_every_10ms(false);
  assert_true(seen >= 5);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_timeout__sendall_under_signals(void **state)
{
  (void)state;
  SKIP_WITHOUT_SIGNALS();
  sendall_times_out(true);
}

/* An interrupted connect is finished by waiting, never by calling
   connect() again (which would fail with EALREADY, a BlockingIOError). */
static void test_timeout__connect_under_signals(void **state)
{
  (void)state;
  SKIP_WITHOUT_SIGNALS();
  ns_addr addr;
  ns_socket *fill[8];
  ns_socket *l = full_backlog_listener(&addr, fill, 8);
  ns_socket *c;
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_settimeout(c, 0.3));
  alarm_every_10ms(true);
  double t0 = ns_test_now();
  assert_ns_err(ns_connect(c, &addr), NS_ERR_TIMEOUT);
  assert_timed_out(t0, 0.3);
  alarm_every_10ms(false);
  assert_ns_ok(ns_close(c));
  close_all(fill);
  assert_ns_ok(ns_close(l));
}

/* Without a timeout, interrupted calls are retried until they complete:
   a peer process answers after a while. */
static void test_timeout__blocking_calls_complete_under_signals(void **state)
{
  (void)state;
  SKIP_WITHOUT_SIGNALS();
#ifndef _WIN32
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    /* The peer: wait for a request, then answer after 200 ms, the time
       the parent spends blocked in recv under a storm of signals. */
    char req[1];
    size_t n;
    if (ns_recv(s, req, 1, 0, &n) != NS_OK || n != 1)
      _exit(1);
    struct timespec delay = {0, 200L * 1000 * 1000};
    nanosleep(&delay, NULL);
    _exit(ns_sendall(s, "late", 4, 0, NULL) == NS_OK ? 0 : 2);
  }
  alarm_every_10ms(true);
  char buf[4];
  size_t n;
  double t0 = ns_test_now();
  assert_ns_ok(ns_sendall(c, "?", 1, 0, NULL));
  assert_ns_ok(ns_recv(c, buf, 4, MSG_WAITALL, &n));
  double elapsed = ns_test_now() - t0;
  int seen = alarms;
  alarm_every_10ms(false);
  assert_int_equal(n, 4);
  assert_memory_equal(buf, "late", 4);
  assert_true(elapsed >= 0.2);
  assert_true(seen >= 5);
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
#endif
}

/* EMFILE on accept: a clear OSError, nothing leaked, and once a descriptor
   is free the pending connection is still there to accept. */
static void test_timeout__accept_emfile_keeps_the_connection(void **state)
{
  (void)state;
#ifdef _WIN32
  ns_test_skip_platform("needs fork() and setrlimit(RLIMIT_NOFILE)");
#else
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    ns_addr addr;
    ns_socket *l = ns_test_listener(AF_INET, &addr), *c, *conn = NULL;
    if (ns_socket_create(&c, AF_INET, SOCK_STREAM, 0) || ns_connect(c, &addr))
      _exit(10);
    /* Use up every descriptor the limit allows. */
    int before = ns_test_fd_count();
    struct rlimit rl = {(rlim_t)before + 8, (rlim_t)before + 8};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      _exit(11);
    int spare[64], used = 0;
    while (used < 64 && (spare[used] = dup(0)) >= 0)
      used++;
    if (used == 64 || ns_accept(l, &conn, NULL) != NS_ERR_OS ||
        ns_error_last_errno() != EMFILE || conn != NULL ||
        !ns_test_message_matches(ns_error_last_message(),
                                 ns_test_os_message(EMFILE)))
      _exit(12);
    while (used > 0)
      close(spare[--used]);
    /* Counted with descriptors free again: the failed accept kept none. */
    if (ns_test_fd_count() != before)
      _exit(13);
    if (ns_accept(l, &conn, NULL) != NS_OK)
      _exit(14);
    ns_close(conn);
    ns_close(c);
    ns_close(l);
    _exit(0);
  }
  ns_test_child_succeeds(pid);
#endif
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_timeout__tri_state),
      NS_TEST(test_timeout__bad_values),
      NS_TEST(test_timeout__default_timeout),
      NS_TEST(test_timeout__zero_is_non_blocking),
      NS_TEST(test_timeout__recv),
      NS_TEST(test_timeout__recvfrom),
      NS_TEST(test_timeout__accept),
      NS_TEST(test_timeout__send_with_full_buffer),
      NS_TEST(test_timeout__sendall_total_deadline),
      NS_TEST(test_timeout__connect),
      NS_TEST(test_timeout__signals_do_not_extend_the_deadline),
      NS_TEST(test_timeout__never_early_1ms),
      NS_TEST(test_timeout__never_early_10ms),
      NS_TEST(test_timeout__never_early_120ms),
      NS_TEST(test_timeout__short_timeouts_work),
      NS_TEST(test_timeout__accepted_short_default_times_out),
      NS_TEST(test_timeout__signals_in_the_final_stretch),
      NS_TEST(test_timeout__sendall_under_signals),
      NS_TEST(test_timeout__connect_under_signals),
      NS_TEST(test_timeout__blocking_calls_complete_under_signals),
      NS_TEST(test_timeout__accept_emfile_keeps_the_connection),
  };
  return cmocka_run_group_tests_name("timeout", tests, NULL, NULL);
}

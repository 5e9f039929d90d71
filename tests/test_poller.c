/* SPDX-License-Identifier: MIT */
/*
 * The poller: registration, per-socket user data, level-triggered
 * readiness, timeouts, signals, and every misuse, each case run on both
 * backends (epoll and poll).
 */
#include "ns_test.h"

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifndef _WIN32
#include <poll.h>
#include <sys/time.h>
#include <sys/wait.h>
#endif

#if HAVE_EPOLL
static int epoll_backend = NS_POLLER_EPOLL;
#endif
static int poll_backend = NS_POLLER_POLL;

static int backend_of(void **state)
{
  return *(int *)*state;
}

static ns_poller *make_poller(void **state)
{
  ns_poller *p;
  assert_ns_ok(ns_poller_create(&p, backend_of(state)));
  assert_int_equal(ns_poller_backend(p), backend_of(state));
  return p;
}

/* Wait and expect exactly one event. */
static ns_poller_event wait_one(ns_poller *p, double timeout)
{
  ns_poller_event ev[4];
  size_t n = 0;
  assert_ns_ok(ns_poller_wait(p, ev, 4, timeout, &n));
  assert_int_equal(n, 1);
  return ev[0];
}

static size_t wait_count(ns_poller *p, double timeout)
{
  ns_poller_event ev[16];
  size_t n = 99;
  assert_ns_ok(ns_poller_wait(p, ev, 16, timeout, &n));
  return n;
}

/* ---- lifecycle ----------------------------------------------------------- */

static void test_poller__create_and_close(void **state)
{
  (void)state;
  int before = ns_test_fd_count();
  ns_poller *p;
  assert_ns_ok(ns_poller_create(&p, NS_POLLER_DEFAULT));
  assert_int_equal(ns_poller_backend(p),
                   HAVE_EPOLL ? NS_POLLER_EPOLL : NS_POLLER_POLL);
  assert_int_equal(ns_test_fd_count(), before + HAVE_EPOLL); /* epoll's fd */
  assert_int_equal(ns_poller_count(p), 0);
  assert_ns_ok(ns_poller_close(p));
  assert_int_equal(ns_test_fd_count(), before);
#if !NS_HAVE_EPOLL
  /* Asked for by name where the system has none (the public macro says
     so): OSError ENOSYS. */
  p = (ns_poller *)&before;
  assert_ns_err(ns_poller_create(&p, NS_POLLER_EPOLL), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ENOSYS);
  assert_null(p);
#endif

  assert_ns_ok(ns_poller_create(&p, NS_POLLER_POLL));
  assert_int_equal(ns_poller_backend(p), NS_POLLER_POLL);
  assert_int_equal(ns_test_fd_count(), before); /* poll needs none */
  assert_ns_ok(ns_poller_close(p));

  p = (ns_poller *)&before;
  assert_ns_err(ns_poller_create(&p, 7), NS_ERR_VALUE);
  assert_last_message("unknown poller backend 7");
  assert_null(p);
  assert_ns_err(ns_poller_create(&p, -1), NS_ERR_VALUE);
  assert_last_message("unknown poller backend -1");
  assert_ns_err(ns_poller_create(NULL, NS_POLLER_DEFAULT), NS_ERR_VALUE);
  assert_last_message("poller out-parameter is NULL");
  assert_ns_ok(ns_poller_close(NULL));
  assert_int_equal(ns_poller_backend(NULL), -1);
  assert_int_equal(ns_poller_count(NULL), 0);
}

#if HAVE_EPOLL
static void test_poller__epoll_fd_is_cloexec(void **state)
{
  (void)state;
  /* The only descriptor the poller makes: find it as the new one. */
  int probe = dup(0);
  close(probe);
  ns_poller *p;
  assert_ns_ok(ns_poller_create(&p, NS_POLLER_EPOLL));
  int flags = fcntl(probe, F_GETFD);
  assert_true(flags != -1 && (flags & FD_CLOEXEC));
  assert_ns_ok(ns_poller_close(p));
}
#endif

/* ---- readiness ----------------------------------------------------------- */

static void test_poller__read_readiness(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  int marker = 42;
  assert_ns_ok(ns_poller_register(p, s, NS_EVENT_READ, &marker));
  assert_int_equal(ns_poller_count(p), 1);
  assert_int_equal(wait_count(p, 0), 0);

  size_t n;
  char buf[8];
  assert_ns_ok(ns_sendall(c, "r", 1, 0, &n));
  ns_poller_event ev = wait_one(p, 5.0);
  assert_ptr_equal(ev.sock, s);
  assert_ptr_equal(ev.data, &marker);
  assert_int_equal(ev.events, NS_EVENT_READ);
  /* Level-triggered: still ready until read. */
  ev = wait_one(p, 0);
  assert_ptr_equal(ev.sock, s);
  assert_ns_ok(ns_recv(s, buf, sizeof buf, 0, &n));
  assert_int_equal(wait_count(p, 0), 0);

  assert_ns_ok(ns_poller_unregister(p, s));
  assert_int_equal(ns_poller_count(p), 0);
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_poller__write_readiness_and_modify(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  int a = 1, b = 2;
  assert_ns_ok(ns_poller_register(p, c, NS_EVENT_WRITE, &a));
  ns_poller_event ev = wait_one(p, 5.0);
  assert_ptr_equal(ev.sock, c);
  assert_ptr_equal(ev.data, &a);
  assert_int_equal(ev.events, NS_EVENT_WRITE);

  /* Watch for reading instead, with other data. */
  assert_ns_ok(ns_poller_modify(p, c, NS_EVENT_READ, &b));
  unsigned int events;
  void *data;
  assert_ns_ok(ns_poller_get(p, c, &events, &data));
  assert_int_equal(events, NS_EVENT_READ);
  assert_ptr_equal(data, &b);
  assert_int_equal(wait_count(p, 0), 0);
  size_t n;
  assert_ns_ok(ns_sendall(s, "w", 1, 0, &n));
  ev = wait_one(p, 5.0);
  assert_int_equal(ev.events, NS_EVENT_READ);
  assert_ptr_equal(ev.data, &b);

  /* Both: one entry carries both events. */
  assert_ns_ok(ns_poller_modify(p, c, NS_EVENT_READ | NS_EVENT_WRITE, &a));
  ev = wait_one(p, 5.0);
  assert_int_equal(ev.events, NS_EVENT_READ | NS_EVENT_WRITE);
  assert_ptr_equal(ev.data, &a);
  /* Only the data changes: no system call needed, the data is new. */
  assert_ns_ok(ns_poller_modify(p, c, NS_EVENT_READ | NS_EVENT_WRITE, NULL));
  ev = wait_one(p, 5.0);
  assert_null(ev.data);
  assert_ns_ok(ns_poller_get(p, c, NULL, NULL));

  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_poller__accept_readiness(void **state)
{
  ns_poller *p = make_poller(state);
  ns_addr a;
  ns_socket *l = ns_test_listener(AF_INET, &a);
  assert_ns_ok(ns_poller_register(p, l, NS_EVENT_READ, NULL));
  assert_int_equal(wait_count(p, 0), 0);
  ns_socket *c, *s;
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, &a));
  ns_poller_event ev = wait_one(p, 5.0);
  assert_ptr_equal(ev.sock, l);
  assert_ns_ok(ns_accept(l, &s, NULL));
  assert_ns_ok(ns_poller_unregister(p, l));
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(l));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_poller__hangup_and_reset(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  /* End of stream shows as readable; recv then returns 0. */
  assert_ns_ok(ns_poller_register(p, s, NS_EVENT_READ, NULL));
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  ns_poller_event ev = wait_one(p, 5.0);
  assert_int_equal(ev.events, NS_EVENT_READ);
  char buf[4];
  size_t n;
  assert_ns_ok(ns_recv(s, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 0);
  assert_ns_ok(ns_poller_unregister(p, s));

  /* A reset shows as the events registered, here write only, so that the
     next send reports it. */
  struct linger lg = {1, 0};
  assert_ns_ok(ns_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  assert_ns_ok(ns_poller_register(p, c, NS_EVENT_WRITE, NULL));
  assert_ns_ok(ns_close(s));
  ev = wait_one(p, 5.0);
  assert_int_equal(ev.events, NS_EVENT_WRITE);
  ns_err err = ns_send(c, "x", 1, 0, &n);
  assert_true(err == NS_ERR_CONNECTION_RESET || err == NS_ERR_BROKEN_PIPE);
  assert_ns_ok(ns_poller_unregister(p, c));
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
}

/* ---- many sockets -------------------------------------------------------- */

enum { PAIRS = 100 };

static void test_poller__user_data_per_socket(void **state)
{
  ns_poller *p = make_poller(state);
  static ns_socket *a[PAIRS], *b[PAIRS];
  static int ids[PAIRS];
  size_t n;
  for (int i = 0; i < PAIRS; i++) {
    /* AF_UNIX where there is one; else loopback TCP (wine). */
    if (ns_test_have_unix(SOCK_STREAM))
      ns_test_unix_pair(SOCK_STREAM, &a[i], &b[i]);
    else
      ns_test_tcp_pair(AF_INET, &a[i], &b[i]);
    ids[i] = i;
    assert_ns_ok(ns_poller_register(p, b[i], NS_EVENT_READ, &ids[i]));
    assert_ns_ok(ns_sendall(a[i], "m", 1, 0, &n));
  }
  assert_int_equal(ns_poller_count(p), PAIRS);

  /* All at once (the epoll buffer grows past its first 64). */
  static ns_poller_event ev[PAIRS + 10];
  assert_ns_ok(ns_poller_wait(p, ev, PAIRS + 10, 5.0, &n));
  assert_int_equal(n, PAIRS);
  bool seen[PAIRS] = {false};
  for (size_t i = 0; i < n; i++) {
    int id = *(int *)ev[i].data;
    assert_ptr_equal(ev[i].sock, b[id]);
    assert_int_equal(ev[i].events, NS_EVENT_READ);
    assert_false(seen[id]);
    seen[id] = true;
  }

  /* A few at a time: every socket gets its turn, none is starved. */
  memset(seen, 0, sizeof seen);
  int distinct = 0;
  for (int round = 0; round < (PAIRS + 6) / 7; round++) {
    assert_ns_ok(ns_poller_wait(p, ev, 7, 5.0, &n));
    assert_int_equal(n, 7);
    for (size_t i = 0; i < n; i++) {
      int id = *(int *)ev[i].data;
      if (!seen[id]) {
        seen[id] = true;
        distinct++;
      }
    }
  }
  assert_int_equal(distinct, PAIRS);

  /* Unregistering half leaves the other half, with their data. */
  for (int i = 0; i < PAIRS; i += 2)
    assert_ns_ok(ns_poller_unregister(p, b[i]));
  assert_int_equal(ns_poller_count(p), PAIRS / 2);
  assert_ns_ok(ns_poller_wait(p, ev, PAIRS, 5.0, &n));
  assert_int_equal(n, PAIRS / 2);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(*(int *)ev[i].data % 2, 1);

  assert_ns_ok(ns_poller_close(p));
  for (int i = 0; i < PAIRS; i++) {
    assert_ns_ok(ns_close(a[i]));
    assert_ns_ok(ns_close(b[i]));
  }
}

/* ---- misuse -------------------------------------------------------------- */

static void test_poller__bad_arguments(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  char msg[64];
  assert_ns_ok(ns_poller_register(p, s, NS_EVENT_READ, NULL));
  assert_ns_err(ns_poller_register(p, s, NS_EVENT_WRITE, NULL), NS_ERR_VALUE);
  snprintf(msg, sizeof msg, "socket (FD %lld) is already registered",
           (long long)ns_fileno(s));
  assert_last_message(msg);
  assert_string_equal(ns_error_last_operation(), "register");
  assert_ns_err(ns_poller_register(p, c, 0, NULL), NS_ERR_VALUE);
  assert_last_message("Invalid events: 0");
  assert_ns_err(ns_poller_register(p, c, 4, NULL), NS_ERR_VALUE);
  assert_last_message("Invalid events: 4");
  assert_ns_err(ns_poller_register(p, NULL, NS_EVENT_READ, NULL), NS_ERR_OS);
  assert_last_os_error(EBADF);
  /* A handle whose descriptor is closed: EBADF from either backend. */
  ns_socket *gone;
  assert_ns_ok(ns_socket_create(&gone, AF_INET, SOCK_STREAM, 0));
  ns_test_os_close(ns_fileno(gone));
  assert_ns_err(ns_poller_register(p, gone, NS_EVENT_READ, NULL), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_close(gone), NS_ERR_OS);
  assert_ns_err(ns_poller_register(NULL, c, NS_EVENT_READ, NULL), NS_ERR_VALUE);
  assert_last_message("poller is NULL");
  assert_ns_err(ns_poller_modify(p, s, 0, NULL), NS_ERR_VALUE);
  assert_last_message("Invalid events: 0");

  snprintf(msg, sizeof msg, "socket (FD %lld) is not registered",
           (long long)ns_fileno(c));
  assert_ns_err(ns_poller_modify(p, c, NS_EVENT_READ, NULL), NS_ERR_VALUE);
  assert_last_message(msg);
  assert_ns_err(ns_poller_unregister(p, c), NS_ERR_VALUE);
  assert_last_message(msg);
  assert_ns_err(ns_poller_get(p, c, NULL, NULL), NS_ERR_VALUE);
  assert_last_message(msg);
  assert_ns_err(ns_poller_unregister(p, NULL), NS_ERR_OS);
  assert_ns_err(ns_poller_unregister(NULL, s), NS_ERR_VALUE);
  assert_ns_ok(ns_poller_unregister(p, s));
  assert_ns_err(ns_poller_unregister(p, s), NS_ERR_VALUE);

  ns_poller_event ev[2];
  size_t n;
  assert_ns_err(ns_poller_wait(p, NULL, 2, 0, &n), NS_ERR_VALUE);
  assert_last_message("event array or count out-parameter is NULL");
  assert_ns_err(ns_poller_wait(p, ev, 2, 0, NULL), NS_ERR_VALUE);
  assert_ns_err(ns_poller_wait(p, ev, 0, 0, &n), NS_ERR_VALUE);
  assert_last_message("max must be at least 1");
  assert_ns_err(ns_poller_wait(p, ev, 2, NAN, &n), NS_ERR_VALUE);
  assert_last_message("Invalid value NaN (not a number)");
  assert_ns_err(ns_poller_wait(p, ev, 2, -2.0, &n), NS_ERR_VALUE);
  assert_last_message("Timeout value out of range");
  assert_string_equal(ns_error_last_operation(), "select");
  assert_ns_err(ns_poller_wait(NULL, ev, 2, 0, &n), NS_ERR_VALUE);
  assert_last_message("poller is NULL");

  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* A socket closed while registered is unregistered by ns_close: the
   poller never hands back the freed handle, and its descriptor's slot is
   free for the next socket. */
static void test_poller__closed_while_registered(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  ns_os_socket fd = ns_fileno(s);
  assert_ns_ok(ns_poller_register(p, s, NS_EVENT_READ | NS_EVENT_WRITE, NULL));
  assert_ns_ok(ns_close(s));
  assert_int_equal(ns_poller_count(p), 0);
  double t0 = ns_test_now();
  assert_int_equal(wait_count(p, 0.1), 0);
  double took = ns_test_now() - t0;
  assert_true(took >= 0.1 && took < 0.1 + ns_test_slack(0.15));
#ifdef _WIN32
  (void)fd; /* Windows hands out socket handles its own way: no dup3 */
#else
  /* A new socket on the same descriptor number registers and is the one
     reported. */
  int raw = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  assert_true(raw >= 0);
  assert_int_equal(dup3(raw, fd, O_CLOEXEC), fd);
  close(raw);
  ns_socket *n;
  assert_ns_ok(ns_fromfd(&n, fd));
  int tag;
  assert_ns_ok(ns_poller_register(p, n, NS_EVENT_WRITE, &tag));
  ns_poller_event ev = wait_one(p, 1.0);
  assert_ptr_equal(ev.sock, n);
  assert_ptr_equal(ev.data, &tag);
  assert_ns_ok(ns_close(n));
  assert_int_equal(ns_poller_count(p), 0);
#endif
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
}

/* The descriptor outlives the handle (a duplicate, ns_detach): the
   closed handle is still never reported. */
static void test_poller__closed_handle_whose_file_lives_on(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s, *d;
  ns_test_tcp_pair(AF_INET, &c, &s);
  size_t sent;
  assert_ns_ok(ns_send(c, "x", 1, 0, &sent)); /* s stays readable */
  assert_ns_ok(ns_dup(s, &d));
  assert_ns_ok(ns_poller_register(p, s, NS_EVENT_READ, NULL));
  assert_ns_ok(ns_close(s));
  assert_int_equal(ns_poller_count(p), 0);
  assert_int_equal(wait_count(p, 0.05), 0);
  /* Detached: the descriptor is the caller's, the handle is gone. */
  assert_ns_ok(ns_poller_register(p, d, NS_EVENT_READ, NULL));
  ns_os_socket fd = ns_detach(d);
  assert_true(fd != NS_INVALID_SOCKET);
  assert_int_equal(ns_poller_count(p), 0);
  assert_int_equal(wait_count(p, 0.05), 0);
  ns_test_os_close(fd);
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
}

/* A socket in two pollers leaves both when closed; a poller closed
   first is forgotten by the socket. */
static void test_poller__closed_in_two_pollers(void **state)
{
  ns_poller *p1 = make_poller(state), *p2 = make_poller(state);
  ns_poller *p3 = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_poller_register(p1, s, NS_EVENT_WRITE, NULL));
  assert_ns_ok(ns_poller_register(p2, s, NS_EVENT_WRITE, NULL));
  assert_ns_ok(ns_poller_register(p3, s, NS_EVENT_WRITE, NULL));
  assert_ns_ok(ns_poller_unregister(p2, s)); /* from the chain's middle */
  assert_ns_ok(ns_poller_close(p1));
  assert_ns_ok(ns_poller_register(p2, s, NS_EVENT_WRITE, NULL));
  assert_ns_ok(ns_close(s));
  assert_int_equal(ns_poller_count(p2), 0);
  assert_int_equal(ns_poller_count(p3), 0);
  assert_int_equal(wait_count(p2, 0), 0);
  assert_int_equal(wait_count(p3, 0), 0);
  assert_ns_ok(ns_poller_close(p2));
  assert_ns_ok(ns_poller_close(p3));
  assert_ns_ok(ns_close(c));
}

/* ---- timeouts and signals ------------------------------------------------ */

/* Wait, by the system's own call, until out-of-band data has reached
   `fd` (poll's POLLPRI; on Windows, select's exception set): at most
   5 s. */
static void wait_for_urgent_data(ns_os_socket fd)
{
#ifdef _WIN32
  fd_set ex;
  FD_ZERO(&ex);
  FD_SET(fd, &ex);
  struct timeval tv = {5, 0};
  assert_int_equal(select(0, NULL, NULL, &ex, &tv), 1);
#else
  struct pollfd pfd = {fd, POLLPRI, 0};
  assert_int_equal(poll(&pfd, 1, 5000), 1);
  assert_true(pfd.revents & POLLPRI);
#endif
}

/* Out-of-band data is for whoever asks for it (MSG_OOB): it does not make
   a socket registered to read ready, as with selectors in Python (poll(2)
   calls it POLLPRI, never asked for; Windows' select() puts it in the
   exception set, which is no read readiness either). */
static void test_poller__urgent_data_is_not_readiness(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_poller_register(p, s, NS_EVENT_READ, NULL));
  size_t n;
  assert_ns_ok(ns_send(c, "!", 1, MSG_OOB, &n));
  assert_int_equal(n, 1);
  wait_for_urgent_data(ns_fileno(s));
  assert_int_equal(wait_count(p, 0), 0);
  /* Ordinary data after it is. */
  assert_ns_ok(ns_sendall(c, "r", 1, 0, &n));
  ns_poller_event ev = wait_one(p, 5.0);
  assert_ptr_equal(ev.sock, s);
  assert_int_equal(ev.events, NS_EVENT_READ);
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_poller__timeout(void **state)
{
  ns_poller *p = make_poller(state);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_poller_register(p, s, NS_EVENT_READ, NULL));
  double t0 = ns_test_now();
  assert_int_equal(wait_count(p, 0.1), 0);
  double took = ns_test_now() - t0;
  assert_true(took >= 0.1);
  assert_true(took < 0.1 + ns_test_slack(0.1));
  t0 = ns_test_now();
  assert_int_equal(wait_count(p, 0), 0);
  assert_true(ns_test_now() - t0 < ns_test_slack(0.05));
  /* An empty poller waits too, as Python's does. */
  assert_ns_ok(ns_poller_unregister(p, s));
  t0 = ns_test_now();
  assert_int_equal(wait_count(p, 0.05), 0);
  assert_true(ns_test_now() - t0 >= 0.05);
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

#ifndef _WIN32
static void on_alarm(int sig)
{
  (void)sig;
}

/* PEP 475 in a child: a SIGALRM every 10 ms, without SA_RESTART, does not
   end the wait early, nor make it longer. */
static int signals_child(int backend)
{
  ns_poller *p;
  if (ns_poller_create(&p, backend))
    return 2;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  ns_poller_register(p, s, NS_EVENT_READ, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm;
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_REAL, &it, NULL);
  ns_poller_event ev[2];
  size_t n = 99;
  double t0 = ns_test_now();
  if (ns_poller_wait(p, ev, 2, 0.3, &n) != NS_OK || n != 0)
    return 3;
  double took = ns_test_now() - t0;
  int rc = took < 0.3 || took > 0.3 + ns_test_slack(0.15) ? 4 : 0;
  ns_poller_close(p);
  ns_close(c);
  ns_close(s);
  return rc;
}

static void test_poller__signals(void **state)
{
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    _exit(signals_child(backend_of(state)));
  ns_test_child_succeeds(pid);
}
#else
static void test_poller__signals(void **state)
{
  (void)state;
  ns_test_skip_platform("no SIGALRM or setitimer() to interrupt a wait "
                        "(PEP 475 is about POSIX signals)");
}
#endif

/* clang-format off */
/* Each case on every backend this system has. */
#if HAVE_EPOLL
#define BOTH(fn)                                                               \
  {#fn "/epoll", fn, ns_test_fd_setup, ns_test_fd_teardown, &epoll_backend},   \
      {#fn "/poll", fn, ns_test_fd_setup, ns_test_fd_teardown, &poll_backend}
#define EPOLL_ONLY(fn) NS_TEST(fn),
#else
#define BOTH(fn)                                                               \
  {#fn "/poll", fn, ns_test_fd_setup, ns_test_fd_teardown, &poll_backend}
#define EPOLL_ONLY(fn)
#endif
/* clang-format on */

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_poller__create_and_close),
      EPOLL_ONLY(test_poller__epoll_fd_is_cloexec)
          BOTH(test_poller__read_readiness),
      BOTH(test_poller__write_readiness_and_modify),
      BOTH(test_poller__accept_readiness),
      BOTH(test_poller__hangup_and_reset),
      BOTH(test_poller__user_data_per_socket),
      BOTH(test_poller__bad_arguments),
      BOTH(test_poller__closed_while_registered),
      BOTH(test_poller__closed_handle_whose_file_lives_on),
      BOTH(test_poller__closed_in_two_pollers),
      BOTH(test_poller__urgent_data_is_not_readiness),
      BOTH(test_poller__timeout),
      BOTH(test_poller__signals),
  };
  return cmocka_run_group_tests_name("poller", tests, NULL, NULL);
}

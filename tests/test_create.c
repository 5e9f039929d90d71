/* SPDX-License-Identifier: MIT */
/*
 * create_connection (Happy Eyeballs, one deadline, all_errors),
 * create_server, has_ipv6 and has_dualstack_ipv6, on loopback.
 *
 * A "blackhole" is a listener with backlog 0 whose one queue slot is taken
 * by a connection nobody accepts: the kernel then drops every later SYN,
 * so a connect to it hangs, as to a host that does not answer. Names that
 * resolve to both ::1 and 127.0.0.1, or to nothing, exist only in a
 * private resolver (hosts_sandbox). Wall-clock bounds are generous.
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>
#ifdef _WIN32
#include <windows.h>
#include <tlhelp32.h>
#else
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#endif

#include "hosts_sandbox.h"
#include "ns_test.h"

#define SKIP_WITHOUT_IPV6()                                                    \
  do {                                                                         \
    if (!ns_test_have_ipv6()) {                                                \
      print_message("[  SKIP    ] ::1 is not usable here\n");                  \
      skip();                                                                  \
    }                                                                          \
  } while (0)

/* ---- fixtures ------------------------------------------------------------ */

typedef struct blackhole {
  ns_socket *listener;
  ns_socket *filler;
  ns_addr addr;
} blackhole;

/*
 * A TCP listener on loopback of `family`, on `port` (0: any). These
 * fixtures return errors instead of asserting, so that the sandboxed
 * functions, which run in a child where cmocka cannot, can use them too.
 */
static ns_err listen_on(ns_socket **out, int family, int port, int backlog,
                        ns_addr *bound)
{
  ns_addr a;
  ns_err err = family == AF_INET6 ? ns_addr_inet6(&a, "::1", port, 0, 0)
                                  : ns_addr_inet(&a, "127.0.0.1", port);
  if (!err)
    err = ns_socket_create(out, family, SOCK_STREAM, 0);
  if (err)
    return err;
  err = ns_bind(*out, &a);
  if (!err)
    err = ns_listen(*out, backlog);
  if (!err)
    err = ns_getsockname(*out, bound);
  if (err)
    ns_close(*out);
  return err;
}

/* A blackhole on loopback of `family`, on `port` (0: any). */
static ns_err blackhole_open(blackhole *b, int family, int port)
{
  ns_err err = listen_on(&b->listener, family, port, 0, &b->addr);
  if (err)
    return err;
  err = ns_socket_create(&b->filler, family, SOCK_STREAM, 0);
  if (!err) {
    err = ns_connect(b->filler, &b->addr);
    if (err)
      ns_close(b->filler);
  }
  if (err)
    ns_close(b->listener);
  return err;
}

static void blackhole_close(blackhole *b)
{
  ns_close(b->filler);
  ns_close(b->listener);
}

/* A loopback address of `family` where nothing listens. */
static ns_addr closed_port(int family)
{
  ns_addr a = NS_ADDR_INIT;
  ns_socket *l;
  if (listen_on(&l, family, 0, 1, &a) == NS_OK)
    ns_close(l);
  return a;
}

static void assert_peer(ns_socket *s, const ns_addr *want)
{
  ns_addr peer;
  assert_ns_ok(ns_getpeername(s, &peer));
  assert_true(ns_addr_equal(&peer, want));
}

#ifdef _WIN32
/* The threads of this process, from a Toolhelp snapshot. */
static int thread_count(void)
{
  HANDLE snap = CreateToolhelp32Snapshot(TH32CS_SNAPTHREAD, 0);
  assert_true(snap != INVALID_HANDLE_VALUE);
  THREADENTRY32 te = {.dwSize = sizeof te};
  int n = 0;
  for (BOOL more = Thread32First(snap, &te); more;
       more = Thread32Next(snap, &te))
    n += te.th32OwnerProcessID == GetCurrentProcessId();
  CloseHandle(snap);
  return n;
}
#else
/* The threads of this process, from /proc/self/task. */
static int thread_count(void)
{
  DIR *d = opendir("/proc/self/task");
  int n = 0;
  if (!d)
    return 0;
  for (struct dirent *e; (e = readdir(d)) != NULL;)
    n += e->d_name[0] != '.';
  closedir(d);
  return n;
}
#endif

/* The last failure is Python's str(exc), with no address in the text, and
   the address that failed is `a`. */
static void assert_failed_at(const char *message, const ns_addr *a)
{
  assert_message_matches(ns_error_last_message(), message);
  const ns_addr *at = ns_error_last_address();
  assert_non_null(at);
  assert_true(ns_addr_equal(at, a));
}

/* ---- create_connection: one address -------------------------------------- */

static void test_create__connection_numeric(void **state)
{
  (void)state;
  ns_addr a;
  ns_socket *l = ns_test_listener(AF_INET, &a), *s, *conn;
  /* Default options: the default timeout, None. */
  assert_ns_ok(ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), NULL));
  assert_int_equal(ns_family(s), AF_INET);
  assert_int_equal(ns_socktype(s), SOCK_STREAM);
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  assert_true(ns_getblocking(s));
  assert_peer(s, &a);
  assert_ns_ok(ns_accept(l, &conn, NULL));
  size_t n;
  char buf[4];
  assert_ns_ok(ns_sendall(s, "hi", 2, 0, NULL));
  assert_ns_ok(ns_recv(conn, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 2);
  assert_ns_ok(ns_close(conn));
  assert_ns_ok(ns_close(s));

  /* A timeout bounds the call and stays on the socket, as in Python. */
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 5.0;
  assert_ns_ok(ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), &opts));
  assert_true(ns_gettimeout(s) == 5.0);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(l));
}

static void test_create__connection_localhost(void **state)
{
  (void)state;
  ns_addr a;
  ns_socket *l = ns_test_listener(AF_INET, &a), *s;
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  /* With a deadline the name is looked up on a thread ... */
  opts.timeout = 5.0;
  assert_ns_ok(ns_create_connection(&s, "localhost", ns_addr_port(&a), &opts));
  assert_peer(s, &a);
  assert_ns_ok(ns_close(s));
  /* ... that is joined before the call returns: none is left running,
     for a fork() right after to inherit. (Counted against the threads
     there were before: a sanitizer may run one of its own.) */
  int base = thread_count();
  for (int i = 0; i < 20; i++) {
    assert_ns_ok(
        ns_create_connection(&s, "localhost", ns_addr_port(&a), &opts));
    assert_int_equal(thread_count(), base);
    ns_socket *conn;
    assert_ns_ok(ns_accept(l, &conn, NULL));
    assert_ns_ok(ns_close(conn));
    assert_ns_ok(ns_close(s));
  }
  /* ... without one, right here. */
  opts.timeout = NS_TIMEOUT_NONE;
  assert_ns_ok(ns_create_connection(&s, "localhost", ns_addr_port(&a), &opts));
  assert_peer(s, &a);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(l));
}

static void test_create__connection_refused(void **state)
{
  (void)state;
  ns_addr a = closed_port(AF_INET);
  ns_socket *s = (ns_socket *)&s;
  assert_ns_err(ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), NULL),
                NS_ERR_CONNECTION_REFUSED);
  assert_null(s);
  assert_int_equal(ns_error_last_errno(), ECONNREFUSED);
  assert_string_equal(ns_error_last_operation(), "connect");
  assert_failed_at(ns_test_os_message(ECONNREFUSED), &a);
}

static void test_create__connection_source_address(void **state)
{
  (void)state;
  ns_addr a, src, local;
  ns_socket *l = ns_test_listener(AF_INET, &a), *s;
  assert_ns_ok(ns_addr_inet(&src, "127.0.0.1", 0));
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.source_address = &src;
  assert_ns_ok(ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), &opts));
  assert_ns_ok(ns_getsockname(s, &local));
  assert_int_equal(ns_addr_family(&local), AF_INET);
  assert_int_not_equal(ns_addr_port(&local), 0);
  assert_ns_ok(ns_close(s));

  /* A source the socket cannot bind: that attempt's bind error. */
  assert_ns_ok(ns_addr_inet6(&src, "::1", 0, 0, 0));
  assert_ns_err(ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), &opts),
                NS_ERR_OS);
  assert_string_equal(ns_error_last_operation(), "bind");
#ifdef _WIN32
  /* Windows: the family is not supported (wine: the operation). */
  assert_last_os_error_either(EAFNOSUPPORT, EOPNOTSUPP);
#else
  assert_int_equal(ns_error_last_errno(), EAFNOSUPPORT);
  assert_failed_at(ns_test_os_message(EAFNOSUPPORT), &a);
#endif
  assert_ns_ok(ns_close(l));
}

static void test_create__connection_timeout_zero(void **state)
{
  (void)state;
  ns_addr a;
  ns_socket *l = ns_test_listener(AF_INET, &a), *s;
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0;
  /* As Python: a non-blocking connect that cannot finish at once. */
  assert_ns_err(ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), &opts),
                NS_ERR_BLOCKING_IO);
#ifdef _WIN32
  /* Winsock's answer: WSAEWOULDBLOCK. */
  assert_int_equal(ns_error_last_errno(), EWOULDBLOCK);
  assert_message_matches(ns_error_last_message(),
                         ns_test_os_message(EWOULDBLOCK));
#else
  assert_int_equal(ns_error_last_errno(), EINPROGRESS);
  assert_failed_at(ns_test_os_message(EINPROGRESS), &a);
#endif
  assert_ns_ok(ns_close(l));
}

static void test_create__connection_bad_arguments(void **state)
{
  (void)state;
  ns_socket *s;
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  assert_ns_err(ns_create_connection(&s, "127.0.0.1", 70000, NULL),
                NS_ERR_OVERFLOW);
  assert_last_message("create_connection(): port must be 0-65535.");
  assert_ns_err(ns_create_connection(NULL, "127.0.0.1", 80, NULL),
                NS_ERR_VALUE);
  assert_last_message("create_connection(): out is NULL");

  opts.timeout = -5;
  assert_ns_err(ns_create_connection(&s, "127.0.0.1", 80, &opts), NS_ERR_VALUE);
  assert_last_message("Timeout value out of range");
  opts.timeout = NS_TIMEOUT_DEFAULT;
  opts.attempt_delay = NAN;
  assert_ns_err(ns_create_connection(&s, "127.0.0.1", 80, &opts), NS_ERR_VALUE);
  assert_last_message("create_connection(): attempt_delay out of range");
  opts.attempt_delay = 0.25;
  opts.version = 99;
  assert_ns_err(ns_create_connection(&s, "127.0.0.1", 80, &opts), NS_ERR_VALUE);
  assert_last_message("create_connection(): unsupported options version 99");

  ns_addr empty = NS_ADDR_INIT;
  assert_ns_err(ns_create_connection_addrs(&s, &empty, 0, NULL), NS_ERR_VALUE);
  assert_last_message("create_connection(): no addresses");
  assert_ns_err(ns_create_connection_addrs(&s, &empty, 1, NULL), NS_ERR_VALUE);
  assert_last_message("create_connection(): address is empty");
}

/* create_connection(address, timeout) in one call: the timeout bounds the
   call and stays on the socket; a bad one is refused before any attempt. */
static void test_create__connection_timeout_call(void **state)
{
  (void)state;
  ns_addr a;
  ns_socket *l = ns_test_listener(AF_INET, &a), *s = NULL;
  assert_ns_ok(
      ns_create_connection_timeout(&s, "127.0.0.1", ns_addr_port(&a), 2.5));
  assert_true(ns_gettimeout(s) == 2.5);
  assert_peer(s, &a);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_create_connection_timeout(&s, "127.0.0.1", ns_addr_port(&a),
                                            NS_TIMEOUT_NONE));
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(l));

  /* A peer that never answers: the deadline ends the call. */
  blackhole bh;
  assert_ns_ok(blackhole_open(&bh, AF_INET, 0));
  char host[NS_ADDR_STRLEN];
  assert_ns_ok(ns_addr_host(&bh.addr, host, sizeof host));
  double t0 = ns_test_now();
  s = (ns_socket *)&s;
  assert_ns_err(
      ns_create_connection_timeout(&s, host, ns_addr_port(&bh.addr), 0.3),
      NS_ERR_TIMEOUT);
  assert_true(ns_test_now() - t0 >= 0.25);
  assert_null(s);
  assert_failed_at("timed out", &bh.addr);
  blackhole_close(&bh);

  assert_ns_err(ns_create_connection_timeout(&s, "127.0.0.1", 80, -5),
                NS_ERR_VALUE);
  assert_last_message("Timeout value out of range");
  assert_ns_err(ns_create_connection_timeout(&s, "127.0.0.1", 80, NAN),
                NS_ERR_VALUE);
  assert_last_message("Invalid value NaN (not a number)");
  assert_ns_err(ns_create_connection_timeout(NULL, "127.0.0.1", 80, 1.0),
                NS_ERR_VALUE);
  assert_last_message("create_connection(): out is NULL");
}

/* ---- Happy Eyeballs over loopback ---------------------------------------- */

/* The first family hangs: the second connects after the attempt delay. */
static void test_create__happy_eyeballs_second_family(void **state)
{
  (void)state;
  SKIP_WITHOUT_IPV6();
  blackhole bh;
  assert_ns_ok(blackhole_open(&bh, AF_INET6, 0));
  ns_addr v4;
  ns_socket *l4 = ns_test_listener(AF_INET, &v4), *s, *conn;
  ns_addr addrs[2] = {bh.addr, v4};
  ns_connect_error items[4];
  ns_connect_errors errs = {items, 4, 0, 0};
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 10.0;
  opts.all_errors = &errs;

  double t0 = ns_test_now();
  assert_ns_ok(ns_create_connection_addrs(&s, addrs, 2, &opts));
  double took = ns_test_now() - t0;
  assert_int_equal(ns_family(s), AF_INET);
  assert_peer(s, &v4);
  assert_ns_ok(ns_accept(l4, &conn, NULL));
  /* The IPv6 attempt had its 250 ms, then lost the race: cancelled, not
     failed. Well within the 10 s timeout. */
  assert_true(took >= 0.2);
  assert_true(took < 3.0);
  assert_int_equal(errs.count, 0);
  assert_true(ns_gettimeout(s) == 10.0);
  assert_ns_ok(ns_close(conn));
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(l4));
  blackhole_close(&bh);
}

/* A failure starts the next attempt at once, not after the delay. */
static void test_create__happy_eyeballs_failure_moves_on(void **state)
{
  (void)state;
  SKIP_WITHOUT_IPV6();
  ns_addr v6 = closed_port(AF_INET6), v4;
  ns_socket *l4 = ns_test_listener(AF_INET, &v4), *s;
  ns_addr addrs[2] = {v6, v4};
  ns_connect_error items[4];
  ns_connect_errors errs = {items, 4, 0, 0};
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  /* Waiting out this delay would overrun the timeout. */
  opts.attempt_delay = 30.0;
  opts.timeout = 5.0;
  opts.all_errors = &errs;
  assert_ns_ok(ns_create_connection_addrs(&s, addrs, 2, &opts));
  assert_peer(s, &v4);
  /* The refused attempt is reported even though the call succeeded. */
  assert_int_equal(errs.count, 1);
  assert_true(ns_addr_equal(&items[0].addr, &v6));
  assert_int_equal(items[0].code, NS_ERR_CONNECTION_REFUSED);
  assert_message_matches(items[0].message, ns_test_os_message(ECONNREFUSED));
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(l4));
}

/* Every attempt fails: all_errors has each address and error, families
   interleaved; the call returns the last. */
static void test_create__happy_eyeballs_all_errors(void **state)
{
  (void)state;
  SKIP_WITHOUT_IPV6();
  ns_addr addrs[3] = {closed_port(AF_INET6), closed_port(AF_INET6),
                      closed_port(AF_INET)};
  ns_connect_error items[4];
  ns_connect_errors errs = {items, 4, 0, 0};
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 5.0;
  opts.all_errors = &errs;
  ns_socket *s;
  assert_ns_err(ns_create_connection_addrs(&s, addrs, 3, &opts),
                NS_ERR_CONNECTION_REFUSED);
  assert_int_equal(errs.count, 3);
  assert_int_equal(errs.dropped, 0);
  /* RFC 8305 order: IPv6, IPv4, then the second IPv6. */
  const ns_addr *order[3] = {&addrs[0], &addrs[2], &addrs[1]};
  for (int i = 0; i < 3; i++) {
    assert_true(ns_addr_equal(&items[i].addr, order[i]));
    assert_int_equal(items[i].code, NS_ERR_CONNECTION_REFUSED);
    assert_int_equal(items[i].sys_errno, ECONNREFUSED);
    assert_string_equal(items[i].operation, "connect");
    assert_message_matches(items[i].message, ns_test_os_message(ECONNREFUSED));
  }
  assert_failed_at(ns_test_os_message(ECONNREFUSED), &addrs[1]);

  /* A short array keeps the first errors and counts the rest. */
  errs.size = 1;
  assert_ns_err(ns_create_connection_addrs(&s, addrs, 3, &opts),
                NS_ERR_CONNECTION_REFUSED);
  assert_int_equal(errs.count, 1);
  assert_int_equal(errs.dropped, 2);
}

/* Both families hang: one deadline ends every attempt. */
static void test_create__happy_eyeballs_deadline(void **state)
{
  (void)state;
  SKIP_WITHOUT_IPV6();
  blackhole bh6, bh4;
  assert_ns_ok(blackhole_open(&bh6, AF_INET6, 0));
  assert_ns_ok(blackhole_open(&bh4, AF_INET, 0));
  ns_addr addrs[2] = {bh6.addr, bh4.addr};
  ns_connect_error items[4];
  ns_connect_errors errs = {items, 4, 0, 0};
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0.6;
  opts.all_errors = &errs;
  ns_socket *s;
  double t0 = ns_test_now();
  assert_ns_err(ns_create_connection_addrs(&s, addrs, 2, &opts),
                NS_ERR_TIMEOUT);
  double took = ns_test_now() - t0;
  assert_true(took >= 0.55);
  assert_true(took < 3.0);
  assert_int_equal(ns_error_last_errno(), 0);
  assert_failed_at("timed out", &bh4.addr);
  assert_int_equal(errs.count, 2);
  for (int i = 0; i < 2; i++) {
    assert_true(ns_addr_equal(&items[i].addr, &addrs[i]));
    assert_int_equal(items[i].code, NS_ERR_TIMEOUT);
    assert_string_equal(items[i].message, "timed out");
  }

  /* One attempt at a time, as Python: the deadline ends the first, and
     the second is never tried. */
  opts.attempt_delay = NS_TIMEOUT_NONE;
  opts.timeout = 0.3;
  assert_ns_err(ns_create_connection_addrs(&s, addrs, 2, &opts),
                NS_ERR_TIMEOUT);
  assert_int_equal(errs.count, 1);
  assert_true(ns_addr_equal(&items[0].addr, &bh6.addr));
  blackhole_close(&bh4);
  blackhole_close(&bh6);
}

/* ---- by name, in a private resolver -------------------------------------- */

/* What Windows lacks for these: a private resolver (Linux namespaces),
   thread cancellation inside socket calls, fork() and resource limits.
   The cases say so there and are skipped. */
#ifdef _WIN32
#define SKIPPED_ON_WINDOWS(fn, why)                                            \
  static void fn(void **state)                                                 \
  {                                                                            \
    (void)state;                                                               \
    ns_test_skip_platform(why);                                                \
  }
SKIPPED_ON_WINDOWS(test_create__sandbox_happy_eyeballs_by_name,
                   "no private resolver (Linux user and mount namespaces)")
SKIPPED_ON_WINDOWS(test_create__sandbox_deadline_covers_lookup,
                   "no private resolver (Linux user and mount namespaces)")
SKIPPED_ON_WINDOWS(test_create__sandbox_slow_lookups_bounded,
                   "no private resolver (Linux user and mount namespaces)")
SKIPPED_ON_WINDOWS(test_create__sandbox_cancel_during_lookup,
                   "no private resolver, and no pthread_cancel() inside "
                   "Winsock calls")
SKIPPED_ON_WINDOWS(test_create__cancel_during_race,
                   "pthread_cancel() does not reach into Winsock calls "
                   "(winpthreads cancels at its own cancellation points)")
SKIPPED_ON_WINDOWS(test_create__no_thread_for_lookup,
                   "needs fork() and setrlimit(RLIMIT_AS)")
#else

static const char dual_hosts[] = "127.0.0.1 localhost\n"
                                 "::1 dual\n"
                                 "127.0.0.1 dual\n";

/* "dual" is ::1 then 127.0.0.1; ::1 hangs on the port 127.0.0.1 serves. */
static int sandboxed_dual_name(void *arg)
{
  (void)arg;
  ns_addr v4;
  ns_socket *l4 = NULL;
  blackhole bh;
  bool open = false;
  for (int i = 0; i < 20 && !open; i++) {
    SB_CHECK(listen_on(&l4, AF_INET, 0, 16, &v4) == NS_OK);
    open = blackhole_open(&bh, AF_INET6, ns_addr_port(&v4)) == NS_OK;
    if (!open)
      ns_close(l4);
  }
  SB_CHECK(open);
  ns_connect_error items[4];
  ns_connect_errors errs = {items, 4, 0, 0};
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 10.0;
  opts.all_errors = &errs;
  ns_socket *s;
  double t0 = ns_test_now();
  SB_CHECK(ns_create_connection(&s, "dual", ns_addr_port(&v4), &opts) == NS_OK);
  double took = ns_test_now() - t0;
  SB_CHECK(ns_family(s) == AF_INET);
  SB_CHECK(took >= 0.2 && took < 3.0);
  SB_CHECK(errs.count == 0);
  ns_close(s);
  blackhole_close(&bh);
  ns_close(l4);

  /* Nothing listens on either: both refusals, IPv6 first. */
  ns_addr gone = closed_port(AF_INET);
  SB_CHECK(ns_addr_port(&gone) > 0);
  SB_CHECK(ns_create_connection(&s, "dual", ns_addr_port(&gone), &opts) ==
           NS_ERR_CONNECTION_REFUSED);
  SB_CHECK(errs.count == 2);
  SB_CHECK(ns_addr_family(&items[0].addr) == AF_INET6);
  SB_CHECK(ns_addr_family(&items[1].addr) == AF_INET);
  SB_CHECK_STR(items[0].message, ns_test_os_message(ECONNREFUSED));
  SB_CHECK_STR(items[1].message, ns_test_os_message(ECONNREFUSED));

  /* A name nobody knows: gaierror, from the lookup thread or not. */
  SB_CHECK(ns_create_connection(&s, "nosuchhost", 80, &opts) ==
           NS_ERR_GAIERROR);
  SB_CHECK(ns_error_last_errno() == EAI_NONAME);
  SB_CHECK_STR(ns_error_last_operation(), "getaddrinfo");
  SB_CHECK_STR(ns_error_last_message(), ns_test_gai_message(EAI_NONAME));
  opts.timeout = NS_TIMEOUT_NONE;
  SB_CHECK(ns_create_connection(&s, "nosuchhost", 80, &opts) ==
           NS_ERR_GAIERROR);
  SB_CHECK_STR(ns_error_last_message(), ns_test_gai_message(EAI_NONAME));
  return 0;
}

static void test_create__sandbox_happy_eyeballs_by_name(void **state)
{
  (void)state;
  SKIP_WITHOUT_IPV6();
  hosts_sandbox_run(dual_hosts, sandboxed_dual_name, NULL);
}

/* A name server that does not answer in time: the deadline covers the
   lookup. */
static int sandboxed_slow_dns(void *arg)
{
  (void)arg;
  ns_socket *silent;
  ns_addr dns;
  SB_CHECK(ns_socket_create(&silent, AF_INET, SOCK_DGRAM, 0) == NS_OK);
  SB_CHECK(ns_addr_inet(&dns, "127.0.0.1", 53) == NS_OK);
  SB_CHECK(ns_bind(silent, &dns) == NS_OK);
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0.3;
  ns_socket *s;
  double t0 = ns_test_now();
  SB_CHECK(ns_create_connection(&s, "slow.test", 80, &opts) == NS_ERR_TIMEOUT);
  double took = ns_test_now() - t0;
  SB_CHECK(took >= 0.25 && took < 3.0);
  SB_CHECK_STR(ns_error_last_operation(), "getaddrinfo");
  SB_CHECK_STR(ns_error_last_message(), "timed out");

  /* Let the abandoned lookup end, so that leak checkers find its thread
     gone: answer its queries with SERVFAIL and wait for it to exit. */
  for (int i = 0; i < 2; i++) {
    unsigned char q[512];
    size_t n = 0, sent;
    ns_addr from;
    if (ns_recvfrom(silent, q, sizeof q, MSG_DONTWAIT, &n, &from) != NS_OK ||
        n < 12)
      break;
    q[2] |= 0x80;                            /* a response */
    q[3] = (unsigned char)(q[3] & 0xf0) | 2; /* SERVFAIL */
    SB_CHECK(ns_sendto(silent, q, n, 0, &from, &sent) == NS_OK);
  }
  for (int i = 0; i < 500 && thread_count() > 1; i++)
    poll(NULL, 0, 10);
  ns_close(silent);
  return 0;
}

static void test_create__sandbox_deadline_covers_lookup(void **state)
{
  (void)state;
  hosts_sandbox sb = {"127.0.0.1 localhost\n", "hosts: dns\n",
                      "nameserver 127.0.0.1\noptions timeout:20 attempts:1\n",
                      true};
  hosts_sandbox_run_in(&sb, sandboxed_slow_dns, NULL);
}

/* A sandbox whose name server, 127.0.0.1:53, is a socket the test holds:
   lookups wait for it until it answers. */
static const hosts_sandbox slow_dns_sandbox = {
    "127.0.0.1 localhost\n", "hosts: dns\n",
    "nameserver 127.0.0.1\noptions timeout:20 attempts:1\n", true};

static ns_err silent_dns_open(ns_socket **silent)
{
  ns_addr dns;
  ns_err err = ns_addr_inet(&dns, "127.0.0.1", 53);
  if (!err)
    err = ns_socket_create(silent, AF_INET, SOCK_DGRAM, 0);
  if (!err && (err = ns_bind(*silent, &dns)) != NS_OK)
    ns_close(*silent);
  return err;
}

/* Answer every query waiting on `silent` with SERVFAIL. */
static void answer_queries(ns_socket *silent)
{
  for (int i = 0; i < 64; i++) {
    unsigned char q[512];
    size_t n = 0, sent;
    ns_addr from;
    if (ns_recvfrom(silent, q, sizeof q, MSG_DONTWAIT, &n, &from) != NS_OK ||
        n < 12)
      return;
    q[2] |= 0x80;                            /* a response */
    q[3] = (unsigned char)(q[3] & 0xf0) | 2; /* SERVFAIL */
    (void)ns_sendto(silent, q, n, 0, &from, &sent);
  }
}

/* Answer queries until no lookup thread is left, only the `base` threads
   there were before (bounded: 20 s). */
static int lookups_drain(ns_socket *silent, int base)
{
  double until = ns_test_now() + ns_test_slack(20.0);
  while (thread_count() > base && ns_test_now() < until) {
    struct pollfd p = {ns_fileno(silent), POLLIN, 0};
    if (poll(&p, 1, 20) > 0)
      answer_queries(silent);
  }
  return thread_count() == base ? 0 : 1;
}

/* The most lookup threads create_connection runs at once (lookup.c). */
enum { MAX_LOOKUP_THREADS = 4 };

/* Many timed-out calls, for one name and for many: the lookup threads
   stay few, and all end once the resolver answers. */
static int sandboxed_slow_lookups_bounded(void *arg)
{
  (void)arg;
  ns_socket *silent;
  SB_CHECK(silent_dns_open(&silent) == NS_OK);
  int base = thread_count();
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0.02;
  int most = 0;
  for (int i = 0; i < 60; i++) {
    char name[32];
    snprintf(name, sizeof name, i % 2 ? "slow%d.test" : "slow.test", i);
    ns_socket *s;
    SB_CHECK(ns_create_connection(&s, name, 80, &opts) == NS_ERR_TIMEOUT);
    SB_CHECK_STR(ns_error_last_message(), "timed out");
    int n = thread_count() - base;
    most = n > most ? n : most;
  }
  if (most > MAX_LOOKUP_THREADS) {
    fprintf(stderr, "%d lookup threads alive at once\n", most);
    return 1;
  }
  SB_CHECK(most >= 1);
  int rc = lookups_drain(silent, base);
  ns_close(silent);
  return rc;
}

static void test_create__sandbox_slow_lookups_bounded(void **state)
{
  (void)state;
  hosts_sandbox_run_in(&slow_dns_sandbox, sandboxed_slow_lookups_bounded, NULL);
}

static void *connect_slow_name(void *arg)
{
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 60.0;
  ns_socket *s = NULL;
  *(ns_err *)arg = ns_create_connection(&s, "slow.test", 80, &opts);
  return NULL;
}

/* A caller cancelled while it waits for a lookup leaves nothing locked:
   the lookup ends when the resolver answers, and a new one can start. */
static int sandboxed_cancel_during_lookup(void *arg)
{
  (void)arg;
  ns_socket *silent;
  SB_CHECK(silent_dns_open(&silent) == NS_OK);
  int base = thread_count();
  ns_err got = NS_OK;
  pthread_t t;
  SB_CHECK(pthread_create(&t, NULL, connect_slow_name, &got) == 0);
  /* The query reaching the name server says the caller is waiting. */
  struct pollfd p = {ns_fileno(silent), POLLIN, 0};
  SB_CHECK(poll(&p, 1, (int)(ns_test_slack(10.0) * 1000)) == 1);
  SB_CHECK(pthread_cancel(t) == 0);
  void *result = NULL;
  SB_CHECK(pthread_join(t, &result) == 0);
  SB_CHECK(result == PTHREAD_CANCELED);
  SB_CHECK(lookups_drain(silent, base) == 0);
  /* The lookup table is usable: a new lookup starts and times out. */
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0.05;
  ns_socket *s;
  SB_CHECK(ns_create_connection(&s, "slow.test", 80, &opts) == NS_ERR_TIMEOUT);
  SB_CHECK(lookups_drain(silent, base) == 0);
  ns_close(silent);
  return 0;
}

static void test_create__sandbox_cancel_during_lookup(void **state)
{
  (void)state;
#if defined(NS_TEST_OTHER_LIBC)
  /* On musl the lookup thread of a cancelled caller did not end within the
     drain's 20 s although every query was answered: not yet understood, so
     not claimed there. */
  print_message("[  SKIP    ] cancellation during a lookup is not verified "
                "on this C library yet\n");
  skip();
#endif
  hosts_sandbox_run_in(&slow_dns_sandbox, sandboxed_cancel_during_lookup, NULL);
}

/* ---- cancellation and thread limits ------------------------------------- */

typedef struct race_call {
  const ns_addr *addr;
  ns_err err;
} race_call;

static void *connect_blackhole(void *arg)
{
  race_call *c = arg;
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 60.0;
  ns_socket *s = NULL;
  c->err = ns_create_connection_addrs(&s, c->addr, 1, &opts);
  return NULL;
}

/* A caller cancelled while its attempts are pending leaks no socket. */
static void test_create__cancel_during_race(void **state)
{
  (void)state;
  blackhole bh;
  assert_ns_ok(blackhole_open(&bh, AF_INET, 0));
  int before = ns_test_fd_count();
  race_call c = {&bh.addr, NS_OK};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, connect_blackhole, &c), 0);
  /* Its attempt's socket appearing says the race has started. */
  double until = ns_test_now() + ns_test_slack(10.0);
  while (ns_test_fd_count() == before && ns_test_now() < until)
    poll(NULL, 0, 1);
  assert_int_equal(ns_test_fd_count(), before + 1);
  assert_int_equal(pthread_cancel(t), 0);
  void *result = NULL;
  assert_int_equal(pthread_join(t, &result), 0);
  assert_ptr_equal(result, PTHREAD_CANCELED);
  assert_int_equal(ns_test_fd_count(), before);
  blackhole_close(&bh);
}

static void *idle_thread(void *arg)
{
  return arg;
}

/* When no lookup thread can be made: OSError "can't start new thread". */
static void test_create__no_thread_for_lookup(void **state)
{
  (void)state;
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    /* New threads get stacks bigger than any the C library keeps from
       ended threads, and the address space has no room for one. */
    enum { STACK = 256 << 20 };
    pthread_attr_t big;
    pthread_attr_init(&big);
    pthread_attr_setstacksize(&big, STACK);
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0;
    struct rlimit rl;
    if (!f || fscanf(f, "%lu", &pages) != 1 || getrlimit(RLIMIT_AS, &rl) != 0 ||
        pthread_setattr_default_np(&big) != 0)
      _exit(2);
    fclose(f);
    rl.rlim_cur = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE) + STACK / 4;
    pthread_attr_destroy(&big);
    if (setrlimit(RLIMIT_AS, &rl) != 0)
      _exit(3);
    pthread_t t;
    if (pthread_create(&t, NULL, idle_thread, NULL) == 0) {
      pthread_join(t, NULL);
      _exit(3); /* threads can still be made here */
    }
    ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
    opts.timeout = 5.0;
    ns_socket *s = NULL;
    bool ok = ns_create_connection(&s, "localhost", 80, &opts) == NS_ERR_OS &&
              ns_error_last_errno() == 0 &&
              strcmp(ns_error_last_operation(), "getaddrinfo") == 0 &&
              strcmp(ns_error_last_message(), "can't start new thread") == 0 &&
              s == NULL;
    _exit(ok ? 0 : 1);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == 3) {
    print_message("[  SKIP    ] threads cannot be denied here\n");
    skip();
  }
  assert_int_equal(WEXITSTATUS(status), 0);
}

#endif /* !_WIN32 */

/* ---- create_server ------------------------------------------------------- */

static int int_option(ns_socket *s, int level, int name)
{
  int v = -1;
  assert_ns_ok(ns_getsockopt_int(s, level, name, &v));
  return v;
}

static void test_create__server(void **state)
{
  (void)state;
  ns_addr a, bound;
  ns_socket *srv, *c, *conn;
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 0));
  assert_ns_ok(ns_create_server(&srv, &a, NULL));
  assert_int_equal(int_option(srv, SOL_SOCKET, SO_ACCEPTCONN), 1);
#ifdef _WIN32
  /* Python on Windows leaves SO_REUSEADDR off there: on Windows it lets
     another socket steal the port. */
  assert_int_equal(int_option(srv, SOL_SOCKET, SO_REUSEADDR), 0);
#else
  assert_int_equal(int_option(srv, SOL_SOCKET, SO_REUSEADDR), 1);
  assert_int_equal(int_option(srv, SOL_SOCKET, SO_REUSEPORT), 0);
#endif
  assert_true(ns_gettimeout(srv) == NS_TIMEOUT_NONE);
  assert_ns_ok(ns_getsockname(srv, &bound));
  assert_ns_ok(
      ns_create_connection(&c, "127.0.0.1", ns_addr_port(&bound), NULL));
  assert_ns_ok(ns_accept(srv, &conn, NULL));
  assert_ns_ok(ns_close(conn));
  assert_ns_ok(ns_close(c));

  /* reuse_port: a second server on the same port. */
  ns_create_server_options opts = NS_CREATE_SERVER_OPTIONS_INIT;
  opts.reuse_port = true;
  opts.backlog = 5;
#ifdef SO_REUSEPORT
  ns_socket *r1, *r2;
  assert_ns_ok(ns_create_server(&r1, &a, &opts));
  assert_int_equal(int_option(r1, SOL_SOCKET, SO_REUSEPORT), 1);
  assert_ns_ok(ns_getsockname(r1, &bound));
  assert_ns_ok(ns_create_server(&r2, &bound, &opts));
  assert_ns_ok(ns_close(r2));
  assert_ns_ok(ns_close(r1));
#else
  /* As Python where the system has no SO_REUSEPORT (Windows). */
  ns_socket *r1;
  assert_ns_err(ns_create_server(&r1, &a, &opts), NS_ERR_VALUE);
  assert_last_message("SO_REUSEPORT not supported on this platform");
#endif
  assert_ns_ok(ns_close(srv));
}

static void test_create__server_ipv6(void **state)
{
  (void)state;
  SKIP_WITHOUT_IPV6();
  ns_addr a, bound;
  ns_socket *srv, *c, *conn;
  assert_ns_ok(ns_addr_inet6(&a, "::1", 0, 0, 0));
  assert_ns_ok(ns_create_server(&srv, &a, NULL));
  assert_int_equal(int_option(srv, IPPROTO_IPV6, IPV6_V6ONLY), 1);
  assert_ns_ok(ns_close(srv));

  /* Dual stack: one IPv6 socket takes an IPv4 client. */
  assert_true(ns_has_dualstack_ipv6());
  ns_create_server_options opts = NS_CREATE_SERVER_OPTIONS_INIT;
  opts.dualstack_ipv6 = true;
  assert_ns_ok(ns_addr_inet6(&a, "", 0, 0, 0));
  assert_ns_ok(ns_create_server(&srv, &a, &opts));
  assert_int_equal(int_option(srv, IPPROTO_IPV6, IPV6_V6ONLY), 0);
  assert_ns_ok(ns_getsockname(srv, &bound));
  assert_ns_ok(
      ns_create_connection(&c, "127.0.0.1", ns_addr_port(&bound), NULL));
  assert_ns_ok(ns_accept(srv, &conn, NULL));
  assert_ns_ok(ns_close(conn));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(srv));
}

static void test_create__server_errors(void **state)
{
  (void)state;
  ns_addr a, bound;
  ns_socket *srv, *s = (ns_socket *)&s;
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 0));
  assert_ns_ok(ns_create_server(&srv, &a, NULL));
  assert_ns_ok(ns_getsockname(srv, &bound));
  char want[256];
  snprintf(want, sizeof want,
           "%s (while attempting to bind on address ('127.0.0.1', %d))",
           ns_test_os_message(EADDRINUSE), ns_addr_port(&bound));
  assert_ns_err(ns_create_server(&s, &bound, NULL), NS_ERR_OS);
  assert_null(s);
  assert_int_equal(ns_error_last_errno(), EADDRINUSE);
  assert_message_matches(ns_error_last_message(), want);
  assert_ns_ok(ns_close(srv));

  /* TEST-NET-1 is no local address; bind sends nothing. */
  assert_ns_ok(ns_addr_inet(&a, "192.0.2.1", 0));
  assert_ns_err(ns_create_server(&s, &a, NULL), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EADDRNOTAVAIL);
  snprintf(want, sizeof want,
           "%s (while attempting to bind on address ('192.0.2.1', 0))",
           ns_test_os_message(EADDRNOTAVAIL));
  assert_message_matches(ns_error_last_message(), want);

  ns_create_server_options opts = NS_CREATE_SERVER_OPTIONS_INIT;
  opts.dualstack_ipv6 = true;
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 0));
  assert_ns_err(ns_create_server(&s, &a, &opts), NS_ERR_VALUE);
  assert_last_message("dualstack_ipv6 requires AF_INET6 family");
  opts.dualstack_ipv6 = false;
  opts.version = 7;
  assert_ns_err(ns_create_server(&s, &a, &opts), NS_ERR_VALUE);
  assert_last_message("create_server(): unsupported options version 7");
  assert_ns_err(ns_create_server(&s, NULL, NULL), NS_ERR_VALUE);
  assert_last_message("create_server(): address is NULL");
  assert_ns_err(ns_create_server(NULL, &a, NULL), NS_ERR_VALUE);
  assert_last_message("create_server(): out is NULL");
}

/* ---- has_ipv6 / has_dualstack_ipv6 --------------------------------------- */

static void test_create__has_ipv6(void **state)
{
  (void)state;
  SKIP_WITHOUT_IPV6();
  assert_true(ns_has_ipv6());
  assert_true(ns_has_dualstack_ipv6());
}

/* Out of descriptors, has_ipv6 still knows (a descriptor says nothing
   about IPv6); has_dualstack_ipv6 says no, as Python's does; the last
   error says why. */
static void test_create__has_ipv6_without_descriptors(void **state)
{
  (void)state;
#ifdef _WIN32
  ns_test_skip_platform("needs fork() and setrlimit(RLIMIT_NOFILE)");
#else
  SKIP_WITHOUT_IPV6();
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    rl.rlim_cur = 0;
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      _exit(2);
    bool ok = ns_has_ipv6() && ns_error_last_code() == NS_ERR_OS &&
              ns_test_message_matches(ns_error_last_message(),
                                      ns_test_os_message(EMFILE));
    ns_error_clear();
    ok = ok && !ns_has_dualstack_ipv6() && ns_error_last_errno() == EMFILE;
    _exit(ok ? 0 : 1);
  }
  ns_test_child_succeeds(pid);
#endif
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_create__connection_numeric),
      NS_TEST(test_create__connection_localhost),
      NS_TEST(test_create__connection_refused),
      NS_TEST(test_create__connection_source_address),
      NS_TEST(test_create__connection_timeout_zero),
      NS_TEST(test_create__connection_bad_arguments),
      NS_TEST(test_create__connection_timeout_call),
      NS_TEST(test_create__happy_eyeballs_second_family),
      NS_TEST(test_create__happy_eyeballs_failure_moves_on),
      NS_TEST(test_create__happy_eyeballs_all_errors),
      NS_TEST(test_create__happy_eyeballs_deadline),
      NS_TEST(test_create__sandbox_happy_eyeballs_by_name),
      NS_TEST(test_create__sandbox_deadline_covers_lookup),
      NS_TEST(test_create__sandbox_slow_lookups_bounded),
      NS_TEST(test_create__sandbox_cancel_during_lookup),
      NS_TEST(test_create__cancel_during_race),
      NS_TEST(test_create__no_thread_for_lookup),
      NS_TEST(test_create__server),
      NS_TEST(test_create__server_ipv6),
      NS_TEST(test_create__server_errors),
      NS_TEST(test_create__has_ipv6),
      NS_TEST(test_create__has_ipv6_without_descriptors),
  };
  return cmocka_run_group_tests_name("create", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/* Connections: bind, listen, accept, connect, connect_ex, shutdown, names. */
#include "ns_test.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/time.h>
#endif

/* A full connect/accept round over one family, names checked both ways. */
static void connect_accept_over(int family)
{
  ns_addr bound, client_name, peer, accepted_from;
  ns_socket *l = ns_test_listener(family, &bound);
  assert_int_equal(ns_addr_family(&bound), family);
  assert_true(ns_addr_port(&bound) > 0);

  ns_socket *c, *s;
  assert_ns_ok(ns_socket_create(&c, family, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, &bound));
  assert_ns_ok(ns_accept(l, &s, &accepted_from));
  assert_false(ns_test_os_inheritable(ns_fileno(s)));
  assert_int_equal(ns_family(s), family);
  assert_int_equal(ns_socktype(s), SOCK_STREAM);

  assert_ns_ok(ns_getsockname(c, &client_name));
  assert_true(ns_addr_equal(&client_name, &accepted_from));
  assert_ns_ok(ns_getpeername(c, &peer));
  assert_true(ns_addr_equal(&peer, &bound));
  assert_ns_ok(ns_getpeername(s, &peer));
  assert_true(ns_addr_equal(&peer, &client_name));

  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(l));
}

static void test_conn__tcp_ipv4(void **state)
{
  (void)state;
  connect_accept_over(AF_INET);
}

static void test_conn__tcp_ipv6(void **state)
{
  (void)state;
  if (!ns_test_have_ipv6())
    skip();
  connect_accept_over(AF_INET6);
}

static void test_conn__unix_stream(void **state)
{
  (void)state;
  if (!ns_test_have_unix(SOCK_STREAM))
    ns_test_skip_platform("no AF_UNIX sockets here (wine has none)");
  ns_addr path, name;
  char text[NS_ADDR_STRLEN];
  assert_ns_ok(ns_addr_unix(&path, ns_test_unix_path("conn.sock")));
  ns_socket *l, *c, *s;
  assert_ns_ok(ns_socket_create(&l, AF_UNIX, SOCK_STREAM, 0));
  assert_ns_ok(ns_bind(l, &path));
  assert_ns_ok(ns_listen(l, 1));
  assert_ns_ok(ns_socket_create(&c, AF_UNIX, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, &path));
  assert_ns_ok(ns_accept(l, &s, NULL));
  /* The client is unnamed: Python's getsockname() gives ''. */
  assert_ns_ok(ns_getsockname(c, &name));
  assert_ns_ok(ns_addr_format(&name, text, sizeof text));
  assert_string_equal(text, "");
  assert_ns_ok(ns_getpeername(c, &name));
  assert_true(ns_addr_equal(&name, &path));
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(l));
  unlink(path.u.un.sun_path);

  /* Binding an existing path is EADDRINUSE; a missing one to connect to
     is FileNotFoundError. */
  assert_ns_ok(ns_addr_unix(&path, ns_test_unix_path("missing.sock")));
  assert_ns_ok(ns_socket_create(&c, AF_UNIX, SOCK_STREAM, 0));
  assert_ns_err(ns_connect(c, &path), NS_ERR_FILE_NOT_FOUND);
  assert_last_os_error(ENOENT);
  assert_ns_ok(ns_close(c));
}

static void test_conn__unix_abstract(void **state)
{
  (void)state;
  if (!ns_test_have_unix(SOCK_DGRAM))
    ns_test_skip_platform("no AF_UNIX datagram sockets, nor abstract names");
  ns_addr name, got;
  char unique[64];
  snprintf(unique, sizeof unique, "netsock-test-%d", (int)getpid());
  assert_ns_ok(ns_addr_unix_abstract(&name, unique, strlen(unique)));
  ns_socket *a, *b;
  assert_ns_ok(ns_socket_create(&a, AF_UNIX, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(a, &name));
  assert_ns_ok(ns_getsockname(a, &got));
  assert_true(ns_addr_equal(&got, &name));
  assert_ns_ok(ns_socket_create(&b, AF_UNIX, SOCK_DGRAM, 0));
  assert_ns_err(ns_bind(b, &name), NS_ERR_OS);
  assert_last_os_error(EADDRINUSE);
  assert_ns_ok(ns_close(b));
  assert_ns_ok(ns_close(a));
}

static void test_conn__refused(void **state)
{
  (void)state;
  /* A port that was just free: bind it, read it back, close it. */
  ns_addr closed;
  ns_socket *probe = ns_test_listener(AF_INET, &closed);
  assert_ns_ok(ns_close(probe));
  ns_socket *c;
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_connect(c, &closed), NS_ERR_CONNECTION_REFUSED);
  assert_true(ns_error_is(ns_error_last_code(), NS_ERR_CONNECTION));
  assert_int_equal(ns_error_last_errno(), ECONNREFUSED);
  assert_string_equal(ns_error_last_operation(), "connect");
  assert_last_os_error(ECONNREFUSED);
  assert_ns_ok(ns_close(c));

  /* Port 0 cannot be connected to either. */
  ns_addr zero;
  assert_ns_ok(ns_addr_inet(&zero, "127.0.0.1", 0));
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
#ifdef _WIN32
  /* Windows: "not valid in its context" (wine: refused). */
  ns_err zero_err = ns_connect(c, &zero);
  assert_true(zero_err == NS_ERR_CONNECTION_REFUSED || zero_err == NS_ERR_OS);
  assert_last_os_error_either(ECONNREFUSED, EADDRNOTAVAIL);
#else
  assert_ns_err(ns_connect(c, &zero), NS_ERR_CONNECTION_REFUSED);
#endif
  assert_ns_ok(ns_close(c));
}

static void test_conn__connect_ex(void **state)
{
  (void)state;
  ns_addr bound, closed;
  ns_socket *l = ns_test_listener(AF_INET, &bound);
  ns_socket *probe = ns_test_listener(AF_INET, &closed);
  assert_ns_ok(ns_close(probe));
  ns_socket *c;
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_int_equal(ns_connect_ex(c, &closed), ECONNREFUSED);
  assert_string_equal(ns_error_last_operation(), "connect_ex");
  assert_ns_ok(ns_close(c));

  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_int_equal(ns_connect_ex(c, &bound), 0);
  assert_int_equal(ns_connect_ex(c, &bound), EISCONN);
  assert_ns_ok(ns_close(c));

  /* Non-blocking: the connect is in progress, as in Python (Windows:
     WSAEWOULDBLOCK, Python's errno.EWOULDBLOCK there). */
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_setblocking(c, false));
  int e = ns_connect_ex(c, &bound);
  assert_true(e == EINPROGRESS || e == EWOULDBLOCK || e == 0);
  assert_ns_ok(ns_close(c));

  /* Bad arguments: EBADF for no handle, EINVAL for a bad address. */
  assert_int_equal(ns_connect_ex(NULL, &bound), EBADF);
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_int_equal(ns_connect_ex(c, NULL), EINVAL);
  assert_last_message("connect_ex(): address is NULL");
  ns_addr bad;
  assert_ns_err(ns_addr_inet(&bad, "127.0.0.1", 70000), NS_ERR_OVERFLOW);
  assert_int_equal(ns_connect_ex(c, &bad), EINVAL);
  assert_last_message("connect_ex(): port must be 0-65535.");
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(l));
}

static void test_conn__bind_failures(void **state)
{
  (void)state;
  ns_addr bound, other;
  ns_socket *l = ns_test_listener(AF_INET, &bound);
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_bind(s, &bound), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EADDRINUSE);
  assert_last_os_error(EADDRINUSE);

  /* TEST-NET-1 is no address of this machine; bind sends no packet. */
  assert_ns_ok(ns_addr_inet(&other, "192.0.2.1", 0));
  assert_ns_err(ns_bind(s, &other), NS_ERR_OS);
  assert_last_os_error(EADDRNOTAVAIL);

  /* A second bind of a bound socket. */
  assert_ns_ok(ns_addr_inet(&other, "127.0.0.1", 0));
  assert_ns_ok(ns_bind(s, &other));
  assert_ns_err(ns_bind(s, &other), NS_ERR_OS);
  assert_last_os_error(EINVAL);
  assert_ns_ok(ns_close(s));

  /* An address of another family. */
  if (ns_test_have_ipv6()) {
    assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
    assert_ns_ok(ns_addr_inet6(&other, "::1", 0, 0, 0));
    assert_ns_err(ns_bind(s, &other), NS_ERR_OS);
    assert_ns_ok(ns_close(s));
  }
  assert_ns_err(ns_bind(NULL, &other), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_ok(ns_close(l));
}

static void test_conn__listen_and_accept_failures(void **state)
{
  (void)state;
  ns_socket *u, *t, *conn;
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  assert_ns_err(ns_listen(u, 5), NS_ERR_OS);
#ifdef _WIN32
  assert_last_os_error_either(ENOTSUP, EINVAL); /* Windows, wine */
#else
  assert_last_os_error(ENOTSUP);
#endif
  assert_ns_ok(ns_close(u));

  assert_ns_ok(ns_socket_create(&t, AF_INET, SOCK_STREAM, 0));
  /* Bound first: Windows listens on no unbound socket (WSAEINVAL). */
  ns_addr lo = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_bind(t, &lo));
  /* Accept on a socket that is not listening. */
  assert_ns_err(ns_accept(t, &conn, NULL), NS_ERR_OS);
  assert_null(conn);
  assert_last_os_error(EINVAL);
  /* Python clamps a negative backlog to 0; huge ones are the kernel's. */
  assert_ns_ok(ns_listen(t, -5));
  assert_ns_ok(ns_listen(t, 0x7fffffff));
  assert_ns_err(ns_accept(t, NULL, NULL), NS_ERR_VALUE);
  assert_last_message("accept(): conn_out is NULL");
  /* Non-blocking with nobody waiting. */
  assert_ns_ok(ns_setblocking(t, false));
  assert_ns_err(ns_accept(t, &conn, NULL), NS_ERR_BLOCKING_IO);
  assert_last_os_error(EAGAIN);
  assert_ns_ok(ns_close(t));
  assert_ns_err(ns_listen(NULL, 1), NS_ERR_OS);
  assert_ns_err(ns_accept(NULL, &conn, NULL), NS_ERR_OS);
}

/* The accepted socket has the default timeout, not the listener's, and
   none of the listener's kernel timers. */
static void test_conn__accepted_socket_timeout(void **state)
{
  (void)state;
  ns_addr bound;
  ns_socket *l = ns_test_listener(AF_INET, &bound);
  assert_ns_ok(ns_settimeout(l, 3.0));
  ns_socket *c, *s;
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, &bound));
  assert_ns_ok(ns_accept(l, &s, NULL));
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  assert_true(ns_test_kernel_timer_off(s, SO_RCVTIMEO));
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(c));

  /* With a default timeout, the accepted socket takes it. */
  assert_ns_ok(ns_setdefaulttimeout(1.5));
  assert_ns_ok(ns_socket_create(&c, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, &bound));
  assert_ns_ok(ns_accept(l, &s, NULL));
  assert_true(ns_gettimeout(s) == 1.5);
  assert_ns_ok(ns_setdefaulttimeout(NS_TIMEOUT_NONE));
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(l));
}

/* The accepted socket enforces its timeout whatever the listener's kernel
   timers were when the connection's handshake completed, over TCP (which
   copies them) and AF_UNIX (which does not). */
static void accepted_socket_times_out(ns_socket *l, const ns_addr *addr)
{
  ns_socket *c, *s;
  assert_ns_ok(ns_socket_create(&c, ns_addr_family(addr), SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, addr)); /* before any timed accept */
  assert_ns_ok(ns_settimeout(l, 5.0));
  assert_ns_ok(ns_setdefaulttimeout(0.2));
  assert_ns_ok(ns_accept(l, &s, NULL));
  assert_ns_ok(ns_setdefaulttimeout(NS_TIMEOUT_NONE));
  char buf[1];
  size_t n;
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(s, buf, 1, 0, &n), NS_ERR_TIMEOUT);
  assert_true(ns_test_now() - t0 >= 0.2);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(c));

  /* And an untimed one carries none of the listener's timers. */
  assert_ns_ok(ns_socket_create(&c, ns_addr_family(addr), SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(c, addr));
  assert_ns_ok(ns_settimeout(l, NS_TIMEOUT_NONE));
  assert_ns_ok(ns_accept(l, &s, NULL));
  assert_true(ns_test_kernel_timer_off(s, SO_RCVTIMEO));
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(c));
}

static void test_conn__accepted_socket_enforces_timeout(void **state)
{
  (void)state;
  ns_addr addr;
  ns_socket *l = ns_test_listener(AF_INET, &addr);
  accepted_socket_times_out(l, &addr);
  assert_ns_ok(ns_close(l));

  if (!ns_test_have_unix(SOCK_STREAM))
    return; /* no AF_UNIX here (wine) */
  assert_ns_ok(ns_addr_unix(&addr, ns_test_unix_path("timed.sock")));
  assert_ns_ok(ns_socket_create(&l, AF_UNIX, SOCK_STREAM, 0));
  assert_ns_ok(ns_bind(l, &addr));
  assert_ns_ok(ns_listen(l, 4));
  accepted_socket_times_out(l, &addr);
  assert_ns_ok(ns_close(l));
  unlink(addr.u.un.sun_path);
}

static void test_conn__shutdown(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  char buf[4];
  size_t n = 99;
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  assert_ns_ok(ns_recv(s, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 0); /* the peer sees EOF */
  assert_ns_err(ns_shutdown(c, 3), NS_ERR_OS);
  assert_last_os_error(EINVAL);
  assert_ns_err(ns_shutdown(NULL, SHUT_RD), NS_ERR_OS);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_close(c));

  ns_socket *lone;
  assert_ns_ok(ns_socket_create(&lone, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_shutdown(lone, SHUT_RDWR), NS_ERR_OS);
  assert_last_os_error(ENOTCONN);
  assert_ns_ok(ns_close(lone));
}

static void test_conn__names_failures(void **state)
{
  (void)state;
  ns_socket *s;
  ns_addr a;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_getpeername(s, &a), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ENOTCONN);
  assert_last_os_error(ENOTCONN);
#ifdef _WIN32
  /* Windows has no name for an unbound socket: WSAEINVAL, as Python
     there reports. */
  assert_ns_err(ns_getsockname(s, &a), NS_ERR_OS);
  assert_last_os_error(EINVAL);
#else
  assert_ns_ok(ns_getsockname(s, &a)); /* unbound: 0.0.0.0:0 */
  assert_int_equal(ns_addr_port(&a), 0);
#endif
  assert_ns_err(ns_getsockname(s, NULL), NS_ERR_VALUE);
  assert_ns_err(ns_getpeername(NULL, &a), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_ok(ns_close(s));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_conn__tcp_ipv4),
      NS_TEST(test_conn__tcp_ipv6),
      NS_TEST(test_conn__unix_stream),
      NS_TEST(test_conn__unix_abstract),
      NS_TEST(test_conn__refused),
      NS_TEST(test_conn__connect_ex),
      NS_TEST(test_conn__bind_failures),
      NS_TEST(test_conn__listen_and_accept_failures),
      NS_TEST(test_conn__accepted_socket_timeout),
      NS_TEST(test_conn__accepted_socket_enforces_timeout),
      NS_TEST(test_conn__shutdown),
      NS_TEST(test_conn__names_failures),
  };
  return cmocka_run_group_tests_name("conn", tests, NULL, NULL);
}

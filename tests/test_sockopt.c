/* SPDX-License-Identifier: MIT */
/* Socket options, raw bytes and ints. */
#include "ns_test.h"

#ifndef _WIN32
#include <netinet/tcp.h>
#endif

static void test_sockopt__int_round_trip(void **state)
{
  (void)state;
  ns_socket *s;
  int v = -1;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_getsockopt_int(s, SOL_SOCKET, SO_REUSEADDR, &v));
  assert_int_equal(v, 0);
  assert_ns_ok(ns_setsockopt_int(s, SOL_SOCKET, SO_REUSEADDR, 1));
  assert_ns_ok(ns_getsockopt_int(s, SOL_SOCKET, SO_REUSEADDR, &v));
  assert_int_equal(v, 1);
  assert_ns_ok(ns_setsockopt_int(s, IPPROTO_TCP, TCP_NODELAY, 1));
  assert_ns_ok(ns_getsockopt_int(s, IPPROTO_TCP, TCP_NODELAY, &v));
  assert_int_equal(v, 1);
  assert_ns_ok(ns_getsockopt_int(s, SOL_SOCKET, SO_TYPE, &v));
  assert_int_equal(v, SOCK_STREAM);
  assert_ns_ok(ns_close(s));
}

static void test_sockopt__raw_round_trip(void **state)
{
  (void)state;
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  struct linger in = {1, 7}, out = {0, 0};
  assert_ns_ok(ns_setsockopt(s, SOL_SOCKET, SO_LINGER, &in, sizeof in));
  size_t len = sizeof out;
  assert_ns_ok(ns_getsockopt(s, SOL_SOCKET, SO_LINGER, &out, &len));
  assert_int_equal(len, sizeof out);
  assert_int_equal(out.l_onoff, 1);
  assert_int_equal(out.l_linger, 7);
  /* A larger buffer than the option: the length comes back shortened. */
  char big[64];
  len = sizeof big;
  assert_ns_ok(ns_getsockopt(s, SOL_SOCKET, SO_LINGER, big, &len));
  assert_int_equal(len, sizeof(struct linger));
  assert_ns_ok(ns_close(s));
}

/* A timer set through setsockopt does not fool the timeout machinery: the
   next timed call puts the socket's own timeout back. */
static void test_sockopt__raw_timer_is_overwritten(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_settimeout(c, 0.2));
  char buf[1];
  size_t n;
  assert_ns_err(ns_recv(c, buf, 1, 0, &n), NS_ERR_TIMEOUT);
  struct timeval none = {0, 0};
  assert_ns_ok(ns_setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof none));
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(c, buf, 1, 0, &n), NS_ERR_TIMEOUT);
  assert_true(ns_test_now() - t0 >= 0.2);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_sockopt__failures(void **state)
{
  (void)state;
  ns_socket *s;
  int v;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_setsockopt_int(s, SOL_SOCKET, 12345, 1), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ENOPROTOOPT);
  assert_string_equal(ns_error_last_operation(), "setsockopt");
  assert_last_os_error(ENOPROTOOPT);
  assert_ns_err(ns_getsockopt_int(s, SOL_SOCKET, 12345, &v), NS_ERR_OS);
  assert_last_os_error(ENOPROTOOPT);
  /* A bad level is the kernel's to judge, as in Python. */
  assert_ns_err(ns_setsockopt_int(s, 9999, 1, 1), NS_ERR_OS);
  /* An option value of the wrong length. */
  char one = 1;
  assert_ns_err(ns_setsockopt(s, SOL_SOCKET, SO_LINGER, &one, 1), NS_ERR_OS);
#ifdef _WIN32
  assert_last_os_error(EFAULT); /* WSAEFAULT, as Python there reports */
#else
  assert_last_os_error(EINVAL);
#endif
  assert_ns_err(ns_setsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, 4),
                NS_ERR_VALUE);
  assert_last_message("value is NULL with a non-zero length");
  size_t len = 4;
  assert_ns_err(ns_getsockopt(s, SOL_SOCKET, SO_REUSEADDR, NULL, &len),
                NS_ERR_VALUE);
  assert_ns_err(ns_getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, NULL),
                NS_ERR_VALUE);
  assert_ns_err(ns_getsockopt_int(s, SOL_SOCKET, SO_REUSEADDR, NULL),
                NS_ERR_VALUE);
  assert_ns_err(ns_setsockopt_int(NULL, SOL_SOCKET, SO_REUSEADDR, 1),
                NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_getsockopt_int(NULL, SOL_SOCKET, SO_REUSEADDR, &v),
                NS_ERR_OS);
  assert_ns_err(ns_getsockopt_int(NULL, SOL_SOCKET, SO_REUSEADDR, NULL),
                NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_ok(ns_close(s));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_sockopt__int_round_trip),
      NS_TEST(test_sockopt__raw_round_trip),
      NS_TEST(test_sockopt__raw_timer_is_overwritten),
      NS_TEST(test_sockopt__failures),
  };
  return cmocka_run_group_tests_name("sockopt", tests, NULL, NULL);
}

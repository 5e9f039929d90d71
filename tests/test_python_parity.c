/* SPDX-License-Identifier: MIT */
/*
 * The same failures, provoked on loopback through Python's socket module
 * (tests/python_parity.py) and through libnetsock, give the same exception
 * class and the same message.
 */
#include "ns_test.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Each scenario provokes one failure and returns its code; the handles it
   made are closed after the last-error record has been read. */
static ns_socket *held[8];
static int n_held;

static ns_socket *keep(ns_socket *s)
{
  held[n_held++] = s;
  return s;
}

static ns_socket *new_socket(int family, int type)
{
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, family, type, 0));
  return keep(s);
}

static void pair(ns_socket **c, ns_socket **s)
{
  ns_test_tcp_pair(AF_INET, c, s);
  keep(*c);
  keep(*s);
}

static ns_err refused(void)
{
  ns_addr a;
  assert_ns_ok(ns_close(ns_test_listener(AF_INET, &a)));
  return ns_connect(new_socket(AF_INET, SOCK_STREAM), &a);
}

static ns_err address_in_use(void)
{
  ns_addr a;
  keep(ns_test_listener(AF_INET, &a));
  return ns_bind(new_socket(AF_INET, SOCK_STREAM), &a);
}

static ns_err recv_unconnected(void)
{
  char b[1];
  size_t n;
  return ns_recv(new_socket(AF_INET, SOCK_STREAM), b, 1, 0, &n);
}

static ns_err reset_by_peer(void)
{
  ns_socket *c, *s;
  char b[1];
  size_t n;
  ns_test_tcp_pair(AF_INET, &c, &s);
  keep(c);
  struct linger lg = {1, 0};
  assert_ns_ok(ns_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  assert_ns_ok(ns_close(s)); /* closing with linger 0 is the reset */
  return ns_recv(c, b, 1, 0, &n);
}

static ns_err write_after_shutdown(void)
{
  ns_socket *c, *s;
  size_t n;
  pair(&c, &s);
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  return ns_send(c, "x", 1, 0, &n);
}

static ns_err unix_path_too_long(void)
{
  char path[202];
  memset(path, 'a', sizeof path);
  path[0] = '/';
  path[201] = '\0';
  ns_addr a;
  /* The constructor fails; the bind that follows in a line-by-line
     translation fails the same way, as Python's bind() does. */
  (void)ns_addr_unix(&a, path);
  return ns_bind(new_socket(AF_UNIX, SOCK_STREAM), &a);
}

static ns_err port_70000(void)
{
  ns_addr a;
  (void)ns_addr_inet(&a, "127.0.0.1", 70000);
  return ns_bind(new_socket(AF_INET, SOCK_STREAM), &a);
}

static ns_err connect_port_70000(void)
{
  ns_addr a;
  (void)ns_addr_inet(&a, "127.0.0.1", 70000);
  return ns_connect(new_socket(AF_INET, SOCK_STREAM), &a);
}

static ns_err recv_timeout(void)
{
  ns_socket *c, *s;
  char b[1];
  size_t n;
  pair(&c, &s);
  assert_ns_ok(ns_settimeout(c, 0.05));
  return ns_recv(c, b, 1, 0, &n);
}

static ns_err recv_nonblocking(void)
{
  ns_socket *c, *s;
  char b[1];
  size_t n;
  pair(&c, &s);
  assert_ns_ok(ns_setblocking(c, false));
  return ns_recv(c, b, 1, 0, &n);
}

static ns_err shutdown_bad_how(void)
{
  ns_socket *c, *s;
  pair(&c, &s);
  return ns_shutdown(c, 3);
}

static ns_err negative_timeout(void)
{
  return ns_settimeout(new_socket(AF_INET, SOCK_STREAM), -2);
}

static ns_err nan_timeout(void)
{
  return ns_settimeout(new_socket(AF_INET, SOCK_STREAM), NAN);
}

static ns_err bad_host(void)
{
  ns_addr a;
  return ns_addr_inet(&a, "bad host!", 80);
}

static ns_err listen_on_udp(void)
{
  return ns_listen(new_socket(AF_INET, SOCK_DGRAM), 1);
}

static ns_err getpeername_unconnected(void)
{
  ns_addr a;
  return ns_getpeername(new_socket(AF_INET, SOCK_STREAM), &a);
}

static ns_err unix_missing_path(void)
{
  ns_addr a;
  assert_ns_ok(ns_addr_unix(&a, "/nonexistent-dir/x.sock"));
  return ns_connect(new_socket(AF_UNIX, SOCK_STREAM), &a);
}

static ns_err datagram_too_long(void)
{
  static char big[65508];
  ns_socket *u = new_socket(AF_INET, SOCK_DGRAM);
  ns_addr a = ns_test_loopback(AF_INET);
  size_t n;
  assert_ns_ok(ns_bind(u, &a));
  assert_ns_ok(ns_getsockname(u, &a));
  return ns_sendto(u, big, sizeof big, 0, &a, &n);
}

static ns_err bad_family(void)
{
  ns_socket *s;
  return ns_socket_create(&s, 12345, SOCK_STREAM, 0);
}

static ns_addr closed_port(void)
{
  ns_addr a;
  assert_ns_ok(ns_close(ns_test_listener(AF_INET, &a)));
  return a;
}

static ns_err create_connection_refused(void)
{
  ns_addr a = closed_port();
  ns_socket *s;
  ns_err err = ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), NULL);
  /* The address is not in the text, but kept beside it. */
  assert_non_null(ns_error_last_address());
  assert_true(ns_addr_equal(ns_error_last_address(), &a));
  return err;
}

static ns_err create_connection_refused_timeout(void)
{
  ns_addr a = closed_port();
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 5;
  ns_socket *s;
  return ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), &opts);
}

static ns_err create_connection_timeout(void)
{
  /* A listener whose one queue slot is taken: later SYNs are dropped. */
  ns_socket *l = new_socket(AF_INET, SOCK_STREAM);
  ns_socket *filler = new_socket(AF_INET, SOCK_STREAM);
  ns_addr a = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_bind(l, &a));
  assert_ns_ok(ns_listen(l, 0));
  assert_ns_ok(ns_getsockname(l, &a));
  assert_ns_ok(ns_connect(filler, &a));
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0.1;
  ns_socket *s;
  return ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), &opts);
}

static ns_err create_connection_nonblocking(void)
{
  ns_addr a;
  keep(ns_test_listener(AF_INET, &a));
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0;
  ns_socket *s;
  return ns_create_connection(&s, "127.0.0.1", ns_addr_port(&a), &opts);
}

static ns_err create_connection_bad_host(void)
{
  ns_socket *s;
  return ns_create_connection(&s, "bad host!", 80, NULL);
}

static ns_err connect_bad_zone(void)
{
  ns_addr a;
  (void)ns_addr_inet6(&a, "fe80::1%nonexistent", 80, 0, 0);
  return ns_connect(new_socket(AF_INET6, SOCK_STREAM), &a);
}

static ns_err connect_bracketed_ipv6(void)
{
  ns_addr a;
  (void)ns_addr_inet6(&a, "[::1]", 80, 0, 0);
  return ns_connect(new_socket(AF_INET6, SOCK_STREAM), &a);
}

static const struct {
  const char *name;
  ns_err (*run)(void);
} scenarios[] = {
    {"refused", refused},
    {"address_in_use", address_in_use},
    {"recv_unconnected", recv_unconnected},
    {"reset_by_peer", reset_by_peer},
    {"write_after_shutdown", write_after_shutdown},
    {"unix_path_too_long", unix_path_too_long},
    {"port_70000", port_70000},
    {"connect_port_70000", connect_port_70000},
    {"recv_timeout", recv_timeout},
    {"recv_nonblocking", recv_nonblocking},
    {"shutdown_bad_how", shutdown_bad_how},
    {"negative_timeout", negative_timeout},
    {"nan_timeout", nan_timeout},
    {"bad_host", bad_host},
    {"listen_on_udp", listen_on_udp},
    {"getpeername_unconnected", getpeername_unconnected},
    {"unix_missing_path", unix_missing_path},
    {"datagram_too_long", datagram_too_long},
    {"bad_family", bad_family},
    {"create_connection_refused", create_connection_refused},
    {"create_connection_refused_timeout", create_connection_refused_timeout},
    {"create_connection_timeout", create_connection_timeout},
    {"create_connection_nonblocking", create_connection_nonblocking},
    {"create_connection_bad_host", create_connection_bad_host},
    {"connect_bad_zone", connect_bad_zone},
    {"connect_bracketed_ipv6", connect_bracketed_ipv6},
};

enum { N_SCENARIOS = sizeof scenarios / sizeof scenarios[0] };

/*
 * An OS error's message is strerror(errno) of the C library a program runs
 * on, in Python as here. Built on another C library than python3's (CMake
 * found their strerror texts differ: PARITY_OTHER_LIBC), the words of
 * "[Errno N] <words>" are each side's own: they are dropped from both
 * lines, after checking ours are this C library's. Resolver errors keep
 * only "[Errno": EAI_ numbers are each C library's own too.
 */
#if PARITY_OTHER_LIBC
static void drop_words(char *line)
{
  char *m = strstr(line, "|[Errno ");
  if (!m)
    return;
  m += strlen("|[Errno");
  if (m[1] == '-')
    *m = '\0';
  else if ((m = strchr(m, ']')) != NULL)
    m[1] = '\0';
}
#endif

static void test_python_parity__same_class_and_message(void **state)
{
  (void)state;
  FILE *py = popen(PYTHON3 " " PARITY_SCRIPT, "r");
  assert_non_null(py);
  char want[N_SCENARIOS][512];
  int lines = 0;
  while (lines < N_SCENARIOS && fgets(want[lines], sizeof want[0], py)) {
    want[lines][strcspn(want[lines], "\n")] = '\0';
    lines++;
  }
  assert_int_equal(pclose(py), 0);
  assert_int_equal(lines, N_SCENARIOS);

  int mismatches = 0;
  for (int i = 0; i < N_SCENARIOS; i++) {
    n_held = 0;
    ns_err err = scenarios[i].run();
    char got[512];
    snprintf(got, sizeof got, "%s|%s|%s", scenarios[i].name,
             err ? ns_error_name(err) : "no error",
             err ? ns_error_last_message() : "");
#if PARITY_OTHER_LIBC
    int e = ns_error_last_errno();
    if (err && strstr(got, "|[Errno ") &&
        strcmp(ns_error_last_message(), err == NS_ERR_GAIERROR
                                            ? ns_test_gai_message(e)
                                            : ns_test_os_message(e)) != 0) {
      print_error("%s: not this C library's message\n", got);
      mismatches++;
    }
    drop_words(got);
    drop_words(want[i]);
#endif
    while (n_held > 0)
      assert_ns_ok(ns_close(held[--n_held]));
    if (strcmp(got, want[i]) != 0) {
      print_error("python:    %s\nlibnetsock: %s\n", want[i], got);
      mismatches++;
    }
  }
  assert_int_equal(mismatches, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_python_parity__same_class_and_message),
  };
  return cmocka_run_group_tests_name("python_parity", tests, NULL, NULL);
}

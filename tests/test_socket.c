/* SPDX-License-Identifier: MIT */
/* The handle: creation, close, accessors, close-on-exec. */
#include "ns_test.h"

#include <string.h>
#ifndef _WIN32
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#endif

static void test_socket__create_each_kind(void **state)
{
  (void)state;
  static const int kinds[][2] = {
      {AF_INET, SOCK_STREAM}, {AF_INET, SOCK_DGRAM},  {AF_INET6, SOCK_STREAM},
      {AF_INET6, SOCK_DGRAM}, {AF_UNIX, SOCK_STREAM}, {AF_UNIX, SOCK_DGRAM},
  };
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
    ns_socket *s = NULL;
    if (kinds[i][0] == AF_INET6 && !ns_test_have_ipv6())
      continue;
    if (kinds[i][0] == AF_UNIX && !ns_test_have_unix(kinds[i][1]))
      continue;
    assert_ns_ok(ns_socket_create(&s, kinds[i][0], kinds[i][1], 0));
    assert_non_null(s);
    assert_int_equal(ns_family(s), kinds[i][0]);
    assert_int_equal(ns_socktype(s), kinds[i][1]);
    assert_int_equal(ns_proto(s), 0);
    assert_true(ns_fileno(s) != NS_INVALID_SOCKET);
    /* Close-on-exec from the start (PEP 446). */
    assert_false(ns_test_os_inheritable(ns_fileno(s)));
    /* Blocking, like a new Python socket with no default timeout. */
    assert_int_not_equal(ns_test_os_nonblocking(ns_fileno(s)), 1);
    assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
    assert_ns_ok(ns_close(s));
  }
}

static void test_socket__type_flags(void **state)
{
  (void)state;
#ifndef SOCK_NONBLOCK
  ns_test_skip_platform("SOCK_NONBLOCK and SOCK_CLOEXEC are Linux's and "
                        "the BSDs' (Python on Windows has neither)");
#else
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  /* The flags are not part of the type, as Python 3.7+ reports it. */
  assert_int_equal(ns_socktype(s), SOCK_STREAM);
  assert_true(ns_gettimeout(s) == 0.0);
  assert_false(ns_getblocking(s));
  assert_int_not_equal(ns_test_os_nonblocking(ns_fileno(s)), 0);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(
      ns_socket_create(&s, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP));
  assert_int_equal(ns_socktype(s), SOCK_DGRAM);
  assert_int_equal(ns_proto(s), IPPROTO_UDP);
  assert_ns_ok(ns_close(s));
#endif
}

static void test_socket__create_failures(void **state)
{
  (void)state;
  ns_socket *s = (ns_socket *)&s; /* must be reset to NULL on failure */
  assert_ns_err(ns_socket_create(&s, 12345, SOCK_STREAM, 0), NS_ERR_OS);
  assert_null(s);
  assert_int_equal(ns_error_last_errno(), EAFNOSUPPORT);
  assert_string_equal(ns_error_last_operation(), "socket");
  assert_last_os_error(EAFNOSUPPORT);
  assert_ns_err(ns_socket_create(&s, AF_INET, 999, 0), NS_ERR_OS);
#ifdef _WIN32
  assert_last_os_error(ESOCKTNOSUPPORT); /* WSAESOCKTNOSUPPORT */
#else
  assert_last_os_error(EINVAL);
#endif
  assert_ns_err(ns_socket_create(&s, AF_INET, SOCK_STREAM, IPPROTO_UDP),
                NS_ERR_OS);
  assert_last_os_error(EPROTONOSUPPORT);
  assert_ns_err(ns_socket_create(NULL, AF_INET, SOCK_STREAM, 0), NS_ERR_VALUE);
  assert_last_message("socket(): out is NULL");
}

static void test_socket__default_timeout_applies_to_new_sockets(void **state)
{
  (void)state;
  ns_socket *s;
  assert_true(ns_getdefaulttimeout() == NS_TIMEOUT_NONE);
  assert_ns_ok(ns_setdefaulttimeout(2.5));
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_true(ns_gettimeout(s) == 2.5);
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_setdefaulttimeout(0));
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_int_not_equal(ns_test_os_nonblocking(ns_fileno(s)), 0);
  assert_false(ns_getblocking(s));
  assert_ns_ok(ns_close(s));
  assert_ns_ok(ns_setdefaulttimeout(NS_TIMEOUT_NONE));
}

static void test_socket__close(void **state)
{
  (void)state;
  assert_ns_ok(ns_close(NULL)); /* a no-op, like free(NULL) */
  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  ns_os_socket fd = ns_fileno(s);
  assert_ns_ok(ns_close(s));
  assert_false(ns_test_os_open(fd)); /* the descriptor is gone */

  /* A descriptor closed behind the handle's back: reported, still freed. */
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  ns_test_os_close(ns_fileno(s));
  assert_ns_err(ns_close(s), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), NS_TEST_ECLOSED);
  assert_string_equal(ns_error_last_operation(), "close");
  assert_last_os_error(NS_TEST_ECLOSED);
}

static void test_socket__null_handle_accessors(void **state)
{
  (void)state;
  assert_int_equal(ns_fileno(NULL), -1);
  assert_int_equal(ns_family(NULL), -1);
  assert_int_equal(ns_socktype(NULL), -1);
  assert_int_equal(ns_proto(NULL), -1);
}

/* EMFILE under a low RLIMIT_NOFILE: a clear OSError, and nothing leaked.
   Run in a child so the limit does not outlive the case. */
static void test_socket__emfile(void **state)
{
  (void)state;
#ifdef _WIN32
  ns_test_skip_platform("needs fork() and setrlimit(RLIMIT_NOFILE); "
                        "Windows has no per-process socket limit to lower");
#else
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    int base = ns_test_fd_count();
    struct rlimit rl = {(rlim_t)base + 3, (rlim_t)base + 3};
    if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
      _exit(10);
    ns_socket *held[8];
    int n = 0;
    ns_err err = NS_OK;
    while (n < 8 &&
           (err = ns_socket_create(&held[n], AF_INET, SOCK_STREAM, 0)) == NS_OK)
      n++;
    int ok = err == NS_ERR_OS && ns_error_last_errno() == EMFILE &&
             ns_test_message_matches(ns_error_last_message(),
                                     ns_test_os_message(EMFILE));
    while (n > 0)
      ns_close(held[--n]);
    _exit(ok && ns_test_fd_count() == base ? 0 : 1);
  }
  ns_test_child_succeeds(pid);
#endif
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_socket__create_each_kind),
      NS_TEST(test_socket__type_flags),
      NS_TEST(test_socket__create_failures),
      NS_TEST(test_socket__default_timeout_applies_to_new_sockets),
      NS_TEST(test_socket__close),
      NS_TEST(test_socket__null_handle_accessors),
      NS_TEST(test_socket__emfile),
  };
  return cmocka_run_group_tests_name("socket", tests, NULL, NULL);
}

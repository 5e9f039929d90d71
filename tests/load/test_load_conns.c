/* SPDX-License-Identifier: MIT */
/*
 * Connections under load, loopback only: 1000 connections held open at
 * once, each echoing its own message, then all closed with the descriptor
 * count back where it started; and 40 000 connect/accept/close cycles one
 * after the other, the server closing first so that TIME_WAIT stays on its
 * side and no ephemeral port runs out.
 */
#include "ns_test.h"

#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

enum { CONCURRENT = 1000, CYCLES = 40000 };

/* Room for every descriptor the test holds; skip when the system cannot
   give it. */
static bool enough_descriptors(rlim_t need)
{
  struct rlimit rl;
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
    return false;
  if (rl.rlim_cur >= need)
    return true;
  if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
    return false;
  rl.rlim_cur = need;
  return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

static ns_socket *big_listener(ns_addr *bound)
{
  ns_socket *l;
  ns_addr lo = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(&l, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_bind(l, &lo));
  assert_ns_ok(ns_listen(l, 4096)); /* the kernel caps it at somaxconn */
  assert_ns_ok(ns_getsockname(l, bound));
  return l;
}

static void test_load_conns__thousand_held_open(void **state)
{
  (void)state;
  if (!enough_descriptors(2 * CONCURRENT + 64)) {
    print_message("RLIMIT_NOFILE below %d: skipped\n", 2 * CONCURRENT + 64);
    skip();
  }
  int base = ns_test_fd_count();
  static ns_socket *client[CONCURRENT], *server[CONCURRENT];
  ns_addr bound;
  double t0 = ns_test_now();
  ns_socket *l = big_listener(&bound);

  /* Connect in batches that fit the accept queue whatever somaxconn is
     (128 on old kernels), accepting each batch before the next. */
  for (int done = 0; done < CONCURRENT;) {
    int batch = CONCURRENT - done < 100 ? CONCURRENT - done : 100;
    for (int i = done; i < done + batch; i++) {
      assert_ns_ok(ns_socket_create(&client[i], AF_INET, SOCK_STREAM, 0));
      assert_ns_ok(ns_connect(client[i], &bound));
    }
    for (int i = done; i < done + batch; i++)
      assert_ns_ok(ns_accept(l, &server[i], NULL));
    done += batch;
  }
  assert_int_equal(ns_test_fd_count(), base + 2 * CONCURRENT + 1);

  /* All open at once: every client sends its own message, every server
     echoes it, every client checks it came back whole. */
  for (int i = 0; i < CONCURRENT; i++) {
    char msg[32];
    int len = snprintf(msg, sizeof msg, "message %04d", i);
    assert_ns_ok(ns_sendall(client[i], msg, (size_t)len, 0, NULL));
  }
  for (int i = 0; i < CONCURRENT; i++) {
    char buf[32];
    size_t n;
    assert_ns_ok(ns_recv_exact(server[i], buf, 12, &n));
    assert_ns_ok(ns_sendall(server[i], buf, n, 0, NULL));
  }
  for (int i = 0; i < CONCURRENT; i++) {
    char buf[32], want[32];
    size_t n;
    snprintf(want, sizeof want, "message %04d", i);
    assert_ns_ok(ns_recv_exact(client[i], buf, 12, &n));
    assert_memory_equal(buf, want, 12);
  }
  for (int i = 0; i < CONCURRENT; i++) {
    assert_ns_ok(ns_close(server[i]));
    assert_ns_ok(ns_close(client[i]));
  }
  assert_ns_ok(ns_close(l));
  assert_int_equal(ns_test_fd_count(), base);
  print_message(
      "load: %d connections held open and echoed, then closed: %.2f s, "
      "descriptors back to %d\n",
      CONCURRENT, ns_test_now() - t0, base);
}

static void test_load_conns__sequential_cycles(void **state)
{
  (void)state;
  int base = ns_test_fd_count();
  ns_addr bound;
  ns_socket *l = big_listener(&bound);
  double t0 = ns_test_now();
  long failed = 0;
  for (int i = 0; i < CYCLES; i++) {
    ns_socket *c = NULL, *s = NULL;
    ns_err e = ns_socket_create(&c, AF_INET, SOCK_STREAM, 0);
    if (!e)
      e = ns_connect(c, &bound);
    if (!e)
      e = ns_accept(l, &s, NULL);
    if (e) {
      if (failed++ < 5)
        print_error("cycle %d: %s: %s\n", i, ns_error_name(e),
                    ns_error_last_message());
    }
    /* The server closes first: TIME_WAIT stays on its side. */
    assert_ns_ok(ns_close(s));
    assert_ns_ok(ns_close(c));
  }
  assert_ns_ok(ns_close(l));
  double t = ns_test_now() - t0;
  print_message("load: %d connect/accept/close cycles: %ld failed, %.2f s "
                "(%.0f per second)\n",
                CYCLES, failed, t, CYCLES / t);
  assert_int_equal(failed, 0);
  assert_int_equal(ns_test_fd_count(), base);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_load_conns__thousand_held_open),
      NS_TEST(test_load_conns__sequential_cycles),
  };
  return cmocka_run_group_tests_name("load_conns", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Bulk transfer through ns_sendall over loopback TCP: a receiver thread
 * checks every byte against the sender's pattern and both sides keep an
 * FNV-1a checksum of the whole stream, so a lost, repeated or reordered
 * byte fails. The sender's SO_SNDBUF is small and its calls are cut short
 * in three ways:
 *   - blocking, with SIGALRM every millisecond (no SA_RESTART): each
 *     interrupted send returns a partial count and sendall must go on;
 *   - non-blocking (timeout 0): sendall gives BlockingIOError and says how
 *     far it got, and the caller waits for POLLOUT and resumes from there;
 *   - with a timeout, so the kernel's send timer is in play.
 * Chunk sizes 1, 4095 and 65537: 1 GiB each for 4095 and 65537 bytes.
 * Bounded smaller, because the kernel makes them slow whatever the
 * library does (raw send() loops measure the same):
 *   - 1-byte chunks: 8 MiB (one system call per byte, about 2 us each:
 *     1 GiB would take over half an hour);
 *   - 65537-byte chunks into a 4 KiB SO_SNDBUF, a chunk bigger than the
 *     whole buffer: 16 MiB (Linux stalls about 25 ms per such write, 3 MB/s;
 *     the 1 GiB run uses a 64 KiB SO_SNDBUF).
 */
#include "ns_test.h"

#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#define MIB ((uint64_t)1 << 20)
#define GIB ((uint64_t)1 << 30)
/* The pattern's period: a prime, so no chunk size lines up with it. */
enum { PERIOD = 1000003, RECV_CHUNK = 256 * 1024 };
#define KIB 1024

static unsigned char *pattern; /* 2 * PERIOD bytes: any window is linear */

static void make_pattern(void)
{
  if (pattern)
    return;
  pattern = malloc(2 * PERIOD);
  assert_non_null(pattern);
  uint64_t x = 0x9e3779b97f4a7c15u;
  for (size_t i = 0; i < PERIOD; i++) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    pattern[i] = (unsigned char)(x >> 24);
  }
  memcpy(pattern + PERIOD, pattern, PERIOD);
}

static uint64_t fnv1a(uint64_t h, const unsigned char *p, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= 0x100000001b3u;
  }
  return h;
}

#define FNV_INIT 0xcbf29ce484222325u

typedef struct receiver {
  ns_socket *s;
  uint64_t expect;
  uint64_t got;
  uint64_t sum;
  long mismatches;
  ns_err err;
} receiver;

static void *receive_all(void *arg)
{
  receiver *r = arg;
  unsigned char *buf = malloc(RECV_CHUNK);
  r->sum = FNV_INIT;
  while (buf && r->got < r->expect) {
    size_t n;
    r->err = ns_recv(r->s, buf, RECV_CHUNK, 0, &n);
    if (r->err || n == 0)
      break;
    if (memcmp(buf, pattern + r->got % PERIOD, n) != 0)
      r->mismatches++;
    r->sum = fnv1a(r->sum, buf, n);
    r->got += n;
  }
  free(buf);
  return NULL;
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
  (void)sig;
  alarms++;
}

typedef enum mode { BLOCKING_SIGNALS, NONBLOCKING, TIMED } mode;

static const char *mode_name(mode m)
{
  return m == BLOCKING_SIGNALS ? "blocking, SIGALRM every 1 ms"
         : m == NONBLOCKING    ? "non-blocking, resumed after POLLOUT"
                               : "timeout 60 s";
}

static void transfer(size_t chunk, uint64_t total, mode m, int sndbuf)
{
  make_pattern();
  ns_socket *tx, *rx;
  ns_test_tcp_pair(AF_INET, &tx, &rx);
  assert_ns_ok(ns_setsockopt_int(tx, SOL_SOCKET, SO_SNDBUF, sndbuf));
  if (m == NONBLOCKING)
    assert_ns_ok(ns_settimeout(tx, 0.0));
  if (m == TIMED)
    assert_ns_ok(ns_settimeout(tx, 60.0));

  /* The alarm must land on this (the sending) thread: the receiver starts
     with SIGALRM blocked. */
  sigset_t alrm, old;
  sigemptyset(&alrm);
  sigaddset(&alrm, SIGALRM);
  pthread_sigmask(SIG_BLOCK, &alrm, &old);
  receiver r = {rx, total, 0, 0, 0, NS_OK};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, receive_all, &r), 0);
  pthread_sigmask(SIG_SETMASK, &old, NULL);

  struct sigaction sa, old_sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART: calls see EINTR */
  struct itimerval every_ms = {{0, 1000}, {0, 1000}}, off = {{0, 0}, {0, 0}};
  alarms = 0;
  if (m == BLOCKING_SIGNALS) {
    sigaction(SIGALRM, &sa, &old_sa);
    setitimer(ITIMER_REAL, &every_ms, NULL);
  }

  double t0 = ns_test_now();
  uint64_t sent = 0, sum = FNV_INIT;
  long calls = 0, partial = 0;
  ns_err err = NS_OK;
  while (sent < total && !err) {
    size_t want = chunk;
    if (total - sent < want)
      want = (size_t)(total - sent);
    const unsigned char *p = pattern + sent % PERIOD;
    size_t done = 0;
    while (done < want) {
      size_t n = 0;
      calls++;
      err = ns_sendall(tx, p + done, want - done, 0, &n);
      done += n;
      if (err == NS_ERR_BLOCKING_IO && m == NONBLOCKING) {
        /* sendall said how far it got: wait for room, go on from there. */
        if (n)
          partial++;
        struct pollfd pfd = {ns_fileno(tx), POLLOUT, 0};
        assert_true(poll(&pfd, 1, 60000) == 1);
        err = NS_OK;
        continue;
      }
      if (err)
        break;
      assert_int_equal(done, want); /* sendall took it all */
    }
    sum = fnv1a(sum, p, done);
    sent += done;
  }
  if (m == BLOCKING_SIGNALS) {
    setitimer(ITIMER_REAL, &off, NULL);
    sigaction(SIGALRM, &old_sa, NULL);
  }
  assert_ns_ok(err);
  assert_ns_ok(ns_shutdown(tx, SHUT_WR));
  assert_int_equal(pthread_join(th, NULL), 0);
  double t = ns_test_now() - t0;
  assert_ns_ok(r.err);
  assert_int_equal(r.got, total);
  assert_int_equal(r.mismatches, 0);
  assert_true(r.sum == sum);
  /* And nothing after the end. */
  size_t n;
  char extra;
  assert_ns_ok(ns_recv(rx, &extra, 1, 0, &n));
  assert_int_equal(n, 0);
  print_message("load: %10llu bytes in %5zu-byte chunks, SO_SNDBUF %2d KiB, "
                "%s: %.2f s, %.0f MB/s, checksum %016llx matches; %ld "
                "sendall calls, %ld partial (non-blocking), %ld signals\n",
                (unsigned long long)total, chunk, sndbuf / KIB, mode_name(m), t,
                (double)total / t / 1e6, (unsigned long long)sum, calls,
                partial, (long)alarms);
  assert_ns_ok(ns_close(tx));
  assert_ns_ok(ns_close(rx));
}

static void test_load_sendall__chunks_65537(void **state)
{
  (void)state;
  transfer(65537, GIB, BLOCKING_SIGNALS, 64 * KIB);
  transfer(65537, 16 * MIB, BLOCKING_SIGNALS, 4 * KIB);
}

static void test_load_sendall__chunks_4095(void **state)
{
  (void)state;
  transfer(4095, GIB, BLOCKING_SIGNALS, 4 * KIB);
}

static void test_load_sendall__chunks_1(void **state)
{
  (void)state;
  transfer(1, 8 * MIB, BLOCKING_SIGNALS, 4 * KIB);
}

static void test_load_sendall__nonblocking_resume(void **state)
{
  (void)state;
  transfer(65537, 256 * MIB, NONBLOCKING, 64 * KIB);
  transfer(4095, 64 * MIB, NONBLOCKING, 4 * KIB);
}

static void test_load_sendall__timeout(void **state)
{
  (void)state;
  transfer(65537, 256 * MIB, TIMED, 64 * KIB);
  transfer(1, MIB, TIMED, 4 * KIB);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_load_sendall__chunks_65537),
      NS_TEST(test_load_sendall__chunks_4095),
      NS_TEST(test_load_sendall__chunks_1),
      NS_TEST(test_load_sendall__nonblocking_resume),
      NS_TEST(test_load_sendall__timeout),
  };
  int rc = cmocka_run_group_tests_name("load_sendall", tests, NULL, NULL);
  free(pattern);
  return rc;
}

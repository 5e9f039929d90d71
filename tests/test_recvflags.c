/* SPDX-License-Identifier: MIT */
/*
 * How much a receive takes: MSG_PEEK, MSG_WAITALL and MSG_DONTWAIT through
 * ns_recv/ns_recvfrom, and ns_recv_exact, which reads exactly n bytes or
 * says how far it got.
 */
#include "ns_test.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/time.h>
#include <sys/wait.h>
#endif

/* A sender on its own thread: `len` bytes of a known pattern, in pieces
   of `piece` bytes, each after the previous one was sent. */
typedef struct sender {
  ns_socket *s;
  size_t len;
  size_t piece;
  bool close_after;
  ns_err err;
} sender;

static unsigned char pattern(size_t i)
{
  return (unsigned char)(i * 131 + (i >> 8) * 7 + 3);
}

static void *send_pattern(void *arg)
{
  sender *t = arg;
  unsigned char chunk[8192];
  size_t off = 0;
  t->err = NS_OK;
  while (off < t->len && !t->err) {
    size_t k = t->len - off < t->piece ? t->len - off : t->piece;
    if (k > sizeof chunk)
      k = sizeof chunk;
    for (size_t i = 0; i < k; i++)
      chunk[i] = pattern(off + i);
    size_t n;
    t->err = ns_sendall(t->s, chunk, k, 0, &n);
    off += n;
  }
  if (t->close_after)
    ns_shutdown(t->s, SHUT_WR);
  return NULL;
}

/* ---- MSG_PEEK ------------------------------------------------------------ */

static void test_recvflags__peek_stream(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  size_t n;
  char buf[16];
  assert_ns_ok(ns_sendall(c, "hello", 5, 0, &n));
  /* Peeking leaves the bytes queued, however often; with MSG_WAITALL it
     waits for the whole buffer first. */
  assert_ns_ok(ns_recv(s, buf, 5, MSG_PEEK | MSG_WAITALL, &n));
  assert_int_equal(n, 5);
  assert_ns_ok(ns_recv(s, buf, 3, MSG_PEEK, &n));
  assert_int_equal(n, 3);
  assert_memory_equal(buf, "hel", 3);
  assert_ns_ok(ns_recv(s, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 5);
  assert_memory_equal(buf, "hello", 5);
  /* Now nothing is left to peek at. */
#ifdef MSG_DONTWAIT
  assert_ns_err(ns_recv(s, buf, sizeof buf, MSG_PEEK | MSG_DONTWAIT, &n),
                NS_ERR_BLOCKING_IO);
#else /* Windows: a non-blocking socket instead */
  assert_ns_ok(ns_setblocking(s, false));
  assert_ns_err(ns_recv(s, buf, sizeof buf, MSG_PEEK, &n), NS_ERR_BLOCKING_IO);
#endif
  assert_last_os_error(EAGAIN);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_recvflags__peek_datagram(void **state)
{
  (void)state;
  ns_socket *rx, *tx;
  ns_addr rx_addr = ns_test_loopback(AF_INET), tx_addr;
  assert_ns_ok(ns_socket_create(&rx, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(rx, &rx_addr));
  assert_ns_ok(ns_getsockname(rx, &rx_addr));
  assert_ns_ok(ns_socket_create(&tx, AF_INET, SOCK_DGRAM, 0));
  size_t n;
  assert_ns_ok(ns_sendto(tx, "one", 3, 0, &rx_addr, &n));
  assert_ns_ok(ns_sendto(tx, "two", 3, 0, &rx_addr, &n));
  assert_ns_ok(ns_getsockname(tx, &tx_addr));
  char buf[8];
  ns_addr from;
  /* The same datagram, and its sender, twice; then the next one. */
  assert_ns_ok(ns_recvfrom(rx, buf, sizeof buf, MSG_PEEK, &n, &from));
  assert_int_equal(n, 3);
  assert_memory_equal(buf, "one", 3);
  assert_int_equal(ns_addr_port(&from), ns_addr_port(&tx_addr));
  assert_ns_ok(ns_recvfrom(rx, buf, sizeof buf, 0, &n, &from));
  assert_memory_equal(buf, "one", 3);
  assert_ns_ok(ns_recvfrom(rx, buf, sizeof buf, 0, &n, NULL));
  assert_memory_equal(buf, "two", 3);
  assert_ns_err(ns_recvfrom(NULL, buf, sizeof buf, MSG_PEEK, &n, NULL),
                NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

/* ---- MSG_WAITALL --------------------------------------------------------- */

static void test_recvflags__waitall(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  /* 1 MiB in 1000-byte pieces: without MSG_WAITALL a recv returns
     whatever is queued; with it, the whole buffer. */
  if (ns_test_under_wine()) {
    assert_ns_ok(ns_close(c));
    assert_ns_ok(ns_close(s));
    ns_test_skip_platform("wine's recv() returns what is queued whatever "
                          "MSG_WAITALL says (Windows waits for it all)");
  }
  enum { LEN = 1 << 20 };
  sender t = {c, LEN, 1000, false, NS_OK};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, send_pattern, &t), 0);
  unsigned char *buf = malloc(LEN);
  assert_non_null(buf);
  size_t n;
  assert_ns_ok(ns_recv(s, buf, LEN, MSG_WAITALL, &n));
  pthread_join(th, NULL);
  assert_ns_ok(t.err);
  assert_int_equal(n, LEN);
  for (size_t i = 0; i < LEN; i++)
    if (buf[i] != pattern(i))
      fail_msg("byte %zu differs", i);
  free(buf);

  /* End of stream cuts a MSG_WAITALL read short, without an error. */
  char small[8];
  assert_ns_ok(ns_sendall(c, "ab", 2, 0, &n));
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  assert_ns_ok(ns_recv(s, small, sizeof small, MSG_WAITALL, &n));
  assert_int_equal(n, 2);
  assert_ns_ok(ns_recv(s, small, sizeof small, MSG_WAITALL, &n));
  assert_int_equal(n, 0);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* ---- MSG_DONTWAIT -------------------------------------------------------- */

static void test_recvflags__dontwait(void **state)
{
  (void)state;
#ifndef MSG_DONTWAIT
  ns_test_skip_platform("no MSG_DONTWAIT in Winsock (nor in Python there)");
#else
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  char buf[8];
  size_t n;
  /* A blocking socket: this one call does not wait. */
  assert_ns_err(ns_recv(s, buf, sizeof buf, MSG_DONTWAIT, &n),
                NS_ERR_BLOCKING_IO);
  assert_last_os_error(EAGAIN);
  assert_int_equal(ns_error_last_errno(), EAGAIN);
  assert_true(ns_getblocking(s));

  /* With a timeout it is BlockingIOError at once, never TimeoutError. */
  assert_ns_ok(ns_settimeout(s, 5.0));
  double t0 = ns_test_now();
  assert_ns_err(ns_recv(s, buf, sizeof buf, MSG_DONTWAIT, &n),
                NS_ERR_BLOCKING_IO);
  assert_ns_err(ns_recvfrom(s, buf, sizeof buf, MSG_DONTWAIT, &n, NULL),
                NS_ERR_BLOCKING_IO);
  assert_true(ns_test_now() - t0 < ns_test_slack(1.0));

  /* And when data is there, it is read. */
  assert_ns_ok(ns_sendall(c, "xy", 2, 0, &n));
  assert_ns_ok(ns_recv(s, buf, sizeof buf, MSG_WAITALL | MSG_DONTWAIT, &n));
  assert_true(n >= 1 && n <= 2);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
#endif
}

/* ---- recv_exact ---------------------------------------------------------- */

static void test_recvflags__recv_exact(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  /* Odd pieces that never line up with the reads. */
  enum { LEN = 3 * 1000 * 1000 + 7 };
  sender t = {c, LEN, 4093, false, NS_OK};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, send_pattern, &t), 0);
  unsigned char *buf = malloc(LEN);
  assert_non_null(buf);
  size_t got, total = 0;
  size_t sizes[] = {1, 65537, 4095, LEN - 1 - 65537 - 4095};
  for (size_t k = 0; k < 4; k++) {
    assert_ns_ok(ns_recv_exact(s, buf + total, sizes[k], &got));
    assert_int_equal(got, sizes[k]);
    total += got;
  }
  pthread_join(th, NULL);
  assert_ns_ok(t.err);
  for (size_t i = 0; i < LEN; i++)
    if (buf[i] != pattern(i))
      fail_msg("byte %zu differs", i);
  free(buf);

  /* Nothing asked, nothing read; the count may be left out. */
  assert_ns_ok(ns_recv_exact(s, NULL, 0, &got));
  assert_int_equal(got, 0);
  assert_ns_ok(ns_sendall(c, "q", 1, 0, &got));
  char q;
  assert_ns_ok(ns_recv_exact(s, &q, 1, NULL));
  assert_int_equal(q, 'q');
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_recvflags__recv_exact_eof(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  size_t n;
  char buf[10];
  assert_ns_ok(ns_sendall(c, "12345", 5, 0, &n));
  assert_ns_ok(ns_close(c));
  assert_ns_err(ns_recv_exact(s, buf, sizeof buf, &n), NS_ERR_OS);
  assert_last_message("connection closed after 5 of 10 bytes");
  assert_int_equal(ns_error_last_errno(), 0);
  assert_string_equal(ns_error_last_operation(), "recv_exact");
  assert_int_equal(n, 5);
  assert_memory_equal(buf, "12345", 5);
  /* At the very start, too. */
  assert_ns_err(ns_recv_exact(s, buf, 3, &n), NS_ERR_OS);
  assert_last_message("connection closed after 0 of 3 bytes");
  assert_int_equal(n, 0);
  assert_ns_ok(ns_close(s));
}

static void test_recvflags__recv_exact_timeout(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  size_t n;
  char buf[10];
  assert_ns_ok(ns_sendall(c, "abc", 3, 0, &n));
  assert_ns_ok(ns_settimeout(s, 0.1));
  double t0 = ns_test_now();
  assert_ns_err(ns_recv_exact(s, buf, sizeof buf, &n), NS_ERR_TIMEOUT);
  double took = ns_test_now() - t0;
  assert_last_message("timed out");
  assert_int_equal(n, 3);
  /* One deadline for the whole call; the kernel's timer adds a tick. */
  assert_true(took >= 0.1);
  assert_true(took < 0.1 + ns_test_slack(0.15));

  /* Non-blocking: what is there, then BlockingIOError with the count. */
  assert_ns_ok(ns_sendall(c, "de", 2, 0, &n));
  assert_ns_ok(ns_setblocking(s, false));
  assert_ns_err(ns_recv_exact(s, buf, sizeof buf, &n), NS_ERR_BLOCKING_IO);
  assert_int_equal(n, 2);
  assert_memory_equal(buf, "de", 2);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_recvflags__recv_exact_bad_arguments(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  size_t n = 99;
  char buf[4];
  assert_ns_err(ns_recv_exact(NULL, buf, 4, &n), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_int_equal(n, 0);
  assert_ns_err(ns_recv_exact(s, NULL, 4, &n), NS_ERR_VALUE);
  assert_last_message("buffer is NULL with a non-zero length");
  assert_ns_err(ns_recv_exact(s, buf, SIZE_MAX, &n), NS_ERR_OVERFLOW);
  assert_last_message("length exceeds SSIZE_MAX");
  /* A reset peer. */
  if (ns_test_under_wine()) {
    assert_ns_ok(ns_close(c));
    assert_ns_ok(ns_close(s));
    ns_test_skip_platform("no reset for SO_LINGER {1, 0} under wine: its "
                          "closesocket() ends the connection gracefully");
  }
  struct linger lg = {1, 0};
  assert_ns_ok(ns_setsockopt(c, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  assert_ns_ok(ns_close(c));
  assert_ns_err(ns_recv_exact(s, buf, 4, &n), NS_ERR_CONNECTION_RESET);
  assert_last_os_error(ECONNRESET);
  assert_ns_ok(ns_close(s));
}

/*
 * PEP 475 in a child: a SIGALRM every 10 ms, without SA_RESTART, while
 * recv_exact waits for data that a grandchild sends slowly. The read
 * completes, whole, and a timeout still fires on time.
 */
#ifndef _WIN32
static void on_alarm(int sig)
{
  (void)sig;
}

static int recv_exact_under_signals(void)
{
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  pid_t feeder = fork();
  if (feeder == 0) {
    for (int i = 0; i < 20; i++) {
      size_t n;
      struct timespec pause = {0, 5L * 1000 * 1000};
      nanosleep(&pause, NULL);
      if (ns_sendall(c, "0123456789", 10, 0, &n))
        _exit(1);
    }
    ns_close(c);
    ns_close(s);
    _exit(0);
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_alarm; /* no SA_RESTART */
  sigaction(SIGALRM, &sa, NULL);
  struct itimerval it = {{0, 10000}, {0, 10000}};
  setitimer(ITIMER_REAL, &it, NULL);
  char buf[200];
  size_t n;
  int rc = 0;
  if (ns_recv_exact(s, buf, sizeof buf, &n) != NS_OK || n != 200)
    rc = 2;
  for (int i = 0; rc == 0 && i < 200; i++)
    if (buf[i] != '0' + i % 10)
      rc = 3;
  /* A timeout under the same signals: not shortened, not extended. */
  ns_settimeout(s, 0.2);
  double t0 = ns_test_now();
  if (rc == 0 && ns_recv_exact(s, buf, 1, &n) != NS_ERR_TIMEOUT)
    rc = 4;
  double took = ns_test_now() - t0;
  if (rc == 0 && (took < 0.2 || took > 0.2 + ns_test_slack(0.15)))
    rc = 5;
  int status;
  waitpid(feeder, &status, 0);
  if (rc == 0 && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
    rc = 6;
  ns_close(c);
  ns_close(s);
  return rc;
}

static void test_recvflags__recv_exact_eintr(void **state)
{
  (void)state;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    _exit(recv_exact_under_signals());
  ns_test_child_succeeds(pid);
}
#else
static void test_recvflags__recv_exact_eintr(void **state)
{
  (void)state;
  ns_test_skip_platform("no SIGALRM or setitimer() to interrupt calls, "
                        "nor fork() for the feeder");
}
#endif

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_recvflags__peek_stream),
      NS_TEST(test_recvflags__peek_datagram),
      NS_TEST(test_recvflags__waitall),
      NS_TEST(test_recvflags__dontwait),
      NS_TEST(test_recvflags__recv_exact),
      NS_TEST(test_recvflags__recv_exact_eof),
      NS_TEST(test_recvflags__recv_exact_timeout),
      NS_TEST(test_recvflags__recv_exact_bad_arguments),
      NS_TEST(test_recvflags__recv_exact_eintr),
  };
  return cmocka_run_group_tests_name("recvflags", tests, NULL, NULL);
}

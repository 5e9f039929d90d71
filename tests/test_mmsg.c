/* SPDX-License-Identifier: MIT */
/*
 * Datagram batches: sendmmsg/recvmmsg results, addresses, truncation,
 * timeouts held by the library, failures, and the loop fallback, run for
 * real in a child whose seccomp filter makes the kernel say ENOSYS.
 */
#include "ns_test.h"

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAXN = 200 };

static unsigned char payload[MAXN][256];

static void udp_bound(ns_socket **s, ns_addr *bound)
{
  ns_addr a = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(s, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(*s, &a));
  assert_ns_ok(ns_getsockname(*s, bound));
}

/* n datagrams of distinct lengths and contents, to `to` (or connected). */
static void make_batch(ns_datagram *m, size_t n, const ns_addr *to)
{
  memset(m, 0, n * sizeof *m);
  for (size_t i = 0; i < n; i++) {
    size_t len = 1 + (i * 37) % 255;
    for (size_t j = 0; j < len; j++)
      payload[i][j] = (unsigned char)(i ^ (j * 7));
    m[i].buf = payload[i];
    m[i].len = len;
    if (to)
      m[i].addr = *to;
  }
}

/* n datagrams of 2 KiB: the sender's buffer holds well under 200. */
static void make_big_batch(ns_datagram *m, size_t n)
{
  static unsigned char big[2048];
  memset(m, 0, n * sizeof *m);
  for (size_t i = 0; i < sizeof big; i++)
    big[i] = (unsigned char)(i * 13);
  for (size_t i = 0; i < n; i++) {
    m[i].buf = big;
    m[i].len = sizeof big;
  }
}

static void make_space(ns_datagram *m, size_t n, unsigned char (*space)[256],
                       size_t size)
{
  memset(m, 0, n * sizeof *m);
  for (size_t i = 0; i < n; i++) {
    m[i].buf = space[i];
    m[i].len = size;
  }
}

/* Send `n` datagrams, receive them in one batch, compare everything. */
static void roundtrip(size_t n)
{
  static ns_datagram out[MAXN], in[MAXN];
  static unsigned char space[MAXN][256];
  ns_socket *rx, *tx;
  ns_addr rx_addr, tx_addr;
  udp_bound(&rx, &rx_addr);
  udp_bound(&tx, &tx_addr);
  assert_ns_ok(ns_setsockopt_int(rx, SOL_SOCKET, SO_RCVBUF, 1 << 20));
  make_batch(out, n, &rx_addr);
  size_t count = 0;
  assert_ns_ok(ns_sendmmsg(tx, out, n, 0, &count));
  assert_int_equal(count, n);
  for (size_t i = 0; i < n; i++)
    assert_int_equal(out[i].nbytes, out[i].len);

  make_space(in, MAXN, space, sizeof space[0]);
  size_t got = 0;
  assert_ns_ok(ns_recvmmsg(rx, in, MAXN, 0, &got));
  /* Loopback delivers during the send, so one call takes them all. */
  assert_int_equal(got, n);
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(in[i].nbytes, out[i].len);
    assert_memory_equal(in[i].buf, out[i].buf, out[i].len);
    assert_int_equal(in[i].flags, 0);
    assert_true(ns_addr_equal(&in[i].addr, &tx_addr));
  }
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

static void test_mmsg__roundtrip(void **state)
{
  (void)state;
  roundtrip(10);
  roundtrip(1);
}

static void test_mmsg__more_than_one_slice(void **state)
{
  (void)state;
  roundtrip(150); /* the library builds kernel headers 64 at a time */
}

static void test_mmsg__connected_and_truncated(void **state)
{
  (void)state;
  ns_socket *rx, *tx;
  ns_addr rx_addr, tx_addr;
  udp_bound(&rx, &rx_addr);
  udp_bound(&tx, &tx_addr);
  assert_ns_ok(ns_connect(tx, &rx_addr));
  ns_datagram out[3];
  make_batch(out, 3, NULL); /* empty addresses: the connected peer */
  size_t count;
  assert_ns_ok(ns_sendmmsg(tx, out, 3, 0, &count));
  assert_int_equal(count, 3);

  ns_datagram in[3];
  static unsigned char space[3][256];
  make_space(in, 3, space, 20);
  assert_ns_ok(ns_recvmmsg(rx, in, 3, 0, &count));
  assert_int_equal(count, 3);
  /* 1, 38 and 75 bytes into 20: the last two are cut, and say so. */
  assert_int_equal(in[0].nbytes, 1);
  assert_int_equal(in[0].flags, 0);
  assert_int_equal(in[1].nbytes, 20);
  assert_true(in[1].flags & MSG_TRUNC);
  assert_int_equal(in[2].nbytes, 20);
  assert_true(in[2].flags & MSG_TRUNC);
  assert_memory_equal(in[2].buf, out[2].buf, 20);

  /* Nothing asked: nothing done, no system call needed. */
  assert_ns_ok(ns_sendmmsg(tx, NULL, 0, 0, &count));
  assert_int_equal(count, 0);
  assert_ns_ok(ns_recvmmsg(rx, NULL, 0, 0, &count));
  assert_int_equal(count, 0);
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

static void test_mmsg__recv_timeouts(void **state)
{
  (void)state;
  ns_socket *rx;
  ns_addr rx_addr;
  udp_bound(&rx, &rx_addr);
  ns_datagram in[4];
  static unsigned char space[4][256];
  make_space(in, 4, space, sizeof space[0]);
  size_t count = 99;
  assert_ns_ok(ns_settimeout(rx, 0.1));
  double t0 = ns_test_now();
  assert_ns_err(ns_recvmmsg(rx, in, 4, 0, &count), NS_ERR_TIMEOUT);
  double took = ns_test_now() - t0;
  assert_last_message("timed out");
  assert_int_equal(ns_error_last_errno(), 0);
  assert_int_equal(count, 0);
  assert_true(took >= 0.1 && took < 0.1 + ns_test_slack(0.15));
  assert_ns_err(ns_recvmmsg(rx, in, 4, MSG_DONTWAIT, &count),
                NS_ERR_BLOCKING_IO);
  assert_last_os_error(EAGAIN);
  assert_ns_ok(ns_setblocking(rx, false));
  assert_ns_err(ns_recvmmsg(rx, in, 4, 0, &count), NS_ERR_BLOCKING_IO);
  assert_string_equal(ns_error_last_operation(), "recvmmsg");
  assert_ns_ok(ns_close(rx));
}

/*
 * An AF_UNIX datagram sender blocks when its send buffer is full of
 * datagrams nobody has read: the one place a datagram send waits. A batch that
 * cannot all go sends what fits and returns at the deadline, once, not once per
 * datagram.
 */
static void test_mmsg__send_timeout(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_DGRAM, &a, &b);
  static ns_datagram out[MAXN];
  make_big_batch(out, MAXN);
  assert_ns_ok(ns_settimeout(a, 0.2));
  size_t count = 0;
  double t0 = ns_test_now();
  assert_ns_ok(ns_sendmmsg(a, out, MAXN, 0, &count));
  double took = ns_test_now() - t0;
  assert_true(count > 0 && count < MAXN);
  assert_true(took >= 0.2 && took < 0.2 + ns_test_slack(0.15));

  /* Now nothing fits: TimeoutError, after one timeout. */
  t0 = ns_test_now();
  assert_ns_err(ns_sendmmsg(a, out + count, MAXN - count, 0, &count),
                NS_ERR_TIMEOUT);
  took = ns_test_now() - t0;
  assert_last_message("timed out");
  assert_int_equal(count, 0);
  assert_true(took >= 0.2 && took < 0.2 + ns_test_slack(0.15));
  assert_ns_err(ns_sendmmsg(a, out, 1, MSG_DONTWAIT, &count),
                NS_ERR_BLOCKING_IO);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void test_mmsg__failures(void **state)
{
  (void)state;
  ns_socket *rx, *tx;
  ns_addr rx_addr, tx_addr;
  udp_bound(&rx, &rx_addr);
  udp_bound(&tx, &tx_addr);
  ns_datagram m[2];
  make_batch(m, 2, &rx_addr);
  size_t count;
  assert_ns_err(ns_sendmmsg(NULL, m, 2, 0, &count), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_recvmmsg(NULL, m, 2, 0, &count), NS_ERR_OS);
  assert_ns_err(ns_sendmmsg(tx, NULL, 2, 0, &count), NS_ERR_VALUE);
  assert_last_message("datagram array is NULL with a non-zero count");
  assert_ns_err(ns_sendmmsg(tx, m, 2, 0, NULL), NS_ERR_VALUE);
  assert_last_message("count out-parameter is NULL");
  m[1].buf = NULL;
  assert_ns_err(ns_sendmmsg(tx, m, 2, 0, &count), NS_ERR_VALUE);
  assert_last_message("buffer is NULL with a non-zero length");
  assert_ns_err(ns_recvmmsg(rx, m, 2, 0, &count), NS_ERR_VALUE);
  m[1].buf = payload[1];
  m[1].len = SIZE_MAX;
  assert_ns_err(ns_sendmmsg(tx, m, 2, 0, &count), NS_ERR_OVERFLOW);
  assert_last_message("length exceeds SSIZE_MAX");
  make_batch(m, 2, &rx_addr);

  /* An address whose constructor failed says why. */
  assert_ns_err(ns_addr_inet(&m[1].addr, "127.0.0.1", 70000), NS_ERR_OVERFLOW);
  assert_ns_err(ns_sendmmsg(tx, m, 2, 0, &count), NS_ERR_OVERFLOW);
  assert_last_message("sendmmsg(): port must be 0-65535.");

  /* No destination on an unconnected socket. */
  make_batch(m, 2, NULL);
  assert_ns_err(ns_sendmmsg(tx, m, 2, 0, &count), NS_ERR_OS);
  assert_last_os_error(EDESTADDRREQ);
  assert_string_equal(ns_error_last_operation(), "sendmmsg");

  /* Too big: the first fails outright; later, the batch stops short. */
  static unsigned char huge[65508];
  make_batch(m, 2, &rx_addr);
  m[0].buf = huge;
  m[0].len = sizeof huge;
  assert_ns_err(ns_sendmmsg(tx, m, 2, 0, &count), NS_ERR_OS);
  assert_last_os_error(EMSGSIZE);
  assert_int_equal(count, 0);
  make_batch(m, 2, &rx_addr);
  m[1].buf = huge;
  m[1].len = sizeof huge;
  assert_ns_ok(ns_sendmmsg(tx, m, 2, 0, &count));
  assert_int_equal(count, 1);
  assert_ns_err(ns_sendmmsg(tx, m + 1, 1, 0, &count), NS_ERR_OS);
  assert_last_os_error(EMSGSIZE);
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

/* ---- the loop fallback --------------------------------------------------- */

/* Make sendmmsg and recvmmsg fail with ENOSYS in this process, as on a
   system without them. */
static int hide_mmsg(void)
{
  struct sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_sendmmsg, 2, 0),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_recvmmsg, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS),
  };
  struct sock_fprog prog = {sizeof filter / sizeof filter[0], filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
    return -1;
  return prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog);
}

static int fallback_child(void)
{
  if (hide_mmsg() != 0)
    return 77;
  if (syscall(SYS_sendmmsg, 0, NULL, 0, 0) != -1 || errno != ENOSYS)
    return 2;
  /* The same checks as with the system calls. */
  roundtrip(10);
  roundtrip(150);
  return 0;
}

static int fallback_timeout_child(void)
{
  if (hide_mmsg() != 0)
    return 77;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_DGRAM, &a, &b);
  static ns_datagram out[MAXN];
  make_big_batch(out, MAXN);
  ns_settimeout(a, 0.2);
  ns_settimeout(b, 0.1);
  size_t count = 0;
  double t0 = ns_test_now();
  if (ns_sendmmsg(a, out, MAXN, 0, &count) != NS_OK || count == 0 ||
      count == MAXN)
    return 3;
  double took = ns_test_now() - t0;
  if (took < 0.2 || took > 0.2 + ns_test_slack(0.15))
    return 4;
  /* Take what is queued without waiting for more, then time out. */
  static ns_datagram in[MAXN];
  static unsigned char space[MAXN][2048];
  memset(in, 0, sizeof in);
  for (size_t i = 0; i < MAXN; i++) {
    in[i].buf = space[i];
    in[i].len = sizeof space[i];
  }
  size_t got = 0;
  if (ns_recvmmsg(b, in, MAXN, 0, &got) != NS_OK || got != count)
    return 5;
  for (size_t i = 0; i < got; i++)
    if (in[i].nbytes != out[i].len ||
        memcmp(in[i].buf, out[i].buf, out[i].len) != 0)
      return 6;
  t0 = ns_test_now();
  if (ns_recvmmsg(b, in, MAXN, 0, &got) != NS_ERR_TIMEOUT || got != 0)
    return 7;
  took = ns_test_now() - t0;
  if (took < 0.1 || took > 0.1 + ns_test_slack(0.15))
    return 8;
  ns_close(a);
  ns_close(b);
  return 0;
}

static void run_child(int (*fn)(void))
{
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0)
    _exit(fn());
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == 77)
    skip(); /* no seccomp here */
  assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_mmsg__loop_fallback(void **state)
{
  (void)state;
  run_child(fallback_child);
  run_child(fallback_timeout_child);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_mmsg__roundtrip),
      NS_TEST(test_mmsg__more_than_one_slice),
      NS_TEST(test_mmsg__connected_and_truncated),
      NS_TEST(test_mmsg__recv_timeouts),
      NS_TEST(test_mmsg__send_timeout),
      NS_TEST(test_mmsg__failures),
      NS_TEST(test_mmsg__loop_fallback),
  };
  return cmocka_run_group_tests_name("mmsg", tests, NULL, NULL);
}

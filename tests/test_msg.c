/* SPDX-License-Identifier: MIT */
/*
 * Messages with ancillary data: sendmsg/recvmsg, the control-message
 * builders and getters, descriptor passing, credentials, packet info and
 * timestamps. Run with "--check-closed FD..." it is its own exec helper:
 * it exits 0 when none of those descriptors is open.
 */
#include "ns_test.h"

#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* ---- helpers ------------------------------------------------------------- */

typedef NS_CMSG_STORAGE(CMSG_SPACE(sizeof(int) * 8) +
                        CMSG_SPACE(sizeof(struct ucred)) +
                        CMSG_SPACE(64)) cmsg_store;

static void udp_bound(int family, ns_socket **s, ns_addr *bound)
{
  ns_addr a = ns_test_loopback(family);
  assert_ns_ok(ns_socket_create(s, family, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(*s, &a));
  assert_ns_ok(ns_getsockname(*s, bound));
}

static int fd_is_open(int fd)
{
  return fcntl(fd, F_GETFD) != -1;
}

static int is_cloexec(int fd)
{
  int f = fcntl(fd, F_GETFD);
  return f != -1 && (f & FD_CLOEXEC);
}

/* A pipe whose ends are checked to be the same pipe after passing. */
static void check_pipe_pair(int rd, int wr)
{
  char c = 0;
  assert_int_equal(write(wr, "z", 1), 1);
  assert_int_equal(read(rd, &c, 1), 1);
  assert_int_equal(c, 'z');
}

/* ---- control-message buffers -------------------------------------------- */

static void test_msg__cmsg_buf_init(void **state)
{
  (void)state;
  cmsg_store store;
  ns_cmsg_buf b;
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ptr_equal(b.data, &store);
  assert_int_equal(b.size, sizeof store);
  assert_int_equal(b.len, 0);
  assert_null(ns_cmsg_next(&b, NULL));

  assert_ns_err(ns_cmsg_buf_init(&b, (char *)&store + 1, 16), NS_ERR_VALUE);
  assert_last_message(
      "control-message storage is not aligned for struct cmsghdr");
  assert_ns_err(ns_cmsg_buf_init(NULL, &store, sizeof store), NS_ERR_VALUE);
  assert_last_message("control-message buffer is NULL");
  assert_ns_err(ns_cmsg_buf_init(&b, NULL, 16), NS_ERR_VALUE);
  assert_last_message("storage is NULL with a non-zero size");
  assert_ns_ok(ns_cmsg_buf_init(&b, NULL, 0));
}

static void test_msg__cmsg_add_bounds(void **state)
{
  (void)state;
  NS_CMSG_STORAGE(CMSG_SPACE(sizeof(int))) small;
  ns_cmsg_buf b;
  int fds[3] = {0, 1, 2};
  assert_ns_ok(ns_cmsg_buf_init(&b, &small, sizeof small));
  assert_ns_ok(ns_cmsg_add_fds(&b, fds, 1));
  assert_int_equal(b.len, CMSG_SPACE(sizeof(int)));

  /* Full: nothing more goes in, and nothing is written. */
  assert_ns_err(ns_cmsg_add_fds(&b, fds, 1), NS_ERR_VALUE);
  assert_last_message("control-message buffer too small");
  assert_ns_err(ns_cmsg_add(&b, SOL_SOCKET, SCM_RIGHTS, "", 0), NS_ERR_VALUE);
  assert_int_equal(b.len, CMSG_SPACE(sizeof(int)));

  /* Sizes that would wrap around are too small, not a crash. */
  assert_ns_ok(ns_cmsg_buf_init(&b, &small, sizeof small));
  assert_ns_err(ns_cmsg_add(&b, 1, 2, &small, SIZE_MAX), NS_ERR_VALUE);
  assert_last_message("control-message buffer too small");
  assert_ns_err(ns_cmsg_add(&b, 1, 2, &small, SIZE_MAX - 8), NS_ERR_VALUE);
  assert_int_equal(b.len, 0);

  /* Three descriptors do not fit where one does (two do: CMSG_SPACE
     rounds up to a multiple of 8). */
  assert_ns_err(ns_cmsg_add_fds(&b, fds, 3), NS_ERR_VALUE);
  assert_last_message("control-message buffer too small");

  assert_ns_err(ns_cmsg_add_fds(&b, fds, 0), NS_ERR_VALUE);
  assert_last_message("descriptor count must be between 1 and 253");
  assert_ns_err(ns_cmsg_add_fds(&b, fds, NS_FDS_PER_MSG_LIMIT + 1),
                NS_ERR_VALUE);
  assert_last_message("descriptor count must be between 1 and 253");
  assert_ns_err(ns_cmsg_add_fds(&b, NULL, 1), NS_ERR_VALUE);
  assert_last_message("descriptor array is NULL");
  assert_ns_err(ns_cmsg_add(NULL, 1, 2, "x", 1), NS_ERR_VALUE);
  assert_last_message("control-message buffer is NULL");
  assert_ns_err(ns_cmsg_add(&b, 1, 2, NULL, 1), NS_ERR_VALUE);
  assert_last_message("data is NULL with a non-zero length");
  assert_ns_err(ns_cmsg_add_creds(NULL, NULL), NS_ERR_VALUE);
}

static void test_msg__cmsg_walk(void **state)
{
  (void)state;
  cmsg_store store;
  ns_cmsg_buf b;
  int fds[3] = {7, 8, 9};
  ns_ucred cred = {11, 22, 33};
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_fds(&b, fds, 3));
  assert_ns_ok(ns_cmsg_add_creds(&b, &cred));
  assert_ns_ok(ns_cmsg_add(&b, 42, 43, "abc", 3));

  const struct cmsghdr *c = ns_cmsg_next(&b, NULL);
  assert_non_null(c);
  int got[3];
  size_t n = 0;
  assert_ns_ok(ns_cmsg_get_fds(c, got, 3, &n));
  assert_int_equal(n, 3);
  assert_memory_equal(got, fds, sizeof fds);
  /* Too small an array: nothing copied, but the count is told. */
  n = 0;
  assert_ns_err(ns_cmsg_get_fds(c, got, 2, &n), NS_ERR_VALUE);
  assert_last_message("descriptor array too small");
  assert_int_equal(n, 3);
  ns_ucred wrong;
  assert_ns_err(ns_cmsg_get_creds(c, &wrong), NS_ERR_VALUE);
  assert_last_message("not an SCM_CREDENTIALS control message");

  c = ns_cmsg_next(&b, c);
  assert_non_null(c);
  ns_ucred back;
  assert_ns_ok(ns_cmsg_get_creds(c, &back));
  assert_int_equal(back.pid, 11);
  assert_int_equal(back.uid, 22);
  assert_int_equal(back.gid, 33);
  assert_ns_err(ns_cmsg_get_fds(c, got, 3, &n), NS_ERR_VALUE);
  assert_last_message("not an SCM_RIGHTS control message");

  c = ns_cmsg_next(&b, c);
  assert_non_null(c);
  assert_int_equal(c->cmsg_level, 42);
  assert_int_equal(c->cmsg_type, 43);
  const void *data;
  size_t len;
  assert_ns_ok(ns_cmsg_data(c, &data, &len));
  assert_int_equal(len, 3);
  assert_memory_equal(data, "abc", 3);
  ns_pktinfo pi;
  assert_ns_err(ns_cmsg_get_pktinfo(c, &pi), NS_ERR_VALUE);
  assert_last_message("not a packet-info control message");
  struct timespec ts;
  assert_ns_err(ns_cmsg_get_timestamp(c, &ts), NS_ERR_VALUE);
  assert_last_message("not a timestamp control message");
  assert_ns_err(ns_cmsg_data(c, NULL, &len), NS_ERR_VALUE);

  assert_null(ns_cmsg_next(&b, c));
  /* A pointer from elsewhere ends the walk. */
  struct cmsghdr outside;
  memset(&outside, 0, sizeof outside);
  assert_null(ns_cmsg_next(&b, &outside));
  assert_null(ns_cmsg_next(NULL, NULL));
}

/* Buffers built by hand: a misaligned one is not walked (its headers
   cannot be read as such), and a timestamp whose fraction is out of range
   is refused rather than overflowed. */
static void test_msg__cmsg_hand_built_buffers(void **state)
{
  (void)state;
  cmsg_store store, shifted;
  ns_cmsg_buf b;
  int fd = 5;
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_fds(&b, &fd, 1));
  memcpy((unsigned char *)&shifted + 1, &store, b.len);
  ns_cmsg_buf odd = {(unsigned char *)&shifted + 1, b.len, b.len};
  assert_null(ns_cmsg_next(&odd, NULL));
  /* A `prev` inside the buffer that is no header ends the walk. */
  const struct cmsghdr *first = ns_cmsg_next(&b, NULL);
  assert_non_null(first);
  assert_null(ns_cmsg_next(
      &b, (const struct cmsghdr *)(const void *)((const unsigned char *)first +
                                                 1)));

  static const long fractions[][2] = {
      {1, LONG_MAX}, {1, -1}, {1, 1000000}, {LONG_MIN, LONG_MAX / 999}};
  for (size_t i = 0; i < sizeof fractions / sizeof fractions[0]; i++) {
    assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
    assert_ns_ok(ns_cmsg_add(&b, SOL_SOCKET, SO_TIMESTAMP, fractions[i],
                             sizeof fractions[i]));
    struct timespec ts;
    assert_ns_err(ns_cmsg_get_timestamp(ns_cmsg_next(&b, NULL), &ts),
                  NS_ERR_VALUE);
    assert_last_message("timestamp out of range");
  }
  /* The builders refuse such buffers too, and write nothing. */
  ns_cmsg_buf odd_out = {(unsigned char *)&shifted + 1, sizeof shifted - 1, 0};
  assert_ns_err(ns_cmsg_add_fds(&odd_out, &fd, 1), NS_ERR_VALUE);
  assert_last_message("control-message storage is not aligned for struct "
                      "cmsghdr");
  assert_int_equal(odd_out.len, 0);
  ns_cmsg_buf past = {&store, sizeof store, SIZE_MAX};
  assert_ns_err(ns_cmsg_add_fds(&past, &fd, 1), NS_ERR_VALUE);
  assert_int_equal(past.len, SIZE_MAX);
  ns_cmsg_buf none = {NULL, 64, 0};
  assert_ns_err(ns_cmsg_add_fds(&none, &fd, 1), NS_ERR_VALUE);

  /* Nor does sendmsg send one: never past `size`, never misaligned,
     never a header that lies (the kernel's EINVAL). */
  ns_socket *x, *y;
  ns_test_unix_pair(SOCK_DGRAM, &x, &y);
  struct iovec iov = {(void *)"d", 1};
  size_t sent = 77;
  ns_cmsg_buf beyond;
  assert_ns_ok(ns_cmsg_buf_init(&beyond, &store, CMSG_SPACE(sizeof(int))));
  assert_ns_ok(ns_cmsg_add_fds(&beyond, &fd, 1));
  beyond.len += 16;
  assert_ns_err(ns_sendmsg(x, &iov, 1, &beyond, 0, NULL, &sent), NS_ERR_VALUE);
  assert_last_message("control-message buffer len is beyond its size");
  assert_ns_err(ns_sendmsg(x, &iov, 1, &odd, 0, NULL, &sent), NS_ERR_VALUE);
  ns_cmsg_buf lies;
  assert_ns_ok(ns_cmsg_buf_init(&lies, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add(&lies, SOL_SOCKET, 99, "abc", 3));
  ((struct cmsghdr *)(void *)&store)->cmsg_len = sizeof store + 1;
  assert_ns_err(ns_sendmsg(x, &iov, 1, &lies, 0, NULL, &sent), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EINVAL);
  assert_int_equal(sent, 77);
  assert_ns_ok(ns_close(x));
  assert_ns_ok(ns_close(y));

  static const long ok[2] = {7, 999999};
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add(&b, SOL_SOCKET, SO_TIMESTAMP, ok, sizeof ok));
  struct timespec ts;
  assert_ns_ok(ns_cmsg_get_timestamp(ns_cmsg_next(&b, NULL), &ts));
  assert_int_equal(ts.tv_sec, 7);
  assert_int_equal(ts.tv_nsec, 999999000);
}

static void test_msg__cmsg_walk_rejects_bad_lengths(void **state)
{
  (void)state;
  cmsg_store store;
  ns_cmsg_buf b;
  int fd = 5;
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_fds(&b, &fd, 1));
  assert_ns_ok(ns_cmsg_add_fds(&b, &fd, 1));
  struct cmsghdr *first = (struct cmsghdr *)(void *)&store;

  /* A header claiming more than the buffer holds is not returned. */
  first->cmsg_len = b.len + 1;
  assert_null(ns_cmsg_next(&b, NULL));
  /* Nor one shorter than a header. */
  first->cmsg_len = sizeof(struct cmsghdr) - 1;
  assert_null(ns_cmsg_next(&b, NULL));
  /* A length cut by MSG_CTRUNC ends the walk after what is whole. */
  first->cmsg_len = CMSG_LEN(sizeof(int));
  size_t full = b.len;
  b.len = CMSG_SPACE(sizeof(int)) + CMSG_LEN(sizeof(int)) - 1;
  const struct cmsghdr *c = ns_cmsg_next(&b, NULL);
  assert_non_null(c);
  assert_null(ns_cmsg_next(&b, c));
  b.len = full;
  assert_non_null(ns_cmsg_next(&b, c));
  /* len beyond size is clamped to size. */
  b.len = sizeof store * 4;
  assert_non_null(ns_cmsg_next(&b, NULL));
  assert_int_equal(ns_cmsg_close_fds(NULL), 0);

  /* A getter checks the payload length of fixed-size messages. */
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add(&b, SOL_SOCKET, SCM_CREDENTIALS, "abc", 3));
  ns_ucred u;
  assert_ns_err(ns_cmsg_get_creds(ns_cmsg_next(&b, NULL), &u), NS_ERR_VALUE);
  assert_last_message("SCM_CREDENTIALS control message has the wrong length");
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add(&b, SOL_SOCKET, SCM_TIMESTAMPNS, "abc", 3));
  struct timespec ts;
  assert_ns_err(ns_cmsg_get_timestamp(ns_cmsg_next(&b, NULL), &ts),
                NS_ERR_VALUE);
  assert_last_message("timestamp control message has the wrong length");
  assert_ns_ok(ns_cmsg_buf_init(&b, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add(&b, IPPROTO_IP, IP_PKTINFO, "abc", 3));
  ns_pktinfo pi;
  assert_ns_err(ns_cmsg_get_pktinfo(ns_cmsg_next(&b, NULL), &pi), NS_ERR_VALUE);
  assert_last_message("IP_PKTINFO control message has the wrong length");
  assert_ns_err(ns_cmsg_get_pktinfo(NULL, &pi), NS_ERR_VALUE);
  assert_last_message("control message or out-parameter is NULL");
}

/* ---- sendmsg / recvmsg -------------------------------------------------- */

static void test_msg__scatter_gather_tcp(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  struct iovec out[3] = {{"ab", 2}, {"cde", 3}, {"f", 1}};
  size_t n;
  assert_ns_ok(ns_sendmsg(c, out, 3, NULL, 0, NULL, &n));
  assert_int_equal(n, 6);

  char x[3], y[3];
  struct iovec in[2] = {{x, 3}, {y, 3}};
  int mflags = -1;
  ns_addr from;
  assert_ns_ok(ns_recvmsg(s, in, 2, NULL, MSG_WAITALL, &n, &mflags, &from));
  assert_int_equal(n, 6);
  assert_memory_equal(x, "abc", 3);
  assert_memory_equal(y, "def", 3);
  assert_int_equal(mflags, 0);
  assert_int_equal(from.len, 0); /* a connected stream names no sender */

  /* Nothing at all, both ways. */
  assert_ns_ok(ns_sendmsg(c, NULL, 0, NULL, 0, NULL, &n));
  assert_int_equal(n, 0);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_recvmsg(s, in, 2, NULL, 0, &n, &mflags, NULL));
  assert_int_equal(n, 0); /* the peer closed */
  assert_ns_ok(ns_close(s));
}

static void test_msg__udp_address_and_truncation(void **state)
{
  (void)state;
  ns_socket *rx, *tx;
  ns_addr rx_addr, tx_addr;
  udp_bound(AF_INET, &rx, &rx_addr);
  udp_bound(AF_INET, &tx, &tx_addr);
  struct iovec out[2] = {{"hello ", 6}, {"world", 5}};
  size_t n;
  assert_ns_ok(ns_sendmsg(tx, out, 2, NULL, 0, &rx_addr, &n));
  assert_int_equal(n, 11);

  char small[5];
  struct iovec in = {small, sizeof small};
  int mflags = 0;
  ns_addr from;
  assert_ns_ok(ns_recvmsg(rx, &in, 1, NULL, 0, &n, &mflags, &from));
  /* The tail is gone, and the caller is told so. */
  assert_int_equal(n, 5);
  assert_memory_equal(small, "hello", 5);
  assert_true(mflags & MSG_TRUNC);
  assert_true(ns_addr_equal(&from, &tx_addr));

  /* MSG_TRUNC asked for: the datagram's real length. */
  assert_ns_ok(ns_sendmsg(tx, out, 2, NULL, 0, &rx_addr, &n));
  assert_ns_ok(ns_recvmsg(rx, &in, 1, NULL, MSG_TRUNC, &n, &mflags, NULL));
  assert_int_equal(n, 11);
  assert_true(mflags & MSG_TRUNC);
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

static void test_msg__sendmsg_failures(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  struct iovec one = {"x", 1};
  size_t n;
  assert_ns_err(ns_sendmsg(NULL, &one, 1, NULL, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_sendmsg(a, NULL, 1, NULL, 0, NULL, &n), NS_ERR_VALUE);
  assert_last_message("buffer array is NULL with a non-zero count");
  struct iovec bad = {NULL, 4};
  assert_ns_err(ns_sendmsg(a, &bad, 1, NULL, 0, NULL, &n), NS_ERR_VALUE);
  assert_last_message("buffer is NULL with a non-zero length");
  struct iovec two[2] = {{"x", SIZE_MAX / 2 + 1}, {"y", SIZE_MAX / 2 + 1}};
  assert_ns_err(ns_sendmsg(a, two, 2, NULL, 0, NULL, &n), NS_ERR_OVERFLOW);
  assert_last_message("length exceeds SSIZE_MAX");

  /* More buffers than the kernel takes: its own error, as in Python. */
  enum { MANY = 2000 };
  static struct iovec many[MANY];
  for (int i = 0; i < MANY; i++)
    many[i] = one;
  assert_ns_err(ns_sendmsg(a, many, MANY, NULL, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(EMSGSIZE);

  /* A descriptor that is not open. */
  cmsg_store store;
  ns_cmsg_buf cb;
  int closed_fd = dup(0);
  close(closed_fd);
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_fds(&cb, &closed_fd, 1));
  assert_ns_err(ns_sendmsg(a, &one, 1, &cb, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_string_equal(ns_error_last_operation(), "sendmsg");

  /* Descriptors with no data on a stream would vanish: refused. */
  int fd0 = 0;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_fds(&cb, &fd0, 1));
  assert_ns_err(ns_sendmsg(a, NULL, 0, &cb, 0, NULL, &n), NS_ERR_VALUE);
  assert_last_message(
      "descriptors need at least one byte of data on a stream socket");

  /* Control data claimed but missing. */
  ns_cmsg_buf broken = {NULL, 0, 16};
  assert_ns_err(ns_sendmsg(a, &one, 1, &broken, 0, NULL, &n), NS_ERR_VALUE);
  assert_last_message("control data is NULL with a non-zero length");
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));

  /* An unconnected datagram socket with no destination. */
  ns_socket *u;
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  assert_ns_err(ns_sendmsg(u, &one, 1, NULL, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(EDESTADDRREQ);
  /* An address whose constructor failed reports why. */
  ns_addr bad_port;
  assert_ns_err(ns_addr_inet(&bad_port, "127.0.0.1", 70000), NS_ERR_OVERFLOW);
  assert_ns_err(ns_sendmsg(u, &one, 1, NULL, 0, &bad_port, &n),
                NS_ERR_OVERFLOW);
  assert_last_message("sendmsg(): port must be 0-65535.");
  assert_ns_ok(ns_close(u));
}

static void test_msg__recvmsg_failures(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  char buf[8];
  struct iovec in = {buf, sizeof buf};
  size_t n;
  int mflags;
  assert_ns_err(ns_recvmsg(NULL, &in, 1, NULL, 0, &n, &mflags, NULL),
                NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_recvmsg(b, &in, 1, NULL, 0, &n, NULL, NULL), NS_ERR_VALUE);
  assert_last_message("message flags out-parameter is NULL");
  assert_ns_err(ns_recvmsg(b, NULL, 1, NULL, 0, &n, &mflags, NULL),
                NS_ERR_VALUE);
  assert_last_message("buffer array is NULL with a non-zero count");
  ns_cmsg_buf nodata = {NULL, 64, 0};
  assert_ns_err(ns_recvmsg(b, &in, 1, &nodata, 0, &n, &mflags, NULL),
                NS_ERR_VALUE);
  assert_last_message("control storage is NULL with a non-zero size");

  /* Timeouts and non-blocking mode behave as for recv. */
  assert_ns_ok(ns_settimeout(b, 0.05));
  double t0 = ns_test_now();
  assert_ns_err(ns_recvmsg(b, &in, 1, NULL, 0, &n, &mflags, NULL),
                NS_ERR_TIMEOUT);
  assert_last_message("timed out");
  assert_true(ns_test_now() - t0 >= 0.05);
  assert_ns_err(ns_recvmsg(b, &in, 1, NULL, MSG_DONTWAIT, &n, &mflags, NULL),
                NS_ERR_BLOCKING_IO);
  assert_last_os_error(EAGAIN);
  assert_ns_ok(ns_setblocking(b, false));
  assert_ns_err(ns_recvmsg(b, &in, 1, NULL, 0, &n, &mflags, NULL),
                NS_ERR_BLOCKING_IO);
  assert_string_equal(ns_error_last_operation(), "recvmsg");
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

/* ---- descriptor passing ------------------------------------------------- */

static void test_msg__recvmsg_rights_cloexec_and_ctrunc(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  int p[2];
  assert_int_equal(pipe(p), 0); /* inheritable on purpose */
  int send4[4] = {p[0], p[1], p[0], p[1]};
  size_t n;
  assert_ns_ok(ns_send_fds(a, "m", 1, send4, 4, 0, NULL, &n));
  assert_int_equal(n, 1);

  /* Room for one descriptor: the kernel fits what it can and says
     MSG_CTRUNC; what arrived is ours and close-on-exec. */
  NS_CMSG_STORAGE(CMSG_SPACE(sizeof(int))) store;
  ns_cmsg_buf cb;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  char c;
  struct iovec in = {&c, 1};
  int mflags = 0;
  assert_ns_ok(ns_recvmsg(b, &in, 1, &cb, 0, &n, &mflags, NULL));
  assert_int_equal(n, 1);
  assert_true(mflags & MSG_CTRUNC);
  const struct cmsghdr *m = ns_cmsg_next(&cb, NULL);
  assert_non_null(m);
  int got[4];
  size_t nfds;
  assert_ns_ok(ns_cmsg_get_fds(m, got, 4, &nfds));
  assert_true(nfds >= 1 && nfds < 4);
  for (size_t i = 0; i < nfds; i++)
    assert_true(is_cloexec(got[i]));
  assert_int_equal(ns_cmsg_close_fds(&cb), nfds);
  for (size_t i = 0; i < nfds; i++)
    assert_false(fd_is_open(got[i]));

  /* No control space at all: every descriptor is dropped, and said so. */
  assert_ns_ok(ns_send_fds(a, "n", 1, send4, 2, 0, NULL, &n));
  assert_ns_ok(ns_recvmsg(b, &in, 1, NULL, 0, &n, &mflags, NULL));
  assert_int_equal(n, 1);
  assert_true(mflags & MSG_CTRUNC);

  close(p[0]);
  close(p[1]);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void test_msg__send_recv_fds(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  size_t n;
  assert_ns_ok(ns_send_fds(a, "fds!", 4, p, 2, 0, NULL, &n));
  assert_int_equal(n, 4);

  char buf[16];
  int fds[8];
  size_t nfds = 99;
  int mflags = -1;
  assert_ns_ok(
      ns_recv_fds(b, buf, sizeof buf, fds, 8, 0, &n, &nfds, &mflags, NULL));
  assert_int_equal(n, 4);
  assert_memory_equal(buf, "fds!", 4);
  assert_int_equal(nfds, 2);
  assert_int_equal(mflags, 0);
  assert_true(is_cloexec(fds[0]) && is_cloexec(fds[1]));
  assert_int_not_equal(fds[0], p[0]);
  /* Both ways round: the received ends are the same pipe. */
  check_pipe_pair(fds[0], p[1]);
  check_pipe_pair(p[0], fds[1]);
  close(fds[0]);
  close(fds[1]);

  /* No descriptors is plain data; none are expected. */
  assert_ns_ok(ns_send_fds(a, "x", 1, NULL, 0, 0, NULL, &n));
  assert_ns_ok(
      ns_recv_fds(b, buf, sizeof buf, NULL, 0, 0, &n, &nfds, NULL, NULL));
  assert_int_equal(n, 1);
  assert_int_equal(nfds, 0);

  /* maxfds above the kernel's limit counts as the limit. */
  assert_ns_ok(ns_send_fds(a, "y", 1, p, 1, 0, NULL, &n));
  static int lots[1000];
  assert_ns_ok(
      ns_recv_fds(b, buf, sizeof buf, lots, 1000, 0, &n, &nfds, NULL, NULL));
  assert_int_equal(nfds, 1);
  close(lots[0]);

  close(p[0]);
  close(p[1]);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void test_msg__send_recv_fds_dgram_with_address(void **state)
{
  (void)state;
  ns_addr rx_addr, tx_addr;
  ns_socket *rx, *tx;
  assert_ns_ok(ns_addr_unix(&rx_addr, ns_test_unix_path("fd-rx")));
  assert_ns_ok(ns_addr_unix(&tx_addr, ns_test_unix_path("fd-tx")));
  unlink(rx_addr.u.un.sun_path);
  unlink(tx_addr.u.un.sun_path);
  assert_ns_ok(ns_socket_create(&rx, AF_UNIX, SOCK_DGRAM, 0));
  assert_ns_ok(ns_socket_create(&tx, AF_UNIX, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(rx, &rx_addr));
  assert_ns_ok(ns_bind(tx, &tx_addr));
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  size_t n;
  /* An empty datagram can carry descriptors. */
  assert_ns_ok(ns_send_fds(tx, NULL, 0, &p[1], 1, 0, &rx_addr, &n));
  assert_int_equal(n, 0);
  int fd;
  size_t nfds;
  int mflags;
  ns_addr from;
  char buf[4];
  assert_ns_ok(
      ns_recv_fds(rx, buf, sizeof buf, &fd, 1, 0, &n, &nfds, &mflags, &from));
  assert_int_equal(n, 0);
  assert_int_equal(nfds, 1);
  assert_true(ns_addr_equal(&from, &tx_addr));
  check_pipe_pair(p[0], fd);
  close(fd);
  close(p[0]);
  close(p[1]);
  unlink(rx_addr.u.un.sun_path);
  unlink(tx_addr.u.un.sun_path);
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

static void test_msg__recv_fds_more_than_max(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  int three[3] = {p[0], p[1], p[0]};
  int baseline = ns_test_fd_count();
  char buf[4];
  int fds[2];
  size_t n, nfds;
  int mflags = 0;

  /* With flags to report it: two arrive, the rest are closed, and
     MSG_CTRUNC says so. */
  assert_ns_ok(ns_send_fds(a, "1", 1, three, 3, 0, NULL, &n));
  assert_ns_ok(
      ns_recv_fds(b, buf, sizeof buf, fds, 2, 0, &n, &nfds, &mflags, NULL));
  assert_int_equal(nfds, 2);
  assert_true(mflags & MSG_CTRUNC);
  assert_int_equal(ns_test_fd_count(), baseline + 2);
  close(fds[0]);
  close(fds[1]);

  /* Without: truncation is an error, and nothing stays open. */
  assert_ns_ok(ns_send_fds(a, "2", 1, three, 3, 0, NULL, &n));
  nfds = 99;
  assert_ns_err(
      ns_recv_fds(b, buf, sizeof buf, fds, 2, 0, &n, &nfds, NULL, NULL),
      NS_ERR_OS);
  assert_last_message("ancillary data truncated: descriptors were discarded");
  assert_int_equal(ns_error_last_errno(), 0);
  assert_int_equal(n, 1); /* the data did arrive */
  assert_int_equal(buf[0], '2');
  assert_int_equal(nfds, 0);
  assert_int_equal(ns_test_fd_count(), baseline);

  /* maxfds 0 with descriptors sent: all closed, reported. */
  assert_ns_ok(ns_send_fds(a, "3", 1, three, 1, 0, NULL, &n));
  assert_ns_ok(
      ns_recv_fds(b, buf, sizeof buf, NULL, 0, 0, &n, &nfds, &mflags, NULL));
  assert_int_equal(nfds, 0);
  assert_true(mflags & MSG_CTRUNC);
  assert_int_equal(ns_test_fd_count(), baseline);

  close(p[0]);
  close(p[1]);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void test_msg__recv_fds_datagram_truncated(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_DGRAM, &a, &b);
  int p[2];
  assert_int_equal(pipe2(p, O_CLOEXEC), 0);
  int baseline = ns_test_fd_count();
  size_t n, nfds;
  int mflags = 0, fd;
  char buf[4];

  assert_ns_ok(ns_send_fds(a, "0123456789", 10, &p[0], 1, 0, NULL, &n));
  assert_ns_err(
      ns_recv_fds(b, buf, sizeof buf, &fd, 1, 0, &n, &nfds, NULL, NULL),
      NS_ERR_OS);
  assert_last_message("message truncated");
  assert_int_equal(n, 4);
  assert_int_equal(nfds, 0);
  assert_int_equal(ns_test_fd_count(), baseline);

  assert_ns_ok(ns_send_fds(a, "0123456789", 10, &p[0], 1, 0, NULL, &n));
  assert_ns_ok(
      ns_recv_fds(b, buf, sizeof buf, &fd, 1, 0, &n, &nfds, &mflags, NULL));
  assert_int_equal(nfds, 1);
  assert_true(mflags & MSG_TRUNC);
  close(fd);
  close(p[0]);
  close(p[1]);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

/* The most descriptors this system's sendmsg(2) passes in one message,
   found by sending through a socket pair of its own; *cap_errno gets the
   error of the first count it refuses (0 when it takes the kernel's
   NS_FDS_PER_MSG_LIMIT). */
static size_t system_fds_per_msg(int *cap_errno)
{
  int sv[2];
  assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, sv), 0);
  int fds[NS_FDS_PER_MSG_LIMIT];
  for (size_t i = 0; i < NS_FDS_PER_MSG_LIMIT; i++)
    fds[i] = 0;
  NS_CMSG_STORAGE(CMSG_SPACE(sizeof fds)) control;
  memset(&control, 0, sizeof control); /* padding goes to the kernel too */
  size_t most = NS_FDS_PER_MSG_LIMIT;
  *cap_errno = 0;
  for (; most > 0; most--) {
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    struct msghdr m;
    memset(&m, 0, sizeof m);
    m.msg_iov = &iov;
    m.msg_iovlen = 1;
    m.msg_control = &control;
    m.msg_controllen = CMSG_SPACE(most * sizeof(int));
    struct cmsghdr *c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(most * sizeof(int));
    memcpy(CMSG_DATA(c), fds, most * sizeof(int));
    if (sendmsg(sv[0], &m, 0) == 1)
      break;
    if (*cap_errno == 0)
      *cap_errno = errno;
  }
  /* Closing the pair releases the descriptors in flight. */
  close(sv[0]);
  close(sv[1]);
  return most;
}

static void test_msg__fd_passing_failures(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  int fds[NS_FDS_PER_MSG_LIMIT + 1];
  for (int i = 0; i <= NS_FDS_PER_MSG_LIMIT; i++)
    fds[i] = 0;
  size_t n, nfds;
  int mflags;
  char buf[4];

  assert_ns_err(ns_send_fds(NULL, "x", 1, fds, 1, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(
      ns_send_fds(a, "x", 1, fds, NS_FDS_PER_MSG_LIMIT + 1, 0, NULL, &n),
      NS_ERR_OS);
  assert_last_os_error(EINVAL);
  assert_ns_err(ns_send_fds(a, "x", 1, NULL, 1, 0, NULL, &n), NS_ERR_VALUE);
  assert_last_message("descriptor array is NULL with a non-zero count");
  assert_ns_err(ns_send_fds(a, NULL, 0, fds, 1, 0, NULL, &n), NS_ERR_VALUE);
  assert_last_message(
      "descriptors need at least one byte of data on a stream socket");
  int closed_fd = dup(0);
  close(closed_fd);
  assert_ns_err(ns_send_fds(a, "x", 1, &closed_fd, 1, 0, NULL, &n), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_string_equal(ns_error_last_operation(), "send_fds");
  /* The most one message carries does go through. The kernel takes 253;
     a C library may carry less (musl copies at most 1024 bytes of control
     data, 252 descriptors, and says ENOMEM past that), and then the
     library says what Python on that system says. */
  int cap_errno = 0;
  size_t most = system_fds_per_msg(&cap_errno);
  assert_true(most > 0 && most <= NS_FDS_PER_MSG_LIMIT);
  if (most < NS_FDS_PER_MSG_LIMIT) {
    assert_ns_err(
        ns_send_fds(a, "x", 1, fds, NS_FDS_PER_MSG_LIMIT, 0, NULL, &n),
        NS_ERR_OS);
    assert_last_os_error(cap_errno);
  }
  assert_ns_ok(ns_send_fds(a, "x", 1, fds, most, 0, NULL, &n));
  int *got = calloc(most, sizeof *got);
  assert_non_null(got);
  assert_ns_ok(ns_recv_fds(b, buf, 1, got, most, 0, &n, &nfds, &mflags, NULL));
  assert_int_equal(nfds, most);
  for (size_t i = 0; i < nfds; i++)
    close(got[i]);
  free(got);

  assert_ns_err(ns_recv_fds(NULL, buf, 4, fds, 1, 0, &n, &nfds, &mflags, NULL),
                NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_recv_fds(b, buf, 4, NULL, 1, 0, &n, &nfds, &mflags, NULL),
                NS_ERR_VALUE);
  assert_last_message("descriptor array is NULL with a non-zero count");
  assert_ns_err(ns_recv_fds(b, NULL, 4, fds, 1, 0, &n, &nfds, &mflags, NULL),
                NS_ERR_VALUE);
  assert_last_message("buffer is NULL with a non-zero length");
  assert_ns_err(ns_recv_fds(b, buf, 4, fds, 1, 0, &n, NULL, &mflags, NULL),
                NS_ERR_VALUE);
  assert_last_message("descriptor count out-parameter is NULL");
  assert_ns_err(
      ns_recv_fds(b, buf, SIZE_MAX, fds, 1, 0, &n, &nfds, &mflags, NULL),
      NS_ERR_OVERFLOW);

  /* A timeout leaves nothing behind. */
  assert_ns_ok(ns_settimeout(b, 0.05));
  assert_ns_err(ns_recv_fds(b, buf, 4, fds, 1, 0, &n, &nfds, &mflags, NULL),
                NS_ERR_TIMEOUT);
  assert_last_message("timed out");
  assert_int_equal(nfds, 0);
  assert_string_equal(ns_error_last_operation(), "recv_fds");

  /* End of stream: no data, no descriptors, no error. */
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_recv_fds(b, buf, 4, fds, 1, 0, &n, &nfds, &mflags, NULL));
  assert_int_equal(n, 0);
  assert_int_equal(nfds, 0);
  assert_ns_ok(ns_close(b));
}

/* This program, resolved once at start: exec'ing "/proc/self/exe" from a
   child would run valgrind itself under valgrind. */
static char self_path[4096];

/*
 * Run this program as "--check-closed fd..." after fork, and report
 * whether the child saw none of them. `inheritable` is a descriptor that
 * must be seen, to prove the helper can see one.
 */
static int exec_helper(const int *fds, size_t n, int inheritable)
{
  char args[16][16];
  char *argv[20];
  size_t k = 0;
  argv[k++] = "test_msg";
  argv[k++] = "--check-closed";
  for (size_t i = 0; i < n && i < 14; i++) {
    snprintf(args[i], sizeof args[i], "%d", fds[i]);
    argv[k++] = args[i];
  }
  char open_arg[16];
  if (inheritable >= 0) {
    argv[k++] = "--must-be-open";
    snprintf(open_arg, sizeof open_arg, "%d", inheritable);
    argv[k++] = open_arg;
  }
  argv[k] = NULL;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    if (inheritable < 0) {
      /* The negative control: its complaint is expected, not news. */
      int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 2);
    }
    execv(self_path, argv);
    _exit(127);
  }
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static void test_msg__exec_child_gets_no_received_fd(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  int p[2];
  assert_int_equal(pipe(p), 0); /* inheritable on the sending side */
  int send3[3] = {p[0], p[1], ns_fileno(a)};
  size_t n, nfds;
  char c;
  int got[3];
  assert_ns_ok(ns_send_fds(a, "e", 1, send3, 3, 0, NULL, &n));
  assert_ns_ok(ns_recv_fds(b, &c, 1, got, 3, 0, &n, &nfds, NULL, NULL));
  assert_int_equal(nfds, 3);

  /* The child sees the inheritable pipe end, and none of what arrived. */
  assert_int_equal(exec_helper(got, 3, p[0]), 0);
  /* The helper does fail when a listed descriptor is open. */
  assert_int_equal(exec_helper(&p[1], 1, -1), 1);

  for (int i = 0; i < 3; i++)
    close(got[i]);
  close(p[0]);
  close(p[1]);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

/* ---- credentials, packet info, timestamps ------------------------------ */

static void test_msg__credentials(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_DGRAM, &a, &b);
  assert_ns_ok(ns_setsockopt_int(b, SOL_SOCKET, SO_PASSCRED, 1));
  cmsg_store store;
  ns_cmsg_buf cb;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_creds(&cb, NULL));
  struct iovec one = {"c", 1};
  size_t n;
  assert_ns_ok(ns_sendmsg(a, &one, 1, &cb, 0, NULL, &n));

  char c;
  struct iovec in = {&c, 1};
  int mflags;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_recvmsg(b, &in, 1, &cb, 0, &n, &mflags, NULL));
  assert_int_equal(mflags, 0);
  const struct cmsghdr *m = ns_cmsg_next(&cb, NULL);
  assert_non_null(m);
  ns_ucred cred;
  assert_ns_ok(ns_cmsg_get_creds(m, &cred));
  assert_int_equal(cred.pid, getpid());
  assert_int_equal(cred.uid, geteuid());
  assert_int_equal(cred.gid, getegid());

  /* Claiming a process that does not exist: refused by the kernel
     (ProcessLookupError as root, PermissionError otherwise). */
  pid_t gone = fork();
  if (gone == 0)
    _exit(0);
  waitpid(gone, NULL, 0);
  ns_ucred fake = {gone, geteuid(), getegid()};
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_creds(&cb, &fake));
  ns_err err = ns_sendmsg(a, &one, 1, &cb, 0, NULL, &n);
  if (geteuid() == 0) {
    assert_ns_err(err, NS_ERR_PROCESS_LOOKUP);
    assert_last_os_error(ESRCH);
  } else {
    assert_ns_err(err, NS_ERR_PERMISSION);
    assert_last_os_error(EPERM);
  }
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void test_msg__peer_credentials(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  ns_ucred cred;
  assert_ns_ok(ns_getpeercred(a, &cred));
  assert_int_equal(cred.pid, getpid());
  assert_int_equal(cred.uid, geteuid());
  assert_int_equal(cred.gid, getegid());
  assert_ns_err(ns_getpeercred(NULL, &cred), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_getpeercred(a, NULL), NS_ERR_VALUE);
  assert_last_message("credentials out-parameter is NULL");
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void test_msg__pktinfo_ipv4(void **state)
{
  (void)state;
  ns_socket *rx, *tx;
  ns_addr rx_addr;
  udp_bound(AF_INET, &rx, &rx_addr);
  assert_ns_ok(ns_setsockopt_int(rx, IPPROTO_IP, IP_PKTINFO, 1));
  assert_ns_ok(ns_socket_create(&tx, AF_INET, SOCK_DGRAM, 0));

  /* Choose the source address: any of 127/8 is ours on loopback. */
  cmsg_store store;
  ns_cmsg_buf cb;
  ns_pktinfo pi = {NS_ADDR_INIT, 0};
  assert_ns_ok(ns_addr_inet(&pi.addr, "127.0.0.5", 0));
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_pktinfo(&cb, &pi));
  struct iovec one = {"p", 1};
  size_t n;
  assert_ns_ok(ns_sendmsg(tx, &one, 1, &cb, 0, &rx_addr, &n));

  char c;
  struct iovec in = {&c, 1};
  int mflags;
  ns_addr from;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_recvmsg(rx, &in, 1, &cb, 0, &n, &mflags, &from));
  char text[NS_ADDR_STRLEN];
  assert_ns_ok(ns_addr_host(&from, text, sizeof text));
  assert_string_equal(text, "127.0.0.5");
  ns_pktinfo got;
  assert_ns_ok(ns_cmsg_get_pktinfo(ns_cmsg_next(&cb, NULL), &got));
  assert_ns_ok(ns_addr_host(&got.addr, text, sizeof text));
  assert_string_equal(text, "127.0.0.1");
  assert_int_equal(got.ifindex, if_nametoindex("lo"));

  /* An interface that does not exist. */
  pi.ifindex = 99999;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_pktinfo(&cb, &pi));
  assert_ns_err(ns_sendmsg(tx, &one, 1, &cb, 0, &rx_addr, &n), NS_ERR_OS);
  assert_last_os_error(ENODEV);
  /* Packet info is for IP only. */
  assert_ns_ok(ns_addr_unix(&pi.addr, "/tmp/x"));
  assert_ns_err(ns_cmsg_add_pktinfo(&cb, &pi), NS_ERR_VALUE);
  assert_last_message("packet info needs an AF_INET or AF_INET6 address");
  assert_ns_err(ns_cmsg_add_pktinfo(&cb, NULL), NS_ERR_VALUE);
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

static void test_msg__pktinfo_ipv6(void **state)
{
  (void)state;
  if (!ns_test_have_ipv6())
    skip();
  ns_socket *rx, *tx;
  ns_addr rx_addr, tx_addr;
  udp_bound(AF_INET6, &rx, &rx_addr);
  udp_bound(AF_INET6, &tx, &tx_addr);
  assert_ns_ok(ns_setsockopt_int(rx, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1));
  cmsg_store store;
  ns_cmsg_buf cb;
  ns_pktinfo pi = {NS_ADDR_INIT, 0};
  assert_ns_ok(ns_addr_inet6(&pi.addr, "::1", 0, 0, 0));
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_cmsg_add_pktinfo(&cb, &pi));
  struct iovec one = {"6", 1};
  size_t n;
  assert_ns_ok(ns_sendmsg(tx, &one, 1, &cb, 0, &rx_addr, &n));
  char c;
  struct iovec in = {&c, 1};
  int mflags;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  assert_ns_ok(ns_recvmsg(rx, &in, 1, &cb, 0, &n, &mflags, NULL));
  ns_pktinfo got;
  assert_ns_ok(ns_cmsg_get_pktinfo(ns_cmsg_next(&cb, NULL), &got));
  char text[NS_ADDR_STRLEN];
  assert_ns_ok(ns_addr_host(&got.addr, text, sizeof text));
  assert_string_equal(text, "::1");
  assert_int_equal(got.ifindex, if_nametoindex("lo"));
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

static double realtime(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void check_timestamp(int option)
{
  ns_socket *rx, *tx;
  ns_addr rx_addr, tx_addr;
  udp_bound(AF_INET, &rx, &rx_addr);
  udp_bound(AF_INET, &tx, &tx_addr);
  assert_ns_ok(ns_setsockopt_int(rx, SOL_SOCKET, option, 1));
  double before = realtime();
  size_t n;
  assert_ns_ok(ns_sendto(tx, "t", 1, 0, &rx_addr, &n));
  cmsg_store store;
  ns_cmsg_buf cb;
  assert_ns_ok(ns_cmsg_buf_init(&cb, &store, sizeof store));
  char c;
  struct iovec in = {&c, 1};
  int mflags;
  assert_ns_ok(ns_recvmsg(rx, &in, 1, &cb, 0, &n, &mflags, NULL));
  double after = realtime();
  const struct cmsghdr *m = ns_cmsg_next(&cb, NULL);
  assert_non_null(m);
  struct timespec ts;
  assert_ns_ok(ns_cmsg_get_timestamp(m, &ts));
  double t = (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
  /* Microsecond stamps round down: allow that much before `before`. */
  assert_true(t >= before - 1e-6);
  assert_true(t <= after);
  assert_true(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
  assert_ns_ok(ns_close(rx));
  assert_ns_ok(ns_close(tx));
}

static void test_msg__timestamps(void **state)
{
  (void)state;
  check_timestamp(SO_TIMESTAMP);
  check_timestamp(SO_TIMESTAMPNS);
}

/* ---- the error queue ----------------------------------------------------- */

/* CPU seconds this thread has used. */
static double thread_cpu(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The error queue never blocks: with a timeout the call waits for it, as
   Python's does, without spinning; without one it fails at once. */
static void test_msg__errqueue_with_timeout(void **state)
{
  (void)state;
  ns_socket *u;
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  ns_addr a = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_bind(u, &a));
  char buf[64], ctl[256];
  struct iovec iov = {buf, sizeof buf};
  ns_cmsg_buf control;
  ns_cmsg_buf_init(&control, ctl, sizeof ctl);
  size_t n;
  int mflags;
  /* Blocking: BlockingIOError at once, as Python. */
  assert_ns_err(
      ns_recvmsg(u, &iov, 1, &control, MSG_ERRQUEUE, &n, &mflags, NULL),
      NS_ERR_BLOCKING_IO);
  /* A timeout: waits it out, asleep. */
  assert_ns_ok(ns_settimeout(u, 0.3));
  double t0 = ns_test_now(), cpu0 = thread_cpu();
  assert_ns_err(
      ns_recvmsg(u, &iov, 1, &control, MSG_ERRQUEUE, &n, &mflags, NULL),
      NS_ERR_TIMEOUT);
  double took = ns_test_now() - t0, cpu = thread_cpu() - cpu0;
  assert_last_message("timed out");
  assert_true(took >= 0.3);
  if (cpu > took / 3) /* a spin burns the whole wait */
    fail_msg("recvmsg(MSG_ERRQUEUE) used %.3f s of CPU in %.3f s", cpu, took);
  /* An entry that arrives while it waits is returned: IP_RECVERR queues
     the ICMP port unreachable of a datagram to a closed port. */
  assert_ns_ok(ns_setsockopt_int(u, IPPROTO_IP, IP_RECVERR, 1));
  ns_socket *gone;
  ns_addr closed = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(&gone, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(gone, &closed));
  assert_ns_ok(ns_getsockname(gone, &closed));
  assert_ns_ok(ns_close(gone));
  assert_ns_ok(ns_sendto(u, "x", 1, 0, &closed, &n));
  assert_ns_ok(
      ns_recvmsg(u, &iov, 1, &control, MSG_ERRQUEUE, &n, &mflags, NULL));
  assert_true(mflags & MSG_ERRQUEUE);
  assert_true(control.len > 0);
  assert_ns_ok(ns_close(u));
}

/* The byte count is optional on the error queue too: an entry read with
   a NULL count is returned, not written through the NULL. */
static void test_msg__errqueue_count_optional(void **state)
{
  (void)state;
  ns_socket *u, *gone;
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  ns_addr a = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_bind(u, &a));
  assert_ns_ok(ns_setsockopt_int(u, IPPROTO_IP, IP_RECVERR, 1));
  ns_addr closed = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(&gone, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(gone, &closed));
  assert_ns_ok(ns_getsockname(gone, &closed));
  assert_ns_ok(ns_close(gone));
  assert_ns_ok(ns_sendto(u, "x", 1, 0, &closed, NULL));
  /* The ICMP error is queued asynchronously: wait for it, bounded. */
  assert_ns_ok(ns_settimeout(u, 5.0));
  char buf[64], ctl[256];
  struct iovec iov = {buf, sizeof buf};
  ns_cmsg_buf control;
  assert_ns_ok(ns_cmsg_buf_init(&control, ctl, sizeof ctl));
  int mflags = 0;
  assert_ns_ok(
      ns_recvmsg(u, &iov, 1, &control, MSG_ERRQUEUE, NULL, &mflags, NULL));
  assert_true(mflags & MSG_ERRQUEUE);
  assert_true(control.len > 0);
  assert_ns_ok(ns_close(u));
}

/* ---- the exec helper ----------------------------------------------------- */

static int check_closed_main(int argc, char **argv)
{
  int status = 0;
  bool must_be_open = false;
  for (int i = 2; i < argc; i++) {
    if (strcmp(argv[i], "--must-be-open") == 0) {
      must_be_open = true;
      continue;
    }
    int fd = atoi(argv[i]);
    if (fd_is_open(fd) != must_be_open) {
      fprintf(stderr, "fd %d is %s in the exec'd child\n", fd,
              must_be_open ? "closed" : "open");
      status = 1;
    }
  }
  return status;
}

/* The byte counts may be NULL, as in ns_send() and ns_recv(); the
   descriptor count and recvmsg's flags may not (see docs/conventions.md). */
static void test_msg__null_byte_counts(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  struct iovec out = {"xy", 2};
  char buf[8];
  struct iovec in = {buf, sizeof buf};
  int mflags = -1;
  assert_ns_ok(ns_sendmsg(a, &out, 1, NULL, 0, NULL, NULL));
  assert_ns_ok(ns_recvmsg(b, &in, 1, NULL, 0, NULL, &mflags, NULL));
  assert_int_equal(mflags, 0);
  assert_memory_equal(buf, "xy", 2);
  int fds[1], pipefd[2];
  size_t nfds = 9;
  assert_int_equal(pipe(pipefd), 0);
  assert_ns_ok(ns_send_fds(a, "z", 1, &pipefd[0], 1, 0, NULL, NULL));
  assert_ns_ok(
      ns_recv_fds(b, buf, sizeof buf, fds, 1, 0, NULL, &nfds, NULL, NULL));
  assert_int_equal(nfds, 1);
  assert_true(fds[0] >= 0);
  close(fds[0]);
  close(pipefd[0]);
  close(pipefd[1]);
  assert_ns_err(ns_recvmsg(b, &in, 1, NULL, 0, NULL, NULL, NULL), NS_ERR_VALUE);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

int main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "--check-closed") == 0)
    return check_closed_main(argc, argv);
  ssize_t n = readlink("/proc/self/exe", self_path, sizeof self_path - 1);
  if (n <= 0)
    return 1;
  self_path[n] = '\0';
  const struct CMUnitTest tests[] = {
      NS_TEST(test_msg__cmsg_buf_init),
      NS_TEST(test_msg__cmsg_add_bounds),
      NS_TEST(test_msg__cmsg_walk),
      NS_TEST(test_msg__cmsg_walk_rejects_bad_lengths),
      NS_TEST(test_msg__cmsg_hand_built_buffers),
      NS_TEST(test_msg__scatter_gather_tcp),
      NS_TEST(test_msg__udp_address_and_truncation),
      NS_TEST(test_msg__sendmsg_failures),
      NS_TEST(test_msg__recvmsg_failures),
      NS_TEST(test_msg__recvmsg_rights_cloexec_and_ctrunc),
      NS_TEST(test_msg__send_recv_fds),
      NS_TEST(test_msg__send_recv_fds_dgram_with_address),
      NS_TEST(test_msg__recv_fds_more_than_max),
      NS_TEST(test_msg__recv_fds_datagram_truncated),
      NS_TEST(test_msg__fd_passing_failures),
      NS_TEST(test_msg__exec_child_gets_no_received_fd),
      NS_TEST(test_msg__credentials),
      NS_TEST(test_msg__peer_credentials),
      NS_TEST(test_msg__pktinfo_ipv4),
      NS_TEST(test_msg__pktinfo_ipv6),
      NS_TEST(test_msg__timestamps),
      NS_TEST(test_msg__errqueue_with_timeout),
      NS_TEST(test_msg__errqueue_count_optional),
      NS_TEST(test_msg__null_byte_counts),
  };
  return cmocka_run_group_tests_name("msg", tests, NULL, NULL);
}

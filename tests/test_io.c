/* SPDX-License-Identifier: MIT */
/* I/O: send, sendall, sendto, recv, recvfrom, and the faults they report. */
#include "ns_test.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/wait.h>
#endif

static void exchange(ns_socket *a, ns_socket *b)
{
  char buf[16];
  size_t n;
  assert_ns_ok(ns_send(a, "ping", 4, 0, &n));
  assert_int_equal(n, 4);
  assert_ns_ok(ns_recv(b, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 4);
  assert_memory_equal(buf, "ping", 4);
  assert_ns_ok(ns_sendall(b, "pong!", 5, 0, &n));
  assert_int_equal(n, 5);
  assert_ns_ok(ns_recv(a, buf, 5, MSG_WAITALL, &n));
  assert_int_equal(n, 5);
  assert_memory_equal(buf, "pong!", 5);
}

static void test_io__tcp_ipv4(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  exchange(c, s);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_io__tcp_ipv6(void **state)
{
  (void)state;
  if (!ns_test_have_ipv6())
    skip();
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET6, &c, &s);
  exchange(c, s);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

static void test_io__unix_stream_and_dgram(void **state)
{
  (void)state;
  ns_socket *a, *b;
  ns_test_unix_pair(SOCK_STREAM, &a, &b);
  exchange(a, b);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
  ns_test_unix_pair(SOCK_DGRAM, &a, &b);
  exchange(a, b);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void udp_over(int family)
{
  ns_socket *a, *b;
  ns_addr a_name, b_name, from;
  ns_addr lo = ns_test_loopback(family);
  assert_ns_ok(ns_socket_create(&a, family, SOCK_DGRAM, 0));
  assert_ns_ok(ns_socket_create(&b, family, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(a, &lo));
  assert_ns_ok(ns_bind(b, &lo));
  assert_ns_ok(ns_getsockname(a, &a_name));
  assert_ns_ok(ns_getsockname(b, &b_name));
  size_t n;
  char buf[32];
  assert_ns_ok(ns_sendto(a, "datagram", 8, 0, &b_name, &n));
  assert_int_equal(n, 8);
  assert_ns_ok(ns_recvfrom(b, buf, sizeof buf, 0, &n, &from));
  assert_int_equal(n, 8);
  assert_memory_equal(buf, "datagram", 8);
  assert_true(ns_addr_equal(&from, &a_name));
  /* The sender's address is optional; an empty datagram is a datagram. */
  assert_ns_ok(ns_sendto(b, "", 0, 0, &a_name, &n));
  assert_int_equal(n, 0);
  assert_ns_ok(ns_recvfrom(a, buf, sizeof buf, 0, &n, NULL));
  assert_int_equal(n, 0);
  /* A datagram longer than the buffer is cut, as in Python (Windows says
     so with WSAEMSGSIZE, which Python there raises). */
  assert_ns_ok(ns_sendto(a, "0123456789", 10, 0, &b_name, &n));
#ifdef _WIN32
  assert_ns_err(ns_recvfrom(b, buf, 4, 0, &n, &from), NS_ERR_OS);
  assert_last_os_error(EMSGSIZE);
#else
  assert_ns_ok(ns_recvfrom(b, buf, 4, 0, &n, &from));
  assert_int_equal(n, 4);
#endif
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

static void test_io__udp_ipv4(void **state)
{
  (void)state;
  udp_over(AF_INET);
}

static void test_io__udp_ipv6(void **state)
{
  (void)state;
  if (!ns_test_have_ipv6())
    skip();
  udp_over(AF_INET6);
}

static void test_io__udp_sizes(void **state)
{
  (void)state;
  ns_socket *u;
  ns_addr self;
  ns_addr lo = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(u, &lo));
  assert_ns_ok(ns_getsockname(u, &self));
  assert_ns_ok(ns_setsockopt_int(u, SOL_SOCKET, SO_RCVBUF, 1 << 18));
  char *big = calloc(1, 65508);
  assert_non_null(big);
  size_t n;
  assert_ns_ok(ns_sendto(u, big, 65507, 0, &self, &n));
  assert_int_equal(n, 65507);
  assert_ns_ok(ns_recv(u, big, 65508, 0, &n));
  assert_int_equal(n, 65507);
  assert_ns_err(ns_sendto(u, big, 65508, 0, &self, &n), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EMSGSIZE);
  assert_last_os_error(EMSGSIZE);
  free(big);
  /* Without a peer there is nowhere to send (Windows: not connected). */
  assert_ns_err(ns_send(u, "x", 1, 0, &n), NS_ERR_OS);
#ifdef _WIN32
  assert_last_os_error_either(ENOTCONN, EINVAL); /* Windows, wine */
#else
  assert_last_os_error(EDESTADDRREQ);
#endif
  assert_ns_ok(ns_close(u));
}

/* A UDP socket connected to a closed port hears the ICMP error on the
   next call. */
static void test_io__connected_udp_refused(void **state)
{
  (void)state;
  ns_socket *probe, *u;
  ns_addr closed;
  ns_addr lo = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_socket_create(&probe, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(probe, &lo));
  assert_ns_ok(ns_getsockname(probe, &closed));
  assert_ns_ok(ns_close(probe));
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_connect(u, &closed));
  size_t n;
  char buf[8];
  assert_ns_ok(ns_send(u, "x", 1, 0, &n));
#ifdef _WIN32
  /* Windows reports the ICMP error as a reset (WSAECONNRESET), as Python
     there shows; a bound on the wait in case none is reported. */
  if (ns_test_under_wine()) {
    assert_ns_ok(ns_close(u));
    ns_test_skip_platform("wine reports no ICMP port unreachable on a "
                          "connected UDP socket");
  }
  assert_ns_ok(ns_settimeout(u, ns_test_slack(10.0)));
  assert_ns_err(ns_recv(u, buf, sizeof buf, 0, &n), NS_ERR_CONNECTION_RESET);
  assert_last_os_error(ECONNRESET);
#else
  assert_ns_err(ns_recv(u, buf, sizeof buf, 0, &n), NS_ERR_CONNECTION_REFUSED);
  assert_last_os_error(ECONNREFUSED);
#endif
  assert_ns_ok(ns_close(u));
}

static void test_io__recv_zero_length_and_unconnected(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  size_t n = 99;
  assert_ns_ok(ns_send(c, "a", 1, 0, &n));
  assert_ns_ok(ns_recv(s, NULL, 0, 0, &n)); /* len 0, NULL buffer: fine */
  assert_int_equal(n, 0);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));

  ns_socket *lone;
  char buf[4];
  assert_ns_ok(ns_socket_create(&lone, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_recv(lone, buf, sizeof buf, 0, &n), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ENOTCONN);
  assert_last_os_error(ENOTCONN);
  /* A send on a socket that is not connected is EPIPE: no SIGPIPE
     (Windows: not connected). */
#ifdef _WIN32
  /* Windows: not connected (wine: reset). */
  ns_err sent = ns_send(lone, "x", 1, 0, &n);
  assert_true(sent == NS_ERR_OS || sent == NS_ERR_CONNECTION_RESET);
  assert_last_os_error_either(ENOTCONN, ECONNRESET);
#else
  assert_ns_err(ns_send(lone, "x", 1, 0, &n), NS_ERR_BROKEN_PIPE);
#endif
  assert_ns_ok(ns_close(lone));
}

/* A failed recvfrom empties its address out-parameter: an earlier
   sender is never left there to be taken for this call's. */
static void test_io__recvfrom_failure_empties_address(void **state)
{
  (void)state;
  ns_socket *u;
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_setblocking(u, false));
  ns_addr a = ns_test_loopback(AF_INET), from;
  assert_ns_ok(ns_bind(u, &a));
  char b[8];
  size_t n;
  assert_ns_ok(ns_addr_inet(&from, "127.0.0.1", 9));
  assert_ns_err(ns_recvfrom(u, b, sizeof b, 0, &n, &from), NS_ERR_BLOCKING_IO);
  assert_int_equal(from.len, 0);
  assert_int_equal(ns_addr_family(&from), AF_UNSPEC);
  /* The same with a timeout that runs out. */
  assert_ns_ok(ns_settimeout(u, 0.02));
  assert_ns_ok(ns_addr_inet(&from, "127.0.0.1", 9));
  assert_ns_err(ns_recvfrom(u, b, sizeof b, 0, &n, &from), NS_ERR_TIMEOUT);
  assert_int_equal(from.len, 0);
  assert_ns_ok(ns_close(u));
}

#ifndef _WIN32
typedef struct blocked_recv {
  ns_socket *s;
  ns_err err;
  size_t n;
} blocked_recv;

static void *recv_until_woken(void *arg)
{
  blocked_recv *r = arg;
  char b[8];
  r->err = ns_recv(r->s, b, sizeof b, 0, &r->n);
  return NULL;
}

#endif

/* ns_shutdown wakes a thread blocked in ns_recv, stream or datagram. */
static void test_io__shutdown_wakes_blocked_recv(void **state)
{
  (void)state;
#ifdef _WIN32
  ns_test_skip_platform("Winsock's shutdown(SD_RECEIVE) is not documented "
                        "to wake a thread blocked in recv(), and Python "
                        "there does not promise it");
#else
  ns_socket *c, *srv, *u;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  assert_ns_ok(ns_socket_create(&u, AF_INET, SOCK_DGRAM, 0));
  ns_addr a = ns_test_loopback(AF_INET);
  assert_ns_ok(ns_bind(u, &a));
  ns_socket *blocked[2] = {srv, u};
  for (int i = 0; i < 2; i++) {
    blocked_recv r = {blocked[i], NS_ERR_OS, 99};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, recv_until_woken, &r), 0);
    ns_err err = ns_shutdown(blocked[i], SHUT_RD);
    if (i == 1) /* Linux: ENOTCONN for a datagram socket, woken all the same */
      assert_true(err == NS_OK || ns_error_last_errno() == ENOTCONN);
    else
      assert_ns_ok(err);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += (time_t)ns_test_slack(10.0);
    assert_int_equal(pthread_timedjoin_np(t, NULL, &until), 0);
    assert_int_equal(r.err, NS_OK);
    assert_int_equal(r.n, 0);
  }
  assert_ns_ok(ns_close(u));
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(srv));
#endif
}

static void test_io__bad_arguments(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  char buf[4];
  size_t n;
  ns_addr a;
  assert_ns_ok(ns_getsockname(c, &a));
  assert_ns_err(ns_send(c, NULL, 3, 0, &n), NS_ERR_VALUE);
  assert_last_message("buffer is NULL with a non-zero length");
  assert_ns_err(ns_sendall(c, NULL, 3, 0, &n), NS_ERR_VALUE);
  assert_int_equal(n, 0);
  assert_ns_err(ns_sendto(c, NULL, 3, 0, &a, &n), NS_ERR_VALUE);
  assert_ns_err(ns_recv(c, NULL, 3, 0, &n), NS_ERR_VALUE);
  assert_ns_err(ns_recvfrom(c, NULL, 3, 0, &n, NULL), NS_ERR_VALUE);
  assert_ns_err(ns_send(c, buf, (size_t)-1, 0, &n), NS_ERR_OVERFLOW);
  assert_last_message("length exceeds SSIZE_MAX");
  assert_ns_err(ns_sendto(c, "x", 1, 0, NULL, &n), NS_ERR_VALUE);
  assert_last_message("sendto(): address is NULL");
  assert_ns_err(ns_send(NULL, "x", 1, 0, &n), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_recv(NULL, buf, 1, 0, &n), NS_ERR_OS);
  assert_ns_err(ns_sendall(NULL, "x", 1, 0, NULL), NS_ERR_OS);
  assert_ns_err(ns_recvfrom(NULL, buf, 1, 0, &n, NULL), NS_ERR_OS);
  assert_ns_err(ns_sendto(NULL, "x", 1, 0, &a, &n), NS_ERR_OS);
  /* None of this disturbed the connection. */
  exchange(c, s);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* SO_LINGER {1, 0} then close: the peer's recv sees a reset. */
static void test_io__reset_by_peer(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  struct linger lg = {1, 0};
  assert_ns_ok(ns_setsockopt(s, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  assert_ns_ok(ns_close(s));
  char buf[4];
  size_t n;
  if (ns_test_under_wine()) {
    assert_ns_ok(ns_close(c));
    ns_test_skip_platform("no reset for SO_LINGER {1, 0} under wine: its "
                          "closesocket() ends the connection gracefully");
  }
  assert_ns_err(ns_recv(c, buf, sizeof buf, 0, &n), NS_ERR_CONNECTION_RESET);
  assert_true(ns_error_is(ns_error_last_code(), NS_ERR_CONNECTION));
  assert_int_equal(ns_error_last_errno(), ECONNRESET);
  assert_last_os_error(ECONNRESET);
  assert_ns_ok(ns_close(c));
}

static void test_io__write_after_shutdown_wr(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  size_t n;
  assert_ns_err(ns_send(c, "x", 1, 0, &n), NS_ERR_BROKEN_PIPE);
#ifdef _WIN32
  /* WSAESHUTDOWN, which Python's class map makes a BrokenPipeError. */
  assert_int_equal(ns_error_last_errno(), ESHUTDOWN);
  assert_last_os_error(ESHUTDOWN);
#else
  assert_int_equal(ns_error_last_errno(), EPIPE);
  assert_last_os_error(EPIPE);
#endif
  assert_ns_err(ns_sendall(c, "xyz", 3, 0, &n), NS_ERR_BROKEN_PIPE);
  assert_int_equal(n, 0);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* Peer half-close: recv returns 0 bytes every time, and sending still
   works in the other direction. */
static void test_io__peer_half_close(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_sendall(c, "last", 4, 0, NULL));
  assert_ns_ok(ns_shutdown(c, SHUT_WR));
  char buf[8];
  size_t n;
  /* Data sent before the FIN all arrives first. */
  assert_ns_ok(ns_recv(s, buf, sizeof buf, MSG_WAITALL, &n));
  assert_int_equal(n, 4);
  for (int i = 0; i < 3; i++) {
    assert_ns_ok(ns_recv(s, buf, sizeof buf, 0, &n));
    assert_int_equal(n, 0);
  }
  assert_ns_ok(ns_sendall(s, "reply", 5, 0, NULL));
  assert_ns_ok(ns_recv(c, buf, 5, MSG_WAITALL, &n));
  assert_int_equal(n, 5);
  assert_memory_equal(buf, "reply", 5);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* A write to a peer that is gone, with SIGPIPE at its default disposition:
   BrokenPipeError (or a reset), and the process lives. */
#ifdef _WIN32
/* Windows has no SIGPIPE: the same writes, in this process. */
static void test_io__broken_pipe_does_not_kill(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_close(s));
  char chunk[1024] = {0};
  ns_err err = NS_OK;
  size_t n;
  for (int i = 0; i < 1000 && err == NS_OK; i++)
    err = ns_send(c, chunk, sizeof chunk, 0, &n);
  assert_true(err == NS_ERR_BROKEN_PIPE || err == NS_ERR_CONNECTION_RESET ||
              err == NS_ERR_CONNECTION_ABORTED);
  assert_ns_ok(ns_close(c));
}
#else
static void test_io__broken_pipe_does_not_kill(void **state)
{
  (void)state;
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    ns_socket *c, *s;
    ns_test_tcp_pair(AF_INET, &c, &s);
    ns_close(s);
    char chunk[1024] = {0};
    ns_err err = NS_OK;
    size_t n;
    /* The first sends may be accepted before the peer's reset arrives. */
    for (int i = 0; i < 1000 && err == NS_OK; i++)
      err = ns_send(c, chunk, sizeof chunk, 0, &n);
    ns_close(c);
    _exit(err == NS_ERR_BROKEN_PIPE || err == NS_ERR_CONNECTION_RESET ? 0 : 1);
  }
  ns_test_child_succeeds(pid);
}
#endif

/* ---- sendall ------------------------------------------------------------ */

struct reader {
  ns_socket *s;
  size_t expect;
  size_t got;
  uint32_t sum;
};

/* A simple position-dependent checksum: catches lost, repeated or
   reordered bytes. */
static uint32_t mix(uint32_t sum, const unsigned char *p, size_t n,
                    size_t offset)
{
  for (size_t i = 0; i < n; i++)
    sum = (sum * 31u) ^ (uint32_t)(p[i] + (offset + i) % 251);
  return sum;
}

static void *read_all(void *arg)
{
  struct reader *r = arg;
  static unsigned char buf[65536];
  size_t n;
  while (r->got < r->expect && ns_recv(r->s, buf, sizeof buf, 0, &n) == NS_OK &&
         n > 0) {
    r->sum = mix(r->sum, buf, n, r->got);
    r->got += n;
  }
  return NULL;
}

static void test_io__sendall_large_with_small_buffers(void **state)
{
  (void)state;
  enum { SIZE = 16 * 1024 * 1024 + 1 };
  unsigned char *data = malloc(SIZE);
  assert_non_null(data);
  for (size_t i = 0; i < SIZE; i++)
    data[i] = (unsigned char)(i * 7 + (i >> 12));
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  /* A small send buffer makes the kernel take the data in many pieces. */
  assert_ns_ok(ns_setsockopt_int(c, SOL_SOCKET, SO_SNDBUF, 32768));
  struct reader r = {s, SIZE, 0, 0};
  pthread_t t;
  assert_int_equal(pthread_create(&t, NULL, read_all, &r), 0);
  size_t sent = 0;
  assert_ns_ok(ns_sendall(c, data, SIZE, 0, &sent));
  assert_int_equal(sent, SIZE);
  pthread_join(t, NULL);
  assert_int_equal(r.got, SIZE);
  assert_int_equal(r.sum, mix(0, data, SIZE, 0));
  free(data);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* When sendall fails part-way, it says how far it got. */
static void test_io__sendall_reports_progress_on_failure(void **state)
{
  (void)state;
  enum { SIZE = 8 * 1024 * 1024 };
  char *data = calloc(1, SIZE);
  assert_non_null(data);
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  assert_ns_ok(ns_setsockopt_int(c, SOL_SOCKET, SO_SNDBUF, 4096));
  /* The peer never reads; a 1 s timeout ends the wait once the buffers
     are full, and the count is what the kernel took. */
  assert_ns_ok(ns_settimeout(c, 1.0));
  size_t sent = 12345;
  assert_ns_err(ns_sendall(c, data, SIZE, 0, &sent), NS_ERR_TIMEOUT);
  assert_last_message("timed out");
  assert_true(sent > 0 && sent < SIZE);
  /* Exactly the bytes counted as sent are there to be read. */
  assert_ns_ok(ns_settimeout(s, 5.0));
  size_t total = 0, n;
  while (total < sent) {
    assert_ns_ok(ns_recv(s, data, SIZE, 0, &n));
    assert_true(n > 0);
    total += n;
  }
  assert_int_equal(total, sent);
  assert_ns_ok(ns_setblocking(s, false));
  assert_ns_err(ns_recv(s, data, SIZE, 0, &n), NS_ERR_BLOCKING_IO);
  free(data);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));
}

/* Python lets the caller ignore what send() and recv_into() return: a NULL
   count is allowed, the call still does its work, and errors still come
   back. */
static void test_io__null_counts(void **state)
{
  (void)state;
  ns_socket *c, *s;
  ns_test_tcp_pair(AF_INET, &c, &s);
  char buf[8];
  size_t n;
  assert_ns_ok(ns_send(c, "abc", 3, 0, NULL));
  assert_ns_ok(ns_recv(s, buf, 3, MSG_WAITALL, NULL));
  assert_memory_equal(buf, "abc", 3);
  assert_ns_ok(ns_send(c, "de", 2, 0, NULL));
  assert_ns_ok(ns_recv(s, buf, 2, MSG_WAITALL, &n));
  assert_int_equal(n, 2);
  assert_memory_equal(buf, "de", 2);
  assert_ns_ok(ns_setblocking(s, false));
  assert_ns_err(ns_recv(s, buf, sizeof buf, 0, NULL), NS_ERR_BLOCKING_IO);
  assert_ns_err(ns_send(NULL, "x", 1, 0, NULL), NS_ERR_OS);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(s));

  ns_socket *a, *b;
  ns_addr lo = ns_test_loopback(AF_INET), b_name, from;
  assert_ns_ok(ns_socket_create(&a, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_socket_create(&b, AF_INET, SOCK_DGRAM, 0));
  assert_ns_ok(ns_bind(b, &lo));
  assert_ns_ok(ns_getsockname(b, &b_name));
  assert_ns_ok(ns_sendto(a, "dgram", 5, 0, &b_name, NULL));
  memset(buf, 0, sizeof buf);
  assert_ns_ok(ns_recvfrom(b, buf, sizeof buf, 0, NULL, &from));
  assert_memory_equal(buf, "dgram", 5);
  assert_int_equal(ns_addr_family(&from), AF_INET);
  assert_ns_err(ns_sendto(a, "x", 1, 0, NULL, NULL), NS_ERR_VALUE);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_io__tcp_ipv4),
      NS_TEST(test_io__tcp_ipv6),
      NS_TEST(test_io__unix_stream_and_dgram),
      NS_TEST(test_io__udp_ipv4),
      NS_TEST(test_io__udp_ipv6),
      NS_TEST(test_io__udp_sizes),
      NS_TEST(test_io__connected_udp_refused),
      NS_TEST(test_io__recv_zero_length_and_unconnected),
      NS_TEST(test_io__bad_arguments),
      NS_TEST(test_io__recvfrom_failure_empties_address),
      NS_TEST(test_io__shutdown_wakes_blocked_recv),
      NS_TEST(test_io__reset_by_peer),
      NS_TEST(test_io__write_after_shutdown_wr),
      NS_TEST(test_io__peer_half_close),
      NS_TEST(test_io__broken_pipe_does_not_kill),
      NS_TEST(test_io__sendall_large_with_small_buffers),
      NS_TEST(test_io__sendall_reports_progress_on_failure),
      NS_TEST(test_io__null_counts),
  };
  return cmocka_run_group_tests_name("io", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * The calls a benchmark case makes, in two builds of the same names:
 * through libnetsock, and (with NETSOCK_BENCH_RAW) as the hand-written
 * BSD-socket code a C programmer would write instead. Each is inline, so
 * the raw twin calls libc directly and the libnetsock build calls the
 * library directly, exactly as an application would.
 *
 * Any failure ends the benchmark: a case that fails measures nothing.
 *
 * A timeout in the raw twin is the cheapest one raw code can have: the
 * kernel's SO_RCVTIMEO/SO_SNDTIMEO on a blocking descriptor, one libc call
 * per operation and no clock reads (it is also as imprecise as the
 * kernel's timer tick: docs/timeouts.md). Without a timeout the raw twin
 * is one libc call per operation and nothing else.
 */
#ifndef NETSOCK_BENCH_BACKEND_H
#define NETSOCK_BENCH_BACKEND_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "harness.h"

#ifdef NETSOCK_BENCH_RAW

/* ---- raw BSD sockets ---------------------------------------------------- */

typedef struct bk_sock {
  int fd;
} bk_sock;

typedef struct bk_addr {
  struct sockaddr_in sin;
} bk_addr;

static inline bk_sock bk_socket(int type)
{
  bk_sock s = {socket(AF_INET, type | SOCK_CLOEXEC, 0)};
  if (s.fd < 0)
    bench_die("socket", NULL);
  return s;
}

static inline void bk_close(bk_sock s)
{
  if (close(s.fd) != 0)
    bench_die("close", NULL);
}

static inline void bk_bind_loopback(bk_sock s)
{
  struct sockaddr_in a;
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(s.fd, (struct sockaddr *)&a, sizeof a) != 0)
    bench_die("bind", NULL);
}

static inline bk_addr bk_getsockname(bk_sock s)
{
  bk_addr a;
  socklen_t len = sizeof a.sin;
  if (getsockname(s.fd, (struct sockaddr *)&a.sin, &len) != 0)
    bench_die("getsockname", NULL);
  return a;
}

static inline void bk_listen(bk_sock s, int backlog)
{
  if (listen(s.fd, backlog) != 0)
    bench_die("listen", NULL);
}

static inline void bk_connect(bk_sock s, const bk_addr *a)
{
  while (connect(s.fd, (const struct sockaddr *)&a->sin, sizeof a->sin) != 0)
    if (errno != EINTR)
      bench_die("connect", NULL);
}

static inline bk_sock bk_accept(bk_sock l)
{
  bk_sock s = {-1};
  while ((s.fd = accept4(l.fd, NULL, NULL, SOCK_CLOEXEC)) < 0)
    if (errno != EINTR)
      bench_die("accept", NULL);
  return s;
}

/* Accept; false when the listener's timeout expired first. */
static inline bool bk_accept_or_timeout(bk_sock l, bk_sock *out)
{
  while ((out->fd = accept4(l.fd, NULL, NULL, SOCK_CLOEXEC)) < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK)
      return false;
    if (errno != EINTR)
      bench_die("accept", NULL);
  }
  return true;
}

/* Connect; false when the socket's timeout expired first (the kernel's
   SO_SNDTIMEO ends a blocking connect with EINPROGRESS). */
static inline bool bk_connect_or_timeout(bk_sock s, const bk_addr *a)
{
  if (connect(s.fd, (const struct sockaddr *)&a->sin, sizeof a->sin) == 0)
    return true;
  if (errno == EINPROGRESS || errno == EAGAIN)
    return false;
  bench_die("connect", NULL);
}

static inline void bk_nodelay(bk_sock s)
{
  int one = 1;
  if (setsockopt(s.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) != 0)
    bench_die("setsockopt", NULL);
}

/* A timeout in the kernel: SO_RCVTIMEO and SO_SNDTIMEO (none: {0, 0}). */
static inline void bk_settimeout(bk_sock *s, double seconds)
{
  if (seconds == 0)
    bench_die("settimeout", "the raw twin has no non-blocking mode");
  struct timeval tv = {0, 0};
  if (seconds > 0) {
    long long us = (long long)ceil(seconds * 1e6);
    tv.tv_sec = (time_t)(us / 1000000);
    tv.tv_usec = (suseconds_t)(us % 1000000);
  }
  if (setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) != 0 ||
      setsockopt(s->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
    bench_die("setsockopt", NULL);
}

static inline bool timed_out(void)
{
  return errno == EAGAIN || errno == EWOULDBLOCK;
}

static inline size_t bk_send(bk_sock s, const void *buf, size_t len)
{
  ssize_t n;
  while ((n = send(s.fd, buf, len, MSG_NOSIGNAL)) < 0)
    if (errno != EINTR)
      bench_die("send", timed_out() ? "timed out" : NULL);
  return (size_t)n;
}

static inline void bk_sendall(bk_sock s, const void *buf, size_t len)
{
  const char *p = buf;
  while (len) {
    size_t n = bk_send(s, p, len);
    p += n;
    len -= n;
  }
}

/* Send all of buf; false when the timeout expired first. The kernel's
   timer bounds each send(), not the whole loop, as raw code has it. */
static inline bool bk_sendall_or_timeout(bk_sock s, const void *buf,
                                         size_t len)
{
  const char *p = buf;
  while (len) {
    ssize_t n = send(s.fd, p, len, MSG_NOSIGNAL);
    if (n < 0) {
      if (timed_out())
        return false;
      if (errno != EINTR)
        bench_die("send", NULL);
      continue;
    }
    p += n;
    len -= (size_t)n;
  }
  return true;
}

/* Receive; false when the timeout expired first. */
static inline bool bk_recv_or_timeout(bk_sock s, void *buf, size_t len,
                                      size_t *got)
{
  ssize_t n;
  while ((n = recv(s.fd, buf, len, 0)) < 0) {
    if (timed_out())
      return false;
    if (errno != EINTR)
      bench_die("recv", NULL);
  }
  *got = (size_t)n;
  return true;
}

static inline size_t bk_recv(bk_sock s, void *buf, size_t len)
{
  ssize_t n;
  while ((n = recv(s.fd, buf, len, 0)) < 0)
    if (errno != EINTR)
      bench_die("recv", timed_out() ? "timed out" : NULL);
  return (size_t)n;
}

static inline size_t bk_sendto(bk_sock s, const void *buf, size_t len,
                               const bk_addr *to)
{
  ssize_t n;
  while ((n = sendto(s.fd, buf, len, MSG_NOSIGNAL,
                     (const struct sockaddr *)&to->sin, sizeof to->sin)) < 0)
    if (errno != EINTR)
      bench_die("sendto", timed_out() ? "timed out" : NULL);
  return (size_t)n;
}

static inline size_t bk_recvfrom(bk_sock s, void *buf, size_t len,
                                 bk_addr *from)
{
  socklen_t alen = sizeof from->sin;
  ssize_t n;
  while ((n = recvfrom(s.fd, buf, len, 0, (struct sockaddr *)&from->sin,
                       &alen)) < 0) {
    if (errno != EINTR)
      bench_die("recvfrom", timed_out() ? "timed out" : NULL);
    alen = sizeof from->sin;
  }
  return (size_t)n;
}


/* A batch of datagrams for sendmmsg/recvmmsg, set up once. */
#define BK_BATCH_MAX 64

typedef struct bk_batch {
  struct mmsghdr m[BK_BATCH_MAX];
  struct iovec iov[BK_BATCH_MAX];
  struct sockaddr_in from[BK_BATCH_MAX];
} bk_batch;

/* n datagrams of `size` bytes at bufs, bufs + size, ...; sent to `to`, or
   received (with their senders) when `to` is NULL. */
static inline void bk_batch_init(bk_batch *b, size_t n, unsigned char *bufs,
                                 size_t size, const bk_addr *to)
{
  memset(b, 0, sizeof *b);
  for (size_t i = 0; i < n; i++) {
    b->iov[i].iov_base = bufs + i * size;
    b->iov[i].iov_len = size;
    b->m[i].msg_hdr.msg_iov = &b->iov[i];
    b->m[i].msg_hdr.msg_iovlen = 1;
    b->m[i].msg_hdr.msg_name = to ? (void *)&to->sin : (void *)&b->from[i];
    b->m[i].msg_hdr.msg_namelen = sizeof b->from[i];
  }
}

static inline size_t bk_sendmmsg(bk_sock s, bk_batch *b, size_t n)
{
  int k;
  while ((k = sendmmsg(s.fd, b->m, (unsigned)n, MSG_NOSIGNAL)) < 0)
    if (errno != EINTR)
      bench_die("sendmmsg", NULL);
  return (size_t)k;
}

static inline size_t bk_recvmmsg(bk_sock s, bk_batch *b, size_t n)
{
  for (size_t i = 0; i < n; i++)
    b->m[i].msg_hdr.msg_namelen = sizeof b->from[i];
  int k;
  while ((k = recvmmsg(s.fd, b->m, (unsigned)n, MSG_WAITFORONE, NULL)) < 0)
    if (errno != EINTR)
      bench_die("recvmmsg", NULL);
  return (size_t)k;
}

/* Bytes in datagram i of the last batch received. */
static inline size_t bk_batch_len(const bk_batch *b, size_t i)
{
  return b->m[i].msg_len;
}

/* A readiness poller, written directly on epoll. */
typedef struct epoll_event bk_event;

typedef struct bk_poller {
  int epfd;
} bk_poller;

static inline bk_poller bk_poller_create(void)
{
  bk_poller p = {epoll_create1(EPOLL_CLOEXEC)};
  if (p.epfd < 0)
    bench_die("epoll_create1", NULL);
  return p;
}

static inline void bk_poller_add(bk_poller *p, bk_sock s, void *data)
{
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.ptr = data;
  if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, s.fd, &ev) != 0)
    bench_die("epoll_ctl", NULL);
}

static inline void bk_poller_remove(bk_poller *p, bk_sock s)
{
  if (epoll_ctl(p->epfd, EPOLL_CTL_DEL, s.fd, NULL) != 0)
    bench_die("epoll_ctl", NULL);
}

static inline size_t bk_poller_wait(bk_poller *p, bk_event *ev, size_t max)
{
  int n;
  while ((n = epoll_wait(p->epfd, ev, (int)max, -1)) < 0)
    if (errno != EINTR)
      bench_die("epoll_wait", NULL);
  return (size_t)n;
}

static inline void *bk_event_data(const bk_event *ev)
{
  return ev->data.ptr;
}

static inline void bk_poller_close(bk_poller *p)
{
  close(p->epfd);
}

#else

/* ---- libnetsock ----------------------------------------------------------- */

#include <netsock/netsock.h>

typedef ns_socket *bk_sock;
typedef ns_addr bk_addr;

static inline void bk_check(ns_err err, const char *what)
{
  if (err != NS_OK)
    bench_die(what, ns_error_last_message());
}

static inline bk_sock bk_socket(int type)
{
  ns_socket *s;
  bk_check(ns_socket_create(&s, AF_INET, type, 0), "socket");
  return s;
}

static inline void bk_close(bk_sock s)
{
  bk_check(ns_close(s), "close");
}

static inline void bk_bind_loopback(bk_sock s)
{
  ns_addr a;
  bk_check(ns_addr_inet(&a, "127.0.0.1", 0), "addr");
  bk_check(ns_bind(s, &a), "bind");
}

static inline bk_addr bk_getsockname(bk_sock s)
{
  ns_addr a;
  bk_check(ns_getsockname(s, &a), "getsockname");
  return a;
}

static inline void bk_listen(bk_sock s, int backlog)
{
  bk_check(ns_listen(s, backlog), "listen");
}

static inline void bk_connect(bk_sock s, const bk_addr *a)
{
  bk_check(ns_connect(s, a), "connect");
}

static inline bk_sock bk_accept(bk_sock l)
{
  ns_socket *s;
  bk_check(ns_accept(l, &s, NULL), "accept");
  return s;
}

static inline bool bk_accept_or_timeout(bk_sock l, bk_sock *out)
{
  ns_err err = ns_accept(l, out, NULL);
  if (err == NS_ERR_TIMEOUT)
    return false;
  bk_check(err, "accept");
  return true;
}

static inline bool bk_connect_or_timeout(bk_sock s, const bk_addr *a)
{
  ns_err err = ns_connect(s, a);
  if (err == NS_ERR_TIMEOUT)
    return false;
  bk_check(err, "connect");
  return true;
}

static inline void bk_nodelay(bk_sock s)
{
  bk_check(ns_setsockopt_int(s, IPPROTO_TCP, TCP_NODELAY, 1), "setsockopt");
}

static inline void bk_settimeout(bk_sock *s, double seconds)
{
  bk_check(ns_settimeout(*s, seconds < 0 ? NS_TIMEOUT_NONE : seconds),
           "settimeout");
}

static inline size_t bk_send(bk_sock s, const void *buf, size_t len)
{
  size_t n;
  bk_check(ns_send(s, buf, len, 0, &n), "send");
  return n;
}

static inline void bk_sendall(bk_sock s, const void *buf, size_t len)
{
  bk_check(ns_sendall(s, buf, len, 0, NULL), "sendall");
}

static inline bool bk_sendall_or_timeout(bk_sock s, const void *buf,
                                         size_t len)
{
  ns_err err = ns_sendall(s, buf, len, 0, NULL);
  if (err == NS_ERR_TIMEOUT)
    return false;
  bk_check(err, "sendall");
  return true;
}

static inline bool bk_recv_or_timeout(bk_sock s, void *buf, size_t len,
                                      size_t *got)
{
  ns_err err = ns_recv(s, buf, len, 0, got);
  if (err == NS_ERR_TIMEOUT)
    return false;
  bk_check(err, "recv");
  return true;
}

static inline size_t bk_recv(bk_sock s, void *buf, size_t len)
{
  size_t n;
  bk_check(ns_recv(s, buf, len, 0, &n), "recv");
  return n;
}

static inline size_t bk_sendto(bk_sock s, const void *buf, size_t len,
                               const bk_addr *to)
{
  size_t n;
  bk_check(ns_sendto(s, buf, len, 0, to, &n), "sendto");
  return n;
}

static inline size_t bk_recvfrom(bk_sock s, void *buf, size_t len,
                                 bk_addr *from)
{
  size_t n;
  bk_check(ns_recvfrom(s, buf, len, 0, &n, from), "recvfrom");
  return n;
}

#define BK_BATCH_MAX 64

typedef struct bk_batch {
  ns_datagram d[BK_BATCH_MAX];
} bk_batch;

static inline void bk_batch_init(bk_batch *b, size_t n, unsigned char *bufs,
                                 size_t size, const bk_addr *to)
{
  memset(b, 0, sizeof *b);
  for (size_t i = 0; i < n; i++) {
    b->d[i].buf = bufs + i * size;
    b->d[i].len = size;
    if (to)
      b->d[i].addr = *to;
  }
}

static inline size_t bk_sendmmsg(bk_sock s, bk_batch *b, size_t n)
{
  size_t k;
  bk_check(ns_sendmmsg(s, b->d, n, 0, &k), "sendmmsg");
  return k;
}

static inline size_t bk_recvmmsg(bk_sock s, bk_batch *b, size_t n)
{
  size_t k;
  bk_check(ns_recvmmsg(s, b->d, n, 0, &k), "recvmmsg");
  return k;
}

static inline size_t bk_batch_len(const bk_batch *b, size_t i)
{
  return b->d[i].nbytes;
}

typedef ns_poller_event bk_event;

typedef struct bk_poller {
  ns_poller *p;
} bk_poller;

static inline bk_poller bk_poller_create(void)
{
  bk_poller p;
  bk_check(ns_poller_create(&p.p, NS_POLLER_DEFAULT), "poller");
  return p;
}

static inline void bk_poller_add(bk_poller *p, bk_sock s, void *data)
{
  bk_check(ns_poller_register(p->p, s, NS_EVENT_READ, data), "register");
}

static inline void bk_poller_remove(bk_poller *p, bk_sock s)
{
  bk_check(ns_poller_unregister(p->p, s), "unregister");
}

static inline size_t bk_poller_wait(bk_poller *p, bk_event *ev, size_t max)
{
  size_t n;
  bk_check(ns_poller_wait(p->p, ev, max, NS_TIMEOUT_NONE, &n), "wait");
  return n;
}

static inline void *bk_event_data(const bk_event *ev)
{
  return ev->data;
}

static inline void bk_poller_close(bk_poller *p)
{
  bk_check(ns_poller_close(p->p), "poller close");
}

#endif

/* ---- built on the calls above, the same in both builds --------------------- */

/* A connected TCP pair over 127.0.0.1; TCP_NODELAY on both ends for
   request/response traffic, Nagle left on for bulk streams. */
static inline void bk_tcp_pair(bk_sock *client, bk_sock *server, bool nodelay)
{
  bk_sock l = bk_socket(SOCK_STREAM);
  bk_bind_loopback(l);
  bk_listen(l, 1);
  bk_addr a = bk_getsockname(l);
  *client = bk_socket(SOCK_STREAM);
  bk_connect(*client, &a);
  *server = bk_accept(l);
  bk_close(l);
  if (nodelay) {
    bk_nodelay(*client);
    bk_nodelay(*server);
  }
}

/* A UDP socket bound to 127.0.0.1 on a port the kernel picks. */
static inline bk_sock bk_udp_bound(bk_addr *addr_out)
{
  bk_sock s = bk_socket(SOCK_DGRAM);
  bk_bind_loopback(s);
  *addr_out = bk_getsockname(s);
  return s;
}

/* Send all of buf with send() calls, as a bulk writer does. */
static inline void bk_send_full(bk_sock s, const void *buf, size_t len)
{
  const char *p = buf;
  while (len) {
    size_t n = bk_send(s, p, len);
    p += n;
    len -= n;
  }
}

/* Receive exactly len bytes; false at end of stream. */
static inline bool bk_recv_full(bk_sock s, void *buf, size_t len)
{
  char *p = buf;
  while (len) {
    size_t n = bk_recv(s, p, len);
    if (n == 0)
      return false;
    p += n;
    len -= n;
  }
  return true;
}

#endif /* NETSOCK_BENCH_BACKEND_H */

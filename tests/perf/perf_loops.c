/* SPDX-License-Identifier: MIT */
/*
 * The program the callgrind gates run: the same blocking I/O loops made
 * directly to libc and through libnetsock, on the same sockets, each loop
 * in its own callgrind dump ("region"), so that the instruction and
 * system-call counts of the two can be compared exactly.
 *
 * Every region does REGION_ITERS iterations of four calls in one process:
 * a sends, b receives, b sends, a receives. Each call can complete at
 * once, so each is exactly one system call in hand-written code.
 *
 * Run outside valgrind it does the same work and prints nothing: the
 * client requests are no-ops then.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>

#if defined(__has_include)
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#endif
#endif
#ifndef CALLGRIND_DUMP_STATS_AT
/* No valgrind headers: the gates that read the dumps skip anyway. */
#define CALLGRIND_DUMP_STATS_AT(name) ((void)(name))
#endif

#include <netsock/netsock.h>

#include "perf_loops.h"

struct fixture {
  ns_socket *a, *b; /* a connected TCP pair, or two bound UDP sockets */
  int fa, fb;       /* their descriptors, for the raw loops */
  ns_addr addr_a, addr_b;
};

static void die(const char *what)
{
  fprintf(stderr, "perf_loops: %s: %s\n", what, ns_error_last_message());
  exit(1);
}

static void check(ns_err err, const char *what)
{
  if (err != NS_OK)
    die(what);
}

static void tcp_fixture(struct fixture *f)
{
  ns_socket *l;
  ns_addr a;
  check(ns_socket_create(&l, AF_INET, SOCK_STREAM, 0), "socket");
  check(ns_addr_inet(&a, "127.0.0.1", 0), "addr");
  check(ns_bind(l, &a), "bind");
  check(ns_listen(l, 1), "listen");
  check(ns_getsockname(l, &a), "getsockname");
  check(ns_socket_create(&f->a, AF_INET, SOCK_STREAM, 0), "socket");
  check(ns_connect(f->a, &a), "connect");
  check(ns_accept(l, &f->b, NULL), "accept");
  check(ns_close(l), "close");
  f->fa = ns_fileno(f->a);
  f->fb = ns_fileno(f->b);
}

static void udp_fixture(struct fixture *f)
{
  ns_addr any;
  check(ns_addr_inet(&any, "127.0.0.1", 0), "addr");
  check(ns_socket_create(&f->a, AF_INET, SOCK_DGRAM, 0), "socket");
  check(ns_socket_create(&f->b, AF_INET, SOCK_DGRAM, 0), "socket");
  check(ns_bind(f->a, &any), "bind");
  check(ns_bind(f->b, &any), "bind");
  check(ns_getsockname(f->a, &f->addr_a), "getsockname");
  check(ns_getsockname(f->b, &f->addr_b), "getsockname");
  f->fa = ns_fileno(f->a);
  f->fb = ns_fileno(f->b);
}

static void close_fixture(struct fixture *f)
{
  check(ns_close(f->a), "close");
  check(ns_close(f->b), "close");
}

/* ---- the loops: each pair makes the same four calls per iteration ------ */

static void tcp_raw(struct fixture *f, long n)
{
  char c = 'x';
  for (long i = 0; i < n; i++) {
    if (send(f->fa, &c, 1, MSG_NOSIGNAL) != 1 || recv(f->fb, &c, 1, 0) != 1 ||
        send(f->fb, &c, 1, MSG_NOSIGNAL) != 1 || recv(f->fa, &c, 1, 0) != 1)
      die("raw tcp loop");
  }
}

static void tcp_ns(struct fixture *f, long n)
{
  char c = 'x';
  size_t k;
  for (long i = 0; i < n; i++) {
    if (ns_send(f->a, &c, 1, 0, &k) || ns_recv(f->b, &c, 1, 0, &k) ||
        ns_send(f->b, &c, 1, 0, &k) || ns_recv(f->a, &c, 1, 0, &k))
      die("netsock tcp loop");
  }
}

static void tcp_ns_sendall(struct fixture *f, long n)
{
  char c = 'x';
  size_t k;
  for (long i = 0; i < n; i++) {
    if (ns_sendall(f->a, &c, 1, 0, &k) || ns_recv(f->b, &c, 1, 0, &k) ||
        ns_sendall(f->b, &c, 1, 0, &k) || ns_recv(f->a, &c, 1, 0, &k))
      die("netsock sendall loop");
  }
}

static void udp_raw(struct fixture *f, long n)
{
  char c = 'x';
  struct sockaddr_storage from;
  socklen_t len;
  for (long i = 0; i < n; i++) {
    len = sizeof from;
    if (sendto(f->fa, &c, 1, MSG_NOSIGNAL, &f->addr_b.u.sa, f->addr_b.len) !=
            1 ||
        recvfrom(f->fb, &c, 1, 0, (struct sockaddr *)&from, &len) != 1)
      die("raw udp loop");
    len = sizeof from;
    if (sendto(f->fb, &c, 1, MSG_NOSIGNAL, &f->addr_a.u.sa, f->addr_a.len) !=
            1 ||
        recvfrom(f->fa, &c, 1, 0, (struct sockaddr *)&from, &len) != 1)
      die("raw udp loop");
  }
}

static void udp_ns(struct fixture *f, long n)
{
  char c = 'x';
  size_t k;
  ns_addr from;
  for (long i = 0; i < n; i++) {
    if (ns_sendto(f->a, &c, 1, 0, &f->addr_b, &k) ||
        ns_recvfrom(f->b, &c, 1, 0, &k, &from) ||
        ns_sendto(f->b, &c, 1, 0, &f->addr_a, &k) ||
        ns_recvfrom(f->a, &c, 1, 0, &k, &from))
      die("netsock udp loop");
  }
}

/*
 * Warm up (lazy binding, caches), then measure one region. The warm-up is
 * dumped rather than zeroed: CALLGRIND_ZERO_STATS leaves the system-call
 * counts of functions seen before it in the next dump (valgrind 3.19),
 * while a dump starts the next one from nothing.
 */
static void region(const char *name, void (*loop)(struct fixture *, long),
                   struct fixture *f)
{
  loop(f, 16);
  CALLGRIND_DUMP_STATS_AT("warm-up");
  loop(f, PERF_REGION_ITERS);
  CALLGRIND_DUMP_STATS_AT(name);
}

static void with_timeout(struct fixture *f, double seconds)
{
  check(ns_settimeout(f->a, seconds), "settimeout");
  check(ns_settimeout(f->b, seconds), "settimeout");
}

int main(void)
{
  struct fixture f;

  tcp_fixture(&f);
  region("tcp_raw", tcp_raw, &f);
  region("tcp_ns", tcp_ns, &f);
  region("tcp_ns_sendall", tcp_ns_sendall, &f);
  with_timeout(&f, 5);
  region("tcp_ns_timeout", tcp_ns, &f);
  region("tcp_ns_sendall_timeout", tcp_ns_sendall, &f);
  close_fixture(&f);

  udp_fixture(&f);
  region("udp_raw", udp_raw, &f);
  region("udp_ns", udp_ns, &f);
  with_timeout(&f, 5);
  region("udp_ns_timeout", udp_ns, &f);
  close_fixture(&f);
  return 0;
}

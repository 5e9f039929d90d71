/* SPDX-License-Identifier: MIT */
/*
 * Request/response latency: one message goes out and comes back, over TCP
 * (TCP_NODELAY, so Nagle never holds a byte back) or UDP. The time per
 * round trip is the cost of four socket calls plus two wake-ups.
 */
#include <stdio.h>
#include <stdlib.h>

#include "backend.h"
#include "cases.h"

#define MAX_MESSAGE 65536
#define WARMUP 1000

static void params(char *buf, size_t len, size_t size, double timeout)
{
  if (timeout < 0)
    snprintf(buf, len, "size=%zu;timeout=none", size);
  else
    snprintf(buf, len, "size=%zu;timeout=%g", size, timeout);
}

static void tcp_round_trips(bk_sock s, unsigned char *buf, size_t size,
                            long n)
{
  for (long i = 0; i < n; i++) {
    bk_send_full(s, buf, size);
    if (!bk_recv_full(s, buf, size))
      bench_die("recv", "the echo side closed early");
  }
}

void case_pingpong_tcp(const struct bench_opts *o)
{
  unsigned char *buf = bench_alloc(MAX_MESSAGE);
  size_t size = o->size ? o->size : 1;
  long iters = o->iters ? o->iters : 20000;
  if (size > MAX_MESSAGE)
    bench_die("pingpong_tcp", "--size is at most 65536");
  bk_sock client, server;
  bk_tcp_pair(&client, &server, true);

  pid_t pid = bench_fork();
  if (pid == 0) {
    bk_close(client);
    if (o->timeout >= 0)
      bk_settimeout(&server, o->timeout);
    while (bk_recv_full(server, buf, size))
      bk_send_full(server, buf, size);
    bk_close(server);
    _exit(0);
  }
  bk_close(server);
  if (o->timeout >= 0)
    bk_settimeout(&client, o->timeout);
  bench_pattern(buf, size);
  tcp_round_trips(client, buf, size, WARMUP);
  double t0 = bench_now();
  tcp_round_trips(client, buf, size, iters);
  double t1 = bench_now();
  bk_close(client);
  bench_wait(pid);
  free(buf);

  char p[64], detail[64];
  params(p, sizeof p, size, o->timeout);
  snprintf(detail, sizeof detail, "round_trips=%ld", iters);
  bench_report("pingpong_tcp", p, (t1 - t0) / (double)iters * 1e6, "us/rt",
               detail);
}

static void udp_round_trips(bk_sock s, const bk_addr *to, unsigned char *buf,
                            size_t size, long n)
{
  bk_addr from;
  for (long i = 0; i < n; i++) {
    bk_sendto(s, buf, size, to);
    if (bk_recvfrom(s, buf, size, &from) != size)
      bench_die("recvfrom", "short datagram");
  }
}

void case_pingpong_udp(const struct bench_opts *o)
{
  unsigned char *buf = bench_alloc(MAX_MESSAGE);
  size_t size = o->size ? o->size : 1;
  long iters = o->iters ? o->iters : 20000;
  if (size > 1400)
    bench_die("pingpong_udp", "--size is at most 1400");
  bk_addr client_addr, server_addr;
  bk_sock client = bk_udp_bound(&client_addr);
  bk_sock server = bk_udp_bound(&server_addr);
  (void)client_addr;

  pid_t pid = bench_fork();
  if (pid == 0) {
    bk_close(client);
    if (o->timeout >= 0)
      bk_settimeout(&server, o->timeout);
    bk_addr from;
    /* The client says "stop" with an empty datagram. */
    size_t n;
    while ((n = bk_recvfrom(server, buf, size, &from)) != 0)
      bk_sendto(server, buf, n, &from);
    bk_close(server);
    _exit(0);
  }
  bk_close(server);
  if (o->timeout >= 0)
    bk_settimeout(&client, o->timeout);
  bench_pattern(buf, size);
  udp_round_trips(client, &server_addr, buf, size, WARMUP);
  double t0 = bench_now();
  udp_round_trips(client, &server_addr, buf, size, iters);
  double t1 = bench_now();
  bk_sendto(client, buf, 0, &server_addr);
  bk_close(client);
  bench_wait(pid);
  free(buf);

  char p[64], detail[64];
  params(p, sizeof p, size, o->timeout);
  snprintf(detail, sizeof detail, "round_trips=%ld", iters);
  bench_report("pingpong_udp", p, (t1 - t0) / (double)iters * 1e6, "us/rt",
               detail);
}

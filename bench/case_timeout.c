/* SPDX-License-Identifier: MIT */
/*
 * How late a timeout fires: one operation that cannot complete, timed from
 * the call to its timeout, once per sample. One row per sample, in
 * milliseconds; the report takes the median of the lateness.
 *
 *   --op recv     a recv on a connected TCP socket that never gets data
 *   --op accept   an accept on a listener nobody connects to
 *   --op connect  a connect to a listener whose queue is full (backlog 0,
 *                 one connection never accepted), so its SYN is dropped
 *   --op sendall  a sendall of 8 MiB to a peer that never reads, once the
 *                 socket buffers are full
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend.h"
#include "cases.h"

#define SENDALL_BYTES ((size_t)8 << 20)

static void report(const char *op, double timeout, double t0, double t1)
{
  char p[64];
  snprintf(p, sizeof p, "op=%s;timeout=%g", op, timeout);
  bench_report("timeout_precision", p, (t1 - t0) * 1e3, "ms", NULL);
}

static void expect_timeout(bool completed, const char *what)
{
  if (completed)
    bench_die(what, "completed where it should have timed out");
}

static void time_recv(double timeout, long samples)
{
  bk_sock client, server;
  bk_tcp_pair(&client, &server, true);
  bk_settimeout(&client, timeout);
  for (long i = 0; i < samples; i++) {
    unsigned char byte;
    size_t n;
    double t0 = bench_now();
    bool got = bk_recv_or_timeout(client, &byte, 1, &n);
    double t1 = bench_now();
    expect_timeout(got, "recv");
    report("recv", timeout, t0, t1);
  }
  bk_close(client);
  bk_close(server);
}

static void time_accept(double timeout, long samples)
{
  bk_sock l = bk_socket(SOCK_STREAM);
  bk_bind_loopback(l);
  bk_listen(l, 1);
  bk_settimeout(&l, timeout);
  for (long i = 0; i < samples; i++) {
    bk_sock c;
    double t0 = bench_now();
    bool got = bk_accept_or_timeout(l, &c);
    double t1 = bench_now();
    expect_timeout(got, "accept");
    report("accept", timeout, t0, t1);
  }
  bk_close(l);
}

static void time_connect(double timeout, long samples)
{
  bk_sock l = bk_socket(SOCK_STREAM);
  bk_bind_loopback(l);
  bk_listen(l, 0);
  bk_addr a = bk_getsockname(l);
  /* The one connection the queue holds, never accepted: later SYNs are
     dropped, and their connects wait. */
  bk_sock first = bk_socket(SOCK_STREAM);
  bk_connect(first, &a);
  for (long i = 0; i < samples; i++) {
    bk_sock c = bk_socket(SOCK_STREAM);
    bk_settimeout(&c, timeout);
    double t0 = bench_now();
    bool got = bk_connect_or_timeout(c, &a);
    double t1 = bench_now();
    expect_timeout(got, "connect");
    report("connect", timeout, t0, t1);
    bk_close(c);
  }
  bk_close(first);
  bk_close(l);
}

static void time_sendall(double timeout, long samples)
{
  unsigned char *buf = bench_alloc(SENDALL_BYTES);
  bench_pattern(buf, SENDALL_BYTES);
  bk_sock client, server;
  bk_tcp_pair(&client, &server, false);
  bk_settimeout(&client, timeout > 0.05 ? timeout : 0.05);
  /* Fill both socket buffers first, untimed: every sample then starts
     with a send that cannot go on. */
  expect_timeout(bk_sendall_or_timeout(client, buf, SENDALL_BYTES),
                 "sendall");
  bk_settimeout(&client, timeout);
  for (long i = 0; i < samples; i++) {
    double t0 = bench_now();
    bool sent = bk_sendall_or_timeout(client, buf, SENDALL_BYTES);
    double t1 = bench_now();
    expect_timeout(sent, "sendall");
    report("sendall", timeout, t0, t1);
  }
  bk_close(client);
  bk_close(server);
  free(buf);
}

void case_timeout_precision(const struct bench_opts *o)
{
  double timeout = o->timeout > 0 ? o->timeout : 0.1;
  long samples = o->iters ? o->iters : 4;
  const char *op = o->op ? o->op : "recv";
  if (strcmp(op, "recv") == 0)
    time_recv(timeout, samples);
  else if (strcmp(op, "accept") == 0)
    time_accept(timeout, samples);
  else if (strcmp(op, "connect") == 0)
    time_connect(timeout, samples);
  else if (strcmp(op, "sendall") == 0)
    time_sendall(timeout, samples);
  else
    bench_die("timeout_precision", "--op is recv, accept, connect or sendall");
}

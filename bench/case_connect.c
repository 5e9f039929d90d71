/* SPDX-License-Identifier: MIT */
/*
 * Connection set-up and tear-down, one at a time: socket, connect, accept,
 * close both ends. One process plays both sides, since a loopback connect
 * completes in the listener's backlog before accept is called.
 */
#include <stdio.h>

#include "backend.h"
#include "cases.h"

static void churn(bk_sock listener, const bk_addr *a, long n)
{
  for (long i = 0; i < n; i++) {
    bk_sock c = bk_socket(SOCK_STREAM);
    bk_connect(c, a);
    bk_sock s = bk_accept(listener);
    bk_close(c);
    bk_close(s);
  }
}

void case_connect_churn(const struct bench_opts *o)
{
  long iters = o->iters ? o->iters : 3000;
  /* A fresh listener, hence a fresh port, per run: the client ends left in
     TIME_WAIT by earlier runs belong to other 4-tuples. */
  bk_sock l = bk_socket(SOCK_STREAM);
  bk_bind_loopback(l);
  bk_listen(l, 128);
  bk_addr a = bk_getsockname(l);
  churn(l, &a, 100);
  double t0 = bench_now();
  churn(l, &a, iters);
  double t1 = bench_now();
  bk_close(l);

  char detail[64];
  snprintf(detail, sizeof detail, "connections=%ld", iters);
  bench_report("connect_churn", "sequential", (t1 - t0) / (double)iters * 1e6,
               "us/conn", detail);
}

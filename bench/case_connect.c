/* SPDX-License-Identifier: MIT */
/*
 * Connection set-up and tear-down, one at a time: socket, connect, accept,
 * close both ends. One process plays both sides, since a loopback connect
 * completes in the listener's backlog before accept is called.
 *
 * Paced by construction: each connection is accepted before the next
 * connect, so the listen queue holds at most one. A full queue drops the
 * SYN and the connect waits for the kernel's 1 s retransmit, which would
 * measure the retransmit timer rather than connect; so the kernel's
 * ListenOverflows counter is read before and after the timed loop and
 * reported as listen_overflows=N, and bench/run_all.sh rejects (and
 * repeats) a run where it moved. The counter is the network namespace's:
 * another program's full queue moves it too, which rejects the run just
 * the same.
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
  long overflows = bench_listen_overflows();
  double t0 = bench_now();
  churn(l, &a, iters);
  double t1 = bench_now();
  long moved = overflows < 0 ? -1 : bench_listen_overflows() - overflows;
  bk_close(l);

  char detail[96];
  snprintf(detail, sizeof detail, "connections=%ld;listen_overflows=%ld",
           iters, moved);
  bench_report("connect_churn", "sequential", (t1 - t0) / (double)iters * 1e6,
               "us/conn", detail);
}

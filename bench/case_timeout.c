/* SPDX-License-Identifier: MIT */
/*
 * How late a timeout fires: a recv on a connected TCP socket that never
 * gets data, timed from the call to its TimeoutError. One row per sample,
 * in milliseconds.
 */
#include <stdio.h>

#include "backend.h"
#include "cases.h"

void case_timeout_precision(const struct bench_opts *o)
{
  double timeout = o->timeout >= 0 ? o->timeout : 0.1;
  long samples = o->iters ? o->iters : 4;
  bk_sock client, server;
  bk_tcp_pair(&client, &server, true);
  bk_settimeout(&client, timeout);
  char p[64];
  snprintf(p, sizeof p, "timeout=%g", timeout);
  for (long i = 0; i < samples; i++) {
    unsigned char byte;
    size_t n;
    double t0 = bench_now();
    bool got = bk_recv_or_timeout(client, &byte, 1, &n);
    double t1 = bench_now();
    if (got)
      bench_die("recv", "data arrived on a socket nobody writes to");
    bench_report("timeout_precision", p, (t1 - t0) * 1e3, "ms", NULL);
  }
  bk_close(client);
  bk_close(server);
}

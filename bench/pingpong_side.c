/* SPDX-License-Identifier: MIT */
/*
 * One side of the alternating ping-pong (pingpong_ab.h): the loops of
 * case_pingpong.c's TCP case, against backend.h, so the libnetsock side
 * and the raw side make exactly the calls the two benchmark programs make.
 */
#include <sched.h>
#include <stdlib.h>

#include "backend.h"
#include "pingpong_ab.h"

#ifdef NETSOCK_BENCH_RAW
#define PP_SIDE(name) pp_raw_##name
#else
#define PP_SIDE(name) pp_ns_##name
#endif

#define WARMUP 1000

struct pp_side {
  bk_sock client;
  pid_t server;
  size_t size;
  unsigned char *buf;
};

static void round_trips(struct pp_side *p, long n)
{
  for (long i = 0; i < n; i++) {
    bk_send_full(p->client, p->buf, p->size);
    if (!bk_recv_full(p->client, p->buf, p->size))
      bench_die("recv", "the echo side closed early");
  }
}

static void pin(int cpu)
{
  if (cpu < 0)
    return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    bench_die("sched_setaffinity", NULL);
}

void PP_SIDE(drop)(void *side)
{
  struct pp_side *p = side;
  bk_close(p->client);
  free(p->buf);
  free(p);
}

struct pp_side *PP_SIDE(open)(size_t size, double timeout, int server_cpu,
                              struct pp_foreign foreign)
{
  struct pp_side *p = calloc(1, sizeof *p);
  if (!p)
    bench_die("calloc", NULL);
  p->size = size;
  p->buf = bench_alloc(size);
  bk_sock server;
  bk_tcp_pair(&p->client, &server, true);
  p->server = bench_fork();
  if (p->server == 0) {
    pin(server_cpu);
    if (foreign.side)
      foreign.drop(foreign.side);
    bk_close(p->client);
    if (timeout >= 0)
      bk_settimeout(&server, timeout);
    while (bk_recv_full(server, p->buf, size))
      bk_send_full(server, p->buf, size);
    bk_close(server);
    free(p->buf);
    free(p);
    _exit(0);
  }
  bk_close(server);
  if (timeout >= 0)
    bk_settimeout(&p->client, timeout);
  bench_pattern(p->buf, size);
  round_trips(p, WARMUP);
  return p;
}

double PP_SIDE(run)(struct pp_side *p, long n)
{
  double t0 = bench_now();
  round_trips(p, n);
  return bench_now() - t0;
}

void PP_SIDE(close)(struct pp_side *p)
{
  bk_close(p->client);
  bench_wait(p->server);
  free(p->buf);
  free(p);
}

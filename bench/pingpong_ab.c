/* SPDX-License-Identifier: MIT */
/*
 * pingpong-ab: libnetsock's TCP ping-pong against its raw twin in one
 * alternating run, for a ratio finer than the noise of whole runs.
 *
 *   pingpong-ab [--size N] [--timeout SECONDS|none] [--rounds R]
 *               [--iters N] [--warmup W] [--client-cpu C] [--server-cpu C]
 *               [--raw-timeout SECONDS|none]
 *
 * Both twins' connections stay open for the whole run, each with its own
 * echo server. The client is pinned to one CPU and both echo servers to
 * another (or the same: the default is CPU 0 for all three; -1 leaves a
 * process unpinned). After W discarded rounds, R rounds each time
 * N round trips of one twin then N of the other, in alternating order
 * (libnetsock first in even rounds), so that both halves of a round see
 * the same state of the machine. The raw twin has the same timeout
 * unless --raw-timeout gives it another (none: libnetsock's timed round
 * trip against the raw one without). One CSV row per round on stdout:
 *   params,round,first,netsock_us_rt,raw_us_rt
 * bench/report.py takes the median of the per-round ratios and its
 * confidence interval.
 */
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "pingpong_ab.h"

const char bench_impl[] = "pingpong-ab";

/* No run comes near this; a hung one is killed. */
#define WATCHDOG_SECONDS 900

struct ab_opts {
  size_t size;
  double timeout, raw_timeout;
  long rounds, iters, warmup;
  int client_cpu, server_cpu;
};

static void usage(void)
{
  fprintf(stderr, "usage: pingpong-ab [--size N] [--timeout SECONDS|none] "
                  "[--rounds R] [--iters N] [--warmup W] [--client-cpu C] "
                  "[--server-cpu C] [--raw-timeout SECONDS|none]\n");
  exit(2);
}

static long number(const char *text, long min)
{
  char *end;
  long v = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || v < min)
    usage();
  return v;
}

static void parse(int argc, char **argv, struct ab_opts *o)
{
  *o = (struct ab_opts){1, -1, -2, 100, 2000, 10, 0, 0};
  for (int i = 1; i < argc; i += 2) {
    const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!value)
      usage();
    if (strcmp(flag, "--size") == 0)
      o->size = (size_t)number(value, 1);
    else if (strcmp(flag, "--timeout") == 0)
      o->timeout = strcmp(value, "none") == 0 ? -1 : atof(value);
    else if (strcmp(flag, "--raw-timeout") == 0)
      o->raw_timeout = strcmp(value, "none") == 0 ? -1 : atof(value);
    else if (strcmp(flag, "--rounds") == 0)
      o->rounds = number(value, 1);
    else if (strcmp(flag, "--iters") == 0)
      o->iters = number(value, 1);
    else if (strcmp(flag, "--warmup") == 0)
      o->warmup = number(value, 0);
    else if (strcmp(flag, "--client-cpu") == 0)
      o->client_cpu = (int)number(value, -1);
    else if (strcmp(flag, "--server-cpu") == 0)
      o->server_cpu = (int)number(value, -1);
    else
      usage();
  }
  if (o->raw_timeout == -2)
    o->raw_timeout = o->timeout;
  if (o->size > 65536 || o->timeout == 0 || o->raw_timeout == 0)
    usage(); /* the raw twin has no non-blocking mode */
}

int main(int argc, char **argv)
{
  struct ab_opts o;
  parse(argc, argv, &o);
  alarm(WATCHDOG_SECONDS);
  if (o.client_cpu >= 0) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(o.client_cpu, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
      bench_die("sched_setaffinity", NULL);
  }
  char params[160], timeout[32] = "none", raw_timeout[48] = "";
  if (o.timeout > 0)
    snprintf(timeout, sizeof timeout, "%g", o.timeout);
  if (o.raw_timeout != o.timeout) {
    if (o.raw_timeout > 0)
      snprintf(raw_timeout, sizeof raw_timeout, ";raw_timeout=%g",
               o.raw_timeout);
    else
      snprintf(raw_timeout, sizeof raw_timeout, ";raw_timeout=none");
  }
  snprintf(params, sizeof params, "size=%zu;timeout=%s%s;iters=%ld;cpus=%d/%d",
           o.size, timeout, raw_timeout, o.iters, o.client_cpu, o.server_cpu);

  struct pp_side *ns = pp_ns_open(o.size, o.timeout, o.server_cpu,
                                  (struct pp_foreign){NULL, NULL});
  struct pp_side *raw = pp_raw_open(o.size, o.raw_timeout, o.server_cpu,
                                    (struct pp_foreign){ns, pp_ns_drop});
  printf("params,round,first,netsock_us_rt,raw_us_rt\n");
  for (long r = -o.warmup; r < o.rounds; r++) {
    double t_ns, t_raw;
    bool ns_first = (r & 1) == 0;
    if (ns_first) {
      t_ns = pp_ns_run(ns, o.iters);
      t_raw = pp_raw_run(raw, o.iters);
    } else {
      t_raw = pp_raw_run(raw, o.iters);
      t_ns = pp_ns_run(ns, o.iters);
    }
    if (r < 0)
      continue;
    printf("%s,%ld,%s,%.4f,%.4f\n", params, r, ns_first ? "netsock" : "raw",
           t_ns / (double)o.iters * 1e6, t_raw / (double)o.iters * 1e6);
  }
  fflush(stdout);
  pp_ns_close(ns);
  pp_raw_close(raw);
  return 0;
}

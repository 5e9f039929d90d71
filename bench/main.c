/* SPDX-License-Identifier: MIT */
/*
 * netsock-bench / netsock-bench-raw: run one case once and print its CSV
 * row. bench/run_all.sh runs every case several times, alternating the two
 * programs and the Python twin, and turns the rows into the report.
 *
 *   netsock-bench CASE [--size N] [--iters N] [--timeout S] [--bytes N]
 *                      [--batch N] [--op OPERATION]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cases.h"

#ifdef NETSOCK_BENCH_RAW
const char bench_impl[] = "raw";
#else
const char bench_impl[] = "netsock";
#endif

/* No case runs anywhere near this long; a hung one is killed. */
#define WATCHDOG_SECONDS 300

static const struct {
  const char *name;
  void (*run)(const struct bench_opts *);
} cases[] = {
    {"pingpong_tcp", case_pingpong_tcp},
    {"pingpong_udp", case_pingpong_udp},
    {"bulk_tcp", case_bulk_tcp},
    {"sendall_large", case_sendall_large},
    {"connect_churn", case_connect_churn},
    {"udp_pps", case_udp_pps},
    {"timeout_precision", case_timeout_precision},
    {"concurrent_1000", case_concurrent},
};

static void usage(FILE *f)
{
  fprintf(f, "usage: netsock-bench CASE [--size N] [--iters N] "
             "[--timeout SECONDS|none] [--bytes N] [--batch N] "
             "[--op recv|accept|connect|sendall]\ncases:");
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    fprintf(f, " %s", cases[i].name);
  fprintf(f, "\n");
}

static unsigned long long number(const char *flag, const char *text)
{
  char *end;
  unsigned long long v = strtoull(text, &end, 10);
  if (*text == '\0' || *end != '\0') {
    fprintf(stderr, "netsock-bench: %s wants a number, not '%s'\n", flag,
            text);
    exit(2);
  }
  return v;
}

int main(int argc, char **argv)
{
  if (argc < 2 || strcmp(argv[1], "--help") == 0) {
    usage(argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  struct bench_opts o = {0, 0, -1, 0, 0, NULL};
  for (int i = 2; i < argc; i += 2) {
    const char *flag = argv[i], *value = i + 1 < argc ? argv[i + 1] : NULL;
    if (!value) {
      usage(stderr);
      return 2;
    }
    if (strcmp(flag, "--size") == 0)
      o.size = (size_t)number(flag, value);
    else if (strcmp(flag, "--iters") == 0)
      o.iters = (long)number(flag, value);
    else if (strcmp(flag, "--batch") == 0)
      o.batch = (int)number(flag, value);
    else if (strcmp(flag, "--bytes") == 0)
      o.bytes = number(flag, value);
    else if (strcmp(flag, "--op") == 0)
      o.op = value;
    else if (strcmp(flag, "--timeout") == 0)
      o.timeout = strcmp(value, "none") == 0 ? -1 : atof(value);
    else {
      usage(stderr);
      return 2;
    }
  }
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (strcmp(argv[1], cases[i].name) == 0) {
      alarm(WATCHDOG_SECONDS);
      cases[i].run(&o);
      return 0;
    }
  }
  usage(stderr);
  return 2;
}

/* SPDX-License-Identifier: MIT */
/*
 * The harness's helpers: clock, result rows, processes, pattern, checksum.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

double bench_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void bench_die(const char *what, const char *detail)
{
  fprintf(stderr, "netsock-bench (%s): %s: %s\n", bench_impl, what,
          detail ? detail : strerror(errno));
  fflush(stderr);
  _exit(1);
}

int bench_cpus(void)
{
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    return 0;
  return CPU_COUNT(&set);
}

void bench_report(const char *case_name, const char *params, double value,
                  const char *unit, const char *detail)
{
  printf("%s,%s,%s,%d,%.6g,%s,%s\n", case_name, params, bench_impl,
         bench_cpus(), value, unit, detail ? detail : "");
  fflush(stdout);
}

pid_t bench_fork(void)
{
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0)
    bench_die("fork", NULL);
  return pid;
}

void bench_wait(pid_t pid)
{
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR)
      bench_die("waitpid", NULL);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    bench_die("child", "the other side of the benchmark failed");
}

void *bench_alloc(size_t size)
{
  void *p;
  if (posix_memalign(&p, 4096, size ? size : 1) != 0)
    bench_die("posix_memalign", "out of memory");
  return p;
}

void bench_pattern(unsigned char *buf, size_t len)
{
  for (size_t i = 0; i < len; i++)
    buf[i] = (unsigned char)(i * 131u + 7u);
}

/* Addition modulo 2^64 - 1: the carry out of bit 63 comes back in. */
static uint64_t ones_add(uint64_t a, uint64_t b)
{
  uint64_t s = a + b;
  return s + (s < a);
}

uint64_t bench_csum(uint64_t acc, uint64_t offset, const void *buf,
                    size_t len)
{
  const unsigned char *p = buf;
  uint64_t sum = 0, carries = 0;
  size_t i = 0;
  /* Words are read in host order, which is the little-endian number the
     rotation below assumes on every platform this runs on (x86, arm64). */
  for (; i + 8 <= len; i += 8) {
    uint64_t w;
    memcpy(&w, p + i, 8);
    sum += w;
    carries += sum < w;
  }
  uint64_t tail = 0;
  for (unsigned k = 0; i + k < len; k++)
    tail |= (uint64_t)p[i + k] << (8 * k);
  sum = ones_add(ones_add(sum, carries), tail);
  /* Multiplying by 2^(8r) modulo 2^64 - 1 is a rotation by 8r bits. */
  unsigned r = (unsigned)(offset % 8) * 8;
  if (r)
    sum = (sum << r) | (sum >> (64 - r));
  acc = ones_add(acc, sum);
  /* 0 and 2^64 - 1 are the same residue: keep one spelling. */
  return acc == UINT64_MAX ? 0 : acc;
}

long bench_listen_overflows(void)
{
  FILE *f = fopen("/proc/net/netstat", "r");
  if (!f)
    return -1;
  /* Pairs of lines: "TcpExt: Name Name ..." then "TcpExt: 1 2 ...". */
  char names[8192], values[8192];
  long found = -1;
  while (found < 0 && fgets(names, sizeof names, f) &&
         fgets(values, sizeof values, f)) {
    if (strncmp(names, "TcpExt:", 7) != 0)
      continue;
    char *ns = NULL, *vs = NULL;
    char *n = strtok_r(names, " \n", &ns);
    char *v = strtok_r(values, " \n", &vs);
    while (n && v) {
      if (strcmp(n, "ListenOverflows") == 0) {
        found = strtol(v, NULL, 10);
        break;
      }
      n = strtok_r(NULL, " \n", &ns);
      v = strtok_r(NULL, " \n", &vs);
    }
  }
  fclose(f);
  return found;
}

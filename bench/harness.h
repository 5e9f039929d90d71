/* SPDX-License-Identifier: MIT */
/*
 * The benchmark harness: what the libnetsock program and its raw-C twin
 * share. Every case is written once against backend.h and compiled twice,
 * so the two programs differ only in the calls that move the bytes.
 *
 * One run of one case prints one CSV row on stdout:
 *   case,params,impl,cpus,value,unit,detail
 * `cpus` is the size of the CPU affinity mask (1 when pinned with taskset),
 * `unit` says which way is better (us/... lower, GB/s and kpps higher).
 */
#ifndef NETSOCK_BENCH_HARNESS_H
#define NETSOCK_BENCH_HARNESS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* What the command line asked for; 0 means "the case's default". */
struct bench_opts {
  size_t size;       /* payload or chunk size in bytes */
  long iters;        /* round trips, connections, packets, samples */
  double timeout;    /* socket timeout in seconds; < 0 for none */
  uint64_t bytes;    /* total bytes for the bulk cases */
  int batch;         /* datagrams per batch call; 0 for one per call */
  const char *op;    /* timeout_precision: recv, accept, connect, sendall */
};

/* Seconds from CLOCK_MONOTONIC. */
double bench_now(void);

/* Report a failure and end the process (the benchmarks never recover). */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void bench_die(const char *what, const char *detail);

/* The number of CPUs this process may run on. */
int bench_cpus(void);

/* Print one result row. `params` is "key=value;key=value". */
void bench_report(const char *case_name, const char *params, double value,
                  const char *unit, const char *detail);

/* fork(), or die; the child must leave through _exit(). */
pid_t bench_fork(void);
/* Wait for a child and die unless it exited with status 0. */
void bench_wait(pid_t pid);

/* Page-aligned memory, or die: both twins copy from and to buffers with
   the same alignment, which the kernel's copy speed depends on. */
void *bench_alloc(size_t size);

/* Fill buf with the benchmark's byte pattern. */
void bench_pattern(unsigned char *buf, size_t len);

/*
 * A checksum of a byte stream that any chunking gives the same: the stream
 * read as one little-endian number modulo 2^64 - 1, i.e. a one's-complement
 * sum of 64-bit words. `offset` is where the chunk sits in the stream.
 * It runs at several bytes per cycle, so the receiver stays bound by the
 * socket copy, not by the check.
 */
uint64_t bench_csum(uint64_t acc, uint64_t offset, const void *buf,
                    size_t len);

/* The kernel's TcpExt ListenOverflows counter (/proc/net/netstat): how
   many times a listen queue was full, in this network namespace, whoever
   owned the queue; -1 when it cannot be read. */
long bench_listen_overflows(void);

/* What the case prints as `impl`: "netsock" or "raw". */
extern const char bench_impl[];

#endif /* NETSOCK_BENCH_HARNESS_H */

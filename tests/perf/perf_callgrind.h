/* SPDX-License-Identifier: MIT */
/*
 * Running perf_loops under callgrind and reading back its regions, for
 * the gates that compare libnetsock's I/O path with raw system calls.
 *
 * Valgrind has no vDSO, so under it every clock_gettime() is a real
 * system call, while natively it is not one. Each region therefore keeps
 * the clock reads apart (clock_sys, clock_ir) from everything else.
 */
#ifndef NETSOCK_PERF_CALLGRIND_H
#define NETSOCK_PERF_CALLGRIND_H

#include <stdbool.h>
#include <stdint.h>

/* A CTest test that returns this is reported as skipped. */
#define PERF_SKIP 77

/* perf_loops marks its regions with <valgrind/callgrind.h>'s requests; a
   compiler that cannot see the header (musl-gcc searches only its own C
   library's headers) builds it without them, and there is nothing to
   measure. perf_loops.c is built by the same compiler. */
#if __has_include(<valgrind/callgrind.h>)
#define PERF_HAVE_CALLGRIND_H 1
#else
#define PERF_HAVE_CALLGRIND_H 0
#endif
#define PERF_NO_CALLGRIND_H_REASON                                             \
  "valgrind/callgrind.h is not visible to this compiler, so perf_loops "       \
  "marks no regions"

struct perf_region {
  char name[64];
  uint64_t ir;       /* instructions, everything in the region */
  uint64_t sys;      /* system calls, everything in the region */
  uint64_t clock_ir; /* of those, inside clock_gettime() */
  uint64_t clock_sys;
};

struct perf_run {
  struct perf_region regions[32];
  int count;
};

/* The valgrind to run ($NETSOCK_VALGRIND, else "valgrind" on PATH), or
   NULL when there is none. */
const char *perf_valgrind(void);

/* Run `worker` under callgrind and read its regions: 0 on success;
   PERF_SKIP when this valgrind cannot read the program's debug
   information (valgrind 3.19 and clang's DWARF 5), which says nothing
   about the library; -1 on any other failure, with the reason printed. */
int perf_callgrind_run(const char *valgrind, const char *worker,
                       struct perf_run *out);

/* The region called `name`; fails the current cmocka test when missing. */
const struct perf_region *perf_region(const struct perf_run *run,
                                      const char *name);

#endif /* NETSOCK_PERF_CALLGRIND_H */

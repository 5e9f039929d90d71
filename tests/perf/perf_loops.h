/* SPDX-License-Identifier: MIT */
/* What perf_loops.c and the gates that read its dumps agree on. */
#ifndef NETSOCK_PERF_LOOPS_H
#define NETSOCK_PERF_LOOPS_H

/* Iterations per region; each iteration is four socket calls. */
#define PERF_REGION_ITERS 1000
#define PERF_CALLS_PER_ITER 4

#endif /* NETSOCK_PERF_LOOPS_H */

/* SPDX-License-Identifier: MIT */
/*
 * The instruction budget of the I/O path, in one place. The gate
 * netsock.perf_instructions fails when a call through libnetsock executes
 * more user-space instructions (callgrind's Ir) beyond the same call made
 * directly to libc than its path allows here. The clock read of a timed
 * call is not counted: under valgrind it is a system call, natively a
 * vDSO read (about 25 ns here, docs/performance.md).
 *
 * The committed figures in docs/ must agree with these budgets: the test
 * netsock.perf_docs (tests/perf/check_docs.py) fails when they do not.
 */
#ifndef NETSOCK_PERF_BUDGET_H
#define NETSOCK_PERF_BUDGET_H

/* Every blocking send, sendall, recv, sendto, recvfrom (36.5-42.75 today:
   send/recv lowest, sendto/recvfrom highest; the portable build,
   -DNETSOCK_PLATFORM=posix, reaches 44.75). */
#define NS_PERF_EXTRA_IR_PER_CALL 45

/*
 * The same calls with a timeout set: the check that the kernel's timer
 * already holds the call's starting timer, the call to the clock and the
 * deadline made of its reading (11 more, 47.5-53.75 today: send/recv and
 * sendall/recv within 50, sendto/recvfrom not yet), on top of the clock
 * read itself, which is not counted.
 */
#define NS_PERF_EXTRA_IR_TIMEOUT 54

#endif /* NETSOCK_PERF_BUDGET_H */

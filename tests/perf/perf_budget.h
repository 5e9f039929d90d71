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

/* Every blocking send, sendall, recv, sendto, recvfrom (34.5-40.25 today:
   send/recv lowest, sendto/recvfrom highest). */
#define NS_PERF_EXTRA_IR_PER_CALL 45

/*
 * The same calls with a timeout set: the socket's timeout noted for a
 * retry, the check that the kernel's timer already holds the call's
 * starting timer and the call to the clock (7 more, 41.5-47.25 today:
 * send/recv lowest, sendto/recvfrom highest), on top of the clock read
 * itself, which is not counted. The deadline is worked out from the
 * reading only when the call has to be retried.
 */
#define NS_PERF_EXTRA_IR_TIMEOUT 50

#endif /* NETSOCK_PERF_BUDGET_H */

/* SPDX-License-Identifier: MIT */
/*
 * Gate: a blocking send, sendall, recv, sendto or recvfrom through
 * libnetsock makes exactly the system calls that the same call made
 * directly to libc makes, with no timeout and with one set (one system
 * call per operation that can complete at once; no hidden poll, fcntl,
 * getsockopt or setsockopt). Counted by callgrind --collect-systime, so
 * the result does not depend on how busy the machine is.
 *
 * Under valgrind clock_gettime() is a system call, natively it is a vDSO
 * read: the timed regions' clock reads are counted apart and shown.
 */
#include <inttypes.h>
#include <stdio.h>

#include "ns_test.h"
#include "perf_callgrind.h"
#include "perf_loops.h"

static struct perf_run run;
static int run_status;

#define CALLS ((uint64_t)PERF_REGION_ITERS * PERF_CALLS_PER_ITER)

static int callgrind_ran(void **state)
{
  (void)state;
  return run_status;
}

static void same_syscalls(const char *region, const char *raw_region)
{
  const struct perf_region *ns = perf_region(&run, region);
  const struct perf_region *raw = perf_region(&run, raw_region);
  uint64_t socket_calls = ns->sys - ns->clock_sys;
  printf("# %-24s %6" PRIu64 " system calls for %" PRIu64
         " socket calls (raw: %" PRIu64 "), plus %" PRIu64
         " clock reads (vDSO outside valgrind)\n",
         region, socket_calls, CALLS, raw->sys, ns->clock_sys);
  if (raw->sys != CALLS || raw->clock_sys != 0)
    fail_msg("%s: the raw loop made %" PRIu64 " system calls for %" PRIu64
             " calls; the measurement itself is broken",
             raw_region, raw->sys, CALLS);
  if (socket_calls != raw->sys)
    fail_msg("%s: %" PRIu64 " system calls for %" PRIu64
             " calls, where raw code makes %" PRIu64,
             region, socket_calls, CALLS, raw->sys);
}

/* With a timeout, the deadline costs one clock read per call at most. */
static void one_clock_read_per_call(const char *region)
{
  const struct perf_region *ns = perf_region(&run, region);
  if (ns->clock_sys > CALLS)
    fail_msg("%s: %" PRIu64 " clock reads for %" PRIu64 " calls", region,
             ns->clock_sys, CALLS);
}

static void test_perf_syscalls__tcp_send_recv(void **state)
{
  (void)state;
  same_syscalls("tcp_ns", "tcp_raw");
}

static void test_perf_syscalls__tcp_sendall_recv(void **state)
{
  (void)state;
  same_syscalls("tcp_ns_sendall", "tcp_raw");
}

static void test_perf_syscalls__tcp_send_recv_timeout(void **state)
{
  (void)state;
  same_syscalls("tcp_ns_timeout", "tcp_raw");
  one_clock_read_per_call("tcp_ns_timeout");
}

static void test_perf_syscalls__tcp_sendall_recv_timeout(void **state)
{
  (void)state;
  same_syscalls("tcp_ns_sendall_timeout", "tcp_raw");
  one_clock_read_per_call("tcp_ns_sendall_timeout");
}

static void test_perf_syscalls__udp_sendto_recvfrom(void **state)
{
  (void)state;
  same_syscalls("udp_ns", "udp_raw");
}

static void test_perf_syscalls__udp_sendto_recvfrom_timeout(void **state)
{
  (void)state;
  same_syscalls("udp_ns_timeout", "udp_raw");
  one_clock_read_per_call("udp_ns_timeout");
}

int main(void)
{
  if (!PERF_HAVE_CALLGRIND_H) {
    printf("%s: skipping the system-call gate\n", PERF_NO_CALLGRIND_H_REASON);
    return PERF_SKIP;
  }
  if (!perf_valgrind()) {
    printf("valgrind not found: skipping the system-call gate\n");
    return PERF_SKIP;
  }
  run_status = perf_callgrind_run(perf_valgrind(), PERF_LOOPS, &run);
  if (run_status == PERF_SKIP) {
    printf("valgrind cannot read this build's debug information (valgrind "
           "3.19 and DWARF 5 from clang; build with -gdwarf-4): skipping "
           "the system-call gate\n");
    return PERF_SKIP;
  }
  const struct CMUnitTest tests[] = {
      NS_TEST(test_perf_syscalls__tcp_send_recv),
      NS_TEST(test_perf_syscalls__tcp_sendall_recv),
      NS_TEST(test_perf_syscalls__tcp_send_recv_timeout),
      NS_TEST(test_perf_syscalls__tcp_sendall_recv_timeout),
      NS_TEST(test_perf_syscalls__udp_sendto_recvfrom),
      NS_TEST(test_perf_syscalls__udp_sendto_recvfrom_timeout),
  };
  return cmocka_run_group_tests_name("perf_syscalls", tests, callgrind_ran,
                                     NULL);
}

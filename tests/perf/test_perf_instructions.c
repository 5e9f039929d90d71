/* SPDX-License-Identifier: MIT */
/*
 * Gate: the user-space instructions libnetsock adds to each I/O call stay
 * within perf_budget.h. Measured by callgrind over loops of blocking calls
 * that each complete at once, as the difference between a loop through
 * libnetsock and the same loop made directly to libc, on the same sockets.
 * Instruction counts do not depend on load, so neither does this test; they
 * do depend on the optimiser, so an unoptimised build skips it.
 */
#include <inttypes.h>
#include <stdio.h>

#include "ns_test.h"
#include "perf_budget.h"
#include "perf_callgrind.h"
#include "perf_loops.h"

static struct perf_run run;
static int run_status;

#define CALLS ((double)PERF_REGION_ITERS * PERF_CALLS_PER_ITER)

static int callgrind_ran(void **state)
{
  (void)state;
  return run_status;
}

static void within_budget(const char *region, const char *raw_region,
                          double budget)
{
  const struct perf_region *ns = perf_region(&run, region);
  const struct perf_region *raw = perf_region(&run, raw_region);
  double extra = ((double)(ns->ir - ns->clock_ir) - (double)raw->ir) / CALLS;
  printf("# %-24s %6.2f extra instructions per call (budget %g; raw call "
         "%.2f, clock read %.2f under valgrind)\n",
         region, extra, budget, (double)raw->ir / CALLS,
         (double)ns->clock_ir / CALLS);
  if (extra > budget)
    fail_msg("%s: %.2f extra instructions per call, over the budget of %g "
             "(tests/perf/perf_budget.h)",
             region, extra, budget);
}

static void test_perf_instructions__tcp_send_recv(void **state)
{
  (void)state;
  within_budget("tcp_ns", "tcp_raw", NS_PERF_EXTRA_IR_PER_CALL);
}

static void test_perf_instructions__tcp_sendall_recv(void **state)
{
  (void)state;
  within_budget("tcp_ns_sendall", "tcp_raw", NS_PERF_EXTRA_IR_PER_CALL);
}

static void test_perf_instructions__tcp_send_recv_timeout(void **state)
{
  (void)state;
  within_budget("tcp_ns_timeout", "tcp_raw", NS_PERF_EXTRA_IR_TIMEOUT);
}

static void test_perf_instructions__tcp_sendall_recv_timeout(void **state)
{
  (void)state;
  within_budget("tcp_ns_sendall_timeout", "tcp_raw", NS_PERF_EXTRA_IR_TIMEOUT);
}

static void test_perf_instructions__udp_sendto_recvfrom(void **state)
{
  (void)state;
  within_budget("udp_ns", "udp_raw", NS_PERF_EXTRA_IR_PER_CALL);
}

static void test_perf_instructions__udp_sendto_recvfrom_timeout(void **state)
{
  (void)state;
  within_budget("udp_ns_timeout", "udp_raw", NS_PERF_EXTRA_IR_TIMEOUT);
}

int main(void)
{
  if (!PERF_SYSTEM_LIBC) {
    printf("the budgets (perf_budget.h) are measured on the system's C "
           "library; this build uses another (its strerror texts are not "
           "python3's): skipping the instruction gate\n");
    return PERF_SKIP;
  }
  if (!PERF_OPTIMIZED) {
    printf("the library is built without optimisation: instruction counts "
           "mean nothing, skipping\n");
    return PERF_SKIP;
  }
  if (!PERF_HAVE_CALLGRIND_H) {
    printf("%s: skipping the instruction gate\n", PERF_NO_CALLGRIND_H_REASON);
    return PERF_SKIP;
  }
  if (!perf_valgrind()) {
    printf("valgrind not found: skipping the instruction gate\n");
    return PERF_SKIP;
  }
  run_status = perf_callgrind_run(perf_valgrind(), PERF_LOOPS, &run);
  if (run_status == PERF_SKIP) {
    printf("valgrind cannot read this build's debug information (valgrind "
           "3.19 and DWARF 5 from clang; build with -gdwarf-4): skipping "
           "the instruction gate\n");
    return PERF_SKIP;
  }
  const struct CMUnitTest tests[] = {
      NS_TEST(test_perf_instructions__tcp_send_recv),
      NS_TEST(test_perf_instructions__tcp_sendall_recv),
      NS_TEST(test_perf_instructions__tcp_send_recv_timeout),
      NS_TEST(test_perf_instructions__tcp_sendall_recv_timeout),
      NS_TEST(test_perf_instructions__udp_sendto_recvfrom),
      NS_TEST(test_perf_instructions__udp_sendto_recvfrom_timeout),
  };
  return cmocka_run_group_tests_name("perf_instructions", tests, callgrind_ran,
                                     NULL);
}

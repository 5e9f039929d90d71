/* SPDX-License-Identifier: MIT */
/*
 * A private resolver for tests: run a function in a child process inside
 * its own user and mount namespaces, where /etc/hosts and
 * /etc/nsswitch.conf are files the test wrote ("hosts: files", so that no
 * lookup ever leaves the machine). The c-ares technique; the same as
 * `unshare -rm` plus two bind mounts.
 */
#ifndef NETSOCK_TEST_HOSTS_SANDBOX_H
#define NETSOCK_TEST_HOSTS_SANDBOX_H

#include <stdbool.h>
#include <stdio.h>

#include <netsock/netsock.h>

/* What the sandboxed function returns: 0 passed, 1 failed. */
typedef int (*hosts_sandbox_fn)(void *arg);

/* What the sandbox holds. */
typedef struct hosts_sandbox {
  const char *hosts;       /* the text of /etc/hosts */
  const char *nsswitch;    /* of /etc/nsswitch.conf; NULL: "hosts: files" */
  const char *resolv_conf; /* of /etc/resolv.conf; NULL: the machine's */
  bool own_network;        /* a network namespace of its own, lo up */
} hosts_sandbox;

/*
 * Run fn(arg) in the sandbox. The test fails when fn fails, and is
 * skipped, with the reason printed, when namespaces are not available
 * here. Call it from a cmocka test.
 */
void hosts_sandbox_run_in(const hosts_sandbox *sb, hosts_sandbox_fn fn,
                          void *arg);

/* The common case: only /etc/hosts, resolved from files alone. */
void hosts_sandbox_run(const char *hosts, hosts_sandbox_fn fn, void *arg);

/* Checks for inside the sandbox, where cmocka's assertions cannot run:
   they print what failed and make the function return 1. */
#define SB_CHECK(cond)                                                         \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: check failed: %s\n  last error: %s: %s\n",       \
              __FILE__, __LINE__, #cond, ns_error_name(ns_error_last_code()),  \
              ns_error_last_message());                                        \
      return 1;                                                                \
    }                                                                          \
  } while (0)

#define SB_CHECK_STR(got, want)                                                \
  do {                                                                         \
    const char *got_ = (got), *want_ = (want);                                 \
    if (strcmp(got_, want_) != 0) {                                            \
      fprintf(stderr, "%s:%d: %s is \"%s\", expected \"%s\"\n", __FILE__,      \
              __LINE__, #got, got_, want_);                                    \
      return 1;                                                                \
    }                                                                          \
  } while (0)

#endif /* NETSOCK_TEST_HOSTS_SANDBOX_H */

/* SPDX-License-Identifier: MIT */
/*
 * What the fuzz targets share. Each defines LLVMFuzzerTestOneInput; built
 * with clang -fsanitize=fuzzer it is a libFuzzer target, and linked with
 * driver.c it replays a corpus as an ordinary test.
 *
 * A broken property is a crash (FUZZ_CHECK prints it and aborts), which is
 * what libFuzzer looks for and what fails the replay test.
 */
#ifndef NETSOCK_FUZZ_H
#define NETSOCK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__,     \
              #cond);                                                          \
      abort();                                                                 \
    }                                                                          \
  } while (0)

/*
 * Known library bugs, reported and not yet fixed, are skipped when this is
 * defined (the CI smoke runs), so that a run finds new ones; the replay of
 * tests/fuzz/known_bugs/ shows them still there.
 */
#if defined(NS_FUZZ_SKIP_KNOWN_BUGS)
#define FUZZ_KNOWN_BUG(cond) (cond)
#else
#define FUZZ_KNOWN_BUG(cond) 0
#endif

#endif /* NETSOCK_FUZZ_H */

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
#include <string.h>

#include <netsock/netsock.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_CHECK(cond)                                                       \
  do {                                                                         \
    if (!(cond)) {                                                             \
      fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__,      \
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

/* Formatting into exactly `need` bytes works; into need - 1 it fails and
   leaves every byte alone. The buffers are malloc'd to size, so a write
   past their end is caught by ASan or valgrind. */
static inline void fuzz_check_format_sizes(const ns_addr *a, const char *want,
                                           ns_err (*fmt)(const ns_addr *,
                                                         char *, size_t))
{
  size_t need = strlen(want) + 1;
  char *exact = malloc(need);
  FUZZ_CHECK(exact);
  FUZZ_CHECK(fmt(a, exact, need) == NS_OK);
  FUZZ_CHECK(strcmp(exact, want) == 0);
  free(exact);
  size_t shorter = need - 1;
  char *small = malloc(shorter ? shorter : 1);
  FUZZ_CHECK(small);
  memset(small, 0xA5, shorter ? shorter : 1);
  FUZZ_CHECK(fmt(a, small, shorter) == NS_ERR_OVERFLOW);
  for (size_t i = 0; i < shorter; i++)
    FUZZ_CHECK((unsigned char)small[i] == 0xA5);
  free(small);
  FUZZ_CHECK(fmt(a, NULL, 0) == NS_ERR_OVERFLOW);
}

#endif /* NETSOCK_FUZZ_H */

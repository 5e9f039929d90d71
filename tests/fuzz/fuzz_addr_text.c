/* SPDX-License-Identifier: MIT */
/*
 * Address text: parse -> format -> parse. Any text that parses must format
 * (into NS_ADDR_STRLEN), parse back to the very same bytes, and format to
 * the same text again; formatting into a buffer of exactly the right size
 * works and one byte less writes nothing at all. Text that does not parse
 * gives a clean error and an empty address. The same text also goes
 * through ns_inet_pton/ns_inet_ntop for both families.
 */
#include "fuzz.h"

#include <string.h>
#ifndef _WIN32
#include <sys/socket.h>
#endif

#include <netsock/netsock.h>

static void round_trip(const ns_addr *a)
{
  int family = ns_addr_family(a);
  FUZZ_CHECK(family == AF_INET || family == AF_INET6 || family == AF_UNIX);
  FUZZ_CHECK(a->len > 0 && (size_t)a->len <= sizeof a->u);
  char text[NS_ADDR_STRLEN];
  FUZZ_CHECK(ns_addr_format(a, text, sizeof text) == NS_OK);
  fuzz_check_format_sizes(a, text, ns_addr_format);
  char host[NS_ADDR_STRLEN];
  FUZZ_CHECK(ns_addr_host(a, host, sizeof host) == NS_OK);
  fuzz_check_format_sizes(a, host, ns_addr_host);

  ns_addr b;
  FUZZ_CHECK(ns_addr_parse(&b, text) == NS_OK);
  FUZZ_CHECK(b.len == a->len);
  /* The bytes: parsing zeroes the whole union, padding included. */
  /* NOLINTNEXTLINE(*-memory-comparison,cert-exp42-c,cert-flp37-c) */
  FUZZ_CHECK(memcmp(&b.u, &a->u, sizeof b.u) == 0);
  FUZZ_CHECK(ns_addr_equal(&b, a));
  char again[NS_ADDR_STRLEN];
  FUZZ_CHECK(ns_addr_format(&b, again, sizeof again) == NS_OK);
  FUZZ_CHECK(strcmp(again, text) == 0);
  if (family != AF_UNIX)
    FUZZ_CHECK(ns_addr_port(a) >= 0 && ns_addr_port(a) <= 65535);
}

static void pton_round_trip(const char *text)
{
  static const int families[] = {AF_INET, AF_INET6};
  for (int i = 0; i < 2; i++) {
    unsigned char packed[16], again[16];
    size_t size = families[i] == AF_INET ? 4 : 16;
    if (ns_inet_pton(families[i], text, packed, sizeof packed) != NS_OK) {
      FUZZ_CHECK(ns_error_last_message()[0] != '\0');
      continue;
    }
    char out[64];
    FUZZ_CHECK(ns_inet_ntop(families[i], packed, size, out, sizeof out) ==
               NS_OK);
    FUZZ_CHECK(ns_inet_pton(families[i], out, again, sizeof again) == NS_OK);
    FUZZ_CHECK(memcmp(packed, again, size) == 0);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const char *text = (const char *)data;
  ns_addr a;
  ns_err e = ns_addr_parse_n(&a, text, size);
  if (e == NS_OK) {
    round_trip(&a);
  } else {
    FUZZ_CHECK(e == NS_ERR_VALUE || e == NS_ERR_OVERFLOW || e == NS_ERR_OS);
    FUZZ_CHECK(ns_error_last_code() == e);
    FUZZ_CHECK(ns_error_last_message()[0] != '\0');
    FUZZ_CHECK(a.len == 0 && ns_addr_family(&a) == AF_UNSPEC);
  }

  /* Text without a NUL reads the same through the NUL-terminated call. */
  if (!memchr(text, '\0', size)) {
    char *z = malloc(size + 1);
    FUZZ_CHECK(z);
    memcpy(z, text, size);
    z[size] = '\0';
    ns_addr b;
    ns_err e2 = ns_addr_parse(&b, z);
    FUZZ_CHECK(e2 == e);
    if (e == NS_OK)
      /* NOLINTNEXTLINE(*-memory-comparison,cert-exp42-c,cert-flp37-c) */
      FUZZ_CHECK(a.len == b.len && memcmp(&a.u, &b.u, sizeof a.u) == 0);
    pton_round_trip(z);
    free(z);
  }
  return 0;
}

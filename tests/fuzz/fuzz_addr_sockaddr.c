/* SPDX-License-Identifier: MIT */
/*
 * An ns_addr from raw sockaddr bytes, as a kernel or a caller might hand
 * them over. An accepted address must have a length that fits its family,
 * format (into NS_ADDR_STRLEN, exactly-sized buffers, one byte short
 * untouched), compare equal to itself, and read back through
 * ns_addr_parse() to the same address whenever its text form can carry it:
 * IPv4, IPv6 (flowinfo has no text form), abstract AF_UNIX names, and
 * paths that start with '/' or '.'. Rejected bytes give a clean ValueError.
 * IPv4 host text agrees with getnameinfo(NI_NUMERICHOST).
 */
#include "fuzz.h"

#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <netsock/netsock.h>

#define PATH_OFFSET offsetof(struct sockaddr_un, sun_path)

/* The address ns_addr_parse() should give for a's text, if it has one. */
static bool expected_parse(const ns_addr *a, ns_addr *want)
{
  memset(want, 0, sizeof *want);
  switch (ns_addr_family(a)) {
  case AF_INET:
    want->u.in4.sin_family = AF_INET;
    want->u.in4.sin_port = a->u.in4.sin_port;
    want->u.in4.sin_addr = a->u.in4.sin_addr;
    want->len = sizeof want->u.in4;
    return true;
  case AF_INET6:
    want->u.in6.sin6_family = AF_INET6;
    want->u.in6.sin6_port = a->u.in6.sin6_port;
    want->u.in6.sin6_addr = a->u.in6.sin6_addr;
    want->u.in6.sin6_scope_id = a->u.in6.sin6_scope_id;
    want->len = sizeof want->u.in6;
    return true;
  case AF_UNIX: {
    size_t n = a->len - PATH_OFFSET;
    const char *p = a->u.un.sun_path;
    if (n == 0)
      return false; /* unnamed: "", which is no address text */
    size_t keep;
    if (p[0] == '\0') {
      keep = n; /* abstract: every byte, the leading NUL included */
    } else {
      if (p[0] != '/' && p[0] != '.')
        return false; /* a relative path reads as host:port text */
      keep = strnlen(p, n);
      if (keep + 1 > sizeof a->u.un.sun_path)
        return false; /* 108 bytes, no NUL: the kernel's, not ours */
      keep += 1;      /* the NUL the library stores */
    }
    want->u.un.sun_family = AF_UNIX;
    memcpy(want->u.un.sun_path, p, keep);
    if (p[0] != '\0')
      want->u.un.sun_path[keep - 1] = '\0';
    want->len = (socklen_t)(PATH_OFFSET + keep);
    return true;
  }
  default:
    return false;
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  ns_addr a;
  ns_err e = ns_addr_from_sockaddr(&a, (const struct sockaddr *)data, size);
  if (e != NS_OK) {
    FUZZ_CHECK(e == NS_ERR_VALUE);
    FUZZ_CHECK(ns_error_last_message()[0] != '\0');
    return 0;
  }
  int family = ns_addr_family(&a);
  FUZZ_CHECK(family == AF_INET || family == AF_INET6 || family == AF_UNIX);
  FUZZ_CHECK(a.len == size && memcmp(&a.u, data, size) == 0);
  /* "NS_ERR_VALUE when the length does not fit the family". */
  if (family == AF_INET)
    FUZZ_CHECK(size == sizeof(struct sockaddr_in));
  if (family == AF_INET6)
    FUZZ_CHECK(size == sizeof(struct sockaddr_in6));
  if (family == AF_UNIX)
    FUZZ_CHECK(size >= PATH_OFFSET && size <= sizeof(struct sockaddr_un));

  FUZZ_CHECK(ns_addr_equal(&a, &a));
  char text[NS_ADDR_STRLEN], host[NS_ADDR_STRLEN];
  FUZZ_CHECK(ns_addr_format(&a, text, sizeof text) == NS_OK);
  fuzz_check_format_sizes(&a, text, ns_addr_format);
  FUZZ_CHECK(ns_addr_host(&a, host, sizeof host) == NS_OK);
  fuzz_check_format_sizes(&a, host, ns_addr_host);

  ns_addr want, back;
  if (expected_parse(&a, &want)) {
    ns_err pe = ns_addr_parse(&back, text);
    if (pe != NS_OK)
      fprintf(stderr, "'%s' does not parse back: %s\n", text,
              ns_error_last_message());
    FUZZ_CHECK(pe == NS_OK);
    FUZZ_CHECK(back.len == want.len);
    /* The bytes: parsing zeroes the whole union, padding included. */
    /* NOLINTNEXTLINE(*-memory-comparison,cert-exp42-c,cert-flp37-c) */
    FUZZ_CHECK(memcmp(&back.u, &want.u, sizeof back.u) == 0);
  }

  if (family == AF_INET) {
    char h[NI_MAXHOST];
    FUZZ_CHECK(ns_getnameinfo(&a, NI_NUMERICHOST | NI_NUMERICSERV, h, sizeof h,
                              NULL, 0) == NS_OK);
    FUZZ_CHECK(strcmp(h, host) == 0);
  }
  return 0;
}

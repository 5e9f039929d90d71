/* SPDX-License-Identifier: MIT */
/*
 * The one place that knows the layout of a sockaddr's header. Linux and
 * Windows start it with a 16-bit family; macOS and the BSDs with a one-byte
 * length (sa_len) and a one-byte family. Every sockaddr the library builds
 * or reads as raw bytes goes through here, so an address built on a BSD
 * carries its length and one read from raw bytes finds its family.
 *
 * The layout is a parameter, so the tests check the BSD one on any system;
 * the library passes NS__SA_LEN_LAYOUT, what ns_config.h found.
 */
#ifndef NETSOCK_SOCKADDR_H
#define NETSOCK_SOCKADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "platform.h"

#define NS__SA_LEN_LAYOUT (HAVE_SOCKADDR_SA_LEN != 0)

/* The family in the header of raw sockaddr bytes (at least 2 of them). */
static inline int ns__sockaddr_family(const void *raw, bool sa_len_layout)
{
  const unsigned char *b = raw;
  if (sa_len_layout)
    return b[1];
  sa_family_t family;
  memcpy(&family, b, sizeof family);
  return family;
}

/* Write the header of a sockaddr of `len` bytes: its family, and its
   length where the layout has one. */
static inline void ns__sockaddr_write_header(void *raw, int family, size_t len,
                                             bool sa_len_layout)
{
  unsigned char *b = raw;
  if (sa_len_layout) {
    b[0] = (unsigned char)len;
    b[1] = (unsigned char)family;
    return;
  }
  sa_family_t f = (sa_family_t)family;
  memcpy(b, &f, sizeof f);
}

#endif /* NETSOCK_SOCKADDR_H */

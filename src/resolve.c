/* SPDX-License-Identifier: MIT */
/*
 * Name resolution.
 */
#include <netdb.h>
#include <string.h>

#include "internal.h"

ns_err ns__resolve_host(ns_addr *out, int family, const char *host,
                        const char *op)
{
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  struct addrinfo *list = NULL;
  int rc = getaddrinfo(host, NULL, &hints, &list);
  if (rc != 0) {
    int e = errno;
    out->len = 0;
    return ns__fail_gai(op, rc, e);
  }
  /* Keep the port the caller already put into *out. */
  in_port_t port = family == AF_INET ? out->u.in4.sin_port
                                     : out->u.in6.sin6_port;
  memset(&out->u, 0, sizeof out->u);
  memcpy(&out->u, list->ai_addr, list->ai_addrlen);
  out->len = list->ai_addrlen;
  if (family == AF_INET)
    out->u.in4.sin_port = port;
  else
    out->u.in6.sin6_port = port;
  freeaddrinfo(list);
  return NS_OK;
}

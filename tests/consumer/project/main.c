/* SPDX-License-Identifier: MIT */
/*
 * A program that uses an installed libnetsock the way its users do: one
 * include, then a few calls. It fails when the headers it was compiled
 * with and the library it runs with disagree, so a consumer test cannot
 * pass by picking up some other copy of libnetsock.
 */
#include <netsock/netsock.h>

#include <stdio.h>
#include <string.h>

static int fail(const char *what, ns_err err)
{
  fprintf(stderr, "consumer: %s: %s: %s\n", what, ns_error_name(err),
          ns_error_last_message());
  return 1;
}

int main(void)
{
  ns_socket *s = NULL;
  ns_addr addr = NS_ADDR_INIT;
  ns_addr bound = NS_ADDR_INIT;
  ns_err err;

  if (ns_version() != (unsigned)NS_VERSION_HEX ||
      strcmp(ns_version_string(), NS_VERSION_STRING) != 0) {
    fprintf(stderr, "consumer: headers %s, library %s\n", NS_VERSION_STRING,
            ns_version_string());
    return 1;
  }

  /* The error path, as Python raises it for ('127.0.0.1', 70000). */
  err = ns_addr_inet(&addr, "127.0.0.1", 70000);
  if (err != NS_ERR_OVERFLOW ||
      strcmp(ns_error_name(err), "OverflowError") != 0)
    return fail("port 70000 accepted", err);

  if ((err = ns_addr_inet(&addr, "127.0.0.1", 0)) != NS_OK)
    return fail("ns_addr_inet", err);
  if ((err = ns_socket_create(&s, AF_INET, SOCK_STREAM, 0)) != NS_OK)
    return fail("ns_socket_create", err);
  if ((err = ns_bind(s, &addr)) != NS_OK ||
      (err = ns_getsockname(s, &bound)) != NS_OK) {
    ns_close(s);
    return fail("bind", err);
  }
  if ((err = ns_close(s)) != NS_OK)
    return fail("ns_close", err);
  if (ns_addr_port(&bound) <= 0)
    return fail("no port bound", NS_OK);

  printf("consumer: libnetsock %s, bound 127.0.0.1:%d\n", ns_version_string(),
         ns_addr_port(&bound));
  return 0;
}

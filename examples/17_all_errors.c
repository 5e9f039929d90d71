/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A client that reports every failed connection attempt </DESC>
 *
 * Teaches create_connection's all_errors: every address a name resolves
 * to is tried, and when all fail the caller learns why each one did, not
 * only the last (Python 3.11 raises an ExceptionGroup). In C the attempts
 * land in an array the caller owns, through the options struct, and the
 * attempts are made one at a time, as Python makes them. The Python this
 * translates is quoted in the comments
 * (tests/interop/example17_all_errors.py).
 *
 * Run:  17_all_errors [HOST]   (default localhost)
 */
#include <stdio.h>
#include <stdlib.h>

#include <netsock/netsock.h>

/* Where Python would raise an exception: print what its traceback's last
   line says (ns_error_print), after the name of the operation that
   failed, and stop. */
static void check(ns_err err)
{
  if (err != NS_OK) {
    ns_error_print(ns_error_last_operation());
    exit(EXIT_FAILURE);
  }
}

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "localhost";

  /* probe = socket.socket()
     probe.bind(('127.0.0.1', 0))
     port = probe.getsockname()[1]
     probe.close() */
  ns_socket *probe;
  ns_addr addr;
  check(ns_socket_create(&probe, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, "127.0.0.1", 0));
  check(ns_bind(probe, &addr));
  check(ns_getsockname(probe, &addr));
  int port = ns_addr_port(&addr);
  check(ns_close(probe));

  /* try:
         s = socket.create_connection((host, port), timeout=5,
                                      all_errors=True) */
  ns_connect_error items[16];
  ns_connect_errors errors = {items, 16, 0, 0};
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 5.0;
  opts.attempt_delay = NS_TIMEOUT_NONE;
  opts.all_errors = &errors;
  ns_socket *s;
  if (ns_create_connection(&s, host, port, &opts) == NS_OK) {
    /* print('connected to', s.getpeername())
       s.close() */
    check(ns_getpeername(s, &addr));
    char text[NS_ADDR_STRLEN];
    check(ns_addr_format(&addr, text, sizeof text));
    printf("connected to %s\n", text);
    check(ns_close(s));
    return EXIT_SUCCESS;
  }
  if (errors.count == 0)
    check(ns_error_last_code()); /* the lookup failed: no attempt was made */

  /* except ExceptionGroup as eg:
         print(eg)
         for exc in eg.exceptions:
             print('  %s: %s' % (type(exc).__name__, exc)) */
  size_t total = errors.count + errors.dropped;
  printf("create_connection failed (%zu sub-exception%s)\n", total,
         total == 1 ? "" : "s");
  for (size_t i = 0; i < errors.count; i++)
    printf("  %s: %s\n", ns_error_name(items[i].code), items[i].message);
  return EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A client of the dual-stack server, over IPv4 and IPv6 </DESC>
 *
 * Connects to the same port over 127.0.0.1 and over ::1 with
 * create_connection(), and prints what the server answers each time,
 * reading until the server closes. The Python this translates is quoted in
 * the comments (tests/interop/example14_dualstack_client.py).
 *
 * Run:  14_dualstack_client [PORT]   (default 8080)
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
  int port = argc > 1 ? atoi(argv[1]) : 8080;
  static const char *const hosts[] = {"127.0.0.1", "::1"};

  /* for host in ('127.0.0.1', '::1'):
         with socket.create_connection((host, port), timeout=5) as c: */
  for (size_t h = 0; h < sizeof hosts / sizeof hosts[0]; h++) {
    ns_socket *c;
    check(ns_create_connection_timeout(&c, hosts[h], port, 5.0));
    /* reply = b''
       while True:
           data = c.recv(1024)
           if not data:
               break
           reply += data */
    char reply[1024];
    size_t len = 0, n;
    do {
      check(ns_recv(c, reply + len, sizeof reply - len, 0, &n));
      len += n;
    } while (n > 0 && len < sizeof reply);
    check(ns_close(c));
    /* print(host, '->', reply.decode()) */
    printf("%s -> %.*s\n", hosts[h], (int)len, reply);
  }
  return EXIT_SUCCESS;
}

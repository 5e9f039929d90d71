/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A dual-stack server: IPv4 and IPv6 on one socket </DESC>
 *
 * Teaches create_server(): one call makes a listening TCP socket (with
 * SO_REUSEADDR, as Python sets it), and on an AF_INET6 address with
 * dualstack_ipv6 the same socket accepts IPv4 clients too, which then
 * appear as IPv4-mapped IPv6 addresses (::ffff:127.0.0.1). It answers each
 * client with the address it came from. The Python this translates is
 * quoted in the comments (tests/interop/example14_dualstack_server.py).
 *
 * Run:  14_dualstack_server [HOST [PORT [CLIENTS]]]   (default :: 8080 2)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  const char *host = argc > 1 ? argv[1] : "::";
  int port = argc > 2 ? atoi(argv[2]) : 8080;
  int clients = argc > 3 ? atoi(argv[3]) : 2;
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* if socket.has_dualstack_ipv6():
         s = socket.create_server((host, port), family=socket.AF_INET6,
                                  dualstack_ipv6=True)
     else:
         s = socket.create_server((host, port), family=socket.AF_INET6) */
  ns_addr addr;
  check(ns_addr_inet6(&addr, host, port, 0, 0));
  ns_create_server_options opts = NS_CREATE_SERVER_OPTIONS_INIT;
  opts.dualstack_ipv6 = ns_has_dualstack_ipv6();
  ns_socket *s;
  check(ns_create_server(&s, &addr, &opts));
  /* print('listening on [%s]:%d' % s.getsockname()[:2]) */
  char text[NS_ADDR_STRLEN];
  check(ns_getsockname(s, &addr));
  check(ns_addr_host(&addr, text, sizeof text));
  printf("listening on [%s]:%d\n", text, ns_addr_port(&addr));

  /* for _ in range(clients):
         conn, addr = s.accept()
         print('Connection from', addr[0]) */
  for (int i = 0; i < clients; i++) {
    ns_socket *conn;
    check(ns_accept(s, &conn, &addr));
    check(ns_addr_host(&addr, text, sizeof text));
    printf("Connection from %s\n", text);
    /* conn.sendall(b'Hello, ' + addr[0].encode())
       conn.close() */
    char reply[NS_ADDR_STRLEN + 8];
    int n = snprintf(reply, sizeof reply, "Hello, %s", text);
    check(ns_sendall(conn, reply, (size_t)n, 0, NULL));
    check(ns_close(conn));
  }
  /* s.close() */
  check(ns_close(s));
  return EXIT_SUCCESS;
}

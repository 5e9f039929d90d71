/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP client that prints the greeting a server sends. </DESC>
 *
 * Teaches the shortest client: connect, one recv, close. The bytes are
 * UTF-8 text, which C prints as they are (Python decodes them first).
 * Translates the TCP Client of seed 003; each Python line is quoted above
 * the C that does the same.
 *
 * Run:  07_greeting_client [HOST [PORT]]   (default 127.0.0.1 30000)
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
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 30000;
  ns_socket *s;
  ns_addr addr;
  char data[1024];
  size_t n;

  /* s = socket.socket() */
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  /* s.connect(('127.0.0.1', 30000)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_connect(s, &addr));
  /* print('--%s--' % s.recv(1024).decode('utf-8')) */
  check(ns_recv(s, data, sizeof data, 0, &n));
  printf("--%.*s--\n", (int)n, data);
  /* s.close() */
  check(ns_close(s));
  return EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP client that sends "Hello Server!" and prints the echo </DESC>
 *
 * Teaches the client side of the echo, and that Python's `with` block is
 * a close() at its end in C.
 * Translates 案例3 (客户端连接测试) of seed 004; each Python line is quoted
 * above the C that does the same.
 *
 * Run:  08_echo_client [HOST [PORT]]   (default 127.0.0.1 8888)
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
  int port = argc > 2 ? atoi(argv[2]) : 8888;
  ns_socket *s;
  ns_addr addr;
  char data[1024];
  size_t n, sent;

  /* with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s: */
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  /* s.connect(('127.0.0.1', 8888)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_connect(s, &addr));
  /* s.send(b'Hello Server!') */
  check(ns_send(s, "Hello Server!", 13, 0, &sent));
  /* print("收到回复:", s.recv(1024).decode()) */
  check(ns_recv(s, data, sizeof data, 0, &n));
  printf("收到回复: %.*s\n", (int)n, data);
  /* the end of the with block closes s */
  check(ns_close(s));
  return EXIT_SUCCESS;
}

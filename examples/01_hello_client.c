/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Hello, part 2: a TCP client that says "Hello Server!" </DESC>
 *
 * Teaches the life of a TCP client: socket, connect, send, recv, close.
 * Translates the client of seed 000 (section 1.3.3, "socket通信"); each
 * Python line is quoted above the C that does the same.
 *
 * Run:  01_hello_client [HOST [PORT]]     (default 127.0.0.1 12345)
 * once 01_hello_server is listening there.
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
  int port = argc > 2 ? atoi(argv[2]) : 12345;
  ns_socket *client_socket;
  ns_addr server_addr;

  /* client_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM) */
  check(ns_socket_create(&client_socket, AF_INET, SOCK_STREAM, 0));
  /* client_socket.connect(('127.0.0.1', 12345)) */
  check(ns_addr_inet(&server_addr, host, port));
  check(ns_connect(client_socket, &server_addr));

  /* client_socket.send(b'Hello Server!') */
  size_t sent;
  check(ns_send(client_socket, "Hello Server!", 13, 0, &sent));

  /* data = client_socket.recv(1024) */
  char data[1024];
  size_t received;
  check(ns_recv(client_socket, data, sizeof data, 0, &received));
  /* print('Received:', data.decode()) */
  printf("Received: %.*s\n", (int)received, data);

  /* client_socket.close() */
  check(ns_close(client_socket));
  return EXIT_SUCCESS;
}

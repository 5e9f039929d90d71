/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Hello, part 1: a TCP server that answers "Hello,client!" </DESC>
 *
 * Teaches the life of a TCP server: socket, bind, listen, accept, recv,
 * send, close; and how every libnetsock call reports a failure, as an
 * ns_err named after Python's exception class.
 * Translates the server of seed 000 (section 1.3.3, "socket通信"); each
 * Python line is quoted above the C that does the same.
 *
 * Run:  01_hello_server [HOST [PORT]]     (default 127.0.0.1 12345)
 * then 01_hello_client in a second terminal. It serves one client and
 * exits. With PORT 0 the system picks a free port: read it from the
 * "listening on" line, which is the one line that the tutorial lacks.
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

/* Python prints an IPv4 address as the tuple ('127.0.0.1', 54321). */
static const char *tuple(const ns_addr *addr, char *buf, size_t size)
{
  char host[NS_ADDR_STRLEN];
  check(ns_addr_host(addr, host, sizeof host));
  snprintf(buf, size, "('%s', %d)", host, ns_addr_port(addr));
  return buf;
}

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 12345;
  ns_socket *server_socket, *client_socket;
  ns_addr addr, client_addr;
  char text[NS_ADDR_STRLEN + 16];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* server_socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM) */
  check(ns_socket_create(&server_socket, AF_INET, SOCK_STREAM, 0));
  /* server_socket.bind(('127.0.0.1', 12345)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(server_socket, &addr));
  /* server_socket.listen(1) */
  check(ns_listen(server_socket, 1));
  check(ns_getsockname(server_socket, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);
  /* print('Wating for connection...') */
  printf("Wating for connection...\n");

  /* client_socket, client_addr = server_socket.accept() */
  check(ns_accept(server_socket, &client_socket, &client_addr));
  /* print('Connection from', client_addr) */
  printf("Connection from %s\n", tuple(&client_addr, text, sizeof text));

  /* data = client_socket.recv(1024) */
  char data[1024];
  size_t received;
  check(ns_recv(client_socket, data, sizeof data, 0, &received));
  /* print('Received', data.decode()) */
  printf("Received %.*s\n", (int)received, data);

  /* client_socket.send(b'Hello,client!') */
  size_t sent;
  check(ns_send(client_socket, "Hello,client!", 13, 0, &sent));

  /* client_socket.close()
     server_socket.close() */
  check(ns_close(client_socket));
  check(ns_close(server_socket));
  return EXIT_SUCCESS;
}

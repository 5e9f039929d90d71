/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP echo server: every byte back until the client closes </DESC>
 *
 * Teaches the echo loop, which ends when recv gives 0 bytes (the client
 * closed), and why send is not enough to echo: it may take only part of
 * the bytes, so this one uses sendall, as the tutorial's send should have.
 * Translates 案例1 (TCP回声服务器) of seed 004; each Python line is quoted
 * above the C that does the same.
 *
 * Run:  08_echo_server [HOST [PORT]]   (default 0.0.0.0 8888), then
 * 08_echo_client. It serves clients until it is stopped with Ctrl-C
 * (SIGINT) or SIGTERM.
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
  const char *host = argc > 1 ? argv[1] : "0.0.0.0";
  int port = argc > 2 ? atoi(argv[2]) : 8888;
  ns_socket *server;
  ns_addr addr;
  char text[NS_ADDR_STRLEN + 16];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* server = socket.socket(socket.AF_INET, socket.SOCK_STREAM) */
  check(ns_socket_create(&server, AF_INET, SOCK_STREAM, 0));
  /* server.bind(('0.0.0.0', 8888)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(server, &addr));
  /* server.listen(): Python picks the backlog, min(SOMAXCONN, 128). */
  check(ns_listen(server, 128));
  check(ns_getsockname(server, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);

  /* print("TCP服务器启动...") */
  printf("TCP服务器启动...\n");
  /* while True: */
  for (;;) {
    ns_socket *client;

    /* client, addr = server.accept() */
    check(ns_accept(server, &client, &addr));
    /* print(f"客户端 {addr} 已连接") */
    printf("客户端 %s 已连接\n", tuple(&addr, text, sizeof text));
    /* while True: */
    for (;;) {
      char data[1024];
      size_t n;
      /* data = client.recv(1024)
         if not data: break */
      check(ns_recv(client, data, sizeof data, 0, &n));
      if (n == 0)
        break;
      /* client.send(data): sendall, so that no byte is dropped */
      check(ns_sendall(client, data, n, 0, NULL));
    }
    /* client.close() */
    check(ns_close(client));
  }
}

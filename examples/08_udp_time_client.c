/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A UDP client that asks the time service for the time. </DESC>
 *
 * Teaches that a datagram the server ignores gets no answer: the client
 * sends "Hello UDP!" (ignored), then "time", and prints the one answer.
 * Seed 004 has no client for its time server; this one is put together
 * from the lines of its "UDP发送数据" section, quoted above the C that does
 * the same (tests/interop/seed004_udp_time_client.py is the Python).
 *
 * Run:  08_udp_time_client [HOST [PORT]]   (default 127.0.0.1 8888)
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
  int port = argc > 2 ? atoi(argv[2]) : 8888;
  ns_socket *udp_socket;
  ns_addr server, addr;
  char data[1024], text[NS_ADDR_STRLEN + 16];
  size_t n, sent;

  /* udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) */
  check(ns_socket_create(&udp_socket, AF_INET, SOCK_DGRAM, 0));
  /* udp_socket.sendto(b'Hello UDP!', ('127.0.0.1', 8888))
     udp_socket.sendto(b'time', ('127.0.0.1', 8888)) */
  check(ns_addr_inet(&server, host, port));
  check(ns_sendto(udp_socket, "Hello UDP!", 10, 0, &server, &sent));
  check(ns_sendto(udp_socket, "time", 4, 0, &server, &sent));
  /* data, addr = udp_socket.recvfrom(1024) */
  check(ns_recvfrom(udp_socket, data, sizeof data, 0, &n, &addr));
  /* print(f"收到来自{addr}的消息: {data.decode()}") */
  printf("收到来自%s的消息: %.*s\n", tuple(&addr, text, sizeof text), (int)n,
         data);
  /* udp_socket.close() */
  check(ns_close(udp_socket));
  return EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A UDP client that says "hello" in GBK and prints the answer </DESC>
 *
 * Teaches the other half of example 7's UDP exchange: text is encoded
 * before sendto and decoded after recvfrom, here with iconv(3) (on
 * Windows with its code pages).
 * Translates the UDP Client of seed 003; each Python line is quoted above
 * the C that does the same.
 *
 * Run:  07_gbk_udp_client [HOST [PORT]]   (default 127.0.0.1 8080)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netsock/netsock.h>

/* iconv(3) converts between encodings; Windows has none, and converts
   through UTF-16 with its code pages instead (936 is GBK). */
#include "recode.h"

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
  int port = argc > 2 ? atoi(argv[2]) : 8080;
  ns_socket *udp_socket_client;
  ns_addr addr, ip_port;
  char text[NS_ADDR_STRLEN + 16];
  size_t n, sent;

  /* udp_socket_client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) */
  check(ns_socket_create(&udp_socket_client, AF_INET, SOCK_DGRAM, 0));
  /* udp_socket_client.sendto("hello".encode("GBK"), ("127.0.0.1", 8080)) */
  char gbk[64];
  n = recode("GBK", "UTF-8", "hello", 5, gbk, sizeof gbk);
  check(ns_addr_inet(&addr, host, port));
  check(ns_sendto(udp_socket_client, gbk, n, 0, &addr, &sent));

  /* recv_data, ip_port = udp_socket_client.recvfrom(1024) */
  char recv_data[1024], recv_str[4 * 1024];
  check(ns_recvfrom(udp_socket_client, recv_data, sizeof recv_data, 0, &n,
                    &ip_port));
  /* print("服务端回复信息：%s" % recv_data.decode("GBK")) */
  n = recode("UTF-8", "GBK", recv_data, n, recv_str, sizeof recv_str);
  printf("服务端回复信息：%.*s\n", (int)n, recv_str);
  /* print("服务端IP及端口", ip_port) */
  printf("服务端IP及端口 %s\n", tuple(&ip_port, text, sizeof text));

  /* udp_socket_client.close() */
  check(ns_close(udp_socket_client));
  return EXIT_SUCCESS;
}

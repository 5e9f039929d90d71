/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A UDP server that answers one GBK-encoded message in GBK </DESC>
 *
 * Teaches that the encoding of text on the wire is the programs' choice:
 * here GBK, which C converts to and from UTF-8 with iconv(3) where Python
 * says .decode("GBK") and .encode("GBK").
 * Translates the UDP Server of seed 003; each Python line is quoted above
 * the C that does the same.
 *
 * Run:  07_gbk_udp_server [HOST [PORT]]   (default 127.0.0.1 8080), then
 * 07_gbk_udp_client. It answers one message and exits.
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
  ns_socket *udp_socket_server;
  ns_addr addr, ip_port;
  char text[NS_ADDR_STRLEN + 16];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* udp_socket_server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) */
  check(ns_socket_create(&udp_socket_server, AF_INET, SOCK_DGRAM, 0));
  /* udp_socket_server.bind(("127.0.0.1", 8080)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(udp_socket_server, &addr));
  check(ns_getsockname(udp_socket_server, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);

  /* recv_data, ip_port = udp_socket_server.recvfrom(1024) */
  char recv_data[1024], recv_str[4 * 1024];
  size_t n;
  check(ns_recvfrom(udp_socket_server, recv_data, sizeof recv_data, 0, &n,
                    &ip_port));
  /* recv_str = recv_data.decode("GBK") */
  n = recode("UTF-8", "GBK", recv_data, n, recv_str, sizeof recv_str);
  /* print("接收到客户端发送的数据:%s" % recv_str) */
  printf("接收到客户端发送的数据:%.*s\n", (int)n, recv_str);
  /* print("客户端IP及端口", ip_port) */
  printf("客户端IP及端口 %s\n", tuple(&ip_port, text, sizeof text));

  /* udp_socket_server.sendto("服务端收到信息啦！".encode("GBK"), ip_port) */
  const char *reply = "服务端收到信息啦！";
  char gbk[256];
  size_t sent;
  n = recode("GBK", "UTF-8", reply, strlen(reply), gbk, sizeof gbk);
  check(ns_sendto(udp_socket_server, gbk, n, 0, &ip_port, &sent));

  /* udp_socket_server.close() */
  check(ns_close(udp_socket_server));
  return EXIT_SUCCESS;
}

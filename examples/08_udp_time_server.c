/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A UDP time service: answers "time" with the current time </DESC>
 *
 * Teaches a datagram server that compares bytes (Python's data == b'time')
 * and ignores every other message.
 * Translates 案例2 (UDP时间服务器) of seed 004; each Python line is quoted
 * above the C that does the same.
 *
 * Run:  08_udp_time_server [HOST [PORT]]   (default 0.0.0.0 8888), then
 * 08_udp_time_client. It answers until it is stopped with Ctrl-C (SIGINT)
 * or SIGTERM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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
  const char *host = argc > 1 ? argv[1] : "0.0.0.0";
  int port = argc > 2 ? atoi(argv[2]) : 8888;
  ns_socket *udp_socket;
  ns_addr addr;
  char text[NS_ADDR_STRLEN];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* udp_socket = socket.socket(socket.AF_INET, socket.SOCK_DGRAM) */
  check(ns_socket_create(&udp_socket, AF_INET, SOCK_DGRAM, 0));
  /* udp_socket.bind(('0.0.0.0', 8888)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(udp_socket, &addr));
  check(ns_getsockname(udp_socket, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);

  /* print("UDP时间服务已启动") */
  printf("UDP时间服务已启动\n");
  /* while True: */
  for (;;) {
    char data[1024];
    size_t n, sent;
    /* data, addr = udp_socket.recvfrom(1024) */
    check(ns_recvfrom(udp_socket, data, sizeof data, 0, &n, &addr));
    /* if data == b'time':
         udp_socket.sendto(time.ctime().encode(), addr)
       C's ctime() is Python's, with a newline that we leave out. */
    if (n == 4 && memcmp(data, "time", 4) == 0) {
      time_t now = time(NULL);
      check(ns_sendto(udp_socket, ctime(&now), 24, 0, &addr, &sent));
    }
  }
}

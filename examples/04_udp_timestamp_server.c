/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A UDP server that echoes each datagram with a timestamp </DESC>
 *
 * Teaches datagrams: no listen, no accept, no connection; recvfrom tells
 * who sent each message and sendto answers that address.
 * Translates udpSerSock.py of seed 001 (section 四.1); each Python line is
 * quoted above the C that does the same.
 *
 * Run:  04_udp_timestamp_server [HOST [PORT]]   (default "" 21567: every
 * address) and talk to it with 04_udp_timestamp_client. It answers until it
 * is stopped with Ctrl-C (SIGINT) or SIGTERM.
 */
#include <stdio.h>
#include <stdlib.h>
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
  /* HOST = ''
     PORT = 21567
     BUFSIZE = 1024
     ADDR = (HOST,PORT) */
  const char *HOST = argc > 1 ? argv[1] : "";
  int PORT = argc > 2 ? atoi(argv[2]) : 21567;
  enum { BUFSIZE = 1024 };
  ns_addr ADDR;
  ns_socket *udpSerSock;
  char text[NS_ADDR_STRLEN + 16];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  check(ns_addr_inet(&ADDR, HOST, PORT));
  /* udpSerSock = socket(AF_INET, SOCK_DGRAM) */
  check(ns_socket_create(&udpSerSock, AF_INET, SOCK_DGRAM, 0));
  /* udpSerSock.bind(ADDR) */
  check(ns_bind(udpSerSock, &ADDR));
  check(ns_getsockname(udpSerSock, &ADDR));
  check(ns_addr_format(&ADDR, text, sizeof text));
  printf("listening on %s\n", text);

  /* while True:
       try: ...
       except Exception,e:
         print 'Error: ',e */
  for (;;) {
    char data[BUFSIZE], reply[BUFSIZE + 32];
    size_t n, sent;
    ns_addr addr;

    /* print 'Waiting for message ....' */
    printf("Waiting for message ....\n");
    /* data, addr = udpSerSock.recvfrom(BUFSIZE) */
    if (ns_recvfrom(udpSerSock, data, sizeof data, 0, &n, &addr) != NS_OK) {
      printf("Error:  %s\n", ns_error_last_message());
      continue;
    }
    /* print 'Get client msg is: ', data */
    printf("Get client msg is:  %.*s\n", (int)n, data);
    /* udpSerSock.sendto('[%s] %s' %(ctime(),data), addr) */
    time_t now = time(NULL);
    int len = snprintf(reply, sizeof reply, "[%.24s] %.*s", ctime(&now), (int)n,
                       data);
    if (ns_sendto(udpSerSock, reply, (size_t)len, 0, &addr, &sent) != NS_OK) {
      printf("Error:  %s\n", ns_error_last_message());
      continue;
    }
    /* print 'Received from and returned to: ',addr */
    printf("Received from and returned to:  %s\n",
           tuple(&addr, text, sizeof text));
  }
  /* udpSerSock.close(): never reached, as in the tutorial. */
}

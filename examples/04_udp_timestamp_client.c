/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A UDP client: sends each line you type, prints the answer </DESC>
 *
 * Teaches sendto and recvfrom on a socket that never connects: the
 * destination goes with every message. Lines come from stdin, so the
 * client can be scripted; an empty line (or the end of input) ends it.
 * Translates udpCliSock.py of seed 001 (section 四.2); each Python line is
 * quoted above the C that does the same.
 *
 * Run:  04_udp_timestamp_client [HOST [PORT]]   (default localhost 21567)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
  /* HOST = 'localhost'
     PORT = 21567
     BUFSIZE = 1024
     ADDR = (HOST,PORT) */
  const char *HOST = argc > 1 ? argv[1] : "localhost";
  int PORT = argc > 2 ? atoi(argv[2]) : 21567;
  enum { BUFSIZE = 1024 };
  ns_addr ADDR;
  ns_socket *udpCliSock;

  check(ns_addr_inet(&ADDR, HOST, PORT));
  /* udpCliSock = socket(AF_INET, SOCK_DGRAM) */
  check(ns_socket_create(&udpCliSock, AF_INET, SOCK_DGRAM, 0));

  for (;;) {
    char data[BUFSIZE];
    size_t n, sent;

    /* data = raw_input('>')
       if not data:
         break
       (The end of input ends the loop too.) */
    printf(">");
    fflush(stdout);
    if (!fgets(data, sizeof data, stdin))
      break;
    data[strcspn(data, "\n")] = '\0';
    if (data[0] == '\0')
      break;

    /* udpCliSock.sendto(data, ADDR) */
    if (ns_sendto(udpCliSock, data, strlen(data), 0, &ADDR, &sent) != NS_OK) {
      printf("Error:  %s\n", ns_error_last_message());
      continue;
    }
    /* data,ADDR = udpCliSock.recvfrom(BUFSIZE)
       if not data:
         break */
    if (ns_recvfrom(udpCliSock, data, sizeof data, 0, &n, &ADDR) != NS_OK) {
      printf("Error:  %s\n", ns_error_last_message());
      continue;
    }
    if (n == 0)
      break;
    /* print 'Server : ', data */
    printf("Server :  %.*s\n", (int)n, data);
  }
  /* udpCliSock.close() */
  check(ns_close(udpCliSock));
  return EXIT_SUCCESS;
}

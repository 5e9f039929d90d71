/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP client: sends each line you type, prints the answer </DESC>
 *
 * Teaches the client loop: read a line, send it, receive the answer, until
 * an empty line (or the end of input). Lines come from stdin, so the
 * client can be scripted: printf 'hi\n\n' | 03_tcp_timestamp_client
 * Translates tcpCliSock.py of seed 001 (section 三.2); each Python line is
 * quoted above the C that does the same.
 *
 * Run:  03_tcp_timestamp_client [HOST [PORT]]   (default localhost 21567)
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
  ns_socket *tcpCliSock;

  check(ns_addr_inet(&ADDR, HOST, PORT));
  /* tcpCliSock = socket(AF_INET, SOCK_STREAM) */
  check(ns_socket_create(&tcpCliSock, AF_INET, SOCK_STREAM, 0));
  /* tcpCliSock.connect(ADDR) */
  check(ns_connect(tcpCliSock, &ADDR));

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

    /* tcpCliSock.send(data) */
    if (ns_send(tcpCliSock, data, strlen(data), 0, &sent) != NS_OK) {
      printf("Error:  %s\n", ns_error_last_message());
      continue;
    }
    /* data = tcpCliSock.recv(BUFSIZE)
       if not data:
         break */
    if (ns_recv(tcpCliSock, data, sizeof data, 0, &n) != NS_OK) {
      printf("Error:  %s\n", ns_error_last_message());
      continue;
    }
    if (n == 0)
      break;
    /* print 'Server: ', data */
    printf("Server:  %.*s\n", (int)n, data);
  }
  /* tcpCliSock.close() */
  check(ns_close(tcpCliSock));
  return EXIT_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP server that sends back each message with a timestamp. </DESC>
 *
 * Teaches the server loop: accept a client, talk until it hangs up (recv
 * gives 0 bytes, Python's b''), then wait for the next one; and how to go
 * on after an error, as the tutorial's `except Exception, e` does.
 * Translates tcpSerSock.py of seed 001 (section 三.1); each Python line is
 * quoted above the C that does the same.
 *
 * Run:  03_tcp_timestamp_server [HOST [PORT]]   (default localhost 21567)
 * and talk to it with 03_tcp_timestamp_client. It serves clients one after
 * another until it is stopped with Ctrl-C (SIGINT) or SIGTERM.
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
  /* HOST = 'localhost'
     PORT = 21567
     BUFSIZE = 1024
     ADDR = (HOST,PORT) */
  const char *HOST = argc > 1 ? argv[1] : "localhost";
  int PORT = argc > 2 ? atoi(argv[2]) : 21567;
  enum { BUFSIZE = 1024 };
  ns_addr ADDR;
  ns_socket *tcpSerSock;
  char text[NS_ADDR_STRLEN + 16];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  check(ns_addr_inet(&ADDR, HOST, PORT));
  /* tcpSerSock = socket(AF_INET, SOCK_STREAM) */
  check(ns_socket_create(&tcpSerSock, AF_INET, SOCK_STREAM, 0));
  /* tcpSerSock.bind(ADDR) */
  check(ns_bind(tcpSerSock, &ADDR));
  /* tcpSerSock.listen(5) */
  check(ns_listen(tcpSerSock, 5));
  check(ns_getsockname(tcpSerSock, &ADDR));
  check(ns_addr_format(&ADDR, text, sizeof text));
  printf("listening on %s\n", text);

  /* while True:
       try: ...
       except Exception,e:
         print 'Error: ',e
     In C the "try" is a test of each call's result: on an error we print
     the message and go back to accept, as the exception would. */
  for (;;) {
    ns_socket *tcpCliSock;
    ns_addr addr;

    /* print 'Waiting for connection ....' */
    printf("Waiting for connection ....\n");
    /* tcpCliSock, addr = tcpSerSock.accept() */
    if (ns_accept(tcpSerSock, &tcpCliSock, &addr) != NS_OK) {
      printf("Error:  %s\n", ns_error_last_message());
      continue;
    }
    /* print u'Connected client from : ', addr */
    printf("Connected client from :  %s\n", tuple(&addr, text, sizeof text));

    for (;;) {
      char data[BUFSIZE], reply[BUFSIZE + 32];
      size_t n, sent;

      /* data = tcpCliSock.recv(BUFSIZE) */
      if (ns_recv(tcpCliSock, data, sizeof data, 0, &n) != NS_OK) {
        printf("Error:  %s\n", ns_error_last_message());
        break;
      }
      /* if not data:
           break */
      if (n == 0)
        break;
      /* else:
           print 'Client: ',data */
      printf("Client:  %.*s\n", (int)n, data);

      /* tcpCliSock.send('[%s] %s' %(ctime(),data))
         C's ctime() is Python's, with a newline that %.24s leaves out. */
      time_t now = time(NULL);
      int len = snprintf(reply, sizeof reply, "[%.24s] %.*s", ctime(&now),
                         (int)n, data);
      if (ns_send(tcpCliSock, reply, (size_t)len, 0, &sent) != NS_OK) {
        printf("Error:  %s\n", ns_error_last_message());
        break;
      }
    }
    /* Python closes the client socket when the name tcpCliSock is given
       the next one; C says so. */
    ns_close(tcpCliSock);
  }
  /* tcpSerSock.close(): never reached, as in the tutorial. */
}

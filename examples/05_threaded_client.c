/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP client that prints what each send() returned </DESC>
 *
 * Teaches that send() returns how many bytes it took, which may be fewer
 * than it was given (sendall(), in example 10, sends them all).
 * Translates tcp_client of seed 002 (section 4.1); each Python line is
 * quoted above the C that does the same. Lines come from stdin, so the
 * client can be scripted: printf 'hello\nend\n' | 05_threaded_client
 *
 * Run:  05_threaded_client [HOST [PORT]]   (default: this machine's name,
 * socket.gethostname(), and 9999)
 */
#include <ctype.h>
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

/* Python's str.strip(): blanks off both ends, in place. */
static char *strip(char *s)
{
  size_t len = strlen(s);
  while (len > 0 && isspace((unsigned char)s[len - 1]))
    s[--len] = '\0';
  while (isspace((unsigned char)*s))
    s++;
  return s;
}

int main(int argc, char **argv)
{
  char name[256];
  const char *host;
  int port = argc > 2 ? atoi(argv[2]) : 9999;
  ns_socket *client;
  ns_addr addr;

  /* client = socket.socket() */
  check(ns_socket_create(&client, AF_INET, SOCK_STREAM, 0));
  /* host = socket.gethostname() */
  if (argc > 1) {
    host = argv[1];
  } else {
    check(ns_gethostname(name, sizeof name));
    host = name;
  }
  /* client.connect((host, 9999)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_connect(client, &addr));

  /* while True: */
  for (;;) {
    char line[1024];
    size_t sent;
    /* data = input("客户端发送数据:").strip()
       (At the end of input Python raises EOFError; we just stop.) */
    printf("客户端发送数据:");
    fflush(stdout);
    if (!fgets(line, sizeof line, stdin))
      break;
    char *data = strip(line);
    /* print(client.send(data.encode("utf-8"))) */
    check(ns_send(client, data, strlen(data), 0, &sent));
    printf("%zu\n", sent);
    /* if data == "end":
           client.close()
           break */
    if (strcmp(data, "end") == 0)
      break;
  }
  check(ns_close(client));
  return EXIT_SUCCESS;
}

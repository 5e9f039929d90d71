/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP server with a thread per client, reading 5-byte chunks </DESC>
 *
 * Teaches serving several clients at once with a thread each, and what
 * recv(5) really means: at most 5 bytes of the stream, wherever the
 * client's messages began and ended (example 10 returns to this).
 * Translates tcp_server.py of seed 002 (section 4.1); each Python line is
 * quoted above the C that does the same.
 *
 * Run:  05_threaded_server [HOST [PORT]]   (default: this machine's name,
 * socket.gethostname(), and 9999), then one or more 05_threaded_client.
 * It serves until it is stopped with Ctrl-C (SIGINT) or SIGTERM.
 */
#include <pthread.h>
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

/* def sub_conn(conn): runs on its own thread, one per client. */
static void *sub_conn(void *arg)
{
  ns_socket *conn = arg;
  /* while True: */
  for (;;) {
    char result[5];
    size_t n;
    /* result = conn.recv(5).decode("utf-8")
       An exception would end this thread only, with a traceback: here,
       the message, and the connection is closed. */
    ns_err err = ns_recv(conn, result, sizeof result, 0, &n);
    if (err != NS_OK) {
      fprintf(stderr, "%s: %s\n", ns_error_name(err), ns_error_last_message());
      break;
    }
    /* if result == "end" or not result:
           break */
    if (n == 0 || (n == 3 && memcmp(result, "end", 3) == 0))
      break;
    /* print(result) */
    printf("%.*s\n", (int)n, result);
  }
  /* conn.close() */
  ns_close(conn);
  return NULL;
}

int main(int argc, char **argv)
{
  char name[256];
  const char *host;
  int port = argc > 2 ? atoi(argv[2]) : 9999;
  ns_socket *server;
  ns_addr addr;
  char text[NS_ADDR_STRLEN];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* server = socket.socket() */
  check(ns_socket_create(&server, AF_INET, SOCK_STREAM, 0));
  /* host = socket.gethostname() */
  if (argc > 1) {
    host = argv[1];
  } else {
    check(ns_gethostname(name, sizeof name));
    host = name;
  }
  /* server.bind((host, 9999)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(server, &addr));
  /* server.listen(5) */
  check(ns_listen(server, 5));
  check(ns_getsockname(server, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);

  /* while True: */
  for (;;) {
    ns_socket *conn;
    pthread_t thread;
    /* conn, addr = server.accept() */
    check(ns_accept(server, &conn, &addr));
    /* threading.Thread(target=sub_conn, args=(conn,)).start()
       Nobody joins the thread: detached, it cleans up after itself. */
    if (pthread_create(&thread, NULL, sub_conn, conn) != 0) {
      fprintf(stderr, "RuntimeError: can't start new thread\n");
      ns_close(conn);
      continue;
    }
    pthread_detach(thread);
  }
}

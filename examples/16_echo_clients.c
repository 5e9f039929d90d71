/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Three clients at once for the selectors echo server </DESC>
 *
 * Opens three connections and keeps them all open: each says hello and
 * reads its echo, then they speak again in another order, then they close
 * one by one. Each step waits for its echo, so the server's log comes out
 * in one order that a test can compare. The Python this translates is
 * quoted in the comments (tests/interop/example16_echo_clients.py).
 *
 * Run:  16_echo_clients [HOST [PORT]]   (default 127.0.0.1 1234)
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

/* s.sendall(message); print('client %d got %r' % (i, s.recv(1000))) */
static void round_trip(ns_socket *s, int i, const char *message, int len)
{
  char reply[1000];
  size_t n;
  check(ns_sendall(s, message, (size_t)len, 0, NULL));
  check(ns_recv(s, reply, sizeof reply, 0, &n));
  printf("client %d got b'%.*s'\n", i, (int)n, reply);
}

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 1234;
  char message[64];
  int len;

  /* socks = []
     for i in range(3):
         s = socket.create_connection((host, port), timeout=5)
         socks.append(s)
         s.sendall(b'hello from client %d' % i)
         print('client %d got %r' % (i, s.recv(1000))) */
  ns_socket *socks[3];
  for (int i = 0; i < 3; i++) {
    check(ns_create_connection_timeout(&socks[i], host, port, 5.0));
    len = snprintf(message, sizeof message, "hello from client %d", i);
    round_trip(socks[i], i, message, len);
  }
  /* for i in (2, 0, 1):
         socks[i].sendall(b'again from client %d' % i)
         print('client %d got %r' % (i, socks[i].recv(1000))) */
  static const int order[] = {2, 0, 1};
  for (int k = 0; k < 3; k++) {
    int i = order[k];
    len = snprintf(message, sizeof message, "again from client %d", i);
    round_trip(socks[i], i, message, len);
  }
  /* for i, s in enumerate(socks):
         s.close()
         print('client %d closed' % i) */
  for (int i = 0; i < 3; i++) {
    check(ns_close(socks[i]));
    printf("client %d closed\n", i);
  }
  return EXIT_SUCCESS;
}

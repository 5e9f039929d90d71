/* SPDX-License-Identifier: MIT */
/*
 * <DESC> An echo server for many clients at once, on one thread </DESC>
 *
 * Teaches readiness: an ns_poller (Python's selectors.DefaultSelector;
 * epoll on Linux) watches the listening socket and every connection, and
 * each wait says which ones are ready. The pointer registered with a
 * socket plays the part of Python's key.data: here the function that
 * handles it, accept() for the listening socket and read() for a
 * connection. The program is the echo server of the selectors module's
 * documentation; the Python it translates is quoted in the comments
 * (tests/interop/example16_selectors_server.py). It runs until stopped.
 *
 * Run:  16_selectors_server [HOST [PORT]]   (default localhost 1234)
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

/* Python prints an IPv4 address as the tuple ('127.0.0.1', 54321). */
static const char *tuple(const ns_addr *addr, char *buf, size_t size)
{
  char host[NS_ADDR_STRLEN];
  check(ns_addr_host(addr, host, sizeof host));
  snprintf(buf, size, "('%s', %d)", host, ns_addr_port(addr));
  return buf;
}

/* str(conn): the repr of a connected socket in Python 3.11. */
static const char *socket_repr(ns_socket *c, char *buf, size_t size)
{
  ns_addr laddr, raddr;
  char l[NS_ADDR_STRLEN + 16], r[NS_ADDR_STRLEN + 16];
  check(ns_getsockname(c, &laddr));
  check(ns_getpeername(c, &raddr));
  snprintf(buf, size,
           "<socket.socket fd=%lld, family=%d, type=%d, proto=%d, laddr=%s, "
           "raddr=%s>",
           (long long)ns_fileno(c), ns_family(c), ns_socktype(c), ns_proto(c),
           tuple(&laddr, l, sizeof l), tuple(&raddr, r, sizeof r));
  return buf;
}

/* repr(data) of a bytes object: b'...' with Python's escapes. */
static void print_bytes_repr(const unsigned char *data, size_t n)
{
  printf("b'");
  for (size_t i = 0; i < n; i++) {
    unsigned char ch = data[i];
    if (ch == '\\' || ch == '\'')
      printf("\\%c", ch);
    else if (ch == '\n')
      printf("\\n");
    else if (ch == '\r')
      printf("\\r");
    else if (ch == '\t')
      printf("\\t");
    else if (ch < 0x20 || ch >= 0x7f)
      printf("\\x%02x", ch);
    else
      putchar(ch);
  }
  printf("'");
}

/* sel = selectors.DefaultSelector() */
static ns_poller *sel;

typedef void callback(ns_socket *sock, unsigned int mask);
/* The pointer registered with a socket is one of these. */
struct handler {
  callback *fn;
};

static void read_ready(ns_socket *conn, unsigned int mask);
static const struct handler read_handler = {read_ready};

/* def accept(sock, mask):
       conn, addr = sock.accept()  # Should be ready
       print('accepted', conn, 'from', addr)
       conn.setblocking(False)
       sel.register(conn, selectors.EVENT_READ, read) */
static void accept_ready(ns_socket *sock, unsigned int mask)
{
  (void)mask;
  ns_socket *conn;
  ns_addr addr;
  char r[NS_ADDR_STRLEN * 2 + 128], a[NS_ADDR_STRLEN + 16];
  check(ns_accept(sock, &conn, &addr));
  printf("accepted %s from %s\n", socket_repr(conn, r, sizeof r),
         tuple(&addr, a, sizeof a));
  check(ns_setblocking(conn, false));
  check(ns_poller_register(sel, conn, NS_EVENT_READ, (void *)&read_handler));
}

/* def read(conn, mask):
       data = conn.recv(1000)  # Should be ready
       if data:
           print('echoing', repr(data), 'to', conn)
           conn.send(data)  # Hope it won't block
       else:
           print('closing', conn)
           sel.unregister(conn)
           conn.close() */
static void read_ready(ns_socket *conn, unsigned int mask)
{
  (void)mask;
  unsigned char data[1000];
  size_t n;
  char r[NS_ADDR_STRLEN * 2 + 128];
  check(ns_recv(conn, data, sizeof data, 0, &n));
  if (n > 0) {
    printf("echoing ");
    print_bytes_repr(data, n);
    printf(" to %s\n", socket_repr(conn, r, sizeof r));
    check(ns_send(conn, data, n, 0, NULL));
  } else {
    printf("closing %s\n", socket_repr(conn, r, sizeof r));
    check(ns_poller_unregister(sel, conn));
    check(ns_close(conn));
  }
}

static const struct handler accept_handler = {accept_ready};

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "localhost";
  int port = argc > 2 ? atoi(argv[2]) : 1234;
  setvbuf(stdout, NULL, _IOLBF, 0);
  check(ns_poller_create(&sel, NS_POLLER_DEFAULT));

  /* sock = socket.socket()
     sock.bind((host, port))
     sock.listen(100)
     sock.setblocking(False) */
  ns_socket *sock;
  ns_addr addr;
  check(ns_socket_create(&sock, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(sock, &addr));
  check(ns_listen(sock, 100));
  check(ns_setblocking(sock, false));
  /* print('listening on %s:%d' % sock.getsockname()) */
  char text[NS_ADDR_STRLEN + 16];
  check(ns_getsockname(sock, &addr));
  check(ns_addr_host(&addr, text, sizeof text));
  printf("listening on %s:%d\n", text, ns_addr_port(&addr));
  /* sel.register(sock, selectors.EVENT_READ, accept) */
  check(ns_poller_register(sel, sock, NS_EVENT_READ, (void *)&accept_handler));

  /* while True:
         events = sel.select()
         for key, mask in events:
             callback = key.data
             callback(key.fileobj, mask) */
  for (;;) {
    ns_poller_event events[64];
    size_t count;
    check(ns_poller_wait(sel, events, 64, NS_TIMEOUT_NONE, &count));
    for (size_t i = 0; i < count; i++) {
      const struct handler *h = events[i].data;
      h->fn(events[i].sock, events[i].events);
    }
  }
}

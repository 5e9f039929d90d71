/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP server that greets each client in UTF-8 text </DESC>
 *
 * Teaches that sockets carry bytes, not text: Python encodes a str with
 * .encode('utf-8'); a C string literal in a UTF-8 source file already is
 * those bytes. Also what a socket knows about itself: its descriptor,
 * family, type, protocol and both addresses, which Python's print(c) shows.
 * Translates the TCP Server of seed 003; each Python line is quoted above
 * the C that does the same.
 *
 * Run:  07_greeting_server [HOST [PORT]]   (default 127.0.0.1 30000) and
 * connect with 07_greeting_client. It greets clients until it is stopped
 * with Ctrl-C (SIGINT) or SIGTERM.
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

/* Python prints an IPv4 address as the tuple ('127.0.0.1', 54321). */
static const char *tuple(const ns_addr *addr, char *buf, size_t size)
{
  char host[NS_ADDR_STRLEN];
  check(ns_addr_host(addr, host, sizeof host));
  snprintf(buf, size, "('%s', %d)", host, ns_addr_port(addr));
  return buf;
}

/* print(c): the repr of a connected socket in Python 3.11, from the
   handle's accessors. */
static void print_socket(ns_socket *c)
{
  ns_addr laddr, raddr;
  char l[NS_ADDR_STRLEN + 16], r[NS_ADDR_STRLEN + 16];
  check(ns_getsockname(c, &laddr));
  check(ns_getpeername(c, &raddr));
  printf("<socket.socket fd=%lld, family=%d, type=%d, proto=%d, laddr=%s, "
         "raddr=%s>\n",
         (long long)ns_fileno(c), ns_family(c), ns_socktype(c), ns_proto(c),
         tuple(&laddr, l, sizeof l), tuple(&raddr, r, sizeof r));
}

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 30000;
  ns_socket *s;
  ns_addr addr;
  char text[NS_ADDR_STRLEN + 16];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* s = socket.socket() */
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  /* s.bind(('127.0.0.1', 30000)) */
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(s, &addr));
  /* s.listen(): Python picks the backlog, min(SOMAXCONN, 128). */
  check(ns_listen(s, 128));
  check(ns_getsockname(s, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);

  /* while True: */
  for (;;) {
    ns_socket *c;
    size_t sent;

    /* c, addr = s.accept() */
    check(ns_accept(s, &c, &addr));
    /* print(c) */
    print_socket(c);
    /* print('连接地址：', addr) */
    printf("连接地址： %s\n", tuple(&addr, text, sizeof text));
    /* c.send('您好，您收到了服务器的新年祝福！'.encode('utf-8')) */
    const char *greeting = "您好，您收到了服务器的新年祝福！";
    check(ns_send(c, greeting, strlen(greeting), 0, &sent));
    /* c.close() */
    check(ns_close(c));
  }
}

/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Lookups: service ports, host name, both ends of a connection </DESC>
 *
 * Teaches the questions a program asks before and after it connects:
 * getservbyname() reads the port of a named service from /etc/services,
 * gethostname() gives this machine's name, and getsockname() and
 * getpeername() give the two addresses of a connection (the local port is
 * chosen by the system, so it changes from run to run).
 * Translates seed 000 (sections 1.3.1 and 1.3.2) and gethostname() from
 * seed 002 (3.2); each Python line is quoted above the C that does the
 * same. The tutorial connects to www.baidu.com; by default this connects to
 * a server of its own on loopback, so it needs no network.
 *
 * Run:  02_lookups [HOST PORT]   (default: its own server on loopback;
 * `02_lookups www.baidu.com 443` does what the tutorial does, given a
 * network). tests/interop/example02_lookups.py is the Python.
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

/* A lookup that fails (a machine without /etc/services, say) is printed
   as Python's `except OSError as e: print(type(e).__name__ + ':', e)`. */
static bool found(ns_err err)
{
  if (err != NS_OK)
    printf("%s: %s\n", ns_error_name(err), ns_error_last_message());
  return err == NS_OK;
}

int main(int argc, char **argv)
{
  int port1, port2;
  char name[256], text[NS_ADDR_STRLEN + 16];

  /* port1 = socket.getservbyname('http')
     print('HTTP服务的默认端口号是：', port1) */
  if (found(ns_getservbyname("http", NULL, &port1)))
    printf("HTTP服务的默认端口号是： %d\n", port1);
  /* port2 = socket.getservbyname('https', 'tcp')
     print('HTTPS服务的默认端口号是：', port2) */
  if (found(ns_getservbyname("https", "tcp", &port2)))
    printf("HTTPS服务的默认端口号是： %d\n", port2);

  /* print('socket.gethostname():', socket.gethostname()) */
  check(ns_gethostname(name, sizeof name));
  printf("socket.gethostname(): %s\n", name);

  /* Somewhere to connect to: HOST PORT, or a listening socket of our own
     on a free port.
     server = socket.socket(); server.bind(('127.0.0.1', 0))
     server.listen(1); addr = server.getsockname() */
  ns_socket *server = NULL, *s;
  ns_addr addr;
  if (argc > 2) {
    check(ns_addr_inet(&addr, argv[1], atoi(argv[2])));
  } else {
    check(ns_socket_create(&server, AF_INET, SOCK_STREAM, 0));
    check(ns_addr_inet(&addr, "127.0.0.1", 0));
    check(ns_bind(server, &addr));
    check(ns_listen(server, 1));
    check(ns_getsockname(server, &addr));
  }

  /* s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
     s.connect(('www.baidu.com', 443)), here s.connect(addr) */
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  check(ns_connect(s, &addr));
  /* print('本机IP及端口：', s.getsockname()) */
  check(ns_getsockname(s, &addr));
  printf("本机IP及端口： %s\n", tuple(&addr, text, sizeof text));
  /* print('远程机器IP及端口：', s.getpeername()) */
  check(ns_getpeername(s, &addr));
  printf("远程机器IP及端口： %s\n", tuple(&addr, text, sizeof text));
  /* print(type(s.getsockname())) prints <class 'tuple'>: in C the
     address is an ns_addr, which tuple() above prints as Python would. */

  check(ns_close(s));
  check(ns_close(server));
  return EXIT_SUCCESS;
}

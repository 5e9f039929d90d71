/* SPDX-License-Identifier: MIT */
/*
 * <DESC> getaddrinfo, printed the way Python prints its list of tuples </DESC>
 *
 * Teaches name resolution as create_connection() does it: getaddrinfo()
 * gives a list of (family, type, proto, canonname, sockaddr) results, one
 * per address and socket type, which a program tries in order. The C
 * list is walked with ns_addrinfo_next() and freed with
 * ns_addrinfo_free(). A failed lookup is a gaierror, printed with
 * ns_error_format() as the last line of Python's traceback. The Python
 * this translates is quoted in the comments
 * (tests/interop/example15_getaddrinfo.py).
 *
 * Run:  15_getaddrinfo [HOST...]   (default 127.0.0.1 ::1 localhost)
 */
#include <stdio.h>
#include <stdlib.h>

#include <netsock/netsock.h>

/* inet_ntop() and the AI_ flags: <ws2tcpip.h> on Windows, which
   netsock.h includes. */
#ifndef _WIN32
#include <arpa/inet.h>
#include <netdb.h>
#endif

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

/* Python prints the family and the type as enum members:
   <AddressFamily.AF_INET: 2>, <SocketKind.SOCK_STREAM: 1>. */
static void print_enum(const char *cls, int value)
{
  const char *name = NULL;
  if (cls[0] == 'A')
    name = value == AF_INET ? "AF_INET" : value == AF_INET6 ? "AF_INET6" : NULL;
  else
    name = value == SOCK_STREAM  ? "SOCK_STREAM"
           : value == SOCK_DGRAM ? "SOCK_DGRAM"
           : value == SOCK_RAW   ? "SOCK_RAW"
                                 : NULL;
  if (name)
    printf("<%s.%s: %d>", cls, name, value);
  else
    printf("%d", value);
}

/* A sockaddr as Python's tuple: ('127.0.0.1', 80) or
   ('::1', 80, 0, 0) with the flow label and the scope id. */
static void print_sockaddr(const ns_addr *addr)
{
  char host[NS_ADDR_STRLEN];
  check(ns_addr_host(addr, host, sizeof host));
  if (ns_addr_family(addr) == AF_INET6)
    printf("('%s', %d, %lu, %lu)", host, ns_addr_port(addr),
           (unsigned long)ntohl(addr->u.in6.sin6_flowinfo),
           (unsigned long)addr->u.in6.sin6_scope_id);
  else
    printf("('%s', %d)", host, ns_addr_port(addr));
}

int main(int argc, char **argv)
{
  static const char *const defaults[] = {"127.0.0.1", "::1", "localhost"};
  const char *const *hosts =
      argc > 1 ? (const char *const *)argv + 1 : defaults;
  int nhosts = argc > 1 ? argc - 1 : 3;

  /* for host in hosts:
         print('getaddrinfo(%r, 80):' % host)
         print(socket.getaddrinfo(host, 80, proto=socket.IPPROTO_TCP)) */
  for (int h = 0; h < nhosts; h++) {
    printf("getaddrinfo('%s', 80):\n", hosts[h]);
    ns_addrinfo *list;
    check(ns_getaddrinfo(&list, hosts[h], "80", AF_UNSPEC, 0, IPPROTO_TCP, 0));
    printf("[");
    for (const ns_addrinfo *ai = list; ai; ai = ns_addrinfo_next(ai)) {
      const char *canon = ns_addrinfo_canonname(ai);
      ns_addr addr = ns_addrinfo_addr(ai);
      printf("%s(", ai == list ? "" : ", ");
      print_enum("AddressFamily", ns_addrinfo_family(ai));
      printf(", ");
      print_enum("SocketKind", ns_addrinfo_socktype(ai));
      printf(", %d, '%s', ", ns_addrinfo_proto(ai), canon ? canon : "");
      print_sockaddr(&addr);
      printf(")");
    }
    printf("]\n");
    ns_addrinfo_free(list);
  }

  /* try:
         socket.getaddrinfo('localhost', 80, flags=socket.AI_NUMERICHOST)
     except socket.gaierror as e:
         print(traceback.format_exception_only(e)[-1], end='') */
  ns_addrinfo *list;
  if (ns_getaddrinfo(&list, "localhost", "80", AF_UNSPEC, 0, 0,
                     AI_NUMERICHOST) == NS_OK) {
    ns_addrinfo_free(list);
  } else {
    char line[256];
    ns_error_format(line, sizeof line);
    printf("%s\n", line);
  }
  return EXIT_SUCCESS;
}

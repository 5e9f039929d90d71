/* SPDX-License-Identifier: MIT */
/*
 * Name resolution. Hermetic: numeric hosts, AI_NUMERICHOST and "localhost"
 * (which /etc/hosts answers) outside; names that must resolve to two
 * families, or fail to resolve, only inside a private resolver
 * (hosts_sandbox), where "hosts: files" keeps every lookup on the machine.
 * Messages are the ones Python 3 prints for the same failures.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#ifndef _WIN32
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/utsname.h>
#endif

#include "hosts_sandbox.h"
#include "ns_test.h"

/* ---- the system's own answers ---------------------------------------------
 * Where C libraries legitimately answer differently (glibc and musl do:
 * canonical names without AI_CANONNAME, alias lists, unknown flags, the
 * code for an address of the other family), Python reports the system's
 * answer, and so does the library. These ask the system directly, so that
 * the tests compare with it and never with one C library's habits. */

/* The code getaddrinfo(3) gives for host alone in `family` (0: success). */
static int system_gai_code(const char *host, int family)
{
  struct addrinfo hints, *list = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  int rc = getaddrinfo(host, NULL, &hints, &list);
  if (rc == 0)
    freeaddrinfo(list);
  return rc;
}

/* The first result's canonical name ("" for none), as getaddrinfo(3) gives
   it for this query. */
static void system_canonname(const char *host, const char *port, int family,
                             int type, int flags, char *out, size_t size)
{
  struct addrinfo hints, *list = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_flags = flags;
  assert_int_equal(getaddrinfo(host, port, &hints, &list), 0);
  snprintf(out, size, "%s", list->ai_canonname ? list->ai_canonname : "");
  freeaddrinfo(list);
}

/* How many results getaddrinfo(3) gives for this query, any socket type. */
static int system_result_count(const char *host, const char *port, int family,
                               int flags)
{
  struct addrinfo hints, *list = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_flags = flags;
  assert_int_equal(getaddrinfo(host, port, &hints, &list), 0);
  int n = 0;
  for (struct addrinfo *ai = list; ai; ai = ai->ai_next)
    n++;
  freeaddrinfo(list);
  return n;
}

/* The code getaddrinfo(3) gives for a numeric host with these flags (0:
   accepted): glibc refuses unknown flags, Windows and wine take them. */
static int system_gai_flags_code(int flags)
{
  struct addrinfo hints, *list = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_flags = flags;
  int rc = getaddrinfo("127.0.0.1", "80", &hints, &list);
  if (rc == 0)
    freeaddrinfo(list);
  return rc;
}

/* The first result's protocol, as getaddrinfo(3) gives it for this query
   (IPPROTO_TCP for a stream; 0 from wine). */
static int system_first_proto(const char *host, const char *port, int type,
                              int flags)
{
  struct addrinfo hints, *list = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_socktype = type;
  hints.ai_flags = flags;
  assert_int_equal(getaddrinfo(host, port, &hints, &list), 0);
  int proto = list->ai_protocol;
  freeaddrinfo(list);
  return proto;
}

/* Does getnameinfo(3) refuse these flags, as glibc does unknown ones? */
static bool system_refuses_ni_flags(int flags)
{
  struct sockaddr_in sin;
  memset(&sin, 0, sizeof sin);
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  char host[NI_MAXHOST];
  return getnameinfo((struct sockaddr *)&sin, sizeof sin, host, sizeof host,
                     NULL, 0, flags) == EAI_BADFLAGS;
}

/* Are he's aliases those gethostbyname(3) gives for host, in order? */
static bool aliases_as_system(const ns_hostent *he, const char *host)
{
  struct hostent *h = gethostbyname(host);
  if (!h)
    return false;
  size_t i = 0;
  for (; h->h_aliases[i]; i++)
    if (!he->aliases[i] || strcmp(he->aliases[i], h->h_aliases[i]) != 0)
      return false;
  return he->aliases[i] == NULL;
}

/* ---- getaddrinfo --------------------------------------------------------- */

static void test_resolve__getaddrinfo_numeric(void **state)
{
  (void)state;
  ns_addrinfo *list;
  assert_ns_ok(ns_getaddrinfo(&list, "127.0.0.1", "80", AF_UNSPEC, SOCK_STREAM,
                              0, AI_NUMERICHOST));
  assert_non_null(list);
  assert_int_equal(ns_addrinfo_family(list), AF_INET);
  assert_int_equal(ns_addrinfo_socktype(list), SOCK_STREAM);
  assert_int_equal(
      ns_addrinfo_proto(list),
      system_first_proto("127.0.0.1", "80", SOCK_STREAM, AI_NUMERICHOST));
  /* No AI_CANONNAME: "" from glibc, the address itself from musl. */
  char canon[NI_MAXHOST];
  system_canonname("127.0.0.1", "80", AF_UNSPEC, SOCK_STREAM, AI_NUMERICHOST,
                   canon, sizeof canon);
  assert_string_equal(ns_addrinfo_canonname(list), canon);
  ns_addr a = ns_addrinfo_addr(list);
  char text[NS_ADDR_STRLEN];
  assert_ns_ok(ns_addr_format(&a, text, sizeof text));
  assert_string_equal(text, "127.0.0.1:80");
  assert_null(ns_addrinfo_next(list));
  ns_addrinfo_free(list);

  /* No type asked for: one result per socket type the system lists
     (stream, datagram and raw from glibc; no raw from musl), as Python. */
  assert_ns_ok(
      ns_getaddrinfo(&list, "::1", "8080", AF_INET6, 0, 0, AI_NUMERICHOST));
  int n = 0;
  for (const ns_addrinfo *ai = list; ai; ai = ns_addrinfo_next(ai)) {
    assert_int_equal(ns_addrinfo_family(ai), AF_INET6);
    a = ns_addrinfo_addr(ai);
    assert_int_equal(ns_addr_port(&a), 8080);
    n++;
  }
  assert_int_equal(
      n, system_result_count("::1", "8080", AF_INET6, AI_NUMERICHOST));
#ifdef _WIN32
  assert_true(n >= 1); /* Windows lists one, of no socket type */
#else
  assert_true(n >= 2);
#endif
  ns_addrinfo_free(list);
}

static void test_resolve__getaddrinfo_localhost(void **state)
{
  (void)state;
  ns_addrinfo *list;
  assert_ns_ok(ns_getaddrinfo(&list, "localhost", "http", AF_INET, SOCK_STREAM,
                              0, AI_CANONNAME));
  assert_string_equal(ns_addrinfo_canonname(list), "localhost");
  ns_addr a = ns_addrinfo_addr(list);
  assert_int_equal(ns_addr_port(&a), 80);
  ns_addrinfo_free(list);

  /* No host and AI_PASSIVE: the wildcard address, to bind to. */
  assert_ns_ok(
      ns_getaddrinfo(&list, NULL, "0", AF_INET, SOCK_STREAM, 0, AI_PASSIVE));
  a = ns_addrinfo_addr(list);
  char host[64];
  assert_ns_ok(ns_addr_host(&a, host, sizeof host));
  assert_string_equal(host, "0.0.0.0");
  ns_addrinfo_free(list);
}

static void test_resolve__getaddrinfo_errors(void **state)
{
  (void)state;
  ns_addrinfo *list = (ns_addrinfo *)&list;
  assert_ns_err(ns_getaddrinfo(&list, "127.0.0.1", "nosuchservice", AF_UNSPEC,
                               SOCK_STREAM, 0, 0),
                NS_ERR_GAIERROR);
  assert_null(list);
  assert_int_equal(ns_error_last_errno(), EAI_SERVICE);
  assert_last_gai_error(EAI_SERVICE);
  assert_string_equal(ns_error_last_operation(), "getaddrinfo");
  assert_true(ns_error_is(NS_ERR_GAIERROR, NS_ERR_OS));

  assert_ns_err(
      ns_getaddrinfo(&list, "localhost", "80", AF_UNSPEC, 0, 0, AI_NUMERICHOST),
      NS_ERR_GAIERROR);
  assert_last_gai_error(EAI_NONAME);

  assert_ns_err(ns_getaddrinfo(&list, NULL, NULL, AF_UNSPEC, 0, 0, 0),
                NS_ERR_GAIERROR);
  assert_last_gai_error(EAI_NONAME);

  /* Unknown flags: EAI_BADFLAGS where the system refuses them (glibc),
     the lookup where it takes them (Windows), in Python as here. */
  if (system_gai_flags_code(0x7fff0000) != 0) {
    assert_ns_err(
        ns_getaddrinfo(&list, "127.0.0.1", "80", AF_UNSPEC, 0, 0, 0x7fff0000),
        NS_ERR_GAIERROR);
    assert_int_equal(ns_error_last_errno(), EAI_BADFLAGS);
    assert_last_gai_error(EAI_BADFLAGS);
  } else {
    assert_ns_ok(
        ns_getaddrinfo(&list, "127.0.0.1", "80", AF_UNSPEC, 0, 0, 0x7fff0000));
    ns_addrinfo_free(list);
  }

  assert_ns_err(ns_getaddrinfo(&list, "127.0.0.1", "80", 12345, 0, 0, 0),
                NS_ERR_GAIERROR);
  assert_last_gai_error(EAI_FAMILY);

  assert_ns_err(ns_getaddrinfo(NULL, "127.0.0.1", "80", 0, 0, 0, 0),
                NS_ERR_VALUE);
  assert_last_message("getaddrinfo(): out is NULL");
}

static void test_resolve__addrinfo_accessors_null(void **state)
{
  (void)state;
  assert_null(ns_addrinfo_next(NULL));
  assert_int_equal(ns_addrinfo_family(NULL), -1);
  assert_int_equal(ns_addrinfo_socktype(NULL), -1);
  assert_int_equal(ns_addrinfo_proto(NULL), -1);
  assert_string_equal(ns_addrinfo_canonname(NULL), "");
  ns_addr a = ns_addrinfo_addr(NULL);
  assert_int_equal(a.len, 0);
  ns_addrinfo_free(NULL);
}

/* ---- getnameinfo --------------------------------------------------------- */

static void test_resolve__getnameinfo(void **state)
{
  (void)state;
  ns_addr a;
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 80));
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  assert_ns_ok(ns_getnameinfo(&a, NI_NUMERICHOST | NI_NUMERICSERV, host,
                              sizeof host, serv, sizeof serv));
  assert_string_equal(host, "127.0.0.1");
  assert_string_equal(serv, "80");
  /* /etc/hosts names 127.0.0.1: no query leaves the machine. */
  assert_ns_ok(ns_getnameinfo(&a, 0, host, sizeof host, serv, sizeof serv));
  assert_string_equal(host, "localhost");
  assert_string_equal(serv, "http");
  /* Only the service. */
  assert_ns_ok(ns_getnameinfo(&a, 0, NULL, 0, serv, sizeof serv));
  assert_string_equal(serv, "http");

  assert_ns_ok(ns_addr_inet6(&a, "::1", 443, 0, 0));
  assert_ns_ok(
      ns_getnameinfo(&a, NI_NUMERICHOST, host, sizeof host, serv, sizeof serv));
  assert_string_equal(host, "::1");
  assert_string_equal(serv, "https");
}

static void test_resolve__getnameinfo_errors(void **state)
{
  (void)state;
  ns_addr a;
  char host[NI_MAXHOST], serv[NI_MAXSERV];
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 80));
  /* Unknown flags: EAI_BADFLAGS where the system checks them (glibc);
     ignored where it does not (musl), in Python as here. */
  if (system_refuses_ni_flags(0x7fff0000)) {
    assert_ns_err(
        ns_getnameinfo(&a, 0x7fff0000, host, sizeof host, serv, sizeof serv),
        NS_ERR_GAIERROR);
    assert_last_gai_error(EAI_BADFLAGS);
  } else {
    assert_ns_ok(
        ns_getnameinfo(&a, 0x7fff0000, host, sizeof host, serv, sizeof serv));
  }

  memset(host, 'x', sizeof host);
  assert_ns_err(ns_getnameinfo(&a, NI_NUMERICHOST, host, 4, serv, sizeof serv),
                NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 10 bytes");
  assert_int_equal(host[0], 'x');
  assert_ns_err(ns_getnameinfo(&a, NI_NUMERICSERV, NULL, 0, serv, 2),
                NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 3 bytes");

  assert_ns_err(ns_getnameinfo(&a, 0, NULL, 0, NULL, 0), NS_ERR_VALUE);
  assert_last_message("getnameinfo(): host and serv are both NULL");

  ns_addr empty = NS_ADDR_INIT;
  assert_ns_err(ns_getnameinfo(&empty, 0, host, sizeof host, NULL, 0),
                NS_ERR_VALUE);
  assert_last_message("getnameinfo(): address is empty");
}

/* ---- host names ---------------------------------------------------------- */

static void test_resolve__gethostname(void **state)
{
  (void)state;
  char name[256];
#ifdef _WIN32
  char system_name[256];
  assert_int_equal(gethostname(system_name, sizeof system_name), 0);
  assert_ns_ok(ns_gethostname(name, sizeof name));
  assert_string_equal(name, system_name);
#else
  struct utsname u;
  assert_int_equal(uname(&u), 0);
  assert_ns_ok(ns_gethostname(name, sizeof name));
  assert_string_equal(name, u.nodename);
#endif

  assert_ns_err(ns_gethostname(name, 1), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ENAMETOOLONG);
  assert_last_os_error(ENAMETOOLONG);
  assert_ns_err(ns_gethostname(NULL, 10), NS_ERR_VALUE);
  assert_last_message("gethostname(): buf is NULL");
}

static void test_resolve__gethostbyname(void **state)
{
  (void)state;
  char ip[INET_ADDRSTRLEN];
  assert_ns_ok(ns_gethostbyname("localhost", ip, sizeof ip));
  assert_string_equal(ip, "127.0.0.1");
  assert_ns_ok(ns_gethostbyname("1.2.3.4", ip, sizeof ip));
  assert_string_equal(ip, "1.2.3.4");
  assert_ns_ok(ns_gethostbyname("", ip, sizeof ip));
  assert_string_equal(ip, "0.0.0.0");
  assert_ns_ok(ns_gethostbyname("<broadcast>", ip, sizeof ip));
  assert_string_equal(ip, "255.255.255.255");
}

static void test_resolve__gethostbyname_errors(void **state)
{
  (void)state;
  char ip[INET_ADDRSTRLEN];
  /* An IPv6 address is no answer to an IPv4 question, in getaddrinfo's
     own words: EAI_ADDRFAMILY from glibc, EAI_NONAME from musl. */
  int wrong_family = system_gai_code("::1", AF_INET);
  assert_int_not_equal(wrong_family, 0);
  assert_ns_err(ns_gethostbyname("::1", ip, sizeof ip), NS_ERR_GAIERROR);
  assert_last_gai_error(wrong_family);

  memset(ip, 'x', sizeof ip);
  assert_ns_err(ns_gethostbyname("127.0.0.1", ip, 9), NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 10 bytes");
  assert_int_equal(ip[0], 'x');

  assert_ns_err(ns_gethostbyname(NULL, ip, sizeof ip), NS_ERR_VALUE);
  assert_last_message("gethostbyname(): NULL argument");
}

static void test_resolve__gethostbyname_ex(void **state)
{
  (void)state;
  char buf[NS_HOSTENT_BUFSIZE];
  ns_hostent he;
  assert_ns_ok(ns_gethostbyname_ex("localhost", &he, buf, sizeof buf));
  assert_string_equal(he.name, "localhost");
  assert_int_equal(he.family, AF_INET);
  assert_non_null(he.addrs[0]);
  assert_string_equal(he.addrs[0], "127.0.0.1");
  assert_null(he.addrs[1]);

  assert_ns_ok(ns_gethostbyname_ex("127.0.0.1", &he, buf, sizeof buf));
  assert_string_equal(he.name, "127.0.0.1");
  /* No aliases from glibc; the address again from musl. */
  assert_true(aliases_as_system(&he, "127.0.0.1"));
  assert_string_equal(he.addrs[0], "127.0.0.1");
}

static void test_resolve__gethostbyname_ex_errors(void **state)
{
  (void)state;
  char buf[NS_HOSTENT_BUFSIZE];
  ns_hostent he;
  assert_ns_err(ns_gethostbyname_ex("::1", &he, buf, sizeof buf),
                NS_ERR_GAIERROR);
  assert_last_gai_error(system_gai_code("::1", AF_INET));

  assert_ns_err(ns_gethostbyname_ex("localhost", &he, buf, 16),
                NS_ERR_OVERFLOW);
  assert_string_equal(ns_error_last_operation(), "gethostbyname_ex");
  assert_true(strncmp(ns_error_last_message(),
                      "buffer too small: the result needs ", 35) == 0);

  assert_ns_err(ns_gethostbyname_ex("localhost", NULL, buf, sizeof buf),
                NS_ERR_VALUE);
  assert_last_message("gethostbyname_ex(): NULL argument");
}

static void test_resolve__gethostbyaddr(void **state)
{
  (void)state;
  char buf[NS_HOSTENT_BUFSIZE];
  ns_hostent he;
  assert_ns_ok(ns_gethostbyaddr("127.0.0.1", &he, buf, sizeof buf));
  assert_string_equal(he.name, "localhost");
  assert_string_equal(he.addrs[0], "127.0.0.1");
  /* A name is resolved first, as in Python. */
  assert_ns_ok(ns_gethostbyaddr("localhost", &he, buf, sizeof buf));
  assert_string_equal(he.name, "localhost");
}

static void test_resolve__gethostbyaddr_errors(void **state)
{
  (void)state;
  char buf[NS_HOSTENT_BUFSIZE];
  ns_hostent he;
  /* "" is the wildcard of both families: Python refuses it, unlooked-up. */
  assert_ns_err(ns_gethostbyaddr("", &he, buf, sizeof buf), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), 0);
  assert_last_message("wildcard resolved to multiple address");

  assert_ns_err(ns_gethostbyaddr("127.0.0.1", &he, buf, 8), NS_ERR_OVERFLOW);
  assert_true(strncmp(ns_error_last_message(),
                      "buffer too small: the result needs ", 35) == 0);
  assert_ns_err(ns_gethostbyaddr(NULL, &he, buf, sizeof buf), NS_ERR_VALUE);
  assert_last_message("gethostbyaddr(): NULL argument");
}

static void test_resolve__getfqdn(void **state)
{
  (void)state;
  char name[NI_MAXHOST];
  assert_ns_ok(ns_getfqdn("localhost", name, sizeof name));
  assert_string_equal(name, "localhost");
  assert_ns_ok(ns_getfqdn(" \tlocalhost \n", name, sizeof name));
  assert_string_equal(name, "localhost");

  memset(name, 'x', sizeof name);
  assert_ns_err(ns_getfqdn("localhost", name, 5), NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 10 bytes");
  assert_int_equal(name[0], 'x');
  assert_ns_err(ns_getfqdn(NULL, name, sizeof name), NS_ERR_VALUE);
  assert_last_message("getfqdn(): NULL argument");

  /* A name longer than any lookup answers for comes back whole, as in
     Python, never cut to 1024 bytes. */
  char longname[1300], out[1400];
  for (size_t i = 0; i < sizeof longname - 1; i++)
    longname[i] = i % 61 == 60 ? '.' : 'a';
  longname[sizeof longname - 1] = '\0';
  assert_ns_ok(ns_getfqdn(longname, out, sizeof out));
  assert_string_equal(out, longname);
  assert_ns_err(ns_getfqdn(longname, out, sizeof longname - 1),
                NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 1300 bytes");
}

/* ---- services, protocols ------------------------------------------------- */

static void test_resolve__getservbyname(void **state)
{
  (void)state;
  int port = 0;
  /* The first seed tutorial's lookup. */
  assert_ns_ok(ns_getservbyname("http", NULL, &port));
  assert_int_equal(port, 80);
  assert_ns_ok(ns_getservbyname("http", "tcp", &port));
  assert_int_equal(port, 80);
  assert_ns_ok(ns_getservbyname("domain", "udp", &port));
  assert_int_equal(port, 53);

  assert_ns_err(ns_getservbyname("nosuchservice", NULL, &port), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), 0);
  assert_last_message("service/proto not found");
  assert_ns_err(ns_getservbyname("http", "xyz", &port), NS_ERR_OS);
  assert_last_message("service/proto not found");
  assert_ns_err(ns_getservbyname("http", NULL, NULL), NS_ERR_VALUE);
  assert_last_message("getservbyname(): NULL argument");
}

static void test_resolve__getservbyport(void **state)
{
  (void)state;
  char name[64];
  assert_ns_ok(ns_getservbyport(80, NULL, name, sizeof name));
  assert_string_equal(name, "http");
  assert_ns_ok(ns_getservbyport(53, "udp", name, sizeof name));
  assert_string_equal(name, "domain");

  assert_ns_err(ns_getservbyport(65535, NULL, name, sizeof name), NS_ERR_OS);
  assert_last_message("port/proto not found");
  assert_ns_err(ns_getservbyport(70000, NULL, name, sizeof name),
                NS_ERR_OVERFLOW);
  assert_last_message("getservbyport: port must be 0-65535.");
  assert_ns_err(ns_getservbyport(-1, NULL, name, sizeof name), NS_ERR_OVERFLOW);
  assert_last_message("getservbyport: port must be 0-65535.");
  assert_ns_err(ns_getservbyport(80, NULL, name, 4), NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 5 bytes");
}

static void test_resolve__getprotobyname(void **state)
{
  (void)state;
  int proto = -1;
  assert_ns_ok(ns_getprotobyname("tcp", &proto));
  assert_int_equal(proto, IPPROTO_TCP);
  assert_ns_ok(ns_getprotobyname("udp", &proto));
  assert_int_equal(proto, IPPROTO_UDP);

  assert_ns_err(ns_getprotobyname("nosuchprotocol", &proto), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), 0);
  assert_last_message("protocol not found");
  assert_ns_err(ns_getprotobyname(NULL, &proto), NS_ERR_VALUE);
  assert_last_message("getprotobyname(): NULL argument");
}

/* ---- inet_pton / inet_ntop ----------------------------------------------- */

static void test_resolve__inet_pton_ntop(void **state)
{
  (void)state;
  unsigned char packed[16];
  char text[INET6_ADDRSTRLEN];
  assert_ns_ok(ns_inet_pton(AF_INET, "1.2.3.4", packed, sizeof packed));
  assert_memory_equal(packed, "\1\2\3\4", 4);
  assert_ns_ok(ns_inet_ntop(AF_INET, packed, 4, text, sizeof text));
  assert_string_equal(text, "1.2.3.4");

  assert_ns_ok(ns_inet_pton(AF_INET6, "fe80::1", packed, sizeof packed));
  assert_int_equal(packed[0], 0xfe);
  assert_int_equal(packed[15], 1);
  assert_ns_ok(ns_inet_ntop(AF_INET6, packed, 16, text, sizeof text));
  assert_string_equal(text, "fe80::1");

  /* An IPv4 address needs only four bytes of room. */
  assert_ns_ok(ns_inet_pton(AF_INET, "10.0.0.1", packed, 4));
}

static void test_resolve__inet_pton_errors(void **state)
{
  (void)state;
  unsigned char packed[16];
  assert_ns_err(ns_inet_pton(AF_INET, "1.2.3", packed, sizeof packed),
                NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), 0);
  assert_last_message("illegal IP address string passed to inet_pton");
  assert_ns_err(ns_inet_pton(AF_INET6, ":::1", packed, sizeof packed),
                NS_ERR_OS);
  assert_last_message("illegal IP address string passed to inet_pton");
  assert_ns_err(ns_inet_pton(12345, "1.2.3.4", packed, sizeof packed),
                NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EAFNOSUPPORT);
  assert_last_os_error(EAFNOSUPPORT);
  assert_ns_err(ns_inet_pton(AF_INET6, "::1", packed, 4), NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 16 bytes");
  assert_ns_err(ns_inet_pton(AF_INET, NULL, packed, 4), NS_ERR_VALUE);
  assert_last_message("inet_pton(): NULL argument");
}

static void test_resolve__inet_ntop_errors(void **state)
{
  (void)state;
  char text[INET6_ADDRSTRLEN];
  assert_ns_err(ns_inet_ntop(AF_INET, "\1\2\3", 3, text, sizeof text),
                NS_ERR_VALUE);
  assert_last_message("invalid length of packed IP address string");
  assert_ns_err(ns_inet_ntop(AF_INET6, "\1\2\3\4", 4, text, sizeof text),
                NS_ERR_VALUE);
  assert_last_message("invalid length of packed IP address string");
  assert_ns_err(ns_inet_ntop(12345, "\1\2\3\4", 4, text, sizeof text),
                NS_ERR_VALUE);
  assert_last_message("unknown address family 12345");
  memset(text, 'x', sizeof text);
  assert_ns_err(ns_inet_ntop(AF_INET, "\1\2\3\4", 4, text, 7), NS_ERR_OVERFLOW);
  assert_last_message("buffer too small: the result needs 8 bytes");
  assert_int_equal(text[0], 'x');
}

/* ---- inside a private resolver ------------------------------------------- */

static const char sandbox_hosts[] = "127.0.0.1 localhost\n"
                                    "::1 dual\n"
                                    "127.0.0.1 dual\n"
                                    "192.0.2.7 box.example.test box\n";

static int sandboxed_dual(void *arg)
{
  (void)arg;
  ns_addrinfo *list;
  SB_CHECK(ns_getaddrinfo(&list, "dual", "80", AF_UNSPEC, SOCK_STREAM, 0, 0) ==
           NS_OK);
  /* Both families, IPv6 first as RFC 6724 sorts loopback. */
  const ns_addrinfo *second = ns_addrinfo_next(list);
  SB_CHECK(ns_addrinfo_family(list) == AF_INET6);
  SB_CHECK(second && ns_addrinfo_family(second) == AF_INET);
  SB_CHECK(ns_addrinfo_next(second) == NULL);
  ns_addrinfo_free(list);

  SB_CHECK(ns_getaddrinfo(&list, "nosuchhost", "80", AF_UNSPEC, 0, 0, 0) ==
           NS_ERR_GAIERROR);
  SB_CHECK(ns_error_last_errno() == EAI_NONAME);
  SB_CHECK_STR(ns_error_last_message(), ns_test_gai_message(EAI_NONAME));
  return 0;
}

static void test_resolve__sandbox_getaddrinfo_dual(void **state)
{
  (void)state;
  hosts_sandbox_run(sandbox_hosts, sandboxed_dual, NULL);
}

static int sandboxed_lookups(void *arg)
{
  (void)arg;
  char buf[NS_HOSTENT_BUFSIZE];
  char ip[INET_ADDRSTRLEN];
  ns_hostent he;

  SB_CHECK(ns_gethostbyname("box", ip, sizeof ip) == NS_OK);
  SB_CHECK_STR(ip, "192.0.2.7");
  SB_CHECK(ns_gethostbyname("nosuchhost", ip, sizeof ip) == NS_ERR_GAIERROR);
  SB_CHECK_STR(ns_error_last_message(), ns_test_gai_message(EAI_NONAME));

  SB_CHECK(ns_gethostbyname_ex("box", &he, buf, sizeof buf) == NS_OK);
  SB_CHECK_STR(he.name, "box.example.test");
  /* "box", the hosts file's alias, listed as the system lists it (glibc
     gives it alone, musl after the canonical name). */
  SB_CHECK(aliases_as_system(&he, "box"));
  SB_CHECK(he.aliases[0] && (strcmp(he.aliases[0], "box") == 0 ||
                             (he.aliases[1] && !strcmp(he.aliases[1], "box"))));
  SB_CHECK_STR(he.addrs[0], "192.0.2.7");

  SB_CHECK(ns_gethostbyaddr("192.0.2.7", &he, buf, sizeof buf) == NS_OK);
  SB_CHECK_STR(he.name, "box.example.test");
  /* An address nobody named: herror carrying HOST_NOT_FOUND where the
     system's gethostbyaddr(3) fails (glibc); where it answers with the
     address itself as the name (musl), so do Python and the library. */
  struct in_addr nobody;
  SB_CHECK(inet_pton(AF_INET, "192.0.2.99", &nobody) == 1);
  struct hostent *sys =
      gethostbyaddr((const void *)&nobody, sizeof nobody, AF_INET);
  if (!sys) {
    SB_CHECK(ns_gethostbyaddr("192.0.2.99", &he, buf, sizeof buf) ==
             NS_ERR_HERROR);
    SB_CHECK(ns_error_last_errno() == HOST_NOT_FOUND);
    SB_CHECK_STR(ns_error_last_message(),
                 ns_test_herror_message(HOST_NOT_FOUND));
    SB_CHECK(ns_error_is(NS_ERR_HERROR, NS_ERR_OS));
  } else {
    char sys_name[NI_MAXHOST];
    snprintf(sys_name, sizeof sys_name, "%s", sys->h_name);
    SB_CHECK(ns_gethostbyaddr("192.0.2.99", &he, buf, sizeof buf) == NS_OK);
    SB_CHECK_STR(he.name, sys_name);
  }

  char name[NI_MAXHOST];
  SB_CHECK(ns_getfqdn("box", name, sizeof name) == NS_OK);
  SB_CHECK_STR(name, "box.example.test");
  /* A failed lookup gives the name back, as Python's getfqdn(). */
  SB_CHECK(ns_getfqdn("nosuchhost", name, sizeof name) == NS_OK);
  SB_CHECK_STR(name, "nosuchhost");

  /* A name that does not resolve is a gaierror for the numeric step. */
  SB_CHECK(ns_gethostbyaddr("nosuchhost", &he, buf, sizeof buf) ==
           NS_ERR_GAIERROR);
  SB_CHECK_STR(ns_error_last_message(), ns_test_gai_message(EAI_NONAME));

  ns_addr a;
  SB_CHECK(ns_addr_inet(&a, "192.0.2.99", 80) == NS_OK);
  SB_CHECK(ns_getnameinfo(&a, NI_NAMEREQD, name, sizeof name, NULL, 0) ==
           NS_ERR_GAIERROR);
  SB_CHECK_STR(ns_error_last_message(), ns_test_gai_message(EAI_NONAME));
  return 0;
}

static void test_resolve__sandbox_lookups(void **state)
{
  (void)state;
  hosts_sandbox_run(sandbox_hosts, sandboxed_lookups, NULL);
}

/* getfqdn("") asks for this machine's own name. */
static int sandboxed_own_fqdn(void *arg)
{
  const char *want = arg;
  char name[NI_MAXHOST];
  SB_CHECK(ns_getfqdn("", name, sizeof name) == NS_OK);
  SB_CHECK_STR(name, want);
  SB_CHECK(ns_getfqdn("0.0.0.0", name, sizeof name) == NS_OK);
  SB_CHECK_STR(name, want);
  return 0;
}

static void test_resolve__sandbox_getfqdn_own(void **state)
{
  (void)state;
  char self[256], hosts[700];
  assert_ns_ok(ns_gethostname(self, sizeof self));
  snprintf(hosts, sizeof hosts,
           "127.0.0.1 localhost\n192.0.2.8 %s.example.test %s\n", self, self);
  char want[300];
  snprintf(want, sizeof want, "%s.example.test", self);
  hosts_sandbox_run(hosts, sandboxed_own_fqdn, want);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_resolve__getaddrinfo_numeric),
      NS_TEST(test_resolve__getaddrinfo_localhost),
      NS_TEST(test_resolve__getaddrinfo_errors),
      NS_TEST(test_resolve__addrinfo_accessors_null),
      NS_TEST(test_resolve__getnameinfo),
      NS_TEST(test_resolve__getnameinfo_errors),
      NS_TEST(test_resolve__gethostname),
      NS_TEST(test_resolve__gethostbyname),
      NS_TEST(test_resolve__gethostbyname_errors),
      NS_TEST(test_resolve__gethostbyname_ex),
      NS_TEST(test_resolve__gethostbyname_ex_errors),
      NS_TEST(test_resolve__gethostbyaddr),
      NS_TEST(test_resolve__gethostbyaddr_errors),
      NS_TEST(test_resolve__getfqdn),
      NS_TEST(test_resolve__getservbyname),
      NS_TEST(test_resolve__getservbyport),
      NS_TEST(test_resolve__getprotobyname),
      NS_TEST(test_resolve__inet_pton_ntop),
      NS_TEST(test_resolve__inet_pton_errors),
      NS_TEST(test_resolve__inet_ntop_errors),
      NS_TEST(test_resolve__sandbox_getaddrinfo_dual),
      NS_TEST(test_resolve__sandbox_lookups),
      NS_TEST(test_resolve__sandbox_getfqdn_own),
  };
  return cmocka_run_group_tests_name("resolve", tests, NULL, NULL);
}

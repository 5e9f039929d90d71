/* SPDX-License-Identifier: MIT */
/*
 * The torture test: every scenario below is run once to record the system
 * calls, allocations and resolver calls it makes, then once more for every
 * call N and every fault that call can really suffer, with that fault
 * injected into call N alone (the curl torture idea), then once with a
 * storm of interruptions and once with a storm of short transfers.
 *
 * Each run must end with no crash, no descriptor, heap block, getaddrinfo
 * list or thread left behind, and either success with the right data or a
 * clean failure: an error class and message that the injected fault
 * explains. An interruption (EINTR), a kernel timer firing early (EAGAIN
 * on a blocking socket with a timeout, EINPROGRESS from a timed connect)
 * and a short transfer must never show at all (PEP 475).
 *
 * Together the scenarios call every public function; `--coverage` prints
 * how many fallible calls each made, which fault.api_coverage compares with
 * the library's exports and pure_functions.txt.
 */
#include "ns_test.h"
#include "shim.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* ---- one run ------------------------------------------------------------- */

typedef struct run {
  /* The variant: address family and whether sockets get a timeout. */
  int family;
  bool timed;
  /* The first unexpected failure. */
  ns_err code;
  int sys_errno;
  char op[32];
  char message[160];
  const char *expr;
  int line;
  /* A wrong result from a call that succeeded. */
  char bad[160];
} run;

static void failed(run *r, ns_err code, const char *expr, int line)
{
  if (r->code)
    return;
  r->code = code;
  r->sys_errno = ns_error_last_errno();
  snprintf(r->op, sizeof r->op, "%s", ns_error_last_operation());
  snprintf(r->message, sizeof r->message, "%s", ns_error_last_message());
  r->expr = expr;
  r->line = line;
}

static void wrong(run *r, const char *what, int line)
{
  if (!r->bad[0])
    snprintf(r->bad, sizeof r->bad, "line %d: %s", line, what);
}

/* Call a public function, attributing the calls it makes to it. */
#define API(fn) (ns_fault_note_api(#fn), fn)

/* Stop the scenario at the first failure. */
#define TRY(expr)                                                              \
  do {                                                                         \
    ns_err e_ = (expr);                                                        \
    if (e_ != NS_OK) {                                                         \
      failed(r, e_, #expr, __LINE__);                                          \
      goto out;                                                                \
    }                                                                          \
  } while (0)

/* A call whose failure is the point: anything else stops the scenario. */
#define EXPECT(expr, want)                                                     \
  do {                                                                         \
    ns_err e_ = (expr);                                                        \
    if (e_ != (want)) {                                                        \
      if (e_)                                                                  \
        failed(r, e_, #expr, __LINE__);                                        \
      else                                                                     \
        wrong(r, #expr " succeeded, expected " #want, __LINE__);               \
      goto out;                                                                \
    }                                                                          \
  } while (0)

/* A result that must hold when the calls succeeded. */
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      wrong(r, #cond, __LINE__);                                               \
      goto out;                                                                \
    }                                                                          \
  } while (0)

/* Close in the clean-up path; a failing close is the run's failure. */
#define CLOSE(s)                                                               \
  do {                                                                         \
    if (s) {                                                                   \
      ns_err e_ = API(ns_close)(s);                                            \
      (s) = NULL;                                                              \
      if (e_)                                                                  \
        failed(r, e_, "ns_close(" #s ")", __LINE__);                           \
    }                                                                          \
  } while (0)

/* ---- fixtures made before any run ---------------------------------------- */

static bool have_ipv6;
static bool have_services;  /* /etc/services knows http */
static bool have_protocols; /* /etc/protocols knows tcp */
static bool have_hosts;     /* localhost resolves through /etc/hosts */
static unsigned lo_index;
static char lo_name[IF_NAMESIZE];
static char file_path[128];
enum { FILE_SIZE = 30000 };
static unsigned char file_data[FILE_SIZE];

static void fill(unsigned char *p, size_t n, unsigned seed)
{
  uint32_t x = seed * 2654435761u + 1;
  for (size_t i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    p[i] = (unsigned char)x;
  }
}

static void make_fixtures(void)
{
  have_ipv6 = ns_test_have_ipv6();
  int port = 0;
  have_services = ns_getservbyname("http", "tcp", &port) == NS_OK;
  int proto = 0;
  have_protocols = ns_getprotobyname("tcp", &proto) == NS_OK;
  ns_hostent he;
  char hbuf[NS_HOSTENT_BUFSIZE];
  ns_addr a;
  have_hosts = ns_addr_inet(&a, "localhost", 0) == NS_OK &&
               ns_gethostbyaddr("127.0.0.1", &he, hbuf, sizeof hbuf) == NS_OK;
  lo_index = if_nametoindex("lo");
  if (!lo_index || !if_indextoname(lo_index, lo_name))
    snprintf(lo_name, sizeof lo_name, "%u", lo_index);
  fill(file_data, sizeof file_data, 7);
  snprintf(file_path, sizeof file_path, "%s", ns_test_unix_path("file"));
  FILE *f = fopen(file_path, "wb");
  assert_non_null(f);
  assert_int_equal(fwrite(file_data, 1, sizeof file_data, f), sizeof file_data);
  assert_int_equal(fclose(f), 0);
}

static ns_addr loopback(int family)
{
  ns_addr a;
  if (family == AF_INET6)
    API(ns_addr_inet6)(&a, "::1", 0, 0, 0);
  else
    API(ns_addr_inet)(&a, "127.0.0.1", 0);
  return a;
}

/* ---- the scenarios ------------------------------------------------------- */

enum { PAYLOAD = 3000 };

/* A TCP connection: bind, listen, connect, accept, both directions with
   every send and receive call, half-close. */
static ns_err sc_tcp(run *r)
{
  ns_socket *l = NULL, *c = NULL, *a = NULL;
  unsigned char out_buf[PAYLOAD], in_buf[PAYLOAD];
  fill(out_buf, sizeof out_buf, 1);
  ns_addr lo = loopback(r->family), bound, peer, name;
  size_t n, off;

  TRY(API(ns_socket_create)(&l, r->family, SOCK_STREAM, 0));
  TRY(API(ns_bind)(l, &lo));
  TRY(API(ns_listen)(l, 8));
  TRY(API(ns_getsockname)(l, &bound));
  TRY(API(ns_socket_create)(&c, r->family, SOCK_STREAM, 0));
  TRY(API(ns_connect)(c, &bound));
  TRY(API(ns_accept)(l, &a, &peer));
  TRY(API(ns_getpeername)(c, &name));
  CHECK(ns_addr_equal(&name, &bound));
  TRY(API(ns_getsockname)(c, &name));
  CHECK(ns_addr_equal(&name, &peer));

  /* A program that sends with send() loops over what it took. */
  for (off = 0; off < PAYLOAD; off += n) {
    TRY(API(ns_send)(c, out_buf + off, PAYLOAD - off, 0, &n));
    CHECK(n > 0 && n <= PAYLOAD - off);
  }
  for (off = 0; off < PAYLOAD; off += n) {
    TRY(API(ns_recv)(a, in_buf + off, PAYLOAD - off, 0, &n));
    CHECK(n > 0);
  }
  CHECK(memcmp(in_buf, out_buf, PAYLOAD) == 0);

  TRY(API(ns_sendall)(a, in_buf, PAYLOAD, 0, &n));
  CHECK(n == PAYLOAD);
  memset(in_buf, 0, sizeof in_buf);
  TRY(API(ns_recv_exact)(c, in_buf, PAYLOAD, &n));
  CHECK(n == PAYLOAD && memcmp(in_buf, out_buf, PAYLOAD) == 0);

  /* On a connected stream the address is ignored. */
  for (off = 0; off < 10; off += n)
    TRY(API(ns_sendto)(c, out_buf + off, 10 - off, 0, &bound, &n));
  for (off = 0; off < 10; off += n) {
    TRY(API(ns_recvfrom)(a, in_buf + off, 10 - off, 0, &n, NULL));
    CHECK(n > 0);
  }
  TRY(API(ns_shutdown)(c, SHUT_WR));
  TRY(API(ns_recv)(a, in_buf, 1, 0, &n));
  CHECK(n == 0);
out:
  CLOSE(a);
  CLOSE(c);
  CLOSE(l);
  return r->code;
}

/* UDP: sendto/recvfrom between two bound sockets, then connected. */
static ns_err sc_udp(run *r)
{
  ns_socket *u1 = NULL, *u2 = NULL;
  ns_addr lo = loopback(r->family), a1, a2, from;
  unsigned char msg[200], buf[300];
  fill(msg, sizeof msg, 2);
  size_t n;

  TRY(API(ns_socket_create)(&u1, r->family, SOCK_DGRAM, 0));
  TRY(API(ns_socket_create)(&u2, r->family, SOCK_DGRAM, 0));
  TRY(API(ns_bind)(u1, &lo));
  TRY(API(ns_bind)(u2, &lo));
  TRY(API(ns_getsockname)(u1, &a1));
  TRY(API(ns_getsockname)(u2, &a2));
  TRY(API(ns_sendto)(u1, msg, sizeof msg, 0, &a2, &n));
  CHECK(n == sizeof msg);
  TRY(API(ns_recvfrom)(u2, buf, sizeof buf, 0, &n, &from));
  CHECK(n == sizeof msg && memcmp(buf, msg, n) == 0);
  CHECK(ns_addr_equal(&from, &a1));
  TRY(API(ns_connect)(u2, &a1));
  TRY(API(ns_send)(u2, msg, 50, 0, &n));
  CHECK(n == 50);
  TRY(API(ns_recv)(u1, buf, sizeof buf, 0, &n));
  CHECK(n == 50 && memcmp(buf, msg, n) == 0);
out:
  CLOSE(u1);
  CLOSE(u2);
  return r->code;
}

/* Options, timeouts and blocking modes, inheritance. */
static ns_err sc_sockopt(run *r)
{
  ns_socket *s = NULL;
  int v = 0;
  bool inh = true;
  TRY(API(ns_socket_create)(&s, r->family, SOCK_STREAM, 0));
  int size = 65536;
  TRY(API(ns_setsockopt)(s, SOL_SOCKET, SO_RCVBUF, &size, sizeof size));
  size_t len = sizeof v;
  TRY(API(ns_getsockopt)(s, SOL_SOCKET, SO_RCVBUF, &v, &len));
  CHECK(len == sizeof v && v >= size);
  TRY(API(ns_setsockopt_int)(s, IPPROTO_TCP, TCP_NODELAY, 1));
  TRY(API(ns_getsockopt_int)(s, IPPROTO_TCP, TCP_NODELAY, &v));
  CHECK(v != 0);
  TRY(API(ns_settimeout)(s, 0.5));
  CHECK(ns_gettimeout(s) == 0.5);
  TRY(API(ns_setblocking)(s, false));
  CHECK(!ns_getblocking(s));
  TRY(API(ns_settimeout)(s, 2.0));
  TRY(API(ns_setblocking)(s, true));
  CHECK(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  TRY(API(ns_get_inheritable)(s, &inh));
  CHECK(!inh);
  TRY(API(ns_set_inheritable)(s, true));
  TRY(API(ns_get_inheritable)(s, &inh));
  CHECK(inh);
  TRY(API(ns_set_inheritable)(s, false));
  CHECK(ns_raw_fcntl_getfd(ns_fileno(s)) & FD_CLOEXEC);
out:
  CLOSE(s);
  return r->code;
}

/* socketpair, dup, fromfd, detach, makefile. */
static ns_err sc_handle(run *r)
{
  ns_socket *a = NULL, *b = NULL, *d = NULL, *f = NULL;
  FILE *w = NULL, *rd = NULL;
  int raw[2] = {-1, -1};
  size_t n;
  char buf[64];

  TRY(API(ns_socketpair)(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  TRY(API(ns_dup)(a, &d));
  TRY(API(ns_sendall)(d, "dup!", 4, 0, &n));
  TRY(API(ns_recv_exact)(b, buf, 4, &n));
  CHECK(memcmp(buf, "dup!", 4) == 0);
  CLOSE(d);

  CHECK(ns_raw_socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, raw) == 0);
  ns_err e = API(ns_fromfd)(&f, raw[0]);
  /* fromfd leaves the descriptor to the caller on failure, except after
     MemoryError, when it has closed it. */
  if (e == NS_ERR_MEMORY)
    raw[0] = -1;
  TRY(e);
  raw[0] = -1; /* the handle owns it */
  CHECK(ns_family(f) == AF_UNIX && ns_socktype(f) == SOCK_STREAM);
  TRY(API(ns_settimeout)(f, 1.0));
  raw[0] = API(ns_detach)(f);
  f = NULL;
  CHECK(raw[0] >= 0);

  TRY(API(ns_makefile)(a, "wb", &w));
  CHECK(w != NULL); /* NS_OK must come with a stream */
  /* A stream reports a failure of the call under it as EOF; the
     library's last error says which. */
  ns_error_clear();
  if (fputs("hello\n", w) < 0 || fflush(w) != 0) {
    failed(r, ns_error_last_code(), "fputs/fflush", __LINE__);
    goto out;
  }
  TRY(API(ns_makefile)(b, "rb", &rd));
  CHECK(rd != NULL);
  ns_error_clear();
  if (!fgets(buf, sizeof buf, rd)) {
    failed(r, ns_error_last_code(), "fgets", __LINE__);
    goto out;
  }
  CHECK(strcmp(buf, "hello\n") == 0);
out:
  if (w)
    fclose(w);
  if (rd)
    fclose(rd);
  for (int i = 0; i < 2; i++)
    if (raw[i] >= 0)
      ns_raw_close(raw[i]);
  CLOSE(f);
  CLOSE(d);
  CLOSE(a);
  CLOSE(b);
  return r->code;
}

/* AF_UNIX: a path and an abstract name. */
static ns_err sc_unix(run *r)
{
  ns_socket *l = NULL, *c = NULL, *a = NULL, *d1 = NULL, *d2 = NULL;
  ns_addr path, abstract, from;
  char buf[PAYLOAD];
  unsigned char msg[PAYLOAD];
  fill(msg, sizeof msg, 3);
  size_t n;
  const char *p = ns_test_unix_path("torture.sock");
  unlink(p);
  char name[64];
  int name_len = snprintf(name, sizeof name, "netsock-torture-%d", getpid());

  TRY(API(ns_addr_unix)(&path, p));
  TRY(API(ns_socket_create)(&l, AF_UNIX, SOCK_STREAM, 0));
  TRY(API(ns_bind)(l, &path));
  TRY(API(ns_listen)(l, 4));
  TRY(API(ns_socket_create)(&c, AF_UNIX, SOCK_STREAM, 0));
  TRY(API(ns_connect)(c, &path));
  TRY(API(ns_accept)(l, &a, NULL));
  TRY(API(ns_sendall)(c, msg, sizeof msg, 0, &n));
  TRY(API(ns_recv_exact)(a, buf, sizeof msg, &n));
  CHECK(memcmp(buf, msg, sizeof msg) == 0);

  TRY(API(ns_addr_unix_abstract)(&abstract, name, (size_t)name_len));
  TRY(API(ns_socket_create)(&d1, AF_UNIX, SOCK_DGRAM, 0));
  TRY(API(ns_socket_create)(&d2, AF_UNIX, SOCK_DGRAM, 0));
  TRY(API(ns_bind)(d1, &abstract));
  TRY(API(ns_sendto)(d2, msg, 100, 0, &abstract, &n));
  TRY(API(ns_recvfrom)(d1, buf, sizeof buf, 0, &n, &from));
  CHECK(n == 100 && memcmp(buf, msg, 100) == 0);
out:
  CLOSE(a);
  CLOSE(c);
  CLOSE(l);
  CLOSE(d1);
  CLOSE(d2);
  unlink(p);
  return r->code;
}

/* Addresses whose making or formatting asks the system: names, zones. */
static ns_err sc_addr(run *r)
{
  ns_addr a, b, c;
  char text[NS_ADDR_STRLEN], host[NS_ADDR_STRLEN], want[64];
  if (have_hosts) {
    TRY(API(ns_addr_inet)(&a, "localhost", 80));
    CHECK(ns_addr_family(&a) == AF_INET && ns_addr_port(&a) == 80);
  }
  if (!lo_index)
    return NS_OK;
  snprintf(want, sizeof want, "[::1%%%s]:8080", lo_name);
  TRY(API(ns_addr_parse)(&b, want));
  CHECK(b.u.in6.sin6_scope_id == lo_index);
  TRY(API(ns_addr_format)(&b, text, sizeof text));
  /* Without the interface's name (if_indextoname failed) the zone is its
     number, which reads back the same. */
  snprintf(host, sizeof host, "[::1%%%u]:8080", lo_index);
  CHECK(strcmp(text, want) == 0 || strcmp(text, host) == 0);
  TRY(API(ns_addr_parse_n)(&c, text, strlen(text)));
  CHECK(ns_addr_equal(&b, &c));
  TRY(API(ns_addr_host)(&b, host, sizeof host));
  CHECK(strncmp(host, "::1%", 4) == 0);
  snprintf(want, sizeof want, "::1%%%s", lo_name);
  TRY(API(ns_addr_inet6)(&c, want, 80, 0, 0));
  CHECK(c.u.in6.sin6_scope_id == lo_index);
out:
  return r->code;
}

/* Name resolution through numeric hosts and the local files only. */
static ns_err sc_resolve(run *r)
{
  ns_addrinfo *list = NULL;
  char host[NI_MAXHOST], serv[NI_MAXSERV], buf[NS_HOSTENT_BUFSIZE];
  ns_hostent he;
  ns_addr a;
  TRY(API(ns_getaddrinfo)(&list, "127.0.0.1", "80", AF_INET, SOCK_STREAM, 0,
                          AI_NUMERICHOST | AI_NUMERICSERV));
  CHECK(ns_addrinfo_family(list) == AF_INET);
  a = ns_addrinfo_addr(list);
  CHECK(ns_addr_port(&a) == 80);
  API(ns_addrinfo_free)(list);
  list = NULL;
  TRY(API(ns_getnameinfo)(&a, NI_NUMERICHOST | NI_NUMERICSERV, host,
                          sizeof host, serv, sizeof serv));
  CHECK(strcmp(host, "127.0.0.1") == 0 && strcmp(serv, "80") == 0);
  TRY(API(ns_gethostname)(host, sizeof host));
  CHECK(host[0] != '\0');
  TRY(API(ns_gethostbyname)("127.0.0.1", host, sizeof host));
  CHECK(strcmp(host, "127.0.0.1") == 0);
  if (have_hosts) {
    TRY(API(ns_getaddrinfo)(&list, "localhost", NULL, AF_INET, SOCK_STREAM, 0,
                            0));
    API(ns_addrinfo_free)(list);
    list = NULL;
    TRY(API(ns_gethostbyname)("localhost", host, sizeof host));
    CHECK(strcmp(host, "127.0.0.1") == 0);
    TRY(API(ns_gethostbyname_ex)("localhost", &he, buf, sizeof buf));
    CHECK(he.family == AF_INET && he.addrs[0]);
    TRY(API(ns_gethostbyaddr)("127.0.0.1", &he, buf, sizeof buf));
    CHECK(he.name[0] != '\0');
    TRY(API(ns_getfqdn)("localhost", host, sizeof host));
    CHECK(host[0] != '\0');
  }
  if (have_services) {
    int port = 0;
    TRY(API(ns_getservbyname)("http", "tcp", &port));
    CHECK(port == 80);
    TRY(API(ns_getservbyport)(80, "tcp", serv, sizeof serv));
    CHECK(serv[0] != '\0');
  }
  if (have_protocols) {
    int proto = 0;
    TRY(API(ns_getprotobyname)("tcp", &proto));
    CHECK(proto == IPPROTO_TCP);
  }
out:
  API(ns_addrinfo_free)(list);
  return r->code;
}

/* create_server, create_connection by number, by name (on the lookup
   thread) and over an address list (Happy Eyeballs), and the probes. */
static ns_err sc_create(run *r)
{
  ns_socket *srv = NULL, *srv6 = NULL, *c = NULL, *a = NULL;
  ns_addr lo = loopback(AF_INET), bound;
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 5.0;

  TRY(API(ns_create_server)(&srv, &lo, NULL));
  TRY(API(ns_getsockname)(srv, &bound));
  int port = ns_addr_port(&bound);
  TRY(API(ns_create_connection)(&c, "127.0.0.1", port, &opts));
  TRY(API(ns_accept)(srv, &a, NULL));
  CLOSE(a);
  CLOSE(c);
  TRY(API(ns_create_connection_timeout)(&c, "127.0.0.1", port, 5.0));
  TRY(API(ns_accept)(srv, &a, NULL));
  CLOSE(a);
  CLOSE(c);
  if (have_hosts) {
    TRY(API(ns_create_connection)(&c, "localhost", port, &opts));
    TRY(API(ns_accept)(srv, &a, NULL));
    CLOSE(a);
    CLOSE(c);
  }
  if (have_ipv6) {
    /* ::1 first, where nobody listens on the port: refused, then the
       IPv4 address wins. */
    ns_addr addrs[2];
    API(ns_addr_inet6)(&addrs[0], "::1", port, 0, 0);
    addrs[1] = bound;
    ns_connect_error items[4];
    ns_connect_errors errs = {items, 4, 0, 0};
    opts.all_errors = &errs;
    TRY(API(ns_create_connection_addrs)(&c, addrs, 2, &opts));
    CHECK(errs.count <= 2 && errs.dropped == 0);
    TRY(API(ns_accept)(srv, &a, NULL));
    CLOSE(a);
    CLOSE(c);
  }
  (void)API(ns_has_ipv6)();
  if (have_ipv6 && API(ns_has_dualstack_ipv6)()) {
    ns_addr any6;
    ns_create_server_options so = NS_CREATE_SERVER_OPTIONS_INIT;
    so.dualstack_ipv6 = true;
    so.reuse_port = true;
    API(ns_addr_inet6)(&any6, "::1", 0, 0, 0);
    TRY(API(ns_create_server)(&srv6, &any6, &so));
  }
out:
  CLOSE(a);
  CLOSE(c);
  CLOSE(srv);
  CLOSE(srv6);
  return r->code;
}

/* Messages: descriptor passing, credentials, sendfile both ways, exact
   reads, datagram batches. */
static ns_err sc_msg(run *r)
{
  ns_socket *a = NULL, *b = NULL, *d1 = NULL, *d2 = NULL;
  int pfd[2] = {-1, -1}, got[4] = {-1, -1, -1, -1}, file = -1;
  size_t n, nfds = 0;
  int mflags = 0;
  char buf[FILE_SIZE];
  NS_CMSG_STORAGE(512) store;
  ns_cmsg_buf cb;

  CHECK(pipe2(pfd, O_CLOEXEC) == 0);
  TRY(API(ns_socketpair)(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  TRY(API(ns_send_fds)(a, "F", 1, pfd, 2, 0, NULL, &n));
  CHECK(n == 1);
  TRY(API(ns_recv_fds)(b, buf, sizeof buf, got, 4, 0, &n, &nfds, &mflags,
                       NULL));
  CHECK(n == 1 && nfds == 2);
  for (size_t i = 0; i < nfds; i++)
    CHECK(ns_raw_fcntl_getfd(got[i]) & FD_CLOEXEC);
  for (size_t i = 0; i < nfds; i++) {
    ns_raw_close(got[i]);
    got[i] = -1;
  }

  /* Credentials, sent and received as control messages. */
  TRY(API(ns_setsockopt_int)(b, SOL_SOCKET, SO_PASSCRED, 1));
  TRY(API(ns_cmsg_buf_init)(&cb, &store, sizeof store));
  TRY(API(ns_cmsg_add_creds)(&cb, NULL));
  struct iovec iov = {(void *)"hello", 5};
  TRY(API(ns_sendmsg)(a, &iov, 1, &cb, 0, NULL, &n));
  for (size_t off = n; off < 5; off += n)
    TRY(API(ns_sendall)(a, &"hello"[off], 5 - off, 0, &n));
  struct iovec riov = {buf, 5};
  TRY(API(ns_cmsg_buf_init)(&cb, &store, sizeof store));
  TRY(API(ns_recvmsg)(b, &riov, 1, &cb, 0, &n, &mflags, NULL));
  CHECK(n >= 1 && n <= 5);
  if (n < 5)
    TRY(API(ns_recv_exact)(b, buf + n, 5 - n, &n));
  CHECK(memcmp(buf, "hello", 5) == 0);
  bool saw_creds = false;
  for (const struct cmsghdr *m = API(ns_cmsg_next)(&cb, NULL); m;
       m = API(ns_cmsg_next)(&cb, m)) {
    ns_ucred cred;
    if (API(ns_cmsg_get_creds)(m, &cred) == NS_OK)
      saw_creds = cred.pid == getpid();
  }
  CHECK(saw_creds);
  TRY(API(ns_setsockopt_int)(b, SOL_SOCKET, SO_PASSCRED, 0));
  ns_ucred peer;
  TRY(API(ns_getpeercred)(a, &peer));
  CHECK(peer.pid == getpid());

  /* Descriptors received by recvmsg belong to the caller: close them. */
  TRY(API(ns_send_fds)(a, "G", 1, pfd, 1, 0, NULL, &n));
  TRY(API(ns_cmsg_buf_init)(&cb, &store, sizeof store));
  riov.iov_len = 1;
  TRY(API(ns_recvmsg)(b, &riov, 1, &cb, 0, &n, &mflags, NULL));
  CHECK(n == 1 && API(ns_cmsg_close_fds)(&cb) == 1);

  /* sendfile: a regular file (zero copy), then a pipe (copied). */
  file = open(file_path, O_RDONLY | O_CLOEXEC);
  CHECK(file >= 0);
  TRY(API(ns_sendfile)(a, file, 0, FILE_SIZE, &n));
  CHECK(n == FILE_SIZE);
  TRY(API(ns_recv_exact)(b, buf, FILE_SIZE, &n));
  CHECK(memcmp(buf, file_data, FILE_SIZE) == 0);
  CHECK(write(pfd[1], file_data, 5000) == 5000);
  ns_raw_close(pfd[1]);
  pfd[1] = -1;
  TRY(API(ns_sendfile)(a, pfd[0], 0, 0, &n));
  CHECK(n == 5000);
  TRY(API(ns_recv_exact)(b, buf, 5000, &n));
  CHECK(memcmp(buf, file_data, 5000) == 0);

  /* Datagram batches. */
  TRY(API(ns_socketpair)(&d1, &d2, AF_UNIX, SOCK_DGRAM, 0));
  ns_datagram out[8], in[8];
  char in_bufs[8][32];
  for (int i = 0; i < 8; i++) {
    out[i] = (ns_datagram){(void *)(file_data + (size_t)i * 20), 20,
                           NS_ADDR_INIT, 0, 0};
    in[i] = (ns_datagram){in_bufs[i], sizeof in_bufs[i], NS_ADDR_INIT, 0, 0};
  }
  TRY(API(ns_sendmmsg)(d1, out, 8, 0, &n));
  CHECK(n == 8);
  for (size_t have = 0; have < 8; have += n) {
    TRY(API(ns_recvmmsg)(d2, in + have, 8 - have, 0, &n));
    CHECK(n > 0);
  }
  for (int i = 0; i < 8; i++)
    CHECK(in[i].nbytes == 20 && memcmp(in_bufs[i], out[i].buf, 20) == 0);
out:
  for (int i = 0; i < 4; i++)
    if (got[i] >= 0)
      ns_raw_close(got[i]);
  for (int i = 0; i < 2; i++)
    if (pfd[i] >= 0)
      ns_raw_close(pfd[i]);
  if (file >= 0)
    ns_raw_close(file);
  CLOSE(a);
  CLOSE(b);
  CLOSE(d1);
  CLOSE(d2);
  return r->code;
}

/* The poller, on the backend the variant names (family doubles as it). */
static ns_err sc_poller(run *r)
{
  ns_poller *p = NULL;
  ns_socket *a = NULL, *b = NULL;
  ns_poller_event ev[4];
  size_t n;
  unsigned events = 0;
  void *data = NULL;
  int tag = 0;
  int backend =
      r->family == AF_INET6 || !HAVE_EPOLL ? NS_POLLER_POLL : NS_POLLER_EPOLL;

  TRY(API(ns_poller_create)(&p, backend));
  CHECK(ns_poller_backend(p) == backend);
  TRY(API(ns_socketpair)(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  TRY(API(ns_poller_register)(p, a, NS_EVENT_READ, NULL));
  TRY(API(ns_poller_register)(p, b, NS_EVENT_READ, NULL));
  TRY(API(ns_poller_modify)(p, a, NS_EVENT_READ | NS_EVENT_WRITE, &tag));
  TRY(API(ns_poller_get)(p, a, &events, &data));
  CHECK(events == (NS_EVENT_READ | NS_EVENT_WRITE) && data == &tag);
  CHECK(ns_poller_count(p) == 2);
  TRY(API(ns_poller_wait)(p, ev, 4, 2.0, &n));
  CHECK(n == 1 && ev[0].sock == a && ev[0].events == NS_EVENT_WRITE);
  TRY(API(ns_sendall)(b, "x", 1, 0, &n));
  TRY(API(ns_poller_modify)(p, a, NS_EVENT_READ, &tag));
  TRY(API(ns_poller_wait)(p, ev, 4, 2.0, &n));
  CHECK(n == 1 && ev[0].events == NS_EVENT_READ && ev[0].data == &tag);
  TRY(API(ns_poller_unregister)(p, a));
  TRY(API(ns_poller_unregister)(p, b));
  CHECK(ns_poller_count(p) == 0);
  TRY(API(ns_poller_wait)(p, ev, 4, 0.0, &n));
  CHECK(n == 0);
out:
  if (p) {
    ns_err e = API(ns_poller_close)(p);
    if (e)
      failed(r, e, "ns_poller_close(p)", __LINE__);
  }
  CLOSE(a);
  CLOSE(b);
  return r->code;
}

/* Timeouts and non-blocking calls that are meant to fail. */
static ns_err sc_timeouts(run *r)
{
  ns_socket *a = NULL, *b = NULL, *l = NULL, *c = NULL;
  char buf[16];
  size_t n;
  TRY(API(ns_socketpair)(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  TRY(API(ns_settimeout)(a, 0.02));
  EXPECT(API(ns_recv)(a, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  TRY(API(ns_sendall)(b, "12345", 5, 0, &n));
  EXPECT(API(ns_recv_exact)(a, buf, 10, &n), NS_ERR_TIMEOUT);
  CHECK(n == 5);
  TRY(API(ns_setblocking)(a, false));
  EXPECT(API(ns_recv)(a, buf, sizeof buf, 0, &n), NS_ERR_BLOCKING_IO);
  ns_addr lo = loopback(AF_INET), bound;
  TRY(API(ns_socket_create)(&l, AF_INET, SOCK_STREAM, 0));
  TRY(API(ns_bind)(l, &lo));
  TRY(API(ns_listen)(l, 1));
  TRY(API(ns_settimeout)(l, 0.02));
  EXPECT(API(ns_accept)(l, &c, NULL), NS_ERR_TIMEOUT);
  TRY(API(ns_getsockname)(l, &bound));
  TRY(API(ns_socket_create)(&c, AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0));
  ns_err e = API(ns_connect)(c, &bound);
  /* Non-blocking: in progress, or done at once on loopback. */
  if (e != NS_ERR_BLOCKING_IO)
    TRY(e);
out:
  CLOSE(a);
  CLOSE(b);
  CLOSE(l);
  CLOSE(c);
  return r->code;
}

/* The loopback faults a program meets without any injection: refused,
   reset, broken pipe (also from sendfile, which cannot say MSG_NOSIGNAL). */
/* ns_error_print() with stderr sent to /dev/null, so that the runs stay
   quiet. */
static void print_error_quietly(void)
{
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (saved >= 0 && null >= 0 && dup2(null, STDERR_FILENO) >= 0) {
    API(ns_error_print)("torture");
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
  }
  if (null >= 0)
    close(null);
  if (saved >= 0)
    close(saved);
}

static ns_err sc_errors(run *r)
{
  ns_socket *s = NULL, *l = NULL, *c = NULL, *a = NULL, *p = NULL;
  ns_addr lo = loopback(AF_INET), closed;
  char buf[16];
  size_t n;
  int file = -1;
  TRY(API(ns_socket_create)(&l, AF_INET, SOCK_STREAM, 0));
  TRY(API(ns_bind)(l, &lo));
  TRY(API(ns_getsockname)(l, &closed));
  CLOSE(l);
  TRY(API(ns_socket_create)(&s, AF_INET, SOCK_STREAM, 0));
  EXPECT(API(ns_connect)(s, &closed), NS_ERR_CONNECTION_REFUSED);
  {
    char line[96];
    size_t len = API(ns_error_format)(line, sizeof line);
    CHECK(len < sizeof line &&
          strncmp(line, "ConnectionRefusedError: ", 24) == 0);
    print_error_quietly();
  }
  CLOSE(s);
  TRY(API(ns_socket_create)(&s, AF_INET, SOCK_STREAM, 0));
  int rc = API(ns_connect_ex)(s, &closed);
  if (rc != ECONNREFUSED) {
    if (rc == 0)
      wrong(r, "connect_ex to a closed port succeeded", __LINE__);
    else
      failed(r, ns_error_last_code(), "ns_connect_ex(s, &closed)", __LINE__);
    goto out;
  }
  CLOSE(s);

  /* Reset: the peer closes with SO_LINGER {1, 0}. */
  ns_addr bound;
  TRY(API(ns_socket_create)(&l, AF_INET, SOCK_STREAM, 0));
  TRY(API(ns_bind)(l, &lo));
  TRY(API(ns_listen)(l, 1));
  TRY(API(ns_getsockname)(l, &bound));
  TRY(API(ns_socket_create)(&c, AF_INET, SOCK_STREAM, 0));
  TRY(API(ns_connect)(c, &bound));
  TRY(API(ns_accept)(l, &a, NULL));
  struct linger lg = {1, 0};
  TRY(API(ns_setsockopt)(a, SOL_SOCKET, SO_LINGER, &lg, sizeof lg));
  CLOSE(a);
  EXPECT(API(ns_recv)(c, buf, sizeof buf, 0, &n), NS_ERR_CONNECTION_RESET);
  CLOSE(c);

  /* Broken pipe, from send and from sendfile. */
  TRY(API(ns_socketpair)(&c, &p, AF_UNIX, SOCK_STREAM, 0));
  CLOSE(p);
  EXPECT(API(ns_send)(c, "x", 1, 0, &n), NS_ERR_BROKEN_PIPE);
  file = open(file_path, O_RDONLY | O_CLOEXEC);
  CHECK(file >= 0);
  EXPECT(API(ns_sendfile)(c, file, 0, 1000, &n), NS_ERR_BROKEN_PIPE);
out:
  if (file >= 0)
    ns_raw_close(file);
  CLOSE(s);
  CLOSE(l);
  CLOSE(c);
  CLOSE(a);
  CLOSE(p);
  return r->code;
}

/* ---- the runner ---------------------------------------------------------- */

typedef struct scenario {
  const char *name;
  ns_err (*fn)(run *r);
  /* Variants: families to run with (AF_INET6 only when ::1 works). */
  int families[2];
  bool both_timeouts; /* also run with a default timeout on every socket */
} scenario;

static const scenario scenarios[] = {
    {"tcp", sc_tcp, {AF_INET, AF_INET6}, true},
    {"udp", sc_udp, {AF_INET, AF_INET6}, true},
    {"sockopt", sc_sockopt, {AF_INET, 0}, false},
    {"handle", sc_handle, {AF_UNIX, 0}, true},
    {"unix", sc_unix, {AF_UNIX, 0}, true},
    {"addr", sc_addr, {AF_INET, 0}, false},
    {"resolve", sc_resolve, {AF_INET, 0}, false},
    {"create", sc_create, {AF_INET, 0}, false},
    {"msg", sc_msg, {AF_UNIX, 0}, true},
    {"poller", sc_poller, {AF_INET, AF_INET6}, false},
    {"timeouts", sc_timeouts, {AF_UNIX, 0}, false},
    {"errors", sc_errors, {AF_INET, 0}, true},
};

/* Totals over the whole program, printed at the end. */
static struct {
  long runs;
  long injected;
  long recovered; /* faults that had to be, and were, invisible */
  long clean;     /* faults that ended in a clean error */
  long tolerated; /* faults the library absorbed without an error */
  long by_kind[NS_FAULT_KIND_COUNT];
  long failures;
} totals;

/* The test's own bookkeeping bypasses the shim's heap accounting. */
void *__real_malloc(size_t);
void __real_free(void *);

static int fd_base;
static long blocks_base, lists_base;

/* Does the recorded failure fit the injected fault? */
static bool explained(const run *r, ns_fault_call call, ns_fault_kind kind)
{
  if (!r->message[0] || !r->op[0] ||
      strcmp(ns_error_name(r->code), "UnknownError") == 0)
    return false;
  /* Python's create_server() turns a failed dual-stack probe (any error)
     into this ValueError, and so does the library. */
  if (r->code == NS_ERR_VALUE &&
      strcmp(r->message, "dualstack_ipv6 not supported on this platform") == 0)
    return true;
  int v = ns_fault_kind_value(kind);
  switch (kind) {
  case NS_FAULT_EAI_SYSTEM:
    return r->sys_errno == EMFILE && r->code == ns_error_from_errno(EMFILE);
  case NS_FAULT_EAI_MEMORY:
  case NS_FAULT_EAI_AGAIN:
  case NS_FAULT_EAI_FAIL:
    return r->code == NS_ERR_GAIERROR && r->sys_errno == v;
  case NS_FAULT_ERANGE:
  case NS_FAULT_TRY_AGAIN:
    /* gethostby*: herror; services and protocols: "not found". */
    return r->code == NS_ERR_HERROR || r->code == NS_ERR_OS;
  default:
    break;
  }
  if (kind == NS_FAULT_ENOMEM &&
      (call == NS_CALL_malloc || call == NS_CALL_calloc ||
       call == NS_CALL_realloc || call == NS_CALL_fdopen ||
       call == NS_CALL_fopencookie))
    return r->code == NS_ERR_MEMORY;
  if (r->sys_errno == v && r->code == ns_error_from_errno(v))
    return true;
  /* ENOMEM from the kernel may be reported as MemoryError. */
  if (v == ENOMEM && r->code == NS_ERR_MEMORY)
    return true;
  /* No lookup thread: Python's "can't start new thread", as an OSError. */
  if (call == NS_CALL_pthread_create)
    return r->code == NS_ERR_OS && r->sys_errno == 0 &&
           strcmp(r->message, "can't start new thread") == 0;
  /* An interface lookup that failed leaves a zone the library cannot read:
     a ValueError naming it from ns_addr_parse, and from ns_addr_inet6 the
     resolver's gaierror, as Python gives for a host it cannot read. */
  if (call == NS_CALL_if_nametoindex)
    return r->code == NS_ERR_VALUE || r->code == NS_ERR_GAIERROR;
  return false;
}

/* A run that hangs names itself before the watchdog ends the program. */
static char current_run[160];

static void watchdog(int sig)
{
  (void)sig;
  static const char msg[] = "fault_torture: run hung for 60 s: ";
  /* Best effort on the way out: nothing to do if a write fails. */
  if (write(2, msg, sizeof msg - 1) < 0 ||
      write(2, current_run, strlen(current_run)) < 0 || write(2, "\n", 1) < 0)
    _exit(1);
  _exit(1);
}

static void describe(char *buf, size_t size, const scenario *sc, const run *r,
                     const ns_fault_plan *plan)
{
  int len = snprintf(buf, size, "%s/%s%s", sc->name,
                     r->family == AF_INET6  ? "v6"
                     : r->family == AF_UNIX ? "unix"
                                            : "v4",
                     r->timed ? "/timeout" : "");
  if (plan->storm)
    len += snprintf(buf + len, size - (size_t)len, " storm of %s",
                    ns_fault_kind_name(plan->kind));
  else if (plan->at)
    len += snprintf(buf + len, size - (size_t)len, " call #%ld %s", plan->at,
                    ns_fault_kind_name(plan->kind));
  (void)len;
}

static void report(const char *what, const scenario *sc, const run *r,
                   const ns_fault_plan *plan)
{
  char where[160];
  describe(where, sizeof where, sc, r, plan);
  ns_fault_call call;
  ns_fault_kind kind;
  ns_fault_expect expect;
  const char *fault = "none";
  char fb[64];
  if (ns_fault_first(&call, &kind, &expect)) {
    snprintf(fb, sizeof fb, "%s into %s()", ns_fault_kind_name(kind),
             ns_fault_call_name(call));
    fault = fb;
  }
  totals.failures++;
  if (totals.failures <= 30)
    print_error("FAIL %s: %s\n  injected %s; result %s: %s [op %s, errno "
                "%d] at line %d (%s)%s%s\n",
                where, what, fault, ns_error_name(r->code), r->message, r->op,
                r->sys_errno, r->line, r->expr ? r->expr : "-",
                r->bad[0] ? "; wrong result at " : "", r->bad);
}

/* One run of one scenario under one plan; checks everything. */
static void run_once(const scenario *sc, int family, bool timed,
                     const ns_fault_plan *plan, bool verbose)
{
  run r;
  memset(&r, 0, sizeof r);
  r.family = family;
  r.timed = timed;
  assert_ns_ok(ns_setdefaulttimeout(timed ? 10.0 : NS_TIMEOUT_NONE));
  ns_error_clear();
  describe(current_run, sizeof current_run, sc, &r, plan);
  if (verbose)
    print_message("run %s\n", current_run);
  alarm(60);
  ns_fault_start(plan);
  ns_err e = sc->fn(&r);
  ns_fault_stop();
  alarm(0);
  assert_ns_ok(ns_setdefaulttimeout(NS_TIMEOUT_NONE));
  totals.runs++;

  /* Nothing left behind: threads, descriptors, memory, lists. */
  bool threads_done = ns_fault_wait_threads(10.0);
  int fds = ns_test_fd_count();
  long blocks = ns_fault_live_blocks(), lists = ns_fault_live_addrinfo();
  char leak[160] = "";
  if (!threads_done)
    snprintf(leak, sizeof leak, "a lookup thread is still running");
  else if (fds != fd_base)
    snprintf(leak, sizeof leak, "descriptor leak: %d open, %d before", fds,
             fd_base);
  else if (blocks != blocks_base)
    snprintf(leak, sizeof leak, "heap leak: %ld blocks live, %ld before",
             blocks, blocks_base);
  else if (lists != lists_base)
    snprintf(leak, sizeof leak, "getaddrinfo lists: %ld live, %ld before",
             lists, lists_base);
  if (leak[0]) {
    report(leak, sc, &r, plan);
    /* Take the new state as the baseline so one leak reports once. */
    fd_base = fds;
    blocks_base = blocks;
    lists_base = lists;
  }

  ns_fault_call call;
  ns_fault_kind kind;
  ns_fault_expect expect;
  bool injected = ns_fault_first(&call, &kind, &expect);
  totals.injected += ns_fault_injected();
  if (injected)
    totals.by_kind[kind] += ns_fault_injected();
  if (r.bad[0]) {
    report("wrong result", sc, &r, plan);
  } else if (!injected || plan->storm) {
    /* No fault (the recording run, or a call that was not the one
       recorded), or only faults that must be invisible. */
    if (e != NS_OK)
      report(plan->storm ? "failed under a storm that must be invisible"
                         : "failed with no fault injected",
             sc, &r, plan);
    else if (injected)
      totals.recovered++;
  } else if (expect == NS_EXPECT_RECOVER) {
    if (e != NS_OK)
      report("a fault that must be invisible showed", sc, &r, plan);
    else
      totals.recovered++;
  } else if (e == NS_OK) {
    totals.tolerated++;
  } else if (!explained(&r, call, kind)) {
    report("the error does not match the fault", sc, &r, plan);
  } else {
    totals.clean++;
  }
}

static bool verbose_runs(void)
{
  const char *v = getenv("NS_FAULT_VERBOSE");
  return v && *v && strcmp(v, "0") != 0;
}

/* Every variant of a scenario: record, then each call with each fault,
   then the storms. */
static void torture(const scenario *sc)
{
  bool verbose = verbose_runs();
  long runs_before = totals.runs, injected_before = totals.injected;
  for (int fi = 0; fi < 2; fi++) {
    int family = sc->families[fi];
    if (!family || (family == AF_INET6 && !have_ipv6 && sc->fn != sc_poller))
      continue;
    for (int t = 0; t < (sc->both_timeouts ? 2 : 1); t++) {
      bool timed = t == 1;
      fd_base = ns_test_fd_count();
      blocks_base = ns_fault_live_blocks();
      lists_base = ns_fault_live_addrinfo();
      ns_fault_plan rec = {0, NS_FAULT_EINTR, false, true};
      run_once(sc, family, timed, &rec, verbose);
      long n = ns_fault_recorded();
      assert_true(n > 0);
      ns_fault_record *calls = __real_malloc((size_t)n * sizeof *calls);
      assert_non_null(calls);
      for (long i = 0; i < n; i++)
        calls[i] = *ns_fault_record_at(i);
      for (long i = 0; i < n; i++)
        for (int k = 0; k < NS_FAULT_KIND_COUNT; k++)
          if (calls[i].applicable & ((uint64_t)1 << k)) {
            ns_fault_plan p = {i + 1, (ns_fault_kind)k, false, false};
            run_once(sc, family, timed, &p, verbose);
          }
      __real_free(calls);
      ns_fault_plan storms[] = {{0, NS_FAULT_EINTR, true, false},
                                {0, NS_FAULT_SHORT, true, false}};
      for (size_t s = 0; s < 2; s++)
        run_once(sc, family, timed, &storms[s], verbose);
    }
  }
  print_message("%-9s %5ld runs, %5ld faults injected\n", sc->name,
                totals.runs - runs_before, totals.injected - injected_before);
}

/* ---- the public functions that ask nothing of the system ----------------- */

/* Calls every public function that must make no fallible call, with the
   shim counting: none may be counted. */
static long pure_calls(void)
{
  ns_socket *s;
  ns_poller *p;
  ns_addrinfo *list;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_poller_create(&p, NS_POLLER_POLL));
  assert_ns_ok(ns_getaddrinfo(&list, "127.0.0.1", "1", AF_INET, SOCK_STREAM, 0,
                              AI_NUMERICHOST));
  ns_fault_plan plan = {0, NS_FAULT_EINTR, false, true};
  ns_fault_start(&plan);

  ns_addr a, b;
  char text[NS_ADDR_STRLEN];
  unsigned char packed[16];
  API(ns_version)();
  API(ns_version_string)();
  API(ns_error_name)(NS_ERR_TIMEOUT);
  API(ns_error_is)(NS_ERR_TIMEOUT, NS_ERR_OS);
  API(ns_error_from_errno)(ECONNRESET);
  API(ns_error_from_winerror)(10054);
  API(ns_error_clear)();
  API(ns_error_set)(NS_ERR_SSL, "recv", 1, "[SSL] x");
  API(ns_error_last_code)();
  API(ns_error_last_address)();
  API(ns_error_last_errno)();
  API(ns_error_last_winerror)();
  API(ns_error_last_operation)();
  API(ns_error_last_message)();
  API(ns_addr_inet)(&a, "127.0.0.1", 1);
  API(ns_addr_inet6)(&b, "::1", 1, 0, 0);
  API(ns_addr_family)(&a);
  API(ns_addr_port)(&a);
  API(ns_addr_equal)(&a, &b);
  API(ns_addr_format)(&a, text, sizeof text);
  API(ns_addr_host)(&b, text, sizeof text);
  API(ns_addr_parse)(&b, "[::1]:80");
  API(ns_addr_parse_n)(&b, "1.2.3.4:5", 9);
  API(ns_addr_from_sockaddr)(&b, &a.u.sa, a.len);
  API(ns_addr_unix)(&b, "/x");
  API(ns_addr_unix_abstract)(&b, "x", 1);
  API(ns_inet_pton)(AF_INET6, "::1", packed, sizeof packed);
  API(ns_inet_ntop)(AF_INET6, packed, 16, text, sizeof text);
  API(ns_fileno)(s);
  /* Windows' socket sharing: ENOSYS here, with no call made. */
  unsigned char share[NS_SHARE_SIZE];
  size_t share_len;
  ns_socket *shared;
  API(ns_share)(s, 1, share, sizeof share, &share_len);
  API(ns_fromshare)(&shared, share, sizeof share);
  API(ns_family)(s);
  API(ns_socktype)(s);
  API(ns_proto)(s);
  API(ns_gettimeout)(s);
  API(ns_getblocking)(s);
  API(ns_setdefaulttimeout)(NS_TIMEOUT_NONE);
  API(ns_getdefaulttimeout)();
  API(ns_addrinfo_next)(list);
  API(ns_addrinfo_family)(list);
  API(ns_addrinfo_socktype)(list);
  API(ns_addrinfo_proto)(list);
  API(ns_addrinfo_canonname)(list);
  API(ns_addrinfo_addr)(list);
  API(ns_poller_backend)(p);
  API(ns_poller_count)(p);
  API(ns_poller_get)(p, s, NULL, NULL);

  NS_CMSG_STORAGE(256) store;
  ns_cmsg_buf cb;
  int fds[1] = {0}, got[1];
  size_t n;
  const void *data;
  ns_ucred cred;
  ns_pktinfo pi = {a, 0}, pi2;
  struct timespec ts;
  API(ns_cmsg_buf_init)(&cb, &store, sizeof store);
  API(ns_cmsg_add)(&cb, SOL_SOCKET, SCM_RIGHTS, fds, sizeof fds);
  API(ns_cmsg_add_fds)(&cb, fds, 1);
  API(ns_cmsg_add_creds)(&cb, NULL);
  API(ns_cmsg_add_pktinfo)(&cb, &pi);
  const struct cmsghdr *c = API(ns_cmsg_next)(&cb, NULL);
  API(ns_cmsg_data)(c, &data, &n);
  API(ns_cmsg_get_fds)(c, got, 1, &n);
  API(ns_cmsg_get_creds)(c, &cred);
  API(ns_cmsg_get_pktinfo)(c, &pi2);
  API(ns_cmsg_get_timestamp)(c, &ts);
  /* The "close the descriptors in it" call, on a buffer without any. */
  API(ns_cmsg_buf_init)(&cb, &store, sizeof store);
  API(ns_cmsg_add_creds)(&cb, NULL);
  API(ns_cmsg_close_fds)(&cb);

  long counted = ns_fault_stop();
  ns_addrinfo_free(list);
  assert_ns_ok(ns_poller_close(p));
  assert_ns_ok(ns_close(s));
  return counted;
}

/* ---- cmocka cases -------------------------------------------------------- */

static void check_totals(void)
{
  if (totals.failures)
    fail_msg("%ld run(s) failed; the first are listed above", totals.failures);
}

#define SCENARIO_CASE(id, index)                                               \
  static void test_fault_torture__##id(void **state)                           \
  {                                                                            \
    (void)state;                                                               \
    long before = totals.failures;                                             \
    torture(&scenarios[index]);                                                \
    if (totals.failures != before)                                             \
      fail_msg("%ld run(s) of %s failed", totals.failures - before,            \
               scenarios[index].name);                                         \
  }

SCENARIO_CASE(tcp, 0)
SCENARIO_CASE(udp, 1)
SCENARIO_CASE(sockopt, 2)
SCENARIO_CASE(handle, 3)
SCENARIO_CASE(af_unix, 4)
SCENARIO_CASE(addr, 5)
SCENARIO_CASE(resolve, 6)
SCENARIO_CASE(create, 7)
SCENARIO_CASE(msg, 8)
SCENARIO_CASE(poller, 9)
SCENARIO_CASE(timeouts, 10)
SCENARIO_CASE(errors, 11)

static void test_fault_torture__pure_functions_call_nothing(void **state)
{
  (void)state;
  assert_int_equal(pure_calls(), 0);
}

static void test_fault_torture__summary(void **state)
{
  (void)state;
  print_message("fault_torture: %ld runs, %ld faults injected: %ld "
                "recovered invisibly, %ld clean errors, %ld absorbed\n",
                totals.runs, totals.injected, totals.recovered, totals.clean,
                totals.tolerated);
  for (int k = 0; k < NS_FAULT_KIND_COUNT; k++)
    if (totals.by_kind[k])
      print_message("  %-13s %6ld\n", ns_fault_kind_name((ns_fault_kind)k),
                    totals.by_kind[k]);
  check_totals();
}

static int setup(void **state)
{
  (void)state;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = watchdog;
  sigaction(SIGALRM, &sa, NULL);
  make_fixtures();
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  unlink(file_path);
  return 0;
}

/* `--coverage`: run each scenario once, then print the fallible calls each
   public function made ("api <name> <calls>"). */
static int coverage(void)
{
  make_fixtures();
  for (size_t i = 0; i < sizeof scenarios / sizeof scenarios[0]; i++) {
    const scenario *sc = &scenarios[i];
    for (int fi = 0; fi < 2; fi++) {
      int family = sc->families[fi];
      if (!family || (family == AF_INET6 && !have_ipv6 && sc->fn != sc_poller))
        continue;
      run r;
      memset(&r, 0, sizeof r);
      r.family = family;
      ns_fault_plan rec = {0, NS_FAULT_EINTR, false, true};
      ns_fault_start(&rec);
      ns_err e = sc->fn(&r);
      ns_fault_stop();
      ns_fault_wait_threads(10.0);
      if (e != NS_OK || r.bad[0]) {
        fprintf(stderr, "scenario %s failed: %s %s %s\n", sc->name,
                ns_error_name(e), r.message, r.bad);
        return 1;
      }
    }
  }
  /* The pure ones count no calls: they show as 0. */
  if (pure_calls() != 0) {
    fprintf(stderr, "a function meant to be pure made a fallible call\n");
    return 1;
  }
  for (size_t i = 0; i < ns_fault_api_count(); i++) {
    long calls = 0;
    const char *name = ns_fault_api_name(i, &calls);
    printf("api %s %ld\n", name, calls);
  }
  teardown(NULL);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc > 1 && strcmp(argv[1], "--coverage") == 0)
    return coverage();
  const struct CMUnitTest tests[] = {
      NS_TEST(test_fault_torture__pure_functions_call_nothing),
      NS_TEST(test_fault_torture__tcp),
      NS_TEST(test_fault_torture__udp),
      NS_TEST(test_fault_torture__sockopt),
      NS_TEST(test_fault_torture__handle),
      NS_TEST(test_fault_torture__af_unix),
      NS_TEST(test_fault_torture__addr),
      NS_TEST(test_fault_torture__resolve),
      NS_TEST(test_fault_torture__create),
      NS_TEST(test_fault_torture__msg),
      NS_TEST(test_fault_torture__poller),
      NS_TEST(test_fault_torture__timeouts),
      NS_TEST(test_fault_torture__errors),
      NS_TEST(test_fault_torture__summary),
  };
  return cmocka_run_group_tests_name("fault_torture", tests, setup, teardown);
}

/* SPDX-License-Identifier: MIT */
/*
 * The public structs filled by hand with arbitrary bytes, as a careless or
 * hostile caller might: two ns_addr values (every byte, `len` included)
 * and an ns_cmsg_buf over arbitrary control bytes, with arbitrary `len`
 * and, in one mode, storage that is not aligned. They go to every reader
 * (family, port, format, host, equal, getnameinfo, the cmsg walker and
 * getters) and every operation that takes one (bind, connect, sendto,
 * create_server, create_connection_addrs, sendmsg, the cmsg builders).
 *
 * Properties: no crash, no read or write past a struct or buffer (ASan,
 * UBSan, valgrind), no descriptor left open; a `len` that does not fit the
 * family is refused by every reader (ValueError, -1, false); every failure
 * is a real class with a message; the walker only returns whole, aligned
 * headers inside the buffer.
 *
 * Safety of the operations: the addresses given to the kernel are made
 * harmless first, keeping every byte the library itself looks at: IPv4
 * goes to 127.0.0.1 and IPv6 to ::1 (ports: our own sink's, or 0 to
 * bind), AF_UNIX names become abstract names under "\0nsfz" (never a
 * file), and other families meet sockets of another family, which refuse
 * them. Nothing leaves loopback and nothing is written to the filesystem.
 *
 * Input: one flag byte, then the bytes of the two addresses (missing bytes
 * are zero), then the control bytes. The committed corpus is laid out for
 * x86-64, where an ns_addr is 136 bytes (`u`, `len`, padding); elsewhere
 * its inputs still run, read differently.
 */
#include "fuzz.h"

#include <fcntl.h>
#include <netdb.h>
#include <stdalign.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define PATH_OFFSET offsetof(struct sockaddr_un, sun_path)

/* What the library promises for `len` (docs/errors.md). */
static bool len_fits(const ns_addr *a)
{
  switch (a->u.sa.sa_family) {
  case AF_INET:
    return a->len >= sizeof a->u.in4 && a->len <= sizeof a->u;
  case AF_INET6:
    return a->len >= sizeof a->u.in6 && a->len <= sizeof a->u;
  case AF_UNIX:
    return a->len >= PATH_OFFSET && a->len <= sizeof a->u.un;
  default:
    return a->len >= sizeof(sa_family_t) && a->len <= sizeof a->u;
  }
}

/* A failure is one of the classes, with a message to show. */
static void check_failure(ns_err err)
{
  FUZZ_CHECK(strcmp(ns_error_name(err), "UnknownError") != 0);
  FUZZ_CHECK(ns_error_last_code() == err);
  FUZZ_CHECK(ns_error_last_message()[0] != '\0');
}

/* The lowest free descriptor: a descriptor left open moves it. */
static int lowest_free_fd(void)
{
  int fd = fcntl(2, F_DUPFD_CLOEXEC, 0);
  FUZZ_CHECK(fd >= 0);
  close(fd);
  return fd;
}

static void check_readers(const ns_addr *a, const ns_addr *b)
{
  bool valid = a->len == 0 || len_fits(a);
  int port = ns_addr_port(a);
  FUZZ_CHECK(port >= -1 && port <= 65535);
  if (!valid)
    FUZZ_CHECK(port == -1);
  FUZZ_CHECK(ns_addr_equal(a, a) == valid);
  bool eq = ns_addr_equal(a, b);
  FUZZ_CHECK(eq == ns_addr_equal(b, a));
  if (eq)
    FUZZ_CHECK(ns_addr_family(a) == ns_addr_family(b));

  char text[NS_ADDR_STRLEN];
  ns_err err = ns_addr_format(a, text, sizeof text);
  if (!valid)
    FUZZ_CHECK(err == NS_ERR_VALUE);
  if (err == NS_OK) {
    FUZZ_CHECK(strlen(text) < sizeof text);
    fuzz_check_format_sizes(a, text, ns_addr_format);
  } else {
    check_failure(err);
  }
  err = ns_addr_host(a, text, sizeof text);
  if (!valid)
    FUZZ_CHECK(err == NS_ERR_VALUE);
  if (err == NS_OK)
    fuzz_check_format_sizes(a, text, ns_addr_host);
  else
    check_failure(err);

  char host[NI_MAXHOST], serv[NI_MAXSERV];
  err = ns_getnameinfo(a, NI_NUMERICHOST | NI_NUMERICSERV, host, sizeof host,
                       serv, sizeof serv);
  if (err)
    check_failure(err);
}

/* A copy of `a` the kernel can be given safely (see the top). */
static ns_addr harmless(const ns_addr *a, uint16_t port)
{
  ns_addr h = *a;
  switch (h.u.sa.sa_family) {
  case AF_INET:
    h.u.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    h.u.in4.sin_port = htons(port);
    break;
  case AF_INET6:
    h.u.in6.sin6_addr = in6addr_loopback;
    h.u.in6.sin6_port = htons(port);
    break;
  case AF_UNIX:
    memcpy(h.u.un.sun_path, "\0nsfz", 5);
    break;
  default:
    break;
  }
  return h;
}

/* A socket of the address's own family where that is safe, and an IPv4
   one (which refuses the rest) otherwise. */
static ns_err socket_for(const ns_addr *a, int type, ns_socket **out)
{
  int family = a->u.sa.sa_family;
  if (family != AF_INET6 && family != AF_UNIX)
    family = AF_INET;
  return ns_socket_create(out, family, type | SOCK_NONBLOCK, 0);
}

static uint16_t sink_port(ns_socket *sink)
{
  ns_addr at;
  if (!sink || ns_getsockname(sink, &at) != NS_OK)
    return 9;
  int port = ns_addr_port(&at);
  return port > 0 ? (uint16_t)port : 9;
}

static void check_operations(const ns_addr *a, const ns_addr *b)
{
  /* Empty: fails as its constructor did (any class); a bad `len`: a
     ValueError before any socket is made. */
  bool empty = a->len == 0, bad_len = !empty && !len_fits(a);
  bool valid = !empty && !bad_len;
  ns_socket *sink = NULL;
  ns_addr any = NS_ADDR_INIT;
  int family = a->u.sa.sa_family == AF_INET6 ? AF_INET6 : AF_INET;
  if (family == AF_INET6)
    (void)ns_addr_inet6(&any, "::1", 0, 0, 0);
  else
    (void)ns_addr_inet(&any, "127.0.0.1", 0);
  if (ns_socket_create(&sink, family, SOCK_DGRAM | SOCK_NONBLOCK, 0) == NS_OK &&
      ns_bind(sink, &any) != NS_OK) {
    ns_close(sink);
    sink = NULL;
  }
  ns_addr to = harmless(a, sink_port(sink));
  ns_addr at = harmless(a, 0);
  ns_addr other = harmless(b, sink_port(sink));

  ns_socket *s;
  ns_err err;
  if (socket_for(a, SOCK_DGRAM, &s) == NS_OK) {
    if ((err = ns_bind(s, &at)) != NS_OK) {
      check_failure(err);
      if (bad_len)
        FUZZ_CHECK(err == NS_ERR_VALUE);
    }
    if ((err = ns_connect(s, &to)) != NS_OK) {
      check_failure(err);
      if (bad_len)
        FUZZ_CHECK(err == NS_ERR_VALUE);
    }
    ns_close(s);
  }
  /* ns_sendto leaves `len` to the kernel (a check would cost every
     datagram), which refuses a bad one before reading the address; but
     valgrind checks the span itself first (and misreads one shorter than
     the family field), so only lengths from the family to the struct. */
  if (to.len >= sizeof(sa_family_t) && to.len <= sizeof to.u &&
      socket_for(a, SOCK_DGRAM, &s) == NS_OK) {
    size_t sent = 12345;
    if ((err = ns_sendto(s, "x", 1, MSG_DONTWAIT, &to, &sent)) != NS_OK)
      check_failure(err);
    else
      FUZZ_CHECK(sent == 1);
    ns_close(s);
  }
  ns_socket *srv = (ns_socket *)&srv;
  err = ns_create_server(&srv, &at, NULL);
  if (err) {
    check_failure(err);
    FUZZ_CHECK(srv == NULL);
    if (bad_len)
      FUZZ_CHECK(err == NS_ERR_VALUE);
  } else {
    FUZZ_CHECK(valid);
    ns_close(srv);
  }
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = 0; /* one non-blocking attempt each: no waiting */
  ns_connect_error items[2];
  ns_connect_errors errs = {items, 2, 0, 0};
  opts.all_errors = &errs;
  ns_addr both[2] = {to, other};
  for (size_t n = 1; n <= 2; n++) {
    ns_socket *c = (ns_socket *)&c;
    err = ns_create_connection_addrs(&c, both, n, &opts);
    if (err) {
      check_failure(err);
      FUZZ_CHECK(c == NULL);
      if (bad_len)
        FUZZ_CHECK(err == NS_ERR_VALUE);
      const ns_addr *where = ns_error_last_address();
      if (where)
        FUZZ_CHECK(ns_addr_equal(where, &both[0]) ||
                   ns_addr_equal(where, &both[1]));
    } else {
      ns_close(c);
    }
    FUZZ_CHECK(errs.count <= n);
  }
  if (sink) {
    char drain[8];
    size_t got;
    while (ns_recv(sink, drain, sizeof drain, MSG_DONTWAIT, &got) == NS_OK)
      ;
    ns_close(sink);
  }
}

/* The walker gives only whole, aligned headers inside the buffer, and
   every getter reads them without complaint or with a clean error. */
static void check_control(ns_cmsg_buf *cb)
{
  const unsigned char *lo = cb->data;
  size_t used = cb->len < cb->size ? cb->len : cb->size;
  size_t steps = 0;
  for (const struct cmsghdr *c = ns_cmsg_next(cb, NULL); c;
       c = ns_cmsg_next(cb, c)) {
    const unsigned char *p = (const unsigned char *)c;
    FUZZ_CHECK(p >= lo && (uintptr_t)p % alignof(struct cmsghdr) == 0);
    FUZZ_CHECK(c->cmsg_len >= CMSG_LEN(0));
    FUZZ_CHECK(c->cmsg_len <= used - (size_t)(p - lo));
    FUZZ_CHECK(++steps <= used / CMSG_ALIGN(sizeof(struct cmsghdr)));
    const void *data;
    size_t len;
    FUZZ_CHECK(ns_cmsg_data(c, &data, &len) == NS_OK);
    FUZZ_CHECK((const unsigned char *)data + len <= lo + used);
    int fds[4];
    size_t nfds;
    ns_err err = ns_cmsg_get_fds(c, fds, 4, &nfds);
    if (err)
      check_failure(err);
    else
      FUZZ_CHECK(nfds <= 4);
    ns_ucred cred;
    if ((err = ns_cmsg_get_creds(c, &cred)) != NS_OK)
      check_failure(err);
    ns_pktinfo info;
    if ((err = ns_cmsg_get_pktinfo(c, &info)) != NS_OK)
      check_failure(err);
    struct timespec ts;
    if ((err = ns_cmsg_get_timestamp(c, &ts)) != NS_OK)
      check_failure(err);
    else
      FUZZ_CHECK(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
  }
}

/* Control bytes handed to the kernel, and the builders on a buffer whose
   fields came from the input. */
static void check_control_operations(ns_cmsg_buf *cb)
{
  ns_socket *a, *b;
  if (ns_socketpair(&a, &b, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0) == NS_OK) {
    struct iovec iov = {(void *)"x", 1};
    size_t sent;
    ns_err err = ns_sendmsg(a, &iov, 1, cb, MSG_DONTWAIT, NULL, &sent);
    if (err)
      check_failure(err);
    ns_close(a);
    ns_close(b); /* descriptors in flight are released with it */
  }
  size_t before = cb->len;
  ns_err err = ns_cmsg_add(cb, SOL_SOCKET, 99, "abc", 3);
  if (err) {
    check_failure(err);
    FUZZ_CHECK(cb->len == before);
  } else {
    FUZZ_CHECK(cb->len <= cb->size);
  }
  int fd = 0;
  if ((err = ns_cmsg_add_fds(cb, &fd, 1)) != NS_OK)
    check_failure(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  int fd_mark = lowest_free_fd();
  uint8_t flags = data[0];
  data++;
  size--;
  ns_addr a, b;
  memset(&a, 0, sizeof a);
  memset(&b, 0, sizeof b);
  size_t take = size < sizeof a ? size : sizeof a;
  memcpy(&a, data, take);
  data += take;
  size -= take;
  take = size < sizeof b ? size : sizeof b;
  memcpy(&b, data, take);
  data += take;
  size -= take;

  check_readers(&a, &b);
  check_readers(&b, &a);
  if (flags & 1)
    check_operations(&a, &b);

  /* The control bytes, in storage of exactly their size (plus one byte
     in front, for the misaligned mode). */
  unsigned char *store = malloc(size + 1);
  FUZZ_CHECK(store);
  bool misaligned = flags & 2;
  memcpy(store + misaligned, data, size);
  ns_cmsg_buf cb = {store + misaligned, size, size};
  switch ((flags >> 2) & 3) {
  case 1:
    cb.len = size / 2;
    break;
  case 2:
    cb.len = SIZE_MAX;
    break;
  case 3:
    cb.len = size + 8;
    break;
  default:
    break;
  }
  check_control(&cb);
  if (flags & 16)
    check_control_operations(&cb);
  free(store);
  FUZZ_CHECK(lowest_free_fd() == fd_mark);
  return 0;
}

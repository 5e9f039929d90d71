/* SPDX-License-Identifier: MIT */
/*
 * The ns_addr value type: made from host and port, parsed from text,
 * formatted back to text, compared and checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sockaddr.h"

/* Where sun_path starts: an unnamed AF_UNIX address is just this long. */
#define UNIX_PATH_OFFSET offsetof(struct sockaddr_un, sun_path)

/*
 * A constructor that fails leaves an empty address that remembers why, so
 * that a program which passes it on anyway gets Python's own error from the
 * operation ("bind(): port must be 0-65535.") rather than a vaguer one.
 */
enum empty_reason {
  EMPTY_UNSET = 0,
  EMPTY_BAD_PORT = 1,
  EMPTY_BAD_FLOW = 2,
  EMPTY_PATH_TOO_LONG = 3,
  EMPTY_FAILED = 4 /* the failure itself is kept: see set_failed */
};

static void set_empty(ns_addr *out, enum empty_reason why)
{
  memset(out, 0, sizeof *out);
  out->u.sa.sa_family = AF_UNSPEC;
  out->u.sa.sa_data[0] = (char)why;
}

/*
 * Where an EMPTY_FAILED address keeps its failure, in the bytes of `u`
 * after the family and the reason: the class, the errno, and Python's
 * message (cut to what fits; a constructor's messages are short).
 */
enum { FAILED_CODE_AT = 3, FAILED_ERRNO_AT = 4, FAILED_TEXT_AT = 8 };

/* Leave `out` empty, keeping the failure just recorded on this thread, so
   that an operation given it fails with the same class, errno and text. */
static void set_failed(ns_addr *out)
{
  set_empty(out, EMPTY_FAILED);
  unsigned char *b = (unsigned char *)&out->u;
  int sys_errno = ns_error_last_errno();
  b[FAILED_CODE_AT] = (unsigned char)ns_error_last_code();
  memcpy(b + FAILED_ERRNO_AT, &sys_errno, sizeof sys_errno);
  snprintf((char *)b + FAILED_TEXT_AT, sizeof out->u - FAILED_TEXT_AT, "%s",
           ns_error_last_message());
}

/* A constructor's failure, kept in `out` (when there is one). */
static ns_err keep_failure(ns_addr *out, ns_err err)
{
  if (err && out)
    set_failed(out);
  return err;
}

static ns_err replay_failure(const ns_addr *addr, const char *op)
{
  const unsigned char *b = (const unsigned char *)&addr->u;
  int sys_errno;
  memcpy(&sys_errno, b + FAILED_ERRNO_AT, sizeof sys_errno);
  char text[sizeof addr->u - FAILED_TEXT_AT];
  memcpy(text, b + FAILED_TEXT_AT, sizeof text);
  text[sizeof text - 1] = '\0'; /* a hand-made address may lack it */
  ns_err code = (ns_err)b[FAILED_CODE_AT];
  /* Not a failure set_failed could have kept (a struct filled by hand):
     just an empty address. */
  if (strcmp(ns_error_name(code), "UnknownError") == 0 || code == NS_OK ||
      text[0] == '\0')
    return ns__fail_fmt(NS_ERR_VALUE, op, "%s(): address is empty", op);
  return ns__fail_replay(code, op, sys_errno, text);
}

/* Python's messages; `op` is the operation, or NULL for a constructor. */
static ns_err range_error(enum empty_reason why, const char *op)
{
  const char *what = why == EMPTY_BAD_PORT ? "port must be 0-65535."
                                           : "flowinfo must be 0-1048575.";
  if (!op)
    return ns__fail_msg(NS_ERR_OVERFLOW, "ns_addr", what);
  return ns__fail_fmt(NS_ERR_OVERFLOW, op, "%s(): %s", op, what);
}

static ns_err bad_range(ns_addr *out, enum empty_reason why)
{
  set_empty(out, why);
  return range_error(why, NULL);
}

ns_err ns__addr_explain(const ns_addr *addr, const char *op)
{
  if (!addr)
    return ns__fail_fmt(NS_ERR_VALUE, op, "%s(): address is NULL", op);
  enum empty_reason why = addr->u.sa.sa_family == AF_UNSPEC
                              ? (enum empty_reason)addr->u.sa.sa_data[0]
                              : EMPTY_UNSET;
  if (why == EMPTY_BAD_PORT || why == EMPTY_BAD_FLOW)
    return range_error(why, op);
  if (why == EMPTY_PATH_TOO_LONG)
    return ns__fail_msg(NS_ERR_OS, op, "AF_UNIX path too long");
  if (why == EMPTY_FAILED)
    return replay_failure(addr, op);
  return ns__fail_fmt(NS_ERR_VALUE, op, "%s(): address is empty", op);
}

bool ns__addr_len_ok(const ns_addr *addr)
{
  /* socklen_t is signed on Windows: a negative len becomes too large. */
  size_t len = (size_t)addr->len;
  switch (addr->u.sa.sa_family) {
  case AF_INET:
    return len >= sizeof addr->u.in4 && len <= sizeof addr->u;
  case AF_INET6:
    return len >= sizeof addr->u.in6 && len <= sizeof addr->u;
  case AF_UNIX:
    return len >= UNIX_PATH_OFFSET && len <= sizeof addr->u.un;
  default:
    return len >= sizeof(sa_family_t) && len <= sizeof addr->u;
  }
}

static ns_err bad_len(const ns_addr *addr, const char *op)
{
  return ns__fail_fmt(NS_ERR_VALUE, op,
                      "%s(): bad address length %u for family %d", op,
                      (unsigned)addr->len, (int)addr->u.sa.sa_family);
}

ns_err ns__addr_check_full(const ns_addr *addr, const char *op)
{
  ns_err err = ns__addr_check(addr, op);
  if (!err && !ns__addr_len_ok(addr))
    err = bad_len(addr, op);
  return err;
}

static void set_inet(ns_addr *out, struct in_addr ip, int port)
{
  memset(out, 0, sizeof *out);
  out->u.in4.sin_addr = ip;
  out->u.in4.sin_port = htons((uint16_t)port);
  ns__addr_set_header(out, AF_INET, sizeof out->u.in4);
}

ns_err ns_addr_inet(ns_addr *out, const char *host, int port)
{
  if (!out || !host)
    return keep_failure(
        out, ns__fail_null("ns_addr_inet", "ns_addr_inet(): NULL argument"));
  if (port < 0 || port > 65535)
    return bad_range(out, EMPTY_BAD_PORT);
  struct in_addr ip = {0};
  if (host[0] == '\0')
    ip.s_addr = htonl(INADDR_ANY);
  else if (strcmp(host, "<broadcast>") == 0)
    ip.s_addr = htonl(INADDR_BROADCAST);
  else if (inet_pton(AF_INET, host, &ip) != 1) {
    set_inet(out, ip, port);
    return keep_failure(out,
                        ns__resolve_host(out, AF_INET, host, "getaddrinfo"));
  }
  set_inet(out, ip, port);
  return NS_OK;
}

/* Split "addr%zone" into the address text and a scope id. */
static ns_err parse_ipv6_host(const char *text, size_t len, struct in6_addr *ip,
                              uint32_t *scope_out, const char *op)
{
  char host[INET6_ADDRSTRLEN];
  char zone[IF_NAMESIZE + 1];
  const char *pct = memchr(text, '%', len);
  size_t host_len = pct ? (size_t)(pct - text) : len;
  if (host_len >= sizeof host || memchr(text, '\0', len))
    return ns__fail_fmt(NS_ERR_VALUE, op, "invalid IPv6 address");
  memcpy(host, text, host_len);
  host[host_len] = '\0';
  if (inet_pton(AF_INET6, host, ip) != 1)
    return ns__fail_fmt(NS_ERR_VALUE, op, "invalid IPv6 address: '%s'", host);
  if (!pct)
    return NS_OK;
  size_t zone_len = len - host_len - 1;
  if (zone_len == 0 || zone_len >= sizeof zone)
    return ns__fail_fmt(NS_ERR_VALUE, op, "invalid IPv6 zone");
  memcpy(zone, pct + 1, zone_len);
  zone[zone_len] = '\0';
  errno = 0;
  unsigned index = if_nametoindex(zone);
  /* No such interface is ENODEV. Anything else means the C library could
     not open the socket it asks through, and its errno then comes from
     its last fallback (ENOENT for a /proc file): open one here to learn
     the real reason (EMFILE), which says nothing about the zone. */
#if !NS_WINSOCK
  if (index == 0 && errno != ENODEV && errno != ENXIO) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return ns__fail_errno(op, errno);
    close(fd);
  }
#endif
  if (index == 0) {
    char *end;
    unsigned long n = strtoul(zone, &end, 10);
    if (*end != '\0' || zone[0] < '0' || zone[0] > '9' || n > UINT32_MAX)
      return ns__fail_fmt(NS_ERR_VALUE, op, "unknown interface '%s'", zone);
    index = (unsigned)n;
  }
  *scope_out = index;
  return NS_OK;
}

static void set_inet6(ns_addr *out, const struct in6_addr *ip, int port,
                      uint32_t flowinfo, uint32_t scope_id)
{
  memset(out, 0, sizeof *out);
  out->u.in6.sin6_addr = *ip;
  out->u.in6.sin6_port = htons((uint16_t)port);
  out->u.in6.sin6_flowinfo = htonl(flowinfo);
  out->u.in6.sin6_scope_id = scope_id;
  ns__addr_set_header(out, AF_INET6, sizeof out->u.in6);
}

ns_err ns_addr_inet6(ns_addr *out, const char *host, int port,
                     uint32_t flowinfo, uint32_t scope_id)
{
  if (!out || !host)
    return keep_failure(
        out, ns__fail_null("ns_addr_inet6", "ns_addr_inet6(): NULL argument"));
  if (port < 0 || port > 65535)
    return bad_range(out, EMPTY_BAD_PORT);
  if (flowinfo > 0xfffff)
    return bad_range(out, EMPTY_BAD_FLOW);
  struct in6_addr ip = IN6ADDR_ANY_INIT;
  uint32_t scope = scope_id;
  ns_err err = NS_ERR_VALUE;
  if (host[0] != '\0' && strchr(host, ':'))
    err = parse_ipv6_host(host, strlen(host), &ip, &scope, "ns_addr_inet6");
  /* Text that is no numeric address, "[::1]" or an unknown zone included,
     goes to getaddrinfo as Python sends it, for Python's gaierror; an OS
     failure while reading the zone (EMFILE) is reported as it is. */
  if (err == NS_ERR_VALUE && host[0] != '\0') {
    set_inet6(out, &ip, port, flowinfo, scope_id);
    return keep_failure(out,
                        ns__resolve_host(out, AF_INET6, host, "getaddrinfo"));
  }
  if (err && host[0] != '\0')
    return keep_failure(out, err);
  set_inet6(out, &ip, port, flowinfo, scope);
  return NS_OK;
}

static ns_err set_unix(ns_addr *out, const void *bytes, size_t len,
                       bool abstract)
{
  /* A path needs room for its NUL; an abstract name for its leading NUL. */
  if (len >= sizeof out->u.un.sun_path) {
    set_empty(out, EMPTY_PATH_TOO_LONG);
    return ns__fail_msg(NS_ERR_OS, "ns_addr_unix", "AF_UNIX path too long");
  }
  memset(out, 0, sizeof *out);
  if (len) /* bytes may be NULL for an empty name */
    memcpy(out->u.un.sun_path + (abstract ? 1 : 0), bytes, len);
  ns__addr_set_header(out, AF_UNIX, (socklen_t)(UNIX_PATH_OFFSET + len + 1));
  return NS_OK;
}

ns_err ns_addr_unix(ns_addr *out, const char *path)
{
  if (!out || !path)
    return keep_failure(
        out, ns__fail_null("ns_addr_unix", "ns_addr_unix(): NULL argument"));
  return set_unix(out, path, strlen(path), false);
}

ns_err ns_addr_unix_abstract(ns_addr *out, const void *name, size_t len)
{
  if (!out || (!name && len))
    return keep_failure(out, ns__fail_null("ns_addr_unix_abstract",
                                           "ns_addr_unix_abstract(): NULL "
                                           "argument"));
  return set_unix(out, name, len, true);
}

/* ---- text in ---------------------------------------------------------- */

static ns_err parse_port(const char *text, size_t len, int *port,
                         const char *op)
{
  if (len == 0)
    return ns__fail_msg(NS_ERR_VALUE, op, "address text has no port");
  long value = 0;
  for (size_t i = 0; i < len; i++) {
    if (text[i] < '0' || text[i] > '9')
      return ns__fail_msg(NS_ERR_VALUE, op, "address port is not a number");
    if (value <= 65535)
      value = value * 10 + (text[i] - '0');
  }
  if (value > 65535)
    return ns__fail_msg(NS_ERR_OVERFLOW, op, "port must be 0-65535.");
  *port = (int)value;
  return NS_OK;
}

static int hex_digit(char c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* "@name" with "\xNN" and "\\" escapes: the inverse of format_abstract. */
static ns_err parse_abstract(ns_addr *out, const char *text, size_t len,
                             const char *op)
{
  char name[sizeof out->u.un.sun_path];
  size_t n = 0;
  for (size_t i = 0; i < len; i++) {
    char c = text[i];
    if (c == '\\') {
      if (i + 1 < len && text[i + 1] == '\\') {
        i += 1;
      } else if (i + 3 < len && text[i + 1] == 'x' &&
                 hex_digit(text[i + 2]) >= 0 && hex_digit(text[i + 3]) >= 0) {
        c = (char)(hex_digit(text[i + 2]) * 16 + hex_digit(text[i + 3]));
        i += 3;
      } else {
        return ns__fail_msg(NS_ERR_VALUE, op,
                            "bad escape in abstract AF_UNIX name");
      }
    }
    if (n == sizeof name)
      return set_unix(out, name, n, true); /* reports "too long" */
    name[n++] = c;
  }
  return set_unix(out, name, n, true);
}

static ns_err parse_text(ns_addr *out, const char *text, size_t len);

ns_err ns_addr_parse_n(ns_addr *out, const char *text, size_t len)
{
  return keep_failure(out, parse_text(out, text, len));
}

static ns_err parse_text(ns_addr *out, const char *text, size_t len)
{
  static const char op[] = "ns_addr_parse";
  if (!out || (!text && len))
    return ns__fail_null(op, "ns_addr_parse(): NULL argument");
  set_empty(out, EMPTY_UNSET); /* what a failed parse leaves behind */
  if (len == 0)
    return ns__fail_msg(NS_ERR_VALUE, op, "address text is empty");

  if (text[0] == '/' || text[0] == '.') {
    char path[sizeof out->u.un.sun_path];
    if (memchr(text, '\0', len))
      return ns__fail_msg(NS_ERR_VALUE, op, "embedded null byte");
    if (len >= sizeof path)
      return set_unix(out, text, len, false); /* reports "too long" */
    memcpy(path, text, len);
    path[len] = '\0';
    return set_unix(out, path, len, false);
  }
  if (text[0] == '@')
    return parse_abstract(out, text + 1, len - 1, op);

  const char *host = text;
  size_t host_len;
  const char *port_text;
  if (text[0] == '[') {
    const char *close = memchr(text, ']', len);
    if (!close)
      return ns__fail_msg(NS_ERR_VALUE, op, "IPv6 address lacks ']'");
    if ((size_t)(close - text) + 1 >= len || close[1] != ':')
      return ns__fail_msg(NS_ERR_VALUE, op, "address text has no port");
    host = text + 1;
    host_len = (size_t)(close - host);
    port_text = close + 2;
  } else {
    const char *colon = NULL;
    for (size_t i = len; i-- > 0;)
      if (text[i] == ':') {
        colon = text + i;
        break;
      }
    if (!colon)
      return ns__fail_msg(NS_ERR_VALUE, op, "address text has no port");
    host_len = (size_t)(colon - text);
    port_text = colon + 1;
  }
  int port = 0;
  ns_err err =
      parse_port(port_text, len - (size_t)(port_text - text), &port, op);
  if (err)
    return err;

  if (text[0] == '[') {
    struct in6_addr ip;
    uint32_t scope = 0;
    err = parse_ipv6_host(host, host_len, &ip, &scope, op);
    if (!err)
      set_inet6(out, &ip, port, 0, scope);
    return err;
  }
  char ip_text[INET_ADDRSTRLEN];
  struct in_addr ip;
  if (memchr(host, ':', host_len))
    return ns__fail_msg(NS_ERR_VALUE, op, "IPv6 address needs [brackets]");
  if (host_len == 0 || host_len >= sizeof ip_text ||
      memchr(host, '\0', host_len))
    return ns__fail_msg(NS_ERR_VALUE, op, "invalid IPv4 address");
  memcpy(ip_text, host, host_len);
  ip_text[host_len] = '\0';
  if (inet_pton(AF_INET, ip_text, &ip) != 1)
    return ns__fail_fmt(NS_ERR_VALUE, op, "invalid IPv4 address: '%s'",
                        ip_text);
  set_inet(out, ip, port);
  return NS_OK;
}

ns_err ns_addr_parse(ns_addr *out, const char *text)
{
  if (!text)
    return keep_failure(
        out, ns__fail_null("ns_addr_parse", "ns_addr_parse(): NULL argument"));
  return ns_addr_parse_n(out, text, strlen(text));
}

/* ---- text out --------------------------------------------------------- */

/* Appends to a fixed buffer; remembers whether anything did not fit. */
struct text {
  char *buf;
  size_t size;
  size_t len;
  bool overflow;
};

static void put(struct text *t, const char *s, size_t n)
{
  if (t->len + n >= t->size) {
    t->overflow = true;
    return;
  }
  memcpy(t->buf + t->len, s, n);
  t->len += n;
  t->buf[t->len] = '\0';
}

static void puts_(struct text *t, const char *s)
{
  put(t, s, strlen(s));
}

static void put_ipv6_host(struct text *t, const struct sockaddr_in6 *in6)
{
  char ip[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &in6->sin6_addr, ip, sizeof ip);
  puts_(t, ip);
  if (in6->sin6_scope_id) {
    char zone[IF_NAMESIZE + 12];
    char name[IF_NAMESIZE];
    if (if_indextoname(in6->sin6_scope_id, name))
      snprintf(zone, sizeof zone, "%%%s", name);
    else
      snprintf(zone, sizeof zone, "%%%u", (unsigned)in6->sin6_scope_id);
    puts_(t, zone);
  }
}

static void put_abstract(struct text *t, const unsigned char *name, size_t n)
{
  puts_(t, "@");
  for (size_t i = 0; i < n; i++) {
    char esc[5];
    if (name[i] == '\\')
      puts_(t, "\\\\");
    else if (name[i] >= 0x20 && name[i] < 0x7f)
      put(t, (const char *)&name[i], 1);
    else {
      snprintf(esc, sizeof esc, "\\x%02x", name[i]);
      puts_(t, esc);
    }
  }
}

static void put_unix(struct text *t, const ns_addr *addr)
{
  size_t n = addr->len - UNIX_PATH_OFFSET;
  const char *path = addr->u.un.sun_path;
  if (n == 0)
    return; /* unnamed: "" as Python's getsockname() gives */
  if (path[0] == '\0')
    put_abstract(t, (const unsigned char *)path + 1, n - 1);
  else
    put(t, path, strnlen(path, n));
}

/* Writes the host (with_port false) or the full text into t. */
static ns_err format_into(const ns_addr *addr, struct text *t, bool with_port,
                          const char *op)
{
  char port[8];
  if (addr->len && !ns__addr_len_ok(addr))
    return bad_len(addr, op);
  switch (addr->len ? addr->u.sa.sa_family : AF_UNSPEC) {
  case AF_INET: {
    char ip[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &addr->u.in4.sin_addr, ip, sizeof ip);
    puts_(t, ip);
    if (with_port) {
      snprintf(port, sizeof port, ":%u", ntohs(addr->u.in4.sin_port));
      puts_(t, port);
    }
    return NS_OK;
  }
  case AF_INET6:
    if (with_port)
      puts_(t, "[");
    put_ipv6_host(t, &addr->u.in6);
    if (with_port) {
      snprintf(port, sizeof port, "]:%u", ntohs(addr->u.in6.sin6_port));
      puts_(t, port);
    }
    return NS_OK;
  case AF_UNIX:
    put_unix(t, addr);
    return NS_OK;
  default:
    return ns__fail_msg(NS_ERR_VALUE, op,
                        addr->len ? "unknown address family"
                                  : "address is empty");
  }
}

/* Format into a scratch buffer first, so a short `buf` is never touched. */
static ns_err format_checked(const ns_addr *addr, char *buf, size_t size,
                             bool with_port, const char *op)
{
  if (!addr || (!buf && size))
    return ns__fail_null(op, "NULL argument");
  char scratch[NS_ADDR_STRLEN];
  struct text t = {scratch, sizeof scratch, 0, false};
  scratch[0] = '\0';
  ns_err err = format_into(addr, &t, with_port, op);
  if (err)
    return err;
  if (t.overflow || t.len >= size)
    return ns__fail_fmt(NS_ERR_OVERFLOW, op,
                        "buffer too small: the address needs %zu bytes",
                        t.len + 1);
  memcpy(buf, scratch, t.len + 1);
  return NS_OK;
}

ns_err ns_addr_format(const ns_addr *addr, char *buf, size_t size)
{
  return format_checked(addr, buf, size, true, "ns_addr_format");
}

ns_err ns_addr_host(const ns_addr *addr, char *buf, size_t size)
{
  return format_checked(addr, buf, size, false, "ns_addr_host");
}

/* ---- raw bytes and accessors --------------------------------------------- */

void ns__addr_set_header(ns_addr *a, int family, socklen_t len)
{
  ns__sockaddr_write_header(&a->u, family, len, NS__SA_LEN_LAYOUT);
  a->len = len;
}

static ns_err from_sockaddr(ns_addr *out, const struct sockaddr *sa,
                            size_t len);

ns_err ns_addr_from_sockaddr(ns_addr *out, const struct sockaddr *sa,
                             size_t len)
{
  return keep_failure(out, from_sockaddr(out, sa, len));
}

static ns_err from_sockaddr(ns_addr *out, const struct sockaddr *sa, size_t len)
{
  static const char op[] = "ns_addr_from_sockaddr";
  if (!out || (!sa && len))
    return ns__fail_null(op, "ns_addr_from_sockaddr(): NULL argument");
  if (len < sizeof(sa_family_t) || len > sizeof out->u)
    return ns__fail_fmt(NS_ERR_VALUE, op, "bad sockaddr length %zu", len);
  int family = ns__sockaddr_family(sa, NS__SA_LEN_LAYOUT);
  bool fits;
  switch (family) {
  case AF_INET:
    fits = len == sizeof(struct sockaddr_in);
    break;
  case AF_INET6:
    fits = len == sizeof(struct sockaddr_in6);
    break;
  case AF_UNIX:
    fits = len >= UNIX_PATH_OFFSET && len <= sizeof(struct sockaddr_un);
    break;
  default:
    return ns__fail_fmt(NS_ERR_VALUE, op, "unsupported address family %d",
                        (int)family);
  }
  if (!fits)
    return ns__fail_fmt(NS_ERR_VALUE, op,
                        "bad sockaddr length %zu for family %d", len,
                        (int)family);
  memset(out, 0, sizeof *out);
  memcpy(&out->u, sa, len);
  out->len = (socklen_t)len;
  return NS_OK;
}

int ns_addr_family(const ns_addr *addr)
{
  return addr && addr->len ? addr->u.sa.sa_family : AF_UNSPEC;
}

int ns_addr_port(const ns_addr *addr)
{
  if (addr && addr->len && !ns__addr_len_ok(addr))
    return -1;
  switch (ns_addr_family(addr)) {
  case AF_INET:
    return ntohs(addr->u.in4.sin_port);
  case AF_INET6:
    return ntohs(addr->u.in6.sin6_port);
  default:
    return -1;
  }
}

bool ns_addr_equal(const ns_addr *a, const ns_addr *b)
{
  int family = ns_addr_family(a);
  if (family != ns_addr_family(b))
    return false;
  /* A `len` that does not fit its family is equal to nothing, as NaN. */
  if ((a && a->len && !ns__addr_len_ok(a)) ||
      (b && b->len && !ns__addr_len_ok(b)))
    return false;
  switch (family) {
  case AF_INET:
    return a->u.in4.sin_port == b->u.in4.sin_port &&
           a->u.in4.sin_addr.s_addr == b->u.in4.sin_addr.s_addr;
  case AF_INET6:
    return a->u.in6.sin6_port == b->u.in6.sin6_port &&
           a->u.in6.sin6_flowinfo == b->u.in6.sin6_flowinfo &&
           a->u.in6.sin6_scope_id == b->u.in6.sin6_scope_id &&
           memcmp(&a->u.in6.sin6_addr, &b->u.in6.sin6_addr,
                  sizeof a->u.in6.sin6_addr) == 0;
  case AF_UNIX:
    return a->len == b->len && memcmp(a->u.un.sun_path, b->u.un.sun_path,
                                      a->len - UNIX_PATH_OFFSET) == 0;
  default:
    return a == b || (a && b); /* two empty addresses are equal */
  }
}

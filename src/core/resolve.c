/* SPDX-License-Identifier: MIT */
/*
 * Name resolution: getaddrinfo and getnameinfo, the gethostby* family,
 * services and protocols, and inet_pton/inet_ntop.
 *
 * The host arguments are read the way CPython's setipaddr() reads them
 * (numeric text first, "" and "<broadcast>" as special names, getaddrinfo
 * for the rest), so that the same input gives the same answer and the same
 * error class as in Python.
 */
#include <ctype.h>
#include <stdalign.h>
#include <string.h>

#include "internal.h"

/* ns_addrinfo is never defined: a result is the resolver's own node. */
static const struct addrinfo *node(const ns_addrinfo *ai)
{
  return (const struct addrinfo *)(const void *)ai;
}

/* Copy text into a caller's buffer, or touch nothing and say how much it
   needs. */
static ns_err copy_out(char *buf, size_t size, const char *text, const char *op)
{
  size_t need = strlen(text) + 1;
  if (need > size)
    return ns__fail_fmt(NS_ERR_OVERFLOW, op,
                        "buffer too small: the result needs %zu bytes", need);
  memcpy(buf, text, need);
  return NS_OK;
}

/* The first address getaddrinfo(3) gives for host in `family`. */
static ns_err lookup_first(ns_addr *out, int family, const char *host,
                           const char *op)
{
  ns_err err = ns__net_init(op);
  if (err)
    return err;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  struct addrinfo *list = NULL;
  int rc = getaddrinfo(host, NULL, &hints, &list);
  if (rc != 0) {
    int e = errno;
    memset(out, 0, sizeof *out); /* empty: an operation given it says so */
    return ns__fail_gai(op, rc, e);
  }
  memset(out, 0, sizeof *out);
  memcpy(&out->u, list->ai_addr, list->ai_addrlen);
  out->len = list->ai_addrlen;
  freeaddrinfo(list);
  return NS_OK;
}

ns_err ns__resolve_host(ns_addr *out, int family, const char *host,
                        const char *op)
{
  /* Keep what the caller already put into *out besides the host: the port,
     and for IPv6 flowinfo and scope id, as Python's tuple sets them. */
  ns_addr wanted = *out;
  ns_err err = lookup_first(out, family, host, op);
  if (err)
    return err;
  if (family == AF_INET) {
    out->u.in4.sin_port = wanted.u.in4.sin_port;
  } else {
    out->u.in6.sin6_port = wanted.u.in6.sin6_port;
    out->u.in6.sin6_flowinfo = wanted.u.in6.sin6_flowinfo;
    if (wanted.u.in6.sin6_scope_id)
      out->u.in6.sin6_scope_id = wanted.u.in6.sin6_scope_id;
  }
  return NS_OK;
}

/* CPython's setipaddr(): a host as Python's lookups read it. */
static ns_err host_address(ns_addr *out, int family, const char *host,
                           const char *op)
{
  memset(out, 0, sizeof *out);
  if (host[0] == '\0') {
    if (family != AF_INET)
      return ns__fail_msg(NS_ERR_OS, op,
                          "wildcard resolved to multiple address");
    out->u.in4.sin_addr.s_addr = htonl(INADDR_ANY);
    ns__addr_set_header(out, AF_INET, sizeof out->u.in4);
    return NS_OK;
  }
  if (strcmp(host, "<broadcast>") == 0) {
    if (family != AF_INET && family != AF_UNSPEC)
      return ns__fail_msg(NS_ERR_OS, op, "address family mismatched");
    out->u.in4.sin_addr.s_addr = htonl(INADDR_BROADCAST);
    ns__addr_set_header(out, AF_INET, sizeof out->u.in4);
    return NS_OK;
  }
  if ((family == AF_INET || family == AF_UNSPEC) &&
      inet_pton(AF_INET, host, &out->u.in4.sin_addr) == 1) {
    ns__addr_set_header(out, AF_INET, sizeof out->u.in4);
    return NS_OK;
  }
  /* A scoped IPv6 address needs getaddrinfo to map the zone. */
  if ((family == AF_INET6 || family == AF_UNSPEC) && !strchr(host, '%') &&
      inet_pton(AF_INET6, host, &out->u.in6.sin6_addr) == 1) {
    ns__addr_set_header(out, AF_INET6, sizeof out->u.in6);
    return NS_OK;
  }
  return lookup_first(out, family, host, op);
}

/* ---- getaddrinfo --------------------------------------------------------- */

ns_err ns_getaddrinfo(ns_addrinfo **out, const char *host, const char *port,
                      int family, int type, int proto, int flags)
{
  if (!out)
    return ns__fail_null("getaddrinfo", "getaddrinfo(): out is NULL");
  *out = NULL;
  ns_err err = ns__net_init("getaddrinfo");
  if (err)
    return err;
  struct addrinfo hints;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = type;
  hints.ai_protocol = proto;
  hints.ai_flags = flags;
  struct addrinfo *list = NULL;
  int rc = getaddrinfo(host, port, &hints, &list);
  if (rc != 0)
    return ns__fail_gai("getaddrinfo", rc, errno);
  *out = (ns_addrinfo *)(void *)list;
  return NS_OK;
}

void ns_addrinfo_free(ns_addrinfo *list)
{
  if (list)
    freeaddrinfo((struct addrinfo *)(void *)list);
}

const ns_addrinfo *ns_addrinfo_next(const ns_addrinfo *ai)
{
  return ai ? (const ns_addrinfo *)(const void *)node(ai)->ai_next : NULL;
}

int ns_addrinfo_family(const ns_addrinfo *ai)
{
  return ai ? node(ai)->ai_family : -1;
}

int ns_addrinfo_socktype(const ns_addrinfo *ai)
{
  return ai ? node(ai)->ai_socktype : -1;
}

int ns_addrinfo_proto(const ns_addrinfo *ai)
{
  return ai ? node(ai)->ai_protocol : -1;
}

const char *ns_addrinfo_canonname(const ns_addrinfo *ai)
{
  return ai && node(ai)->ai_canonname ? node(ai)->ai_canonname : "";
}

ns_addr ns_addrinfo_addr(const ns_addrinfo *ai)
{
  ns_addr a;
  memset(&a, 0, sizeof a);
  if (ai && node(ai)->ai_addr && node(ai)->ai_addrlen <= sizeof a.u) {
    memcpy(&a.u, node(ai)->ai_addr, node(ai)->ai_addrlen);
    a.len = node(ai)->ai_addrlen;
  }
  return a;
}

ns_err ns_getnameinfo(const ns_addr *addr, int flags, char *host,
                      size_t host_size, char *serv, size_t serv_size)
{
  ns_err err = ns__addr_check_full(addr, "getnameinfo");
  if (err)
    return err;
  if (!host && !serv)
    return ns__fail_null("getnameinfo",
                         "getnameinfo(): host and serv are both NULL");
  err = ns__net_init("getnameinfo");
  if (err)
    return err;
  /* Full-size scratch first: a short buffer is reported as every other
     buffer here is, and is left untouched. */
  char h[NI_MAXHOST], sv[NI_MAXSERV];
  int rc =
      getnameinfo(&addr->u.sa, addr->len, host ? h : NULL, host ? sizeof h : 0,
                  serv ? sv : NULL, serv ? sizeof sv : 0, flags);
  if (rc != 0)
    return ns__fail_gai("getnameinfo", rc, errno);
  size_t host_need = host ? strlen(h) + 1 : 0;
  size_t serv_need = serv ? strlen(sv) + 1 : 0;
  if (host_need > host_size || serv_need > serv_size)
    return ns__fail_fmt(NS_ERR_OVERFLOW, "getnameinfo",
                        "buffer too small: the result needs %zu bytes",
                        host_need > host_size ? host_need : serv_need);
  if (host)
    memcpy(host, h, host_need);
  if (serv)
    memcpy(serv, sv, serv_need);
  return NS_OK;
}

/* ---- host names ---------------------------------------------------------- */

ns_err ns_gethostname(char *buf, size_t size)
{
  if (!buf)
    return ns__fail_null("gethostname", "gethostname(): buf is NULL");
  /* The whole name first: given a short buffer, some C libraries (musl)
     truncate the name and report success, as POSIX allows, and others
     (glibc) fail with ENAMETOOLONG. Here a name that does not fit always
     fails so, and the buffer is left alone. 256 bytes hold any host name
     (255 at most). */
  ns_err err = ns__net_init("gethostname");
  if (err)
    return err;
  char name[257];
  if (gethostname(name, sizeof name) != 0)
    return ns__fail_sock("gethostname");
  name[sizeof name - 1] = '\0';
  size_t need = strlen(name) + 1;
  if (need > size)
    return ns__fail_errno("gethostname", ENAMETOOLONG);
  memcpy(buf, name, need);
  return NS_OK;
}

/* The text of an address's host part, without a zone. */
static void address_text(int family, const void *packed, char *buf, size_t size)
{
  if (!inet_ntop(family, packed, buf, (socklen_t)size))
    buf[0] = '\0';
}

ns_err ns_gethostbyname(const char *host, char *buf, size_t size)
{
  if (!host || !buf)
    return ns__fail_null("gethostbyname", "gethostbyname(): NULL argument");
  ns_addr a;
  ns_err err = host_address(&a, AF_INET, host, "gethostbyname");
  if (err)
    return err;
  char text[INET_ADDRSTRLEN];
  address_text(AF_INET, &a.u.in4.sin_addr, text, sizeof text);
  return copy_out(buf, size, text, "gethostbyname");
}

/* Room for gethostby*_r's own data, as much as CPython gives it. */
enum { HOSTENT_SCRATCH = 16384 };

static size_t count_list(char **list)
{
  size_t n = 0;
  while (list && list[n])
    n++;
  return n;
}

/*
 * Lay a hostent out in the caller's buffer: the two pointer arrays first
 * (aligned), then the strings. Addresses become text on the way.
 */
static ns_err pack_hostent(const struct hostent *h, ns_hostent *out, char *buf,
                           size_t size, const char *op)
{
  size_t n_alias = count_list(h->h_aliases);
  size_t n_addr = count_list(h->h_addr_list);
  char addr_text[INET6_ADDRSTRLEN];

  size_t pad =
      (alignof(char *) - (uintptr_t)buf % alignof(char *)) % alignof(char *);
  size_t need = pad + (n_alias + 1 + n_addr + 1) * sizeof(char *);
  need += strlen(h->h_name) + 1;
  for (size_t i = 0; i < n_alias; i++)
    need += strlen(h->h_aliases[i]) + 1;
  for (size_t i = 0; i < n_addr; i++) {
    address_text(h->h_addrtype, h->h_addr_list[i], addr_text, sizeof addr_text);
    need += strlen(addr_text) + 1;
  }
  if (need > size)
    return ns__fail_fmt(NS_ERR_OVERFLOW, op,
                        "buffer too small: the result needs %zu bytes", need);

  const char **aliases = (const char **)(void *)(buf + pad);
  const char **addrs = aliases + n_alias + 1;
  char *p = (char *)(addrs + n_addr + 1);
#define PUT(dst, text)                                                         \
  do {                                                                         \
    size_t len_ = strlen(text) + 1;                                            \
    memcpy(p, (text), len_);                                                   \
    (dst) = p;                                                                 \
    p += len_;                                                                 \
  } while (0)
  PUT(out->name, h->h_name);
  for (size_t i = 0; i < n_alias; i++)
    PUT(aliases[i], h->h_aliases[i]);
  aliases[n_alias] = NULL;
  for (size_t i = 0; i < n_addr; i++) {
    address_text(h->h_addrtype, h->h_addr_list[i], addr_text, sizeof addr_text);
    PUT(addrs[i], addr_text);
  }
  addrs[n_addr] = NULL;
#undef PUT
  out->aliases = aliases;
  out->addrs = addrs;
  out->family = h->h_addrtype;
  return NS_OK;
}

ns_err ns_gethostbyname_ex(const char *host, ns_hostent *out, char *buf,
                           size_t size)
{
  const char *op = "gethostbyname_ex";
  if (!host || !out || !buf)
    return ns__fail_null(op, "gethostbyname_ex(): NULL argument");
  /* As Python: the name must resolve for IPv4 before the real lookup. */
  ns_addr a;
  ns_err err = host_address(&a, AF_INET, host, op);
  if (err)
    return err;
  char scratch[HOSTENT_SCRATCH];
  struct hostent h;
  int h_err = 0;
  ns__netdb_lock();
  struct hostent *result =
      ns__os_gethostbyname(host, &h, scratch, sizeof scratch, &h_err);
  err = result ? pack_hostent(result, out, buf, size, op)
               : ns__fail_herror(op, h_err);
  ns__netdb_unlock();
  return err;
}

ns_err ns_gethostbyaddr(const char *ip, ns_hostent *out, char *buf, size_t size)
{
  const char *op = "gethostbyaddr";
  if (!ip || !out || !buf)
    return ns__fail_null(op, "gethostbyaddr(): NULL argument");
  ns_addr a;
  ns_err err = host_address(&a, AF_UNSPEC, ip, op);
  if (err)
    return err;
  const void *packed = &a.u.in4.sin_addr;
  socklen_t packed_len = sizeof a.u.in4.sin_addr;
  if (a.u.sa.sa_family == AF_INET6) {
    packed = &a.u.in6.sin6_addr;
    packed_len = sizeof a.u.in6.sin6_addr;
  }
  char scratch[HOSTENT_SCRATCH];
  struct hostent h;
  int h_err = 0;
  ns__netdb_lock();
  struct hostent *result =
      ns__os_gethostbyaddr(packed, (int)packed_len, a.u.sa.sa_family, &h,
                           scratch, sizeof scratch, &h_err);
  err = result ? pack_hostent(result, out, buf, size, op)
               : ns__fail_herror(op, h_err);
  ns__netdb_unlock();
  return err;
}

ns_err ns_getfqdn(const char *name, char *buf, size_t size)
{
  if (!name || !buf)
    return ns__fail_null("getfqdn", "getfqdn(): NULL argument");
  /* Python strips white space first. */
  while (isspace((unsigned char)*name))
    name++;
  size_t len = strlen(name);
  while (len && isspace((unsigned char)name[len - 1]))
    len--;
  char host[NI_MAXHOST];
  /* Longer than any name a lookup can answer for: Python's lookup fails
     and gives the name back whole, so this does too, never cut short. */
  if (len >= sizeof host) {
    if (len + 1 > size)
      return ns__fail_fmt(NS_ERR_OVERFLOW, "getfqdn",
                          "buffer too small: the result needs %zu bytes",
                          len + 1);
    memcpy(buf, name, len);
    buf[len] = '\0';
    return NS_OK;
  }
  memcpy(host, name, len);
  host[len] = '\0';
  if (!host[0] || strcmp(host, "0.0.0.0") == 0 || strcmp(host, "::") == 0) {
    ns_err err = ns_gethostname(host, sizeof host);
    if (err)
      return err;
  }
  /* A failed lookup leaves the name as it is, as in Python. */
  char hbuf[NS_HOSTENT_BUFSIZE];
  ns_hostent he;
  if (ns_gethostbyaddr(host, &he, hbuf, sizeof hbuf) != NS_OK)
    return copy_out(buf, size, host, "getfqdn");
  const char *fqdn = he.name;
  if (!strchr(fqdn, '.'))
    for (size_t i = 0; he.aliases[i]; i++)
      if (strchr(he.aliases[i], '.')) {
        fqdn = he.aliases[i];
        break;
      }
  return copy_out(buf, size, fqdn, "getfqdn");
}

/* ---- services and protocols ---------------------------------------------- */

/* Room for the reentrant database lookups' own data. */
enum { DB_SCRATCH = 4096 };

ns_err ns_getservbyname(const char *name, const char *proto, int *port_out)
{
  if (!name || !port_out)
    return ns__fail_null("getservbyname", "getservbyname(): NULL argument");
  char scratch[DB_SCRATCH];
  struct servent se;
  ns__netdb_lock();
  struct servent *result =
      ns__os_getservbyname(name, proto, &se, scratch, sizeof scratch);
  if (result)
    *port_out = ntohs((uint16_t)result->s_port);
  ns__netdb_unlock();
  if (!result)
    return ns__fail_msg(NS_ERR_OS, "getservbyname", "service/proto not found");
  return NS_OK;
}

ns_err ns_getservbyport(int port, const char *proto, char *buf, size_t size)
{
  if (!buf)
    return ns__fail_null("getservbyport", "getservbyport(): buf is NULL");
  if (port < 0 || port > 65535)
    return ns__fail_msg(NS_ERR_OVERFLOW, "getservbyport",
                        "getservbyport: port must be 0-65535.");
  char scratch[DB_SCRATCH];
  struct servent se;
  ns__netdb_lock();
  struct servent *result = ns__os_getservbyport(htons((uint16_t)port), proto,
                                                &se, scratch, sizeof scratch);
  ns_err err =
      result ? copy_out(buf, size, result->s_name, "getservbyport")
             : ns__fail_msg(NS_ERR_OS, "getservbyport", "port/proto not found");
  ns__netdb_unlock();
  return err;
}

ns_err ns_getprotobyname(const char *name, int *proto_out)
{
  if (!name || !proto_out)
    return ns__fail_null("getprotobyname", "getprotobyname(): NULL argument");
  char scratch[DB_SCRATCH];
  struct protoent pe;
  ns__netdb_lock();
  struct protoent *result =
      ns__os_getprotobyname(name, &pe, scratch, sizeof scratch);
  if (result)
    *proto_out = result->p_proto;
  ns__netdb_unlock();
  if (!result)
    return ns__fail_msg(NS_ERR_OS, "getprotobyname", "protocol not found");
  return NS_OK;
}

/* ---- packed addresses ---------------------------------------------------- */

ns_err ns_inet_pton(int family, const char *text, void *buf, size_t size)
{
  if (!text || !buf)
    return ns__fail_null("inet_pton", "inet_pton(): NULL argument");
  struct in6_addr packed; /* room for either family */
  int rc = inet_pton(family, text, &packed);
  if (rc < 0)
    return ns__fail_sock("inet_pton");
  if (rc == 0)
    return ns__fail_msg(NS_ERR_OS, "inet_pton",
                        "illegal IP address string passed to inet_pton");
  size_t need = family == AF_INET ? sizeof(struct in_addr) : sizeof packed;
  if (need > size)
    return ns__fail_fmt(NS_ERR_OVERFLOW, "inet_pton",
                        "buffer too small: the result needs %zu bytes", need);
  memcpy(buf, &packed, need);
  return NS_OK;
}

ns_err ns_inet_ntop(int family, const void *packed, size_t len, char *buf,
                    size_t size)
{
  if (!packed || !buf)
    return ns__fail_null("inet_ntop", "inet_ntop(): NULL argument");
  size_t want;
  if (family == AF_INET)
    want = sizeof(struct in_addr);
  else if (family == AF_INET6)
    want = sizeof(struct in6_addr);
  else
    return ns__fail_fmt(NS_ERR_VALUE, "inet_ntop", "unknown address family %d",
                        family);
  if (len != want)
    return ns__fail_msg(NS_ERR_VALUE, "inet_ntop",
                        "invalid length of packed IP address string");
  char text[INET6_ADDRSTRLEN];
  address_text(family, packed, text, sizeof text);
  return copy_out(buf, size, text, "inet_ntop");
}

/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/resolve.h
 * @brief Name resolution: getaddrinfo and the other lookups of Python's
 *        socket module, and the text <-> packed address conversions.
 *
 * Resolver failures are NS_ERR_GAIERROR carrying the EAI_* code as the
 * error number and Python's message ("[Errno -2] Name or service not
 * known"); EAI_SYSTEM is reported as the class of the errno behind it, as
 * CPython does. The gethostby* lookups fail with NS_ERR_HERROR carrying
 * h_errno ("[Errno 1] Unknown host").
 *
 * Only ns_getaddrinfo() allocates, and only what getaddrinfo(3) itself
 * allocates: ns_addrinfo_free() releases it. Every other lookup writes
 * into buffers the caller provides.
 *
 * @defgroup resolve Name resolution
 * @{
 */
#ifndef NETSOCK_RESOLVE_H
#define NETSOCK_RESOLVE_H

#include <stdbool.h>
#include <stddef.h>

#include <netsock/addr.h>
#include <netsock/error.h>
#include <netsock/export.h>

NS_BEGIN_DECL

/* ---- getaddrinfo --------------------------------------------------------- */

/**
 * One result of ns_getaddrinfo(), and the list it starts. Opaque: read it
 * with the ns_addrinfo_* accessors, walk it with ns_addrinfo_next(), free
 * the whole list with ns_addrinfo_free().
 */
typedef struct ns_addrinfo ns_addrinfo;

/**
 * Resolve a host and a service into the addresses to connect or bind to.
 *
 * The list comes back in the order getaddrinfo(3) sorts it (RFC 6724), and
 * the hints go through unchanged, as Python passes them.
 *
 * @code
 * ns_addrinfo *list;
 * if (ns_getaddrinfo(&list, "localhost", "80", AF_UNSPEC, SOCK_STREAM, 0,
 *                    0) == NS_OK) {
 *   for (const ns_addrinfo *ai = list; ai; ai = ns_addrinfo_next(ai)) {
 *     ns_addr a = ns_addrinfo_addr(ai);
 *     ...
 *   }
 *   ns_addrinfo_free(list);
 * }
 * @endcode
 *
 * @param[out] out the first result; set to NULL on failure.
 * @param host a name, a numeric address, or NULL (with AI_PASSIVE the
 *        wildcard address, else loopback).
 * @param port a service name ("http") or a number as text ("80"), or NULL.
 * @param family AF_UNSPEC, AF_INET or AF_INET6.
 * @param type SOCK_STREAM, SOCK_DGRAM, ... or 0 for any.
 * @param proto a protocol number or 0 for any.
 * @param flags AI_* flags (AI_PASSIVE, AI_CANONNAME, AI_NUMERICHOST, ...).
 * @return NS_OK; NS_ERR_GAIERROR with the EAI_* code ("[Errno -2] Name or
 *         service not known", "[Errno -8] Servname not supported for
 *         ai_socktype", "[Errno -1] Bad value for ai_flags"); the errno's
 *         class for EAI_SYSTEM; NS_ERR_VALUE when `out` is NULL.
 * Python: `socket.getaddrinfo(host, port, family, type, proto, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getaddrinfo(ns_addrinfo **out, const char *host,
                                const char *port, int family, int type,
                                int proto, int flags);

/**
 * Free a whole list from ns_getaddrinfo().
 * @param list the first result, or NULL (then nothing happens).
 * @since 1.0
 */
NS_EXTERN void ns_addrinfo_free(ns_addrinfo *list);

/**
 * Step to the next result of the list.
 * @param ai a result, or NULL.
 * @return the next result; NULL after the last, and for NULL.
 * @since 1.0
 */
NS_EXTERN const ns_addrinfo *ns_addrinfo_next(const ns_addrinfo *ai);

/**
 * The address family of a result.
 * @param ai a result, or NULL.
 * @return AF_INET, AF_INET6, ...; -1 for NULL.
 * Python: `family` of the 5-tuple
 * @since 1.0
 */
NS_EXTERN int ns_addrinfo_family(const ns_addrinfo *ai);

/**
 * The socket type of a result.
 * @param ai a result, or NULL.
 * @return SOCK_STREAM, SOCK_DGRAM, ...; -1 for NULL.
 * Python: `type` of the 5-tuple
 * @since 1.0
 */
NS_EXTERN int ns_addrinfo_socktype(const ns_addrinfo *ai);

/**
 * The protocol of a result.
 * @param ai a result, or NULL.
 * @return IPPROTO_TCP, IPPROTO_UDP, ...; -1 for NULL.
 * Python: `proto` of the 5-tuple
 * @since 1.0
 */
NS_EXTERN int ns_addrinfo_proto(const ns_addrinfo *ai);

/**
 * The canonical name of the host, which getaddrinfo(3) sets on the first
 * result when AI_CANONNAME was asked for.
 * @param ai a result, or NULL.
 * @return the name, valid until the list is freed; "" when there is none
 *         (and for NULL). Never NULL.
 * Python: `canonname` of the 5-tuple
 * @since 1.0
 */
NS_EXTERN const char *ns_addrinfo_canonname(const ns_addrinfo *ai);

/**
 * The address of a result, as a value to keep.
 * @param ai a result, or NULL.
 * @return the address, port included; an empty address (len 0) for NULL.
 * Python: `sockaddr` of the 5-tuple
 * @since 1.0
 */
NS_EXTERN ns_addr ns_addrinfo_addr(const ns_addrinfo *ai);

/**
 * Look up the host and service names of an address.
 *
 * @param addr an IPv4 or IPv6 address.
 * @param flags NI_* flags (NI_NUMERICHOST, NI_NUMERICSERV, NI_NAMEREQD,
 *        NI_DGRAM, ...).
 * @param[out] host where the host name goes, or NULL not to look it up;
 *        NI_MAXHOST bytes always suffice.
 * @param host_size the size of `host`.
 * @param[out] serv where the service name goes, or NULL not to look it up;
 *        NI_MAXSERV bytes always suffice.
 * @param serv_size the size of `serv`.
 * @return NS_OK; NS_ERR_GAIERROR ("[Errno -1] Bad value for ai_flags",
 *         "[Errno -2] Name or service not known" with NI_NAMEREQD);
 *         NS_ERR_OVERFLOW when a buffer is too small (neither is written);
 *         NS_ERR_VALUE for an empty address or when both outputs are NULL.
 * Python: `socket.getnameinfo(sockaddr, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getnameinfo(const ns_addr *addr, int flags, char *host,
                                size_t host_size, char *serv, size_t serv_size);

/* ---- host names --------------------------------------------------------- */

/**
 * The name of this machine.
 * @param[out] buf where the name and its NUL go.
 * @param size the size of `buf`.
 * @return NS_OK; NS_ERR_OS ENAMETOOLONG "[Errno 36] File name too long"
 *         when `buf` is too small; NS_ERR_VALUE for a NULL buffer.
 * Python: `socket.gethostname()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_gethostname(char *buf, size_t size);

/**
 * The IPv4 address of a host, as text.
 *
 * As in Python, a dotted quad is returned as it is, "" gives "0.0.0.0" and
 * "<broadcast>" "255.255.255.255", without a lookup; anything else is
 * resolved with getaddrinfo(3) for IPv4.
 *
 * @param host the host; not NULL.
 * @param[out] buf where the address and its NUL go; INET_ADDRSTRLEN bytes
 *        always suffice.
 * @param size the size of `buf`.
 * @return NS_OK; NS_ERR_GAIERROR ("[Errno -2] Name or service not known",
 *         "[Errno -9] Address family for hostname not supported" for an
 *         IPv6-only name); NS_ERR_OVERFLOW when `buf` is too small (nothing
 *         is written); NS_ERR_VALUE for a NULL argument.
 * Python: `socket.gethostbyname(host)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_gethostbyname(const char *host, char *buf, size_t size);

/**
 * What gethostbyname_ex() and gethostbyaddr() find: Python's `(hostname,
 * aliaslist, ipaddrlist)`. Every pointer points into the buffer the caller
 * passed, so the result lives as long as that buffer.
 */
typedef struct ns_hostent {
  /** The primary name of the host. */
  const char *name;
  /** Its other names; NULL-terminated, possibly empty. */
  const char *const *aliases;
  /** Its addresses as text ("127.0.0.1", "::1"); NULL-terminated. */
  const char *const *addrs;
  /** The family of the addresses: AF_INET or AF_INET6. */
  int family;
} ns_hostent;

/**
 * Buffer size that holds the result of any ordinary lookup; a host with
 * very many names or addresses may need more.
 */
#define NS_HOSTENT_BUFSIZE 4096

/**
 * The primary name, aliases and IPv4 addresses of a host.
 *
 * `host` is first read as Python does (a dotted quad, "", "<broadcast>",
 * else resolved for IPv4), then looked up with gethostbyname_r(3).
 *
 * @param host the host; not NULL.
 * @param[out] out the result, pointing into `buf`.
 * @param[out] buf storage for the result.
 * @param size the size of `buf`; NS_HOSTENT_BUFSIZE is plenty.
 * @return NS_OK; NS_ERR_GAIERROR when `host` does not resolve;
 *         NS_ERR_HERROR with h_errno ("[Errno 1] Unknown host");
 *         NS_ERR_OVERFLOW when `buf` is too small; NS_ERR_VALUE for a NULL
 *         argument.
 * Python: `socket.gethostbyname_ex(host)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_gethostbyname_ex(const char *host, ns_hostent *out,
                                     char *buf, size_t size);

/**
 * The primary name, aliases and addresses of the host at an address: a
 * reverse lookup with gethostbyaddr_r(3).
 *
 * @param ip an IPv4 or IPv6 address as text, or a name, which is resolved
 *        first (as in Python).
 * @param[out] out the result, pointing into `buf`.
 * @param[out] buf storage for the result.
 * @param size the size of `buf`; NS_HOSTENT_BUFSIZE is plenty.
 * @return NS_OK; NS_ERR_GAIERROR when a name does not resolve;
 *         NS_ERR_HERROR with h_errno ("[Errno 1] Unknown host") when the
 *         address has no name; NS_ERR_OVERFLOW when `buf` is too small;
 *         NS_ERR_VALUE for a NULL argument.
 * Python: `socket.gethostbyaddr(ip_address)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_gethostbyaddr(const char *ip, ns_hostent *out, char *buf,
                                  size_t size);

/**
 * A fully qualified name for `name`, as Python's getfqdn() finds it: ""
 * (and "0.0.0.0", "::") mean this machine; the first name with a dot among
 * the primary name and aliases of a reverse lookup wins, else the primary
 * name; when the lookup fails, `name` itself is the answer. Leading and
 * trailing white space is ignored.
 *
 * @param name the name; not NULL.
 * @param[out] buf where the name and its NUL go.
 * @param size the size of `buf`; NI_MAXHOST always suffices.
 * @return NS_OK (a failed lookup is not an error); NS_ERR_OVERFLOW when
 *         `buf` is too small (nothing is written); NS_ERR_OS when the
 *         machine's own name cannot be read; NS_ERR_VALUE for a NULL
 *         argument.
 * Python: `socket.getfqdn(name)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getfqdn(const char *name, char *buf, size_t size);

/* ---- services and protocols ---------------------------------------------- */

/**
 * The port of a service.
 * @param name the service ("http").
 * @param proto "tcp", "udp", or NULL for any.
 * @param[out] port_out the port, in host byte order.
 * @return NS_OK; NS_ERR_OS "service/proto not found" (errno 0);
 *         NS_ERR_VALUE for a NULL argument.
 * Python: `socket.getservbyname(servicename, protocolname)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getservbyname(const char *name, const char *proto,
                                  int *port_out);

/**
 * The name of the service on a port.
 * @param port 0 to 65535.
 * @param proto "tcp", "udp", or NULL for any.
 * @param[out] buf where the name and its NUL go.
 * @param size the size of `buf`.
 * @return NS_OK; NS_ERR_OS "port/proto not found" (errno 0);
 *         NS_ERR_OVERFLOW "getservbyport: port must be 0-65535." or when
 *         `buf` is too small; NS_ERR_VALUE for a NULL argument.
 * Python: `socket.getservbyport(port, protocolname)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getservbyport(int port, const char *proto, char *buf,
                                  size_t size);

/**
 * The number of a protocol.
 * @param name the protocol ("tcp", "udp", "icmp").
 * @param[out] proto_out its number.
 * @return NS_OK; NS_ERR_OS "protocol not found" (errno 0); NS_ERR_VALUE for
 *         a NULL argument.
 * Python: `socket.getprotobyname(protocolname)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getprotobyname(const char *name, int *proto_out);

/* ---- packed addresses ---------------------------------------------------- */

/**
 * Convert an IP address from text to its packed form (network byte order).
 *
 * @param family AF_INET or AF_INET6.
 * @param text the address; not NULL.
 * @param[out] buf where the 4 or 16 bytes go.
 * @param size the size of `buf`.
 * @return NS_OK; NS_ERR_OS "illegal IP address string passed to inet_pton"
 *         (errno 0) for bad text; NS_ERR_OS EAFNOSUPPORT "[Errno 97]
 *         Address family not supported by protocol" for another family;
 *         NS_ERR_OVERFLOW when `buf` is too small; NS_ERR_VALUE for NULL.
 * Python: `socket.inet_pton(address_family, ip_string)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_inet_pton(int family, const char *text, void *buf,
                              size_t size);

/**
 * Convert a packed IP address to text.
 *
 * @param family AF_INET or AF_INET6.
 * @param packed the address bytes.
 * @param len their number: 4 for AF_INET, 16 for AF_INET6.
 * @param[out] buf where the text and its NUL go; INET6_ADDRSTRLEN bytes
 *        always suffice.
 * @param size the size of `buf`.
 * @return NS_OK; NS_ERR_VALUE "invalid length of packed IP address string"
 *         or "unknown address family N", or for NULL; NS_ERR_OVERFLOW when
 *         `buf` is too small (nothing is written).
 * Python: `socket.inet_ntop(address_family, packed_ip)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_inet_ntop(int family, const void *packed, size_t len,
                              char *buf, size_t size);

NS_END_DECL

/** @} */
#endif /* NETSOCK_RESOLVE_H */

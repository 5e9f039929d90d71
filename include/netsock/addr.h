/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/addr.h
 * @brief ns_addr: one value type for IPv4, IPv6 and AF_UNIX addresses.
 *
 * An ns_addr is a plain value: keep it on the stack, copy it with `=`. No
 * call allocates to hand one back. It stands for Python's address objects:
 * the `(host, port)` tuple of AF_INET, the `(host, port, flowinfo,
 * scope_id)` tuple of AF_INET6, and the path (or abstract name) of AF_UNIX.
 *
 * @defgroup addr Addresses
 * @{
 */
#ifndef NETSOCK_ADDR_H
#define NETSOCK_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include <netsock/error.h>
#include <netsock/export.h>
#include <netsock/system.h>

NS_BEGIN_DECL

/**
 * An address. The layout is the OS's sockaddr and is part of the ABI: `len`
 * is the meaningful length of `u`, 0 for an empty (unset) address.
 *
 * A constructor that fails leaves the address empty, and an operation
 * given it fails with the constructor's class, errno and message
 * (docs/errors.md). An address filled in by hand needs a `len` that fits
 * its family; ns_addr_format(), ns_addr_host(), ns_addr_port(),
 * ns_addr_equal(), ns_create_server() and ns_create_connection_addrs()
 * refuse one that does not (ValueError, -1, false), as do bind, connect,
 * sendmsg, sendmmsg and getnameinfo; sendto, on the hot path, leaves the
 * check to the kernel (EINVAL).
 */
typedef struct ns_addr {
  /** The address, read through the member of its family. */
  union {
    struct sockaddr sa;
    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    struct sockaddr_un un;
    struct sockaddr_storage storage;
  } u;
  /** How many bytes of `u` are meaningful; 0 for an empty address. */
  socklen_t len;
} ns_addr;

/* clang-format off */
/** An empty address, for initialising a variable. */
#define NS_ADDR_INIT {{{0, {0}}}, 0}
/* clang-format on */

/**
 * Buffer size that fits the text of any address ns_addr_format() writes,
 * terminating NUL included.
 */
#define NS_ADDR_STRLEN 512

/**
 * Make an IPv4 address from a host and a port, as Python reads the
 * `(host, port)` tuple of an AF_INET socket.
 *
 * `host` is a dotted quad, "" for INADDR_ANY, "<broadcast>" for
 * INADDR_BROADCAST, or a name, which is resolved for IPv4.
 *
 * @param[out] out the address.
 * @param host the host; not NULL.
 * @param port 0 to 65535.
 * @return NS_OK; NS_ERR_OVERFLOW "port must be 0-65535." for a port out of
 *         range; NS_ERR_GAIERROR when the name does not resolve;
 *         NS_ERR_VALUE for a NULL argument.
 * Python: `(host, port)` for AF_INET
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_inet(ns_addr *out, const char *host, int port);

/**
 * Make an IPv6 address from a host, a port, flowinfo and a scope id, as
 * Python reads the `(host, port, flowinfo, scope_id)` tuple of AF_INET6.
 *
 * `host` is a numeric IPv6 address, optionally with `%zone` (an interface
 * name or number, which then sets the scope id), "" for in6addr_any, or a
 * name, which is resolved for IPv6.
 *
 * @param[out] out the address.
 * @param host the host; not NULL.
 * @param port 0 to 65535.
 * @param flowinfo 0 to 0xfffff.
 * @param scope_id the interface index, or 0.
 * @return NS_OK; NS_ERR_OVERFLOW for a port or flowinfo out of range
 *         (Python's messages); NS_ERR_GAIERROR when the host does not
 *         resolve, which includes text that is no numeric address
 *         ("[::1]", an unknown zone), as in Python; an OS error (EMFILE)
 *         when a zone name cannot be looked up; NS_ERR_VALUE for a NULL
 *         argument. On failure `out` is left empty (see ns_addr).
 * Python: `(host, port, flowinfo, scope_id)` for AF_INET6
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_inet6(ns_addr *out, const char *host, int port,
                               uint32_t flowinfo, uint32_t scope_id);

/**
 * Make an AF_UNIX address from a filesystem path.
 *
 * @param[out] out the address.
 * @param path the path; not NULL.
 * @return NS_OK; NS_ERR_OS "AF_UNIX path too long" when the path and its
 *         NUL do not fit in sun_path; NS_ERR_VALUE for a NULL argument.
 * Python: a `str` address of an AF_UNIX socket
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_unix(ns_addr *out, const char *path);

/**
 * Make a Linux abstract AF_UNIX address (a name outside the filesystem).
 *
 * @param[out] out the address.
 * @param name the name, without the leading NUL; may hold any bytes.
 * @param len the length of `name` in bytes.
 * @return NS_OK; NS_ERR_OS "AF_UNIX path too long" when the name does not
 *         fit; NS_ERR_VALUE for a NULL name with a non-zero length.
 * Python: a `bytes` address starting with b'\0'
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_unix_abstract(ns_addr *out, const void *name,
                                       size_t len);

/**
 * Parse an address from text: "127.0.0.1:80", "[::1]:80",
 * "[fe80::1%lo]:80", "/run/app.sock" (any text starting with '/' or '.')
 * and "\@name" for an abstract AF_UNIX name, in which a backslash, 'x' and
 * two hex digits stand for one byte and two backslashes for one. Hosts
 * must be numeric: this call never resolves names.
 *
 * @param[out] out the address.
 * @param text NUL-terminated text; not NULL.
 * @return NS_OK; NS_ERR_VALUE naming what is wrong with the text;
 *         NS_ERR_OVERFLOW for a port out of range; NS_ERR_OS "AF_UNIX path
 *         too long".
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_parse(ns_addr *out, const char *text);

/**
 * ns_addr_parse() for text that is not NUL-terminated.
 *
 * @param[out] out the address.
 * @param text the text; may be NULL only when `len` is 0.
 * @param len the length of `text` in bytes.
 * @return as ns_addr_parse(); NS_ERR_VALUE for a NUL byte inside an IP
 *         address.
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_parse_n(ns_addr *out, const char *text, size_t len);

/**
 * Format an address as text that ns_addr_parse() reads back, except for
 * what it cannot name: a relative AF_UNIX path that starts with neither
 * '/' nor '.', and an unnamed AF_UNIX socket ("").
 *
 * IPv4 as "1.2.3.4:80", IPv6 as "[::1]:80" or "[fe80::1%lo]:80", AF_UNIX
 * paths as they are, abstract names with non-printable bytes
 * escaped ("\@name"), and an unnamed AF_UNIX socket as "".
 *
 * @param addr the address.
 * @param[out] buf where the text and its NUL go.
 * @param size the size of `buf`; NS_ADDR_STRLEN always suffices.
 * @return NS_OK; NS_ERR_OVERFLOW when `buf` is too small, in which case
 *         nothing at all is written to it; NS_ERR_VALUE for an empty address,
 *         an unknown family or a NULL argument.
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_format(const ns_addr *addr, char *buf, size_t size);

/**
 * Make an address from raw sockaddr bytes, checking them.
 *
 * @param[out] out the address.
 * @param sa the sockaddr; may be NULL only when `len` is 0.
 * @param len its length in bytes.
 * @return NS_OK; NS_ERR_VALUE when the length does not fit the family, or
 *         the family is not AF_INET, AF_INET6 or AF_UNIX.
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_from_sockaddr(ns_addr *out, const struct sockaddr *sa,
                                       size_t len);

/**
 * The address family.
 * @param addr the address, or NULL.
 * @return AF_INET, AF_INET6, AF_UNIX, or AF_UNSPEC for an empty address or
 *         NULL.
 * @since 1.0
 */
NS_EXTERN int ns_addr_family(const ns_addr *addr);

/**
 * The port of an IPv4 or IPv6 address.
 * @param addr the address, or NULL.
 * @return the port, or -1 for other families, an empty address or NULL.
 * Python: `addr[1]`
 * @since 1.0
 */
NS_EXTERN int ns_addr_port(const ns_addr *addr);

/**
 * The host part as text: the numeric IP address (with "%zone" for a scoped
 * IPv6 address), or the AF_UNIX path.
 *
 * @param addr the address.
 * @param[out] buf where the text and its NUL go.
 * @param size the size of `buf`.
 * @return NS_OK; NS_ERR_OVERFLOW when `buf` is too small (nothing is
 *         written); NS_ERR_VALUE for an empty address or a NULL argument.
 * Python: `addr[0]`
 * @since 1.0
 */
NS_EXTERN ns_err ns_addr_host(const ns_addr *addr, char *buf, size_t size);

/**
 * Whether two addresses are the same family, host, port (and for IPv6,
 * flowinfo and scope id) or the same AF_UNIX name.
 * @param a an address, or NULL.
 * @param b an address, or NULL.
 * @return true when they are equal; two empty addresses are equal.
 * @since 1.0
 */
NS_EXTERN bool ns_addr_equal(const ns_addr *a, const ns_addr *b);

NS_END_DECL

/** @} */
#endif /* NETSOCK_ADDR_H */

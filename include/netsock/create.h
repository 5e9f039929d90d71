/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/create.h
 * @brief The convenience layer: create_connection (with Happy Eyeballs),
 *        create_server, has_ipv6 and has_dualstack_ipv6.
 *
 * These calls are built only from the public API, as Python's
 * `socket.create_connection` is written in Lib/socket.py on top of
 * `_socket`.
 *
 * @defgroup create Connections and servers in one call
 * @{
 */
#ifndef NETSOCK_CREATE_H
#define NETSOCK_CREATE_H

#include <stdbool.h>
#include <stddef.h>

#include <netsock/addr.h>
#include <netsock/error.h>
#include <netsock/export.h>
#include <netsock/socket.h>

NS_BEGIN_DECL

/**
 * The timeout value that means "the default timeout": what
 * ns_getdefaulttimeout() says when the call starts. Python's
 * `socket._GLOBAL_DEFAULT_TIMEOUT`.
 */
#define NS_TIMEOUT_DEFAULT (-2.0)

/** The size of ns_connect_error's message, NUL included. */
#define NS_CONNECT_ERROR_MESSAGE_SIZE 128

/** Why one connection attempt of ns_create_connection() failed. */
typedef struct ns_connect_error {
  /** The address the attempt was made to. */
  ns_addr addr;
  /** The error class, as the failing call returned it. */
  ns_err code;
  /** The errno (0 for a library timeout), as ns_error_last_errno(). */
  int sys_errno;
  /** The failing operation: "connect", "socket", "bind". */
  const char *operation;
  /** Python's `str(exc)`, cut to fit: "[Errno 111] Connection refused". */
  char message[NS_CONNECT_ERROR_MESSAGE_SIZE];
} ns_connect_error;

/**
 * Where ns_create_connection() reports every failed attempt, as Python
 * 3.11's `all_errors=True` collects them into an ExceptionGroup. The
 * caller owns the array; nothing is allocated.
 */
typedef struct ns_connect_errors {
  /** The caller's array. */
  ns_connect_error *items;
  /** Its length. */
  size_t size;
  /** Out: how many attempts failed and are stored, in the order they
      failed (at most `size`). */
  size_t count;
  /** Out: how many more failed but did not fit. */
  size_t dropped;
} ns_connect_errors;

/** The version of ns_create_connection_options this header describes. */
#define NS_CREATE_CONNECTION_OPTIONS_VERSION 1

/**
 * Options of ns_create_connection(). Start from
 * NS_CREATE_CONNECTION_OPTIONS_INIT and set the fields you need, so that a
 * program built against this header keeps working when fields are added.
 */
typedef struct ns_create_connection_options {
  /** NS_CREATE_CONNECTION_OPTIONS_VERSION. */
  unsigned int version;
  /**
   * Seconds for the whole call, resolution and every attempt included,
   * and the timeout of the socket returned: NS_TIMEOUT_DEFAULT (the
   * default), NS_TIMEOUT_NONE (no limit), 0 (non-blocking: each address
   * gets one connect(2) that must complete at once) or a positive number.
   */
  double timeout;
  /** The local address to bind before connecting, or NULL. */
  const ns_addr *source_address;
  /**
   * Happy Eyeballs' "Connection Attempt Delay" (RFC 8305): seconds to wait
   * for an attempt before the next address is tried beside it. 0.25 by
   * default; RFC 8305 advises 0.1 to 2. NS_TIMEOUT_NONE tries one address
   * at a time, as Python does.
   */
  double attempt_delay;
  /** Where every failed attempt is reported, or NULL. */
  ns_connect_errors *all_errors;
} ns_create_connection_options;

/* clang-format off */
/** Default options: Python's defaults and a 250 ms attempt delay. */
#define NS_CREATE_CONNECTION_OPTIONS_INIT                                      \
  {NS_CREATE_CONNECTION_OPTIONS_VERSION, NS_TIMEOUT_DEFAULT, NULL, 0.25, NULL}
/* clang-format on */

/**
 * Connect a TCP socket to a host and port: what Python's
 * create_connection() does, with Happy Eyeballs v2 (RFC 8305).
 *
 * The host is resolved for both families; the addresses are tried with the
 * families interleaved, starting with the first one getaddrinfo(3) gives.
 * When an attempt has neither succeeded nor failed after the attempt delay,
 * the next address is tried beside it, and when one fails the next starts
 * at once. The first connection made wins; the others are closed. One
 * deadline, the timeout, covers the name lookup and every attempt; a
 * lookup of a name (not a numeric address) runs on a thread so that the
 * deadline can cut it short: one thread per name in flight, at most four
 * at once, none left running once the call has its answer
 * (docs/resolve.md). The call can be cancelled (pthread_cancel) only while
 * it waits, and then leaves no socket behind.
 *
 * When every attempt fails, the error returned and the last-error record
 * are those of the attempt that failed last (Python's default), with
 * Python's message ("[Errno 111] Connection refused");
 * ns_error_last_address() gives the address that attempt was for.
 * `all_errors` gets every attempt's address and error.
 *
 * @param[out] out the connected socket, whose timeout is `timeout`; NULL
 *        on failure.
 * @param host a name or a numeric address; NULL for loopback.
 * @param port 0 to 65535.
 * @param opts options, or NULL for the defaults.
 * @return NS_OK; the error of the last failed attempt
 *         (NS_ERR_CONNECTION_REFUSED, NS_ERR_TIMEOUT "timed out",
 *         NS_ERR_OS ENETUNREACH, ...); NS_ERR_TIMEOUT "timed out" when the
 *         deadline passes during the lookup; NS_ERR_GAIERROR; NS_ERR_OS
 *         "can't start new thread" when no lookup thread can be made
 *         (Python's RuntimeError); NS_ERR_OVERFLOW "create_connection():
 *         port must be 0-65535."; NS_ERR_VALUE for bad options or a NULL
 *         `out`.
 * Python: `socket.create_connection((host, port), timeout, source_address,
 *         all_errors=...)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_create_connection(ns_socket **out, const char *host,
                                      int port,
                                      const ns_create_connection_options *opts);

/**
 * ns_create_connection() over addresses the caller already has (from its
 * own resolver, say): the same Happy Eyeballs race, with the families
 * interleaved starting with the family of `addrs[0]`.
 *
 * @param[out] out the connected socket; NULL on failure.
 * @param addrs the addresses.
 * @param n how many; at least one.
 * @param opts options, or NULL for the defaults.
 * @return as ns_create_connection(); NS_ERR_VALUE for no addresses or an
 *         empty one.
 * @since 1.0
 */
NS_EXTERN ns_err
ns_create_connection_addrs(ns_socket **out, const ns_addr *addrs, size_t n,
                           const ns_create_connection_options *opts);

/**
 * Connect a TCP socket to a host and port within `timeout` seconds: the
 * common case of ns_create_connection() in one call, with every other
 * option at its default. The same as setting `timeout` in
 * NS_CREATE_CONNECTION_OPTIONS_INIT and calling ns_create_connection().
 *
 * @param[out] out the connected socket, whose timeout is `timeout`; NULL
 *        on failure.
 * @param host a name or a numeric address; NULL for loopback.
 * @param port 0 to 65535.
 * @param timeout seconds for the lookup and every attempt together, and
 *        the timeout of the socket returned: a positive number, 0,
 *        NS_TIMEOUT_NONE or NS_TIMEOUT_DEFAULT.
 * @return as ns_create_connection(); NS_ERR_VALUE "Timeout value out of
 *         range" for a negative timeout other than the two constants,
 *         "Invalid value NaN (not a number)" for a NaN.
 * Python: `socket.create_connection((host, port), timeout)`
 * @since 1.1
 */
NS_EXTERN ns_err ns_create_connection_timeout(ns_socket **out, const char *host,
                                              int port, double timeout);

/** The version of ns_create_server_options this header describes. */
#define NS_CREATE_SERVER_OPTIONS_VERSION 1

/** Options of ns_create_server(); start from NS_CREATE_SERVER_OPTIONS_INIT. */
typedef struct ns_create_server_options {
  /** NS_CREATE_SERVER_OPTIONS_VERSION. */
  unsigned int version;
  /** The listen backlog; negative for Python's default, min(SOMAXCONN,
      128). */
  int backlog;
  /** Set SO_REUSEPORT, so that several sockets can listen on the port. */
  bool reuse_port;
  /** For an AF_INET6 address: accept IPv4 connections too (IPV6_V6ONLY
      off). */
  bool dualstack_ipv6;
} ns_create_server_options;

/* clang-format off */
/** Default options: Python's. */
#define NS_CREATE_SERVER_OPTIONS_INIT                                          \
  {NS_CREATE_SERVER_OPTIONS_VERSION, -1, false, false}
/* clang-format on */

/**
 * Make a TCP socket bound to `addr` and listening: Python's
 * create_server().
 *
 * As in Python: SO_REUSEADDR is set (a failure to set it is ignored);
 * an AF_INET6 socket gets IPV6_V6ONLY, unless `dualstack_ipv6` asks for
 * IPv4 connections too; a bind failure names the address, "[Errno 98]
 * Address already in use (while attempting to bind on address
 * ('127.0.0.1', 8080))". The socket has the default timeout.
 *
 * @param[out] out the listening socket; NULL on failure.
 * @param addr the address to bind; its family is the socket's.
 * @param opts options, or NULL for the defaults.
 * @return NS_OK; NS_ERR_OS (EADDRINUSE, EADDRNOTAVAIL, with the address in
 *         the message); NS_ERR_PERMISSION; NS_ERR_VALUE "dualstack_ipv6
 *         requires AF_INET6 family", "dualstack_ipv6 not supported on this
 *         platform", bad options, an empty address or a NULL argument.
 * Python: `socket.create_server(address, family=..., backlog=...,
 *         reuse_port=..., dualstack_ipv6=...)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_create_server(ns_socket **out, const ns_addr *addr,
                                  const ns_create_server_options *opts);

/**
 * Whether IPv6 sockets can be made here, found by making one. Unlike
 * Python's constant `socket.has_ipv6`, this asks the running system. When
 * the probe cannot tell (no descriptor or memory left) the answer is the
 * one an earlier probe in this process learned, or true, Python's
 * constant; the last-error record still says why the probe failed.
 * @return false when the system has no IPv6 (EAFNOSUPPORT); true when an
 *         AF_INET6 socket can be created.
 * Python: `socket.has_ipv6`
 * @since 1.0
 */
NS_EXTERN bool ns_has_ipv6(void);

/**
 * Whether one AF_INET6 socket can accept both IPv4 and IPv6 connections
 * (IPV6_V6ONLY can be turned off). False when the probe fails, with the
 * reason in the last-error record.
 * @return true when dual-stack sockets work.
 * Python: `socket.has_dualstack_ipv6()`
 * @since 1.0
 */
NS_EXTERN bool ns_has_dualstack_ipv6(void);

NS_END_DECL

/** @} */
#endif /* NETSOCK_CREATE_H */

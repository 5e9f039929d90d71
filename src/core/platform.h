/* SPDX-License-Identifier: MIT */
/*
 * The narrow interface between the platform-neutral core (core/) and a
 * platform backend (unix/ for POSIX systems, win/ for Winsock). Each
 * backend implements every call here; the core never names a platform, it
 * asks ns_config.h's feature macros. Hot-path calls a backend makes inline
 * live in its own os.h.
 */
#ifndef NETSOCK_PLATFORM_H
#define NETSOCK_PLATFORM_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "netsock/netsock.h"
#include "ns_config.h"

/* The system's networking headers, for the core and for every backend. */
#if NS_WINSOCK
#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>
#include <iphlpapi.h>
typedef ADDRESS_FAMILY sa_family_t;
#else
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#endif

/* A failed socket call, recorded with the system's reason for it:
   WSAGetLastError() on Windows, errno elsewhere. */
#if NS_WINSOCK
#define ns__fail_sock(op) ns__fail_winerror((op), WSAGetLastError())
#else
#define ns__fail_sock(op) ns__fail_errno((op), errno)
#endif

/* A socket error code the system handed back as a value (SO_ERROR),
   recorded: a Winsock code on Windows, an errno elsewhere. */
#if NS_WINSOCK
#define ns__fail_sock_code(op, code) ns__fail_winerror((op), (code))
#else
#define ns__fail_sock_code(op, code) ns__fail_errno((op), (code))
#endif

/* What socket() fails with for a family or a protocol the system lacks,
   as ns_error_last_errno() gives it. */
#if NS_WINSOCK
#define NS__NO_FAMILY WSAEAFNOSUPPORT
#define NS__NO_PROTOCOL WSAEPROTONOSUPPORT
#else
#define NS__NO_FAMILY EAFNOSUPPORT
#define NS__NO_PROTOCOL EPROTONOSUPPORT
#endif

/* What a non-blocking connect still under way fails with, as
   ns_error_last_errno() gives it: EINPROGRESS, or Winsock's
   WSAEWOULDBLOCK. */
#if NS_WINSOCK
#define NS__CONNECT_IN_PROGRESS WSAEWOULDBLOCK
#else
#define NS__CONNECT_IN_PROGRESS EINPROGRESS
#endif

/* ---- sockets: what each backend gives the core's socket calls ---------- */

/* A new socket: close-on-exec (on Windows: not inherited by child
   processes), non-blocking if asked. NS_INVALID_SOCKET on failure, the
   reason for ns__fail_sock(). */
ns_os_socket ns__os_socket(int family, int type, int proto, bool nonblocking);

/* accept(2), the new socket as ns__os_socket() makes it. */
ns_os_socket ns__os_accept(ns_os_socket fd, struct sockaddr *addr,
                           socklen_t *len, bool nonblocking);

/* Close a socket: 0, or the error worth reporting (EINTR, after which
   Linux has released the descriptor, and ECONNRESET, which Python ignores,
   are not). */
int ns__os_close(ns_os_socket fd);

/* The reason the last socket call failed: errno, or WSAGetLastError(). */
#if NS_WINSOCK
#define ns__sock_errno() WSAGetLastError()
#define NS__SOCK_EINTR WSAEINTR
#define NS__SOCK_EWOULDBLOCK WSAEWOULDBLOCK
#else
#define ns__sock_errno() errno
#define NS__SOCK_EINTR EINTR
#define NS__SOCK_EWOULDBLOCK EWOULDBLOCK
#endif

/* A socket's slot in a table indexed by socket (the poller's), and
   whether a value is a socket at all. Windows hands out socket handles
   in multiples of 4. */
#if NS_WINSOCK
#define NS__SOCKET_INDEX(fd) ((size_t)(fd) / 4)
#define NS__SOCKET_VALID(fd) ((fd) != INVALID_SOCKET)
#else
#define NS__SOCKET_INDEX(fd) ((size_t)(fd))
#define NS__SOCKET_VALID(fd) ((fd) >= 0)
#endif

/* The longest option or address length a socket call takes: socklen_t
   is unsigned on POSIX systems (half its range, as the kernel checks),
   int on Windows. */
#if NS_WINSOCK
#define NS__SOCKLEN_MAX ((size_t)INT_MAX)
#else
#define NS__SOCKLEN_MAX ((size_t)((socklen_t)-1 / 2))
#endif

/* Whether `fd` is an open socket (the poll poller refuses others, as
   epoll does): 0, or -1 with errno EBADF. */
int ns__os_check_open(ns_os_socket fd);

#if NS_WINSOCK
/* Start Winsock (WSAStartup), once per process, before the first call
   that needs it; a failure is recorded. Python does it on import. */
ns_err ns__net_init(const char *op);
/* poll(2) over sockets, by select(): WSAPoll misses a failed connect on
   Windows before 10 2004. -1 and WSAGetLastError() on failure. */
int ns__os_poll(struct pollfd *fds, size_t n, int timeout_ms);
#else
static inline ns_err ns__net_init(const char *op)
{
  (void)op;
  return NS_OK;
}
static inline int ns__os_poll(struct pollfd *fds, size_t n, int timeout_ms)
{
  return poll(fds, (nfds_t)n, timeout_ms);
}
#endif

/* The English text of an OS error number, as the platform's strerror()
   gives it (Python's message), whatever the locale; NULL if it has none. */
const char *ns__os_strerror(int errnum);

/*
 * The services, protocols and hosts databases. The lookups below fill the
 * caller's struct and scratch buffer where the system has reentrant
 * (_r) lookups; elsewhere they return the system's static result, which
 * stays valid only while the caller holds ns__netdb_lock(). So a caller
 * takes the lock, looks up, copies what it needs, and unlocks.
 */
void ns__netdb_lock(void);
void ns__netdb_unlock(void);
struct servent *ns__os_getservbyname(const char *name, const char *proto,
                                     struct servent *se, char *scratch,
                                     size_t size);
struct servent *ns__os_getservbyport(int port_net, const char *proto,
                                     struct servent *se, char *scratch,
                                     size_t size);
struct protoent *ns__os_getprotobyname(const char *name, struct protoent *pe,
                                       char *scratch, size_t size);
struct hostent *ns__os_gethostbyname(const char *host, struct hostent *h,
                                     char *scratch, size_t size, int *h_err);
struct hostent *ns__os_gethostbyaddr(const void *packed, int len, int family,
                                     struct hostent *h, char *scratch,
                                     size_t size, int *h_err);

#endif /* NETSOCK_PLATFORM_H */

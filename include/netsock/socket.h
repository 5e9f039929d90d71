/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/socket.h
 * @brief The socket handle: its lifecycle, connections, I/O and options.
 *
 * An ns_socket is an opaque handle over one socket descriptor, made by
 * ns_socket_create() or ns_accept() and released by ns_close(). Methods take
 * the handle first and hand results back through trailing out-parameters.
 *
 * Safe defaults, as in Python: every descriptor is close-on-exec from the
 * moment it exists; no send raises SIGPIPE (a write to a closed peer returns
 * NS_ERR_BROKEN_PIPE); a call interrupted by a signal is retried with the
 * time it has left (PEP 475); a NULL handle gives NS_ERR_OS with EBADF,
 * "[Errno 9] Bad file descriptor", as a closed socket does in Python.
 *
 * @defgroup socket Sockets
 * @{
 */
#ifndef NETSOCK_SOCKET_H
#define NETSOCK_SOCKET_H

#include <stddef.h>

#include <netsock/addr.h>
#include <netsock/error.h>
#include <netsock/export.h>

NS_BEGIN_DECL

/** A socket handle. Opaque: made and freed only by the library. */
typedef struct ns_socket ns_socket;

/** The timeout value that means "block forever": Python's `None`. */
#define NS_TIMEOUT_NONE (-1.0)

/* ---- lifecycle --------------------------------------------------------- */

/**
 * Create a socket.
 *
 * The descriptor is close-on-exec (atomically, SOCK_CLOEXEC). The socket
 * starts with the default timeout (ns_setdefaulttimeout()); SOCK_NONBLOCK
 * in `type` gives it timeout 0 instead.
 *
 * @param[out] out the new handle; set to NULL on failure.
 * @param family AF_INET, AF_INET6, AF_UNIX, ...
 * @param type SOCK_STREAM, SOCK_DGRAM, ..., optionally with SOCK_NONBLOCK.
 * @param proto the protocol, usually 0.
 * @return NS_OK; NS_ERR_OS for an unsupported family or type ("[Errno 97]
 *         Address family not supported by protocol") or fd exhaustion
 *         (EMFILE, ENFILE); NS_ERR_PERMISSION; NS_ERR_MEMORY;
 *         NS_ERR_VALUE when `out` is NULL.
 * Python: `socket.socket(family, type, proto)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_socket_create(ns_socket **out, int family, int type,
                                  int proto);

/**
 * Close the socket and free the handle, like fclose(): the handle is gone
 * afterwards, whatever the result. A socket registered with pollers is
 * unregistered from them first (see poller.h).
 *
 * Never close a socket another thread is using: the handle is freed under
 * it, and closing a descriptor does not wake a thread blocked on it in
 * ns_recv() or ns_accept(). To stop such a thread, call ns_shutdown(s,
 * SHUT_RDWR) (or SHUT_RD): the blocked ns_recv() returns 0 bytes, as at
 * the peer's close; then join the thread, and close.
 *
 * @param s the handle, or NULL (then nothing happens).
 * @return NS_OK; NS_ERR_OS when close(2) reports an error (for example EBADF
 *         when the descriptor was closed behind the handle's back).
 * Python: `s.close()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_close(ns_socket *s);

/**
 * The descriptor of the socket.
 * @param s the socket, or NULL.
 * @return the file descriptor (on Windows the SOCKET), or
 *         NS_INVALID_SOCKET (-1 on POSIX systems) for NULL.
 * Python: `s.fileno()`
 * @since 1.0
 */
NS_EXTERN ns_os_socket ns_fileno(const ns_socket *s);

/**
 * The address family the socket was created with.
 * @param s the socket, or NULL.
 * @return AF_INET, AF_INET6, AF_UNIX, ...; -1 for NULL.
 * Python: `s.family`
 * @since 1.0
 */
NS_EXTERN int ns_family(const ns_socket *s);

/**
 * The socket type, without the SOCK_NONBLOCK and SOCK_CLOEXEC flags.
 * @param s the socket, or NULL.
 * @return SOCK_STREAM, SOCK_DGRAM, ...; -1 for NULL.
 * Python: `s.type`
 * @since 1.0
 */
NS_EXTERN int ns_socktype(const ns_socket *s);

/**
 * The protocol number the socket was created with.
 * @param s the socket, or NULL.
 * @return the protocol; -1 for NULL.
 * Python: `s.proto`
 * @since 1.0
 */
NS_EXTERN int ns_proto(const ns_socket *s);

/* ---- connections -------------------------------------------------------- */

/**
 * Bind the socket to a local address.
 *
 * @param s the socket.
 * @param addr the address.
 * @return NS_OK; NS_ERR_OS for EADDRINUSE ("[Errno 98] Address already in
 *         use"), EADDRNOTAVAIL, EINVAL (already bound) or a family
 *         mismatch; NS_ERR_PERMISSION; NS_ERR_FILE_NOT_FOUND for an AF_UNIX
 *         path in a missing directory; NS_ERR_OVERFLOW for an address whose
 *         port was out of range; NS_ERR_VALUE for a NULL or empty address.
 * Python: `s.bind(address)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_bind(ns_socket *s, const ns_addr *addr);

/**
 * Listen for connections.
 *
 * @param s the socket.
 * @param backlog the queue length; negative values count as 0, as in
 *        Python.
 * @return NS_OK; NS_ERR_OS (for example EOPNOTSUPP on a datagram socket).
 * Python: `s.listen(backlog)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_listen(ns_socket *s, int backlog);

/**
 * Accept a connection.
 *
 * The new socket is close-on-exec and has the default timeout, as in
 * Python. It waits at most the listener's timeout.
 *
 * @param s the listening socket.
 * @param[out] conn_out the new connection's handle.
 * @param[out] addr_out the peer's address, or NULL.
 * @return NS_OK; NS_ERR_TIMEOUT "timed out"; NS_ERR_BLOCKING_IO when the
 *         socket is non-blocking and nobody is waiting; NS_ERR_OS (EINVAL
 *         when not listening, EMFILE); NS_ERR_CONNECTION_ABORTED;
 *         NS_ERR_MEMORY; NS_ERR_VALUE when `conn_out` is NULL.
 * Python: `conn, address = s.accept()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_accept(ns_socket *s, ns_socket **conn_out,
                           ns_addr *addr_out);

/**
 * Connect to a remote address, waiting at most the socket's timeout.
 *
 * A connect interrupted by a signal or cut short by the kernel's timer is
 * finished by waiting for its completion, never by calling connect(2)
 * again. After NS_ERR_TIMEOUT the connection attempt may still be in
 * progress: close the socket.
 *
 * @param s the socket.
 * @param addr the address.
 * @return NS_OK; NS_ERR_CONNECTION_REFUSED; NS_ERR_TIMEOUT "timed out";
 *         NS_ERR_BLOCKING_IO ("[Errno 115] Operation now in progress") on a
 *         non-blocking socket; NS_ERR_OS (ENETUNREACH, EADDRNOTAVAIL, ...);
 *         NS_ERR_FILE_NOT_FOUND for a missing AF_UNIX path;
 *         NS_ERR_OVERFLOW or NS_ERR_VALUE for a bad address.
 * Python: `s.connect(address)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_connect(ns_socket *s, const ns_addr *addr);

/**
 * Connect and return the errno instead of an error class.
 *
 * @param s the socket.
 * @param addr the address.
 * @return 0 on success, else the errno: ECONNREFUSED, EINPROGRESS on a
 *         non-blocking socket, EWOULDBLOCK when the timeout expires (as in
 *         Python), EBADF for a NULL handle, EINVAL for an argument Python
 *         would reject with ValueError or OverflowError. The last-error
 *         record is set on failure.
 * Python: `s.connect_ex(address)`
 * @since 1.0
 */
NS_EXTERN int ns_connect_ex(ns_socket *s, const ns_addr *addr);

/**
 * Shut down one or both halves of the connection.
 *
 * This is how to wake a thread blocked in ns_recv() on the socket (which
 * ns_close() does not do): after SHUT_RD or SHUT_RDWR its ns_recv()
 * returns NS_OK with 0 bytes. On Linux that holds for a datagram socket
 * too, though shutdown(2) reports ENOTCONN for one that is not connected.
 *
 * @param s the socket.
 * @param how SHUT_RD, SHUT_WR or SHUT_RDWR.
 * @return NS_OK; NS_ERR_OS: ENOTCONN, or EINVAL "[Errno 22] Invalid
 *         argument" for another `how`, as Python reports it.
 * Python: `s.shutdown(how)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_shutdown(ns_socket *s, int how);

/**
 * The socket's own address.
 * @param s the socket.
 * @param[out] out the address.
 * @return NS_OK; NS_ERR_OS; NS_ERR_VALUE when `out` is NULL.
 * Python: `s.getsockname()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getsockname(ns_socket *s, ns_addr *out);

/**
 * The address of the connected peer.
 * @param s the socket.
 * @param[out] out the address.
 * @return NS_OK; NS_ERR_OS ENOTCONN "[Errno 107] Transport endpoint is not
 *         connected"; NS_ERR_VALUE when `out` is NULL.
 * Python: `s.getpeername()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getpeername(ns_socket *s, ns_addr *out);

/* ---- I/O ---------------------------------------------------------------- */

/**
 * Send some bytes: as many as the kernel takes in one call.
 *
 * MSG_NOSIGNAL is always added: a closed peer gives NS_ERR_BROKEN_PIPE,
 * never SIGPIPE.
 *
 * @param s the socket.
 * @param buf the bytes; may be NULL only when `len` is 0.
 * @param len how many.
 * @param flags MSG_* flags, usually 0.
 * @param[out] sent_out how many were sent, or NULL when the caller does
 *        not need the count (since 1.1).
 * @return NS_OK; NS_ERR_TIMEOUT; NS_ERR_BLOCKING_IO; NS_ERR_BROKEN_PIPE;
 *         NS_ERR_CONNECTION_RESET; NS_ERR_OS (ENOTCONN, EDESTADDRREQ,
 *         EMSGSIZE); NS_ERR_VALUE for a NULL buffer with a non-zero length.
 * Python: `n = s.send(data, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_send(ns_socket *s, const void *buf, size_t len, int flags,
                         size_t *sent_out);

/**
 * Send every byte, or fail.
 *
 * The socket's timeout bounds the whole call, not each partial send.
 *
 * @param s the socket.
 * @param buf the bytes; may be NULL only when `len` is 0.
 * @param len how many.
 * @param flags MSG_* flags, usually 0.
 * @param[out] sent_out how many bytes were sent, also on failure; may be
 *        NULL.
 * @return NS_OK when all `len` bytes were sent; otherwise as ns_send(), and
 *         `*sent_out` tells how far it got.
 * Python: `s.sendall(data, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_sendall(ns_socket *s, const void *buf, size_t len,
                            int flags, size_t *sent_out);

/**
 * Send a datagram to an address.
 *
 * @param s the socket.
 * @param buf the bytes; may be NULL only when `len` is 0.
 * @param len how many.
 * @param flags MSG_* flags, usually 0.
 * @param addr the destination.
 * @param[out] sent_out how many were sent, or NULL when the caller does
 *        not need the count (since 1.1).
 * @return as ns_send(); NS_ERR_OS EMSGSIZE "[Errno 90] Message too long";
 *         NS_ERR_OVERFLOW or NS_ERR_VALUE for a bad address.
 * Python: `n = s.sendto(data, flags, address)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_sendto(ns_socket *s, const void *buf, size_t len, int flags,
                           const ns_addr *addr, size_t *sent_out);

/**
 * Receive up to `len` bytes into `buf`.
 *
 * @param s the socket.
 * @param[out] buf where the bytes go; may be NULL only when `len` is 0.
 * @param len its size.
 * @param flags MSG_* flags (MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT), usually 0.
 * @param[out] received_out how many bytes arrived; 0 with NS_OK means the
 *        peer closed its side (Python's `b''`). May be NULL (since 1.1).
 * @return NS_OK; NS_ERR_TIMEOUT "timed out"; NS_ERR_BLOCKING_IO;
 *         NS_ERR_CONNECTION_RESET; NS_ERR_OS ENOTCONN; NS_ERR_VALUE.
 * Python: `n = s.recv_into(buf, len, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_recv(ns_socket *s, void *buf, size_t len, int flags,
                         size_t *received_out);

/**
 * Receive a datagram and the address it came from.
 *
 * @param s the socket.
 * @param[out] buf where the bytes go; may be NULL only when `len` is 0.
 * @param len its size; the rest of a longer datagram is discarded.
 * @param flags MSG_* flags, usually 0.
 * @param[out] received_out how many bytes arrived, or NULL (since 1.1).
 * @param[out] addr_out the sender, or NULL; empty (len 0) when the kernel
 *        reports none, as for a connected stream, and when the receive
 *        fails (timeout, would block, reset ...: never an earlier
 *        sender). Bad arguments are refused before it is touched.
 * @return as ns_recv().
 * Python: `n, address = s.recvfrom_into(buf, len, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_recvfrom(ns_socket *s, void *buf, size_t len, int flags,
                             size_t *received_out, ns_addr *addr_out);

/* ---- timeouts and blocking mode ----------------------------------------- */

/**
 * Set the timeout of every blocking call on this socket.
 *
 * NS_TIMEOUT_NONE blocks forever; 0 makes the socket non-blocking (a call
 * that would wait gives NS_ERR_BLOCKING_IO); a positive value bounds each
 * call, which then gives NS_ERR_TIMEOUT "timed out" with errno 0. Values
 * over about 146 years are clamped.
 *
 * @param s the socket.
 * @param seconds NS_TIMEOUT_NONE, 0, or a positive number of seconds.
 * @return NS_OK; NS_ERR_VALUE "Timeout value out of range" for another
 *         negative value, "Invalid value NaN (not a number)" for NaN;
 *         NS_ERR_OS when the kernel refuses the change.
 * Python: `s.settimeout(seconds)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_settimeout(ns_socket *s, double seconds);

/**
 * The socket's timeout.
 * @param s the socket, or NULL.
 * @return seconds, 0 for non-blocking, NS_TIMEOUT_NONE for none (and for a
 *         NULL handle).
 * Python: `s.gettimeout()`
 * @since 1.0
 */
NS_EXTERN double ns_gettimeout(const ns_socket *s);

/**
 * Make the socket blocking (timeout none) or non-blocking (timeout 0).
 * @param s the socket.
 * @param blocking true for blocking.
 * @return NS_OK; NS_ERR_OS.
 * Python: `s.setblocking(flag)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_setblocking(ns_socket *s, bool blocking);

/**
 * Whether the socket is blocking, which is true for any timeout but 0.
 * @param s the socket, or NULL.
 * @return true unless the timeout is 0; false for NULL.
 * Python: `s.getblocking()`
 * @since 1.0
 */
NS_EXTERN bool ns_getblocking(const ns_socket *s);

/**
 * Set the timeout that new sockets start with, process-wide. Sockets
 * that exist keep theirs.
 * @param seconds as for ns_settimeout().
 * @return NS_OK; NS_ERR_VALUE as for ns_settimeout().
 * Python: `socket.setdefaulttimeout(seconds)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_setdefaulttimeout(double seconds);

/**
 * The timeout new sockets start with.
 * @return seconds, 0, or NS_TIMEOUT_NONE (the default).
 * Python: `socket.getdefaulttimeout()`
 * @since 1.0
 */
NS_EXTERN double ns_getdefaulttimeout(void);

/* ---- options ------------------------------------------------------------ */

/**
 * Set a socket option from raw bytes.
 * @param s the socket.
 * @param level SOL_SOCKET, IPPROTO_TCP, ...
 * @param name the option.
 * @param value the bytes; may be NULL only when `len` is 0.
 * @param len their length.
 * @return NS_OK; NS_ERR_OS ENOPROTOOPT for an unknown option, EINVAL for a
 *         bad length; NS_ERR_VALUE.
 * Python: `s.setsockopt(level, name, bytes)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_setsockopt(ns_socket *s, int level, int name,
                               const void *value, size_t len);

/**
 * Read a socket option as raw bytes.
 * @param s the socket.
 * @param level the level.
 * @param name the option.
 * @param[out] value where the bytes go.
 * @param[in,out] len the size of `value` in, the option's length out.
 * @return NS_OK; NS_ERR_OS ENOPROTOOPT; NS_ERR_VALUE for NULL arguments.
 * Python: `s.getsockopt(level, name, buflen)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getsockopt(ns_socket *s, int level, int name, void *value,
                               size_t *len);

/**
 * Set an integer socket option.
 * @param s the socket.
 * @param level the level.
 * @param name the option.
 * @param value the value.
 * @return as ns_setsockopt().
 * Python: `s.setsockopt(level, name, value)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_setsockopt_int(ns_socket *s, int level, int name,
                                   int value);

/**
 * Read an integer socket option.
 * @param s the socket.
 * @param level the level.
 * @param name the option.
 * @param[out] out the value.
 * @return as ns_getsockopt().
 * Python: `s.getsockopt(level, name)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getsockopt_int(ns_socket *s, int level, int name, int *out);

NS_END_DECL

/** @} */
#endif /* NETSOCK_SOCKET_H */

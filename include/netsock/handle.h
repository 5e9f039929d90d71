/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/handle.h
 * @brief Handle utilities: socket pairs, adopting, duplicating and
 *        detaching descriptors, inheritance, and stdio streams.
 *
 * Every descriptor made here is close-on-exec from the moment it exists
 * (SOCK_CLOEXEC, F_DUPFD_CLOEXEC), as in Python (PEP 446).
 *
 * @defgroup handle Handle utilities
 * @{
 */
#ifndef NETSOCK_HANDLE_H
#define NETSOCK_HANDLE_H

#include <stdbool.h>
#include <stdio.h>

#include <netsock/error.h>
#include <netsock/export.h>
#include <netsock/socket.h>

NS_BEGIN_DECL

/**
 * Create a pair of connected sockets.
 *
 * Both are close-on-exec and start with the default timeout, as sockets
 * from ns_socket_create() do (SOCK_NONBLOCK in `type` gives them timeout
 * 0).
 *
 * @param[out] a_out the first socket; NULL on failure.
 * @param[out] b_out the second socket; NULL on failure.
 * @param family usually AF_UNIX (Python's default).
 * @param type usually SOCK_STREAM (Python's default).
 * @param proto usually 0.
 * @return NS_OK; NS_ERR_OS EOPNOTSUPP "[Errno 95] Operation not supported"
 *         for a family without pairs (AF_INET), EAFNOSUPPORT, EMFILE;
 *         NS_ERR_MEMORY; NS_ERR_VALUE when an out-parameter is NULL.
 * Python: `a, b = socket.socketpair(family, type, proto)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_socketpair(ns_socket **a_out, ns_socket **b_out, int family,
                               int type, int proto);

/**
 * Adopt an existing socket descriptor: the handle owns it from now on, and
 * ns_close() closes it.
 *
 * The family, type and protocol are read from the socket itself
 * (SO_DOMAIN, SO_TYPE, SO_PROTOCOL). A descriptor in O_NONBLOCK mode gets
 * timeout 0; any other gets the default timeout. Kernel receive and send
 * timers left on the descriptor by other code are cleared, since the
 * handle's timeout governs from now on. Inheritance is left as it is.
 *
 * On failure the descriptor is not touched and stays the caller's, except
 * after NS_ERR_MEMORY, when it has been closed.
 *
 * @param[out] out the new handle; NULL on failure.
 * @param fd the descriptor.
 * @return NS_OK; NS_ERR_VALUE "negative file descriptor" for a negative
 *         fd, or when `out` is NULL; NS_ERR_OS ENOTSOCK "[Errno 88] Socket
 *         operation on non-socket" for a descriptor that is no socket,
 *         EBADF "[Errno 9] Bad file descriptor" for one that is not open;
 *         NS_ERR_MEMORY.
 * Python: `socket.socket(fileno=fd)`, and `socket.fromfd(fd, ...)` without
 *         its dup()
 * @since 1.0
 */
NS_EXTERN ns_err ns_fromfd(ns_socket **out, ns_os_socket fd);

/**
 * Duplicate a socket: a new handle over a new close-on-exec descriptor for
 * the same socket, with the same family, type, protocol and timeout.
 *
 * The two descriptors share one socket, so its blocking mode and kernel
 * timers are shared too: give both handles the same timeout.
 *
 * @param s the socket.
 * @param[out] out the new handle; NULL on failure.
 * @return NS_OK; NS_ERR_OS (EBADF for a NULL handle, EMFILE);
 *         NS_ERR_MEMORY; NS_ERR_VALUE when `out` is NULL.
 * Python: `s.dup()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_dup(ns_socket *s, ns_socket **out);

/**
 * The bytes ns_share() writes at most: a WSAPROTOCOL_INFOW on Windows
 * (628 bytes on 64-bit Windows), with room to spare.
 */
#define NS_SHARE_SIZE 1024

/**
 * Give a socket to another process (Windows): the bytes that process
 * passes to ns_fromshare() to get its own handle on the same socket.
 *
 * Send the bytes to the other process by any means (a pipe, a file, a
 * socket); each share is for one process, and the socket must stay open
 * here until that process has called ns_fromshare(). POSIX systems pass
 * descriptors with ns_send_fds() instead: there this call fails with
 * ENOSYS, as Python has no socket.share() there.
 *
 * @param s the socket.
 * @param pid the process id of the process that will call ns_fromshare().
 * @param[out] buf where the bytes go; NS_SHARE_SIZE bytes are enough.
 * @param size the size of `buf`.
 * @param[out] len_out how many bytes were written.
 * @return NS_OK; NS_ERR_OS (EBADF for a NULL handle; Winsock's error,
 *         such as [WinError 10022] for an unknown process; ENOSYS on POSIX
 *         systems); NS_ERR_OVERFLOW when `size` is too small; NS_ERR_VALUE
 *         when `buf` or `len_out` is NULL.
 * Python: `s.share(process_id)` (Windows)
 * @since 1.1
 */
NS_EXTERN ns_err ns_share(ns_socket *s, unsigned long pid, void *buf,
                          size_t size, size_t *len_out);

/**
 * A handle on a socket another process shared with ns_share(), with the
 * family, type and protocol the bytes name and the default timeout.
 *
 * @param[out] out the new handle; NULL on failure.
 * @param data the bytes ns_share() wrote.
 * @param len their length.
 * @return NS_OK; NS_ERR_VALUE when the bytes are not ns_share()'s (the
 *         wrong length) or `out` or `data` is NULL; NS_ERR_OS (Winsock's
 *         error; ENOSYS on POSIX systems); NS_ERR_MEMORY.
 * Python: `socket.fromshare(data)` (Windows)
 * @since 1.1
 */
NS_EXTERN ns_err ns_fromshare(ns_socket **out, const void *data, size_t len);

/**
 * Free the handle without closing its descriptor, and return the
 * descriptor, which the caller now owns.
 *
 * The descriptor keeps its blocking mode (O_NONBLOCK when the timeout was
 * 0). Kernel timers that carried a timeout are cleared, so that system
 * calls on it block as they would on any blocking descriptor.
 *
 * @param s the handle, or NULL.
 * @return the descriptor (on Windows the SOCKET); NS_INVALID_SOCKET (-1
 *         on POSIX systems) for NULL, as Python's detach() on a closed
 *         socket.
 * Python: `s.detach()`
 * @since 1.0
 */
NS_EXTERN ns_os_socket ns_detach(ns_socket *s);

/**
 * Whether the descriptor is inherited by programs this process executes
 * (FD_CLOEXEC is clear). Sockets from libnetsock start non-inheritable.
 *
 * @param s the socket.
 * @param[out] out true when inheritable.
 * @return NS_OK; NS_ERR_OS EBADF for a NULL handle or a closed descriptor;
 *         NS_ERR_VALUE when `out` is NULL.
 * Python: `s.get_inheritable()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_get_inheritable(ns_socket *s, bool *out);

/**
 * Make the descriptor inheritable by executed programs, or not.
 *
 * @param s the socket.
 * @param inheritable true to clear FD_CLOEXEC, false to set it.
 * @return NS_OK; NS_ERR_OS EBADF for a NULL handle or a closed descriptor.
 * Python: `s.set_inheritable(inheritable)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_set_inheritable(ns_socket *s, bool inheritable);

/**
 * A stdio stream over the socket.
 *
 * The stream reads and writes through a duplicate of the socket (a
 * close-on-exec descriptor, as ns_dup() makes): fclose() closes only that
 * duplicate, and the socket stays open until ns_close(). A closed peer is
 * an error and never SIGPIPE, and signals are retried (PEP 475).
 *
 * Timeout: the stream keeps the timeout the socket had when the stream was
 * made; ns_settimeout() on the socket afterwards does not change it. Each
 * read and each write the stream makes (one stdio buffer's worth) gets
 * the whole timeout, and a write sends all or fails, as ns_sendall(). No
 * wait goes past that deadline. A timeout shows as a short read or write
 * with ferror() set and errno ETIMEDOUT (Python's TimeoutError), after
 * which, as Python warns for its own files, the stream's buffer may be
 * inconsistent. A stream made from a non-blocking socket (timeout 0)
 * fails with errno EAGAIN when it would wait; one made with no timeout
 * waits as long as it takes. `mode` is
 * Python's: only 'r', 'w' and 'b', where "" and "b" read, "w" writes, and
 * "rw" does both ('b' changes nothing in C). A "rw" stream must be
 * fflush()ed before it reads after writing; separate "r" and "w" streams
 * avoid stdio's rules on switching direction. The stream has no
 * descriptor of its own: fileno() on it gives -1; use ns_fileno(s).
 *
 * Windows, whose C runtime has no hook for such a stream: the stream is
 * a pipe, and a thread of the library relays its bytes to and from the
 * socket. A write still returns once sent, but a reading stream reads
 * ahead (one chunk) from the moment it is made, so read the socket
 * through its stream only, and its timeout counts from the stream's
 * birth or its previous chunk. A failure shows as ferror() with errno
 * EINVAL (the C runtime's word for the pipe's end), a "rw" stream stops
 * writing at the peer's EOF, and fileno() gives the pipe's descriptor.
 *
 * @param s the socket.
 * @param mode the mode, or NULL for "r".
 * @param[out] out the stream; NULL on failure. Close it with fclose().
 * @return NS_OK; NS_ERR_VALUE "invalid mode 'x' (only r, w, b allowed)", or
 *         when `out` is NULL; NS_ERR_OS (EBADF for a NULL handle, EMFILE);
 *         NS_ERR_MEMORY.
 * Python: `s.makefile(mode)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_makefile(ns_socket *s, const char *mode, FILE **out);

NS_END_DECL

/** @} */
#endif /* NETSOCK_HANDLE_H */

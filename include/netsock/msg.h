/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/msg.h
 * @brief Advanced I/O: messages with ancillary data, descriptor passing,
 *        exact reads, sendfile and datagram batches.
 *
 * Every call here is a blocking call in the sense of socket.h: it honours
 * the socket's timeout as one deadline for the whole call, retries after a
 * signal with the time left (PEP 475), and never raises SIGPIPE.
 *
 * Control messages (ancillary data) live in caller storage described by an
 * ns_cmsg_buf. Builders append typed messages with bounds checks; a
 * received buffer is walked with ns_cmsg_next() and read with typed,
 * length-checked getters:
 *
 * @code
 * NS_CMSG_STORAGE(CMSG_SPACE(sizeof(int) * 4)) store;
 * ns_cmsg_buf cb;
 * ns_cmsg_buf_init(&cb, &store, sizeof store);
 * ns_recvmsg(s, &iov, 1, &cb, 0, &n, &msg_flags, NULL);
 * for (const struct cmsghdr *c = ns_cmsg_next(&cb, NULL); c;
 *      c = ns_cmsg_next(&cb, c))
 *   ...
 * @endcode
 *
 * Descriptors that arrive in SCM_RIGHTS messages are close-on-exec
 * (MSG_CMSG_CLOEXEC, always), unlike CPython's, which are inheritable.
 *
 * @defgroup msg Advanced I/O
 * @{
 */
#ifndef NETSOCK_MSG_H
#define NETSOCK_MSG_H

#include <stddef.h>
#include <stdint.h>

#include <netsock/addr.h>
#include <netsock/error.h>
#include <netsock/export.h>
#include <netsock/socket.h>
#include <netsock/system.h>

NS_BEGIN_DECL

struct timespec;
/* Windows names its control-message header WSACMSGHDR: there
   `struct cmsghdr` is only declared, and read through ns_cmsg_data(). */
struct cmsghdr;

/* ---- control-message buffers ------------------------------------------- */

/**
 * A control-message buffer over storage the caller owns.
 *
 * `data` must be aligned for `struct cmsghdr` (NS_CMSG_STORAGE gives such
 * storage); `size` is its capacity and `len` the bytes in use: what the
 * builders wrote, or what ns_recvmsg() received. Set it up with
 * ns_cmsg_buf_init().
 */
typedef struct ns_cmsg_buf {
  void *data;  /**< the storage */
  size_t size; /**< its capacity in bytes */
  size_t len;  /**< bytes in use */
} ns_cmsg_buf;

/**
 * A type for storage of `size` bytes aligned for control messages:
 * `NS_CMSG_STORAGE(CMSG_SPACE(sizeof(int) * 4)) store;`.
 * Size it with CMSG_SPACE() for each message it must hold.
 */
#if defined(_WIN32)
#define NS_CMSG_STORAGE(size)                                                  \
  union {                                                                      \
    size_t hdr_; /* WSACMSGHDR's alignment: its first member's */              \
    unsigned char bytes_[size];                                                \
  }
#else
#define NS_CMSG_STORAGE(size)                                                  \
  union {                                                                      \
    struct cmsghdr hdr_;                                                       \
    unsigned char bytes_[size];                                                \
  }
#endif

/** The most descriptors one SCM_RIGHTS message carries on Linux. */
#define NS_FDS_PER_MSG_LIMIT 253

/** Process credentials, as SCM_CREDENTIALS and SO_PEERCRED carry them. */
typedef struct ns_ucred {
#if defined(_WIN32)
  /* Windows has no uid_t and gid_t, and no credentials to pass. */
  int pid;          /**< process id */
  unsigned int uid; /**< user id */
  unsigned int gid; /**< group id */
#else
  pid_t pid; /**< process id */
  uid_t uid; /**< user id */
  gid_t gid; /**< group id */
#endif
} ns_ucred;

/**
 * Packet information (IP_PKTINFO / IPV6_PKTINFO).
 *
 * Received: `addr` is the datagram's destination address and `ifindex`
 * the interface it arrived on. Sent: `addr` is the source address to use
 * (its family picks IP_PKTINFO or IPV6_PKTINFO; the any-address lets the
 * kernel choose) and `ifindex` the interface, 0 for any. Ports are
 * ignored.
 */
typedef struct ns_pktinfo {
  ns_addr addr;         /**< destination (received) or source (sent) */
  unsigned int ifindex; /**< interface index, 0 for any */
} ns_pktinfo;

/**
 * Point a control-message buffer at caller storage, empty.
 *
 * @param[out] b the buffer to set up.
 * @param storage the bytes, aligned for `struct cmsghdr`; may be NULL only
 *        when `size` is 0.
 * @param size their number.
 * @return NS_OK; NS_ERR_VALUE when `b` is NULL, `storage` is NULL with a
 *         non-zero size, or `storage` is misaligned ("control-message
 *         storage is not aligned for struct cmsghdr").
 * Python: the `ancbufsize` argument of `s.recvmsg()`
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_buf_init(ns_cmsg_buf *b, void *storage, size_t size);

/**
 * Append one control message with raw data.
 *
 * @param b the buffer.
 * @param level the protocol level (SOL_SOCKET, IPPROTO_IP, ...).
 * @param type the message type (SCM_RIGHTS, IP_PKTINFO, ...).
 * @param data the payload; may be NULL only when `len` is 0.
 * @param len its length.
 * @return NS_OK; NS_ERR_VALUE "control-message buffer too small" when
 *         CMSG_SPACE(len) does not fit in what is left (nothing is
 *         written then), or for NULL arguments.
 * Python: one `(level, type, data)` item of `ancdata`
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_add(ns_cmsg_buf *b, int level, int type,
                             const void *data, size_t len);

/**
 * Append an SCM_RIGHTS message carrying descriptors.
 *
 * The descriptors are not checked or duplicated here; the kernel reports
 * a bad one when the message is sent ("[Errno 9] Bad file descriptor").
 *
 * @param b the buffer.
 * @param fds the descriptors.
 * @param nfds how many: 1 to NS_FDS_PER_MSG_LIMIT.
 * @return NS_OK; NS_ERR_VALUE "control-message buffer too small", or for
 *         `nfds` 0 or above NS_FDS_PER_MSG_LIMIT, or NULL arguments.
 * Python: `(SOL_SOCKET, SCM_RIGHTS, array.array("i", fds))`
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_add_fds(ns_cmsg_buf *b, const int *fds, size_t nfds);

/**
 * Append an SCM_CREDENTIALS message (Linux).
 *
 * Unprivileged senders may only send their own pid, uid and gid; the
 * kernel checks when the message is sent (NS_ERR_PERMISSION, or
 * NS_ERR_PROCESS_LOOKUP for a pid that does not exist).
 *
 * @param b the buffer.
 * @param cred the credentials, or NULL for the caller's own (getpid(),
 *        geteuid(), getegid()).
 * @return NS_OK; NS_ERR_VALUE "control-message buffer too small", or for a
 *         NULL buffer.
 * Python: `(SOL_SOCKET, SCM_CREDENTIALS, struct.pack("3i", pid, uid, gid))`
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_add_creds(ns_cmsg_buf *b, const ns_ucred *cred);

/**
 * Append an IP_PKTINFO or IPV6_PKTINFO message choosing the source address
 * and interface of a datagram.
 *
 * @param b the buffer.
 * @param info the source address (AF_INET or AF_INET6; the family picks
 *        the message) and interface.
 * @return NS_OK; NS_ERR_VALUE "control-message buffer too small", "packet
 *         info needs an AF_INET or AF_INET6 address", or for NULL
 *         arguments.
 * Python: `(IPPROTO_IP, IP_PKTINFO, bytes(struct in_pktinfo))`
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_add_pktinfo(ns_cmsg_buf *b, const ns_pktinfo *info);

/**
 * Walk the control messages of a buffer.
 *
 * Bounds-checked: a header whose length is too short or runs past
 * `b->len` ends the walk, so a truncated buffer (MSG_CTRUNC) is safe to
 * walk.
 *
 * @param b the buffer.
 * @param prev the message returned last, or NULL for the first.
 * @return the next message, or NULL at the end (and for a NULL buffer, a
 *         `prev` outside it or not on a header, or `data` not aligned for
 *         `struct cmsghdr`, whose headers cannot be read).
 * Python: iterating over `ancdata`
 * @since 1.0
 */
NS_EXTERN const struct cmsghdr *ns_cmsg_next(const ns_cmsg_buf *b,
                                             const struct cmsghdr *prev);

/**
 * The payload of a control message.
 *
 * @param c a message from ns_cmsg_next().
 * @param[out] data_out its first byte.
 * @param[out] len_out its length.
 * @return NS_OK; NS_ERR_VALUE for NULL arguments or a header shorter than
 *         itself.
 * Python: the `data` of an `ancdata` item
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_data(const struct cmsghdr *c, const void **data_out,
                              size_t *len_out);

/**
 * The descriptors of an SCM_RIGHTS message.
 *
 * They belong to the caller, who must close them, whether or not they are
 * copied out here (ns_cmsg_close_fds() closes every one of a buffer).
 *
 * @param c a message from ns_cmsg_next().
 * @param[out] fds_out where the descriptors go.
 * @param max its capacity.
 * @param[out] nfds_out how many the message carries, also when they do
 *        not fit.
 * @return NS_OK; NS_ERR_VALUE "not an SCM_RIGHTS control message",
 *         "descriptor array too small" (nothing copied), or for NULL
 *         arguments.
 * Python: `array.array("i", data)` of an SCM_RIGHTS item
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_get_fds(const struct cmsghdr *c, int *fds_out,
                                 size_t max, size_t *nfds_out);

/**
 * Close every descriptor carried by the SCM_RIGHTS messages of a buffer.
 *
 * For cleaning up after ns_recvmsg() when the descriptors are not wanted.
 *
 * @param b the buffer, or NULL.
 * @return how many descriptors were closed.
 * @since 1.0
 */
NS_EXTERN size_t ns_cmsg_close_fds(const ns_cmsg_buf *b);

/**
 * The credentials of an SCM_CREDENTIALS message.
 *
 * @param c a message from ns_cmsg_next().
 * @param[out] out the credentials.
 * @return NS_OK; NS_ERR_VALUE "not an SCM_CREDENTIALS control message", a
 *         wrong length, or NULL arguments.
 * Python: `struct.unpack("3i", data)` of an SCM_CREDENTIALS item
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_get_creds(const struct cmsghdr *c, ns_ucred *out);

/**
 * The packet information of an IP_PKTINFO or IPV6_PKTINFO message (enable
 * it with IP_PKTINFO or IPV6_RECVPKTINFO set to 1).
 *
 * @param c a message from ns_cmsg_next().
 * @param[out] out the destination address and interface.
 * @return NS_OK; NS_ERR_VALUE "not a packet-info control message", a wrong
 *         length, or NULL arguments.
 * Python: unpacking an IP_PKTINFO item by hand
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_get_pktinfo(const struct cmsghdr *c, ns_pktinfo *out);

/**
 * The receive time of an SO_TIMESTAMP (microseconds), SO_TIMESTAMPNS or
 * SO_TIMESTAMPING (the software stamp) message, as CLOCK_REALTIME.
 *
 * @param c a message from ns_cmsg_next().
 * @param[out] out the time.
 * @return NS_OK; NS_ERR_VALUE "not a timestamp control message", a wrong
 *         length, "timestamp out of range" (a fraction that is not below
 *         one second, from a buffer built by hand), or NULL arguments.
 * Python: unpacking an SCM_TIMESTAMP item by hand
 * @since 1.0
 */
NS_EXTERN ns_err ns_cmsg_get_timestamp(const struct cmsghdr *c,
                                       struct timespec *out);

/**
 * The credentials of the process at the other end of a connected AF_UNIX
 * socket, as they were when it connected (SO_PEERCRED).
 *
 * @param s the socket.
 * @param[out] out the credentials.
 * @return NS_OK; NS_ERR_OS (ENOTCONN, ENOPROTOOPT on other families);
 *         NS_ERR_VALUE when `out` is NULL.
 * Python: `s.getsockopt(SOL_SOCKET, SO_PEERCRED, struct.calcsize("3i"))`
 * @since 1.0
 */
NS_EXTERN ns_err ns_getpeercred(ns_socket *s, ns_ucred *out);

/* ---- messages ------------------------------------------------------------ */

/**
 * Send a message gathered from several buffers, with optional ancillary
 * data and destination.
 *
 * @param s the socket.
 * @param iov the buffers; may be NULL only when `iovcnt` is 0.
 * @param iovcnt how many (at most IOV_MAX, else "[Errno 90] Message too
 *        long" from the kernel).
 * @param control control messages to send (its first `len` bytes), or
 *        NULL.
 * @param flags MSG_* flags; MSG_NOSIGNAL is always added.
 * @param addr the destination, or NULL for a connected socket.
 * @param[out] sent_out how many bytes were sent, or NULL (since 1.1).
 * @return NS_OK; as ns_send(); NS_ERR_OS EBADF for a bad descriptor in
 *         SCM_RIGHTS, EINVAL for a malformed control message;
 *         NS_ERR_PERMISSION for foreign SCM_CREDENTIALS; NS_ERR_VALUE for
 *         a NULL buffer with a non-zero length, or descriptors with no data
 *         on a stream socket ("descriptors need at least one byte of data
 *         on a stream socket": Linux would drop them silently).
 * Python: `n = s.sendmsg(buffers, ancdata, flags, address)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_sendmsg(ns_socket *s, const ns_iovec *iov, size_t iovcnt,
                            const ns_cmsg_buf *control, int flags,
                            const ns_addr *addr, size_t *sent_out);

/**
 * Receive a message scattered into several buffers, with its ancillary
 * data, flags and sender.
 *
 * MSG_CMSG_CLOEXEC is always added: descriptors received are
 * close-on-exec. They belong to the caller from here on.
 *
 * MSG_ERRQUEUE reads the socket's error queue, which never blocks in the
 * kernel: on a socket with a timeout the call waits (asleep, in poll(2))
 * for an entry until the deadline, then fails with TimeoutError "timed
 * out"; without a timeout an empty queue is BlockingIOError at once, as
 * in Python.
 *
 * @param s the socket.
 * @param iov the buffers; may be NULL only when `iovcnt` is 0.
 * @param iovcnt how many.
 * @param control where ancillary data goes (its `len` is set), or NULL to
 *        take none.
 * @param flags MSG_* flags (MSG_PEEK, MSG_WAITALL, MSG_DONTWAIT, ...).
 * @param[out] received_out how many bytes arrived (with MSG_TRUNC in
 *        `flags`, the datagram's full length), or NULL (since 1.1).
 * @param[out] msg_flags_out the message's flags; not NULL, so that
 *        truncation is always seen: MSG_TRUNC (the datagram did not fit)
 *        and MSG_CTRUNC (ancillary data did not fit; descriptors that did
 *        not fit were closed by the kernel).
 * @param[out] addr_out the sender, or NULL; empty when there is none.
 * @return NS_OK; as ns_recv(); NS_ERR_VALUE for NULL arguments.
 * Python: `nbytes, ancdata, msg_flags, address = s.recvmsg_into(buffers,
 *         ancbufsize, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_recvmsg(ns_socket *s, const ns_iovec *iov, size_t iovcnt,
                            ns_cmsg_buf *control, int flags,
                            size_t *received_out, int *msg_flags_out,
                            ns_addr *addr_out);

/* ---- descriptor passing ------------------------------------------------ */

/**
 * Send descriptors with some data over an AF_UNIX socket.
 *
 * The sender keeps its own copies open: the receiver gets duplicates.
 *
 * @param s the socket.
 * @param buf the data; at least one byte on a stream socket.
 * @param len its length.
 * @param fds the descriptors.
 * @param nfds how many: 1 to NS_FDS_PER_MSG_LIMIT.
 * @param flags MSG_* flags; MSG_NOSIGNAL is always added.
 * @param addr the destination, or NULL for a connected socket.
 * @param[out] sent_out how many bytes were sent, or NULL (since 1.1).
 * @return NS_OK; as ns_sendmsg(); NS_ERR_OS "[Errno 22] Invalid argument"
 *         for more than NS_FDS_PER_MSG_LIMIT descriptors, as the kernel
 *         says. A C library may pass fewer: musl's sendmsg copies at most
 *         1024 bytes of control data, 252 descriptors, and says ENOMEM
 *         ("[Errno 12] ...") past that, as Python's send_fds does there.
 * Python: `socket.send_fds(sock, buffers, fds, flags, address)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_send_fds(ns_socket *s, const void *buf, size_t len,
                             const int *fds, size_t nfds, int flags,
                             const ns_addr *addr, size_t *sent_out);

/**
 * Receive data and up to `maxfds` descriptors over an AF_UNIX socket.
 *
 * The descriptors are close-on-exec. On any failure none stay open: those
 * already received are closed and `*nfds_out` is 0. Extra descriptors
 * beyond `maxfds` are closed and reported as MSG_CTRUNC.
 *
 * @param s the socket.
 * @param[out] buf where the data goes; may be NULL only when `len` is 0.
 * @param len its size.
 * @param[out] fds_out where the descriptors go; may be NULL only when
 *        `maxfds` is 0.
 * @param maxfds its capacity (values above NS_FDS_PER_MSG_LIMIT count as
 *        NS_FDS_PER_MSG_LIMIT, the most one message can carry).
 * @param flags MSG_* flags.
 * @param[out] received_out how many bytes arrived, also on failure after
 *        the data was received, or NULL (since 1.1).
 * @param[out] nfds_out how many descriptors arrived; not NULL.
 * @param[out] msg_flags_out the message's flags (MSG_TRUNC, MSG_CTRUNC),
 *        or NULL: then a truncated message is an error instead, NS_ERR_OS
 *        "message truncated" or "ancillary data truncated: descriptors
 *        were discarded", with every descriptor closed.
 * @param[out] addr_out the sender, or NULL.
 * @return NS_OK; as ns_recvmsg(); NS_ERR_OS for truncation as above.
 * Python: `data, fds, msg_flags, address = socket.recv_fds(sock, bufsize,
 *         maxfds, flags)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_recv_fds(ns_socket *s, void *buf, size_t len, int *fds_out,
                             size_t maxfds, int flags, size_t *received_out,
                             size_t *nfds_out, int *msg_flags_out,
                             ns_addr *addr_out);

/* ---- exact reads and files ----------------------------------------------- */

/**
 * Receive exactly `len` bytes, or fail.
 *
 * Meant for stream sockets (length-prefixed framing). The socket's
 * timeout bounds the whole call, not each partial read.
 *
 * @param s the socket.
 * @param[out] buf where the bytes go; may be NULL only when `len` is 0.
 * @param len how many.
 * @param[out] received_out how many bytes arrived, also on failure; may be
 *        NULL.
 * @return NS_OK when all `len` bytes arrived; NS_ERR_OS "connection closed
 *         after K of N bytes" (errno 0) when the peer closed first;
 *         otherwise as ns_recv(), with `*received_out` telling how far it
 *         got.
 * Python: `asyncio.StreamReader.readexactly(n)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_recv_exact(ns_socket *s, void *buf, size_t len,
                               size_t *received_out);

/**
 * Send a file, or part of one, over a socket.
 *
 * Zero-copy with sendfile(2) for a regular file on a stream socket;
 * otherwise (a pipe, a character device, a datagram socket, or a file
 * system sendfile(2) refuses) it reads and sends in chunks, one datagram
 * per chunk on a datagram socket. The socket's timeout bounds the whole
 * call. On return, also on failure, a seekable file's position is
 * `offset` plus the bytes sent, as in Python. From a pipe, bytes read but
 * not sent before a failure are lost.
 *
 * @param s the socket; blocking or with a timeout.
 * @param fd the file, open for reading.
 * @param offset where to start, from the beginning of the file; must be 0
 *        for a file that cannot seek.
 * @param count how many bytes at most, or 0 for everything up to the end
 *        of the file.
 * @param[out] sent_out how many bytes were sent, also on failure; may be
 *        NULL.
 * @return NS_OK; as ns_sendall(); NS_ERR_VALUE "non-blocking sockets are
 *         not supported" (timeout 0), "offset must be a positive integer
 *         (got -1)"; NS_ERR_OS for a file that cannot be read (EBADF) or
 *         sought (ESPIPE with a non-zero offset).
 * Python: `n = s.sendfile(file, offset, count)`
 * @since 1.0
 */
NS_EXTERN ns_err ns_sendfile(ns_socket *s, int fd, int64_t offset, size_t count,
                             size_t *sent_out);

/* ---- datagram batches ---------------------------------------------------- */

/**
 * One datagram of a batch.
 *
 * Sending: `buf`/`len` are the bytes and `addr` the destination (empty,
 * len 0, on a connected socket). Receiving: `buf`/`len` are the space, and
 * the call fills `addr` with the sender. Either way `nbytes` is set to the
 * bytes moved and `flags` to the message's flags (MSG_TRUNC when a
 * received datagram did not fit).
 */
typedef struct ns_datagram {
  void *buf;     /**< the bytes, or the space for them */
  size_t len;    /**< their length, or the space's */
  ns_addr addr;  /**< destination (send) or sender (receive) */
  size_t nbytes; /**< set: bytes sent or received */
  int flags;     /**< set: message flags (MSG_TRUNC) */
} ns_datagram;

/**
 * Send a batch of datagrams, with sendmmsg(2) where the system has it and
 * a loop of sendmsg(2) where it does not.
 *
 * Like ns_send(), it may send fewer than asked: it stops at the first
 * datagram the kernel refuses once at least one was sent (the same error
 * comes back from the next call), or when the socket's timeout expires.
 * On a stream socket it also stops after a message that went only in part
 * (its `nbytes` is short), so that no message is ever followed by the next
 * one before it is complete.
 *
 * @param s the socket.
 * @param msgs the datagrams; may be NULL only when `n` is 0.
 * @param n how many.
 * @param flags MSG_* flags; MSG_NOSIGNAL is always added.
 * @param[out] count_out how many datagrams were sent, at least 1 on
 *        success unless `n` is 0; not NULL.
 * @return NS_OK; as ns_sendto() when not even the first could be sent.
 * Python: none (Linux `sendmmsg(2)`)
 * @since 1.0
 */
NS_EXTERN ns_err ns_sendmmsg(ns_socket *s, ns_datagram *msgs, size_t n,
                             int flags, size_t *count_out);

/**
 * Receive a batch of datagrams: wait (within the socket's timeout) for the
 * first, then take those already queued, up to `n`, without waiting.
 *
 * Uses recvmmsg(2) with MSG_WAITFORONE where the system has it, else a
 * loop of recvmsg(2). The timeout is enforced by the library; recvmmsg's
 * own timeout argument, which is only checked between datagrams, is not
 * used.
 *
 * @param s the socket.
 * @param msgs the datagrams' space; may be NULL only when `n` is 0.
 * @param n how many.
 * @param flags MSG_* flags (MSG_DONTWAIT: do not wait for the first).
 * @param[out] count_out how many datagrams arrived, at least 1 on success
 *        unless `n` is 0; not NULL.
 * @return NS_OK; as ns_recvfrom().
 * Python: none (Linux `recvmmsg(2)`)
 * @since 1.0
 */
NS_EXTERN ns_err ns_recvmmsg(ns_socket *s, ns_datagram *msgs, size_t n,
                             int flags, size_t *count_out);

NS_END_DECL

/** @} */
#endif /* NETSOCK_MSG_H */

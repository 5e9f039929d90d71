/* SPDX-License-Identifier: MIT */
/*
 * The POSIX backend's own interface: making descriptors close-on-exec
 * (atomically where the system can), sends that never raise SIGPIPE, and
 * close-on-exec for descriptors received in SCM_RIGHTS. Each call takes the
 * system's fast path where ns_config.h says it has one (Linux: SOCK_CLOEXEC,
 * accept4, MSG_NOSIGNAL, MSG_CMSG_CLOEXEC) and a portable one elsewhere.
 */
#ifndef NETSOCK_UNIX_OS_H
#define NETSOCK_UNIX_OS_H

#include <signal.h>
#include <sys/socket.h>

#include "internal.h"

/* socketpair(2), both ends as ns__os_socket() makes them. */
int ns__os_socketpair(int family, int type, int proto, bool nonblocking,
                      int fds[2]);

/* Make every descriptor an SCM_RIGHTS message of `m` carries
   close-on-exec, where recvmsg(2) could not do it itself. On failure
   (-1, errno set) it has closed them all: none leaks into a child. */
int ns__os_cloexec_received(const struct msghdr *m);

/* recvmsg(2)'s flag for close-on-exec received descriptors, or 0. */
#if HAVE_MSG_CMSG_CLOEXEC
#define NS__MSG_CMSG_CLOEXEC MSG_CMSG_CLOEXEC
#else
#define NS__MSG_CMSG_CLOEXEC 0
#endif

/*
 * Sends without SIGPIPE. MSG_NOSIGNAL where the system has it; else each
 * socket carries SO_NOSIGPIPE from its creation (macOS); else the calling
 * thread blocks SIGPIPE around the send and takes back the one it raised
 * (sigpipe.c), so the process's signal dispositions are never touched.
 */
#if HAVE_MSG_NOSIGNAL
#define NS__SEND_NOSIGNAL MSG_NOSIGNAL
#define NS__SEND_GUARDED 0
#elif HAVE_SO_NOSIGPIPE
#define NS__SEND_NOSIGNAL 0
#define NS__SEND_GUARDED 0
#else
#define NS__SEND_NOSIGNAL 0
#define NS__SEND_GUARDED 1
#endif

/* Blocking SIGPIPE on the calling thread around a call that may raise it. */
typedef struct ns__sigpipe_guard {
  sigset_t old_mask;
  bool was_pending;
} ns__sigpipe_guard;

void ns__sigpipe_block(ns__sigpipe_guard *g);
/* Unblock; if the call failed with EPIPE, take its SIGPIPE off the
   pending set (one already pending before belongs to someone else). */
void ns__sigpipe_restore(const ns__sigpipe_guard *g, bool had_epipe);

ssize_t ns__sendto_guarded(int fd, const void *buf, size_t len, int flags,
                           const struct sockaddr *to, socklen_t tolen);
ssize_t ns__sendmsg_guarded(int fd, const struct msghdr *m, int flags);

static inline ssize_t ns__os_send(int fd, const void *buf, size_t len,
                                  int flags)
{
#if NS__SEND_GUARDED
  return ns__sendto_guarded(fd, buf, len, flags, NULL, 0);
#else
  return send(fd, buf, len, flags | NS__SEND_NOSIGNAL);
#endif
}

static inline ssize_t ns__os_sendto(int fd, const void *buf, size_t len,
                                    int flags, const struct sockaddr *to,
                                    socklen_t tolen)
{
#if NS__SEND_GUARDED
  return ns__sendto_guarded(fd, buf, len, flags, to, tolen);
#else
  return sendto(fd, buf, len, flags | NS__SEND_NOSIGNAL, to, tolen);
#endif
}

static inline ssize_t ns__os_sendmsg(int fd, const struct msghdr *m, int flags)
{
#if NS__SEND_GUARDED
  return ns__sendmsg_guarded(fd, m, flags);
#else
  return sendmsg(fd, m, flags | NS__SEND_NOSIGNAL);
#endif
}

#endif /* NETSOCK_UNIX_OS_H */

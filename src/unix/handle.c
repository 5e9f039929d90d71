/* SPDX-License-Identifier: MIT */
/*
 * Handle utilities: socketpair, fromfd, dup, detach and inheritance.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/time.h>
#include <unistd.h>

#include "os.h"

ns_err ns_socketpair(ns_socket **a_out, ns_socket **b_out, int family, int type,
                     int proto)
{
  if (!a_out || !b_out)
    return ns__fail_null("socketpair", "socketpair(): out is NULL");
  *a_out = NULL;
  *b_out = NULL;
  ns__new_socket k = ns__new_socket_of(type);
  int fds[2];
  if (ns__os_socketpair(family, k.type, proto, k.nonblocking, fds) != 0)
    return ns__fail_errno("socketpair", errno);
  ns_err err = ns__socket_wrap(a_out, fds[0], family, k.type, proto,
                               k.timeout_ns, "socketpair");
  if (err) {
    close(fds[1]);
    return err;
  }
  err = ns__socket_wrap(b_out, fds[1], family, k.type, proto, k.timeout_ns,
                        "socketpair");
  if (err) {
    ns_close(*a_out);
    *a_out = NULL;
  }
  return err;
}

/* A kernel timer as the handle's cache holds it: nanoseconds, 0 for none. */
static int64_t kernel_timer_ns(int fd, int which)
{
  struct timeval tv = {0, 0};
  socklen_t len = sizeof tv;
  if (getsockopt(fd, SOL_SOCKET, which, &tv, &len) != 0)
    return 0;
  return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

/*
 * A descriptor's family, type and protocol. SO_DOMAIN and SO_PROTOCOL
 * where the system has them; elsewhere the family comes from the bound
 * name and the protocol is 0, as CPython does there.
 */
static int socket_identity(int fd, int value[3])
{
#if HAVE_SO_DOMAIN
  static const int what[3] = {SO_DOMAIN, SO_TYPE, SO_PROTOCOL};
  for (int i = 0; i < 3; i++) {
    socklen_t len = sizeof value[i];
    if (getsockopt(fd, SOL_SOCKET, what[i], &value[i], &len) != 0)
      return -1;
  }
  return 0;
#else
  ns_addr name;
  socklen_t len = sizeof name.u;
  socklen_t tlen = sizeof value[1];
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value[1], &tlen) != 0 ||
      getsockname(fd, &name.u.sa, &len) != 0)
    return -1;
  value[0] = name.u.sa.sa_family;
  value[2] = 0;
  return 0;
#endif
}

ns_err ns_fromfd(ns_socket **out, int fd)
{
  if (!out)
    return ns__fail_null("fromfd", "fromfd(): out is NULL");
  *out = NULL;
  if (fd < 0)
    return ns__fail_msg(NS_ERR_VALUE, "fromfd", "negative file descriptor");
  int value[3];
  if (socket_identity(fd, value) != 0)
    return ns__fail_errno("fromfd", errno);
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0)
    return ns__fail_errno("fromfd", errno);
  /* The descriptor's own mode wins over the default: a non-blocking one
     stays so, as SOCK_NONBLOCK does for a new socket. */
  int64_t timeout = (flags & O_NONBLOCK) ? 0 : ns__default_timeout_ns();
  if (ns__timeout_nonblocking(timeout) && !(flags & O_NONBLOCK) &&
      fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
    return ns__fail_errno("fromfd", errno);
  /* Timers other code left would cut blocking calls short: clear them. */
  if ((kernel_timer_ns(fd, SO_RCVTIMEO) &&
       ns__set_kernel_timeout(fd, SO_RCVTIMEO, 0) != 0) ||
      (kernel_timer_ns(fd, SO_SNDTIMEO) &&
       ns__set_kernel_timeout(fd, SO_SNDTIMEO, 0) != 0))
    return ns__fail_errno("fromfd", errno);
  return ns__socket_wrap(out, fd, value[0], value[1], value[2], timeout,
                         "fromfd");
}

ns_err ns_dup(ns_socket *s, ns_socket **out)
{
  if (!s)
    return ns__fail_handle("dup");
  if (!out)
    return ns__fail_null("dup", "dup(): out is NULL");
  *out = NULL;
  int fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    return ns__fail_errno("dup", errno);
  ns_err err = ns__socket_wrap(out, fd, s->family, s->type, s->proto,
                               s->timeout_ns, "dup");
  if (err)
    return err;
  /* Both descriptors name one socket, and so one pair of kernel timers. */
  atomic_store_explicit(
      &(*out)->rcv_kernel_ns,
      atomic_load_explicit(&s->rcv_kernel_ns, memory_order_relaxed),
      memory_order_relaxed);
  atomic_store_explicit(
      &(*out)->snd_kernel_ns,
      atomic_load_explicit(&s->snd_kernel_ns, memory_order_relaxed),
      memory_order_relaxed);
  atomic_store_explicit(
      &(*out)->kernel_timers_used,
      atomic_load_explicit(&s->kernel_timers_used, memory_order_relaxed),
      memory_order_relaxed);
  return NS_OK;
}

int ns_detach(ns_socket *s)
{
  if (!s)
    return -1;
  int fd = s->fd;
  if (s->pollers)
    ns__poller_forget(s); /* the handle goes; the descriptor stays open */
  /* Best effort, as close(): the descriptor is the caller's either way. */
  if (atomic_load_explicit(&s->rcv_kernel_ns, memory_order_relaxed))
    (void)ns__set_kernel_timeout(fd, SO_RCVTIMEO, 0);
  if (atomic_load_explicit(&s->snd_kernel_ns, memory_order_relaxed))
    (void)ns__set_kernel_timeout(fd, SO_SNDTIMEO, 0);
  free(s);
  return fd;
}

ns_err ns_get_inheritable(ns_socket *s, bool *out)
{
  if (!s)
    return ns__fail_handle("get_inheritable");
  if (!out)
    return ns__fail_null("get_inheritable", "get_inheritable(): out is NULL");
  int flags = fcntl(s->fd, F_GETFD);
  if (flags < 0)
    return ns__fail_errno("get_inheritable", errno);
  *out = !(flags & FD_CLOEXEC);
  return NS_OK;
}

ns_err ns_set_inheritable(ns_socket *s, bool inheritable)
{
  if (!s)
    return ns__fail_handle("set_inheritable");
  int flags = fcntl(s->fd, F_GETFD);
  if (flags < 0)
    return ns__fail_errno("set_inheritable", errno);
  int wanted = inheritable ? flags & ~FD_CLOEXEC : flags | FD_CLOEXEC;
  if (wanted != flags && fcntl(s->fd, F_SETFD, wanted) != 0)
    return ns__fail_errno("set_inheritable", errno);
  return NS_OK;
}

/* Sockets are shared between processes by passing descriptors
   (ns_send_fds); Python has no socket.share() on POSIX systems. */
ns_err ns_share(ns_socket *s, unsigned long pid, void *buf, size_t size,
                size_t *len_out)
{
  (void)pid, (void)buf, (void)size;
  if (len_out)
    *len_out = 0;
  return s ? ns__fail_errno("share", ENOSYS) : ns__fail_handle("share");
}

ns_err ns_fromshare(ns_socket **out, const void *data, size_t len)
{
  (void)data, (void)len;
  if (out)
    *out = NULL;
  return ns__fail_errno("fromshare", ENOSYS);
}

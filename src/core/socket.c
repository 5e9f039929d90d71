/* SPDX-License-Identifier: MIT */
/*
 * The handle: creation, close and the accessors.
 */
#include <stdlib.h>

#include "internal.h"

/* One allocation per socket, and a small one. */
_Static_assert(sizeof(struct ns_socket) <= 64,
               "struct ns_socket must stay within 64 bytes");

ns_err ns__socket_wrap(ns_socket **out, ns_os_socket fd, int family, int type,
                       int proto, int64_t timeout_ns, const char *op)
{
  ns_socket *s = malloc(sizeof *s);
  if (!s) {
    (void)ns__os_close(fd);
    return ns__fail_msg(NS_ERR_MEMORY, op, "out of memory");
  }
  s->fd = fd;
  s->family = family;
  s->type = type;
  s->proto = proto;
  s->timeout_ns = timeout_ns;
  /* A new socket's kernel timers are unset; ns__call_begin sets them. */
  atomic_init(&s->rcv_kernel_ns, 0);
  atomic_init(&s->snd_kernel_ns, 0);
  atomic_init(&s->kernel_timers_used, false);
  s->pollers = NULL;
  *out = s;
  return NS_OK;
}

ns__new_socket ns__new_socket_of(int type)
{
  ns__new_socket n;
  n.timeout_ns = ns__default_timeout_ns();
#ifdef SOCK_NONBLOCK
  if (type & SOCK_NONBLOCK)
    n.timeout_ns = 0;
  type &= ~SOCK_NONBLOCK;
#endif
#ifdef SOCK_CLOEXEC
  type &= ~SOCK_CLOEXEC;
#endif
  n.type = type;
  n.nonblocking = ns__timeout_nonblocking(n.timeout_ns);
  return n;
}

ns_err ns_socket_create(ns_socket **out, int family, int type, int proto)
{
  if (!out)
    return ns__fail_null("socket", "socket(): out is NULL");
  *out = NULL;
  ns_err err = ns__net_init("socket");
  if (err)
    return err;
  ns__new_socket n = ns__new_socket_of(type);
  ns_os_socket fd = ns__os_socket(family, n.type, proto, n.nonblocking);
  if (!NS__SOCKET_VALID(fd))
    return ns__fail_sock("socket");
  return ns__socket_wrap(out, fd, family, n.type, proto, n.timeout_ns,
                         "socket");
}

ns_err ns_close(ns_socket *s)
{
  if (!s)
    return NS_OK;
  if (s->pollers)
    ns__poller_forget(s); /* before close: epoll forgets by descriptor */
  int err = ns__os_close(s->fd);
  free(s);
  return err ? ns__fail_sock_code("close", err) : NS_OK;
}

ns_os_socket ns_fileno(const ns_socket *s)
{
  return s ? s->fd : NS_INVALID_SOCKET;
}

int ns_family(const ns_socket *s)
{
  return s ? s->family : -1;
}

int ns_socktype(const ns_socket *s)
{
  return s ? s->type : -1;
}

int ns_proto(const ns_socket *s)
{
  return s ? s->proto : -1;
}

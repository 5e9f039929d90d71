/* SPDX-License-Identifier: MIT */
/*
 * The handle on Winsock: creation, close and the accessors.
 */
#include <stdlib.h>

#include "os.h"

ns_err ns__socket_wrap(ns_socket **out, ns_os_socket fd, int family, int type,
                       int proto, int64_t timeout_ns, const char *op)
{
  ns_socket *s = malloc(sizeof *s);
  if (!s) {
    closesocket(fd);
    return ns__fail_msg(NS_ERR_MEMORY, op, "out of memory");
  }
  s->fd = fd;
  s->family = family;
  s->type = type;
  s->proto = proto;
  s->timeout_ns = timeout_ns;
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
  n.type = type;
  n.nonblocking = ns__timeout_nonblocking(n.timeout_ns);
  return n;
}

SOCKET ns__win_socket(int family, int type, int proto, bool nonblocking)
{
  SOCKET fd = WSASocketW(family, type, proto, NULL, 0,
                         WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (fd == INVALID_SOCKET)
    return fd;
  u_long on = 1;
  if (nonblocking && ioctlsocket(fd, FIONBIO, &on) != 0) {
    int e = WSAGetLastError();
    closesocket(fd);
    WSASetLastError(e);
    return INVALID_SOCKET;
  }
  return fd;
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
  SOCKET fd = ns__win_socket(family, n.type, proto, n.nonblocking);
  if (fd == INVALID_SOCKET)
    return ns__fail_sock("socket");
  return ns__socket_wrap(out, fd, family, n.type, proto, n.timeout_ns,
                         "socket");
}

ns_err ns_close(ns_socket *s)
{
  if (!s)
    return NS_OK;
  if (s->pollers)
    ns__poller_forget(s);
  int rc = closesocket(s->fd);
  int err = rc != 0 ? WSAGetLastError() : 0;
  free(s);
  /* Python ignores ECONNRESET from close(): not worth a failure. */
  if (rc != 0 && err != WSAECONNRESET)
    return ns__fail_winerror("close", err);
  return NS_OK;
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

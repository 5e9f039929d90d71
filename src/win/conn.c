/* SPDX-License-Identifier: MIT */
/*
 * Making connections on Winsock: bind, listen, accept, connect, shutdown,
 * and the two address queries.
 */
#include <string.h>

#include "os.h"

ns_err ns_bind(ns_socket *s, const ns_addr *addr)
{
  if (!s)
    return ns__fail_handle("bind");
  ns_err err = ns__addr_check_full(addr, "bind");
  if (err)
    return err;
  if (bind(s->fd, &addr->u.sa, addr->len) != 0)
    return ns__fail_sock("bind");
  return NS_OK;
}

ns_err ns_listen(ns_socket *s, int backlog)
{
  if (!s)
    return ns__fail_handle("listen");
  if (listen(s->fd, backlog < 0 ? 0 : backlog) != 0)
    return ns__fail_sock("listen");
  return NS_OK;
}

ns_err ns_accept(ns_socket *s, ns_socket **conn_out, ns_addr *addr_out)
{
  if (!s)
    return ns__fail_handle("accept");
  if (!conn_out)
    return ns__fail_null("accept", "accept(): conn_out is NULL");
  *conn_out = NULL;
  ns_addr peer;
  int len = sizeof peer.u;
  ns__deadline dl;
  ns_err err = ns__call_begin(s, &dl, SO_RCVTIMEO, "accept");
  if (err)
    return err;
  SOCKET fd;
  while ((fd = accept(s->fd, &peer.u.sa, &len)) == INVALID_SOCKET) {
    err = ns__call_retry(s, &dl, SO_RCVTIMEO, 0, "accept");
    if (err)
      return err;
    len = sizeof peer.u;
  }
  /* Not inherited by child processes, as every socket the library makes. */
  SetHandleInformation((HANDLE)fd, HANDLE_FLAG_INHERIT, 0);
  /* The new socket gets the default timeout, as Python's accept() gives
     it; it inherited the listener's blocking mode, which that may undo. */
  err = ns__socket_wrap(conn_out, fd, s->family, s->type, s->proto,
                        ns__default_timeout_ns(), "accept");
  if (err)
    return err;
  err = ns__timeout_adopt_accepted(s, *conn_out, "accept");
  if (err) {
    ns_close(*conn_out);
    *conn_out = NULL;
    return err;
  }
  if (addr_out) {
    peer.len = len;
    *addr_out = peer;
  }
  return NS_OK;
}

/* A connect under way in the background: wait for it and read its
   outcome, never connect() again (that would give WSAEALREADY). */
static ns_err finish_connect(ns_socket *s, const ns__deadline *dl,
                             const char *op)
{
  ns_err err = ns__wait_fd(s->fd, POLLOUT, dl, op);
  if (err)
    return err;
  int so_error = 0;
  int len = sizeof so_error;
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, (char *)&so_error, &len) != 0)
    return ns__fail_sock(op);
  return so_error ? ns__fail_sock_code(op, so_error) : NS_OK;
}

static ns_err connect_op(ns_socket *s, const ns_addr *addr, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  ns_err err = ns__addr_check_full(addr, op);
  if (err)
    return err;
  ns__deadline dl;
  err = ns__call_begin(s, &dl, SO_SNDTIMEO, op);
  if (err)
    return err;
  if (connect(s->fd, &addr->u.sa, addr->len) == 0)
    return NS_OK;
  int e = WSAGetLastError();
  if (e == WSAEWOULDBLOCK && s->timeout_ns > 0)
    return finish_connect(s, &dl, op);
  return ns__fail_winerror(op, e);
}

ns_err ns_connect(ns_socket *s, const ns_addr *addr)
{
  return connect_op(s, addr, "connect");
}

int ns_connect_ex(ns_socket *s, const ns_addr *addr)
{
  if (connect_op(s, addr, "connect_ex") == NS_OK)
    return 0;
  int e = ns_error_last_errno();
  if (e)
    return e;
  /* Python's connect_ex() gives EWOULDBLOCK (WSAEWOULDBLOCK on Windows)
     for its own timeout; a bad argument has no errno: call it EINVAL. */
  return ns_error_last_code() == NS_ERR_TIMEOUT ? WSAEWOULDBLOCK : EINVAL;
}

ns_err ns_shutdown(ns_socket *s, int how)
{
  if (!s)
    return ns__fail_handle("shutdown");
  if (shutdown(s->fd, how) != 0)
    return ns__fail_sock("shutdown");
  return NS_OK;
}

typedef int(WSAAPI *name_query)(SOCKET, struct sockaddr *, int *);

static ns_err query_name(ns_socket *s, ns_addr *out, name_query query,
                         const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!out)
    return ns__fail_null(op, "address out-parameter is NULL");
  int len = sizeof out->u;
  memset(out, 0, sizeof *out);
  if (query(s->fd, &out->u.sa, &len) != 0)
    return ns__fail_sock(op);
  out->len = len;
  return NS_OK;
}

ns_err ns_getsockname(ns_socket *s, ns_addr *out)
{
  return query_name(s, out, getsockname, "getsockname");
}

ns_err ns_getpeername(ns_socket *s, ns_addr *out)
{
  return query_name(s, out, getpeername, "getpeername");
}

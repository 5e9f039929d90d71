/* SPDX-License-Identifier: MIT */
/*
 * Making connections: bind, listen, accept, connect, shutdown, and the
 * two address queries.
 */
#include <string.h>

#include "internal.h"

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

/* The new socket gets the default timeout, as Python's accept() gives it;
   the timeout engine settles what its descriptor and kernel hold. */
static ns_err adopt_accepted(ns_socket *s, ns_socket **out, ns_os_socket fd,
                             int64_t timeout)
{
  ns_err err =
      ns__socket_wrap(out, fd, s->family, s->type, s->proto, timeout, "accept");
  if (err || !(err = ns__timeout_adopt_accepted(s, *out, "accept")))
    return err;
  ns_close(*out);
  *out = NULL;
  return err;
}

ns_err ns_accept(ns_socket *s, ns_socket **conn_out, ns_addr *addr_out)
{
  if (!s)
    return ns__fail_handle("accept");
  if (!conn_out)
    return ns__fail_null("accept", "accept(): conn_out is NULL");
  *conn_out = NULL;
  int64_t timeout = ns__default_timeout_ns();
  ns_addr peer;
  socklen_t len = sizeof peer.u;
  ns__deadline dl;
  ns_err err = ns__call_begin(s, &dl, SO_RCVTIMEO, "accept");
  if (err)
    return err;
  ns_os_socket fd;
  while (
      !NS__SOCKET_VALID(fd = ns__os_accept(s->fd, &peer.u.sa, &len,
                                           ns__timeout_nonblocking(timeout)))) {
    err = ns__call_retry(s, &dl, SO_RCVTIMEO, 0, "accept");
    if (err)
      return err;
    len = sizeof peer.u;
  }
  err = adopt_accepted(s, conn_out, fd, timeout);
  if (!err && addr_out) {
    peer.len = len;
    *addr_out = peer;
  }
  return err;
}

/*
 * TCP connects that were interrupted, or whose kernel timer fired, go on in
 * the background: wait for them and read the outcome, never call connect()
 * again (that would give EALREADY or EISCONN). An AF_UNIX connect that was
 * interrupted made no progress, so it is simply called again.
 */
static ns_err finish_connect(ns_socket *s, const ns__deadline *dl,
                             const char *op)
{
  ns_err err = ns__wait_fd(s->fd, POLLOUT, dl, op);
  if (err)
    return err;
  int so_error = 0;
  socklen_t len = sizeof so_error;
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, (void *)&so_error, &len) != 0)
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
  bool inet = s->family == AF_INET || s->family == AF_INET6;
  while (connect(s->fd, &addr->u.sa, addr->len) != 0) {
    int e = ns__sock_errno();
    if (inet && (e == NS__SOCK_EINTR ||
                 (e == NS__CONNECT_IN_PROGRESS && s->timeout_ns > 0)))
      return finish_connect(s, &dl, op);
    err = ns__call_retry(s, &dl, SO_SNDTIMEO, 0, op);
    if (err)
      return err;
  }
  return NS_OK;
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
  /* Python's connect_ex() gives EWOULDBLOCK (Windows: WSAEWOULDBLOCK) for
     its own timeout; a bad argument (ValueError, OverflowError) has no
     errno: call it EINVAL. */
  return ns_error_last_code() == NS_ERR_TIMEOUT ? NS__SOCK_EWOULDBLOCK : EINVAL;
}

ns_err ns_shutdown(ns_socket *s, int how)
{
  if (!s)
    return ns__fail_handle("shutdown");
  if (shutdown(s->fd, how) != 0)
    return ns__fail_sock("shutdown");
  return NS_OK;
}

/* getsockname, or getpeername when `peer`. */
static ns_err query_name(ns_socket *s, ns_addr *out, bool peer, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!out)
    return ns__fail_null(op, "address out-parameter is NULL");
  socklen_t len = sizeof out->u;
  memset(out, 0, sizeof *out);
  int rc = peer ? getpeername(s->fd, &out->u.sa, &len)
                : getsockname(s->fd, &out->u.sa, &len);
  if (rc != 0)
    return ns__fail_sock(op);
  out->len = len;
  return NS_OK;
}

ns_err ns_getsockname(ns_socket *s, ns_addr *out)
{
  return query_name(s, out, false, "getsockname");
}

ns_err ns_getpeername(ns_socket *s, ns_addr *out)
{
  return query_name(s, out, true, "getpeername");
}

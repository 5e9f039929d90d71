/* SPDX-License-Identifier: MIT */
/*
 * Making connections: bind, listen, accept, connect, shutdown, and the
 * two address queries.
 */
#include <poll.h>
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
    return ns__fail_errno("bind", errno);
  return NS_OK;
}

ns_err ns_listen(ns_socket *s, int backlog)
{
  if (!s)
    return ns__fail_handle("listen");
  if (listen(s->fd, backlog < 0 ? 0 : backlog) != 0)
    return ns__fail_errno("listen", errno);
  return NS_OK;
}

/* The new socket gets the default timeout, as Python's accept() gives it;
   the timeout engine settles what its descriptor and kernel hold. */
static ns_err adopt_accepted(ns_socket *s, ns_socket **out, int fd,
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
  int fd;
  while ((fd = ns__os_accept(s->fd, &peer.u.sa, &len,
                             ns__timeout_nonblocking(timeout))) < 0) {
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
  if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) != 0)
    return ns__fail_errno(op, errno);
  return so_error ? ns__fail_errno(op, so_error) : NS_OK;
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
    int e = errno;
    if (inet && (e == EINTR || (e == EINPROGRESS && s->timeout_ns > 0)))
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
  /* Python's connect_ex() gives EWOULDBLOCK for its own timeout; a bad
     argument (ValueError, OverflowError) has no errno: call it EINVAL. */
  return ns_error_last_code() == NS_ERR_TIMEOUT ? EWOULDBLOCK : EINVAL;
}

ns_err ns_shutdown(ns_socket *s, int how)
{
  if (!s)
    return ns__fail_handle("shutdown");
  if (shutdown(s->fd, how) != 0)
    return ns__fail_errno("shutdown", errno);
  return NS_OK;
}

typedef int (*name_query)(int, struct sockaddr *, socklen_t *);

static ns_err query_name(ns_socket *s, ns_addr *out, name_query query,
                         const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!out)
    return ns__fail_null(op, "address out-parameter is NULL");
  socklen_t len = sizeof out->u;
  memset(out, 0, sizeof *out);
  if (query(s->fd, &out->u.sa, &len) != 0)
    return ns__fail_errno(op, errno);
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

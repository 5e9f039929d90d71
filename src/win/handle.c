/* SPDX-License-Identifier: MIT */
/*
 * Handle utilities on Winsock: socketpair (emulated over loopback TCP, as
 * CPython does on Windows), fromfd, dup (WSADuplicateSocket into this
 * process), share and fromshare (into another), detach and inheritance
 * (the handle's HANDLE_FLAG_INHERIT).
 */
#include <stdlib.h>
#include <string.h>

#include "os.h"

/*
 * A connected TCP pair over loopback: a listener on an ephemeral port, a
 * client that connects, the accepted end checked to be that client (no
 * other program may slip in first). Python's socketpair() on Windows
 * takes AF_INET (its default there) or AF_INET6; AF_UNIX, the default
 * elsewhere, is taken as AF_INET, so a program written for both works.
 */
static int loopback_pair(int family, SOCKET out[2])
{
  SOCKET lsock = ns__os_socket(family, SOCK_STREAM, 0, false);
  SOCKET a = INVALID_SOCKET, b = INVALID_SOCKET;
  if (lsock == INVALID_SOCKET)
    return -1;
  ns_addr addr = NS_ADDR_INIT, peer = NS_ADDR_INIT, name = NS_ADDR_INIT;
  if (family == AF_INET6) {
    addr.u.in6.sin6_family = AF_INET6;
    addr.u.in6.sin6_addr = in6addr_loopback;
    addr.len = sizeof addr.u.in6;
  } else {
    addr.u.in4.sin_family = AF_INET;
    addr.u.in4.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.len = sizeof addr.u.in4;
  }
  int len = sizeof addr.u;
  if (bind(lsock, &addr.u.sa, addr.len) != 0 || listen(lsock, 1) != 0 ||
      getsockname(lsock, &addr.u.sa, &len) != 0)
    goto fail;
  a = ns__os_socket(family, SOCK_STREAM, 0, false);
  if (a == INVALID_SOCKET || connect(a, &addr.u.sa, len) != 0)
    goto fail;
  int plen = sizeof peer.u;
  b = ns__os_accept(lsock, &peer.u.sa, &plen, false);
  if (b == INVALID_SOCKET)
    goto fail;
  int nlen = sizeof name.u;
  if (getsockname(a, &name.u.sa, &nlen) != 0)
    goto fail;
  if (nlen != plen || memcmp(&name.u, &peer.u, (size_t)nlen) != 0) {
    WSASetLastError(WSAECONNABORTED);
    goto fail;
  }
  closesocket(lsock);
  out[0] = a;
  out[1] = b;
  return 0;
fail : {
  int e = WSAGetLastError();
  closesocket(lsock);
  if (a != INVALID_SOCKET)
    closesocket(a);
  if (b != INVALID_SOCKET)
    closesocket(b);
  WSASetLastError(e);
  return -1;
}
}

ns_err ns_socketpair(ns_socket **a_out, ns_socket **b_out, int family, int type,
                     int proto)
{
  const char *op = "socketpair";
  if (!a_out || !b_out)
    return ns__fail_null(op, "socketpair(): out is NULL");
  *a_out = NULL;
  *b_out = NULL;
  if (family == AF_UNIX)
    family = AF_INET;
  if (family != AF_INET && family != AF_INET6)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "Only AF_INET and AF_INET6 socket address families "
                        "are supported");
  ns__new_socket k = ns__new_socket_of(type);
  if (k.type != SOCK_STREAM)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "Only SOCK_STREAM socket type is supported");
  if (proto != 0)
    return ns__fail_msg(NS_ERR_VALUE, op, "Only protocol zero is supported");
  ns_err err = ns__net_init(op);
  if (err)
    return err;
  SOCKET fds[2];
  if (loopback_pair(family, fds) != 0)
    return ns__fail_sock(op);
  err = ns__socket_wrap(a_out, fds[0], family, k.type, proto, k.timeout_ns, op);
  if (err) {
    closesocket(fds[1]);
    return err;
  }
  err = ns__socket_wrap(b_out, fds[1], family, k.type, proto, k.timeout_ns, op);
  for (int i = 0; !err && i < 2; i++)
    if (k.nonblocking)
      err = ns__set_nonblocking(i ? (*b_out)->fd : (*a_out)->fd, true, op);
  if (err) {
    ns_close(*a_out);
    ns_close(*b_out);
    *a_out = NULL;
    *b_out = NULL;
  }
  return err;
}

ns_err ns_fromfd(ns_socket **out, ns_os_socket fd)
{
  if (!out)
    return ns__fail_null("fromfd", "fromfd(): out is NULL");
  *out = NULL;
  if (fd == INVALID_SOCKET) /* -1, as Python on Windows checks it */
    return ns__fail_msg(NS_ERR_VALUE, "fromfd", "negative file descriptor");
  ns_err err = ns__net_init("fromfd");
  if (err)
    return err;
  WSAPROTOCOL_INFOW info;
  int len = sizeof info;
  if (getsockopt(fd, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) != 0)
    return ns__fail_sock("fromfd");
  /* Winsock cannot say whether a socket is non-blocking: put it in the
     mode its default timeout wants. */
  int64_t timeout = ns__default_timeout_ns();
  err = ns__set_nonblocking(fd, ns__timeout_nonblocking(timeout), "fromfd");
  if (err)
    return err;
  /* Winsock timers other code left would cut blocking calls short, and
     leave the socket undefined when they fire: clear them. */
  DWORD none = 0;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, (const char *)&none,
                 sizeof none) != 0 ||
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, (const char *)&none,
                 sizeof none) != 0)
    return ns__fail_sock("fromfd");
  return ns__socket_wrap(out, fd, info.iAddressFamily, info.iSocketType,
                         info.iProtocol, timeout, "fromfd");
}

/* A socket from what WSADuplicateSocketW wrote (for this process or
   another), not inherited by child processes. */
static SOCKET socket_from_info(WSAPROTOCOL_INFOW *info)
{
  return WSASocketW(FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO, FROM_PROTOCOL_INFO,
                    info, 0, WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

ns_err ns_dup(ns_socket *s, ns_socket **out)
{
  if (!s)
    return ns__fail_handle("dup");
  if (!out)
    return ns__fail_null("dup", "dup(): out is NULL");
  *out = NULL;
  WSAPROTOCOL_INFOW info;
  if (WSADuplicateSocketW(s->fd, GetCurrentProcessId(), &info) != 0)
    return ns__fail_sock("dup");
  SOCKET fd = socket_from_info(&info);
  if (fd == INVALID_SOCKET)
    return ns__fail_sock("dup");
  /* The copy shares the socket, and so its blocking mode. */
  return ns__socket_wrap(out, fd, s->family, s->type, s->proto, s->timeout_ns,
                         "dup");
}

ns_os_socket ns_detach(ns_socket *s)
{
  if (!s)
    return NS_INVALID_SOCKET;
  SOCKET fd = s->fd;
  if (s->pollers)
    ns__poller_forget(s);
  free(s);
  return fd;
}

ns_err ns_get_inheritable(ns_socket *s, bool *out)
{
  if (!s)
    return ns__fail_handle("get_inheritable");
  if (!out)
    return ns__fail_null("get_inheritable", "get_inheritable(): out is NULL");
  DWORD flags;
  if (!GetHandleInformation((HANDLE)s->fd, &flags))
    return ns__fail_winerror("get_inheritable", (int)GetLastError());
  *out = (flags & HANDLE_FLAG_INHERIT) != 0;
  return NS_OK;
}

ns_err ns_set_inheritable(ns_socket *s, bool inheritable)
{
  if (!s)
    return ns__fail_handle("set_inheritable");
  if (!SetHandleInformation((HANDLE)s->fd, HANDLE_FLAG_INHERIT,
                            inheritable ? HANDLE_FLAG_INHERIT : 0))
    return ns__fail_winerror("set_inheritable", (int)GetLastError());
  return NS_OK;
}

ns_err ns_share(ns_socket *s, unsigned long pid, void *buf, size_t size,
                size_t *len_out)
{
  if (len_out)
    *len_out = 0;
  if (!s)
    return ns__fail_handle("share");
  if (!buf || !len_out)
    return ns__fail_null("share", "share(): buf or len_out is NULL");
  WSAPROTOCOL_INFOW info;
  if (size < sizeof info)
    return ns__fail_fmt(NS_ERR_OVERFLOW, "share",
                        "buffer too small: the result needs %zu bytes",
                        sizeof info);
  if (WSADuplicateSocketW(s->fd, (DWORD)pid, &info) != 0)
    return ns__fail_sock("share");
  memcpy(buf, &info, sizeof info);
  *len_out = sizeof info;
  return NS_OK;
}

ns_err ns_fromshare(ns_socket **out, const void *data, size_t len)
{
  if (!out)
    return ns__fail_null("fromshare", "fromshare(): out is NULL");
  *out = NULL;
  if (!data)
    return ns__fail_null("fromshare", "fromshare(): data is NULL");
  WSAPROTOCOL_INFOW info;
  if (len != sizeof info) /* Python's check and message */
    return ns__fail_msg(NS_ERR_VALUE, "fromshare", "wrong size");
  ns_err err = ns__net_init("fromshare");
  if (err)
    return err;
  memcpy(&info, data, sizeof info);
  SOCKET fd = socket_from_info(&info);
  if (fd == INVALID_SOCKET)
    return ns__fail_sock("fromshare");
  int64_t timeout = ns__default_timeout_ns();
  err = ns__set_nonblocking(fd, ns__timeout_nonblocking(timeout), "fromshare");
  if (err) {
    closesocket(fd);
    return err;
  }
  return ns__socket_wrap(out, fd, info.iAddressFamily, info.iSocketType,
                         info.iProtocol, timeout, "fromshare");
}

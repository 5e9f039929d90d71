/* SPDX-License-Identifier: MIT */
/*
 * Sending and receiving on Winsock. One call when it can complete at once;
 * otherwise the timeout engine (timeout.c) waits and the call is tried
 * again. Winsock counts bytes in int: longer buffers are taken in part,
 * as Python on Windows does.
 */
#include <string.h>

#include "os.h"

static ns_err io_args_check(const ns_socket *s, const void *buf, size_t len,
                            const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!buf && len)
    return ns__fail_null(op, "buffer is NULL with a non-zero length");
  if (len > SSIZE_MAX)
    return ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
  return NS_OK;
}

enum io_kind { IO_SEND, IO_SENDTO, IO_RECV, IO_RECVFROM };

/* One attempt: the byte count, or SOCKET_ERROR (WSAGetLastError). */
static int io_once(enum io_kind kind, ns_socket *s, void *buf, size_t len,
                   int flags, const ns_addr *to, ns_addr *from)
{
  int n = ns__win_len(len);
  switch (kind) {
  case IO_SEND:
    return send(s->fd, buf, n, flags);
  case IO_SENDTO:
    return sendto(s->fd, buf, n, flags, &to->u.sa, to->len);
  case IO_RECV:
    return recv(s->fd, buf, n, flags);
  case IO_RECVFROM:
    break;
  }
  if (!from)
    return recvfrom(s->fd, buf, n, flags, NULL, NULL);
  from->len = sizeof from->u;
  return recvfrom(s->fd, buf, n, flags, &from->u.sa, &from->len);
}

static ns_err io_call(enum io_kind kind, ns_socket *s, void *buf, size_t len,
                      int flags, const ns_addr *to, ns_addr *from,
                      size_t *count_out, const char *op)
{
  int which = kind <= IO_SENDTO ? SO_SNDTIMEO : SO_RCVTIMEO;
  ns__deadline dl;
  ns_err err = ns__call_begin(s, &dl, which, op);
  int n;
  while (!err && (n = io_once(kind, s, buf, len, flags, to, from)) < 0)
    err = ns__call_retry(s, &dl, which, flags, op);
  if (err) {
    /* A failed recvfrom leaves no sender behind: its address is empty. */
    if (from)
      memset(from, 0, sizeof *from);
    return err;
  }
  if (count_out)
    *count_out = (size_t)n;
  return NS_OK;
}

ns_err ns_send(ns_socket *s, const void *buf, size_t len, int flags,
               size_t *sent_out)
{
  ns_err err = io_args_check(s, buf, len, "send");
  if (err)
    return err;
  return io_call(IO_SEND, s, (void *)buf, len, flags, NULL, NULL, sent_out,
                 "send");
}

ns_err ns_sendall(ns_socket *s, const void *buf, size_t len, int flags,
                  size_t *sent_out)
{
  size_t sent = 0;
  ns_err err = io_args_check(s, buf, len, "sendall");
  ns__deadline dl;
  if (!err)
    err = ns__call_begin(s, &dl, SO_SNDTIMEO, "sendall");
  while (!err && sent < len) {
    int n =
        send(s->fd, (const char *)buf + sent, ns__win_len(len - sent), flags);
    if (n < 0)
      err = ns__call_retry(s, &dl, SO_SNDTIMEO, flags, "sendall");
    else if ((sent += (size_t)n) < len)
      err = ns__call_continue(s, &dl, SO_SNDTIMEO, "sendall");
  }
  if (sent_out)
    *sent_out = sent;
  return err;
}

ns_err ns_sendto(ns_socket *s, const void *buf, size_t len, int flags,
                 const ns_addr *addr, size_t *sent_out)
{
  ns_err err = io_args_check(s, buf, len, "sendto");
  if (!err)
    err = ns__addr_check(addr, "sendto");
  if (err)
    return err;
  return io_call(IO_SENDTO, s, (void *)buf, len, flags, addr, NULL, sent_out,
                 "sendto");
}

ns_err ns_recv(ns_socket *s, void *buf, size_t len, int flags,
               size_t *received_out)
{
  ns_err err = io_args_check(s, buf, len, "recv");
  if (err)
    return err;
  return io_call(IO_RECV, s, buf, len, flags, NULL, NULL, received_out, "recv");
}

ns_err ns_recvfrom(ns_socket *s, void *buf, size_t len, int flags,
                   size_t *received_out, ns_addr *addr_out)
{
  ns_err err = io_args_check(s, buf, len, "recvfrom");
  if (err)
    return err;
  return io_call(IO_RECVFROM, s, buf, len, flags, NULL, addr_out, received_out,
                 "recvfrom");
}

/* SPDX-License-Identifier: MIT */
/*
 * Sending and receiving. Each call is one system call when it can complete
 * at once, timeout or not; see timeout.c for what happens when it cannot.
 */
#include <limits.h>

#include "internal.h"

/* The checks every I/O call makes before its system call. */
static inline ns_err check_io(ns_socket *s, const void *buf, size_t len,
                              const size_t *count_out, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!buf && len)
    return ns__fail_null(op, "buffer is NULL with a non-zero length");
  if (!count_out)
    return ns__fail_null(op, "byte count out-parameter is NULL");
  if (len > SSIZE_MAX)
    return ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
  return NS_OK;
}

ns_err ns_send(ns_socket *s, const void *buf, size_t len, int flags,
               size_t *sent_out)
{
  ns_err err = check_io(s, buf, len, sent_out, "send");
  if (err)
    return err;
  ns__deadline dl;
  if ((err = ns__call_begin(s, &dl, SO_SNDTIMEO, "send")))
    return err;
  ssize_t n;
  while ((n = send(s->fd, buf, len, flags | MSG_NOSIGNAL)) < 0)
    if ((err = ns__call_retry(s, &dl, SO_SNDTIMEO, flags, "send")))
      return err;
  *sent_out = (size_t)n;
  return NS_OK;
}

ns_err ns_sendall(ns_socket *s, const void *buf, size_t len, int flags,
                  size_t *sent_out)
{
  size_t sent = 0;
  ns_err err = check_io(s, buf, len, &sent, "sendall");
  ns__deadline dl;
  if (!err)
    err = ns__call_begin(s, &dl, SO_SNDTIMEO, "sendall");
  /* A blocking send takes everything unless a signal or the kernel's timer
     cuts it short, so this loop usually runs once. */
  while (!err) {
    ssize_t n = send(s->fd, (const char *)buf + sent, len - sent,
                     flags | MSG_NOSIGNAL);
    if (n < 0) {
      err = ns__call_retry(s, &dl, SO_SNDTIMEO, flags, "sendall");
      continue;
    }
    sent += (size_t)n;
    if (sent == len)
      break;
    err = ns__call_continue(s, &dl, SO_SNDTIMEO, "sendall");
  }
  if (sent_out)
    *sent_out = sent;
  return err;
}

ns_err ns_sendto(ns_socket *s, const void *buf, size_t len, int flags,
                 const ns_addr *addr, size_t *sent_out)
{
  ns_err err = check_io(s, buf, len, sent_out, "sendto");
  if (!err)
    err = ns__addr_check(addr, "sendto");
  if (err)
    return err;
  ns__deadline dl;
  if ((err = ns__call_begin(s, &dl, SO_SNDTIMEO, "sendto")))
    return err;
  ssize_t n;
  while ((n = sendto(s->fd, buf, len, flags | MSG_NOSIGNAL, &addr->u.sa,
                     addr->len)) < 0)
    if ((err = ns__call_retry(s, &dl, SO_SNDTIMEO, flags, "sendto")))
      return err;
  *sent_out = (size_t)n;
  return NS_OK;
}

ns_err ns_recv(ns_socket *s, void *buf, size_t len, int flags,
               size_t *received_out)
{
  ns_err err = check_io(s, buf, len, received_out, "recv");
  if (err)
    return err;
  ns__deadline dl;
  if ((err = ns__call_begin(s, &dl, SO_RCVTIMEO, "recv")))
    return err;
  ssize_t n;
  while ((n = recv(s->fd, buf, len, flags)) < 0)
    if ((err = ns__call_retry(s, &dl, SO_RCVTIMEO, flags, "recv")))
      return err;
  *received_out = (size_t)n;
  return NS_OK;
}

ns_err ns_recvfrom(ns_socket *s, void *buf, size_t len, int flags,
                   size_t *received_out, ns_addr *addr_out)
{
  ns_err err = check_io(s, buf, len, received_out, "recvfrom");
  if (err)
    return err;
  ns__deadline dl;
  if ((err = ns__call_begin(s, &dl, SO_RCVTIMEO, "recvfrom")))
    return err;
  struct sockaddr *sa = addr_out ? &addr_out->u.sa : NULL;
  socklen_t addr_len = addr_out ? sizeof addr_out->u : 0;
  ssize_t n;
  while ((n = recvfrom(s->fd, buf, len, flags, sa, &addr_len)) < 0) {
    if ((err = ns__call_retry(s, &dl, SO_RCVTIMEO, flags, "recvfrom")))
      return err;
    addr_len = addr_out ? sizeof addr_out->u : 0;
  }
  if (addr_out)
    addr_out->len = addr_len;
  *received_out = (size_t)n;
  return NS_OK;
}

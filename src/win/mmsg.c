/* SPDX-License-Identifier: MIT */
/*
 * Datagram batches on Winsock, which has no sendmmsg/recvmmsg: a loop of
 * ns_sendto/ns_recvfrom with the same rules (stop at the first refusal
 * once one went; wait only for the first datagram received).
 */
#include "os.h"

static ns_err batch_args(ns_socket *s, const ns_datagram *msgs, size_t n,
                         size_t *count_out, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!count_out)
    return ns__fail_null(op, "count out-parameter is NULL");
  *count_out = 0;
  if (!msgs && n)
    return ns__fail_null(op, "datagram array is NULL with a non-zero count");
  return NS_OK;
}

ns_err ns_sendmmsg(ns_socket *s, ns_datagram *msgs, size_t n, int flags,
                   size_t *count_out)
{
  ns_err err = batch_args(s, msgs, n, count_out, "sendmmsg");
  for (size_t i = 0; !err && i < n; i++) {
    ns_datagram *d = &msgs[i];
    err = d->addr.len
              ? ns_sendto(s, d->buf, d->len, flags, &d->addr, &d->nbytes)
              : ns_send(s, d->buf, d->len, flags, &d->nbytes);
    if (err)
      return i ? NS_OK : err;
    d->flags = 0;
    *count_out = i + 1;
  }
  return err;
}

ns_err ns_recvmmsg(ns_socket *s, ns_datagram *msgs, size_t n, int flags,
                   size_t *count_out)
{
  ns_err err = batch_args(s, msgs, n, count_out, "recvmmsg");
  if (err)
    return err;
  /* After the first datagram, take only what is already there. */
  int64_t timeout = s->timeout_ns;
  for (size_t i = 0; i < n; i++) {
    ns_datagram *d = &msgs[i];
    if (i == 1 && (err = ns__timeout_apply(s, 0, "recvmmsg")))
      break;
    err = ns_recvfrom(s, d->buf, d->len, flags, &d->nbytes, &d->addr);
    if (err)
      break;
    d->flags = 0;
    *count_out = i + 1;
  }
  if (n > 1) {
    ns_err restore = ns__timeout_apply(s, timeout, "recvmmsg");
    if (!err)
      err = restore;
  }
  return *count_out ? NS_OK : err;
}

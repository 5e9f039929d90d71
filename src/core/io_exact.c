/* SPDX-License-Identifier: MIT */
/*
 * Exact reads: the receiving twin of sendall. MSG_WAITALL lets a blocking
 * socket fill the whole buffer in one system call; the loop only runs
 * again after a signal or the kernel's timer cut a read short.
 */
#include <limits.h>

#include "internal.h"

ns_err ns_recv_exact(ns_socket *s, void *buf, size_t len, size_t *received_out)
{
  const char *op = "recv_exact";
  size_t got = 0;
  ns_err err = NS_OK;
  ns__deadline dl;
  if (!s)
    err = ns__fail_handle(op);
  else if (!buf && len)
    err = ns__fail_null(op, "buffer is NULL with a non-zero length");
  else if (len > SSIZE_MAX)
    err = ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
  else if (len)
    err = ns__call_begin(s, &dl, SO_RCVTIMEO, op);
  while (!err && got < len) {
    ssize_t n = recv(s->fd, (char *)buf + got, len - got, MSG_WAITALL);
    if (n < 0) {
      err = ns__call_retry(s, &dl, SO_RCVTIMEO, 0, op);
      continue;
    }
    if (n == 0) {
      err = ns__fail_fmt(NS_ERR_OS, op,
                         "connection closed after %zu of %zu "
                         "bytes",
                         got, len);
      break;
    }
    got += (size_t)n;
    if (got < len)
      err = ns__call_continue(s, &dl, SO_RCVTIMEO, op);
  }
  if (received_out)
    *received_out = got;
  return err;
}

/* SPDX-License-Identifier: MIT */
/*
 * What every backend's sendfile checks first, in the order and with the
 * messages of Python's socket.sendfile().
 */
#include "internal.h"

ns_err ns__sendfile_check(const ns_socket *s, int64_t offset, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (offset < 0)
    return ns__fail_fmt(NS_ERR_VALUE, op,
                        "offset must be a positive integer (got %lld)",
                        (long long)offset);
  if (s->timeout_ns == 0)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "non-blocking sockets are not supported");
  return NS_OK;
}

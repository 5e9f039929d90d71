/* SPDX-License-Identifier: MIT */
/*
 * Socket options, raw and as ints. SO_RCVTIMEO and SO_SNDTIMEO belong to
 * ns_settimeout(): set through here, they are overwritten by the next call
 * that has a timeout, and cut short the calls of a socket that has none.
 */
#include "internal.h"

ns_err ns_setsockopt(ns_socket *s, int level, int name, const void *value,
                     size_t len)
{
  if (!s)
    return ns__fail_handle("setsockopt");
  if (!value && len)
    return ns__fail_null("setsockopt", "value is NULL with a non-zero length");
  if (len > NS__SOCKLEN_MAX)
    return ns__fail_msg(NS_ERR_OVERFLOW, "setsockopt", "option too long");
  if (setsockopt(s->fd, level, name, value, (socklen_t)len) != 0)
    return ns__fail_sock("setsockopt");
#if NS_TIMEOUT_KERNEL_TIMERS
  if (level == SOL_SOCKET && (name == SO_RCVTIMEO || name == SO_SNDTIMEO))
    atomic_store_explicit(ns__kernel_slot(s, name), NS__KERNEL_UNKNOWN,
                          memory_order_relaxed);
#endif
  return NS_OK;
}

ns_err ns_getsockopt(ns_socket *s, int level, int name, void *value,
                     size_t *len)
{
  if (!s)
    return ns__fail_handle("getsockopt");
  if (!len || (!value && *len))
    return ns__fail_null("getsockopt", "value or length is NULL");
  socklen_t n = (socklen_t)(*len > NS__SOCKLEN_MAX ? NS__SOCKLEN_MAX : *len);
  if (getsockopt(s->fd, level, name, value, &n) != 0)
    return ns__fail_sock("getsockopt");
  *len = n;
  return NS_OK;
}

ns_err ns_setsockopt_int(ns_socket *s, int level, int name, int value)
{
  return ns_setsockopt(s, level, name, &value, sizeof value);
}

ns_err ns_getsockopt_int(ns_socket *s, int level, int name, int *out)
{
  if (!s)
    return ns__fail_handle("getsockopt");
  if (!out)
    return ns__fail_null("getsockopt", "out is NULL");
  int value = 0;
  size_t len = sizeof value;
  ns_err err = ns_getsockopt(s, level, name, &value, &len);
  if (!err)
    *out = value;
  return err;
}

/* SPDX-License-Identifier: MIT */
/*
 * Timeouts and blocking mode as the caller sees them: Python's checks on
 * the value, the default timeout, and the public calls. How a timeout is
 * enforced is the timeout engine's (ns__timeout_apply and the ns__call_*
 * helpers): unix/timeout_kernel.c where the kernel's socket timers hold
 * for every call, unix/timeout_poll.c everywhere else.
 */
#include <math.h>

#include "internal.h"

/* About 146 years: far enough, and deadline arithmetic cannot overflow. */
#define MAX_TIMEOUT_NS ((int64_t)1 << 62)

static _Atomic int64_t default_timeout_ns = NS__TIMEOUT_NONE_NS;

ns_err ns__timeout_from_seconds(double seconds, int64_t *out, const char *op)
{
  if (isnan(seconds))
    return ns__fail_msg(NS_ERR_VALUE, op, "Invalid value NaN (not a number)");
  if (seconds == NS_TIMEOUT_NONE) {
    *out = NS__TIMEOUT_NONE_NS;
    return NS_OK;
  }
  if (seconds < 0)
    return ns__fail_msg(NS_ERR_VALUE, op, "Timeout value out of range");
  double ns = ceil(seconds * 1e9); /* round up, as Python does */
  *out = ns >= (double)MAX_TIMEOUT_NS ? MAX_TIMEOUT_NS : (int64_t)ns;
  return NS_OK;
}

static double timeout_to_seconds(int64_t ns)
{
  return ns < 0 ? NS_TIMEOUT_NONE : (double)ns / 1e9;
}

int64_t ns__default_timeout_ns(void)
{
  return atomic_load_explicit(&default_timeout_ns, memory_order_relaxed);
}

ns_err ns_settimeout(ns_socket *s, double seconds)
{
  if (!s)
    return ns__fail_handle("settimeout");
  int64_t t = 0;
  ns_err err = ns__timeout_from_seconds(seconds, &t, "settimeout");
  return err ? err : ns__timeout_apply(s, t, "settimeout");
}

double ns_gettimeout(const ns_socket *s)
{
  return s ? timeout_to_seconds(s->timeout_ns) : NS_TIMEOUT_NONE;
}

ns_err ns_setblocking(ns_socket *s, bool blocking)
{
  if (!s)
    return ns__fail_handle("setblocking");
  return ns__timeout_apply(s, blocking ? NS__TIMEOUT_NONE_NS : 0,
                           "setblocking");
}

bool ns_getblocking(const ns_socket *s)
{
  return s && s->timeout_ns != 0;
}

ns_err ns_setdefaulttimeout(double seconds)
{
  int64_t t = 0;
  ns_err err = ns__timeout_from_seconds(seconds, &t, "setdefaulttimeout");
  if (!err)
    atomic_store_explicit(&default_timeout_ns, t, memory_order_relaxed);
  return err;
}

double ns_getdefaulttimeout(void)
{
  return timeout_to_seconds(ns__default_timeout_ns());
}

#if !NS_TIMEOUT_KERNEL_TIMERS
/* The engines that wait, then call (POSIX poll, Winsock select) keep
   nothing in the kernel: going on is only a check of the deadline. */
ns_err ns__call_continue(ns_socket *s, ns__deadline *dl, int which,
                         const char *op)
{
  (void)s;
  (void)which;
  if (dl->at_ns && ns__now_ns() >= dl->at_ns)
    return ns__fail_timeout(op);
  return NS_OK;
}
#endif

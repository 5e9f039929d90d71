/* SPDX-License-Identifier: MIT */
/*
 * Timeouts and blocking mode, and the helpers every blocking call shares.
 *
 * How a timeout is enforced (docs/timeouts.md has the measurements):
 * - none: a blocking descriptor, exactly the system calls raw code makes;
 * - 0: an O_NONBLOCK descriptor; a call that would wait is BlockingIOError;
 * - > 0: a blocking descriptor whose SO_RCVTIMEO/SO_SNDTIMEO hold the
 *   timeout, plus a CLOCK_MONOTONIC deadline taken at the start of the
 *   call. A call that can complete costs one system call, as raw code; when
 *   it waits, the kernel wakes it at the timer tick after the timeout. An
 *   interruption or a partial send cuts the kernel timeout to the time left
 *   on the deadline, so retries never extend it.
 */
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <sys/time.h>
#include <time.h>

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

int ns__set_kernel_timeout(int fd, int which, int64_t ns)
{
  struct timeval tv = {0, 0};
  if (ns > 0) {
    /* Round up to whole microseconds; {0, 0} would mean "no timeout". */
    int64_t us = (ns + 999) / 1000;
    tv.tv_sec = (time_t)(us / 1000000);
    tv.tv_usec = (suseconds_t)(us % 1000000);
  }
  return setsockopt(fd, SOL_SOCKET, which, &tv, sizeof tv);
}

ns_err ns__sync_kernel_timeout(ns_socket *s, int which, int64_t ns,
                               const char *op)
{
  _Atomic int64_t *slot = ns__kernel_slot(s, which);
  if (atomic_load_explicit(slot, memory_order_relaxed) == ns)
    return NS_OK;
  if (ns__set_kernel_timeout(s->fd, which, ns) != 0)
    return ns__fail_errno(op, errno);
  atomic_store_explicit(slot, ns, memory_order_relaxed);
  if (ns != 0)
    atomic_store_explicit(&s->kernel_timers_used, true, memory_order_relaxed);
  return NS_OK;
}

void ns__forget_kernel_timers(ns_socket *s)
{
  atomic_store_explicit(&s->rcv_kernel_ns, NS__KERNEL_UNKNOWN,
                        memory_order_relaxed);
  atomic_store_explicit(&s->snd_kernel_ns, NS__KERNEL_UNKNOWN,
                        memory_order_relaxed);
  atomic_store_explicit(&s->kernel_timers_used, true, memory_order_relaxed);
}

/*
 * The kernel's timer counts in ticks (4 ms at HZ=250) and may fire a little
 * before the deadline. Re-arming it for a remainder shorter than a tick
 * would round up to a whole extra tick, so such a remainder is waited out
 * with poll(2), which is precise, before the call is tried again.
 */
#define SHORT_REMAINDER_NS (5 * 1000000)

/* Fail if the deadline has passed, else cut the kernel's timer to it. */
static ns_err cut_to_deadline(ns_socket *s, const ns__deadline *dl,
                              int which, const char *op)
{
  int64_t left = dl->at_ns - ns__now_ns();
  if (left <= 0)
    return ns__fail_timeout(op);
  if (left < SHORT_REMAINDER_NS) {
    short events = which == SO_RCVTIMEO ? POLLIN : POLLOUT;
    ns_err err = ns__wait_fd(s->fd, events, dl, op);
    if (err)
      return err;
    /* Ready, but the call may still wait: let it have only what is left,
       never a whole tick past the deadline. */
    if ((left = dl->at_ns - ns__now_ns()) <= 0)
      left = 1;
  }
  return ns__sync_kernel_timeout(s, which, left, op);
}

ns_err ns__call_retry(ns_socket *s, ns__deadline *dl, int which, int flags,
                      const char *op)
{
  int err = errno;
  if (err == EINTR)
    return dl->at_ns ? cut_to_deadline(s, dl, which, op) : NS_OK;
  /* With a timeout, EAGAIN is the kernel's timer, unless the caller asked
     for MSG_DONTWAIT. */
  if ((err == EAGAIN || err == EWOULDBLOCK) && dl->at_ns &&
      !(flags & MSG_DONTWAIT))
    return cut_to_deadline(s, dl, which, op);
  return ns__fail_errno(op, err);
}

ns_err ns__call_continue(ns_socket *s, ns__deadline *dl, int which,
                         const char *op)
{
  return dl->at_ns ? cut_to_deadline(s, dl, which, op) : NS_OK;
}

ns_err ns__wait_fd(int fd, short events, const ns__deadline *dl,
                   const char *op)
{
  for (;;) {
    int ms = dl->at_ns ? ns__poll_ms(dl->at_ns - ns__now_ns()) : -1;
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, ms);
    if (n > 0)
      return NS_OK;
    if (n == 0) {
      if (ns__now_ns() >= dl->at_ns)
        return ns__fail_timeout(op);
      continue;
    }
    if (errno != EINTR)
      return ns__fail_errno(op, errno);
  }
}

int64_t ns__default_timeout_ns(void)
{
  return atomic_load_explicit(&default_timeout_ns, memory_order_relaxed);
}

/* ---- public ------------------------------------------------------------ */

static ns_err set_nonblocking(int fd, bool on, const char *op)
{
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0)
    return ns__fail_errno(op, errno);
  int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0)
    return ns__fail_errno(op, errno);
  return NS_OK;
}

static ns_err apply_timeout(ns_socket *s, int64_t t, const char *op)
{
  bool was_nonblocking = s->timeout_ns == 0;
  if (was_nonblocking != (t == 0)) {
    ns_err err = set_nonblocking(s->fd, t == 0, op);
    if (err)
      return err;
  }
  /* The kernel holds the timeout itself when there is one, nothing else. */
  int64_t kernel = t > 0 ? t : 0;
  ns_err err = ns__sync_kernel_timeout(s, SO_RCVTIMEO, kernel, op);
  if (!err)
    err = ns__sync_kernel_timeout(s, SO_SNDTIMEO, kernel, op);
  if (!err)
    s->timeout_ns = t;
  return err;
}

ns_err ns_settimeout(ns_socket *s, double seconds)
{
  if (!s)
    return ns__fail_handle("settimeout");
  int64_t t = 0;
  ns_err err = ns__timeout_from_seconds(seconds, &t, "settimeout");
  return err ? err : apply_timeout(s, t, "settimeout");
}

double ns_gettimeout(const ns_socket *s)
{
  return s ? timeout_to_seconds(s->timeout_ns) : NS_TIMEOUT_NONE;
}

ns_err ns_setblocking(ns_socket *s, bool blocking)
{
  if (!s)
    return ns__fail_handle("setblocking");
  return apply_timeout(s, blocking ? NS__TIMEOUT_NONE_NS : 0, "setblocking");
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

/* SPDX-License-Identifier: MIT */
/*
 * The kernel-timer timeout engine, for kernels that honour SO_RCVTIMEO and
 * SO_SNDTIMEO in every blocking socket call (Linux): the helpers every
 * blocking call shares.
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
#include <poll.h>

#include "internal.h"

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

/*
 * Put a new timeout in force: the descriptor is non-blocking only for 0,
 * and the kernel holds the timeout itself when there is one, nothing else.
 */
ns_err ns__timeout_apply(ns_socket *s, int64_t t, const char *op)
{
  bool was_nonblocking = s->timeout_ns == 0;
  if (was_nonblocking != (t == 0)) {
    ns_err err = ns__set_nonblocking(s->fd, t == 0, op);
    if (err)
      return err;
  }
  int64_t kernel = t > 0 ? t : 0;
  ns_err err = ns__sync_kernel_timeout(s, SO_RCVTIMEO, kernel, op);
  if (!err)
    err = ns__sync_kernel_timeout(s, SO_SNDTIMEO, kernel, op);
  if (!err)
    s->timeout_ns = t;
  return err;
}

/*
 * A TCP connection starts with a copy of the listener's SO_RCVTIMEO and
 * SO_SNDTIMEO as they were when its handshake completed (an AF_UNIX one
 * with none), so once the listener has ever had timers, what the new
 * socket's kernel holds is unknown: a timed socket sets its timers on its
 * first call, an untimed one has them cleared now.
 */
ns_err ns__timeout_adopt_accepted(const ns_socket *listener, ns_socket *c,
                                  const char *op)
{
  if (!atomic_load_explicit(&listener->kernel_timers_used,
                            memory_order_relaxed))
    return NS_OK;
  ns__forget_kernel_timers(c);
  if (c->timeout_ns > 0)
    return NS_OK;
  ns_err err = ns__sync_kernel_timeout(c, SO_RCVTIMEO, 0, op);
  return err ? err : ns__sync_kernel_timeout(c, SO_SNDTIMEO, 0, op);
}

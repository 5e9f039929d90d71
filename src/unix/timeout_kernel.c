/* SPDX-License-Identifier: MIT */
/*
 * The kernel-timer timeout engine, for kernels that honour SO_RCVTIMEO and
 * SO_SNDTIMEO in every blocking socket call (Linux): the helpers every
 * blocking call shares.
 *
 * How a timeout is enforced (docs/timeouts.md has the measurements):
 * - none: a blocking descriptor, exactly the system calls raw code makes;
 * - 0: an O_NONBLOCK descriptor; a call that would wait is BlockingIOError;
 * - > 0: a CLOCK_MONOTONIC deadline taken at the start of the call, and a
 *   first attempt that costs one system call when it can complete, as in
 *   raw code. What happens when it cannot depends on the timeout's length
 *   in kernel timer ticks (the tick is read from the system once):
 *   - a long timeout (at least SHORT_TICKS ticks): the descriptor is
 *     blocking and SO_RCVTIMEO/SO_SNDTIMEO hold the timeout less a margin,
 *     so the kernel's timer, which counts whole ticks and may fire up to a
 *     tick (an eighth of the wait, for long waits) late, expires *before*
 *     the deadline; the rest, the call's final stretch, is waited out with
 *     ppoll(2), whose timer is precise to microseconds;
 *   - a short timeout: the descriptor is O_NONBLOCK, the call is tried
 *     once, and ppoll(2) waits the whole timeout when it would block.
 *   An interruption or a partial send before the final stretch re-arms
 *   the kernel's timer for the time left; retries never extend the
 *   deadline (PEP 475).
 */
#include <poll.h>
#include <time.h>

#include "internal.h"

/* A timeout shorter than this many ticks is waited with ppoll alone: the
   kernel's timer could not end even its first sleep before the deadline. */
#define SHORT_TICKS 4

/* When the system cannot say: the coarsest tick Linux is built with. */
#define FALLBACK_TICK_NS ((int64_t)10000000)

static _Atomic int64_t tick_cache_ns;

/*
 * The kernel timer's tick, found once: CLOCK_MONOTONIC_COARSE advances
 * once per tick, so its resolution is the tick (4 ms at HZ=250, 1 ms at
 * HZ=1000). Anything implausible falls back to the coarsest common tick,
 * which only makes the ppoll stretch longer, never a wait less precise.
 */
static int64_t kernel_tick_ns(void)
{
  int64_t tick = atomic_load_explicit(&tick_cache_ns, memory_order_relaxed);
  if (tick)
    return tick;
  struct timespec res;
  tick = 0;
  if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) == 0)
    tick = (int64_t)res.tv_sec * 1000000000 + res.tv_nsec;
  if (tick < 100000 || tick > 100000000)
    tick = FALLBACK_TICK_NS;
  atomic_store_explicit(&tick_cache_ns, tick, memory_order_relaxed);
  return tick;
}

bool ns__timeout_short(int64_t t)
{
  return t < SHORT_TICKS * kernel_tick_ns();
}

/*
 * How long before the deadline the kernel's timer must fire: it rounds a
 * wait up to whole ticks and fires on the tick after (up to two ticks
 * late), and for waits of more than 63 ticks its timer wheel rounds up
 * further, by at most an eighth of the wait. The final ppoll covers this.
 */
static int64_t margin_ns(int64_t t)
{
  return t / 8 + 2 * kernel_tick_ns();
}

/*
 * What the handle's kernel slots hold (rcv_kernel_ns, snd_kernel_ns):
 * - 0: the kernel holds no timer;
 * - t > 0: the kernel holds the timer a call with timeout t starts with,
 *   kernel_value(t); ns__call_begin compares the slot with the socket's
 *   timeout, a compare and no arithmetic on the hot path;
 * - -v < 0: the kernel holds exactly v, cut for a retry (or set by
 *   ns__sync_kernel_timeout); NS__KERNEL_UNKNOWN: nobody knows.
 */
static int64_t kernel_value(int64_t slot)
{
  if (slot < 0)
    return -slot;
  if (slot == 0)
    return 0;
  /* A short timeout's descriptor is O_NONBLOCK and never waits in the
     kernel; the timer stays as a backstop, as it costs nothing. */
  return ns__timeout_short(slot) ? slot : slot - margin_ns(slot);
}

/* Make the kernel hold what `wanted` (a slot value) says, with a
   setsockopt only when the kernel holds something else. */
static ns_err kernel_set(ns_socket *s, int which, int64_t wanted,
                         const char *op)
{
  _Atomic int64_t *slot = ns__kernel_slot(s, which);
  int64_t now = atomic_load_explicit(slot, memory_order_relaxed);
  if (now == wanted)
    return NS_OK;
  int64_t value = kernel_value(wanted);
  if (now == NS__KERNEL_UNKNOWN || kernel_value(now) != value) {
    if (ns__set_kernel_timeout(s->fd, which, value) != 0)
      return ns__fail_errno(op, errno);
    if (value != 0)
      atomic_store_explicit(&s->kernel_timers_used, true, memory_order_relaxed);
  }
  atomic_store_explicit(slot, wanted, memory_order_relaxed);
  return NS_OK;
}

ns_err ns__sync_kernel_timeout(ns_socket *s, int which, int64_t ns,
                               const char *op)
{
  return kernel_set(s, which, ns > 0 ? -ns : 0, op);
}

ns_err ns__arm_kernel_timeout(ns_socket *s, int which, int64_t t,
                              const char *op)
{
  return kernel_set(s, which, t > 0 ? t : 0, op);
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
 * The final stretch of a call: wait with ppoll until the descriptor is
 * ready or the deadline passes, then let the call try again. On a blocking
 * descriptor that call may still wait (another thread took what was
 * ready, or a send wants more room than there is), so the kernel's timer
 * gets only what is left.
 */
static ns_err final_stretch(ns_socket *s, const ns__deadline *dl, int which,
                            const char *op)
{
  short events = which == SO_RCVTIMEO ? POLLIN : POLLOUT;
  ns_err err = ns__wait_fd(s->fd, events, dl, op);
  if (err || ns__timeout_short(s->timeout_ns))
    return err;
  int64_t left = dl->at_ns - ns__now_ns();
  return ns__sync_kernel_timeout(s, which, left > 0 ? left : 1, op);
}

/*
 * After a call was cut short with time left: `fired` when the kernel's
 * timer ended it (it is armed to end before the deadline), else a signal
 * or a partial send did. Fail if the deadline has passed; wait out the
 * final stretch with ppoll; or, with more time left than the kernel's
 * timer can miss by, re-arm it for what is left.
 */
static ns_err cut_to_deadline(ns_socket *s, const ns__deadline *dl, int which,
                              bool fired, const char *op)
{
  int64_t left = dl->at_ns - ns__now_ns();
  if (left <= 0)
    return ns__fail_timeout(op);
  if (fired || ns__timeout_short(left) || left <= margin_ns(s->timeout_ns))
    return final_stretch(s, dl, which, op);
  return ns__sync_kernel_timeout(s, which, left - margin_ns(left), op);
}

ns_err ns__call_retry(ns_socket *s, ns__deadline *dl, int which, int flags,
                      const char *op)
{
  int err = errno;
  if (err == EINTR)
    return dl->at_ns ? cut_to_deadline(s, dl, which, false, op) : NS_OK;
  /* With a timeout, EAGAIN is the kernel's timer (or, on a short
     timeout's O_NONBLOCK descriptor, "not ready"), unless the caller
     asked for MSG_DONTWAIT. */
  if ((err == EAGAIN || err == EWOULDBLOCK) && dl->at_ns &&
      !(flags & MSG_DONTWAIT))
    return cut_to_deadline(s, dl, which, true, op);
  return ns__fail_errno(op, err);
}

ns_err ns__call_continue(ns_socket *s, ns__deadline *dl, int which,
                         const char *op)
{
  return dl->at_ns ? cut_to_deadline(s, dl, which, false, op) : NS_OK;
}

int ns__send_retry_flags(const ns_socket *s, const ns__deadline *dl)
{
  int64_t t = s->timeout_ns;
  if (!dl->at_ns || t <= 0 || ns__timeout_short(t))
    return 0;
  return dl->at_ns - ns__now_ns() <= margin_ns(t) ? MSG_DONTWAIT : 0;
}

/*
 * Put a new timeout in force: the descriptor is non-blocking for 0 and for
 * a short timeout, and the kernel holds a call's starting timer when there
 * is a timeout, nothing else.
 */
ns_err ns__timeout_apply(ns_socket *s, int64_t t, const char *op)
{
  bool was_nonblocking = ns__timeout_nonblocking(s->timeout_ns);
  if (was_nonblocking != ns__timeout_nonblocking(t)) {
    ns_err err = ns__set_nonblocking(s->fd, !was_nonblocking, op);
    if (err)
      return err;
  }
  ns_err err = ns__arm_kernel_timeout(s, SO_RCVTIMEO, t, op);
  if (!err)
    err = ns__arm_kernel_timeout(s, SO_SNDTIMEO, t, op);
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

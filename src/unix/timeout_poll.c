/* SPDX-License-Identifier: MIT */
/*
 * The portable timeout engine, for systems whose kernel does not honour
 * SO_RCVTIMEO/SO_SNDTIMEO in every blocking call (accept and connect on
 * macOS and the BSDs): CPython's strategy, with the call tried first.
 *
 * - none: a blocking descriptor, exactly the system calls raw code makes;
 * - 0: an O_NONBLOCK descriptor; a call that would wait is BlockingIOError;
 * - > 0: an O_NONBLOCK descriptor and a CLOCK_MONOTONIC deadline taken at
 *   the start of the call. The call is tried at once (one system call when
 *   it can complete); when it would wait, poll(2) waits for readiness until
 *   the deadline and the call is tried again. Interruptions and partial
 *   sends go on with whatever time is left, never more.
 */
#include <poll.h>

#include "internal.h"

static short events_of(int which)
{
  return which == SO_RCVTIMEO ? POLLIN : POLLOUT;
}

ns_err ns__call_retry(ns_socket *s, ns__deadline *dl, int which, int flags,
                      const char *op)
{
  int err = errno;
  if (err == EINTR) {
    if (dl->at_ns && ns__now_ns() >= dl->at_ns)
      return ns__fail_timeout(op);
    return NS_OK;
  }
  /* The descriptor is non-blocking for a timeout: wait for readiness,
     unless the caller asked for MSG_DONTWAIT. */
  if ((err == EAGAIN || err == EWOULDBLOCK) && dl->at_ns &&
      !(flags & MSG_DONTWAIT))
    return ns__wait_fd(s->fd, events_of(which), dl, op);
  return ns__fail_errno(op, err);
}

ns_err ns__timeout_apply(ns_socket *s, int64_t t, const char *op)
{
  bool was_nonblocking = ns__timeout_nonblocking(s->timeout_ns);
  if (was_nonblocking != ns__timeout_nonblocking(t)) {
    ns_err err = ns__set_nonblocking(s->fd, ns__timeout_nonblocking(t), op);
    if (err)
      return err;
  }
  s->timeout_ns = t;
  return NS_OK;
}

/*
 * Whether an accepted socket inherits O_NONBLOCK from its listener differs
 * between systems (the BSDs and macOS: yes; Linux: no), so set it.
 */
ns_err ns__timeout_adopt_accepted(const ns_socket *listener, ns_socket *c,
                                  const char *op)
{
  (void)listener;
  return ns__set_nonblocking(c->fd, ns__timeout_nonblocking(c->timeout_ns), op);
}

/* SPDX-License-Identifier: MIT */
/*
 * What both timeout engines share: waiting for a descriptor with poll(2)
 * against a deadline, a descriptor's blocking mode, and the kernel's
 * socket timers (which a descriptor from elsewhere may carry).
 */
#include <fcntl.h>
#include <poll.h>
#include <sys/time.h>

#include "internal.h"

/* One poll of fd for `events` until the deadline (none: at_ns 0). ppoll
   takes the wait in nanoseconds, so a wait ends within the kernel's timer
   slack of its deadline; poll's milliseconds, rounded up so as never to
   end early, can add most of a millisecond. */
static int poll_until(int fd, short events, const ns__deadline *dl)
{
  struct pollfd p = {fd, events, 0};
#if HAVE_PPOLL
  if (!dl->at_ns)
    return ppoll(&p, 1, NULL, NULL);
  int64_t left = dl->at_ns - ns__now_ns();
  if (left < 0)
    left = 0;
  struct timespec ts = {(time_t)(left / 1000000000), (long)(left % 1000000000)};
  return ppoll(&p, 1, &ts, NULL);
#else
  int ms = dl->at_ns ? ns__poll_ms(dl->at_ns - ns__now_ns()) : -1;
  return poll(&p, 1, ms);
#endif
}

ns_err ns__wait_fd(int fd, short events, const ns__deadline *dl, const char *op)
{
  for (;;) {
    int n = poll_until(fd, events, dl);
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

ns_err ns__set_nonblocking(int fd, bool on, const char *op)
{
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0)
    return ns__fail_errno(op, errno);
  int wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK;
  if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0)
    return ns__fail_errno(op, errno);
  return NS_OK;
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

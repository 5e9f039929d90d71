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

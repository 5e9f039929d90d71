/* SPDX-License-Identifier: MIT */
/*
 * Timeouts on Winsock: CPython's strategy there, the call tried first.
 * Not SO_RCVTIMEO/SO_SNDTIMEO: a Winsock call those end leaves the socket
 * in an undefined state, and they do not cover accept or connect.
 *
 * - none: a blocking socket, exactly the calls raw code makes;
 * - 0: a non-blocking socket (FIONBIO); a call that would wait is
 *   BlockingIOError, [WinError 10035];
 * - > 0: a non-blocking socket and a deadline taken at the start of the
 *   call. The call is tried at once; when it would wait, select() waits
 *   for readiness until the deadline and the call is tried again.
 */
#include "os.h"

static short events_of(int which)
{
  return which == SO_RCVTIMEO ? POLLIN : POLLOUT;
}

ns_err ns__call_retry(ns_socket *s, ns__deadline *dl, int which, int flags,
                      const char *op)
{
  (void)flags;
  int err = WSAGetLastError();
  if (err == WSAEINTR) {
    if (dl->at_ns && ns__now_ns() >= dl->at_ns)
      return ns__fail_timeout(op);
    return NS_OK;
  }
  if (err == WSAEWOULDBLOCK && dl->at_ns)
    return ns__wait_fd(s->fd, events_of(which), dl, op);
  return ns__fail_winerror(op, err);
}

ns_err ns__set_nonblocking(ns_os_socket fd, bool on, const char *op)
{
  u_long arg = on;
  if (ioctlsocket(fd, FIONBIO, &arg) != 0)
    return ns__fail_sock(op);
  return NS_OK;
}

ns_err ns__timeout_apply(ns_socket *s, int64_t t, const char *op)
{
  if (ns__timeout_nonblocking(s->timeout_ns) != ns__timeout_nonblocking(t)) {
    ns_err err = ns__set_nonblocking(s->fd, ns__timeout_nonblocking(t), op);
    if (err)
      return err;
  }
  s->timeout_ns = t;
  return NS_OK;
}

/* ns__os_accept already put the socket in the mode its timeout wants. */
ns_err ns__timeout_adopt_accepted(const ns_socket *listener, ns_socket *c,
                                  const char *op)
{
  (void)listener, (void)c, (void)op;
  return NS_OK;
}

void ns__forget_kernel_timers(ns_socket *s)
{
  (void)s; /* Winsock's timers are never used */
}

/* One wait of fd for `events` until the deadline (none: at_ns 0). select()
   counts in microseconds; rounded up, so a wait never ends early. A wait
   to write also watches the exception set, where a failed connect shows;
   a wait to read does not, as out-of-band data shows there too, and the
   call tried again would only wait again, until the deadline. */
static int wait_until(ns_os_socket fd, short events, const ns__deadline *dl)
{
  fd_set set, ex;
  FD_ZERO(&set);
  FD_ZERO(&ex);
  FD_SET(fd, &set);
  if (events != POLLIN)
    FD_SET(fd, &ex);
  struct timeval tv, *at = NULL;
  if (dl->at_ns) {
    int64_t left = dl->at_ns - ns__now_ns();
    int64_t us = left > 0 ? (left + 999) / 1000 : 0;
    tv.tv_sec = (long)(us / 1000000);
    tv.tv_usec = (long)(us % 1000000);
    at = &tv;
  }
  return select(0, events == POLLIN ? &set : NULL,
                events == POLLIN ? NULL : &set, events == POLLIN ? NULL : &ex,
                at);
}

ns_err ns__wait_fd(ns_os_socket fd, short events, const ns__deadline *dl,
                   const char *op)
{
  for (;;) {
    int n = wait_until(fd, events, dl);
    if (n > 0)
      return NS_OK;
    if (n == 0) {
      if (ns__now_ns() >= dl->at_ns)
        return ns__fail_timeout(op);
      continue;
    }
    int e = WSAGetLastError();
    if (e != WSAEINTR)
      return ns__fail_winerror(op, e);
  }
}

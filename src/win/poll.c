/* SPDX-License-Identifier: MIT */
/*
 * poll(2) for sockets, on select(): what the poller and create_connection's
 * race wait with on Windows. Not WSAPoll, which on Windows before 10
 * version 2004 never reports a connect that failed (the socket just stays
 * unready), as CPython and libuv note; select() reports it in the
 * exception set. At most FD_SETSIZE sockets at once (1024 in this build).
 */
#include <string.h>

#include "poller_internal.h"

/* The errno the poller reports for a Winsock failure of select(). */
static int errno_of(int wsa)
{
  switch (wsa) {
  case WSAENOTSOCK:
    return EBADF;
  case WSAEINTR:
    return EINTR;
  case WSAENOBUFS:
    return ENOMEM;
  default:
    return EINVAL;
  }
}

/* select() fails as a whole for one socket closed behind our back: mark
   each such entry POLLNVAL, as poll(2) would, and report the others. */
static int mark_closed(struct pollfd *fds, size_t n)
{
  int count = 0;
  for (size_t i = 0; i < n; i++) {
    fds[i].revents = 0;
    if (ns__os_check_open(fds[i].fd) != 0) {
      fds[i].revents = POLLNVAL;
      count++;
    }
  }
  return count;
}

int ns__os_poll(struct pollfd *fds, size_t n, int timeout_ms)
{
  if (n > FD_SETSIZE) {
    errno = EINVAL;
    return -1;
  }
  if (n == 0) {
    /* select() refuses three empty sets. */
    Sleep(timeout_ms < 0 ? INFINITE : (DWORD)timeout_ms);
    return 0;
  }
  fd_set rd, wr, ex;
  FD_ZERO(&rd);
  FD_ZERO(&wr);
  FD_ZERO(&ex);
  for (size_t i = 0; i < n; i++) {
    if (fds[i].events & POLLIN)
      FD_SET(fds[i].fd, &rd);
    if (fds[i].events & POLLOUT)
      FD_SET(fds[i].fd, &wr);
    /* A failed connect shows in the exception set, so every wait but one
       only to read watches it (and so a socket in no other set is still
       checked). A wait to read does not: out-of-band data shows there
       too, which poll(2) reports as POLLPRI, never asked for here. */
    if (fds[i].events != POLLIN)
      FD_SET(fds[i].fd, &ex);
  }
  struct timeval tv;
  if (timeout_ms >= 0) {
    tv.tv_sec = timeout_ms / 1000;
    tv.tv_usec = (timeout_ms % 1000) * 1000;
  }
  int rc = select(0, &rd, &wr, &ex, timeout_ms < 0 ? NULL : &tv);
  if (rc == SOCKET_ERROR) {
    int wsa = WSAGetLastError();
    if (wsa == WSAENOTSOCK) {
      int closed = mark_closed(fds, n);
      if (closed)
        return closed;
    }
    errno = errno_of(wsa);
    return -1;
  }
  int count = 0;
  for (size_t i = 0; i < n; i++) {
    short re = 0;
    if (FD_ISSET(fds[i].fd, &rd))
      re |= POLLIN;
    if (FD_ISSET(fds[i].fd, &wr))
      re |= POLLOUT;
    /* A failed connect (or out-of-band data): the next call says which. */
    if (FD_ISSET(fds[i].fd, &ex))
      re |= POLLERR;
    fds[i].revents = re;
    if (re)
      count++;
  }
  return count;
}

extern const ns__poller_ops ns__poller_poll_ops;

const ns__poller_ops *ns__poller_backend(int backend)
{
  switch (backend) {
  case NS_POLLER_DEFAULT:
  case NS_POLLER_POLL:
    return &ns__poller_poll_ops;
  default:
    return NULL;
  }
}

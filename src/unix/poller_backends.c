/* SPDX-License-Identifier: MIT */
/*
 * Which poller backends this system has: epoll(7) where the kernel has
 * it (the default there), poll(2) everywhere.
 */
#include "poller_internal.h"

extern const ns__poller_ops ns__poller_poll_ops;
#if HAVE_EPOLL
extern const ns__poller_ops ns__poller_epoll_ops;
#endif

const ns__poller_ops *ns__poller_backend(int backend)
{
  switch (backend) {
#if HAVE_EPOLL
  case NS_POLLER_DEFAULT:
  case NS_POLLER_EPOLL:
    return &ns__poller_epoll_ops;
  case NS_POLLER_POLL:
    return &ns__poller_poll_ops;
#else
  case NS_POLLER_DEFAULT:
  case NS_POLLER_POLL:
    return &ns__poller_poll_ops;
#endif
  default:
    return NULL;
  }
}

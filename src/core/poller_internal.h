/* SPDX-License-Identifier: MIT */
/*
 * The poller's layout and the interface its backends implement. Shared by
 * poller.c (the public calls, the registration table, the wait loop) and
 * poller_<backend>.c (one system interface each).
 */
#ifndef NETSOCK_POLLER_INTERNAL_H
#define NETSOCK_POLLER_INTERNAL_H

#include "internal.h"

/* One registration, kept in a table indexed by descriptor. */
typedef struct ns__poller_reg {
  ns_socket *sock; /* NULL: the slot is free */
  void *data;
  unsigned int events;
  size_t slot;            /* the poll backend's index into its pollfd array */
  ns_poller *next_poller; /* the next poller `sock` is registered with */
} ns__poller_reg;

/*
 * A backend. Each call returns 0, or -1 with errno set; the public layer
 * records the failure. wait() stores at most `max` events and may be
 * interrupted (EINTR): the caller loops with the time left.
 */
typedef struct ns__poller_ops {
  int backend;
  int (*init)(ns_poller *p);
  int (*fini)(ns_poller *p);
  int (*add)(ns_poller *p, ns_os_socket fd, unsigned int events);
  int (*mod)(ns_poller *p, ns_os_socket fd, unsigned int events);
  int (*del)(ns_poller *p, ns_os_socket fd);
  int (*wait)(ns_poller *p, ns_poller_event *out, size_t max, int timeout_ms,
              size_t *count);
} ns__poller_ops;

struct ns_poller {
  const ns__poller_ops *ops;
  ns__poller_reg *regs; /* indexed by NS__SOCKET_INDEX(fd) */
  size_t regs_cap;
  size_t count;
  /* a backend over a kernel event queue */
  int epfd;    /* the queue's descriptor */
  void *evbuf; /* its event array, evcap long */
  size_t evcap;
  /* the poll(2) backend */
  struct pollfd *pfds;
  size_t npfds;
  size_t pfcap;
  size_t scan; /* where the next scan starts, so none is starved */
};

/* Forget the registration at `fd` without asking the backend: the
   socket's chain of pollers no longer names `p`. */
void ns__poller_drop(ns_poller *p, ns_os_socket fd);

/* The platform's backend for NS_POLLER_DEFAULT, _EPOLL or _POLL; NULL
   where it has none of that kind. */
const ns__poller_ops *ns__poller_backend(int backend);

/*
 * The events to report for a registration, from what the system said:
 * readable and writable as such; anything else (error, hang-up) as both,
 * so that the next recv or send reports it. Masked by what was asked for.
 */
static inline unsigned int ns__poller_events(unsigned int wanted, bool in,
                                             bool out, bool other)
{
  unsigned int ev = 0;
  if (in || other)
    ev |= NS_EVENT_READ;
  if (out || other)
    ev |= NS_EVENT_WRITE;
  return ev & wanted;
}

#endif /* NETSOCK_POLLER_INTERNAL_H */

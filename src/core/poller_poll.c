/* SPDX-License-Identifier: MIT */
/*
 * The poller on poll(2), for systems without epoll and to keep the API
 * honest about what it needs. The pollfd array is dense: a registration
 * remembers its index, and removal moves the last entry into the hole.
 * Each wait scans from where the last one stopped, so that with more ready
 * sockets than room for events none waits forever.
 */
#include <stdlib.h>

#include "poller_internal.h"

static short to_poll(unsigned int events)
{
  return (short)(((events & NS_EVENT_READ) ? POLLIN : 0) |
                 ((events & NS_EVENT_WRITE) ? POLLOUT : 0));
}

static int pl_init(ns_poller *p)
{
  (void)p;
  return 0;
}

static int pl_fini(ns_poller *p)
{
  free(p->pfds);
  return 0;
}

static int pl_add(ns_poller *p, ns_os_socket fd, unsigned int events)
{
  /* epoll refuses a closed descriptor with EBADF; so does this backend. */
  if (ns__os_check_open(fd) != 0)
    return -1;
  if (p->npfds == p->pfcap) {
    size_t cap = p->pfcap ? p->pfcap * 2 : 64;
    struct pollfd *a = realloc(p->pfds, cap * sizeof *a);
    if (!a)
      return -1;
    p->pfds = a;
    p->pfcap = cap;
  }
  p->pfds[p->npfds].fd = fd;
  p->pfds[p->npfds].events = to_poll(events);
  p->pfds[p->npfds].revents = 0;
  p->regs[NS__SOCKET_INDEX(fd)].slot = p->npfds++;
  return 0;
}

static int pl_mod(ns_poller *p, ns_os_socket fd, unsigned int events)
{
  p->pfds[p->regs[NS__SOCKET_INDEX(fd)].slot].events = to_poll(events);
  return 0;
}

static int pl_del(ns_poller *p, ns_os_socket fd)
{
  size_t slot = p->regs[NS__SOCKET_INDEX(fd)].slot;
  size_t last = --p->npfds;
  if (slot != last) {
    p->pfds[slot] = p->pfds[last];
    p->regs[NS__SOCKET_INDEX(p->pfds[slot].fd)].slot = slot;
  }
  return 0;
}

/* Forget registrations whose descriptor was closed behind the poller's
   back (POLLNVAL: close(ns_fileno(s)) without ns_close): keeping one
   would make every wait return at once. The handle itself is still the
   caller's (ns_close and ns_detach unregister first). epoll forgets such
   a descriptor by itself. Walks downwards so that the entry moved into a
   hole has been looked at already. */
static void drop_closed(ns_poller *p)
{
  for (size_t i = p->npfds; i-- > 0;) {
    if (!(p->pfds[i].revents & POLLNVAL))
      continue;
    ns_os_socket fd = p->pfds[i].fd;
    pl_del(p, fd);
    ns__poller_drop(p, fd);
  }
}

static int pl_wait(ns_poller *p, ns_poller_event *out, size_t max,
                   int timeout_ms, size_t *count)
{
  int ready_n = ns__os_poll(p->pfds, p->npfds, timeout_ms);
  if (ready_n < 0)
    return -1;
  size_t k = 0;
  if (ready_n == 0) {
    *count = 0;
    return 0;
  }
  drop_closed(p);
  size_t n = p->npfds;
  size_t start = n ? p->scan % n : 0;
  size_t i;
  for (i = 0; i < n && k < max; i++) {
    const struct pollfd *pf = &p->pfds[(start + i) % n];
    if (!pf->revents)
      continue;
    const ns__poller_reg *r = &p->regs[NS__SOCKET_INDEX(pf->fd)];
    short re = pf->revents;
    unsigned int ready = ns__poller_events(r->events, re & POLLIN, re & POLLOUT,
                                           re & ~(POLLIN | POLLOUT));
    if (!ready)
      continue;
    out[k].sock = r->sock;
    out[k].data = r->data;
    out[k].events = ready;
    k++;
  }
  p->scan = n ? (start + i) % n : 0;
  *count = k;
  return 0;
}

const ns__poller_ops ns__poller_poll_ops = {
    NS_POLLER_POLL, pl_init, pl_fini, pl_add, pl_mod, pl_del, pl_wait,
};

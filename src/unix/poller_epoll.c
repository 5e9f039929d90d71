/* SPDX-License-Identifier: MIT */
/*
 * The poller on epoll(7), level-triggered as Python's EpollSelector. The
 * kernel keeps the interest list; each registration carries its descriptor
 * back, and the table in poller.c finds the socket and its pointer.
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "poller_internal.h"

/* The event buffer grows to what callers ask for, up to this. */
#define MAX_BATCH 4096

static uint32_t to_epoll(unsigned int events)
{
  return ((events & NS_EVENT_READ) ? EPOLLIN : 0) |
         ((events & NS_EVENT_WRITE) ? EPOLLOUT : 0);
}

static int ep_init(ns_poller *p)
{
  p->evbuf = malloc(64 * sizeof(struct epoll_event));
  if (!p->evbuf)
    return -1;
  p->evcap = 64;
  p->epfd = epoll_create1(EPOLL_CLOEXEC);
  if (p->epfd < 0) {
    int e = errno;
    free(p->evbuf);
    errno = e;
    return -1;
  }
  return 0;
}

static int ep_fini(ns_poller *p)
{
  free(p->evbuf);
  return close(p->epfd);
}

static int ep_ctl(ns_poller *p, int op, int fd, unsigned int events)
{
  struct epoll_event ev;
  ev.events = to_epoll(events);
  ev.data.u64 = 0;
  ev.data.fd = fd;
  return epoll_ctl(p->epfd, op, fd, &ev);
}

static int ep_add(ns_poller *p, int fd, unsigned int events)
{
  return ep_ctl(p, EPOLL_CTL_ADD, fd, events);
}

static int ep_mod(ns_poller *p, int fd, unsigned int events)
{
  return ep_ctl(p, EPOLL_CTL_MOD, fd, events);
}

static int ep_del(ns_poller *p, int fd)
{
  /* A non-NULL event keeps kernels before 2.6.9 happy. */
  struct epoll_event ev = {0, {0}};
  return epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, &ev);
}

static int ep_wait(ns_poller *p, ns_poller_event *out, size_t max,
                   int timeout_ms, size_t *count)
{
  size_t want = max < MAX_BATCH ? max : MAX_BATCH;
  if (want > p->evcap) {
    /* Grows once per larger request, never per call in steady state. */
    void *b = realloc(p->evbuf, want * sizeof(struct epoll_event));
    if (!b)
      return -1;
    p->evbuf = b;
    p->evcap = want;
  }
  struct epoll_event *ev = p->evbuf;
  int n = epoll_wait(p->epfd, ev, (int)want, timeout_ms);
  if (n < 0)
    return -1;
  size_t k = 0;
  for (int i = 0; i < n; i++) {
    size_t fd = (size_t)ev[i].data.fd;
    const ns__poller_reg *r = fd < p->regs_cap ? &p->regs[fd] : NULL;
    if (!r || !r->sock)
      continue;
    uint32_t e = ev[i].events;
    unsigned int ready = ns__poller_events(r->events, e & EPOLLIN, e & EPOLLOUT,
                                           e & ~(uint32_t)(EPOLLIN | EPOLLOUT));
    if (!ready)
      continue;
    out[k].sock = r->sock;
    out[k].data = r->data;
    out[k].events = ready;
    k++;
  }
  *count = k;
  return 0;
}

const ns__poller_ops ns__poller_epoll_ops = {
    NS_POLLER_EPOLL, ep_init, ep_fini, ep_add, ep_mod, ep_del, ep_wait,
};

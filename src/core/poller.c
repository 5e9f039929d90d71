/* SPDX-License-Identifier: MIT */
/*
 * The poller's public calls: argument checks, the registration table
 * (indexed by descriptor, so every lookup is O(1)) and the wait loop with
 * its deadline. The system interface is the platform's backends
 * (ns__poller_backend(), unix/poller_backends.c).
 */
#include <stdlib.h>
#include <string.h>

#include "poller_internal.h"

ns_err ns_poller_create(ns_poller **out, int backend)
{
  const char *op = "poller";
  if (!out)
    return ns__fail_null(op, "poller out-parameter is NULL");
  *out = NULL;
  if (backend < NS_POLLER_DEFAULT || backend > NS_POLLER_POLL)
    return ns__fail_fmt(NS_ERR_VALUE, op, "unknown poller backend %d", backend);
  const ns__poller_ops *ops = ns__poller_backend(backend);
  if (!ops)
    return ns__fail_errno(op, ENOSYS);
  ns_poller *p = calloc(1, sizeof *p);
  if (!p)
    return ns__fail_msg(NS_ERR_MEMORY, op, "out of memory");
  p->ops = ops;
  p->epfd = -1;
  if (ops->init(p) != 0) {
    ns_err err = errno == ENOMEM
                     ? ns__fail_msg(NS_ERR_MEMORY, op, "out of memory")
                     : ns__fail_errno(op, errno);
    free(p);
    return err;
  }
  *out = p;
  return NS_OK;
}

/* The link in the chain of `s`'s pollers that points at `p`. */
static ns_poller **chain_link(ns_socket *s, const ns_poller *p)
{
  ns_poller **link = &s->pollers;
  while (*link && *link != p)
    link = &(*link)->regs[NS__SOCKET_INDEX(s->fd)].next_poller;
  return link;
}

/* Take `p` out of the chain of the socket registered at `r`. */
static void chain_unlink(ns_poller *p, ns__poller_reg *r)
{
  ns_poller **link = chain_link(r->sock, p);
  if (*link)
    *link = r->next_poller;
}

void ns__poller_drop(ns_poller *p, ns_os_socket fd)
{
  ns__poller_reg *r = &p->regs[NS__SOCKET_INDEX(fd)];
  chain_unlink(p, r);
  memset(r, 0, sizeof *r);
  p->count--;
}

void ns__poller_forget(ns_socket *s)
{
  while (s->pollers) {
    ns_poller *p = s->pollers;
    if (ns_poller_unregister(p, s) != NS_OK && s->pollers == p)
      s->pollers =
          p->regs[NS__SOCKET_INDEX(s->fd)].next_poller; /* never loop */
  }
}

ns_err ns_poller_close(ns_poller *p)
{
  if (!p)
    return NS_OK;
  /* Its sockets stop pointing at it. */
  for (size_t fd = 0; p->count && fd < p->regs_cap; fd++)
    if (p->regs[fd].sock)
      chain_unlink(p, &p->regs[fd]);
  int rc = p->ops->fini(p);
  int err = errno;
  free(p->regs);
  free(p);
  if (rc != 0 && err != EINTR)
    return ns__fail_errno("close", err);
  return NS_OK;
}

int ns_poller_backend(const ns_poller *p)
{
  return p ? p->ops->backend : -1;
}

size_t ns_poller_count(const ns_poller *p)
{
  return p ? p->count : 0;
}

static ns_err check_events(unsigned int events, const char *op)
{
  if (events == 0 || (events & ~(NS_EVENT_READ | NS_EVENT_WRITE)))
    return ns__fail_fmt(NS_ERR_VALUE, op, "Invalid events: %u", events);
  return NS_OK;
}

/* The registration of `s`, or NULL after recording why there is none. */
static ns__poller_reg *find(const ns_poller *p, const ns_socket *s,
                            const char *op)
{
  if (!p) {
    ns__fail_null(op, "poller is NULL");
    return NULL;
  }
  if (!s) {
    ns__fail_handle(op);
    return NULL;
  }
  size_t fd = NS__SOCKET_INDEX(s->fd);
  if (!NS__SOCKET_VALID(s->fd) || fd >= p->regs_cap || p->regs[fd].sock != s) {
    ns__fail_fmt(NS_ERR_VALUE, op, "socket (FD %lld) is not registered",
                 (long long)s->fd);
    return NULL;
  }
  return &p->regs[fd];
}

/* Make the table reach `fd`; new slots are free. */
static int grow_regs(ns_poller *p, size_t fd)
{
  if (fd < p->regs_cap)
    return 0;
  size_t cap = p->regs_cap ? p->regs_cap * 2 : 64;
  while (cap <= fd)
    cap *= 2;
  ns__poller_reg *r = realloc(p->regs, cap * sizeof *r);
  if (!r)
    return -1;
  memset(r + p->regs_cap, 0, (cap - p->regs_cap) * sizeof *r);
  p->regs = r;
  p->regs_cap = cap;
  return 0;
}

ns_err ns_poller_register(ns_poller *p, ns_socket *s, unsigned int events,
                          void *data)
{
  const char *op = "register";
  if (!p)
    return ns__fail_null(op, "poller is NULL");
  if (!s)
    return ns__fail_handle(op);
  ns_err err = check_events(events, op);
  if (err)
    return err;
  if (!NS__SOCKET_VALID(s->fd))
    return ns__fail_errno(op, EBADF);
  size_t fd = NS__SOCKET_INDEX(s->fd);
  if (fd < p->regs_cap && p->regs[fd].sock)
    return ns__fail_fmt(NS_ERR_VALUE, op,
                        "socket (FD %lld) is already registered",
                        (long long)s->fd);
  if (grow_regs(p, fd) != 0)
    return ns__fail_msg(NS_ERR_MEMORY, op, "out of memory");
  ns__poller_reg *r = &p->regs[fd];
  r->events = events;
  if (p->ops->add(p, s->fd, events) != 0)
    return errno == ENOMEM ? ns__fail_msg(NS_ERR_MEMORY, op, "out of memory")
                           : ns__fail_errno(op, errno);
  r->sock = s;
  r->data = data;
  r->next_poller = s->pollers;
  s->pollers = p;
  p->count++;
  return NS_OK;
}

ns_err ns_poller_modify(ns_poller *p, ns_socket *s, unsigned int events,
                        void *data)
{
  const char *op = "modify";
  ns__poller_reg *r = find(p, s, op);
  if (!r)
    return ns_error_last_code();
  ns_err err = check_events(events, op);
  if (err)
    return err;
  if (events != r->events) {
    if (p->ops->mod(p, s->fd, events) != 0)
      return ns__fail_errno(op, errno);
    r->events = events;
  }
  r->data = data;
  return NS_OK;
}

ns_err ns_poller_unregister(ns_poller *p, ns_socket *s)
{
  const char *op = "unregister";
  ns__poller_reg *r = find(p, s, op);
  if (!r)
    return ns_error_last_code();
  /* Forget it whatever the system says: a descriptor closed behind our
     back (EBADF, ENOENT) is unregistered all the same. */
  int rc = p->ops->del(p, s->fd);
  int e = errno;
  ns__poller_drop(p, s->fd);
  if (rc != 0 && e != EBADF && e != ENOENT)
    return ns__fail_errno(op, e);
  return NS_OK;
}

ns_err ns_poller_get(const ns_poller *p, const ns_socket *s,
                     unsigned int *events_out, void **data_out)
{
  const ns__poller_reg *r = find(p, s, "get_key");
  if (!r)
    return ns_error_last_code();
  if (events_out)
    *events_out = r->events;
  if (data_out)
    *data_out = r->data;
  return NS_OK;
}

/* Milliseconds to the deadline, rounded up so a wait never ends early. */
ns_err ns_poller_wait(ns_poller *p, ns_poller_event *events, size_t max,
                      double timeout, size_t *count_out)
{
  const char *op = "select";
  if (!p)
    return ns__fail_null(op, "poller is NULL");
  if (!events || !count_out)
    return ns__fail_null(op, "event array or count out-parameter is NULL");
  if (max == 0)
    return ns__fail_msg(NS_ERR_VALUE, op, "max must be at least 1");
  *count_out = 0;
  int64_t t;
  ns_err err = ns__timeout_from_seconds(timeout, &t, op);
  if (err)
    return err;
  int64_t at = t > 0 ? ns__now_ns() + t : 0;
  for (;;) {
    int ms = t < 0 ? -1 : t == 0 ? 0 : ns__poll_ms(at - ns__now_ns());
    size_t n = 0;
    if (p->ops->wait(p, events, max, ms, &n) != 0) {
      if (errno == EINTR)
        continue; /* PEP 475: on with the time left */
      return errno == ENOMEM ? ns__fail_msg(NS_ERR_MEMORY, op, "out of memory")
                             : ns__fail_errno(op, errno);
    }
    /* Nothing ready: done when only looking or when the deadline has
       passed; a readiness that vanished (the poll backend drops closed
       descriptors) or an early wake-up waits on. */
    if (n > 0 || t == 0 || (t > 0 && ns__now_ns() >= at)) {
      *count_out = n;
      return NS_OK;
    }
  }
}

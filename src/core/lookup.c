/* SPDX-License-Identifier: MIT */
/*
 * Name lookups that must end by a deadline, for create_connection.
 *
 * getaddrinfo(3) cannot be interrupted, so such a lookup runs on a thread
 * of its own while the caller waits with a timeout. Two rules keep the
 * cost bounded whatever the resolver does:
 *
 * - One lookup per host and port in flight. A caller asking for a name
 *   already being looked up waits for that lookup instead of starting
 *   another, so a program that retries a dead name every few milliseconds
 *   holds one thread, not one per try, and leaves the other slots free
 *   for names that do answer.
 * - At most MAX_LOOKUP_THREADS lookups at once. A caller that finds them
 *   all busy waits for one to end, within its own deadline, and then
 *   times out as its own lookup would have.
 *
 * Why not a pool of idle threads: a thread that outlives the call is seen
 * by fork(), whose child inherits the thread's memory but not the thread,
 * and leak checkers rightly report that memory in the child. Here a thread
 * lives exactly as long as its lookup, and a caller that got the answer
 * joins it, so a call that returned leaves no thread behind. Only a lookup
 * that every caller gave up on finishes alone; it then detaches itself.
 * The table itself is reset in a forked child, whose copy of it names
 * threads that do not exist there.
 *
 * Cancellation: the one cancellation point a caller reaches with the lock
 * held is pthread_cond_timedwait, under a cleanup handler that drops the
 * caller's hold and unlocks; pthread_join runs with cancellation disabled.
 */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

enum { MAX_LOOKUP_THREADS = 4 };

struct ns__lookup {
  struct ns__lookup *next; /* in the table of lookups in flight */
  pthread_t thread;
  int holds;     /* callers holding it, and the thread until it is done */
  bool done;     /* the answer is in; the thread has left the table */
  bool joinable; /* done, and nobody has joined or detached the thread */
  ns_addrinfo *list;
  ns_err code;
  int sys_errno;
  char service[8];
  char host[]; /* NUL-terminated */
};

static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t changed; /* a lookup ended: an answer, a free slot */
static ns__lookup *in_flight;
static int n_threads;
#if HAVE_PTHREAD_ATFORK
/* Lookups a forked child inherited in flight: their threads are not in
   the child, so they never end there. Kept reachable, never freed. */
static ns__lookup *forsaken;
#endif

/* The clock `changed` waits by: CLOCK_MONOTONIC where a condition
   variable can use it; else (mingw-w64's winpthreads) CLOCK_REALTIME, with
   each deadline moved onto it when its wait starts. */
static clockid_t cond_clock = CLOCK_MONOTONIC;

static void init_cond(void)
{
  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0)
    cond_clock = CLOCK_REALTIME;
  pthread_cond_init(&changed, &ca);
  pthread_condattr_destroy(&ca);
}

#if HAVE_PTHREAD_ATFORK
static void before_fork(void)
{
  pthread_mutex_lock(&mu);
}

static void after_fork_parent(void)
{
  pthread_mutex_unlock(&mu);
}

static void after_fork_child(void)
{
  while (in_flight) {
    ns__lookup *l = in_flight;
    in_flight = l->next;
    l->next = forsaken;
    forsaken = l;
  }
  n_threads = 0;
  init_cond(); /* waiters the parent had are not here */
  pthread_mutex_unlock(&mu);
}
#endif

static void init(void)
{
  init_cond();
#if HAVE_PTHREAD_ATFORK
  pthread_atfork(before_fork, after_fork_parent, after_fork_child);
#endif
}

static void lookup_free(ns__lookup *l)
{
  ns_addrinfo_free(l->list);
  free(l);
}

static ns__lookup *table_find(const char *host, const char *service)
{
  for (ns__lookup *l = in_flight; l; l = l->next)
    if (strcmp(l->host, host) == 0 && strcmp(l->service, service) == 0)
      return l;
  return NULL;
}

static void table_remove(ns__lookup *l)
{
  for (ns__lookup **p = &in_flight; *p; p = &(*p)->next)
    if (*p == l) {
      *p = l->next;
      n_threads--;
      return;
    }
}

static void *lookup_main(void *arg)
{
  ns__lookup *l = arg;
  ns_addrinfo *list = NULL;
  ns_err code =
      ns_getaddrinfo(&list, l->host, l->service, AF_UNSPEC, SOCK_STREAM, 0, 0);
  int sys_errno = code ? ns_error_last_errno() : 0;
  pthread_mutex_lock(&mu);
  table_remove(l);
  l->list = list;
  l->code = code;
  l->sys_errno = sys_errno;
  l->done = true;
  bool orphan = --l->holds == 0;
  if (orphan)
    pthread_detach(pthread_self());
  else
    l->joinable = true;
  pthread_cond_broadcast(&changed);
  pthread_mutex_unlock(&mu);
  if (orphan)
    lookup_free(l);
  return NULL;
}

/* Start a lookup thread and enter it in the table; `mu` is held. */
static ns_err lookup_start(ns__lookup **out, const char *host,
                           const char *service)
{
  size_t host_len = strlen(host) + 1;
  ns__lookup *l = malloc(sizeof *l + host_len);
  if (!l)
    return ns__fail_msg(NS_ERR_MEMORY, "getaddrinfo", "out of memory");
  memset(l, 0, sizeof *l);
  memcpy(l->host, host, host_len);
  strncpy(l->service, service, sizeof l->service - 1);
  l->holds = 1; /* the thread's */
  /* The thread takes no signals: they stay with the program's threads. */
#if HAVE_PTHREAD_SIGMASK
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_SETMASK, &all, &old);
#endif
  int rc = pthread_create(&l->thread, NULL, lookup_main, l);
#if HAVE_PTHREAD_SIGMASK
  pthread_sigmask(SIG_SETMASK, &old, NULL);
#endif
  if (rc != 0) {
    free(l);
    /* Python's threading says RuntimeError "can't start new thread"; the
       closest class here is the OSError base. Not BlockingIOError, which
       pthread_create's EAGAIN would map to: there is nothing to poll. */
    return ns__fail_msg(NS_ERR_OS, "getaddrinfo", "can't start new thread");
  }
  l->next = in_flight;
  in_flight = l;
  n_threads++;
  *out = l;
  return NS_OK;
}

/* What a caller that stops waiting leaves behind. */
typedef struct waiter {
  ns__lookup *held;
  int cancel_state; /* the caller's, in force while it waits */
} waiter;

/* A cancelled waiter, with `mu` held again by pthread_cond_timedwait. */
static void wait_cancelled(void *arg)
{
  ns__lookup *l = ((waiter *)arg)->held;
  bool last = false;
  if (l) {
    if (l->joinable) {
      l->joinable = false;
      pthread_detach(l->thread); /* done: it ends at once by itself */
    }
    last = --l->holds == 0;
  }
  pthread_mutex_unlock(&mu);
  if (last)
    lookup_free(l);
}

/* Wait on `changed` until the deadline (CLOCK_MONOTONIC), cancellable as
   the caller is; false once the deadline has passed. */
static bool wait_until(waiter *w, int64_t deadline_ns)
{
  int64_t at_ns = deadline_ns;
  if (cond_clock != CLOCK_MONOTONIC) {
    struct timespec now;
    clock_gettime(cond_clock, &now);
    at_ns += (int64_t)now.tv_sec * 1000000000 + now.tv_nsec - ns__now_ns();
  }
  struct timespec at = {(time_t)(at_ns / 1000000000),
                        (long)(at_ns % 1000000000)};
  pthread_setcancelstate(w->cancel_state, NULL);
  int rc = pthread_cond_timedwait(&changed, &mu, &at);
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
  /* A wall clock set back or forth ends a wait early: wait on. */
  return rc == 0 || ns__now_ns() < deadline_ns;
}

ns_err ns__lookup_wait(ns__lookup **out, const char *host, const char *service,
                       int64_t deadline_ns, int cancel_state)
{
  pthread_once(&once, init);
  waiter w = {NULL, cancel_state};
  ns_err err = NS_OK;
  bool join = false;
  ns__lookup *l = NULL;
  pthread_mutex_lock(&mu);
  pthread_cleanup_push(wait_cancelled, &w);
  for (;;) {
    l = table_find(host, service);
    if (!l && n_threads < MAX_LOOKUP_THREADS)
      err = lookup_start(&l, host, service);
    if (l) {
      l->holds++;
      w.held = l;
      break;
    }
    if (err || !wait_until(&w, deadline_ns))
      break;
  }
  while (w.held && !w.held->done && wait_until(&w, deadline_ns))
    ;
  l = w.held;
  if (l && l->done) {
    join = l->joinable;
    l->joinable = false;
  } else if (l) {
    l->holds--; /* the thread still holds it */
    l = NULL;
  }
  pthread_cleanup_pop(0);
  pthread_mutex_unlock(&mu);
  if (join)
    pthread_join(l->thread, NULL); /* it is past its last use of `l` */
  if (!l)
    return err ? err : ns__fail_timeout("getaddrinfo");
  if (l->code) {
    /* The failure was recorded on the lookup's thread: record it here. */
    ns_err code = l->code;
    int sys_errno = l->sys_errno;
    ns__lookup_release(l);
    if (code == NS_ERR_GAIERROR)
      return ns__fail_gai("getaddrinfo", sys_errno, 0);
    return ns__fail_errno("getaddrinfo", sys_errno);
  }
  *out = l;
  return NS_OK;
}

const ns_addrinfo *ns__lookup_list(const ns__lookup *l)
{
  return l->list;
}

void ns__lookup_release(ns__lookup *l)
{
  if (!l)
    return;
  pthread_mutex_lock(&mu);
  bool last = --l->holds == 0;
  pthread_mutex_unlock(&mu);
  if (last)
    lookup_free(l);
}

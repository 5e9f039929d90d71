/* SPDX-License-Identifier: MIT */
/*
 * create_connection with Happy Eyeballs v2 (RFC 8305), create_server,
 * has_ipv6 and has_dualstack_ipv6.
 *
 * Built on the public calls, as CPython's Lib/socket.py is built on
 * _socket: sockets are made, bound, connected and polled only through
 * ns_* functions and their descriptors. From internal.h it takes only the
 * failure recorders, the clock and the timeout conversion.
 */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* Attempts in flight at once; more wait for one of these to end. */
enum { MAX_IN_FLIGHT = 16 };

/* Python's listen() default backlog. */
enum { DEFAULT_BACKLOG = SOMAXCONN < 128 ? SOMAXCONN : 128 };

/* An address as Python's repr() shows the tuple: ('127.0.0.1', 80). */
static void python_repr(const ns_addr *a, char *buf, size_t size)
{
  char host[NS_ADDR_STRLEN];
  int family = ns_addr_family(a);
  if ((family == AF_INET || family == AF_INET6) &&
      ns_addr_host(a, host, sizeof host) == NS_OK) {
    uint32_t flow = family == AF_INET6 ? ntohl(a->u.in6.sin6_flowinfo) : 0;
    uint32_t scope = family == AF_INET6 ? a->u.in6.sin6_scope_id : 0;
    if (flow || scope)
      snprintf(buf, size, "('%s', %d, %u, %u)", host, ns_addr_port(a),
               (unsigned)flow, (unsigned)scope);
    else
      snprintf(buf, size, "('%s', %d)", host, ns_addr_port(a));
  } else if (ns_addr_format(a, host, sizeof host) == NS_OK) {
    snprintf(buf, size, "'%s'", host);
  } else {
    snprintf(buf, size, "?");
  }
}

/*
 * Record again a failure saved earlier, with `suffix` after its message:
 * the saved copy is the caller's, never the live record.
 */
static ns_err fail_again(const ns_connect_error *e, const char *suffix)
{
  const char *op = e->operation ? e->operation : "connect";
  if (e->sys_errno && e->code != NS_ERR_GAIERROR && e->code != NS_ERR_HERROR) {
    /* The class as it was: on Windows the errno is Winsock's, which the
       errno table does not know. */
    char text[sizeof e->message + 128];
    snprintf(text, sizeof text, "%s%s", e->message, suffix);
    return ns__fail_replay(e->code, op, e->sys_errno, text);
  }
  return ns__fail_fmt(e->code, op, "%s%s", e->message, suffix);
}

/* The last failure on this thread, as an ns_connect_error. */
static void save_failure(ns_connect_error *e, const ns_addr *addr)
{
  memset(e, 0, sizeof *e);
  if (addr)
    e->addr = *addr;
  e->code = ns_error_last_code();
  e->sys_errno = ns_error_last_errno();
  e->operation = ns_error_last_operation();
  snprintf(e->message, sizeof e->message, "%s", ns_error_last_message());
}

/* ---- name lookup under a deadline ---------------------------------------- */

/*
 * Resolve for create_connection: the list goes to *own (the caller frees
 * it) or, for a lookup on a thread, is held through *shared (the caller
 * releases it). A numeric host needs no lookup, so only names, and only
 * under a deadline, go to a thread (lookup.c). Called with cancellation
 * disabled; the caller's `cancel_state` is in force while it waits.
 */
static ns_err resolve(ns_addrinfo **own, ns__lookup **shared, const char *host,
                      int port, int64_t deadline_ns, int cancel_state)
{
  char service[8];
  snprintf(service, sizeof service, "%d", port);
  *own = NULL;
  *shared = NULL;
  ns_err err = ns_getaddrinfo(own, host, service, AF_UNSPEC, SOCK_STREAM, 0,
                              AI_NUMERICHOST);
  if (err != NS_ERR_GAIERROR || ns_error_last_errno() != EAI_NONAME)
    return err;
  if (deadline_ns)
    return ns__lookup_wait(shared, host, service, deadline_ns, cancel_state);
  /* getaddrinfo may be cancelled: nothing of ours is held here. */
  pthread_setcancelstate(cancel_state, NULL);
  err = ns_getaddrinfo(own, host, service, AF_UNSPEC, SOCK_STREAM, 0, 0);
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
  return err;
}

/* ---- the candidates, families interleaved -------------------------------- */

/*
 * The addresses to try, from a getaddrinfo list or the caller's array,
 * walked by two cursors: slot 0 over the first address's family, slot 1
 * over every other, taking turns (RFC 8305 section 4, "First Address
 * Family Count" 1). Nothing is copied or sorted.
 */
typedef struct candidates {
  const ns_addrinfo *list;
  const ns_addr *addrs;
  size_t n_addrs;
  const ns_addrinfo *node[2];
  size_t index[2];
  int first_family;
  int turn;
} candidates;

static void candidates_init(candidates *c, const ns_addrinfo *list,
                            const ns_addr *addrs, size_t n)
{
  memset(c, 0, sizeof *c);
  c->list = list;
  c->addrs = addrs;
  c->n_addrs = n;
  c->node[0] = c->node[1] = list;
  c->first_family = list ? ns_addrinfo_family(list) : ns_addr_family(addrs);
}

static bool take_from(candidates *c, int slot, ns_addr *addr, int *type,
                      int *proto)
{
  for (;;) {
    int family;
    if (c->list) {
      const ns_addrinfo *ai = c->node[slot];
      if (!ai)
        return false;
      c->node[slot] = ns_addrinfo_next(ai);
      family = ns_addrinfo_family(ai);
      *addr = ns_addrinfo_addr(ai);
      *type = ns_addrinfo_socktype(ai);
      *proto = ns_addrinfo_proto(ai);
    } else {
      if (c->index[slot] >= c->n_addrs)
        return false;
      *addr = c->addrs[c->index[slot]++];
      family = ns_addr_family(addr);
      *type = SOCK_STREAM;
      *proto = 0;
    }
    if ((family == c->first_family) == (slot == 0))
      return true;
  }
}

static bool take_next(candidates *c, ns_addr *addr, int *type, int *proto)
{
  int slot = c->turn;
  c->turn ^= 1;
  return take_from(c, slot, addr, type, proto) ||
         take_from(c, slot ^ 1, addr, type, proto);
}

/* ---- the race ------------------------------------------------------------ */

typedef struct race {
  int64_t deadline_ns; /* 0: none */
  int64_t delay_ns;    /* -1: one attempt at a time */
  bool nonblocking;    /* timeout 0: no waiting at all */
  const ns_addr *source;
  ns_connect_errors *errors;
  ns_connect_error last;
  bool failed;
  size_t n_pending;
  ns_socket *pending[MAX_IN_FLIGHT];
  ns_addr pending_addr[MAX_IN_FLIGHT];
  ns_socket *winner;
  /* Cancellation: the caller's state, allowed only while the race waits
     in poll(), and what a cancelled race must give back. */
  int cancel_state;
  ns_addrinfo *own_list;
  ns__lookup *shared_list;
} race;

/* The caller was cancelled in poll(): close every attempt, free the list. */
static void race_cancelled(void *arg)
{
  race *r = arg;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
  for (size_t i = 0; i < r->n_pending; i++)
    ns_close(r->pending[i]);
  r->n_pending = 0;
  ns_addrinfo_free(r->own_list);
  ns__lookup_release(r->shared_list);
}

/* poll(2) over the pending attempts, the one place a race may be
   cancelled. */
static int race_poll(race *r, struct pollfd *p, int timeout_ms)
{
  int n;
  pthread_cleanup_push(race_cancelled, r);
  pthread_setcancelstate(r->cancel_state, NULL);
  n = ns__os_poll(p, r->n_pending, timeout_ms);
  int e = errno;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
  errno = e;
  pthread_cleanup_pop(0);
  return n;
}

/* An attempt failed: the thread's last error says why. */
static void attempt_failed(race *r, const ns_addr *addr)
{
  save_failure(&r->last, addr);
  r->failed = true;
  ns_connect_errors *e = r->errors;
  if (!e)
    return;
  if (e->items && e->count < e->size)
    e->items[e->count++] = r->last;
  else
    e->dropped++;
}

/* A non-blocking socket: made so in one call where the system has
   SOCK_NONBLOCK, else switched after. */
static ns_err open_nonblocking(ns_socket **s, int family, int type, int proto)
{
#ifdef SOCK_NONBLOCK
  return ns_socket_create(s, family, type | SOCK_NONBLOCK, proto);
#else
  ns_err err = ns_socket_create(s, family, type, proto);
  if (!err && (err = ns_setblocking(*s, false))) {
    ns_close(*s);
    *s = NULL;
  }
  return err;
#endif
}

/* Start one attempt; it ends at once (won or failed) or becomes pending. */
static void attempt_start(race *r, const ns_addr *addr, int type, int proto)
{
  ns_socket *s;
  if (open_nonblocking(&s, ns_addr_family(addr), type, proto) != NS_OK) {
    attempt_failed(r, addr);
    return;
  }
  ns_err err = r->source ? ns_bind(s, r->source) : NS_OK;
  if (!err)
    err = ns_connect(s, addr);
  if (!err) {
    r->winner = s;
    return;
  }
  if (err == NS_ERR_BLOCKING_IO &&
      ns_error_last_errno() == NS__CONNECT_IN_PROGRESS && !r->nonblocking) {
    r->pending[r->n_pending] = s;
    r->pending_addr[r->n_pending] = *addr;
    r->n_pending++;
    return;
  }
  attempt_failed(r, addr);
  ns_close(s);
}

/* Look at the attempts poll() reported: a winner, or failures. */
static void attempts_settle(race *r, const struct pollfd *p)
{
  size_t kept = 0;
  for (size_t i = 0; i < r->n_pending; i++) {
    ns_socket *s = r->pending[i];
    if (!p[i].revents || r->winner) {
      r->pending[kept] = s;
      r->pending_addr[kept++] = r->pending_addr[i];
      continue;
    }
    int so_error = 0;
    ns_err err = ns_getsockopt_int(s, SOL_SOCKET, SO_ERROR, &so_error);
    if (!err && so_error == 0) {
      r->winner = s;
      continue;
    }
    if (!err)
      ns__fail_sock_code("connect", so_error);
    attempt_failed(r, &r->pending_addr[i]);
    ns_close(s);
  }
  r->n_pending = kept;
}

/* The deadline passed: every attempt still pending has timed out. */
static void attempts_expire(race *r)
{
  for (size_t i = 0; i < r->n_pending; i++) {
    ns__fail_timeout("connect");
    attempt_failed(r, &r->pending_addr[i]);
    ns_close(r->pending[i]);
  }
  r->n_pending = 0;
}

static ns_err race_run(race *r, candidates *c)
{
  bool more = true;
  int64_t next_start = 0;
  for (;;) {
    int64_t now = ns__now_ns();
    if (r->deadline_ns && now >= r->deadline_ns) {
      attempts_expire(r);
      break;
    }
    if (more && r->n_pending < MAX_IN_FLIGHT && now >= next_start) {
      ns_addr addr;
      int type, proto;
      if (take_next(c, &addr, &type, &proto)) {
        size_t before = r->n_pending;
        attempt_start(r, &addr, type, proto);
        if (r->winner)
          break;
        /* A failure starts the next at once; a pending one gets its
           delay first. */
        if (r->n_pending == before)
          next_start = now;
        else
          next_start = r->delay_ns < 0 ? INT64_MAX : now + r->delay_ns;
        continue;
      }
      more = false;
    }
    if (r->n_pending == 0) {
      if (!more)
        break;
      next_start = now;
      continue;
    }
    int64_t until = r->deadline_ns ? r->deadline_ns : INT64_MAX;
    if (more && r->n_pending < MAX_IN_FLIGHT && next_start < until)
      until = next_start;
    struct pollfd p[MAX_IN_FLIGHT];
    for (size_t i = 0; i < r->n_pending; i++)
      p[i] = (struct pollfd){ns_fileno(r->pending[i]), POLLOUT, 0};
    int n = race_poll(r, p, until == INT64_MAX ? -1 : ns__poll_ms(until - now));
    if (n < 0 && errno != EINTR) {
      ns_err err = ns__fail_errno("connect", errno);
      for (size_t i = 0; i < r->n_pending; i++)
        ns_close(r->pending[i]);
      r->n_pending = 0;
      return err;
    }
    if (n > 0) {
      size_t before = r->n_pending;
      attempts_settle(r, p);
      if (r->winner)
        break;
      if (r->n_pending < before)
        next_start = ns__now_ns();
    }
  }
  /* The losers are cancelled, not failed. */
  for (size_t i = 0; i < r->n_pending; i++)
    ns_close(r->pending[i]);
  r->n_pending = 0;
  if (r->winner)
    return NS_OK;
  if (!r->failed)
    return ns__fail_timeout("connect");
  /* Python's str(exc) is the attempt's own; where it happened is kept
     beside it (ns_error_last_address). */
  ns_err err = fail_again(&r->last, "");
  ns__fail_at_address(&r->last.addr);
  return err;
}

/* ---- create_connection --------------------------------------------------- */

typedef struct connect_settings {
  int64_t timeout_ns;
  double timeout_s;
  int64_t delay_ns;
  const ns_addr *source;
  ns_connect_errors *errors;
} connect_settings;

static ns_err read_connect_options(const ns_create_connection_options *opts,
                                   connect_settings *st, const char *op)
{
  static const ns_create_connection_options defaults =
      NS_CREATE_CONNECTION_OPTIONS_INIT;
  if (!opts)
    opts = &defaults;
  if (opts->version != NS_CREATE_CONNECTION_OPTIONS_VERSION)
    return ns__fail_fmt(NS_ERR_VALUE, op,
                        "%s(): unsupported options version %u", op,
                        opts->version);
  st->timeout_s = opts->timeout == NS_TIMEOUT_DEFAULT ? ns_getdefaulttimeout()
                                                      : opts->timeout;
  ns_err err = ns__timeout_from_seconds(st->timeout_s, &st->timeout_ns, op);
  if (err)
    return err;
  double d = opts->attempt_delay;
  if (d == NS_TIMEOUT_NONE)
    st->delay_ns = -1;
  else if (isnan(d) || d < 0 || d > 1e9)
    return ns__fail_fmt(NS_ERR_VALUE, op, "%s(): attempt_delay out of range",
                        op);
  else
    st->delay_ns = (int64_t)ceil(d * 1e9);
  st->source = opts->source_address;
  st->errors = opts->all_errors;
  if (st->errors) {
    st->errors->count = 0;
    st->errors->dropped = 0;
  }
  return NS_OK;
}

static void race_init(race *r, const connect_settings *st, int64_t start)
{
  memset(r, 0, sizeof *r);
  r->deadline_ns = st->timeout_ns > 0 ? start + st->timeout_ns : 0;
  r->delay_ns = st->delay_ns;
  r->nonblocking = st->timeout_ns == 0;
  r->source = st->source;
  r->errors = st->errors;
}

/* The winner leaves the race non-blocking: give it its timeout. */
static ns_err race_finish(race *r, const connect_settings *st, ns_socket **out)
{
  ns_err err = ns_settimeout(r->winner, st->timeout_s);
  if (err) {
    ns_close(r->winner);
    return err;
  }
  *out = r->winner;
  return NS_OK;
}

/* What both entry points do first: check `out`, take the time the one
   deadline counts from, and read the options. */
static ns_err connect_begin(ns_socket **out,
                            const ns_create_connection_options *opts,
                            connect_settings *st, int64_t *start,
                            const char *op)
{
  if (!out)
    return ns__fail_null(op, "create_connection(): out is NULL");
  *out = NULL;
  *start = ns__now_ns();
  return read_connect_options(opts, st, op);
}

/*
 * Both entry points run with cancellation disabled but for their waits
 * (the lookup and the race's poll), each under a cleanup handler: a
 * caller cancelled there leaves no socket, list or lookup behind.
 */
static ns_err create_connection(ns_socket **out, const char *host, int port,
                                const ns_create_connection_options *opts,
                                int cancel_state)
{
  const char *op = "create_connection";
  int64_t start = 0;
  connect_settings st;
  ns_err err = connect_begin(out, opts, &st, &start, op);
  if (err)
    return err;
  if (port < 0 || port > 65535)
    return ns__fail_msg(NS_ERR_OVERFLOW, op,
                        "create_connection(): port must be 0-65535.");
  race r;
  race_init(&r, &st, start);
  r.cancel_state = cancel_state;
  err = resolve(&r.own_list, &r.shared_list, host, port, r.deadline_ns,
                cancel_state);
  if (err)
    return err;
  candidates c;
  candidates_init(&c, r.own_list ? r.own_list : ns__lookup_list(r.shared_list),
                  NULL, 0);
  err = race_run(&r, &c);
  ns_addrinfo_free(r.own_list);
  ns__lookup_release(r.shared_list);
  return err ? err : race_finish(&r, &st, out);
}

ns_err ns_create_connection(ns_socket **out, const char *host, int port,
                            const ns_create_connection_options *opts)
{
  int cancel_state;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
  ns_err err = create_connection(out, host, port, opts, cancel_state);
  pthread_setcancelstate(cancel_state, NULL);
  return err;
}

static ns_err create_connection_addrs(ns_socket **out, const ns_addr *addrs,
                                      size_t n,
                                      const ns_create_connection_options *opts,
                                      int cancel_state)
{
  const char *op = "create_connection";
  int64_t start = 0;
  connect_settings st;
  ns_err err = connect_begin(out, opts, &st, &start, op);
  if (err)
    return err;
  if (!addrs || n == 0)
    return ns__fail_msg(NS_ERR_VALUE, op, "create_connection(): no addresses");
  for (size_t i = 0; i < n; i++) {
    err = ns__addr_check_full(&addrs[i], op);
    if (err)
      return err;
  }
  race r;
  race_init(&r, &st, start);
  r.cancel_state = cancel_state;
  candidates c;
  candidates_init(&c, NULL, addrs, n);
  err = race_run(&r, &c);
  return err ? err : race_finish(&r, &st, out);
}

ns_err ns_create_connection_addrs(ns_socket **out, const ns_addr *addrs,
                                  size_t n,
                                  const ns_create_connection_options *opts)
{
  int cancel_state;
  pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, &cancel_state);
  ns_err err = create_connection_addrs(out, addrs, n, opts, cancel_state);
  pthread_setcancelstate(cancel_state, NULL);
  return err;
}

/* ---- create_server ------------------------------------------------------- */

ns_err ns_create_server(ns_socket **out, const ns_addr *addr,
                        const ns_create_server_options *opts)
{
  const char *op = "create_server";
  static const ns_create_server_options defaults =
      NS_CREATE_SERVER_OPTIONS_INIT;
  if (!out)
    return ns__fail_null(op, "create_server(): out is NULL");
  *out = NULL;
  if (!opts)
    opts = &defaults;
  if (opts->version != NS_CREATE_SERVER_OPTIONS_VERSION)
    return ns__fail_fmt(NS_ERR_VALUE, op,
                        "create_server(): unsupported options version %u",
                        opts->version);
  ns_err err = ns__addr_check_full(addr, op);
  if (err)
    return err;
  int family = ns_addr_family(addr);
  if (opts->dualstack_ipv6) {
    if (family != AF_INET6)
      return ns__fail_msg(NS_ERR_VALUE, op,
                          "dualstack_ipv6 requires AF_INET6 family");
    if (!ns_has_dualstack_ipv6())
      return ns__fail_msg(NS_ERR_VALUE, op,
                          "dualstack_ipv6 not supported on this platform");
  }
  ns_socket *s;
  err = ns_socket_create(&s, family, SOCK_STREAM, 0);
  if (err)
    return err;
#if !NS_WINSOCK
  /* Python ignores a failure here and lets bind() report the problem. On
     Windows SO_REUSEADDR would let another program bind the same port, so
     Python leaves it off there, and so does this. */
  (void)ns_setsockopt_int(s, SOL_SOCKET, SO_REUSEADDR, 1);
#endif
  if (opts->reuse_port) {
#ifdef SO_REUSEPORT
    err = ns_setsockopt_int(s, SOL_SOCKET, SO_REUSEPORT, 1);
#else
    err = ns__fail_msg(NS_ERR_VALUE, "create_server",
                       "SO_REUSEPORT not supported on this platform");
#endif
  }
  if (!err && family == AF_INET6)
    err = ns_setsockopt_int(s, IPPROTO_IPV6, IPV6_V6ONLY,
                            opts->dualstack_ipv6 ? 0 : 1);
  if (!err && ns_bind(s, addr) != NS_OK) {
    ns_connect_error e;
    save_failure(&e, addr);
    char where[NS_ADDR_STRLEN + 64], suffix[NS_ADDR_STRLEN + 128];
    python_repr(addr, where, sizeof where);
    snprintf(suffix, sizeof suffix, " (while attempting to bind on address %s)",
             where);
    err = fail_again(&e, suffix);
    ns__fail_at_address(addr);
  }
  if (!err)
    err = ns_listen(s, opts->backlog < 0 ? DEFAULT_BACKLOG : opts->backlog);
  if (err) {
    ns_close(s);
    return err;
  }
  *out = s;
  return NS_OK;
}

/* ---- probes -------------------------------------------------------------- */

/*
 * Python's has_ipv6 is a constant of the build. The probe asks the running
 * system instead, but a socket that cannot be made for lack of descriptors
 * or memory says nothing about IPv6: then the answer is the one an earlier
 * probe learned, or Python's constant, true.
 */
bool ns_has_ipv6(void)
{
  static _Atomic int learned; /* 0 not yet, 1 yes, -1 no */
  ns_socket *s;
  if (ns_socket_create(&s, AF_INET6, SOCK_STREAM, 0) == NS_OK) {
    ns_close(s);
    atomic_store(&learned, 1);
    return true;
  }
  int e = ns_error_last_errno();
  if (e == NS__NO_FAMILY || e == NS__NO_PROTOCOL) {
    atomic_store(&learned, -1);
    return false;
  }
  return atomic_load(&learned) >= 0;
}

bool ns_has_dualstack_ipv6(void)
{
  ns_socket *s;
  if (ns_socket_create(&s, AF_INET6, SOCK_STREAM, 0) != NS_OK)
    return false;
  bool ok = ns_setsockopt_int(s, IPPROTO_IPV6, IPV6_V6ONLY, 0) == NS_OK;
  ns_close(s);
  return ok;
}

/* ---- create_connection(address, timeout) -------------------------------- */

ns_err ns_create_connection_timeout(ns_socket **out, const char *host, int port,
                                    double timeout)
{
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = timeout;
  return ns_create_connection(out, host, port, &opts);
}

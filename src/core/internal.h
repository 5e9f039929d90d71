/* SPDX-License-Identifier: MIT */
/*
 * What the library's files share and nobody else sees: the handle's layout
 * and the ns__ helpers. Compiled with _GNU_SOURCE (set by CMake), so that
 * the system's extensions that ns_config.h found are declared.
 */
#ifndef NETSOCK_INTERNAL_H
#define NETSOCK_INTERNAL_H

#include <errno.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "netsock/netsock.h"
#include "ns_config.h"
#include "platform.h"

/* Keeps a cold path out of its caller, so the hot path stays short. */
#if defined(__GNUC__)
#define NS__NOINLINE __attribute__((noinline, cold))
#else
#define NS__NOINLINE
#endif

/* The printf the format checks assume: mingw-w64's C99 one on Windows
   (__USE_MINGW_ANSI_STDIO, set by CMake), not the system's. */
#if defined(__MINGW32__)
#define NS__PRINTF gnu_printf
#else
#define NS__PRINTF printf
#endif

/* Timeouts are kept as nanoseconds: -1 none, 0 non-blocking, > 0 a limit. */
#define NS__TIMEOUT_NONE_NS ((int64_t)-1)

/*
 * The handle. Kept small (at most 64 bytes, asserted in socket.c): one
 * allocation per socket, nothing per call.
 *
 * With a timeout (kernel-timer engine), a call that can complete costs one
 * system call: the descriptor stays blocking and the kernel's
 * SO_RCVTIMEO/SO_SNDTIMEO end a wait shortly before the deadline, ppoll
 * the rest (unix/timeout_kernel.c). rcv_kernel_ns/snd_kernel_ns remember
 * what the kernel holds now (encoded as timeout_kernel.c says), since a
 * retry changes it; they are atomics because one thread may receive while
 * another sends.
 */
struct ns_socket {
  ns_os_socket fd;
  int family;
  int type;
  int proto;
  int64_t timeout_ns;
  _Atomic int64_t rcv_kernel_ns;
  _Atomic int64_t snd_kernel_ns;
  /* Whether a kernel timer was ever set on this socket: a connection it
     accepts may carry a copy of them. */
  _Atomic bool kernel_timers_used;
  /* The pollers this socket is registered with: the first, whose
     registration names the next (poller.c). Closing or detaching the
     socket unregisters it from each, so no poller keeps a freed handle. */
  struct ns_poller *pollers;
};

/* Unregister `s` from every poller it is registered with (poller.c). */
void ns__poller_forget(ns_socket *s);

/* A kernel timer slot whose value is not known: the next call sets it. */
#define NS__KERNEL_UNKNOWN INT64_MIN

/* Forget what the kernel's timers hold, so the next timed call sets them
   (kernel-timer engine; the poll engine keeps nothing there). */
void ns__forget_kernel_timers(ns_socket *s);

/* ---- error.c: recording a failure (the return value is the code) ------- */

/* An OS failure: the class comes from errnum. */
ns_err ns__fail_errno(const char *op, int errnum);
/*
 * A Windows or Winsock failure, as Python on Windows reports it: the class
 * and errno through CPython's Windows table, winerror kept, the message
 * "[WinError 10061] No connection could be made ..." (winerror.c).
 */
ns_err ns__fail_winerror(const char *op, int winerror);
/*
 * A getaddrinfo/getnameinfo failure on Windows, as Python there reports
 * it: gaierror, errno the EAI_* code (Winsock's numbers: EAI_NONAME is
 * 11001), "[Errno 11001] getaddrinfo failed", no winerror.
 */
ns_err ns__fail_gai_winsock(const char *op, int eai);
/* CPython's winerror_to_errno: the errno Python on Windows reports. */
int ns__winerror_to_errno(int winerror);
/* Windows' English text of an error code, without the final period as
   Python prints it; NULL for a code the library has no text for. */
const char *ns__winerror_text(int winerror);
/* A failure with a fixed message (a string literal, not copied). */
ns_err ns__fail_msg(ns_err code, const char *op, const char *message);
/* A getaddrinfo failure; EAI_SYSTEM is reported as errno's class. */
ns_err ns__fail_gai(const char *op, int eai, int errnum);
/* A gethostby* failure: herror carrying h_errno. */
ns_err ns__fail_herror(const char *op, int h_err);
/* The library's own timeout: TimeoutError "timed out", errno 0. */
ns_err ns__fail_timeout(const char *op);
/* A NULL handle: Python's closed socket, "[Errno 9] Bad file descriptor". */
#define ns__fail_handle(op) ns__fail_errno((op), EBADF)
/* A NULL buffer with a non-zero length, or another NULL argument. */
ns_err ns__fail_null(const char *op, const char *what);
/* A failure whose message is formatted now (errno 0), for rare paths. */
ns_err ns__fail_fmt(ns_err code, const char *op, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(NS__PRINTF, 3, 4)))
#endif
    ;
/*
 * An OS failure whose message is formatted now, as Python's
 * OSError(errno, message): the class and the errno come from errnum. The
 * arguments must not point into the last-error record itself.
 */
ns_err ns__fail_errno_fmt(const char *op, int errnum, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(NS__PRINTF, 3, 4)))
#endif
    ;

/* A failure recorded earlier, recorded again as it was: class, errno and
   Python's message (copied; it must not point into the record itself). */
ns_err ns__fail_replay(ns_err code, const char *op, int sys_errno,
                       const char *message);

/* Keep `addr` as where the failure just recorded happened
   (ns_error_last_address); any later failure forgets it. */
void ns__fail_at_address(const ns_addr *addr);

#if defined(__clang_analyzer__) && !defined(NS__DEFINING_FAILURES)
/*
 * For the static analyser only, which reads one file at a time: a failure
 * recorded is never NS_OK, so the paths on which a caller would carry on
 * after one do not exist. Compilers see the plain calls.
 */
static inline ns_err ns__failed(ns_err code)
{
  if (code == NS_OK)
    __builtin_unreachable();
  return code;
}
#define ns__fail_errno(...) ns__failed(ns__fail_errno(__VA_ARGS__))
#define ns__fail_msg(...) ns__failed(ns__fail_msg(__VA_ARGS__))
#define ns__fail_gai(...) ns__failed(ns__fail_gai(__VA_ARGS__))
#define ns__fail_herror(...) ns__failed(ns__fail_herror(__VA_ARGS__))
#define ns__fail_timeout(...) ns__failed(ns__fail_timeout(__VA_ARGS__))
#define ns__fail_null(...) ns__failed(ns__fail_null(__VA_ARGS__))
#define ns__fail_fmt(...) ns__failed(ns__fail_fmt(__VA_ARGS__))
#define ns__fail_errno_fmt(...) ns__failed(ns__fail_errno_fmt(__VA_ARGS__))
#endif

/* ---- socket.c ------------------------------------------------------------ */

/*
 * What a new socket asked for as `type` starts as: its timeout (the
 * default, or 0 for SOCK_NONBLOCK), its type without the flags, and
 * whether its descriptor starts non-blocking (as its timeout wants).
 */
typedef struct ns__new_socket {
  int64_t timeout_ns;
  int type;
  bool nonblocking;
} ns__new_socket;

ns__new_socket ns__new_socket_of(int type);

/* Wrap a descriptor the library owns in a handle; closes fd on failure. */
ns_err ns__socket_wrap(ns_socket **out, ns_os_socket fd, int family, int type,
                       int proto, int64_t timeout_ns, const char *op);

/* ---- addr.c -------------------------------------------------------------- */

/* Give an address its family and length (and, on BSD layouts, sa_len),
   once its other fields are set. */
void ns__addr_set_header(ns_addr *a, int family, socklen_t len);

/* Why an address given to an operation is NULL or empty, recorded. */
ns_err ns__addr_explain(const ns_addr *addr, const char *op);

/* Whether addr->len fits its family: what every reader of the struct
   checks before it trusts `len`. */
bool ns__addr_len_ok(const ns_addr *addr);

/* ns__addr_check, and a ValueError for a `len` that does not fit the
   family: for calls that read the address themselves (not the hot path). */
ns_err ns__addr_check_full(const ns_addr *addr, const char *op);

/* Check an address given to an operation: inline, as sendto's hot path
   pays for it on every datagram. */
static inline ns_err ns__addr_check(const ns_addr *addr, const char *op)
{
  return addr && addr->len ? NS_OK : ns__addr_explain(addr, op);
}

/* ---- resolve.c ----------------------------------------------------------- */

/* Resolve a host name for one family into *out, keeping out's port. */
ns_err ns__resolve_host(ns_addr *out, int family, const char *host,
                        const char *op);

/* ---- lookup.c: name lookups under a deadline ----------------------------- */

typedef struct ns__lookup ns__lookup;

/*
 * Look up host and service (AF_UNSPEC, SOCK_STREAM) by deadline_ns
 * (CLOCK_MONOTONIC). On success *out holds the answer: read it with
 * ns__lookup_list and give it back with ns__lookup_release. Call with
 * cancellation disabled: it is enabled as `cancel_state` only while the
 * caller waits. Fails with TimeoutError when the deadline passes first,
 * OSError "can't start new thread" when no lookup thread can be made.
 */
ns_err ns__lookup_wait(ns__lookup **out, const char *host, const char *service,
                       int64_t deadline_ns, int cancel_state);
const ns_addrinfo *ns__lookup_list(const ns__lookup *l);
void ns__lookup_release(ns__lookup *l);

/* ---- makefile.c ---------------------------------------------------------- */

/* The backend's stream over `s`, for reading, writing or both (the
   arguments checked): NS_OK with *out set, or the failure recorded as
   makefile's. */
ns_err ns__os_makefile(ns_socket *s, bool reading, bool writing, FILE **out);

/* The stream's own handle on the socket, for every backend: ns_dup(),
   with an OS failure recorded as makefile's. */
ns_err ns__makefile_dup(ns_socket *s, ns_socket **out);

/* ---- sendfile.c ---------------------------------------------------------- */

/* sendfile's checks before it touches the file: the socket, the offset,
   and a socket that is not non-blocking (Python's ValueErrors). */
ns_err ns__sendfile_check(const ns_socket *s, int64_t offset, const char *op);

/* ---- timeout.c ----------------------------------------------------------- */

/* The deadline of one call: 0 when the socket has no timeout. */
typedef struct ns__deadline {
  int64_t at_ns;
} ns__deadline;

/* CLOCK_MONOTONIC in nanoseconds: a vDSO read, no system call. */
static inline int64_t ns__now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t ns__default_timeout_ns(void);

/* A wait of `ns` nanoseconds as poll(2)'s milliseconds: rounded up, so a
   wait never ends before its deadline; 0 for none left. */
static inline int ns__poll_ms(int64_t ns)
{
  if (ns <= 0)
    return 0;
  int64_t ms = (ns + 999999) / 1000000;
  return ms > INT32_MAX ? INT32_MAX : (int)ms;
}

#if NS_TIMEOUT_KERNEL_TIMERS
/* Whether timeout t (> 0) is too short for the kernel's timer, which counts
   in ticks: such a socket is O_NONBLOCK and waits with ppoll alone. */
bool ns__timeout_short(int64_t t);
#endif

/* Whether a descriptor with timeout `t` is O_NONBLOCK: with kernel timers
   for 0 and for a short timeout; with the poll engine for every timeout
   but none. */
static inline bool ns__timeout_nonblocking(int64_t t)
{
#if NS_TIMEOUT_KERNEL_TIMERS
  return t == 0 || (t > 0 && ns__timeout_short(t));
#else
  return t >= 0;
#endif
}

/* The timeout engine puts timeout `t` in force on the socket (settimeout,
   setblocking). */
ns_err ns__timeout_apply(ns_socket *s, int64_t t, const char *op);

/* The timeout engine settles a socket just accepted from `listener`. */
ns_err ns__timeout_adopt_accepted(const ns_socket *listener, ns_socket *c,
                                  const char *op);

/* Make fd blocking or not, with a system call only when it changes. */
ns_err ns__set_nonblocking(ns_os_socket fd, bool on, const char *op);

/*
 * The start of a call that may block, kept as read: the socket's timeout
 * and, with one, the clock's reading. Only a call that must retry needs
 * its deadline (ns__call_deadline), so a call that completes at once pays
 * for the clock read and nothing more.
 */
typedef struct ns__call_start {
  int64_t timeout_ns;    /* <= 0: no deadline */
  struct timespec clock; /* CLOCK_MONOTONIC at the start, when timed */
} ns__call_start;

/* The deadline of a call that started as `st` says. */
static inline ns__deadline ns__call_deadline(const ns__call_start *st)
{
  ns__deadline dl = {0};
  if (st->timeout_ns > 0)
    dl.at_ns = (int64_t)st->clock.tv_sec * 1000000000 + st->clock.tv_nsec +
               st->timeout_ns;
  return dl;
}

#if NS_TIMEOUT_KERNEL_TIMERS
/* Where the handle remembers the kernel's SO_RCVTIMEO or SO_SNDTIMEO. */
static inline _Atomic int64_t *ns__kernel_slot(ns_socket *s, int which)
{
  return which == SO_RCVTIMEO ? &s->rcv_kernel_ns : &s->snd_kernel_ns;
}

/* Put exactly `ns` (0: no timer) into the kernel as SO_RCVTIMEO or
   SO_SNDTIMEO, and remember it. */
ns_err ns__sync_kernel_timeout(ns_socket *s, int which, int64_t ns,
                               const char *op);

/* Put the timer a call with timeout t starts with into the kernel (none
   for t <= 0), and remember it: the slot then holds t. */
ns_err ns__arm_kernel_timeout(ns_socket *s, int which, int64_t t,
                              const char *op);

/*
 * Start a call that may block: note its start in *st, and put the
 * socket's starting timer back into the kernel if a retry had changed it.
 * `which` is SO_RCVTIMEO or SO_SNDTIMEO. Inline: with no timeout it costs
 * a store and a compare, with one also a clock read and a compare (the
 * slot holds t when the kernel holds t's starting timer); a system call
 * only after a retry had changed the kernel's timer.
 */
static inline ns_err ns__call_start_now(ns_socket *s, ns__call_start *st,
                                        int which, const char *op)
{
  /* The timer first, the clock after: then nothing needs keeping across
     the clock read, which writes into *st itself, and a start taken a
     setsockopt later (only after a retry) makes the deadline late by
     microseconds, never early. */
  int64_t t = s->timeout_ns;
  st->timeout_ns = t;
  if (t <= 0)
    return NS_OK;
  if (atomic_load_explicit(ns__kernel_slot(s, which), memory_order_relaxed) !=
      t) {
    ns_err err = ns__arm_kernel_timeout(s, which, t, op);
    if (err)
      return err;
  }
  clock_gettime(CLOCK_MONOTONIC, &st->clock);
  return NS_OK;
}
#else
/* Start a call that may block: note its start (no clock read without a
   timeout). The poll engine keeps nothing in the kernel. */
static inline ns_err ns__call_start_now(ns_socket *s, ns__call_start *st,
                                        int which, const char *op)
{
  (void)which;
  (void)op;
  int64_t t = s->timeout_ns;
  st->timeout_ns = t;
  if (t > 0)
    clock_gettime(CLOCK_MONOTONIC, &st->clock);
  return NS_OK;
}
#endif

/* Start a call that may block and take its deadline at once (none
   without a timeout), for calls that need it before their first try. */
static inline ns_err ns__call_begin(ns_socket *s, ns__deadline *dl, int which,
                                    const char *op)
{
  ns__call_start st;
  ns_err err = ns__call_start_now(s, &st, which, op);
  if (!err)
    *dl = ns__call_deadline(&st);
  return err;
}

/*
 * Decide after a failed system call (errno holds why): NS_OK means "call
 * it again" (EINTR, or a kernel timer that fired before the deadline, with
 * the kernel's timeout cut to the time left); anything else is the error
 * to return, already recorded.
 */
ns_err ns__call_retry(ns_socket *s, ns__deadline *dl, int which, int flags,
                      const char *op);

/*
 * Before continuing a call that made partial progress (sendall): fail with
 * a timeout if the deadline has passed, else cut the kernel's timeout to
 * the time left.
 */
ns_err ns__call_continue(ns_socket *s, ns__deadline *dl, int which,
                         const char *op);

/*
 * Flags for the next attempt of a send that may go on in part (sendall),
 * after ns__call_retry or ns__call_continue: MSG_DONTWAIT in the final
 * stretch of a timed call on a blocking descriptor, where a send that
 * waited for room would be ended only by the kernel's coarse timer; the
 * EAGAIN it gets instead sends the call back to ppoll.
 */
#if NS_TIMEOUT_KERNEL_TIMERS
int ns__send_retry_flags(const ns_socket *s, const ns__deadline *dl);
#else
static inline int ns__send_retry_flags(const ns_socket *s,
                                       const ns__deadline *dl)
{
  (void)s;
  (void)dl;
  return 0; /* the descriptor of a timed call never waits */
}
#endif

/* Wait until fd is ready for `events` (ppoll(2) where there is one, else
   poll(2)) or the deadline passes. */
ns_err ns__wait_fd(ns_os_socket fd, short events, const ns__deadline *dl,
                   const char *op);

/* Put a timeout into the kernel as SO_RCVTIMEO or SO_SNDTIMEO. */
int ns__set_kernel_timeout(ns_os_socket fd, int which, int64_t ns);

/* Convert seconds to the internal form, with Python's checks. */
ns_err ns__timeout_from_seconds(double seconds, int64_t *out, const char *op);

#endif /* NETSOCK_INTERNAL_H */

/* SPDX-License-Identifier: MIT */
/*
 * The fault shim: every system call, allocation and resolver call the
 * library makes goes through a __wrap_<name> function here (the library's
 * objects are linked into the test with -Wl,--wrap=<name>), which counts it
 * and can make the Nth one fail with a chosen errno, or come back short.
 *
 * Only calls made while a run is armed are counted, and test code calls
 * the real functions through ns_raw_*() so that its own set-up and checks
 * are never counted or failed. The shim also keeps account of what the
 * library holds: live heap blocks, getaddrinfo lists and lookup threads.
 */
#ifndef NETSOCK_FAULT_SHIM_H
#define NETSOCK_FAULT_SHIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

/* The wrapped functions. */
#define NS_FAULT_CALLS(X)                                                      \
  X(socket)                                                                    \
  X(socketpair)                                                                \
  X(accept4)                                                                   \
  X(bind)                                                                      \
  X(listen)                                                                    \
  X(connect)                                                                   \
  X(shutdown)                                                                  \
  X(getsockname)                                                               \
  X(getpeername)                                                               \
  X(getsockopt)                                                                \
  X(setsockopt)                                                                \
  X(send)                                                                      \
  X(sendto)                                                                    \
  X(sendmsg)                                                                   \
  X(sendmmsg)                                                                  \
  X(recv)                                                                      \
  X(recvfrom)                                                                  \
  X(recvmsg)                                                                   \
  X(recvmmsg)                                                                  \
  X(sendfile)                                                                  \
  X(read)                                                                      \
  X(pread)                                                                     \
  X(lseek)                                                                     \
  X(fstat)                                                                     \
  X(close)                                                                     \
  X(fcntl)                                                                     \
  X(poll)                                                                      \
  X(epoll_create1)                                                             \
  X(epoll_ctl)                                                                 \
  X(epoll_wait)                                                                \
  X(malloc)                                                                    \
  X(calloc)                                                                    \
  X(realloc)                                                                   \
  X(fdopen)                                                                    \
  X(fopencookie)                                                               \
  X(getaddrinfo)                                                               \
  X(getnameinfo)                                                               \
  X(gethostname)                                                               \
  X(gethostbyname_r)                                                           \
  X(gethostbyaddr_r)                                                           \
  X(getservbyname_r)                                                           \
  X(getservbyport_r)                                                           \
  X(getprotobyname_r)                                                          \
  X(if_nametoindex)                                                            \
  X(if_indextoname)                                                            \
  X(pthread_create)                                                            \
  X(sigtimedwait)

typedef enum ns_fault_call {
#define NS_FAULT_CALL_ENUM(name) NS_CALL_##name,
  NS_FAULT_CALLS(NS_FAULT_CALL_ENUM)
#undef NS_FAULT_CALL_ENUM
      NS_CALL_COUNT
} ns_fault_call;

/*
 * The faults. Each is injected only where it can really happen (see
 * applicable() in shim.c): EINTR only into a call that can sleep, EAGAIN
 * only on a non-blocking descriptor or one with a kernel timer, a short
 * transfer only on a stream, and so on.
 */
#define NS_FAULT_KINDS(X)                                                      \
  X(EINTR)                                                                     \
  X(EAGAIN)                                                                    \
  X(EINPROGRESS)                                                               \
  X(SHORT)                                                                     \
  X(EMFILE)                                                                    \
  X(ENFILE)                                                                    \
  X(ENOMEM)                                                                    \
  X(ENOBUFS)                                                                   \
  X(ECONNRESET)                                                                \
  X(EPIPE)                                                                     \
  X(ECONNABORTED)                                                              \
  X(ECONNREFUSED)                                                              \
  X(ETIMEDOUT)                                                                 \
  X(ENETUNREACH)                                                               \
  X(EADDRINUSE)                                                                \
  X(EACCES)                                                                    \
  X(ENOTCONN)                                                                  \
  X(ENOPROTOOPT)                                                               \
  X(EBADF)                                                                     \
  X(EIO)                                                                       \
  X(ESPIPE)                                                                    \
  X(ENOSPC)                                                                    \
  X(ENODEV)                                                                    \
  X(ENXIO)                                                                     \
  X(ERANGE)                                                                    \
  X(ENAMETOOLONG)                                                              \
  X(EAI_MEMORY)                                                                \
  X(EAI_AGAIN)                                                                 \
  X(EAI_FAIL)                                                                  \
  X(EAI_SYSTEM)                                                                \
  X(TRY_AGAIN)

typedef enum ns_fault_kind {
#define NS_FAULT_KIND_ENUM(name) NS_FAULT_##name,
  NS_FAULT_KINDS(NS_FAULT_KIND_ENUM)
#undef NS_FAULT_KIND_ENUM
      NS_FAULT_KIND_COUNT
} ns_fault_kind;

/* What the library must make of an injected fault. */
typedef enum ns_fault_expect {
  /* Nothing visible: retried (EINTR, a kernel timer's EAGAIN) or
     continued (a short transfer). The scenario must succeed. */
  NS_EXPECT_RECOVER,
  /* A clean failure, or a documented tolerance (a failed SO_REUSEADDR). */
  NS_EXPECT_CLEAN
} ns_fault_expect;

typedef struct ns_fault_plan {
  /* Fail the call with this 1-based number; 0: fail none. */
  long at;
  ns_fault_kind kind;
  /* Instead of one call: inject `kind` into every call it applies to,
     letting the next call to the same function through (a storm of
     interruptions or short transfers). */
  bool storm;
  /* Keep the sequence of calls and what could be injected into each. */
  bool record;
} ns_fault_plan;

/* One call of a recorded run. */
typedef struct ns_fault_record {
  ns_fault_call call;
  uint64_t applicable; /* bit k: fault kind k could be injected here */
} ns_fault_record;

/* Arm the shim for one run; counting starts at 0. */
void ns_fault_start(const ns_fault_plan *plan);
/* Disarm it. Returns how many calls were counted. */
long ns_fault_stop(void);

/* How many faults the last run injected (storms inject many). */
long ns_fault_injected(void);
/* The first fault the last run injected: its call, kind and what it
   expects. False when none was injected. */
bool ns_fault_first(ns_fault_call *call, ns_fault_kind *kind,
                    ns_fault_expect *expect);

/* The recorded run: how many calls, and each. */
long ns_fault_recorded(void);
const ns_fault_record *ns_fault_record_at(long i);

const char *ns_fault_call_name(ns_fault_call c);
const char *ns_fault_kind_name(ns_fault_kind k);
/* The errno (or EAI_*, or h_errno) value a kind injects. */
int ns_fault_kind_value(ns_fault_kind k);

/* Accounting of what the library holds right now. */
long ns_fault_live_blocks(void);
long ns_fault_live_addrinfo(void);
int ns_fault_live_threads(void);
/* Wait (bounded) until every thread the library started has finished. */
bool ns_fault_wait_threads(double seconds);

/*
 * Attribute the calls counted from now on to one public function (for the
 * coverage report): the name must be a string literal.
 */
void ns_fault_note_api(const char *name);
/* How many counted calls each public function made, over all runs. */
size_t ns_fault_api_count(void);
const char *ns_fault_api_name(size_t i, long *calls);

/* The real functions, for test code. */
int ns_raw_close(int fd);
int ns_raw_socketpair(int d, int t, int p, int sv[2]);
ssize_t ns_raw_send(int fd, const void *buf, size_t len, int flags);
ssize_t ns_raw_recv(int fd, void *buf, size_t len, int flags);
int ns_raw_fcntl_getfd(int fd);

#endif /* NETSOCK_FAULT_SHIM_H */

/* SPDX-License-Identifier: MIT */
/*
 * The fault shim (see shim.h). Linked with -Wl,--wrap=<name> for every
 * function in NS_FAULT_CALLS: the linker sends the library's references to
 * __wrap_<name> here, and __real_<name> reaches the C library.
 *
 * A fault is injected only where the kernel or the C library could really
 * produce it, judged from the descriptor's state at the moment of the call
 * (applicable()). So an injected EINTR always hits a call that could have
 * slept, and the library is required to recover from it; a short transfer
 * only hits a stream; EAGAIN on a blocking descriptor stands for its
 * kernel timer firing. A call that fails is not made, except close(2)
 * (Linux releases the descriptor whatever it reports) and connect(2) on a
 * TCP socket interrupted or cut short by its timer (the connection goes on
 * in the background): those are made and then reported as failed.
 */
#include "shim.h"
#include "ns_config.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

/* ---- the real functions -------------------------------------------------- */

int __real_socket(int, int, int);
int __real_socketpair(int, int, int, int[2]);
int __real_accept4(int, struct sockaddr *, socklen_t *, int);
int __real_bind(int, const struct sockaddr *, socklen_t);
int __real_listen(int, int);
int __real_connect(int, const struct sockaddr *, socklen_t);
int __real_shutdown(int, int);
int __real_getsockname(int, struct sockaddr *, socklen_t *);
int __real_getpeername(int, struct sockaddr *, socklen_t *);
int __real_getsockopt(int, int, int, void *, socklen_t *);
int __real_setsockopt(int, int, int, const void *, socklen_t);
ssize_t __real_send(int, const void *, size_t, int);
ssize_t __real_sendto(int, const void *, size_t, int, const struct sockaddr *,
                      socklen_t);
ssize_t __real_sendmsg(int, const struct msghdr *, int);
int __real_sendmmsg(int, struct mmsghdr *, unsigned int, int);
ssize_t __real_recv(int, void *, size_t, int);
ssize_t __real_recvfrom(int, void *, size_t, int, struct sockaddr *,
                        socklen_t *);
ssize_t __real_recvmsg(int, struct msghdr *, int);
int __real_recvmmsg(int, struct mmsghdr *, unsigned int, int,
                    struct timespec *);
ssize_t __real_sendfile(int, int, off_t *, size_t);
ssize_t __real_read(int, void *, size_t);
ssize_t __real_pread(int, void *, size_t, off_t);
off_t __real_lseek(int, off_t, int);
int __real_fstat(int, struct stat *);
int __real_close(int);
int __real_fcntl(int, int, ...);
int __real_poll(struct pollfd *, nfds_t, int);
int __real_epoll_create1(int);
int __real_epoll_ctl(int, int, int, struct epoll_event *);
int __real_epoll_wait(int, struct epoll_event *, int, int);
void *__real_malloc(size_t);
void *__real_calloc(size_t, size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
FILE *__real_fdopen(int, const char *);
FILE *__real_fopencookie(void *, const char *, cookie_io_functions_t);
int __real_getaddrinfo(const char *, const char *, const struct addrinfo *,
                       struct addrinfo **);
void __real_freeaddrinfo(struct addrinfo *);
int __real_getnameinfo(const struct sockaddr *, socklen_t, char *, socklen_t,
                       char *, socklen_t, int);
int __real_gethostname(char *, size_t);
#if HAVE_GETHOSTBYNAME_R
int __real_gethostbyname_r(const char *, struct hostent *, char *, size_t,
                           struct hostent **, int *);
int __real_gethostbyaddr_r(const void *, socklen_t, int, struct hostent *,
                           char *, size_t, struct hostent **, int *);
#endif
#if HAVE_GETSERVBYNAME_R
int __real_getservbyname_r(const char *, const char *, struct servent *, char *,
                           size_t, struct servent **);
int __real_getservbyport_r(int, const char *, struct servent *, char *, size_t,
                           struct servent **);
#endif
#if HAVE_GETPROTOBYNAME_R
int __real_getprotobyname_r(const char *, struct protoent *, char *, size_t,
                            struct protoent **);
#else
struct protoent *__real_getprotobyname(const char *);
#endif
#if !HAVE_GETSERVBYNAME_R
struct servent *__real_getservbyname(const char *, const char *);
struct servent *__real_getservbyport(int, const char *);
#endif
#if !HAVE_GETHOSTBYNAME_R
struct hostent *__real_gethostbyname(const char *);
struct hostent *__real_gethostbyaddr(const void *, socklen_t, int);
#endif
unsigned __real_if_nametoindex(const char *);
char *__real_if_indextoname(unsigned, char *);
int __real_pthread_create(pthread_t *, const pthread_attr_t *,
                          void *(*)(void *), void *);
int __real_sigtimedwait(const sigset_t *, siginfo_t *, const struct timespec *);

/* ---- names and values ---------------------------------------------------- */

static const char *const call_names[NS_CALL_COUNT] = {
#define CALL_NAME(name) #name,
    NS_FAULT_CALLS(CALL_NAME)
#undef CALL_NAME
};

static const char *const kind_names[NS_FAULT_KIND_COUNT] = {
#define KIND_NAME(name) #name,
    NS_FAULT_KINDS(KIND_NAME)
#undef KIND_NAME
};

const char *ns_fault_call_name(ns_fault_call c)
{
  return c < NS_CALL_COUNT ? call_names[c] : "?";
}

const char *ns_fault_kind_name(ns_fault_kind k)
{
  return k < NS_FAULT_KIND_COUNT ? kind_names[k] : "?";
}

int ns_fault_kind_value(ns_fault_kind k)
{
  switch (k) {
  case NS_FAULT_EINTR:
    return EINTR;
  case NS_FAULT_EAGAIN:
    return EAGAIN;
  case NS_FAULT_EINPROGRESS:
    return EINPROGRESS;
  case NS_FAULT_SHORT:
    return 0;
  case NS_FAULT_EMFILE:
    return EMFILE;
  case NS_FAULT_ENFILE:
    return ENFILE;
  case NS_FAULT_ENOMEM:
    return ENOMEM;
  case NS_FAULT_ENOBUFS:
    return ENOBUFS;
  case NS_FAULT_ECONNRESET:
    return ECONNRESET;
  case NS_FAULT_EPIPE:
    return EPIPE;
  case NS_FAULT_ECONNABORTED:
    return ECONNABORTED;
  case NS_FAULT_ECONNREFUSED:
    return ECONNREFUSED;
  case NS_FAULT_ETIMEDOUT:
    return ETIMEDOUT;
  case NS_FAULT_ENETUNREACH:
    return ENETUNREACH;
  case NS_FAULT_EADDRINUSE:
    return EADDRINUSE;
  case NS_FAULT_EACCES:
    return EACCES;
  case NS_FAULT_ENOTCONN:
    return ENOTCONN;
  case NS_FAULT_ENOPROTOOPT:
    return ENOPROTOOPT;
  case NS_FAULT_EBADF:
    return EBADF;
  case NS_FAULT_EIO:
    return EIO;
  case NS_FAULT_ESPIPE:
    return ESPIPE;
  case NS_FAULT_ENOSPC:
    return ENOSPC;
  case NS_FAULT_ENODEV:
    return ENODEV;
  case NS_FAULT_ENXIO:
    return ENXIO;
  case NS_FAULT_ERANGE:
    return ERANGE;
  case NS_FAULT_ENAMETOOLONG:
    return ENAMETOOLONG;
  case NS_FAULT_EAI_MEMORY:
    return EAI_MEMORY;
  case NS_FAULT_EAI_AGAIN:
    return EAI_AGAIN;
  case NS_FAULT_EAI_FAIL:
    return EAI_FAIL;
  case NS_FAULT_EAI_SYSTEM:
    return EAI_SYSTEM;
  case NS_FAULT_TRY_AGAIN:
    return TRY_AGAIN;
  case NS_FAULT_KIND_COUNT:
    break;
  }
  return 0;
}

/* ---- state --------------------------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static atomic_bool armed;
static ns_fault_plan plan;
static long count;
static long n_injected;
static bool have_first;
static ns_fault_call first_call;
static ns_fault_kind first_kind;
static ns_fault_expect first_expect;
static bool storm_hit[NS_CALL_COUNT];
static ns_fault_record *rec;
static long rec_len, rec_cap;

/* Calls per public function, for the coverage report. */
enum { MAX_APIS = 256 };
static const char *_Atomic current_api;
static const char *api_names[MAX_APIS];
static long api_calls[MAX_APIS];
static size_t n_apis;

void ns_fault_note_api(const char *name)
{
  pthread_mutex_lock(&mu);
  size_t i;
  for (i = 0; i < n_apis; i++)
    if (strcmp(api_names[i], name) == 0)
      break;
  if (i == n_apis && n_apis < MAX_APIS)
    api_names[n_apis++] = name;
  pthread_mutex_unlock(&mu);
  atomic_store(&current_api, name);
}

size_t ns_fault_api_count(void)
{
  return n_apis;
}

const char *ns_fault_api_name(size_t i, long *calls)
{
  if (i >= n_apis)
    return NULL;
  if (calls)
    *calls = api_calls[i];
  return api_names[i];
}

void ns_fault_start(const ns_fault_plan *p)
{
  pthread_mutex_lock(&mu);
  plan = *p;
  count = 0;
  n_injected = 0;
  have_first = false;
  rec_len = 0;
  memset(storm_hit, 0, sizeof storm_hit);
  atomic_store(&current_api, NULL);
  pthread_mutex_unlock(&mu);
  atomic_store(&armed, true);
}

long ns_fault_stop(void)
{
  atomic_store(&armed, false);
  pthread_mutex_lock(&mu);
  long n = count;
  pthread_mutex_unlock(&mu);
  return n;
}

long ns_fault_injected(void)
{
  return n_injected;
}

bool ns_fault_first(ns_fault_call *call, ns_fault_kind *kind,
                    ns_fault_expect *expect)
{
  if (!have_first)
    return false;
  *call = first_call;
  *kind = first_kind;
  *expect = first_expect;
  return true;
}

long ns_fault_recorded(void)
{
  return rec_len;
}

const ns_fault_record *ns_fault_record_at(long i)
{
  return i >= 0 && i < rec_len ? &rec[i] : NULL;
}

/* ---- what can happen where ----------------------------------------------- */

/* What a call is about to do, as far as choosing a fault goes. */
typedef struct call_ctx {
  int fd;         /* the socket or file, or -1 */
  int flags;      /* MSG_* flags of socket I/O */
  size_t len;     /* bytes (or messages) asked for */
  int timer;      /* SO_RCVTIMEO / SO_SNDTIMEO governing it, or 0 */
  int family;     /* for connect: the address family */
  int timeout_ms; /* for poll and epoll_wait */
  bool dup;       /* fcntl F_DUPFD* */
  bool socket_io; /* a call on a socket that may sleep */
} call_ctx;

static int sock_int_opt(int fd, int name)
{
  int v = -1;
  socklen_t l = sizeof v;
  if (__real_getsockopt(fd, SOL_SOCKET, name, &v, &l) != 0)
    return -1;
  return v;
}

static bool blocking(int fd)
{
  int fl = __real_fcntl(fd, F_GETFL);
  return fl >= 0 && !(fl & O_NONBLOCK);
}

static bool has_timer(int fd, int which)
{
  struct timeval tv = {0, 0};
  socklen_t l = sizeof tv;
  if (!which || __real_getsockopt(fd, SOL_SOCKET, which, &tv, &l) != 0)
    return false;
  return tv.tv_sec || tv.tv_usec;
}

#define BIT(k) ((uint64_t)1 << NS_FAULT_##k)

static uint64_t applicable(ns_fault_call c, const call_ctx *x)
{
  uint64_t m = 0;
  bool sleeps = false, timed = false, stream = false;
  if (x->socket_io) {
    sleeps = blocking(x->fd) && !(x->flags & MSG_DONTWAIT);
    timed = sleeps && has_timer(x->fd, x->timer);
    stream = sock_int_opt(x->fd, SO_TYPE) == SOCK_STREAM;
  }
  switch (c) {
  case NS_CALL_socket:
    return BIT(EMFILE) | BIT(ENFILE) | BIT(ENOBUFS) | BIT(EACCES);
  case NS_CALL_socketpair:
    return BIT(EMFILE) | BIT(ENFILE);
  case NS_CALL_accept4:
    m = BIT(EMFILE) | BIT(ENFILE) | BIT(ECONNABORTED) | BIT(ENOBUFS);
    if (sleeps)
      m |= BIT(EINTR);
    if (!sleeps || timed)
      m |= BIT(EAGAIN);
    return m;
  case NS_CALL_bind:
    return BIT(EADDRINUSE) | BIT(EACCES);
  case NS_CALL_listen:
    return BIT(EADDRINUSE);
  case NS_CALL_connect:
    m = BIT(ECONNREFUSED);
    if (sleeps)
      m |= BIT(EINTR);
    if (x->family == AF_INET || x->family == AF_INET6) {
      m |= BIT(ETIMEDOUT) | BIT(ENETUNREACH);
      if (timed)
        m |= BIT(EINPROGRESS);
    } else if (!sleeps || timed) {
      m |= BIT(EAGAIN);
    }
    return m;
  case NS_CALL_shutdown:
    return BIT(ENOTCONN);
  case NS_CALL_getsockname:
    return BIT(ENOBUFS);
  case NS_CALL_getpeername:
    return BIT(ENOBUFS) | BIT(ENOTCONN);
  case NS_CALL_getsockopt:
    return BIT(ENOPROTOOPT) | BIT(ENOMEM);
  case NS_CALL_setsockopt:
    return BIT(ENOMEM) | BIT(ENOBUFS);
  case NS_CALL_send:
  case NS_CALL_sendto:
  case NS_CALL_sendmsg:
  case NS_CALL_sendmmsg:
  case NS_CALL_sendfile:
    m = BIT(ENOBUFS);
    if (sleeps)
      m |= BIT(EINTR);
    if (!sleeps || timed)
      m |= BIT(EAGAIN);
    if (stream && c != NS_CALL_sendmmsg)
      m |= BIT(ECONNRESET) | BIT(EPIPE);
    if ((stream || c == NS_CALL_sendmmsg) && x->len > 1)
      m |= BIT(SHORT);
    if (c == NS_CALL_sendfile)
      m |= BIT(ENOMEM) | BIT(EIO);
    return m;
  case NS_CALL_recv:
  case NS_CALL_recvfrom:
  case NS_CALL_recvmsg:
  case NS_CALL_recvmmsg:
    m = BIT(ENOMEM);
    if (sleeps)
      m |= BIT(EINTR);
    if (!sleeps || timed)
      m |= BIT(EAGAIN);
    if (stream)
      m |= BIT(ECONNRESET);
    if ((stream || c == NS_CALL_recvmmsg) && x->len > 1)
      m |= BIT(SHORT);
    return m;
  case NS_CALL_read:
    m = BIT(EIO);
    if (blocking(x->fd))
      m |= BIT(EINTR);
    else
      m |= BIT(EAGAIN);
    if (x->len > 1)
      m |= BIT(SHORT);
    return m;
  case NS_CALL_pread:
    return BIT(EIO) | (x->len > 1 ? BIT(SHORT) : 0);
  case NS_CALL_lseek:
    return BIT(ESPIPE);
  case NS_CALL_fstat:
    return BIT(EIO) | BIT(ENOMEM);
  case NS_CALL_close:
    return BIT(EINTR) | BIT(EIO);
  case NS_CALL_fcntl:
    return x->dup ? BIT(EMFILE) : BIT(EBADF);
  case NS_CALL_poll:
    return BIT(ENOMEM) | (x->timeout_ms != 0 ? BIT(EINTR) : 0);
  case NS_CALL_epoll_create1:
    return BIT(EMFILE) | BIT(ENFILE) | BIT(ENOMEM);
  case NS_CALL_epoll_ctl:
    return BIT(ENOMEM) | BIT(ENOSPC);
  case NS_CALL_epoll_wait:
    return x->timeout_ms != 0 ? BIT(EINTR) : 0;
  case NS_CALL_malloc:
  case NS_CALL_calloc:
  case NS_CALL_realloc:
  case NS_CALL_fdopen:
  case NS_CALL_fopencookie:
    return BIT(ENOMEM);
  case NS_CALL_getaddrinfo:
    return BIT(EAI_MEMORY) | BIT(EAI_AGAIN) | BIT(EAI_FAIL) | BIT(EAI_SYSTEM);
  case NS_CALL_getnameinfo:
    return BIT(EAI_MEMORY) | BIT(EAI_AGAIN) | BIT(EAI_SYSTEM);
  case NS_CALL_gethostname:
    return BIT(ENAMETOOLONG);
  case NS_CALL_gethostbyname_r:
  case NS_CALL_gethostbyaddr_r:
    return BIT(ERANGE) | BIT(TRY_AGAIN);
  case NS_CALL_getservbyname_r:
  case NS_CALL_getservbyport_r:
  case NS_CALL_getprotobyname_r:
    return BIT(ERANGE);
  case NS_CALL_if_nametoindex:
    return BIT(ENODEV) | BIT(EMFILE);
  case NS_CALL_if_indextoname:
    return BIT(ENXIO) | BIT(EMFILE);
  case NS_CALL_pthread_create:
    return BIT(EAGAIN);
  case NS_CALL_sigtimedwait:
    /* Only ever called with a signal pending: it cannot say EAGAIN. */
    return BIT(EINTR);
  case NS_CALL_COUNT:
    break;
  }
  return 0;
}

static ns_fault_expect expect_of(ns_fault_kind k, const call_ctx *x)
{
  switch (k) {
  case NS_FAULT_EINTR:
  case NS_FAULT_SHORT:
  case NS_FAULT_EINPROGRESS:
    return NS_EXPECT_RECOVER;
  case NS_FAULT_EAGAIN:
    /* On a blocking socket EAGAIN is its kernel timer, which fired before
       the call's deadline: the library must go on with the time left. */
    if (x->socket_io && blocking(x->fd) && !(x->flags & MSG_DONTWAIT))
      return NS_EXPECT_RECOVER;
    return NS_EXPECT_CLEAN;
  default:
    return NS_EXPECT_CLEAN;
  }
}

/*
 * Count a call and decide its fate: the fault kind to inject, or -1 to
 * let it through.
 */
static int decide(ns_fault_call c, const call_ctx *x)
{
  if (!atomic_load(&armed))
    return -1;
  pthread_mutex_lock(&mu);
  long n = ++count;
  const char *api = atomic_load(&current_api);
  if (api)
    for (size_t i = 0; i < n_apis; i++)
      if (api_names[i] == api) {
        api_calls[i]++;
        break;
      }
  uint64_t mask = 0;
  if (plan.record || plan.storm || n == plan.at)
    mask = applicable(c, x);
  if (plan.record) {
    if (rec_len == rec_cap) {
      long cap = rec_cap ? rec_cap * 2 : 1024;
      ns_fault_record *r = __real_realloc(rec, (size_t)cap * sizeof *r);
      if (r) {
        rec = r;
        rec_cap = cap;
      }
    }
    if (rec_len < rec_cap)
      rec[rec_len++] = (ns_fault_record){c, mask};
  }
  int kind = -1;
  uint64_t want = (uint64_t)1 << plan.kind;
  if (plan.storm) {
    if (mask & want) {
      kind = storm_hit[c] ? -1 : (int)plan.kind;
      storm_hit[c] = !storm_hit[c];
    }
  } else if (n == plan.at && (mask & want)) {
    kind = (int)plan.kind;
  }
  if (kind >= 0) {
    n_injected++;
    if (!have_first) {
      have_first = true;
      first_call = c;
      first_kind = (ns_fault_kind)kind;
      first_expect = expect_of((ns_fault_kind)kind, x);
    }
  }
  pthread_mutex_unlock(&mu);
  return kind;
}

/* The usual failure: errno and -1. */
static int fail_errno(int kind)
{
  errno = ns_fault_kind_value((ns_fault_kind)kind);
  return -1;
}

/* Half of n, at least 1: a short transfer. */
static size_t half(size_t n)
{
  return n / 2 ? n / 2 : 1;
}

/* ---- heap and resolver accounting ---------------------------------------- */

enum { SLOTS = 1 << 14 };
static pthread_mutex_t heap_mu = PTHREAD_MUTEX_INITIALIZER;
static void *slots[SLOTS];
static long live_blocks;
static _Atomic long live_lists;
static atomic_int live_threads;
#define TOMBSTONE ((void *)1)

static size_t slot_of(const void *p)
{
  uintptr_t h = (uintptr_t)p;
  h ^= h >> 17;
  h *= 0x9e3779b97f4a7c15u;
  return (size_t)(h >> 7) & (SLOTS - 1);
}

static void track(void *p)
{
  if (!p)
    return;
  pthread_mutex_lock(&heap_mu);
  for (size_t i = slot_of(p), k = 0; k < SLOTS; k++, i = (i + 1) & (SLOTS - 1))
    if (!slots[i] || slots[i] == TOMBSTONE) {
      slots[i] = p;
      live_blocks++;
      break;
    }
  pthread_mutex_unlock(&heap_mu);
}

static void untrack(void *p)
{
  if (!p)
    return;
  pthread_mutex_lock(&heap_mu);
  for (size_t i = slot_of(p), k = 0; k < SLOTS && slots[i];
       k++, i = (i + 1) & (SLOTS - 1))
    if (slots[i] == p) {
      slots[i] = TOMBSTONE;
      live_blocks--;
      break;
    }
  pthread_mutex_unlock(&heap_mu);
}

long ns_fault_live_blocks(void)
{
  pthread_mutex_lock(&heap_mu);
  long n = live_blocks;
  pthread_mutex_unlock(&heap_mu);
  return n;
}

long ns_fault_live_addrinfo(void)
{
  return atomic_load(&live_lists);
}

int ns_fault_live_threads(void)
{
  return atomic_load(&live_threads);
}

bool ns_fault_wait_threads(double seconds)
{
  for (long i = 0; i < (long)(seconds * 1000); i++) {
    if (atomic_load(&live_threads) == 0)
      return true;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
  }
  return atomic_load(&live_threads) == 0;
}

/* ---- the wrappers -------------------------------------------------------- */

/* clang-format off */
#define IO_CTX(fd_, flags_, len_, timer_)                                      \
  {(fd_), (flags_), (len_), (timer_), 0, 0, false, true}
#define PLAIN_CTX {-1, 0, 0, 0, 0, 0, false, false}
/* clang-format on */

int __wrap_socket(int d, int t, int p)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_socket, &x);
  return k >= 0 ? fail_errno(k) : __real_socket(d, t, p);
}

int __wrap_socketpair(int d, int t, int p, int sv[2])
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_socketpair, &x);
  return k >= 0 ? fail_errno(k) : __real_socketpair(d, t, p, sv);
}

int __wrap_accept4(int fd, struct sockaddr *sa, socklen_t *len, int flags)
{
  call_ctx x = IO_CTX(fd, 0, 0, SO_RCVTIMEO);
  int k = decide(NS_CALL_accept4, &x);
  return k >= 0 ? fail_errno(k) : __real_accept4(fd, sa, len, flags);
}

int __wrap_bind(int fd, const struct sockaddr *sa, socklen_t len)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_bind, &x);
  return k >= 0 ? fail_errno(k) : __real_bind(fd, sa, len);
}

int __wrap_listen(int fd, int backlog)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_listen, &x);
  return k >= 0 ? fail_errno(k) : __real_listen(fd, backlog);
}

int __wrap_connect(int fd, const struct sockaddr *sa, socklen_t len)
{
  call_ctx x = IO_CTX(fd, 0, 0, SO_SNDTIMEO);
  x.family = len >= sizeof(sa_family_t) ? sa->sa_family : AF_UNSPEC;
  int k = decide(NS_CALL_connect, &x);
  if (k < 0)
    return __real_connect(fd, sa, len);
  /* A TCP connect that a signal or the kernel's timer cut short goes on in
     the background: make it, then say it was cut short. */
  if ((k == NS_FAULT_EINTR || k == NS_FAULT_EINPROGRESS) &&
      (x.family == AF_INET || x.family == AF_INET6)) {
    int rc = __real_connect(fd, sa, len);
    if (rc != 0 && errno != EINPROGRESS)
      return rc;
  }
  return fail_errno(k);
}

int __wrap_shutdown(int fd, int how)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_shutdown, &x);
  return k >= 0 ? fail_errno(k) : __real_shutdown(fd, how);
}

int __wrap_getsockname(int fd, struct sockaddr *sa, socklen_t *len)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getsockname, &x);
  return k >= 0 ? fail_errno(k) : __real_getsockname(fd, sa, len);
}

int __wrap_getpeername(int fd, struct sockaddr *sa, socklen_t *len)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getpeername, &x);
  return k >= 0 ? fail_errno(k) : __real_getpeername(fd, sa, len);
}

int __wrap_getsockopt(int fd, int level, int name, void *v, socklen_t *len)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getsockopt, &x);
  return k >= 0 ? fail_errno(k) : __real_getsockopt(fd, level, name, v, len);
}

int __wrap_setsockopt(int fd, int level, int name, const void *v, socklen_t len)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_setsockopt, &x);
  return k >= 0 ? fail_errno(k) : __real_setsockopt(fd, level, name, v, len);
}

ssize_t __wrap_send(int fd, const void *buf, size_t len, int flags)
{
  call_ctx x = IO_CTX(fd, flags, len, SO_SNDTIMEO);
  int k = decide(NS_CALL_send, &x);
  if (k == NS_FAULT_SHORT)
    return __real_send(fd, buf, half(len), flags);
  return k >= 0 ? fail_errno(k) : __real_send(fd, buf, len, flags);
}

ssize_t __wrap_sendto(int fd, const void *buf, size_t len, int flags,
                      const struct sockaddr *sa, socklen_t salen)
{
  call_ctx x = IO_CTX(fd, flags, len, SO_SNDTIMEO);
  int k = decide(NS_CALL_sendto, &x);
  if (k == NS_FAULT_SHORT)
    return __real_sendto(fd, buf, half(len), flags, sa, salen);
  return k >= 0 ? fail_errno(k) : __real_sendto(fd, buf, len, flags, sa, salen);
}

static size_t iov_total(const struct msghdr *m)
{
  size_t t = 0;
  for (size_t i = 0; i < (size_t)m->msg_iovlen; i++)
    t += m->msg_iov[i].iov_len;
  return t;
}

/* A copy of `m` whose buffers end after half their bytes. */
enum { MAX_IOV = 64 };
static bool shorten(const struct msghdr *m, struct msghdr *out,
                    struct iovec *iov)
{
  if ((size_t)m->msg_iovlen > MAX_IOV)
    return false;
  size_t want = half(iov_total(m));
  *out = *m;
  size_t n = 0;
  for (size_t i = 0; i < (size_t)m->msg_iovlen && want; i++, n++) {
    iov[i] = m->msg_iov[i];
    if (iov[i].iov_len > want)
      iov[i].iov_len = want;
    want -= iov[i].iov_len;
  }
  out->msg_iov = iov;
  out->msg_iovlen = n;
  return true;
}

ssize_t __wrap_sendmsg(int fd, const struct msghdr *m, int flags)
{
  call_ctx x = IO_CTX(fd, flags, iov_total(m), SO_SNDTIMEO);
  int k = decide(NS_CALL_sendmsg, &x);
  if (k == NS_FAULT_SHORT) {
    struct msghdr s;
    struct iovec iov[MAX_IOV];
    if (shorten(m, &s, iov))
      return __real_sendmsg(fd, &s, flags);
    k = -1;
  }
  return k >= 0 ? fail_errno(k) : __real_sendmsg(fd, m, flags);
}

int __wrap_sendmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags)
{
  call_ctx x = IO_CTX(fd, flags, n, SO_SNDTIMEO);
  int k = decide(NS_CALL_sendmmsg, &x);
  if (k == NS_FAULT_SHORT)
    return __real_sendmmsg(fd, v, (unsigned)half(n), flags);
  return k >= 0 ? fail_errno(k) : __real_sendmmsg(fd, v, n, flags);
}

ssize_t __wrap_recv(int fd, void *buf, size_t len, int flags)
{
  call_ctx x = IO_CTX(fd, flags, len, SO_RCVTIMEO);
  int k = decide(NS_CALL_recv, &x);
  if (k == NS_FAULT_SHORT)
    return __real_recv(fd, buf, half(len), flags);
  return k >= 0 ? fail_errno(k) : __real_recv(fd, buf, len, flags);
}

ssize_t __wrap_recvfrom(int fd, void *buf, size_t len, int flags,
                        struct sockaddr *sa, socklen_t *salen)
{
  call_ctx x = IO_CTX(fd, flags, len, SO_RCVTIMEO);
  int k = decide(NS_CALL_recvfrom, &x);
  if (k == NS_FAULT_SHORT)
    return __real_recvfrom(fd, buf, half(len), flags, sa, salen);
  return k >= 0 ? fail_errno(k)
                : __real_recvfrom(fd, buf, len, flags, sa, salen);
}

ssize_t __wrap_recvmsg(int fd, struct msghdr *m, int flags)
{
  call_ctx x = IO_CTX(fd, flags, iov_total(m), SO_RCVTIMEO);
  int k = decide(NS_CALL_recvmsg, &x);
  if (k == NS_FAULT_SHORT) {
    struct msghdr s;
    struct iovec iov[MAX_IOV];
    if (shorten(m, &s, iov)) {
      ssize_t r = __real_recvmsg(fd, &s, flags);
      /* What the kernel writes back into the header. */
      m->msg_namelen = s.msg_namelen;
      m->msg_controllen = s.msg_controllen;
      m->msg_flags = s.msg_flags;
      return r;
    }
    k = -1;
  }
  return k >= 0 ? fail_errno(k) : __real_recvmsg(fd, m, flags);
}

int __wrap_recvmmsg(int fd, struct mmsghdr *v, unsigned int n, int flags,
                    struct timespec *t)
{
  call_ctx x = IO_CTX(fd, flags, n, SO_RCVTIMEO);
  int k = decide(NS_CALL_recvmmsg, &x);
  if (k == NS_FAULT_SHORT)
    return __real_recvmmsg(fd, v, (unsigned)half(n), flags, t);
  return k >= 0 ? fail_errno(k) : __real_recvmmsg(fd, v, n, flags, t);
}

ssize_t __wrap_sendfile(int out, int in, off_t *off, size_t count)
{
  call_ctx x = IO_CTX(out, 0, count, SO_SNDTIMEO);
  int k = decide(NS_CALL_sendfile, &x);
  if (k == NS_FAULT_SHORT)
    return __real_sendfile(out, in, off, half(count));
  return k >= 0 ? fail_errno(k) : __real_sendfile(out, in, off, count);
}

ssize_t __wrap_read(int fd, void *buf, size_t len)
{
  call_ctx x = PLAIN_CTX;
  x.fd = fd;
  x.len = len;
  int k = decide(NS_CALL_read, &x);
  if (k == NS_FAULT_SHORT)
    return __real_read(fd, buf, half(len));
  return k >= 0 ? fail_errno(k) : __real_read(fd, buf, len);
}

ssize_t __wrap_pread(int fd, void *buf, size_t len, off_t off)
{
  call_ctx x = PLAIN_CTX;
  x.fd = fd;
  x.len = len;
  int k = decide(NS_CALL_pread, &x);
  if (k == NS_FAULT_SHORT)
    return __real_pread(fd, buf, half(len), off);
  return k >= 0 ? fail_errno(k) : __real_pread(fd, buf, len, off);
}

off_t __wrap_lseek(int fd, off_t off, int whence)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_lseek, &x);
  return k >= 0 ? fail_errno(k) : __real_lseek(fd, off, whence);
}

int __wrap_fstat(int fd, struct stat *st)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_fstat, &x);
  return k >= 0 ? fail_errno(k) : __real_fstat(fd, st);
}

int __wrap_close(int fd)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_close, &x);
  int rc = __real_close(fd);
  /* Linux releases the descriptor whatever close(2) reports. */
  return k >= 0 ? fail_errno(k) : rc;
}

int __wrap_fcntl(int fd, int cmd, ...)
{
  int arg = 0;
  bool has_arg = cmd != F_GETFL && cmd != F_GETFD;
  if (has_arg) {
    va_list ap;
    va_start(ap, cmd);
    /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized): started above */
    arg = va_arg(ap, int);
    va_end(ap);
  }
  call_ctx x = PLAIN_CTX;
  x.dup = cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC;
  int k = decide(NS_CALL_fcntl, &x);
  if (k >= 0)
    return fail_errno(k);
  return has_arg ? __real_fcntl(fd, cmd, arg) : __real_fcntl(fd, cmd);
}

int __wrap_poll(struct pollfd *p, nfds_t n, int timeout)
{
  call_ctx x = PLAIN_CTX;
  x.timeout_ms = timeout;
  int k = decide(NS_CALL_poll, &x);
  return k >= 0 ? fail_errno(k) : __real_poll(p, n, timeout);
}

int __wrap_epoll_create1(int flags)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_epoll_create1, &x);
  return k >= 0 ? fail_errno(k) : __real_epoll_create1(flags);
}

int __wrap_epoll_ctl(int ep, int op, int fd, struct epoll_event *ev)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_epoll_ctl, &x);
  return k >= 0 ? fail_errno(k) : __real_epoll_ctl(ep, op, fd, ev);
}

int __wrap_epoll_wait(int ep, struct epoll_event *ev, int max, int timeout)
{
  call_ctx x = PLAIN_CTX;
  x.timeout_ms = timeout;
  int k = decide(NS_CALL_epoll_wait, &x);
  return k >= 0 ? fail_errno(k) : __real_epoll_wait(ep, ev, max, timeout);
}

void *__wrap_malloc(size_t n)
{
  call_ctx x = PLAIN_CTX;
  if (decide(NS_CALL_malloc, &x) >= 0) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = __real_malloc(n);
  track(p);
  return p;
}

void *__wrap_calloc(size_t n, size_t size)
{
  call_ctx x = PLAIN_CTX;
  if (decide(NS_CALL_calloc, &x) >= 0) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = __real_calloc(n, size);
  track(p);
  return p;
}

void *__wrap_realloc(void *old, size_t n)
{
  call_ctx x = PLAIN_CTX;
  if (decide(NS_CALL_realloc, &x) >= 0) {
    errno = ENOMEM;
    return NULL;
  }
  void *p = __real_realloc(old, n);
  if (p || n == 0) {
    untrack(old);
    track(p);
  }
  return p;
}

void __wrap_free(void *p)
{
  untrack(p);
  __real_free(p);
}

FILE *__wrap_fdopen(int fd, const char *mode)
{
  call_ctx x = PLAIN_CTX;
  if (decide(NS_CALL_fdopen, &x) >= 0) {
    errno = ENOMEM;
    return NULL;
  }
  return __real_fdopen(fd, mode);
}

FILE *__wrap_fopencookie(void *cookie, const char *mode,
                         cookie_io_functions_t io)
{
  call_ctx x = PLAIN_CTX;
  if (decide(NS_CALL_fopencookie, &x) >= 0) {
    errno = ENOMEM;
    return NULL;
  }
  return __real_fopencookie(cookie, mode, io);
}

int __wrap_getaddrinfo(const char *node, const char *service,
                       const struct addrinfo *hints, struct addrinfo **res)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getaddrinfo, &x);
  if (k >= 0) {
    if (k == NS_FAULT_EAI_SYSTEM)
      errno = EMFILE;
    return ns_fault_kind_value((ns_fault_kind)k);
  }
  int rc = __real_getaddrinfo(node, service, hints, res);
  if (rc == 0)
    atomic_fetch_add(&live_lists, 1);
  return rc;
}

void __wrap_freeaddrinfo(struct addrinfo *list)
{
  if (list)
    atomic_fetch_sub(&live_lists, 1);
  __real_freeaddrinfo(list);
}

int __wrap_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
                       socklen_t hostlen, char *serv, socklen_t servlen,
                       int flags)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getnameinfo, &x);
  if (k >= 0) {
    if (k == NS_FAULT_EAI_SYSTEM)
      errno = EMFILE;
    return ns_fault_kind_value((ns_fault_kind)k);
  }
  return __real_getnameinfo(sa, salen, host, hostlen, serv, servlen, flags);
}

int __wrap_gethostname(char *buf, size_t len)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_gethostname, &x);
  return k >= 0 ? fail_errno(k) : __real_gethostname(buf, len);
}

/* The reentrant resolvers report through their return value, *result and
   (for hosts) *h_errnop. musl has no NETDB_INTERNAL; glibc's value is -1.
   Where the C library lacks one (ns_config.h), the library calls the
   plain lookup under its lock instead: that is wrapped in its place, as
   the same call, and fails by returning NULL (h_errno for hosts), the
   same result for the library as a failed _r lookup. */
#if HAVE_GETHOSTBYNAME_R || HAVE_GETSERVBYNAME_R || HAVE_GETPROTOBYNAME_R
#ifndef NETDB_INTERNAL
#define NETDB_INTERNAL (-1)
#endif
static int fail_resolver_r(int k, void **result, int *h_errnop)
{
  *result = NULL;
  if (k == NS_FAULT_TRY_AGAIN) {
    if (h_errnop)
      *h_errnop = TRY_AGAIN;
    return EAGAIN;
  }
  if (h_errnop)
    *h_errnop = NETDB_INTERNAL;
  errno = ERANGE;
  return ERANGE;
}
#endif

#if HAVE_GETHOSTBYNAME_R
int __wrap_gethostbyname_r(const char *name, struct hostent *ret, char *buf,
                           size_t len, struct hostent **result, int *h_err)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_gethostbyname_r, &x);
  if (k >= 0)
    return fail_resolver_r(k, (void **)result, h_err);
  return __real_gethostbyname_r(name, ret, buf, len, result, h_err);
}
#endif

#if HAVE_GETHOSTBYNAME_R
int __wrap_gethostbyaddr_r(const void *addr, socklen_t alen, int type,
                           struct hostent *ret, char *buf, size_t len,
                           struct hostent **result, int *h_err)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_gethostbyaddr_r, &x);
  if (k >= 0)
    return fail_resolver_r(k, (void **)result, h_err);
  return __real_gethostbyaddr_r(addr, alen, type, ret, buf, len, result, h_err);
}
#endif

#if HAVE_GETSERVBYNAME_R
int __wrap_getservbyname_r(const char *name, const char *proto,
                           struct servent *se, char *buf, size_t len,
                           struct servent **result)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getservbyname_r, &x);
  if (k >= 0)
    return fail_resolver_r(k, (void **)result, NULL);
  return __real_getservbyname_r(name, proto, se, buf, len, result);
}
#endif

#if HAVE_GETSERVBYNAME_R
int __wrap_getservbyport_r(int port, const char *proto, struct servent *se,
                           char *buf, size_t len, struct servent **result)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getservbyport_r, &x);
  if (k >= 0)
    return fail_resolver_r(k, (void **)result, NULL);
  return __real_getservbyport_r(port, proto, se, buf, len, result);
}
#endif

#if HAVE_GETPROTOBYNAME_R
int __wrap_getprotobyname_r(const char *name, struct protoent *pe, char *buf,
                            size_t len, struct protoent **result)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getprotobyname_r, &x);
  if (k >= 0)
    return fail_resolver_r(k, (void **)result, NULL);
  return __real_getprotobyname_r(name, pe, buf, len, result);
}
#endif

#if !HAVE_GETHOSTBYNAME_R || !HAVE_GETSERVBYNAME_R || !HAVE_GETPROTOBYNAME_R
static void *fail_resolver(int k, bool host)
{
  if (host)
    h_errno = k == NS_FAULT_TRY_AGAIN ? TRY_AGAIN : NO_RECOVERY;
  return NULL;
}
#endif

#if !HAVE_GETHOSTBYNAME_R
struct hostent *__wrap_gethostbyname(const char *name)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_gethostbyname_r, &x);
  return k >= 0 ? fail_resolver(k, true) : __real_gethostbyname(name);
}

struct hostent *__wrap_gethostbyaddr(const void *addr, socklen_t alen, int type)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_gethostbyaddr_r, &x);
  return k >= 0 ? fail_resolver(k, true)
                : __real_gethostbyaddr(addr, alen, type);
}
#endif

#if !HAVE_GETSERVBYNAME_R
struct servent *__wrap_getservbyname(const char *name, const char *proto)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getservbyname_r, &x);
  return k >= 0 ? fail_resolver(k, false) : __real_getservbyname(name, proto);
}

struct servent *__wrap_getservbyport(int port, const char *proto)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getservbyport_r, &x);
  return k >= 0 ? fail_resolver(k, false) : __real_getservbyport(port, proto);
}
#endif

#if !HAVE_GETPROTOBYNAME_R
struct protoent *__wrap_getprotobyname(const char *name)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_getprotobyname_r, &x);
  return k >= 0 ? fail_resolver(k, false) : __real_getprotobyname(name);
}
#endif

unsigned __wrap_if_nametoindex(const char *name)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_if_nametoindex, &x);
  if (k >= 0) {
    fail_errno(k);
    return 0;
  }
  return __real_if_nametoindex(name);
}

char *__wrap_if_indextoname(unsigned index, char *name)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_if_indextoname, &x);
  if (k >= 0) {
    fail_errno(k);
    return NULL;
  }
  return __real_if_indextoname(index, name);
}

/* Threads are counted until their start routine returns, so that a run
   can wait for a lookup thread the library left behind. */
typedef struct trampoline {
  void *(*start)(void *);
  void *arg;
} trampoline;

static void *run_trampoline(void *p)
{
  trampoline t = *(trampoline *)p;
  __real_free(p);
  void *r = t.start(t.arg);
  atomic_fetch_sub(&live_threads, 1);
  return r;
}

int __wrap_pthread_create(pthread_t *tid, const pthread_attr_t *attr,
                          void *(*start)(void *), void *arg)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_pthread_create, &x);
  if (k >= 0)
    return ns_fault_kind_value((ns_fault_kind)k);
  trampoline *t = __real_malloc(sizeof *t);
  if (!t)
    return EAGAIN;
  t->start = start;
  t->arg = arg;
  atomic_fetch_add(&live_threads, 1);
  int rc = __real_pthread_create(tid, attr, run_trampoline, t);
  if (rc != 0) {
    atomic_fetch_sub(&live_threads, 1);
    __real_free(t);
  }
  return rc;
}

int __wrap_sigtimedwait(const sigset_t *set, siginfo_t *info,
                        const struct timespec *timeout)
{
  call_ctx x = PLAIN_CTX;
  int k = decide(NS_CALL_sigtimedwait, &x);
  return k >= 0 ? fail_errno(k) : __real_sigtimedwait(set, info, timeout);
}

/* ---- for test code ------------------------------------------------------- */

int ns_raw_close(int fd)
{
  return __real_close(fd);
}

int ns_raw_socketpair(int d, int t, int p, int sv[2])
{
  return __real_socketpair(d, t, p, sv);
}

ssize_t ns_raw_send(int fd, const void *buf, size_t len, int flags)
{
  return __real_send(fd, buf, len, flags);
}

ssize_t ns_raw_recv(int fd, void *buf, size_t len, int flags)
{
  return __real_recv(fd, buf, len, flags);
}

int ns_raw_fcntl_getfd(int fd)
{
  return __real_fcntl(fd, F_GETFD);
}

/* SPDX-License-Identifier: MIT */
/*
 * Datagram batches: sendmmsg(2)/recvmmsg(2), or a loop of sendmsg/recvmsg
 * with the same results where the kernel lacks them (ENOSYS, also under a
 * seccomp filter that hides them).
 *
 * The kernel headers are built on the stack in slices of BATCH, so a batch
 * of any size costs no allocation. Timeouts work as for every other call:
 * the kernel's SO_RCVTIMEO/SO_SNDTIMEO plus the call's deadline; recvmmsg's
 * own timeout argument is never used, since the kernel checks it only
 * after each datagram arrives and so cannot end a wait for the first.
 */
#include <limits.h>
#include <poll.h>
#include <string.h>

#include "os.h"

#define BATCH 64

#ifdef MSG_WAITFORONE
#define NS__MSG_WAITFORONE MSG_WAITFORONE
#else
#define NS__MSG_WAITFORONE 0
#endif

#if HAVE_SENDMMSG
typedef struct mmsghdr batch_hdr;
/* Cleared for good the first time the kernel answers ENOSYS. */
static _Atomic bool have_mmsg = true;
#else
/* The system has no batch calls: the loops below do their work, over
   headers of the same shape. */
typedef struct batch_hdr {
  struct msghdr msg_hdr;
  unsigned int msg_len;
} batch_hdr;
static _Atomic bool have_mmsg = false;
#define sendmmsg(fd, h, k, f) ((void)(fd), (void)(h), (void)(k), (void)(f), -1)
#define recvmmsg(fd, h, k, f, t)                                               \
  ((void)(fd), (void)(h), (void)(k), (void)(f), (void)(t), -1)
#endif

/* sendmmsg(2)'s contract, one sendmsg(2) at a time. */
static int send_each(int fd, batch_hdr *h, unsigned int k, int flags)
{
  unsigned int i;
  for (i = 0; i < k; i++) {
    ssize_t n = ns__os_sendmsg(fd, &h[i].msg_hdr, flags);
    if (n < 0)
      return i ? (int)i : -1;
    h[i].msg_len = (unsigned int)n;
  }
  return (int)i;
}

/* recvmmsg(2) with MSG_WAITFORONE, one recvmsg(2) at a time: wait as
   `flags` says for the first, then take only what is queued. */
static int recv_each(int fd, batch_hdr *h, unsigned int k, int flags)
{
  unsigned int i;
  for (i = 0; i < k; i++) {
    ssize_t n = recvmsg(fd, &h[i].msg_hdr, flags);
    if (n < 0)
      return i ? (int)i : -1;
    if (ns__os_cloexec_received(&h[i].msg_hdr) != 0)
      return i ? (int)i : -1;
    h[i].msg_len = (unsigned int)n;
    flags |= MSG_DONTWAIT;
  }
  return (int)i;
}

static ns_err check_batch(ns_socket *s, const ns_datagram *msgs, size_t n,
                          const size_t *count_out, bool sending, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!msgs && n)
    return ns__fail_null(op, "datagram array is NULL with a non-zero count");
  if (!count_out)
    return ns__fail_null(op, "count out-parameter is NULL");
  for (size_t i = 0; i < n; i++) {
    if (!msgs[i].buf && msgs[i].len)
      return ns__fail_null(op, "buffer is NULL with a non-zero length");
    if (msgs[i].len > SSIZE_MAX)
      return ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
    /* An empty address means "the connected peer", unless a constructor
       failed on it: then report that failure, as sendto would. */
    if (sending && msgs[i].addr.len == 0 && msgs[i].addr.u.sa.sa_data[0]) {
      ns_err err = ns__addr_check_full(&msgs[i].addr, op);
      if (err)
        return err;
    }
  }
  return NS_OK;
}

/* Point the kernel headers of one slice at the caller's datagrams. */
static void fill(batch_hdr *h, struct iovec *iov, ns_datagram *m,
                 unsigned int k, bool sending)
{
  memset(h, 0, k * sizeof *h);
  for (unsigned int i = 0; i < k; i++) {
    iov[i].iov_base = m[i].buf;
    iov[i].iov_len = m[i].len;
    h[i].msg_hdr.msg_iov = &iov[i];
    h[i].msg_hdr.msg_iovlen = 1;
    if (!sending) {
      h[i].msg_hdr.msg_name = &m[i].addr.u;
      h[i].msg_hdr.msg_namelen = sizeof m[i].addr.u;
    } else if (m[i].addr.len) {
      h[i].msg_hdr.msg_name = &m[i].addr.u;
      h[i].msg_hdr.msg_namelen = m[i].addr.len;
    }
  }
}

static void collect(const batch_hdr *h, ns_datagram *m, int r, bool sending)
{
  for (int i = 0; i < r; i++) {
    m[i].nbytes = h[i].msg_len;
    m[i].flags = h[i].msg_hdr.msg_flags & ~NS__MSG_CMSG_CLOEXEC;
    if (!sending)
      m[i].addr.len = h[i].msg_hdr.msg_namelen;
  }
}

ns_err ns_sendmmsg(ns_socket *s, ns_datagram *msgs, size_t n, int flags,
                   size_t *count_out)
{
  const char *op = "sendmmsg";
  ns_err err = check_batch(s, msgs, n, count_out, true, op);
  if (err)
    return err;
  *count_out = 0;
  if (n == 0)
    return NS_OK;
  ns__deadline dl;
  if ((err = ns__call_begin(s, &dl, SO_SNDTIMEO, op)))
    return err;
  /* Each datagram is its own send inside the kernel, and each would start
     the kernel's timer afresh: with a timeout, never let the kernel wait,
     and wait here, against the deadline, only when the buffer is full. */
  bool timed = dl.at_ns != 0 && !(flags & MSG_DONTWAIT);
  int f = flags | NS__SEND_NOSIGNAL | (timed ? MSG_DONTWAIT : 0);
  batch_hdr h[BATCH];
  struct iovec iov[BATCH];
  size_t done = 0;
  while (done < n) {
    unsigned int k = (unsigned int)(n - done < BATCH ? n - done : BATCH);
    fill(h, iov, msgs + done, k, true);
    bool batch = atomic_load_explicit(&have_mmsg, memory_order_relaxed);
    int r = batch ? sendmmsg(s->fd, h, k, f) : send_each(s->fd, h, k, f);
    if (r >= 0) {
      collect(h, msgs + done, r, true);
      /* On a stream a message can go in part; the rest must not be
         followed by the next message, so the batch ends there and the
         caller sees the short nbytes. */
      for (int i = 0; i < r; i++)
        if (msgs[done + i].nbytes < msgs[done + i].len) {
          *count_out = done + (size_t)i + 1;
          return NS_OK;
        }
      done += (size_t)r;
      continue; /* a short slice: the next call says why */
    }
    int e = errno;
    if (batch && e == ENOSYS) {
      atomic_store_explicit(&have_mmsg, false, memory_order_relaxed);
      continue;
    }
    if (timed && (e == EAGAIN || e == EWOULDBLOCK)) {
      if ((err = ns__wait_fd(s->fd, POLLOUT, &dl, op)))
        break;
      continue;
    }
    if (e == EINTR) {
      /* PEP 475: go on, within the deadline. */
      if (!(dl.at_ns && ns__now_ns() >= dl.at_ns))
        continue;
      err = ns__fail_timeout(op);
      break;
    }
    if (done)
      break; /* what was sent stands; the error comes back next call */
    if ((err = ns__call_retry(s, &dl, SO_SNDTIMEO, flags, op)))
      break;
  }
  *count_out = done;
  /* Partial success is success, as for send(). */
  return done ? NS_OK : err;
}

ns_err ns_recvmmsg(ns_socket *s, ns_datagram *msgs, size_t n, int flags,
                   size_t *count_out)
{
  const char *op = "recvmmsg";
  ns_err err = check_batch(s, msgs, n, count_out, false, op);
  if (err)
    return err;
  *count_out = 0;
  if (n == 0)
    return NS_OK;
  ns__deadline dl;
  if ((err = ns__call_begin(s, &dl, SO_RCVTIMEO, op)))
    return err;
  batch_hdr h[BATCH];
  struct iovec iov[BATCH];
  size_t done = 0;
  flags |= NS__MSG_CMSG_CLOEXEC;
  while (done < n) {
    unsigned int k = (unsigned int)(n - done < BATCH ? n - done : BATCH);
    /* Only the very first datagram is waited for. */
    int f = done ? flags | MSG_DONTWAIT : flags;
    fill(h, iov, msgs + done, k, false);
    bool batch = atomic_load_explicit(&have_mmsg, memory_order_relaxed);
    int r = batch ? recvmmsg(s->fd, h, k, f | NS__MSG_WAITFORONE, NULL)
                  : recv_each(s->fd, h, k, f);
    if (r < 0) {
      if (batch && errno == ENOSYS) {
        atomic_store_explicit(&have_mmsg, false, memory_order_relaxed);
        continue;
      }
      if (done)
        break; /* nothing more queued, or an error for the next call */
      if ((err = ns__call_retry(s, &dl, SO_RCVTIMEO, flags, op)))
        return err;
      continue;
    }
    collect(h, msgs + done, r, false);
    done += (size_t)r;
    if ((unsigned int)r < k)
      break; /* the queue is drained */
  }
  *count_out = done;
  return NS_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Messages with ancillary data: sendmsg/recvmsg, the typed control-message
 * builders and getters, and descriptor passing on top of them.
 *
 * Nothing here allocates: control messages live in caller storage, and
 * send_fds/recv_fds build theirs on the stack, sized for the most one
 * message can carry.
 */
#include <limits.h>
#include <stdalign.h>
#include <poll.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "os.h"

/* Offset of a message's payload from its header, and the shortest header. */
#define CMSG_HDR_LEN CMSG_LEN(0)

/* ---- control-message buffers --------------------------------------------- */

ns_err ns_cmsg_buf_init(ns_cmsg_buf *b, void *storage, size_t size)
{
  if (!b)
    return ns__fail_null("cmsg_buf_init", "control-message buffer is NULL");
  if (!storage && size)
    return ns__fail_null("cmsg_buf_init",
                         "storage is NULL with a non-zero size");
  if ((uintptr_t)storage % alignof(struct cmsghdr) != 0)
    return ns__fail_msg(NS_ERR_VALUE, "cmsg_buf_init",
                        "control-message storage is not aligned for "
                        "struct cmsghdr");
  b->data = storage;
  b->size = size;
  b->len = 0;
  return NS_OK;
}

/* Reserve room for one message of `len` payload bytes and fill its header;
   the caller copies the payload to CMSG_DATA(). */
static ns_err reserve(ns_cmsg_buf *b, int level, int type, size_t len,
                      struct cmsghdr **out, const char *op)
{
  if (!b)
    return ns__fail_null(op, "control-message buffer is NULL");
  /* A buffer filled in by hand: headers go only into aligned storage, and
     a `len` past `size` would wrap in CMSG_ALIGN. */
  if (!b->data ? b->size != 0
               : (uintptr_t)b->data % alignof(struct cmsghdr) != 0)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "control-message storage is not aligned for "
                        "struct cmsghdr");
  if (b->len > b->size)
    return ns__fail_msg(NS_ERR_VALUE, op, "control-message buffer too small");
  size_t used = CMSG_ALIGN(b->len);
  /* Compare before adding, so that a huge len cannot wrap around. */
  if (used > b->size || len > b->size - used ||
      CMSG_SPACE(len) > b->size - used)
    return ns__fail_msg(NS_ERR_VALUE, op, "control-message buffer too small");
  unsigned char *at = (unsigned char *)b->data + used;
  /* Zero the padding too: it goes to the kernel, and uninitialised bytes
     there would be a (harmless) information leak and a valgrind report. */
  memset(at, 0, CMSG_SPACE(len));
  struct cmsghdr *c = (struct cmsghdr *)(void *)at;
  c->cmsg_len = CMSG_LEN(len);
  c->cmsg_level = level;
  c->cmsg_type = type;
  b->len = used + CMSG_SPACE(len);
  *out = c;
  return NS_OK;
}

ns_err ns_cmsg_add(ns_cmsg_buf *b, int level, int type, const void *data,
                   size_t len)
{
  if (!data && len)
    return ns__fail_null("cmsg_add", "data is NULL with a non-zero length");
  struct cmsghdr *c;
  ns_err err = reserve(b, level, type, len, &c, "cmsg_add");
  if (!err && len)
    memcpy(CMSG_DATA(c), data, len);
  return err;
}

ns_err ns_cmsg_add_fds(ns_cmsg_buf *b, const int *fds, size_t nfds)
{
  if (!fds)
    return ns__fail_null("cmsg_add_fds", "descriptor array is NULL");
  if (nfds == 0 || nfds > NS_FDS_PER_MSG_LIMIT)
    return ns__fail_msg(NS_ERR_VALUE, "cmsg_add_fds",
                        "descriptor count must be between 1 and 253");
  struct cmsghdr *c;
  ns_err err = reserve(b, SOL_SOCKET, SCM_RIGHTS, nfds * sizeof(int), &c,
                       "cmsg_add_fds");
  if (!err)
    memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
  return err;
}

ns_err ns_cmsg_add_creds(ns_cmsg_buf *b, const ns_ucred *cred)
{
  struct ucred u;
  if (cred) {
    u.pid = cred->pid;
    u.uid = cred->uid;
    u.gid = cred->gid;
  } else {
    u.pid = getpid();
    u.uid = geteuid();
    u.gid = getegid();
  }
  struct cmsghdr *c;
  ns_err err =
      reserve(b, SOL_SOCKET, SCM_CREDENTIALS, sizeof u, &c, "cmsg_add_creds");
  if (!err)
    memcpy(CMSG_DATA(c), &u, sizeof u);
  return err;
}

ns_err ns_cmsg_add_pktinfo(ns_cmsg_buf *b, const ns_pktinfo *info)
{
  const char *op = "cmsg_add_pktinfo";
  if (!info)
    return ns__fail_null(op, "packet info is NULL");
  const ns_addr *a = &info->addr;
  struct cmsghdr *c;
  ns_err err;
  if (a->u.sa.sa_family == AF_INET && a->len >= sizeof a->u.in4) {
    struct in_pktinfo pi;
    memset(&pi, 0, sizeof pi);
    pi.ipi_ifindex = (int)info->ifindex;
    pi.ipi_spec_dst = a->u.in4.sin_addr;
    if (!(err = reserve(b, IPPROTO_IP, IP_PKTINFO, sizeof pi, &c, op)))
      memcpy(CMSG_DATA(c), &pi, sizeof pi);
    return err;
  }
  if (a->u.sa.sa_family == AF_INET6 && a->len >= sizeof a->u.in6) {
    struct in6_pktinfo pi;
    memset(&pi, 0, sizeof pi);
    pi.ipi6_ifindex = info->ifindex;
    pi.ipi6_addr = a->u.in6.sin6_addr;
    if (!(err = reserve(b, IPPROTO_IPV6, IPV6_PKTINFO, sizeof pi, &c, op)))
      memcpy(CMSG_DATA(c), &pi, sizeof pi);
    return err;
  }
  return ns__fail_msg(NS_ERR_VALUE, op,
                      "packet info needs an AF_INET or AF_INET6 address");
}

/* The message at `off`, if a whole, sane header and payload fit below
   `len`; NULL otherwise. */
static const struct cmsghdr *cmsg_at(const unsigned char *base, size_t len,
                                     size_t off)
{
  /* A header that is not aligned cannot be read as one (a buffer built
     by hand on a bad address, or a `prev` that is no header): none. */
  if (off > len || len - off < CMSG_HDR_LEN ||
      ((uintptr_t)base + off) % alignof(struct cmsghdr) != 0)
    return NULL;
  const struct cmsghdr *c = (const struct cmsghdr *)(const void *)(base + off);
  if (c->cmsg_len < CMSG_HDR_LEN || c->cmsg_len > len - off)
    return NULL;
  return c;
}

/*
 * A control buffer about to go to the kernel, which may have been filled
 * in by hand: never more than its storage (`len` past `size` would send
 * the bytes after it), aligned, and every whole header in it sane, as the
 * kernel demands (EINVAL otherwise, in its words). Bytes too few for a
 * header are no message, for the kernel as here: *len_out is then 0.
 */
static ns_err check_control(const ns_cmsg_buf *b, size_t *len_out,
                            const char *op)
{
  if (b->len > b->size)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "control-message buffer len is beyond its size");
  if ((uintptr_t)b->data % alignof(struct cmsghdr) != 0)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "control-message storage is not aligned for "
                        "struct cmsghdr");
  const unsigned char *base = b->data;
  size_t off = 0;
  while (off < b->len && b->len - off >= CMSG_HDR_LEN) {
    const struct cmsghdr *c = cmsg_at(base, b->len, off);
    if (!c)
      return ns__fail_errno(op, EINVAL);
    off += CMSG_ALIGN(c->cmsg_len);
  }
  *len_out = b->len < CMSG_HDR_LEN ? 0 : b->len;
  return NS_OK;
}

const struct cmsghdr *ns_cmsg_next(const ns_cmsg_buf *b,
                                   const struct cmsghdr *prev)
{
  if (!b || !b->data)
    return NULL;
  const unsigned char *base = b->data;
  size_t len = b->len < b->size ? b->len : b->size;
  if (!prev)
    return cmsg_at(base, len, 0);
  uintptr_t p = (uintptr_t)prev, start = (uintptr_t)base;
  if (p < start || p - start >= len)
    return NULL;
  size_t off = p - start;
  if (!cmsg_at(base, len, off))
    return NULL;
  size_t step = CMSG_ALIGN(prev->cmsg_len);
  if (step > len - off)
    return NULL;
  return cmsg_at(base, len, off + step);
}

/* The payload length of a message, which ns_cmsg_next() has vetted. */
static size_t payload_len(const struct cmsghdr *c)
{
  return c->cmsg_len - CMSG_HDR_LEN;
}

ns_err ns_cmsg_data(const struct cmsghdr *c, const void **data_out,
                    size_t *len_out)
{
  if (!c || !data_out || !len_out)
    return ns__fail_null("cmsg_data", "control message or out-parameter is "
                                      "NULL");
  if (c->cmsg_len < CMSG_HDR_LEN)
    return ns__fail_msg(NS_ERR_VALUE, "cmsg_data",
                        "control message shorter than its header");
  *data_out = CMSG_DATA(c);
  *len_out = payload_len(c);
  return NS_OK;
}

/* The checks every typed getter makes before reading a message. */
static ns_err check_getter(const struct cmsghdr *c, const void *out,
                           const char *op)
{
  if (!c || !out)
    return ns__fail_null(op, "control message or out-parameter is NULL");
  if (c->cmsg_len < CMSG_HDR_LEN)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "control message shorter than its header");
  return NS_OK;
}

ns_err ns_cmsg_get_fds(const struct cmsghdr *c, int *fds_out, size_t max,
                       size_t *nfds_out)
{
  const char *op = "cmsg_get_fds";
  ns_err err = check_getter(c, nfds_out, op);
  if (err)
    return err;
  if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
    return ns__fail_msg(NS_ERR_VALUE, op, "not an SCM_RIGHTS control message");
  size_t n = payload_len(c) / sizeof(int);
  *nfds_out = n;
  if (n > max)
    return ns__fail_msg(NS_ERR_VALUE, op, "descriptor array too small");
  if (n && !fds_out)
    return ns__fail_null(op, "descriptor array is NULL");
  if (n)
    memcpy(fds_out, CMSG_DATA(c), n * sizeof(int));
  return NS_OK;
}

/* Close the descriptors of one SCM_RIGHTS message; count them. */
static size_t close_rights(const struct cmsghdr *c)
{
  if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
    return 0;
  size_t n = payload_len(c) / sizeof(int);
  for (size_t i = 0; i < n; i++) {
    int fd;
    memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
    close(fd);
  }
  return n;
}

size_t ns_cmsg_close_fds(const ns_cmsg_buf *b)
{
  size_t closed = 0;
  for (const struct cmsghdr *c = ns_cmsg_next(b, NULL); c;
       c = ns_cmsg_next(b, c))
    closed += close_rights(c);
  return closed;
}

ns_err ns_cmsg_get_creds(const struct cmsghdr *c, ns_ucred *out)
{
  const char *op = "cmsg_get_creds";
  ns_err err = check_getter(c, out, op);
  if (err)
    return err;
  if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_CREDENTIALS)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "not an SCM_CREDENTIALS control message");
  struct ucred u;
  if (payload_len(c) != sizeof u)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "SCM_CREDENTIALS control message has the wrong "
                        "length");
  memcpy(&u, CMSG_DATA(c), sizeof u);
  out->pid = u.pid;
  out->uid = u.uid;
  out->gid = u.gid;
  return NS_OK;
}

ns_err ns_cmsg_get_pktinfo(const struct cmsghdr *c, ns_pktinfo *out)
{
  const char *op = "cmsg_get_pktinfo";
  ns_err err = check_getter(c, out, op);
  if (err)
    return err;
  if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
    struct in_pktinfo pi;
    if (payload_len(c) != sizeof pi)
      return ns__fail_msg(NS_ERR_VALUE, op,
                          "IP_PKTINFO control message has the wrong length");
    memcpy(&pi, CMSG_DATA(c), sizeof pi);
    memset(out, 0, sizeof *out);
    out->addr.u.in4.sin_addr = pi.ipi_addr;
    ns__addr_set_header(&out->addr, AF_INET, sizeof out->addr.u.in4);
    out->ifindex = (unsigned int)pi.ipi_ifindex;
    return NS_OK;
  }
  if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
    struct in6_pktinfo pi;
    if (payload_len(c) != sizeof pi)
      return ns__fail_msg(NS_ERR_VALUE, op,
                          "IPV6_PKTINFO control message has the wrong length");
    memcpy(&pi, CMSG_DATA(c), sizeof pi);
    memset(out, 0, sizeof *out);
    out->addr.u.in6.sin6_addr = pi.ipi6_addr;
    /* A link-local destination means nothing without its interface. */
    if (IN6_IS_ADDR_LINKLOCAL(&pi.ipi6_addr))
      out->addr.u.in6.sin6_scope_id = pi.ipi6_ifindex;
    ns__addr_set_header(&out->addr, AF_INET6, sizeof out->addr.u.in6);
    out->ifindex = pi.ipi6_ifindex;
    return NS_OK;
  }
  return ns__fail_msg(NS_ERR_VALUE, op, "not a packet-info control message");
}

/*
 * Timestamps come in the kernel's "old" layout (two longs) and, where
 * time_t outgrew long, the "new" one (two int64_t). SO_TIMESTAMP gives
 * microseconds; SO_TIMESTAMPNS and SO_TIMESTAMPING nanoseconds, the latter
 * as three stamps of which the first is the software one.
 */
static bool read_pair(const struct cmsghdr *c, size_t width, size_t count,
                      int64_t *sec, int64_t *frac)
{
  if (payload_len(c) != 2 * width * count)
    return false;
  const unsigned char *d = CMSG_DATA(c);
  if (width == sizeof(int64_t)) {
    memcpy(sec, d, sizeof *sec);
    memcpy(frac, d + width, sizeof *frac);
  } else {
    long s, f;
    memcpy(&s, d, sizeof s);
    memcpy(&f, d + width, sizeof f);
    *sec = s;
    *frac = f;
  }
  return true;
}

ns_err ns_cmsg_get_timestamp(const struct cmsghdr *c, struct timespec *out)
{
  const char *op = "cmsg_get_timestamp";
  ns_err err = check_getter(c, out, op);
  if (err)
    return err;
  if (c->cmsg_level != SOL_SOCKET)
    return ns__fail_msg(NS_ERR_VALUE, op, "not a timestamp control message");
  int64_t sec = 0, frac = 0, scale = 0;
  bool ok = false;
  int t = c->cmsg_type;
#if defined(SO_TIMESTAMP_OLD) && defined(SO_TIMESTAMP_NEW)
  if (t == SO_TIMESTAMP_OLD || t == SO_TIMESTAMP_NEW) {
    scale = 1000;
    ok = read_pair(c, t == SO_TIMESTAMP_NEW ? 8 : sizeof(long), 1, &sec, &frac);
  } else if (t == SO_TIMESTAMPNS_OLD || t == SO_TIMESTAMPNS_NEW) {
    scale = 1;
    ok = read_pair(c, t == SO_TIMESTAMPNS_NEW ? 8 : sizeof(long), 1, &sec,
                   &frac);
  } else if (t == SO_TIMESTAMPING_OLD || t == SO_TIMESTAMPING_NEW) {
    scale = 1;
    ok = read_pair(c, t == SO_TIMESTAMPING_NEW ? 8 : sizeof(long), 3, &sec,
                   &frac);
  }
#else
  if (t == SCM_TIMESTAMP) {
    scale = 1000;
    ok = read_pair(c, sizeof(long), 1, &sec, &frac);
  } else if (t == SCM_TIMESTAMPNS) {
    scale = 1;
    ok = read_pair(c, sizeof(long), 1, &sec, &frac);
  } else if (t == SCM_TIMESTAMPING) {
    scale = 1;
    ok = read_pair(c, sizeof(long), 3, &sec, &frac);
  }
#endif
  if (!scale)
    return ns__fail_msg(NS_ERR_VALUE, op, "not a timestamp control message");
  if (!ok)
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "timestamp control message has the wrong length");
  /* The kernel's fraction is below one second; a buffer built by hand may
     hold anything, which must not overflow the scaling. */
  if (frac < 0 || frac >= 1000000000 / scale || (time_t)sec != sec)
    return ns__fail_msg(NS_ERR_VALUE, op, "timestamp out of range");
  out->tv_sec = (time_t)sec;
  out->tv_nsec = (long)(frac * scale);
  return NS_OK;
}

ns_err ns_getpeercred(ns_socket *s, ns_ucred *out)
{
  if (!s)
    return ns__fail_handle("getsockopt");
  if (!out)
    return ns__fail_null("getsockopt", "credentials out-parameter is NULL");
  struct ucred u;
  socklen_t len = sizeof u;
  if (getsockopt(s->fd, SOL_SOCKET, SO_PEERCRED, &u, &len) != 0)
    return ns__fail_errno("getsockopt", errno);
  out->pid = u.pid;
  out->uid = u.uid;
  out->gid = u.gid;
  return NS_OK;
}

/* ---- sendmsg / recvmsg --------------------------------------------------- */

/* Validate a buffer array; `total_out` gets the byte count. */
static ns_err check_iov(const struct iovec *iov, size_t iovcnt,
                        size_t *total_out, const char *op)
{
  if (!iov && iovcnt)
    return ns__fail_null(op, "buffer array is NULL with a non-zero count");
  size_t total = 0;
  for (size_t i = 0; i < iovcnt; i++) {
    if (!iov[i].iov_base && iov[i].iov_len)
      return ns__fail_null(op, "buffer is NULL with a non-zero length");
    if (iov[i].iov_len > (size_t)SSIZE_MAX - total)
      return ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
    total += iov[i].iov_len;
  }
  *total_out = total;
  return NS_OK;
}

static bool has_rights(const ns_cmsg_buf *b)
{
  for (const struct cmsghdr *c = ns_cmsg_next(b, NULL); c;
       c = ns_cmsg_next(b, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
      return true;
  return false;
}

/* The send half every entry point shares: checks, then the retry loop. */
static ns_err send_msg(ns_socket *s, const struct iovec *iov, size_t iovcnt,
                       const ns_cmsg_buf *control, int flags,
                       const ns_addr *addr, size_t *sent_out, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  size_t total;
  ns_err err = check_iov(iov, iovcnt, &total, op);
  if (err)
    return err;
  if (addr && (err = ns__addr_check_full(addr, op)))
    return err;
  if (control && control->len && !control->data)
    return ns__fail_null(op, "control data is NULL with a non-zero length");
  size_t control_len = 0;
  if (control && control->len &&
      (err = check_control(control, &control_len, op)))
    return err;
  /* Linux drops descriptors sent with no data on a stream socket, without
     a word: refuse rather than lose them. */
  if (total == 0 && control && s->type == SOCK_STREAM && has_rights(control))
    return ns__fail_msg(NS_ERR_VALUE, op,
                        "descriptors need at least one byte of data on a "
                        "stream socket");
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = (struct iovec *)iov;
  m.msg_iovlen = iovcnt;
  if (addr) {
    m.msg_name = (void *)&addr->u;
    m.msg_namelen = addr->len;
  }
  if (control_len) {
    m.msg_control = control->data;
    m.msg_controllen = control_len;
  }
  ns__deadline dl;
  if ((err = ns__call_begin(s, &dl, SO_SNDTIMEO, op)))
    return err;
  ssize_t n;
  while ((n = ns__os_sendmsg(s->fd, &m, flags)) < 0)
    if ((err = ns__call_retry(s, &dl, SO_SNDTIMEO, flags, op)))
      return err;
  if (sent_out)
    *sent_out = (size_t)n;
  return NS_OK;
}

/* The receive half: the retry loop around recvmsg(2), with descriptors
   always close-on-exec. `m` has its buffers set; names and control are
   reset before each try since a failed call may have touched them. */
/*
 * recvmsg(MSG_ERRQUEUE) never blocks: an empty error queue is EAGAIN at
 * once, whatever the timeout, so the kernel timer cannot wait for it. As
 * in Python, a socket with a timeout waits for the queue until the
 * deadline and then times out; without one (blocking or non-blocking) the
 * call fails at once with BlockingIOError. The wait is poll(2) for
 * nothing but POLLERR, which the kernel reports when the queue (or the
 * socket's pending error) is not empty. A wake-up that finds the queue
 * still empty is a pending socket error, reported as it is, or a hang-up,
 * after which only the deadline is left to wait for: never a spin.
 */
static ns_err recv_errqueue(ns_socket *s, struct msghdr *m, socklen_t namecap,
                            size_t controlcap, int flags, size_t *received_out,
                            const char *op)
{
  int64_t at = s->timeout_ns > 0 ? ns__now_ns() + s->timeout_ns : 0;
  bool woke = false;
  for (;;) {
    m->msg_namelen = namecap;
    m->msg_controllen = controlcap;
    m->msg_flags = 0;
    ssize_t n = recvmsg(s->fd, m, flags | MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n >= 0) {
      m->msg_flags &= ~MSG_CMSG_CLOEXEC;
      if (received_out)
        *received_out = (size_t)n;
      return NS_OK;
    }
    int e = errno;
    if (e == EINTR)
      continue;
    if ((e != EAGAIN && e != EWOULDBLOCK) || !at)
      return ns__fail_errno(op, e);
    if (woke) {
      int so_error = 0;
      socklen_t len = sizeof so_error;
      if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &so_error, &len) == 0 &&
          so_error)
        return ns__fail_errno(op, so_error);
    }
    int64_t left = at - ns__now_ns();
    if (left <= 0)
      return ns__fail_timeout(op);
    struct pollfd p = {s->fd, 0, 0};
    int ready = poll(woke ? NULL : &p, woke ? 0 : 1, ns__poll_ms(left));
    if (ready < 0 && errno != EINTR)
      return ns__fail_errno(op, errno);
    woke = woke || ready > 0;
  }
}

static ns_err recv_msg(ns_socket *s, struct msghdr *m, socklen_t namecap,
                       size_t controlcap, int flags, size_t *received_out,
                       const char *op)
{
  if (flags & MSG_ERRQUEUE)
    return recv_errqueue(s, m, namecap, controlcap, flags, received_out, op);
  ns__deadline dl;
  ns_err err = ns__call_begin(s, &dl, SO_RCVTIMEO, op);
  if (err)
    return err;
  ssize_t n;
  for (;;) {
    m->msg_namelen = namecap;
    m->msg_controllen = controlcap;
    m->msg_flags = 0;
    if ((n = recvmsg(s->fd, m, flags | NS__MSG_CMSG_CLOEXEC)) >= 0)
      break;
    if ((err = ns__call_retry(s, &dl, SO_RCVTIMEO, flags, op)))
      return err;
  }
  /* The kernel echoes the flag the library added; it is no news. */
  m->msg_flags &= ~NS__MSG_CMSG_CLOEXEC;
  if (ns__os_cloexec_received(m) != 0)
    return ns__fail_errno(op, errno);
  if (received_out)
    *received_out = (size_t)n;
  return NS_OK;
}

ns_err ns_sendmsg(ns_socket *s, const struct iovec *iov, size_t iovcnt,
                  const ns_cmsg_buf *control, int flags, const ns_addr *addr,
                  size_t *sent_out)
{
  return send_msg(s, iov, iovcnt, control, flags, addr, sent_out, "sendmsg");
}

ns_err ns_recvmsg(ns_socket *s, const struct iovec *iov, size_t iovcnt,
                  ns_cmsg_buf *control, int flags, size_t *received_out,
                  int *msg_flags_out, ns_addr *addr_out)
{
  const char *op = "recvmsg";
  if (!s)
    return ns__fail_handle(op);
  if (!msg_flags_out)
    return ns__fail_null(op, "message flags out-parameter is NULL");
  size_t total;
  ns_err err = check_iov(iov, iovcnt, &total, op);
  if (err)
    return err;
  if (control) {
    if (!control->data && control->size)
      return ns__fail_null(op, "control storage is NULL with a non-zero "
                               "size");
    control->len = 0;
  }
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = (struct iovec *)iov;
  m.msg_iovlen = iovcnt;
  m.msg_name = addr_out ? &addr_out->u : NULL;
  m.msg_control = control && control->size ? control->data : NULL;
  socklen_t namecap = addr_out ? sizeof addr_out->u : 0;
  size_t controlcap = m.msg_control ? control->size : 0;
  err = recv_msg(s, &m, namecap, controlcap, flags, received_out, op);
  if (err)
    return err;
  if (addr_out)
    addr_out->len = m.msg_namelen;
  if (control)
    control->len = m.msg_controllen;
  *msg_flags_out = m.msg_flags;
  return NS_OK;
}

/* ---- descriptor passing -------------------------------------------------- */

ns_err ns_send_fds(ns_socket *s, const void *buf, size_t len, const int *fds,
                   size_t nfds, int flags, const ns_addr *addr,
                   size_t *sent_out)
{
  const char *op = "send_fds";
  if (!s)
    return ns__fail_handle(op);
  if (!fds && nfds)
    return ns__fail_null(op, "descriptor array is NULL with a non-zero "
                             "count");
  /* The kernel's answer to too many, as Python reports it. */
  if (nfds > NS_FDS_PER_MSG_LIMIT)
    return ns__fail_errno(op, EINVAL);
  NS_CMSG_STORAGE(CMSG_SPACE(sizeof(int) * NS_FDS_PER_MSG_LIMIT)) store;
  ns_cmsg_buf control;
  ns_err err = ns_cmsg_buf_init(&control, &store, sizeof store);
  if (!err && nfds)
    err = ns_cmsg_add_fds(&control, fds, nfds);
  if (err)
    return err;
  struct iovec iov = {(void *)buf, len};
  return send_msg(s, &iov, 1, &control, flags, addr, sent_out, op);
}

ns_err ns_recv_fds(ns_socket *s, void *buf, size_t len, int *fds_out,
                   size_t maxfds, int flags, size_t *received_out,
                   size_t *nfds_out, int *msg_flags_out, ns_addr *addr_out)
{
  const char *op = "recv_fds";
  if (!s)
    return ns__fail_handle(op);
  if (!buf && len)
    return ns__fail_null(op, "buffer is NULL with a non-zero length");
  if (!fds_out && maxfds)
    return ns__fail_null(op, "descriptor array is NULL with a non-zero "
                             "count");
  if (!nfds_out)
    return ns__fail_null(op, "descriptor count out-parameter is NULL");
  if (len > SSIZE_MAX)
    return ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
  if (received_out)
    *received_out = 0;
  *nfds_out = 0;
  if (maxfds > NS_FDS_PER_MSG_LIMIT)
    maxfds = NS_FDS_PER_MSG_LIMIT;

  /* Room for maxfds descriptors (CMSG_LEN, not CMSG_SPACE, as Python
     does), after a credentials message in case SO_PASSCRED is on. Without
     SO_PASSCRED that slack can let the kernel install more descriptors
     than asked; the extra ones are closed below, and none is leaked. */
  NS_CMSG_STORAGE(CMSG_SPACE(sizeof(struct ucred)) +
                  CMSG_SPACE(sizeof(int) * NS_FDS_PER_MSG_LIMIT))
  store;
  size_t controlcap = CMSG_SPACE(sizeof(struct ucred)) +
                      (maxfds ? CMSG_LEN(sizeof(int) * maxfds) : 0);
  struct iovec iov = {buf, len};
  struct msghdr m;
  memset(&m, 0, sizeof m);
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_name = addr_out ? &addr_out->u : NULL;
  m.msg_control = &store;
  ns_err err = recv_msg(s, &m, addr_out ? sizeof addr_out->u : 0, controlcap,
                        flags, received_out, op);
  if (err)
    return err;

  /* From here on the descriptors are ours to hand over or close. */
  int mflags = m.msg_flags;
  size_t got = 0;
  ns_cmsg_buf control = {&store, sizeof store, m.msg_controllen};
  for (const struct cmsghdr *c = ns_cmsg_next(&control, NULL); c;
       c = ns_cmsg_next(&control, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    size_t n = payload_len(c) / sizeof(int);
    for (size_t i = 0; i < n; i++) {
      int fd;
      memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
      if (got < maxfds) {
        fds_out[got++] = fd;
      } else {
        close(fd);
        mflags |= MSG_CTRUNC;
      }
    }
  }
  if (!msg_flags_out && (mflags & (MSG_TRUNC | MSG_CTRUNC))) {
    for (size_t i = 0; i < got; i++)
      close(fds_out[i]);
    return ns__fail_msg(NS_ERR_OS, op,
                        (mflags & MSG_CTRUNC)
                            ? "ancillary data truncated: descriptors were "
                              "discarded"
                            : "message truncated");
  }
  *nfds_out = got;
  if (msg_flags_out)
    *msg_flags_out = mflags;
  if (addr_out)
    addr_out->len = m.msg_namelen;
  return NS_OK;
}

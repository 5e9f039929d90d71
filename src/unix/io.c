/* SPDX-License-Identifier: MIT */
/*
 * Sending and receiving. Each call is one system call when it can complete
 * at once, timeout or not; see timeout.c for what happens when it cannot.
 *
 * Every call makes its first attempt inline and hands anything else (EINTR,
 * a timeout, an error) to io_retry(), out of line: the common path then
 * needs few registers and little code, which is what makes a call through
 * libnetsock cost a few dozen instructions more than the bare system call
 * (tests/perf keeps that budget).
 */
#include <limits.h>
#include <string.h>

#include "os.h"

/* The checks every I/O call makes before its system call, as one test
   for the common path (the byte count may be NULL: the caller ignores
   it)... */
static inline bool io_args_bad(const ns_socket *s, const void *buf, size_t len)
{
  return !s || (!buf && len) || len > SSIZE_MAX;
}

/* ...and, out of line, which check failed, recorded. */
NS__NOINLINE static ns_err io_args_fail(const ns_socket *s, const void *buf,
                                        size_t len, const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!buf && len)
    return ns__fail_null(op, "buffer is NULL with a non-zero length");
  return ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
}

enum io_kind { IO_SEND, IO_SENDTO, IO_RECV, IO_RECVFROM };

/*
 * One send or receive as the caller asked for it, kept for the retries.
 * Each call stores its arguments here before its system call and keeps
 * them in memory (KEEP_IN_MEMORY): left to itself, the compiler would keep
 * them in callee-saved registers across the system call, and the common
 * path would pay to save and restore every one of them, where only a rare
 * retry reads them back. Fields a call does not use stay unset.
 */
struct io_call {
  ns_socket *s;
  void *buf;
  size_t len;
  int flags;
  const ns_addr *to;
  ns_addr *from;
  size_t *count_out;
  ns__call_start start; /* when it began: the deadline, for a retry only */
};

#if defined(__GNUC__)
#define KEEP_IN_MEMORY(c) __asm__ volatile("" : "+m"(c))
#else
#define KEEP_IN_MEMORY(c) ((void)0)
#endif

static ssize_t io_syscall(enum io_kind kind, const struct io_call *c)
{
  int fd = c->s->fd;
  switch (kind) {
  case IO_SEND:
    return ns__os_send(fd, c->buf, c->len, c->flags);
  case IO_SENDTO:
    return ns__os_sendto(fd, c->buf, c->len, c->flags, &c->to->u.sa,
                         c->to->len);
  case IO_RECV:
    return recv(fd, c->buf, c->len, c->flags);
  case IO_RECVFROM:
    break;
  }
  if (!c->from)
    return recvfrom(fd, c->buf, c->len, c->flags, NULL, NULL);
  c->from->len = sizeof c->from->u;
  return recvfrom(fd, c->buf, c->len, c->flags, &c->from->u.sa, &c->from->len);
}

/* After a failed first attempt (errno says why): decide, and call again
   until the call completes or fails for good. */
NS__NOINLINE static ns_err io_retry(enum io_kind kind, struct io_call *c,
                                    const char *op)
{
  int which = kind <= IO_SENDTO ? SO_SNDTIMEO : SO_RCVTIMEO;
  ns__deadline dl = ns__call_deadline(&c->start);
  ssize_t n;
  do {
    ns_err err = ns__call_retry(c->s, &dl, which, c->flags, op);
    if (err) {
      /* A failed recvfrom leaves no sender behind: its address is empty. */
      if (kind == IO_RECVFROM && c->from)
        memset(c->from, 0, sizeof *c->from);
      return err;
    }
  } while ((n = io_syscall(kind, c)) < 0);
  if (c->count_out)
    *c->count_out = (size_t)n;
  return NS_OK;
}

/* Store a call's arguments for io_retry. */
#define IO_CALL_SET(c, s_, buf_, len_, flags_, out_)                           \
  do {                                                                         \
    (c).s = (s_);                                                              \
    (c).buf = (void *)(buf_);                                                  \
    (c).len = (len_);                                                          \
    (c).flags = (flags_);                                                      \
    (c).count_out = (out_);                                                    \
  } while (0)

ns_err ns_send(ns_socket *s, const void *buf, size_t len, int flags,
               size_t *sent_out)
{
  if (io_args_bad(s, buf, len))
    return io_args_fail(s, buf, len, "send");
  struct io_call c;
  IO_CALL_SET(c, s, buf, len, flags, sent_out);
  KEEP_IN_MEMORY(c);
  ns_err err = ns__call_start_now(c.s, &c.start, SO_SNDTIMEO, "send");
  if (err)
    return err;
  KEEP_IN_MEMORY(c);
  ssize_t n = ns__os_send(c.s->fd, c.buf, c.len, c.flags);
  if (n < 0)
    return io_retry(IO_SEND, &c, "send");
  if (c.count_out)
    *c.count_out = (size_t)n;
  return NS_OK;
}

/* The rest of a sendall whose first send did not take everything: `n` is
   what that send returned (errno says why when it is -1). */
NS__NOINLINE static ns_err sendall_rest(struct io_call *c, ssize_t n)
{
  ns_socket *s = c->s;
  const char *buf = c->buf;
  ns__deadline dl = ns__call_deadline(&c->start);
  size_t sent = 0;
  ns_err err;
  for (;;) {
    if (n < 0) {
      err = ns__call_retry(s, &dl, SO_SNDTIMEO, c->flags, "sendall");
    } else {
      sent += (size_t)n;
      if (sent == c->len) {
        err = NS_OK;
        break;
      }
      err = ns__call_continue(s, &dl, SO_SNDTIMEO, "sendall");
    }
    if (err)
      break;
    n = ns__os_send(s->fd, buf + sent, c->len - sent,
                    c->flags | ns__send_retry_flags(s, &dl));
  }
  if (c->count_out)
    *c->count_out = sent;
  return err;
}

/* A sendall that fails before sending: nothing was sent. */
NS__NOINLINE static ns_err sendall_fail(ns_err err, size_t *sent_out)
{
  if (sent_out)
    *sent_out = 0;
  return err;
}

ns_err ns_sendall(ns_socket *s, const void *buf, size_t len, int flags,
                  size_t *sent_out)
{
  if (io_args_bad(s, buf, len))
    return sendall_fail(io_args_fail(s, buf, len, "sendall"), sent_out);
  struct io_call c;
  IO_CALL_SET(c, s, buf, len, flags, sent_out);
  KEEP_IN_MEMORY(c);
  ns_err err = ns__call_start_now(c.s, &c.start, SO_SNDTIMEO, "sendall");
  if (err)
    return sendall_fail(err, c.count_out);
  KEEP_IN_MEMORY(c);
  /* A blocking send takes everything unless a signal or the kernel's timer
     cuts it short, so one call is the rule. */
  ssize_t n = ns__os_send(c.s->fd, c.buf, c.len, c.flags);
  if (n != (ssize_t)c.len)
    return sendall_rest(&c, n);
  if (c.count_out)
    *c.count_out = c.len;
  return NS_OK;
}

/* sendto's arguments, checked in the order Python checks them: the
   socket and buffer, then the destination. */
NS__NOINLINE static ns_err sendto_args_fail(const ns_socket *s, const void *buf,
                                            size_t len, const ns_addr *addr)
{
  if (io_args_bad(s, buf, len))
    return io_args_fail(s, buf, len, "sendto");
  return ns__addr_explain(addr, "sendto");
}

ns_err ns_sendto(ns_socket *s, const void *buf, size_t len, int flags,
                 const ns_addr *addr, size_t *sent_out)
{
  if (io_args_bad(s, buf, len) || !addr || !addr->len)
    return sendto_args_fail(s, buf, len, addr);
  struct io_call c;
  IO_CALL_SET(c, s, buf, len, flags, sent_out);
  c.to = addr;
  KEEP_IN_MEMORY(c);
  ns_err err = ns__call_start_now(c.s, &c.start, SO_SNDTIMEO, "sendto");
  if (err)
    return err;
  KEEP_IN_MEMORY(c);
  ssize_t n =
      ns__os_sendto(c.s->fd, c.buf, c.len, c.flags, &c.to->u.sa, c.to->len);
  if (n < 0)
    return io_retry(IO_SENDTO, &c, "sendto");
  if (c.count_out)
    *c.count_out = (size_t)n;
  return NS_OK;
}

ns_err ns_recv(ns_socket *s, void *buf, size_t len, int flags,
               size_t *received_out)
{
  if (io_args_bad(s, buf, len))
    return io_args_fail(s, buf, len, "recv");
  struct io_call c;
  IO_CALL_SET(c, s, buf, len, flags, received_out);
  KEEP_IN_MEMORY(c);
  ns_err err = ns__call_start_now(c.s, &c.start, SO_RCVTIMEO, "recv");
  if (err)
    return err;
  KEEP_IN_MEMORY(c);
  ssize_t n = recv(c.s->fd, c.buf, c.len, c.flags);
  if (n < 0)
    return io_retry(IO_RECV, &c, "recv");
  if (c.count_out)
    *c.count_out = (size_t)n;
  return NS_OK;
}

ns_err ns_recvfrom(ns_socket *s, void *buf, size_t len, int flags,
                   size_t *received_out, ns_addr *addr_out)
{
  if (io_args_bad(s, buf, len))
    return io_args_fail(s, buf, len, "recvfrom");
  struct io_call c;
  IO_CALL_SET(c, s, buf, len, flags, received_out);
  c.from = addr_out;
  KEEP_IN_MEMORY(c);
  ns_err err = ns__call_start_now(c.s, &c.start, SO_RCVTIMEO, "recvfrom");
  if (err)
    return err;
  KEEP_IN_MEMORY(c);
  /* The kernel writes the sender's length straight into the ns_addr. */
  struct sockaddr *from = NULL;
  socklen_t *from_len = NULL;
  if (c.from) {
    c.from->len = sizeof c.from->u;
    from = &c.from->u.sa;
    from_len = &c.from->len;
  }
  ssize_t n = recvfrom(c.s->fd, c.buf, c.len, c.flags, from, from_len);
  if (n < 0)
    return io_retry(IO_RECVFROM, &c, "recvfrom");
  if (c.count_out)
    *c.count_out = (size_t)n;
  return NS_OK;
}

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

/* The checks every I/O call makes before its system call. */
static inline ns_err check_io(ns_socket *s, const void *buf, size_t len,
                              const char *op)
{
  if (!s)
    return ns__fail_handle(op);
  if (!buf && len)
    return ns__fail_null(op, "buffer is NULL with a non-zero length");
  if (len > SSIZE_MAX)
    return ns__fail_msg(NS_ERR_OVERFLOW, op, "length exceeds SSIZE_MAX");
  return NS_OK;
}

enum io_kind { IO_SEND, IO_SENDTO, IO_RECV, IO_RECVFROM };

/* One send or receive as the caller asked for it, kept for the retries. */
struct io_call {
  enum io_kind kind;
  const char *op;
  void *buf;
  size_t len;
  int flags;
  const ns_addr *to;
  ns_addr *from;
};

static ssize_t io_syscall(int fd, const struct io_call *c)
{
  switch (c->kind) {
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
  return recvfrom(fd, c->buf, c->len, c->flags, &c->from->u.sa,
                  &c->from->len);
}

/* After a failed first attempt (errno says why): decide, and call again
   until the call completes or fails for good. */
NS__NOINLINE static ns_err io_retry(ns_socket *s, ns__deadline *dl,
                                    const struct io_call *c,
                                    size_t *count_out)
{
  int which = c->kind <= IO_SENDTO ? SO_SNDTIMEO : SO_RCVTIMEO;
  ssize_t n;
  do {
    ns_err err = ns__call_retry(s, dl, which, c->flags, c->op);
    if (err) {
      /* A failed recvfrom leaves no sender, not even an earlier one. */
      if (c->kind == IO_RECVFROM && c->from)
        memset(c->from, 0, sizeof *c->from);
      return err;
    }
  } while ((n = io_syscall(s->fd, c)) < 0);
  if (count_out)
    *count_out = (size_t)n;
  return NS_OK;
}

ns_err ns_send(ns_socket *s, const void *buf, size_t len, int flags,
               size_t *sent_out)
{
  ns__deadline dl;
  ns_err err = check_io(s, buf, len, "send");
  if (err || (err = ns__call_begin(s, &dl, SO_SNDTIMEO, "send")))
    return err;
  ssize_t n = ns__os_send(s->fd, buf, len, flags);
  if (n < 0) {
    struct io_call c = {IO_SEND, "send", (void *)buf, len, flags, NULL, NULL};
    return io_retry(s, &dl, &c, sent_out);
  }
  if (sent_out)
    *sent_out = (size_t)n;
  return NS_OK;
}

/* The rest of a sendall whose first send did not take everything: `n` is
   what that send returned (errno says why when it is -1). */
NS__NOINLINE static ns_err sendall_rest(ns_socket *s, ns__deadline *dl,
                                        const char *buf, size_t len,
                                        int flags, ssize_t n,
                                        size_t *sent_out)
{
  size_t sent = 0;
  ns_err err;
  for (;;) {
    if (n < 0) {
      err = ns__call_retry(s, dl, SO_SNDTIMEO, flags, "sendall");
    } else {
      sent += (size_t)n;
      if (sent == len) {
        err = NS_OK;
        break;
      }
      err = ns__call_continue(s, dl, SO_SNDTIMEO, "sendall");
    }
    if (err)
      break;
    n = ns__os_send(s->fd, buf + sent, len - sent, flags);
  }
  if (sent_out)
    *sent_out = sent;
  return err;
}

ns_err ns_sendall(ns_socket *s, const void *buf, size_t len, int flags,
                  size_t *sent_out)
{
  ns__deadline dl;
  ns_err err = check_io(s, buf, len, "sendall");
  if (err || (err = ns__call_begin(s, &dl, SO_SNDTIMEO, "sendall"))) {
    if (sent_out)
      *sent_out = 0;
    return err;
  }
  /* A blocking send takes everything unless a signal or the kernel's timer
     cuts it short, so one call is the rule. */
  ssize_t n = ns__os_send(s->fd, buf, len, flags);
  if (n != (ssize_t)len)
    return sendall_rest(s, &dl, buf, len, flags, n, sent_out);
  if (sent_out)
    *sent_out = len;
  return NS_OK;
}

ns_err ns_sendto(ns_socket *s, const void *buf, size_t len, int flags,
                 const ns_addr *addr, size_t *sent_out)
{
  ns__deadline dl;
  ns_err err = check_io(s, buf, len, "sendto");
  if (err || (err = ns__addr_check(addr, "sendto")) ||
      (err = ns__call_begin(s, &dl, SO_SNDTIMEO, "sendto")))
    return err;
  ssize_t n = ns__os_sendto(s->fd, buf, len, flags, &addr->u.sa, addr->len);
  if (n < 0) {
    struct io_call c = {IO_SENDTO, "sendto", (void *)buf, len,
                        flags,     addr,     NULL};
    return io_retry(s, &dl, &c, sent_out);
  }
  if (sent_out)
    *sent_out = (size_t)n;
  return NS_OK;
}

ns_err ns_recv(ns_socket *s, void *buf, size_t len, int flags,
               size_t *received_out)
{
  ns__deadline dl;
  ns_err err = check_io(s, buf, len, "recv");
  if (err || (err = ns__call_begin(s, &dl, SO_RCVTIMEO, "recv")))
    return err;
  ssize_t n = recv(s->fd, buf, len, flags);
  if (n < 0) {
    struct io_call c = {IO_RECV, "recv", buf, len, flags, NULL, NULL};
    return io_retry(s, &dl, &c, received_out);
  }
  if (received_out)
    *received_out = (size_t)n;
  return NS_OK;
}

ns_err ns_recvfrom(ns_socket *s, void *buf, size_t len, int flags,
                   size_t *received_out, ns_addr *addr_out)
{
  ns__deadline dl;
  ns_err err = check_io(s, buf, len, "recvfrom");
  if (err || (err = ns__call_begin(s, &dl, SO_RCVTIMEO, "recvfrom")))
    return err;
  /* The kernel writes the sender's length straight into the ns_addr. */
  struct sockaddr *from = NULL;
  socklen_t *from_len = NULL;
  if (addr_out) {
    addr_out->len = sizeof addr_out->u;
    from = &addr_out->u.sa;
    from_len = &addr_out->len;
  }
  ssize_t n = recvfrom(s->fd, buf, len, flags, from, from_len);
  if (n < 0) {
    struct io_call c = {IO_RECVFROM, "recvfrom", buf, len,
                        flags,       NULL,       addr_out};
    return io_retry(s, &dl, &c, received_out);
  }
  if (received_out)
    *received_out = (size_t)n;
  return NS_OK;
}

/* SPDX-License-Identifier: MIT */
/*
 * Kernel TLS: the setting on a context, what a connection got, and
 * sendfile(2) with the kernel encrypting (sendfile.c falls back to
 * reading and sending when the kernel does not).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include <openssl/err.h>

#include "internal.h"

ns_err ns_tls_context_set_ktls(ns_tls_context *ctx, bool enable)
{
  if (!ctx)
    return ns__tls_fail_msg(NS_ERR_VALUE, "set_ktls", 0,
                            "context must not be NULL");
  if (enable)
    SSL_CTX_set_options(ctx->ssl_ctx, SSL_OP_ENABLE_KTLS);
  else
    SSL_CTX_clear_options(ctx->ssl_ctx, SSL_OP_ENABLE_KTLS);
  return NS_OK;
}

bool ns_tls_context_ktls(const ns_tls_context *ctx)
{
  return ctx && (SSL_CTX_get_options(ctx->ssl_ctx) & SSL_OP_ENABLE_KTLS);
}

bool ns_tls_ktls_send(const ns_tls *t)
{
  return t && t->ktls_send;
}

/* The largest count one sendfile(2) moves on Linux. */
enum { SENDFILE_MAX = 0x7ffff000 };

/*
 * With a deadline the descriptor must not block inside sendfile(2),
 * which takes no MSG_DONTWAIT: O_NONBLOCK is set for the call and the
 * waits are poll(2)'s, against the deadline. Returns the flags to put
 * back, or -1 with errno.
 */
static int make_nonblocking(int fd)
{
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0 || (flags & O_NONBLOCK))
    return flags;
  return fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 ? -1 : flags;
}

/*
 * sendfile(2) takes no MSG_NOSIGNAL, and a peer that has gone raises
 * SIGPIPE; the library promises BrokenPipeError and never touches signal
 * dispositions. So the calling thread blocks SIGPIPE around the call and,
 * when it failed with EPIPE, takes the signal it raised off the pending
 * set (one pending before belongs to someone else: standard signals do
 * not queue). As the core does around its own sendfile.
 */
struct sigpipe_guard {
  sigset_t old_mask;
  bool was_pending;
};

static void sigpipe_block(struct sigpipe_guard *g)
{
  sigset_t pipe_set, pending;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigemptyset(&pending);
  sigpending(&pending);
  g->was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &g->old_mask);
}

static void sigpipe_restore(const struct sigpipe_guard *g, bool had_epipe)
{
  sigset_t pipe_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  if (had_epipe && !g->was_pending) {
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
      ;
  }
  if (sigismember(&g->old_mask, SIGPIPE) != 1)
    pthread_sigmask(SIG_UNBLOCK, &pipe_set, NULL);
}

ns_err ns__tls_sendfile_ktls(ns_tls *t, int fd, int64_t offset, size_t count,
                             size_t *sent_out)
{
  const char *op = "sendfile";
  size_t total = 0;
  ns_err err = NS_OK;
  int old_flags = -1;
  if (t->deadline_ns && (old_flags = make_nonblocking(t->fd)) < 0) {
    *sent_out = 0;
    return ns__tls_fail_msg(ns_error_from_errno(errno), op, errno, NULL);
  }
  struct sigpipe_guard guard;
  sigpipe_block(&guard);
  bool had_epipe = false;
  while (count == 0 || total < count) {
    size_t want = SENDFILE_MAX;
    if (count && count - total < want)
      want = count - total;
    ERR_clear_error();
    errno = 0;
    ossl_ssize_t n =
        SSL_sendfile(t->ssl, fd, (off_t)(offset + (int64_t)total), want, 0);
    if (n == 0)
      break; /* the end of the file */
    if (n > 0) {
      total += (size_t)n;
      continue;
    }
    int saved = errno;
    had_epipe = saved == EPIPE;
    if (SSL_get_error(t->ssl, (int)n) != SSL_ERROR_WANT_WRITE) {
      /* sendfile(2)'s own failure (EPIPE ...), or OpenSSL's (the
         connection was shut down): the errno tells which. */
      err = saved && saved != EAGAIN
                ? ns__tls_fail_msg(ns_error_from_errno(saved), op, saved, NULL)
                : ns__tls_fail(t, (int)n, op);
      break;
    }
    int ready = ns__tls_wait(t, POLLOUT); /* also after EINTR (PEP 475) */
    if (ready == 0) {
      err = ns__tls_fail_msg(NS_ERR_TIMEOUT, op, 0,
                             "The write operation timed out");
      break;
    }
    if (ready < 0) {
      err = ns__tls_fail_msg(ns_error_from_errno(errno), op, errno, NULL);
      break;
    }
  }
  sigpipe_restore(&guard, had_epipe);
  if (old_flags >= 0 && !(old_flags & O_NONBLOCK))
    fcntl(t->fd, F_SETFL, old_flags);
  *sent_out = total;
  return err;
}

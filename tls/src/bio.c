/* SPDX-License-Identifier: MIT */
/*
 * The BIO under every connection: OpenSSL's bytes go straight to the
 * socket's descriptor with recv(2)/send(2), one system call each, as in a
 * raw OpenSSL program on a bare fd.
 *
 * Why a BIO of our own rather than SSL_set_fd():
 * - OpenSSL's socket BIO writes with write(2), which raises SIGPIPE when
 *   the peer has gone; libnetsock promises BrokenPipeError instead, so
 *   every send here carries MSG_NOSIGNAL;
 * - with a timeout the socket's descriptor stays blocking (the core lets
 *   the kernel's SO_RCVTIMEO enforce its own calls), and one TLS call must
 *   run against one deadline across many reads and writes: here each
 *   read and write carries MSG_DONTWAIT while a deadline runs, and the
 *   caller waits with poll(2) for the time left;
 * - EINTR is retried here (PEP 475), so OpenSSL never sees it.
 * No allocation happens per call: the BIO holds a pointer to the
 * connection and nothing else.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>

#include "internal.h"

static BIO_METHOD *method;
static pthread_once_t method_once = PTHREAD_ONCE_INIT;

int64_t ns__tls_now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int ns__tls_wait(const ns_tls *t, short events)
{
  for (;;) {
    int ms = -1;
    if (t->deadline_ns) {
      int64_t left = t->deadline_ns - ns__tls_now_ns();
      if (left <= 0)
        return 0;
      int64_t rounded = (left + 999999) / 1000000; /* never wake early */
      ms = rounded > INT32_MAX ? INT32_MAX : (int)rounded;
    }
    struct pollfd p = {t->fd, events, 0};
    int n = poll(&p, 1, ms);
    if (n > 0)
      return 1;
    if (n < 0 && errno != EINTR)
      return -1;
    /* A timeout (checked against the clock at the top) or a signal. */
  }
}

static int bio_read(BIO *b, char *buf, int len)
{
  ns_tls *t = BIO_get_data(b);
  BIO_clear_retry_flags(b);
  if (t->wrote_last && t->deadline_ns) {
    /* The peer has not answered what we just sent: wait rather than try
       a read that cannot succeed yet. A timeout or failure here is found
       again by the caller's own wait. */
    t->wrote_last = false;
    if (ns__tls_wait(t, POLLIN) <= 0) {
      BIO_set_retry_read(b);
      return -1;
    }
  }
  t->wrote_last = false;
  for (;;) {
    ssize_t n = recv(t->fd, buf, (size_t)len, t->io_flags);
    if (n >= 0) {
      t->sys_errno = 0;
      /* Tell OpenSSL the stream ended (BIO_eof), so that a close
         without close_notify is its UNEXPECTED_EOF_WHILE_READING, as
         with OpenSSL's own socket BIO. */
      t->eof = n == 0 && len > 0;
      return (int)n;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_read(b);
      return -1;
    }
    t->sys_errno = errno;
    return -1;
  }
}

static int bio_write(BIO *b, const char *buf, int len)
{
  ns_tls *t = BIO_get_data(b);
  BIO_clear_retry_flags(b);
  for (;;) {
    ssize_t n = send(t->fd, buf, (size_t)len, MSG_NOSIGNAL | t->io_flags);
    if (n >= 0) {
      t->wrote_last = true;
      return (int)n;
    }
    if (errno == EINTR)
      continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      BIO_set_retry_write(b);
      return -1;
    }
    t->sys_errno = errno;
    return -1;
  }
}

static int bio_puts(BIO *b, const char *s)
{
  return bio_write(b, s, (int)strlen(s));
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
  (void)num;
  (void)ptr;
  switch (cmd) {
  case BIO_CTRL_FLUSH: /* writes are unbuffered: nothing to do */
    return 1;
  case BIO_CTRL_EOF: {
    const ns_tls *t = BIO_get_data(b);
    return t->eof;
  }
  default:
    return 0;
  }
}

static int bio_create(BIO *b)
{
  BIO_set_init(b, 1);
  return 1;
}

static void make_method(void)
{
  BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK,
                               "netsock socket");
  if (m && BIO_meth_set_write(m, bio_write) && BIO_meth_set_read(m, bio_read) &&
      BIO_meth_set_puts(m, bio_puts) && BIO_meth_set_ctrl(m, bio_ctrl) &&
      BIO_meth_set_create(m, bio_create))
    method = m;
  else
    BIO_meth_free(m);
}

BIO *ns__tls_bio_new(ns_tls *t)
{
  pthread_once(&method_once, make_method);
  if (!method)
    return NULL;
  BIO *b = BIO_new(method);
  if (b)
    BIO_set_data(b, t);
  return b;
}

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
 *
 * Kernel TLS (a context with ns_tls_context_set_ktls()): once the
 * handshake is done, OpenSSL hands the send side's keys to the BIO
 * (BIO_CTRL_SET_KTLS). The keys go to the kernel through a socket BIO of
 * OpenSSL's own, made for that one call, because only OpenSSL knows the
 * layout of what it hands over; from then on this BIO sends plaintext
 * that the kernel encrypts, and records other than application data
 * (alerts, post-handshake messages) with their type in a control message.
 * The receive side always stays in user space, where a timed read keeps
 * its one deadline.
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <time.h>
#ifdef __linux__
#include <linux/tls.h>
#endif

/* Kernel TLS as Linux has it: records of other types than application
   data go with their type in a TLS_SET_RECORD_TYPE control message.
   Elsewhere (FreeBSD's differs) the BIO declines kernel TLS. */
#if defined(__linux__) && defined(TLS_SET_RECORD_TYPE) && defined(SOL_TLS)
#define HAVE_LINUX_KTLS 1
#else
#define HAVE_LINUX_KTLS 0
#endif

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

/* One send(2), or with kernel TLS a record of another type than
   application data: sendmsg(2) with the type as a control message. */
static ssize_t send_once(ns_tls *t, const char *buf, size_t len)
{
  int flags = MSG_NOSIGNAL | t->io_flags;
#if HAVE_LINUX_KTLS
  if (t->ktls_record_type) {
    union {
      char buf[CMSG_SPACE(sizeof(unsigned char))];
      struct cmsghdr align;
    } control;
    memset(&control, 0, sizeof control);
    struct iovec iov = {(void *)buf, len};
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.buf;
    msg.msg_controllen = sizeof control.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_TLS;
    c->cmsg_type = TLS_SET_RECORD_TYPE;
    c->cmsg_len = CMSG_LEN(sizeof(unsigned char));
    *CMSG_DATA(c) = t->ktls_record_type;
    ssize_t n = sendmsg(t->fd, &msg, flags);
    if (n >= 0)
      t->ktls_record_type = 0; /* one record; OpenSSL sets it again */
    return n;
  }
#endif
  return send(t->fd, buf, len, flags);
}

static int bio_write(BIO *b, const char *buf, int len)
{
  ns_tls *t = BIO_get_data(b);
  BIO_clear_retry_flags(b);
  for (;;) {
    ssize_t n = send_once(t, buf, (size_t)len);
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

/* OpenSSL's controls for kernel TLS, which its public headers leave out
   (the numbers are fixed: they are part of its ABI). */
enum {
  CTRL_SET_KTLS = 72,               /* num: non-zero the send side */
  CTRL_SET_KTLS_SEND_CTRL_MSG = 74, /* num: the next record's type */
  CTRL_CLEAR_KTLS_CTRL_MSG = 75
};

/* Give the kernel the send side's keys: `keys` is OpenSSL's own
   description of them, which its socket BIO knows how to pass on (and
   that BIO attaches the kernel's "tls" layer to the socket first). */
static long start_ktls_send(ns_tls *t, long num, void *keys)
{
  BIO *sock = BIO_new_socket(t->fd, BIO_NOCLOSE);
  if (!sock)
    return 0;
  long ok = BIO_ctrl(sock, CTRL_SET_KTLS, num, keys);
  BIO_free(sock);
  if (ok > 0)
    t->ktls_send = true;
  return ok > 0;
}

static long bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
  ns_tls *t = BIO_get_data(b);
  switch (cmd) {
  case BIO_CTRL_FLUSH: /* writes are unbuffered: nothing to do */
    return 1;
  case BIO_CTRL_EOF:
    return t->eof;
  case BIO_C_GET_FD: /* for SSL_get_wfd(), which SSL_sendfile() uses */
    if (ptr)
      *(int *)ptr = t->fd;
    return t->fd;
  case CTRL_SET_KTLS:
    /* The send side only, on Linux: see the comment at the top. */
    return HAVE_LINUX_KTLS && num ? start_ktls_send(t, num, ptr) : 0;
  case BIO_CTRL_GET_KTLS_SEND:
    return t->ktls_send;
  case BIO_CTRL_GET_KTLS_RECV:
    return 0;
  case CTRL_SET_KTLS_SEND_CTRL_MSG:
    t->ktls_record_type = (unsigned char)num;
    return 0;
  case CTRL_CLEAR_KTLS_CTRL_MSG:
    t->ktls_record_type = 0;
    return 0;
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
  /* A descriptor BIO, so that SSL_get_wfd() finds the socket. */
  BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK |
                                   BIO_TYPE_DESCRIPTOR,
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

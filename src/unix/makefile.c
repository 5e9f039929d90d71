/* SPDX-License-Identifier: MIT */
/*
 * makefile(): a stdio stream over a duplicate of the socket. The stream
 * reads and writes on its own handle with recv(2) and send(2), so it keeps
 * what plain fdopen() would lose: no SIGPIPE, a timeout, and retries after
 * signals. fclose() closes only the duplicate.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "os.h"

/*
 * A stream's timeout is the one its socket had when the stream was made,
 * kept here: the duplicate shares the socket's kernel timers and its
 * O_NONBLOCK flag with the socket (one open file), so changing the
 * socket's timeout afterwards would reach the stream through them. So the
 * stream uses neither: every call is non-blocking (MSG_DONTWAIT), and a
 * wait is a poll(2) bounded by the stream's own deadline. A ready call
 * costs one system call, as on the socket; stdio is no hot path anyway.
 */
typedef struct stream {
  ns_socket *dup;
  int64_t timeout_ns; /* -1 none, 0 non-blocking, > 0 a limit per call */
} stream;

/*
 * Wait until the descriptor is ready, within the deadline. 0 when ready;
 * -1 with errno: ETIMEDOUT when the deadline passed (recognisable from
 * errno alone, which is all stdio keeps, and Python's TimeoutError),
 * EAGAIN for a non-blocking stream.
 */
static int stream_wait(const stream *st, short events, int64_t at)
{
  if (st->timeout_ns == 0) {
    errno = EAGAIN;
    return -1;
  }
  for (;;) {
    int ms = -1;
    if (st->timeout_ns > 0) {
      int64_t left = at - ns__now_ns();
      if (left <= 0) {
        errno = ETIMEDOUT;
        return -1;
      }
      ms = ns__poll_ms(left);
    }
    struct pollfd p = {ns_fileno(st->dup), events, 0};
    int n = poll(&p, 1, ms);
    if (n > 0)
      return 0;
    if (n < 0 && errno != EINTR) /* PEP 475: on with the time left */
      return -1;
  }
}

static int64_t stream_deadline(const stream *st)
{
  return st->timeout_ns > 0 ? ns__now_ns() + st->timeout_ns : 0;
}

static ssize_t stream_read(void *cookie, char *buf, size_t size)
{
  stream *st = cookie;
  int64_t at = stream_deadline(st);
  for (;;) {
    ssize_t n = recv(ns_fileno(st->dup), buf, size, MSG_DONTWAIT);
    if (n >= 0)
      return n;
    if (errno == EINTR)
      continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
        stream_wait(st, POLLIN, at) != 0)
      return -1;
  }
}

/* All of `size`, or what went before a failure (stdio takes a short
   count as an error); the timeout bounds the whole write, as sendall's. */
static ssize_t stream_write(void *cookie, const char *buf, size_t size)
{
  stream *st = cookie;
  int64_t at = stream_deadline(st);
  size_t sent = 0;
  while (sent < size) {
    ssize_t n =
        ns__os_send(ns_fileno(st->dup), buf + sent, size - sent, MSG_DONTWAIT);
    if (n >= 0) {
      sent += (size_t)n;
      continue;
    }
    if (errno == EINTR)
      continue;
    if ((errno != EAGAIN && errno != EWOULDBLOCK) ||
        stream_wait(st, POLLOUT, at) != 0)
      return sent ? (ssize_t)sent : -1;
  }
  return (ssize_t)sent;
}

static int stream_close(void *cookie)
{
  stream *st = cookie;
  ns_err err = ns_close(st->dup);
  free(st);
  if (err) {
    errno = ns_error_last_errno() > 0 ? ns_error_last_errno() : EIO;
    return -1;
  }
  return 0;
}

/*
 * The C library's hook for a stream over the program's own functions:
 * fopencookie (glibc, musl) or funopen (macOS, the BSDs, whose int-sized
 * counts the wrappers below adapt). NULL with errno set on failure.
 */
#if HAVE_FOPENCOOKIE
static FILE *open_stream(stream *st, const char *stdio_mode)
{
  cookie_io_functions_t io = {stream_read, stream_write, NULL, stream_close};
  return fopencookie(st, stdio_mode, io);
}
#elif HAVE_FUNOPEN
static int funopen_read(void *cookie, char *buf, int size)
{
  return (int)stream_read(cookie, buf, (size_t)size);
}

static int funopen_write(void *cookie, const char *buf, int size)
{
  return (int)stream_write(cookie, buf, (size_t)size);
}

static FILE *open_stream(stream *st, const char *stdio_mode)
{
  bool r = strchr(stdio_mode, 'r') || strchr(stdio_mode, '+');
  bool w = strchr(stdio_mode, 'w') || strchr(stdio_mode, '+');
  return funopen(st, r ? funopen_read : NULL, w ? funopen_write : NULL, NULL,
                 stream_close);
}
#else
static FILE *open_stream(stream *st, const char *stdio_mode)
{
  (void)st, (void)stdio_mode;
  errno = ENOSYS;
  return NULL;
}
#endif

ns_err ns__os_makefile(ns_socket *s, bool reading, bool writing, FILE **out)
{
  const char *stdio_mode = reading && writing ? "r+" : writing ? "w" : "r";
  stream *st = malloc(sizeof *st);
  if (!st)
    return ns__fail_msg(NS_ERR_MEMORY, "makefile", "out of memory");
  st->timeout_ns = s->timeout_ns;
  ns_err err = ns__makefile_dup(s, &st->dup);
  if (err) {
    free(st);
    return err;
  }
  FILE *f = open_stream(st, stdio_mode);
  if (!f) {
    int e = errno;
    ns_close(st->dup);
    free(st);
    return e == ENOSYS
               ? ns__fail_errno("makefile", ENOSYS)
               : ns__fail_msg(NS_ERR_MEMORY, "makefile", "out of memory");
  }
  *out = f;
  return NS_OK;
}

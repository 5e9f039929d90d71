/* SPDX-License-Identifier: MIT */
/*
 * sendfile with Python's semantics: an offset and a count, the bytes sent
 * as the result, and the file's position left after them.
 *
 * A regular file on a stream socket goes through sendfile(2), zero-copy;
 * anything else (a pipe, a device, a datagram socket, a file system
 * sendfile(2) refuses) is read and sent in chunks. One deadline covers the
 * whole call, as for sendall.
 */
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "os.h"

#if HAVE_LINUX_SENDFILE
#include <sys/sendfile.h>
#endif

/* At most this much per sendfile(2) call, as CPython does (bpo-38319). */
#define ZERO_COPY_CHUNK ((size_t)1 << 30)
/* The copy path's buffer lives on the stack; a datagram socket gets one
   datagram of at most DATAGRAM_CHUNK bytes per read. */
#define COPY_CHUNK 16384
#define DATAGRAM_CHUNK 8192

/*
 * sendfile(2) has no MSG_NOSIGNAL: writing to a socket whose peer is gone
 * raises SIGPIPE, so the call runs inside an ns__sigpipe_guard (os.h).
 */

#if HAVE_LINUX_SENDFILE
/* Errors with which sendfile(2) says "not for this file": copy instead.
   (ENOTSUP is EOPNOTSUPP on Linux, the only system with this sendfile.) */
static bool zero_copy_refused(int err)
{
  return err == EINVAL || err == ENOSYS || err == EOPNOTSUPP;
}

/*
 * With a timeout, sendfile(2) cannot be trusted with the kernel's timer:
 * it sends through several internal sends, and each starts the timer
 * afresh (a 0.2 s timeout measured 0.6 s). So the kernel gets a timer of
 * one tick, which makes each sendfile(2) return soon after it stops making
 * progress, and the waiting is done by poll(2) against the deadline. The
 * socket's cached kernel value records the change, so the next call on it
 * puts the full timeout back.
 */
#define ZERO_COPY_SLICE_NS ((int64_t)1000000)

/*
 * The zero-copy loop. Returns NS_OK with *gave_up set when sendfile(2)
 * refused the file before anything was sent.
 */
static ns_err zero_copy(ns_socket *s, int fd, int64_t offset, size_t count,
                        ns__deadline *dl, size_t *sent, bool *gave_up,
                        const char *op)
{
  bool timed = dl->at_ns != 0;
#if NS_TIMEOUT_KERNEL_TIMERS
  if (timed) {
    ns_err err =
        ns__sync_kernel_timeout(s, SO_SNDTIMEO, ZERO_COPY_SLICE_NS, op);
    if (err)
      return err;
  }
#endif
  ns__sigpipe_guard guard;
  bool had_epipe = false;
  ns_err err = NS_OK;
  ns__sigpipe_block(&guard);
  for (;;) {
    size_t want = count ? count - *sent : ZERO_COPY_CHUNK;
    if (want == 0)
      break;
    if (want > ZERO_COPY_CHUNK)
      want = ZERO_COPY_CHUNK;
    off_t pos = (off_t)(offset + (int64_t)*sent);
    ssize_t n = sendfile(s->fd, fd, &pos, want);
    if (n > 0) {
      *sent += (size_t)n;
      if (count && *sent == count)
        break;
      if (timed && ns__now_ns() >= dl->at_ns) {
        err = ns__fail_timeout(op);
        break;
      }
      continue;
    }
    if (n == 0)
      break; /* end of file */
    int e = errno;
    if (e == EPIPE)
      had_epipe = true;
    if (*sent == 0 && zero_copy_refused(e)) {
      *gave_up = true;
      break;
    }
    if (timed && (e == EAGAIN || e == EWOULDBLOCK || e == EINTR)) {
      /* No room, or a signal: wait for room within the deadline. */
      if ((err = ns__wait_fd(s->fd, POLLOUT, dl, op)))
        break;
      continue;
    }
    if ((err = ns__call_retry(s, dl, SO_SNDTIMEO, 0, op)))
      break;
  }
  ns__sigpipe_restore(&guard, had_epipe);
  return err;
}
#endif

/* Read up to `want` bytes of the file; 0 at its end. A pipe is waited on
   within the deadline, since the socket's timeout bounds the whole call. */
static ns_err read_chunk(int fd, bool seekable, int64_t pos, char *buf,
                         size_t want, const ns__deadline *dl, size_t *got,
                         const char *op)
{
  for (;;) {
    if (!seekable && dl->at_ns) {
      ns_err err = ns__wait_fd(fd, POLLIN, dl, op);
      if (err)
        return err;
    }
    ssize_t n =
        seekable ? pread(fd, buf, want, (off_t)pos) : read(fd, buf, want);
    if (n >= 0) {
      *got = (size_t)n;
      return NS_OK;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      /* A non-blocking pipe: wait for it, forever when there is no
         timeout, as a blocking read would. */
      ns_err err = ns__wait_fd(fd, POLLIN, dl, op);
      if (err)
        return err;
    } else if (errno != EINTR) {
      return ns__fail_errno(op, errno);
    }
  }
}

/* The copy loop: read a chunk, send all of it (one datagram on a datagram
   socket), repeat. */
static ns_err copy(ns_socket *s, int fd, bool seekable, int64_t offset,
                   size_t count, ns__deadline *dl, size_t *sent, const char *op)
{
  char buf[COPY_CHUNK];
  bool stream = s->type == SOCK_STREAM;
  size_t chunk = stream ? sizeof buf : DATAGRAM_CHUNK;
  for (;;) {
    size_t want = count ? count - *sent : chunk;
    if (want == 0)
      return NS_OK;
    if (want > chunk)
      want = chunk;
    size_t got = 0;
    ns_err err = read_chunk(fd, seekable, offset + (int64_t)*sent, buf, want,
                            dl, &got, op);
    if (err)
      return err;
    if (got == 0)
      return NS_OK; /* end of file */
    size_t done = 0;
    while (done < got) {
      /* Cut the kernel's timer to what is left before a send that may
         block, so the deadline holds across chunks. */
      if ((err = ns__call_continue(s, dl, SO_SNDTIMEO, op)))
        return err;
      ssize_t n = ns__os_send(s->fd, buf + done, got - done, 0);
      if (n < 0) {
        if ((err = ns__call_retry(s, dl, SO_SNDTIMEO, 0, op)))
          return err;
        continue;
      }
      done += (size_t)n;
      *sent += (size_t)n;
      if (!stream)
        break; /* a datagram goes whole or not at all */
    }
  }
}

ns_err ns_sendfile(ns_socket *s, int fd, int64_t offset, size_t count,
                   size_t *sent_out)
{
  const char *op = "sendfile";
  size_t sent = 0;
  if (sent_out)
    *sent_out = 0;
  ns_err err = ns__sendfile_check(s, offset, op);
  if (err)
    return err;
  struct stat st;
  if (fstat(fd, &st) != 0)
    return ns__fail_errno(op, errno);
  bool seekable = S_ISREG(st.st_mode) || S_ISBLK(st.st_mode);
  if (!seekable && offset != 0)
    return ns__fail_errno(op, ESPIPE);

  ns__deadline dl;
  err = ns__call_begin(s, &dl, SO_SNDTIMEO, op);
  if (err)
    return err;
  bool gave_up = true;
#if HAVE_LINUX_SENDFILE
  if (S_ISREG(st.st_mode) && s->type == SOCK_STREAM) {
    gave_up = false;
    err = zero_copy(s, fd, offset, count, &dl, &sent, &gave_up, op);
  }
#endif
  if (!err && gave_up)
    err = copy(s, fd, seekable, offset, count, &dl, &sent, op);
  /* Python leaves the file after what was sent, on failure too, so that
     the caller can tell how far it got and resume; when nothing was sent
     it leaves the position alone. */
  if (seekable && sent > 0 &&
      lseek(fd, (off_t)(offset + (int64_t)sent), SEEK_SET) < 0 && !err)
    err = ns__fail_errno(op, errno);
  if (sent_out)
    *sent_out = sent;
  return err;
}

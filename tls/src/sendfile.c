/* SPDX-License-Identifier: MIT */
/*
 * sendfile over TLS. When the kernel encrypts the connection's sends
 * (kernel TLS, ktls.c) the file goes out with sendfile(2) and never
 * enters user space. Otherwise the bytes must be encrypted here, so the
 * file is read in chunks and each is sent as sendall sends, all under one
 * deadline (Python's SSLSocket.sendfile falls back to send() the same way).
 */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include "internal.h"

enum { CHUNK = 16384 }; /* one full TLS record */

/* Read up to `len` bytes at `offset` (or from the current position of a
   file that cannot seek), retrying after signals. */
static ssize_t read_chunk(int fd, bool seekable, char *buf, size_t len,
                          int64_t offset)
{
  for (;;) {
    ssize_t n =
        seekable ? pread(fd, buf, len, (off_t)offset) : read(fd, buf, len);
    if (n >= 0 || errno != EINTR)
      return n;
  }
}

/* Read the file in chunks and send each as sendall does. */
static ns_err copy_chunks(ns_tls *t, double timeout, int fd, bool seekable,
                          int64_t offset, size_t count, size_t *sent_out)
{
  const char *op = "sendfile";
  char buf[CHUNK];
  size_t total = 0;
  ns_err err = NS_OK;
  while (count == 0 || total < count) {
    size_t want = CHUNK;
    if (count && count - total < want)
      want = count - total;
    ssize_t n = read_chunk(fd, seekable, buf, want, offset + (int64_t)total);
    if (n < 0) {
      err = ns__tls_fail_msg(ns_error_from_errno(errno), op, errno, NULL);
      break;
    }
    if (n == 0)
      break; /* the end of the file */
    size_t sent;
    err = ns__tls_sendall_in_call(t, timeout, op, buf, (size_t)n, &sent);
    total += sent;
    if (err)
      break;
  }
  *sent_out = total;
  return err;
}

ns_err ns_tls_sendfile(ns_tls *t, int fd, int64_t offset, size_t count,
                       size_t *sent_out)
{
  const char *op = "sendfile";
  if (sent_out)
    *sent_out = 0;
  if (!t)
    return ns__tls_fail_msg(NS_ERR_OS, op, EBADF, NULL);
  if (offset < 0) {
    char msg[80];
    snprintf(msg, sizeof msg, "offset must be a positive integer (got %lld)",
             (long long)offset);
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, msg);
  }
  double timeout = ns__tls_call_begin(t);
  if (timeout == 0)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "non-blocking sockets are not supported");
  bool seekable = lseek(fd, 0, SEEK_CUR) >= 0;
  if (!seekable && (errno != ESPIPE || offset != 0))
    return ns__tls_fail_msg(ns_error_from_errno(errno), op, errno, NULL);

  size_t total = 0;
  /* sendfile(2) needs a file it can seek in (not a pipe). */
  ns_err err =
      seekable && t->ktls_send
          ? ns__tls_sendfile_ktls(t, fd, offset, count, &total)
          : copy_chunks(t, timeout, fd, seekable, offset, count, &total);
  /* As in Python, the file's position ends after what was sent. */
  if (seekable)
    lseek(fd, (off_t)(offset + (int64_t)total), SEEK_SET);
  if (sent_out)
    *sent_out = total;
  return err;
}

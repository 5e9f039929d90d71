/* SPDX-License-Identifier: MIT */
/*
 * sendfile on Windows: a copy loop through the socket's own timeout, as
 * Python's socket.sendfile() falls back to there. `fd` is a C runtime
 * file descriptor (_open, _fileno). TransmitFile would need an overlapped
 * socket call and ignores the socket's timeout; the copy keeps both
 * Python's semantics and the deadline.
 */
#include <io.h>
#include <stdio.h>
#include <stdlib.h>

#include "os.h"

enum { CHUNK = 64 * 1024 };

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
  if (_lseeki64(fd, offset, SEEK_SET) < 0)
    return ns__fail_errno(op, errno);
  char *buf = malloc(CHUNK);
  if (!buf)
    return ns__fail_msg(NS_ERR_MEMORY, op, "out of memory");
  while (!err && (count == 0 || sent < count)) {
    size_t want = count == 0 || count - sent > CHUNK ? CHUNK : count - sent;
    int got = _read(fd, buf, (unsigned)want);
    if (got < 0) {
      err = ns__fail_errno(op, errno);
      break;
    }
    if (got == 0)
      break;
    size_t n = 0;
    err = ns_sendall(s, buf, (size_t)got, 0, &n);
    sent += n;
  }
  free(buf);
  /* Python leaves the file after what was sent, on failure too. */
  (void)_lseeki64(fd, offset + (int64_t)sent, SEEK_SET);
  if (sent_out)
    *sent_out = sent;
  return err;
}

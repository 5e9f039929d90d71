/* SPDX-License-Identifier: MIT */
/*
 * makefile(): a stdio stream over a duplicate of the socket. The stream
 * reads and writes through ns_recv() and ns_sendall() on its own handle,
 * so it keeps what plain fdopen() would lose: no SIGPIPE,
 * the socket's timeout, and retries after signals. fclose() closes only
 * the duplicate.
 */
#include <string.h>

#include "internal.h"

/* stdio's view of a failure: -1 with errno set. A libnetsock timeout has
   no errno of its own; it shows as EAGAIN, as on a timed-out socket. */
static int stream_errno(void)
{
  int e = ns_error_last_errno();
  return e > 0 ? e : ns_error_last_code() == NS_ERR_TIMEOUT ? EAGAIN : EIO;
}

static ssize_t stream_read(void *cookie, char *buf, size_t size)
{
  size_t n;
  if (ns_recv(cookie, buf, size, 0, &n) != NS_OK) {
    errno = stream_errno();
    return -1;
  }
  return (ssize_t)n;
}

static ssize_t stream_write(void *cookie, const char *buf, size_t size)
{
  size_t sent = 0;
  if (ns_sendall(cookie, buf, size, 0, &sent) != NS_OK) {
    errno = stream_errno();
    /* Report what went; stdio treats a short count as an error. */
    return sent ? (ssize_t)sent : -1;
  }
  return (ssize_t)sent;
}

static int stream_close(void *cookie)
{
  return ns_close(cookie) == NS_OK ? 0 : (errno = stream_errno(), -1);
}

/*
 * The C library's hook for a stream over the program's own functions:
 * fopencookie (glibc, musl) or funopen (macOS, the BSDs, whose int-sized
 * counts the wrappers below adapt). NULL with errno set on failure.
 */
#if HAVE_FOPENCOOKIE
static FILE *open_stream(ns_socket *dup, const char *stdio_mode)
{
  cookie_io_functions_t io = {stream_read, stream_write, NULL, stream_close};
  return fopencookie(dup, stdio_mode, io);
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

static FILE *open_stream(ns_socket *dup, const char *stdio_mode)
{
  bool r = strchr(stdio_mode, 'r') || strchr(stdio_mode, '+');
  bool w = strchr(stdio_mode, 'w') || strchr(stdio_mode, '+');
  return funopen(dup, r ? funopen_read : NULL, w ? funopen_write : NULL,
                 NULL, stream_close);
}
#else
static FILE *open_stream(ns_socket *dup, const char *stdio_mode)
{
  (void)dup, (void)stdio_mode;
  errno = ENOSYS;
  return NULL;
}
#endif

ns_err ns_makefile(ns_socket *s, const char *mode, FILE **out)
{
  if (!s)
    return ns__fail_handle("makefile");
  if (!out)
    return ns__fail_null("makefile", "makefile(): out is NULL");
  *out = NULL;
  if (!mode)
    mode = "r";
  if (mode[strspn(mode, "rwb")] != '\0')
    return ns__fail_fmt(NS_ERR_VALUE, "makefile",
                        "invalid mode '%s' (only r, w, b allowed)", mode);
  /* Python: writing if there is a 'w', reading if an 'r' or no 'w'. */
  bool writing = strchr(mode, 'w') != NULL;
  bool reading = strchr(mode, 'r') != NULL || !writing;
  const char *stdio_mode = reading && writing ? "r+" : writing ? "w" : "r";

  ns_socket *dup;
  ns_err err = ns_dup(s, &dup);
  if (err) /* an OS failure is reported as makefile's, as Python does */
    return ns_error_last_errno() ? ns__fail_errno("makefile",
                                                  ns_error_last_errno())
                                 : err;
  FILE *f = open_stream(dup, stdio_mode);
  if (!f) {
    int e = errno;
    ns_close(dup);
    return e == ENOSYS ? ns__fail_errno("makefile", ENOSYS)
                       : ns__fail_msg(NS_ERR_MEMORY, "makefile",
                                      "out of memory");
  }
  *out = f;
  return NS_OK;
}

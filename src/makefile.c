/* SPDX-License-Identifier: MIT */
/*
 * makefile(): a stdio stream over a duplicate of the socket's descriptor,
 * so that fclose() and ns_close() each release only their own.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "internal.h"

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

  int fd = fcntl(s->fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    return ns__fail_errno("makefile", errno);
  FILE *f = fdopen(fd, stdio_mode);
  if (!f) {
    int e = errno;
    close(fd);
    if (e == ENOMEM)
      return ns__fail_msg(NS_ERR_MEMORY, "makefile", "out of memory");
    return ns__fail_errno("makefile", e);
  }
  *out = f;
  return NS_OK;
}

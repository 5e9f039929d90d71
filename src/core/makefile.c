/* SPDX-License-Identifier: MIT */
/*
 * makefile(): the checks and Python's reading of the mode, the same on
 * every system; the stream itself is the backend's (ns__os_makefile).
 */
#include <string.h>

#include "internal.h"

ns_err ns__makefile_dup(ns_socket *s, ns_socket **out)
{
  ns_err err = ns_dup(s, out);
  if (!err)
    return NS_OK;
#if NS_WINSOCK
  int code = ns_error_last_winerror();
#else
  int code = ns_error_last_errno();
#endif
  /* An OS failure is reported as makefile's, as Python does; any other
     (out of memory) as it came. */
  return code ? ns__fail_sock_code("makefile", code) : err;
}

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
  return ns__os_makefile(s, reading, writing, out);
}

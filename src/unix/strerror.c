/* SPDX-License-Identifier: MIT */
/*
 * strerror's text, as Python prints it. glibc 2.32 and later give the
 * English text whatever LC_MESSAGES says (strerrordesc_np); elsewhere
 * strerror_r, thread-safe, in whichever of its two forms the C library
 * has: GNU's returns the text, POSIX's fills the buffer.
 */
#include <string.h>

#include "internal.h"

const char *ns__os_strerror(int errnum)
{
#if HAVE_STRERRORDESC_NP
  return strerrordesc_np(errnum);
#else
  static _Thread_local char buf[128];
#if HAVE_GNU_STRERROR_R
  return strerror_r(errnum, buf, sizeof buf);
#else
  return strerror_r(errnum, buf, sizeof buf) == 0 ? buf : NULL;
#endif
#endif
}

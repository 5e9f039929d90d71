/* SPDX-License-Identifier: MIT */
/*
 * Text from one encoding to another, for example 7's GBK pair: iconv(3)
 * where the C library has it, Windows' code pages (936 is GBK) where it
 * does not. Part of the examples' portability, not of the tutorial.
 */
#ifndef NETSOCK_EXAMPLES_RECODE_H
#define NETSOCK_EXAMPLES_RECODE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef _WIN32
#include <windows.h>
#else
#include <iconv.h>
#endif

/* Convert `len` bytes of text from one encoding to another: Python's
   .encode(to) when `from` is "UTF-8", .decode(from) when `to` is. */
static size_t recode(const char *to, const char *from, const char *in,
                     size_t len, char *out, size_t size)
{
#ifdef _WIN32
  UINT cp_to = strcmp(to, "UTF-8") == 0 ? CP_UTF8
               : strcmp(to, "GBK") == 0 ? 936
                                        : 0;
  UINT cp_from = strcmp(from, "UTF-8") == 0 ? CP_UTF8
                 : strcmp(from, "GBK") == 0 ? 936
                                            : 0;
  if (cp_to == 0 || cp_from == 0) {
    fprintf(stderr, "LookupError: unknown encoding: %s\n",
            strcmp(to, "UTF-8") == 0 ? from : to);
    exit(EXIT_FAILURE);
  }
  wchar_t wide[4096];
  int wn = len == 0 ? 0
                    : MultiByteToWideChar(cp_from, MB_ERR_INVALID_CHARS, in,
                                          (int)len, wide, 4096);
  int n = wn == 0 ? 0
                  : WideCharToMultiByte(cp_to, 0, wide, wn, out, (int)size,
                                        NULL, NULL);
  if (len != 0 && n == 0) {
    fprintf(stderr, "UnicodeError: cannot convert %s to %s\n", from, to);
    exit(EXIT_FAILURE);
  }
  return (size_t)n;
#else
  iconv_t cd = iconv_open(to, from);
  if (cd == (iconv_t)-1) {
    fprintf(stderr, "LookupError: unknown encoding: %s\n",
            strcmp(to, "UTF-8") == 0 ? from : to);
    exit(EXIT_FAILURE);
  }
  char *inp = (char *)in, *outp = out;
  size_t in_left = len, out_left = size;
  if (iconv(cd, &inp, &in_left, &outp, &out_left) == (size_t)-1) {
    fprintf(stderr, "UnicodeError: cannot convert %s to %s\n", from, to);
    exit(EXIT_FAILURE);
  }
  iconv_close(cd);
  return size - out_left;
#endif
}

#endif /* NETSOCK_EXAMPLES_RECODE_H */

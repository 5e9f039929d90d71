/* SPDX-License-Identifier: MIT */
/*
 * getline() for Windows, whose C library has none: read one line, the
 * newline included, into *line (grown with realloc as needed), and return
 * its length, or -1 at end of file with nothing read or on failure. Part
 * of the examples' portability, not of the tutorial.
 */
#ifndef NETSOCK_EXAMPLES_WIN_GETLINE_H
#define NETSOCK_EXAMPLES_WIN_GETLINE_H

#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>

static ssize_t getline(char **line, size_t *cap, FILE *f)
{
  size_t len = 0;
  int c;
  if (*line == NULL || *cap == 0) {
    *cap = 128;
    *line = malloc(*cap);
    if (*line == NULL)
      return -1;
  }
  while ((c = fgetc(f)) != EOF) {
    if (len + 2 > *cap) {
      char *bigger = realloc(*line, *cap * 2);
      if (bigger == NULL)
        return -1;
      *line = bigger;
      *cap *= 2;
    }
    (*line)[len++] = (char)c;
    if (c == '\n')
      break;
  }
  (*line)[len] = '\0';
  return len == 0 ? -1 : (ssize_t)len;
}

#endif

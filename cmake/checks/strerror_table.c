/* SPDX-License-Identifier: MIT */
/* Prints strerror(n) for n = 1..133, one a line (NetsockPythonLibc.cmake). */
#include <stdio.h>
#include <string.h>

int main(void)
{
  for (int n = 1; n <= 133; n++)
    printf("%s\n", strerror(n));
  return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP client that reads a file line by line via makefile() </DESC>
 *
 * Teaches reading a socket as a stdio stream: makefile() gives a FILE *,
 * and getline() (Python: readline()) does the buffering that finding the
 * end of each line needs, however the bytes were cut into packets. The
 * header line says how many bytes follow: the reader stops there.
 * The Python this translates is quoted in the comments
 * (tests/interop/example12_makefile_client.py runs it).
 *
 * Run:  12_makefile_client [HOST [PORT]]   (default 127.0.0.1 8888)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netsock/netsock.h>

/* Windows' C library has no getline(): win_getline.h is one for it. */
#ifdef _WIN32
#include "win_getline.h"
#endif

/* Where Python would raise an exception: print what its traceback's last
   line says (ns_error_print), after the name of the operation that
   failed, and stop. */
static void check(ns_err err)
{
  if (err != NS_OK) {
    ns_error_print(ns_error_last_operation());
    exit(EXIT_FAILURE);
  }
}

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 8888;
  ns_socket *s;
  ns_addr addr;

  /* s = socket.socket(); s.connect((host, port)) */
  check(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, host, port));
  check(ns_connect(s, &addr));

  /* r = s.makefile('rb') */
  FILE *r;
  check(ns_makefile(s, "rb", &r));

  /* header = r.readline()
     print(header.decode(), end='')
     _, name, size = header.split() */
  char *line = NULL;
  size_t cap = 0;
  char name[256];
  long long size;
  if (getline(&line, &cap, r) < 0 ||
      sscanf(line, "FILE %255s %lld", name, &size) != 2) {
    fprintf(stderr, "ValueError: no FILE header\n");
    return EXIT_FAILURE;
  }
  printf("%s", line);

  /* got = n = 0
     while got < size:
         line = r.readline()
         if not line:
             break
         got += len(line); n += 1
         print('%4d  %s' % (n, line.decode()), end='') */
  long long got = 0;
  int n = 0;
  while (got < size) {
    ssize_t len = getline(&line, &cap, r);
    if (len <= 0)
      break;
    got += len;
    n++;
    printf("%4d  %s", n, line);
  }
  /* print('%d bytes in %d lines' % (got, n)) */
  printf("%lld bytes in %d lines\n", got, n);

  /* r.close(); s.close() */
  free(line);
  fclose(r);
  check(ns_close(s));
  return got == size ? EXIT_SUCCESS : EXIT_FAILURE;
}

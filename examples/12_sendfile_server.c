/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TCP server that sends a file with sendfile() </DESC>
 *
 * Teaches the two file-shaped calls that the tutorials list among the
 * socket methods: makefile() wraps the socket in a stdio stream, handy for
 * lines of text, and sendfile() hands a whole file to the kernel, which
 * sends it without copying it through the program ("零拷贝", zero-copy, as
 * seed 004 puts it). A stream buffers: flush it before using the socket
 * directly, or the header would arrive after the file.
 * The tutorials only name sendfile() and makefile() (seed 003's method
 * list, seed 004's 进阶方向); the Python this translates is quoted in the
 * comments (tests/interop/example12_sendfile_server.py runs it).
 *
 * Run:  12_sendfile_server [HOST [PORT [FILE]]]   (default 127.0.0.1 8888,
 * and a short poem that the server writes to a temporary file), then
 * 12_makefile_client. It serves one client and exits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <netsock/netsock.h>

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

static const char poem[] = "静夜思 李白\n"
                           "床前明月光，\n"
                           "疑是地上霜。\n"
                           "举头望明月，\n"
                           "低头思故乡。\n";

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 8888;
  const char *name;
  FILE *f;
  ns_socket *server, *conn;
  ns_addr addr;
  char text[NS_ADDR_STRLEN];

  /* Each line reaches a pipe as soon as it is printed (python3 -u). */
  setvbuf(stdout, NULL, _IOLBF, 0);

  /* f = open(path, 'rb'), or
     f = tempfile.TemporaryFile(); f.write(POEM.encode()) */
  if (argc > 3) {
    name = strrchr(argv[3], '/') ? strrchr(argv[3], '/') + 1 : argv[3];
    f = fopen(argv[3], "rb");
  } else {
    name = "poem.txt";
    f = tmpfile();
    if (f && (fputs(poem, f) == EOF || fflush(f) != 0)) {
      fclose(f);
      f = NULL;
    }
  }
  if (!f) {
    perror(argc > 3 ? argv[3] : "tmpfile");
    return EXIT_FAILURE;
  }
  /* size = os.fstat(f.fileno()).st_size */
  struct stat st;
  if (fstat(fileno(f), &st) != 0) {
    perror("fstat");
    return EXIT_FAILURE;
  }

  /* server = socket.socket(); server.bind((host, port)); server.listen(1) */
  check(ns_socket_create(&server, AF_INET, SOCK_STREAM, 0));
  check(ns_addr_inet(&addr, host, port));
  check(ns_bind(server, &addr));
  check(ns_listen(server, 1));
  check(ns_getsockname(server, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);

  /* conn, addr = server.accept() */
  check(ns_accept(server, &conn, NULL));
  /* print('sending %s, %d bytes' % (name, size)) */
  printf("sending %s, %lld bytes\n", name, (long long)st.st_size);

  /* w = conn.makefile('wb')
     w.write(b'FILE %s %d\n' % (name.encode(), size))
     w.flush() */
  FILE *w;
  check(ns_makefile(conn, "wb", &w));
  fprintf(w, "FILE %s %lld\n", name, (long long)st.st_size);
  if (fflush(w) != 0) {
    perror("flush");
    return EXIT_FAILURE;
  }

  /* sent = conn.sendfile(f)
     print('sendfile() sent %d bytes' % sent) */
  size_t sent;
  check(ns_sendfile(conn, fileno(f), 0, 0, &sent));
  printf("sendfile() sent %zu bytes\n", sent);

  /* w.close(); conn.close(); server.close(); f.close()
     fclose() closes the stream's own duplicate of the descriptor; the
     connection ends when ns_close() closes the socket itself. */
  fclose(w);
  check(ns_close(conn));
  check(ns_close(server));
  fclose(f);
  return EXIT_SUCCESS;
}

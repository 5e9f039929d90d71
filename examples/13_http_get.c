/* SPDX-License-Identifier: MIT */
/*
 * <DESC> An HTTP/1.0 GET: create_connection with a timeout, makefile </DESC>
 *
 * Teaches the usual shape of a client: one call connects with a timeout
 * (Python's create_connection(address, timeout)), the request goes out
 * with sendall, and the response is read as a stream through makefile():
 * a status line, header lines up to a blank one, then the body to the
 * end. Any HTTP/1.0 server answers it; the test uses
 * `python3 -m http.server`. The Python this translates is quoted in the
 * comments (tests/interop/example13_http_get.py runs it).
 *
 * Run:  13_http_get [HOST [PORT [PATH]]]   (default 127.0.0.1 8000 /)
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

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

/* line.rstrip('\r\n') */
static char *rstrip_crlf(char *line)
{
  size_t n = strlen(line);
  while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == '\n'))
    line[--n] = '\0';
  return line;
}

/* value.strip() */
static char *strip(char *s)
{
  while (isspace((unsigned char)*s))
    s++;
  size_t n = strlen(s);
  while (n > 0 && isspace((unsigned char)s[n - 1]))
    s[--n] = '\0';
  return s;
}

int main(int argc, char **argv)
{
  const char *host = argc > 1 ? argv[1] : "127.0.0.1";
  int port = argc > 2 ? atoi(argv[2]) : 8000;
  const char *path = argc > 3 ? argv[3] : "/";

  /* sock = socket.create_connection((host, port), timeout=5) */
  ns_socket *sock;
  check(ns_create_connection_timeout(&sock, host, port, 5.0));
  /* request = 'GET %s HTTP/1.0\r\nHost: %s\r\n\r\n' % (path, host)
     sock.sendall(request.encode('ascii')) */
  char request[1024];
  int len = snprintf(request, sizeof request,
                     "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n", path, host);
  if (len < 0 || (size_t)len >= sizeof request) {
    fprintf(stderr, "ValueError: path too long\n");
    return EXIT_FAILURE;
  }
  check(ns_sendall(sock, request, (size_t)len, 0, NULL));
  /* f = sock.makefile('rb') */
  FILE *f;
  check(ns_makefile(sock, "rb", &f));

  /* status = f.readline().decode('latin-1').rstrip('\r\n')
     print('Status:', status) */
  char *line = NULL;
  size_t cap = 0;
  if (getline(&line, &cap, f) < 0) {
    fprintf(stderr, "no status line\n");
    return EXIT_FAILURE;
  }
  printf("Status: %s\n", rstrip_crlf(line));

  /* headers = {}
     while True:
         line = f.readline().decode('latin-1').rstrip('\r\n')
         if not line:
             break
         name, _, value = line.partition(':')
         headers[name.strip().lower()] = value.strip() */
  char content_type[256] = "None", content_length[32] = "None";
  while (getline(&line, &cap, f) > 0 && rstrip_crlf(line)[0]) {
    char *colon = strchr(line, ':');
    char *value = colon ? strip(colon + 1) : "";
    if (colon)
      *colon = '\0';
    const char *name = strip(line);
    if (strcasecmp(name, "content-type") == 0)
      snprintf(content_type, sizeof content_type, "%s", value);
    else if (strcasecmp(name, "content-length") == 0)
      snprintf(content_length, sizeof content_length, "%s", value);
  }
  /* print('Content-Type:', headers.get('content-type'))
     print('Content-Length:', headers.get('content-length')) */
  printf("Content-Type: %s\n", content_type);
  printf("Content-Length: %s\n", content_length);

  /* body = f.read() */
  char *body = NULL;
  size_t body_len = 0, body_cap = 0, n;
  do {
    if (body_len == body_cap) {
      body_cap = body_cap ? 2 * body_cap : 4096;
      char *grown = realloc(body, body_cap);
      if (!grown) {
        fprintf(stderr, "MemoryError\n");
        return EXIT_FAILURE;
      }
      body = grown;
    }
    n = fread(body + body_len, 1, body_cap - body_len, f);
    body_len += n;
  } while (n > 0);
  if (ferror(f)) {
    ns_error_print("read");
    return EXIT_FAILURE;
  }
  /* print('Body: %d bytes' % len(body))
     print(body.decode('utf-8'), end='') */
  printf("Body: %zu bytes\n", body_len);
  fwrite(body, 1, body_len, stdout);

  /* f.close()
     sock.close() */
  free(body);
  free(line);
  fclose(f);
  check(ns_close(sock));
  return EXIT_SUCCESS;
}

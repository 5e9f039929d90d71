/* SPDX-License-Identifier: MIT */
/*
 * TLS benchmark: libnetsock-tls against its raw OpenSSL twin (SSL_set_fd,
 * SSL_connect, SSL_write/SSL_read on a bare descriptor), measured in one
 * alternating run against the same raw OpenSSL server, and the heap
 * allocations each twin makes per I/O call.
 *
 *   bench_tls server CERT_DIR          serve; prints "listening on PORT"
 *   bench_tls client PORT CA_FILE [ROUNDS [MIB [HANDSHAKES]]]
 *   bench_tls smoke                    a small run of everything, for CTest
 *
 * Each client round runs the raw twin then the netsock one (alternating),
 * for the bulk case (MIB MiB in 16 KiB writes, then the server's 1-byte
 * acknowledgement of the last byte) and the handshake case (connect, TLS 1.3
 * handshake, read the server's 1 byte, close), and the sendfile case (a
 * file of MIB MiB sent with kernel TLS allowed: the raw twin with
 * SSL_sendfile when OpenSSL's socket BIO has the send side in the kernel,
 * else pread and SSL_write; libnetsock-tls with ns_tls_sendfile; the path
 * each took is printed). It prints CSV rows and the medians:
 * case,impl,round,value,unit bench/tls/bench_tls.py is the Python ssl
 * client of the same cases.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <netsock/netsock.h>
#include <netsock/tls.h>

#include "certs.h"

/* ---- heap allocations, counted for the whole process -------------------- */

/* A sanitizer brings its own allocator: then nothing is counted (and the
   count is reported as 0 for both twins). */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BENCH_NO_COUNT 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||    \
    __has_feature(memory_sanitizer)
#define BENCH_NO_COUNT 1
#endif
#endif

static unsigned long allocations;

#ifndef BENCH_NO_COUNT
extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);

void *malloc(size_t n)
{
  allocations++;
  return __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
  allocations++;
  return __libc_calloc(n, size);
}

void *realloc(void *p, size_t n)
{
  allocations++;
  return __libc_realloc(p, n);
}

void free(void *p)
{
  __libc_free(p);
}
#endif

/* ---- common ---------------------------------------------------------------
 */

enum { CHUNK = 16384 };
static char chunk[CHUNK];

static double now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

__attribute__((noreturn)) static void die(const char *what)
{
  fprintf(stderr, "bench_tls: %s", what);
  if (ns_error_last_code())
    fprintf(stderr, ": %s", ns_error_last_message());
  fprintf(stderr, "\n");
  ERR_print_errors_fp(stderr);
  exit(1);
}

static int tcp_connect(int port)
{
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0)
    die("connect");
  return fd;
}

/* ---- the server: raw OpenSSL, the same for both twins ------------------ */

/* Read exactly n bytes; 0 on success. */
static int read_exact(SSL *ssl, char *buf, size_t n)
{
  for (size_t got = 0, k; got < n; got += k)
    if (SSL_read_ex(ssl, buf + got, n - got, &k) != 1)
      return -1;
  return 0;
}

/* The client's first message: 'H' (handshake: answer 1 byte at once) or
   'B' and an 8-byte count (bulk: read that many bytes, answer 1 byte). */
static void serve_one(SSL_CTX *ctx, int fd)
{
  SSL *ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  char buf[CHUNK];
  if (SSL_accept(ssl) == 1 && read_exact(ssl, buf, 9) == 0) {
    uint64_t left = 0;
    memcpy(&left, buf + 1, 8);
    bool bulk = buf[0] == 'B';
    size_t k;
    while (bulk && left > 0 &&
           SSL_read_ex(ssl, buf, left < CHUNK ? left : CHUNK, &k) == 1)
      left -= k;
    SSL_write(ssl, "k", 1);
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  close(fd);
}

__attribute__((noreturn)) static void serve(const char *dir, int announce_fd)
{
  char cert[512], key[512];
  snprintf(cert, sizeof cert, "%s/server.pem", dir);
  snprintf(key, sizeof key, "%s/server.key", dir);
  SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
  if (!ctx || SSL_CTX_use_certificate_chain_file(ctx, cert) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1)
    die("server context");
  signal(SIGPIPE, SIG_IGN);
  signal(SIGCHLD, SIG_IGN);
  int lst = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  struct sockaddr_in sa = {.sin_family = AF_INET};
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof sa;
  if (bind(lst, (struct sockaddr *)&sa, sizeof sa) || listen(lst, 128) ||
      getsockname(lst, (struct sockaddr *)&sa, &len))
    die("listen");
  dprintf(announce_fd, "listening on %d\n", ntohs(sa.sin_port));
  for (;;) {
    int fd = accept(lst, NULL, NULL);
    if (fd < 0)
      continue;
    /* One connection at a time: the client runs one at a time too. */
    serve_one(ctx, fd);
  }
}

/* ---- the raw twin ----------------------------------------------------------
 */

static SSL_CTX *raw_ctx(const char *cafile)
{
  SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
  if (!ctx || !SSL_CTX_load_verify_locations(ctx, cafile, NULL))
    die("raw context");
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  return ctx;
}

/* The first message: the case and, for bulk, the byte count. */
static void first_message(char *msg, char kind, uint64_t bytes)
{
  msg[0] = kind;
  memcpy(msg + 1, &bytes, 8);
}

static SSL *raw_open(SSL_CTX *ctx, int port, char kind, uint64_t bytes)
{
  char first[9];
  first_message(first, kind, bytes);
  int fd = tcp_connect(port);
  SSL *ssl = SSL_new(ctx);
  SSL_set_fd(ssl, fd);
  SSL_set_tlsext_host_name(ssl, "localhost");
  SSL_set1_host(ssl, "localhost");
  if (SSL_connect(ssl) != 1 || SSL_write(ssl, first, 9) != 9)
    die("raw handshake");
  return ssl;
}

static void raw_close(SSL *ssl)
{
  int fd = SSL_get_fd(ssl);
  SSL_free(ssl);
  close(fd);
}

static double raw_bulk(SSL_CTX *ctx, int port, size_t bytes,
                       unsigned long *allocs)
{
  SSL *ssl = raw_open(ctx, port, 'B', bytes);
  double t0 = now();
  unsigned long a0 = allocations;
  for (size_t sent = 0; sent < bytes; sent += CHUNK)
    if (SSL_write(ssl, chunk, CHUNK) != CHUNK)
      die("raw write");
  *allocs = allocations - a0;
  char k;
  if (SSL_read(ssl, &k, 1) != 1)
    die("raw ack");
  double t = now() - t0;
  raw_close(ssl);
  return (double)bytes / t / 1e9;
}

/* sendfile with kernel TLS allowed (ctx has SSL_OP_ENABLE_KTLS); `ktls`
   gets whether the kernel encrypted. */
static double raw_sendfile(SSL_CTX *ctx, int port, int fd, size_t bytes,
                           bool *ktls)
{
  SSL *ssl = raw_open(ctx, port, 'B', bytes);
  double t0 = now();
  *ktls = BIO_get_ktls_send(SSL_get_wbio(ssl));
  for (size_t sent = 0; sent < bytes;) {
    if (*ktls) {
      ossl_ssize_t n = SSL_sendfile(ssl, fd, (off_t)sent, bytes - sent, 0);
      if (n <= 0)
        die("raw SSL_sendfile");
      sent += (size_t)n;
    } else {
      ssize_t n = pread(fd, chunk, CHUNK, (off_t)sent);
      if (n <= 0 || SSL_write(ssl, chunk, (int)n) != (int)n)
        die("raw pread/write");
      sent += (size_t)n;
    }
  }
  char k;
  if (SSL_read(ssl, &k, 1) != 1)
    die("raw ack");
  double t = now() - t0;
  raw_close(ssl);
  return (double)bytes / t / 1e9;
}

static void raw_handshake(SSL_CTX *ctx, int port)
{
  SSL *ssl = raw_open(ctx, port, 'H', 0);
  char k;
  if (SSL_read(ssl, &k, 1) != 1)
    die("raw read");
  raw_close(ssl);
}

/* ---- the libnetsock-tls twin -----------------------------------------------
 */

static ns_tls_context *ns_ctx(const char *cafile)
{
  ns_tls_context *ctx;
  if (ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_CLIENT) ||
      ns_tls_context_load_verify_locations(ctx, cafile, NULL))
    die("netsock context");
  return ctx;
}

static ns_tls *ns_open(ns_tls_context *ctx, int port, char kind, uint64_t bytes)
{
  char first[9];
  first_message(first, kind, bytes);
  ns_socket *s;
  ns_tls *t;
  if (ns_fromfd(&s, tcp_connect(port)) ||
      ns_tls_wrap_socket(&t, ctx, s, 0, "localhost") ||
      ns_tls_sendall(t, first, 9, NULL))
    die("netsock handshake");
  return t;
}

static double ns_bulk(ns_tls_context *ctx, int port, size_t bytes,
                      unsigned long *allocs)
{
  ns_tls *t = ns_open(ctx, port, 'B', bytes);
  double t0 = now();
  unsigned long a0 = allocations;
  for (size_t sent = 0; sent < bytes; sent += CHUNK)
    if (ns_tls_sendall(t, chunk, CHUNK, NULL))
      die("netsock write");
  *allocs = allocations - a0;
  char k;
  size_t n;
  if (ns_tls_recv(t, &k, 1, &n) || n != 1)
    die("netsock ack");
  double t1 = now() - t0;
  ns_tls_close(t);
  return (double)bytes / t1 / 1e9;
}

static double ns_sendfile_case(ns_tls_context *ctx, int port, int fd,
                               size_t bytes, bool *ktls)
{
  ns_tls *t = ns_open(ctx, port, 'B', bytes);
  double t0 = now();
  *ktls = ns_tls_ktls_send(t);
  size_t sent;
  if (ns_tls_sendfile(t, fd, 0, bytes, &sent) || sent != bytes)
    die("netsock sendfile");
  char k;
  size_t n;
  if (ns_tls_recv(t, &k, 1, &n) || n != 1)
    die("netsock ack");
  double t1 = now() - t0;
  ns_tls_close(t);
  return (double)bytes / t1 / 1e9;
}

static void ns_handshake(ns_tls_context *ctx, int port)
{
  ns_tls *t = ns_open(ctx, port, 'H', 0);
  char k;
  size_t n;
  if (ns_tls_recv(t, &k, 1, &n) || n != 1)
    die("netsock read");
  ns_tls_close(t);
}

/* ---- the client: both twins, alternating -----------------------------------
 */

static int by_value(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
  qsort(v, (size_t)n, sizeof *v, by_value);
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* An unlinked file of `bytes` bytes for the sendfile case. */
static int bench_file(size_t bytes)
{
  char path[] = "/tmp/netsock-bench-tls-file.XXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    die("mkstemp");
  unlink(path);
  for (size_t done = 0; done < bytes; done += CHUNK)
    if (write(fd, chunk, CHUNK) != CHUNK)
      die("write the file");
  return fd;
}

static int client(int port, const char *cafile, int rounds, int mib,
                  int handshakes)
{
  SSL_CTX *raw = raw_ctx(cafile);
  ns_tls_context *ns = ns_ctx(cafile);
  /* The sendfile case's contexts: kernel TLS allowed. */
  SSL_CTX *raw_k = raw_ctx(cafile);
  SSL_CTX_set_options(raw_k, SSL_OP_ENABLE_KTLS);
  ns_tls_context *ns_k = ns_ctx(cafile);
  if (ns_tls_context_set_ktls(ns_k, true))
    die("netsock kernel TLS");
  size_t bytes = (size_t)mib << 20;
  int file = bench_file(bytes);
  bool ktls[2] = {false, false};
  double *bulk[2], *hs[2], *sf[2];
  for (int i = 0; i < 2; i++) {
    bulk[i] = calloc((size_t)rounds, sizeof(double));
    hs[i] = calloc((size_t)rounds, sizeof(double));
    sf[i] = calloc((size_t)rounds, sizeof(double));
  }
  unsigned long allocs[2] = {0, 0};
  printf("case,impl,round,value,unit\n");
  for (int r = 0; r < rounds; r++) {
    unsigned long a;
    /* Alternate which twin goes first, so that neither gains from it. */
    for (int k = 0; k < 2; k++) {
      if ((k + r) % 2 == 0) {
        bulk[0][r] = raw_bulk(raw, port, bytes, &a);
        allocs[0] += a;
      } else {
        bulk[1][r] = ns_bulk(ns, port, bytes, &a);
        allocs[1] += a;
      }
    }
    printf("bulk,raw,%d,%.3f,GB/s\nbulk,netsock,%d,%.3f,GB/s\n", r, bulk[0][r],
           r, bulk[1][r]);
    for (int k = 0; k < 2; k++) {
      bool raw_turn = (k + r) % 2 == 0;
      double t0 = now();
      for (int i = 0; i < handshakes; i++) {
        if (raw_turn)
          raw_handshake(raw, port);
        else
          ns_handshake(ns, port);
      }
      hs[raw_turn ? 0 : 1][r] = handshakes / (now() - t0);
    }
    printf("handshake,raw,%d,%.1f,/s\nhandshake,netsock,%d,%.1f,/s\n", r,
           hs[0][r], r, hs[1][r]);
    for (int k = 0; k < 2; k++) {
      if ((k + r) % 2 == 0)
        sf[0][r] = raw_sendfile(raw_k, port, file, bytes, &ktls[0]);
      else
        sf[1][r] = ns_sendfile_case(ns_k, port, file, bytes, &ktls[1]);
    }
    printf("sendfile-%s,raw,%d,%.3f,GB/s\nsendfile-%s,netsock,%d,%.3f,GB/s\n",
           ktls[0] ? "ktls" : "copy", r, sf[0][r], ktls[1] ? "ktls" : "copy", r,
           sf[1][r]);
    fflush(stdout);
  }
  double writes = (double)rounds * (double)(bytes / CHUNK);
  double b0 = median(bulk[0], rounds), b1 = median(bulk[1], rounds);
  double h0 = median(hs[0], rounds), h1 = median(hs[1], rounds);
  printf("# median bulk: raw %.3f GB/s, netsock %.3f GB/s, ratio %.3f\n", b0,
         b1, b1 / b0);
  printf("# median handshakes: raw %.1f/s, netsock %.1f/s, ratio %.3f\n", h0,
         h1, h1 / h0);
  printf("# heap allocations per 16 KiB write: raw %.3f, netsock %.3f\n",
         allocs[0] / writes, allocs[1] / writes);
  double s0 = median(sf[0], rounds), s1 = median(sf[1], rounds);
  printf("# median sendfile: raw %.3f GB/s (%s), netsock %.3f GB/s (%s), "
         "ratio %.3f\n",
         s0,
         ktls[0] ? "kernel TLS, SSL_sendfile"
                 : "no kernel TLS: pread+SSL_write",
         s1, ktls[1] ? "kernel TLS, sendfile(2)" : "no kernel TLS: copy path",
         s1 / s0);
  for (int i = 0; i < 2; i++) {
    free(bulk[i]);
    free(hs[i]);
    free(sf[i]);
  }
  close(file);
  SSL_CTX_free(raw);
  SSL_CTX_free(raw_k);
  ns_tls_context_close(ns);
  ns_tls_context_close(ns_k);
  return allocs[1] > allocs[0] ? 2 : 0;
}

/* Start the server in a child; return its port. */
static int start_server(const char *dir, pid_t *pid)
{
  int p[2];
  if (pipe(p))
    die("pipe");
  if ((*pid = fork()) == 0) {
    close(p[0]);
    serve(dir, p[1]);
  }
  close(p[1]);
  char line[64] = "";
  FILE *f = fdopen(p[0], "r");
  int port = 0;
  if (!fgets(line, sizeof line, f) ||
      sscanf(line, "listening on %d", &port) != 1)
    die("server start");
  fclose(f);
  return port;
}

int main(int argc, char **argv)
{
  memset(chunk, 'x', sizeof chunk);
  if (argc >= 3 && strcmp(argv[1], "server") == 0)
    serve(argv[2], 1);
  if (argc >= 4 && strcmp(argv[1], "client") == 0)
    return client(atoi(argv[2]), argv[3], argc > 4 ? atoi(argv[4]) : 11,
                  argc > 5 ? atoi(argv[5]) : 256,
                  argc > 6 ? atoi(argv[6]) : 200);
  if (argc == 2 && strcmp(argv[1], "smoke") == 0) {
    char dir[] = "/tmp/netsock-bench-tls.XXXXXX";
    if (!mkdtemp(dir) || tls_test_make_certs(dir))
      die("certificates");
    pid_t pid;
    int port = start_server(dir, &pid);
    char ca[128];
    snprintf(ca, sizeof ca, "%s/ca.pem", dir);
    int rc = client(port, ca, 1, 4, 5);
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
      rc = 1;
    return rc;
  }
  fprintf(stderr, "usage: bench_tls server CERT_DIR | client PORT CA_FILE "
                  "[ROUNDS [MIB [HANDSHAKES]]] | smoke\n");
  return 2;
}

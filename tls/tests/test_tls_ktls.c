/* SPDX-License-Identifier: MIT */
/*
 * Kernel TLS: the context setting, sendfile through the user-space
 * fallback where the kernel has no TLS (every byte checked by the peer,
 * at offsets and counts at the file's edges, and under a timeout), and
 * sendfile(2) with the kernel encrypting where it has.
 */
#include "tls_test.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/opensslconf.h>

#ifndef TCP_ULP
#define TCP_ULP 31
#endif

/*
 * Whether the kernel can put TLS on a TCP socket: the "tls" upper layer
 * attached to a connected loopback socket (which loads the module where
 * it can be loaded). Returns NULL when it can, or why not.
 */
static const char *kernel_tls_missing(void)
{
  static char why[160];
  ns_socket *a, *b;
  ns_test_tcp_pair(AF_INET, &a, &b);
  int r = setsockopt(ns_fileno(a), IPPROTO_TCP, TCP_ULP, "tls", 4);
  int e = errno;
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
  if (r == 0)
    return NULL;
  snprintf(why, sizeof why,
           "the kernel has no TLS (setsockopt TCP_ULP \"tls\": %s)",
           strerror(e));
  return why;
}

/* A client context trusting the test CA, with kernel TLS allowed. */
static ns_tls_context *ktls_client_ctx(void)
{
  ns_tls_context *ctx = tls_test_client_ctx();
  assert_ns_ok(ns_tls_context_set_ktls(ctx, true));
  return ctx;
}

/* An unlinked temporary file of `size` bytes of tls_test_pattern(). */
static int pattern_file(size_t size)
{
  char path[] = "/tmp/netsock-tls-ktls.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  unsigned char buf[4096];
  for (size_t done = 0; done < size;) {
    size_t n = size - done < sizeof buf ? size - done : sizeof buf;
    for (size_t i = 0; i < n; i++)
      buf[i] = tls_test_pattern(done + i);
    assert_int_equal(write(fd, buf, n), (ssize_t)n);
    done += n;
  }
  return fd;
}

static void test_tls_ktls__context_setting(void **state)
{
  (void)state;
  ns_tls_context *client, *server;
  assert_ns_ok(
      ns_tls_create_default_context(&client, NS_TLS_PURPOSE_SERVER_AUTH));
  assert_ns_ok(ns_tls_context_create(&server, NS_TLS_PROTOCOL_SERVER));
  /* Off unless asked for, as in Python. */
  assert_false(ns_tls_context_ktls(client));
  assert_false(ns_tls_context_ktls(server));
  assert_ns_ok(ns_tls_context_set_ktls(server, true));
  assert_true(ns_tls_context_ktls(server));
  assert_ns_ok(ns_tls_context_set_ktls(server, false));
  assert_false(ns_tls_context_ktls(server));
  assert_tls_error(ns_tls_context_set_ktls(NULL, true), NS_ERR_VALUE,
                   "context must not be NULL");
  assert_false(ns_tls_context_ktls(NULL));
  assert_false(ns_tls_ktls_send(NULL));
  ns_tls_context_close(client);
  ns_tls_context_close(server);
}

/* A context without kernel TLS never gets it, whatever the kernel has. */
static void test_tls_ktls__off_by_default(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_ECHO};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"));
  assert_false(ns_tls_ktls_send(t));
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

enum { FILE_SIZE = 100000 };

/*
 * Pieces of a file sent in turn: offsets and counts at the edges. The
 * pieces join up into the whole file once, which the peer checks byte by
 * byte; `sent` and the file position are checked after each.
 */
static void send_in_pieces(ns_tls *t, int fd)
{
  struct {
    int64_t offset;
    size_t count, expect;
  } steps[] = {
      {0, 1, 1},
      {1, 16383, 16383},
      {16384, 16385, 16385},
      {32769, FILE_SIZE - 32769 - 10, FILE_SIZE - 32769 - 10},
      /* Past what is left: only the rest. */
      {FILE_SIZE - 10, 1000, 10},
      /* At and beyond the end: nothing. */
      {FILE_SIZE, 0, 0},
      {FILE_SIZE + 5, 7, 0},
  };
  for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
    size_t sent = 12345;
    assert_ns_ok(
        ns_tls_sendfile(t, fd, steps[i].offset, steps[i].count, &sent));
    assert_int_equal(sent, steps[i].expect);
    assert_int_equal(lseek(fd, 0, SEEK_CUR),
                     steps[i].offset + (int64_t)steps[i].expect);
  }
}

/* Where the kernel has no TLS: the connection stays in user space and
   sendfile sends exactly the bytes asked for. */
static void test_tls_ktls__fallback_sends_exactly(void **state)
{
  (void)state;
  const char *missing = kernel_tls_missing();
  if (!missing) {
    print_message("[  SKIP    ] the kernel has TLS: "
                  "test_tls_ktls__kernel_sendfile covers it\n");
    skip();
  }
  int fd = pattern_file(FILE_SIZE);
  struct tls_test_server_conf conf = {.mode = SERVE_SILENT_TLS,
                                      .expect_bytes = FILE_SIZE};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = ktls_client_ctx();
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"));
  assert_false(ns_tls_ktls_send(t)); /* the fallback */
  assert_ns_ok(ns_settimeout(sock, ns_test_slack(30)));
  send_in_pieces(t, fd);
  assert_false(ns_tls_ktls_send(t));
  assert_ns_ok(ns_tls_shutdown(t, SHUT_WR));
  ns_test_child_succeeds(pid); /* the peer checked every byte */
  close(fd);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
}

/* A peer that reads nothing: sendfile ends at the socket's timeout, the
   file's position after what was sent. */
static void test_tls_ktls__sendfile_timeout(void **state)
{
  (void)state;
  char path[] = "/tmp/netsock-tls-ktls.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  enum { SIZE = 64 << 20 }; /* sparse: far beyond the socket buffers */
  assert_int_equal(ftruncate(fd, SIZE), 0);
  struct tls_test_server_conf conf = {.mode = SERVE_STALL_TLS};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = ktls_client_ctx();
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"));
  assert_ns_ok(ns_settimeout(sock, 0.2));
  /* Blocking with the kernel-timer engine, O_NONBLOCK with the poll one. */
  int mode = fcntl(ns_fileno(sock), F_GETFL) & O_NONBLOCK;
  size_t sent = 0;
  double start = ns_test_now();
  assert_tls_error(ns_tls_sendfile(t, fd, 100, 0, &sent), NS_ERR_TIMEOUT,
                   "The write operation timed out");
  double elapsed = ns_test_now() - start;
  assert_true(sent > 0 && sent < SIZE - 100);
  assert_int_equal(lseek(fd, 0, SEEK_CUR), 100 + (int64_t)sent);
  assert_true(elapsed >= 0.2);
  assert_true(elapsed < ns_test_slack(0.2 + 1.0));
  /* The socket is as blocking as before (kernel TLS sets O_NONBLOCK for
     the length of the call). */
  assert_int_equal(fcntl(ns_fileno(sock), F_GETFL) & O_NONBLOCK, mode);
  close(fd);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

/* Where the kernel has TLS: the send side goes to it after the handshake,
   sendfile(2) sends the file, the peer decrypts every byte, and the
   connection cannot be unwrapped. */
static void test_tls_ktls__kernel_sendfile(void **state)
{
  (void)state;
#ifdef OPENSSL_NO_KTLS
  print_message("[  SKIP    ] this OpenSSL is built without kernel TLS "
                "(OPENSSL_NO_KTLS)\n");
  skip();
#endif
  const char *missing = kernel_tls_missing();
  if (missing) {
    print_message("[  SKIP    ] %s\n", missing);
    skip();
  }
  int fd = pattern_file(FILE_SIZE);
  /* AES-GCM, which every kernel with TLS supports, in TLS 1.2 and 1.3. */
  for (int v = 0; v < 2; v++) {
    struct tls_test_server_conf conf = {.mode = SERVE_SILENT_TLS,
                                        .expect_bytes = FILE_SIZE};
    ns_socket *sock;
    int pid = tls_test_connect(&conf, &sock);
    ns_tls_context *ctx = ktls_client_ctx();
    int version = v ? NS_TLS_VERSION_TLSv1_3 : NS_TLS_VERSION_TLSv1_2;
    assert_ns_ok(ns_tls_context_set_maximum_version(ctx, version));
    assert_ns_ok(ns_tls_context_set_ciphers(ctx, "ECDHE+AESGCM"));
    ns_tls *t;
    assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"));
    assert_true(ns_tls_ktls_send(t));
    assert_ns_ok(ns_settimeout(sock, ns_test_slack(30)));
    send_in_pieces(t, fd);
    ns_socket *plain = NULL;
    assert_tls_error(ns_tls_unwrap(t, &plain), NS_ERR_VALUE,
                     "cannot unwrap a connection whose sends the kernel "
                     "encrypts (kernel TLS)");
    assert_null(plain);
    assert_ns_ok(ns_tls_shutdown(t, SHUT_WR));
    ns_test_child_succeeds(pid);
    ns_tls_context_close(ctx);
    assert_ns_ok(ns_tls_close(t));
  }
  close(fd);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_tls_ktls__context_setting),
      NS_TEST(test_tls_ktls__off_by_default),
      NS_TEST(test_tls_ktls__fallback_sends_exactly),
      NS_TEST(test_tls_ktls__sendfile_timeout),
      NS_TEST(test_tls_ktls__kernel_sendfile),
  };
  tls_test_dir();
  return cmocka_run_group_tests_name("tls_ktls", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
#include "tls_test.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "certs.h"

static char dir[256];
static pid_t owner;

static void remove_dir(void)
{
  if (dir[0] && getpid() == owner)
    ns_test_remove_dir(dir);
}

const char *tls_test_dir(void)
{
  if (dir[0])
    return dir;
  const char *tmp = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/netsock-tls.XXXXXX", tmp ? tmp : "/tmp");
  if (!mkdtemp(dir) || tls_test_make_certs(dir) != 0) {
    fprintf(stderr, "cannot make the test certificates in %s\n", dir);
    abort();
  }
  owner = getpid();
  atexit(remove_dir);
  return dir;
}

const char *tls_test_path(const char *name)
{
  static char paths[8][512];
  static unsigned next;
  char *p = paths[next++ % 8];
  snprintf(p, sizeof paths[0], "%s/%s", tls_test_dir(), name);
  return p;
}

ns_tls_context *tls_test_client_ctx(void)
{
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_CLIENT));
  assert_ns_ok(
      ns_tls_context_load_verify_locations(ctx, tls_test_path("ca.pem"), NULL));
  return ctx;
}

ns_tls_context *tls_test_server_ctx(const char *name)
{
  char cert[64], key[64];
  snprintf(cert, sizeof cert, "%s.pem", name);
  snprintf(key, sizeof key, "%s.key", name);
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_SERVER));
  const char *c = tls_test_path(cert);
  const char *k = tls_test_path(key);
  assert_ns_ok(ns_tls_context_load_cert_chain(ctx, c, k, NULL, NULL));
  return ctx;
}

int tls_test_fork_peer(ns_socket *own_sock, ns_socket *peer_sock,
                       tls_peer_fn peer, void *arg)
{
  tls_test_dir(); /* made before the fork: both sides see it */
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    ns_close(own_sock);
    _exit(peer(peer_sock, arg));
  }
  assert_ns_ok(ns_close(peer_sock));
  return pid;
}

int tls_test_child_status(int pid)
{
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* In a child, report what failed and exit non-zero. */
static int child_fail(const char *what)
{
  fprintf(stderr, "peer: %s: %s: %s\n", what,
          ns_error_name(ns_error_last_code()), ns_error_last_message());
  return 1;
}

/* Read until the peer closes or fails: how a silent peer waits. */
static void drain_raw(ns_socket *sock)
{
  char buf[4096];
  size_t n;
  while (ns_recv(sock, buf, sizeof buf, 0, &n) == NS_OK && n > 0)
    ;
}

static ns_tls_context *server_ctx_of(const struct tls_test_server_conf *c)
{
  char cert[512], key[512];
  const char *name = c->cert ? c->cert : "server";
  snprintf(cert, sizeof cert, "%s/%s.pem", tls_test_dir(), name);
  snprintf(key, sizeof key, "%s/%s.key", tls_test_dir(), name);
  ns_tls_context *ctx;
  if (ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_SERVER) ||
      ns_tls_context_load_cert_chain(ctx, cert, key, NULL, NULL) ||
      (c->ciphers && ns_tls_context_set_ciphers(ctx, c->ciphers)) ||
      (c->min_version &&
       ns_tls_context_set_minimum_version(ctx, c->min_version)) ||
      (c->max_version &&
       ns_tls_context_set_maximum_version(ctx, c->max_version)) ||
      (c->alpn && ns_tls_context_set_alpn_protocols(ctx, &c->alpn, 1)))
    return NULL;
  if (c->require_client_cert) {
    snprintf(cert, sizeof cert, "%s/ca.pem", tls_test_dir());
    if (ns_tls_context_load_verify_locations(ctx, cert, NULL) ||
        ns_tls_context_set_verify_mode(ctx, NS_TLS_CERT_REQUIRED))
      return NULL;
  }
  return ctx;
}

int tls_test_server(ns_socket *sock, void *arg)
{
  const struct tls_test_server_conf *c = arg;
  switch (c->mode) {
  case SERVE_SILENT_RAW:
    drain_raw(sock);
    ns_close(sock);
    return 0;
  case SERVE_CLOSE_EARLY:
  case SERVE_CLOSE_AFTER_HELLO: {
    char buf[4096];
    size_t n;
    ns_recv(sock, buf, c->mode == SERVE_CLOSE_EARLY ? 16 : sizeof buf, 0, &n);
    ns_close(sock);
    return 0;
  }
  case SERVE_PLAINTEXT: {
    static const char reply[] = "HTTP/1.0 200 OK\r\n\r\nhello hello hello";
    ns_sendall(sock, reply, sizeof reply - 1, 0, NULL);
    drain_raw(sock);
    ns_close(sock);
    return 0;
  }
  default:
    break;
  }
  ns_tls_context *ctx = server_ctx_of(c);
  if (!ctx)
    return child_fail("server context");
  ns_tls *t;
  ns_err err = ns_tls_wrap_socket(&t, ctx, sock, NS_TLS_SERVER_SIDE, NULL);
  ns_tls_context_close(ctx);
  if (err) {
    /* The client judges the failed handshake; wait for it to close. */
    drain_raw(sock);
    ns_close(sock);
    return 0;
  }
  char buf[16384];
  size_t n;
  switch (c->mode) {
  case SERVE_SILENT_TLS: {
    size_t total = 0;
    while (ns_tls_recv(t, buf, sizeof buf, &n) == NS_OK && n > 0) {
      for (size_t i = 0; c->expect_bytes && i < n; i++)
        if ((unsigned char)buf[i] != tls_test_pattern(total + i))
          return child_fail("bulk data corrupted");
      total += n;
    }
    if (c->expect_bytes && total != c->expect_bytes) {
      fprintf(stderr, "peer: %zu bytes, not %zu\n", total, c->expect_bytes);
      return 1;
    }
    break;
  }
  case SERVE_STALL_TLS: {
    /* Wait for the client to hang up, reading nothing meanwhile, so that
       its writes fill the buffers (POLLRDHUP comes with unread data). */
    struct pollfd p = {ns_fileno(sock), POLLRDHUP, 0};
    while (poll(&p, 1, -1) < 0 && errno == EINTR)
      ;
    break;
  }
  case SERVE_RAGGED:
    if (ns_tls_sendall(t, "bye", 3, NULL))
      return child_fail("sendall");
    break;
  case SERVE_UNWRAP: {
    ns_socket *plain;
    if (ns_tls_recv(t, buf, sizeof buf, &n) || n == 0 ||
        ns_tls_sendall(t, buf, n, NULL))
      return child_fail("echo");
    if (ns_tls_unwrap(t, &plain))
      return child_fail("unwrap");
    int rc = ns_sendall(plain, "plain", 5, 0, NULL) ? 1 : 0;
    drain_raw(plain);
    ns_close(plain);
    return rc;
  }
  default: /* SERVE_ECHO */
    for (;;) {
      ns_err err = ns_tls_recv(t, buf, sizeof buf, &n);
      /* A client that closes without reading the session tickets of TLS
         1.3 resets the connection: that is its way of ending too. */
      if (err == NS_ERR_CONNECTION_RESET)
        break;
      if (err)
        return child_fail("recv");
      if (n == 0)
        break;
      if (ns_tls_sendall(t, buf, n, NULL))
        return child_fail("sendall");
    }
    break;
  }
  ns_tls_close(t);
  return 0;
}

int tls_test_connect(const struct tls_test_server_conf *conf,
                     ns_socket **client)
{
  ns_socket *server;
  ns_test_tcp_pair(AF_INET, client, &server);
  return tls_test_fork_peer(*client, server, tls_test_server, (void *)conf);
}

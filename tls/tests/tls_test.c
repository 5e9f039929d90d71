/* SPDX-License-Identifier: MIT */
#include "tls_test.h"

#include <dirent.h>
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
  if (!dir[0] || getpid() != owner)
    return;
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    char path[512];
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
    closedir(d);
  }
  rmdir(dir);
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
  assert_ns_ok(ns_tls_context_load_verify_locations(
      ctx, tls_test_path("ca.pem"), NULL));
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

int tls_test_echo_server(ns_socket *sock, void *arg)
{
  const char *name = arg ? arg : "server";
  char cert[512], key[512];
  snprintf(cert, sizeof cert, "%s/%s.pem", tls_test_dir(), name);
  snprintf(key, sizeof key, "%s/%s.key", tls_test_dir(), name);
  ns_tls_context *ctx;
  if (ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_SERVER) ||
      ns_tls_context_load_cert_chain(ctx, cert, key, NULL, NULL))
    return child_fail("server context");
  ns_tls *t;
  if (ns_tls_wrap_socket(&t, ctx, sock, NS_TLS_SERVER_SIDE, NULL)) {
    ns_tls_context_close(ctx);
    ns_close(sock);
    return 0; /* the client's test judges the failed handshake */
  }
  ns_tls_context_close(ctx);
  char buf[16384];
  for (;;) {
    size_t n;
    if (ns_tls_recv(t, buf, sizeof buf, &n))
      return child_fail("recv");
    if (n == 0)
      break;
    if (ns_tls_sendall(t, buf, n, NULL))
      return child_fail("sendall");
  }
  ns_tls_close(t);
  return 0;
}

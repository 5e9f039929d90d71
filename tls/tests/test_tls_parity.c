/* SPDX-License-Identifier: MIT */
/*
 * The TLS failures Python's ssl module reports, provoked through python3
 * (tls_parity.py) and through libnetsock-tls against the same kinds of
 * peers: the class, str(exc), errno, reason and verification detail must
 * be the same.
 */
#include "tls_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { LINE = 512 };

/* What the client does after the handshake. */
enum then { THEN_NOTHING, THEN_RECV, THEN_RECV_TWICE, THEN_SENDALL_64MIB };

struct scenario {
  const char *name;
  struct tls_test_server_conf server;
  const char *host; /* default "localhost" */
  double timeout;   /* 0: none */
  int client_min;   /* 0: default */
  int flags;        /* ns_tls_wrap_socket flags */
  enum then then;
};

static const struct scenario scenarios[] = {
    {.name = "unknown_ca",
     .server = {.cert = "selfsigned", .mode = SERVE_ECHO}},
    {.name = "expired", .server = {.cert = "expired", .mode = SERVE_ECHO}},
    {.name = "hostname_mismatch",
     .server = {.cert = "wronghost", .mode = SERVE_ECHO}},
    {.name = "ip_address_mismatch",
     .server = {.cert = "wronghost", .mode = SERVE_ECHO},
     .host = "127.0.0.1"},
    {.name = "protocol_version",
     .server = {.mode = SERVE_ECHO, .max_version = NS_TLS_VERSION_TLSv1_2},
     .client_min = NS_TLS_VERSION_TLSv1_3},
    {.name = "plaintext_peer", .server = {.mode = SERVE_PLAINTEXT}},
    {.name = "closed_mid_handshake",
     .server = {.mode = SERVE_CLOSE_AFTER_HELLO}},
    {.name = "reset_mid_handshake", .server = {.mode = SERVE_CLOSE_EARLY}},
    {.name = "handshake_timeout",
     .server = {.mode = SERVE_SILENT_RAW},
     .timeout = 0.2},
    {.name = "read_timeout",
     .server = {.mode = SERVE_SILENT_TLS},
     .timeout = 0.2,
     .then = THEN_RECV},
    {.name = "write_timeout",
     .server = {.mode = SERVE_STALL_TLS},
     .timeout = 0.2,
     .then = THEN_SENDALL_64MIB},
    {.name = "client_cert_required",
     .server = {.mode = SERVE_ECHO, .require_client_cert = true},
     .then = THEN_RECV},
    {.name = "ragged_eof_refused",
     .server = {.mode = SERVE_RAGGED},
     .flags = NS_TLS_RAGGED_EOF_IS_ERROR,
     .then = THEN_RECV_TWICE},
};

/* The line tls_parity.py prints, from the last error. */
static void describe(char *out, const char *name, ns_err err)
{
  if (err == NS_OK) {
    snprintf(out, LINE, "%s|no error", name);
    return;
  }
  snprintf(out, LINE, "%s|%s|%s|%d|%s|%ld|%s", name, ns_error_name(err),
           ns_error_last_message(), ns_error_last_errno(),
           ns_tls_error_reason(), ns_tls_error_verify_code(),
           ns_tls_error_verify_message());
}

static ns_err client_side(const struct scenario *s)
{
  ns_socket *sock;
  int pid = tls_test_connect(&s->server, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  if (s->client_min)
    assert_ns_ok(ns_tls_context_set_minimum_version(ctx, s->client_min));
  if (s->timeout)
    assert_ns_ok(ns_settimeout(sock, s->timeout));
  ns_tls *t;
  ns_err err = ns_tls_wrap_socket(&t, ctx, sock, s->flags,
                                  s->host ? s->host : "localhost");
  ns_tls_context_close(ctx);
  if (err) {
    assert_ns_ok(ns_close(sock));
  } else {
    char buf[16];
    size_t n;
    if (s->then == THEN_RECV_TWICE)
      err = ns_tls_recv(t, buf, 3, &n);
    if (s->then == THEN_SENDALL_64MIB) {
      char *zeros = calloc(1, 64 << 20);
      assert_non_null(zeros);
      err = ns_tls_sendall(t, zeros, 64 << 20, NULL);
      free(zeros);
    } else if (!err && s->then != THEN_NOTHING) {
      err = ns_tls_recv(t, buf, sizeof buf, &n);
    }
    ns_tls_close(t);
  }
  ns_test_child_succeeds(pid);
  return err;
}

/* A client that speaks plain HTTP to a TLS server. */
static ns_err server_plaintext_client(void)
{
  ns_socket *client, *server;
  ns_test_tcp_pair(AF_INET, &client, &server);
  static const char get[] = "GET / HTTP/1.0\r\n\r\n";
  assert_ns_ok(ns_sendall(client, get, sizeof get - 1, 0, NULL));
  ns_tls_context *ctx = tls_test_server_ctx("server");
  ns_tls *t;
  ns_err err = ns_tls_wrap_socket(&t, ctx, server, NS_TLS_SERVER_SIDE, NULL);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_close(server));
  assert_ns_ok(ns_close(client));
  return err;
}

/* A handshake on a non-blocking socket whose peer has not answered. */
static ns_err nonblocking_handshake(void)
{
  ns_socket *client, *server;
  ns_test_tcp_pair(AF_INET, &client, &server);
  assert_ns_ok(ns_setblocking(client, false));
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, client,
                                  NS_TLS_NO_HANDSHAKE_ON_CONNECT, "localhost"));
  ns_err err = ns_tls_do_handshake(t);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  assert_ns_ok(ns_close(server));
  return err;
}

static void test_tls_parity__same_class_and_message(void **state)
{
  (void)state;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s %s %s", PYTHON3, PARITY_SCRIPT, tls_test_dir());
  FILE *py = popen(cmd, "r");
  assert_non_null(py);
  enum { MAX = 32 };
  static char want[MAX][LINE];
  int lines = 0;
  while (lines < MAX && fgets(want[lines], LINE, py)) {
    want[lines][strcspn(want[lines], "\n")] = '\0';
    lines++;
  }
  assert_int_equal(pclose(py), 0);

  size_t count = sizeof scenarios / sizeof scenarios[0];
  assert_int_equal(lines, (int)count + 2);
  int mismatches = 0;
  char got[LINE];
  for (int i = 0; i < lines; i++) {
    const char *name = want[i];
    size_t name_len = strcspn(name, "|");
    ns_err err;
    ns_error_clear();
    if (strncmp(name, "server_plaintext_client|", 24) == 0) {
      err = server_plaintext_client();
      describe(got, "server_plaintext_client", err);
    } else if (strncmp(name, "nonblocking_handshake|", 22) == 0) {
      err = nonblocking_handshake();
      describe(got, "nonblocking_handshake", err);
    } else {
      const struct scenario *s = NULL;
      for (size_t k = 0; k < count; k++)
        if (strlen(scenarios[k].name) == name_len &&
            strncmp(scenarios[k].name, name, name_len) == 0)
          s = &scenarios[k];
      if (!s)
        fail_msg("python ran a scenario this test lacks: %s", name);
      err = client_side(s);
      describe(got, s->name, err);
    }
    if (strcmp(got, want[i]) != 0) {
      print_error("python:     %s\nlibnetsock: %s\n", want[i], got);
      mismatches++;
    }
  }
  assert_int_equal(mismatches, 0);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_tls_parity__same_class_and_message),
  };
  tls_test_dir();
  return cmocka_run_group_tests_name("tls_parity", tests, NULL, NULL);
}

/* SPDX-License-Identifier: MIT */
/*
 * Interoperation with Python's ssl module (tls_interop.py), both ways:
 * mutual TLS with ALPN, a C client against a Python server and a Python
 * client against a C server.
 */
#include "tls_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Read one line ending in '\n' (not kept) from a TLS connection. */
static void read_line(ns_tls *t, char *buf, size_t size)
{
  size_t got = 0;
  while (got == 0 || buf[got - 1] != '\n') {
    size_t n;
    assert_true(got < size - 1);
    assert_ns_ok(ns_tls_recv(t, buf + got, size - 1 - got, &n));
    assert_true(n > 0);
    got += n;
  }
  buf[got - 1] = '\0';
}

/* The CN of the peer's verified certificate. */
static void peer_common_name(ns_tls *t, char *out, size_t size)
{
  ns_tls_cert *cert;
  assert_ns_ok(ns_tls_getpeercert(t, &cert));
  assert_non_null(cert);
  snprintf(out, size, "-");
  for (size_t i = 0; i < ns_tls_cert_count(cert, NS_TLS_CERT_SUBJECT); i++) {
    const char *k, *v;
    assert_ns_ok(ns_tls_cert_name(cert, NS_TLS_CERT_SUBJECT, i, &k, &v));
    if (strcmp(k, "commonName") == 0)
      snprintf(out, size, "%s", v);
  }
  ns_tls_cert_free(cert);
}

static void test_tls_interop__c_client_python_server(void **state)
{
  (void)state;
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s %s server %s", PYTHON3, INTEROP_SCRIPT,
           tls_test_dir());
  FILE *py = popen(cmd, "r");
  assert_non_null(py);
  int port = 0;
  assert_int_equal(fscanf(py, "%d", &port), 1);

  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_create_default_context(&ctx, NS_TLS_PURPOSE_SERVER_AUTH));
  assert_ns_ok(
      ns_tls_context_load_verify_locations(ctx, tls_test_path("ca.pem"), NULL));
  assert_ns_ok(ns_tls_context_load_cert_chain(ctx, tls_test_path("client.pem"),
                                              tls_test_path("client.key"), NULL,
                                              NULL));
  const char *alpn[] = {"h2", "http/1.1"};
  assert_ns_ok(ns_tls_context_set_alpn_protocols(ctx, alpn, 2));
  ns_socket *sock;
  ns_create_connection_options opts = NS_CREATE_CONNECTION_OPTIONS_INIT;
  opts.timeout = ns_test_slack(30);
  assert_ns_ok(ns_create_connection(&sock, "127.0.0.1", port, &opts));
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"));
  assert_ns_ok(ns_tls_sendall(t, "hello from C\n", 13, NULL));
  char line[512], cn[128];
  read_line(t, line, sizeof line);
  /* What Python saw: our line, the ALPN, our certificate, the version. */
  assert_string_equal(line,
                      "hello from C|http/1.1|netsock test client|TLSv1.3");
  assert_string_equal(ns_tls_selected_alpn_protocol(t), "http/1.1");
  peer_common_name(t, cn, sizeof cn);
  assert_string_equal(cn, "localhost");
  assert_ns_ok(ns_tls_shutdown(t, SHUT_WR));
  assert_int_equal(pclose(py), 0);
  assert_ns_ok(ns_tls_close(t));
  ns_tls_context_close(ctx);
}

static void test_tls_interop__python_client_c_server(void **state)
{
  (void)state;
  ns_addr bound;
  ns_socket *lst = ns_test_listener(AF_INET, &bound);
  char cmd[1024];
  snprintf(cmd, sizeof cmd, "%s %s client %s %d", PYTHON3, INTEROP_SCRIPT,
           tls_test_dir(), ns_addr_port(&bound));
  FILE *py = popen(cmd, "r");
  assert_non_null(py);

  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_create_default_context(&ctx, NS_TLS_PURPOSE_CLIENT_AUTH));
  assert_ns_ok(ns_tls_context_load_cert_chain(ctx, tls_test_path("server.pem"),
                                              tls_test_path("server.key"), NULL,
                                              NULL));
  assert_ns_ok(
      ns_tls_context_load_verify_locations(ctx, tls_test_path("ca.pem"), NULL));
  assert_ns_ok(ns_tls_context_set_verify_mode(ctx, NS_TLS_CERT_REQUIRED));
  const char *alpn[] = {"http/1.1"};
  assert_ns_ok(ns_tls_context_set_alpn_protocols(ctx, alpn, 1));
  assert_ns_ok(ns_settimeout(lst, ns_test_slack(30)));
  ns_socket *conn;
  assert_ns_ok(ns_accept(lst, &conn, NULL));
  assert_ns_ok(ns_settimeout(conn, ns_test_slack(30)));
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, conn, NS_TLS_SERVER_SIDE, NULL));
  char line[512], cn[128], answer[700];
  read_line(t, line, sizeof line);
  assert_string_equal(line, "hello from python");
  peer_common_name(t, cn, sizeof cn);
  assert_string_equal(cn, "netsock test client");
  snprintf(answer, sizeof answer, "%s|%s\n", line,
           ns_tls_selected_alpn_protocol(t));
  assert_ns_ok(ns_tls_sendall(t, answer, strlen(answer), NULL));
  /* Python unwraps: an orderly close both ways. */
  ns_socket *plain;
  assert_ns_ok(ns_tls_unwrap(t, &plain));
  char out[512] = "";
  assert_non_null(fgets(out, sizeof out, py));
  out[strcspn(out, "\n")] = '\0';
  /* What Python saw: our answer, the ALPN, our certificate, the version. */
  assert_string_equal(out,
                      "hello from python|http/1.1|http/1.1|localhost|TLSv1.3");
  assert_int_equal(pclose(py), 0);
  assert_ns_ok(ns_close(plain));
  assert_ns_ok(ns_close(lst));
  ns_tls_context_close(ctx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_tls_interop__c_client_python_server),
      NS_TEST(test_tls_interop__python_client_c_server),
  };
  tls_test_dir();
  return cmocka_run_group_tests_name("tls_interop", tests, NULL, NULL);
}

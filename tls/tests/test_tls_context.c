/* SPDX-License-Identifier: MIT */
/* Contexts: Python's defaults, the rules that keep them safe, bad input. */
#include "tls_test.h"

#include <string.h>

/* A client context verifies and checks names, on TLS 1.2 or later. */
static void test_tls_context__client_defaults_are_secure(void **state)
{
  (void)state;
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_CLIENT));
  assert_int_equal(ns_tls_context_verify_mode(ctx), NS_TLS_CERT_REQUIRED);
  assert_true(ns_tls_context_check_hostname(ctx));
  assert_int_equal(ns_tls_context_minimum_version(ctx), NS_TLS_VERSION_TLSv1_2);
  assert_int_equal(ns_tls_context_maximum_version(ctx),
                   NS_TLS_VERSION_MAXIMUM_SUPPORTED);
  ns_tls_context_close(ctx);

  assert_ns_ok(ns_tls_create_default_context(&ctx, NS_TLS_PURPOSE_SERVER_AUTH));
  assert_int_equal(ns_tls_context_verify_mode(ctx), NS_TLS_CERT_REQUIRED);
  assert_true(ns_tls_context_check_hostname(ctx));
  assert_int_equal(ns_tls_context_minimum_version(ctx), NS_TLS_VERSION_TLSv1_2);
  ns_tls_context_close(ctx);
}

/* A server asks for no client certificate unless told to, as Python. */
static void test_tls_context__server_defaults(void **state)
{
  (void)state;
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_create_default_context(&ctx, NS_TLS_PURPOSE_CLIENT_AUTH));
  assert_int_equal(ns_tls_context_verify_mode(ctx), NS_TLS_CERT_NONE);
  assert_false(ns_tls_context_check_hostname(ctx));
  assert_int_equal(ns_tls_context_minimum_version(ctx), NS_TLS_VERSION_TLSv1_2);
  ns_tls_context_close(ctx);
}

/* Verification cannot be switched off while names are checked, and
   checking names switches it back on. */
static void test_tls_context__verification_not_dropped_by_accident(void **state)
{
  (void)state;
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_CLIENT));
  assert_tls_error(ns_tls_context_set_verify_mode(ctx, NS_TLS_CERT_NONE),
                   NS_ERR_VALUE,
                   "Cannot set verify_mode to CERT_NONE when check_hostname "
                   "is enabled.");
  assert_int_equal(ns_tls_context_verify_mode(ctx), NS_TLS_CERT_REQUIRED);

  /* Explicitly, in Python's order, it can be done ... */
  assert_ns_ok(ns_tls_context_set_check_hostname(ctx, false));
  assert_ns_ok(ns_tls_context_set_verify_mode(ctx, NS_TLS_CERT_NONE));
  assert_int_equal(ns_tls_context_verify_mode(ctx), NS_TLS_CERT_NONE);
  /* ... and turning the name check on again restores verification. */
  assert_ns_ok(ns_tls_context_set_check_hostname(ctx, true));
  assert_int_equal(ns_tls_context_verify_mode(ctx), NS_TLS_CERT_REQUIRED);

  assert_tls_error(ns_tls_context_set_verify_mode(ctx, 7), NS_ERR_VALUE,
                   "invalid value for verify_mode");
  ns_tls_context_close(ctx);
}

/* A client that checks names must be given one. */
static void test_tls_context__hostname_required(void **state)
{
  (void)state;
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_socket *a, *b;
  ns_test_tcp_pair(AF_INET, &a, &b);
  ns_tls *t = (ns_tls *)&t;
  assert_tls_error(ns_tls_wrap_socket(&t, ctx, a, 0, NULL), NS_ERR_VALUE,
                   "check_hostname requires server_hostname");
  assert_null(t);
  assert_tls_error(ns_tls_wrap_socket(&t, ctx, a, 0, ""), NS_ERR_VALUE,
                   "server_hostname cannot be an empty string or start with "
                   "a leading dot.");
  /* The socket is still the caller's after a failed wrap. */
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
  ns_tls_context_close(ctx);
}

/* The protocol limits: TLS 1.2 is the floor unless lowered on purpose. */
static void test_tls_context__versions(void **state)
{
  (void)state;
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_SERVER));
  assert_ns_ok(ns_tls_context_set_minimum_version(ctx, NS_TLS_VERSION_TLSv1_3));
  assert_int_equal(ns_tls_context_minimum_version(ctx), NS_TLS_VERSION_TLSv1_3);
  assert_ns_ok(ns_tls_context_set_maximum_version(ctx, NS_TLS_VERSION_TLSv1_3));
  assert_int_equal(ns_tls_context_maximum_version(ctx), NS_TLS_VERSION_TLSv1_3);
  assert_ns_ok(ns_tls_context_set_maximum_version(
      ctx, NS_TLS_VERSION_MAXIMUM_SUPPORTED));
  assert_int_equal(ns_tls_context_maximum_version(ctx),
                   NS_TLS_VERSION_MAXIMUM_SUPPORTED);
  assert_tls_error(ns_tls_context_set_minimum_version(ctx, 0x999), NS_ERR_VALUE,
                   "Unsupported TLS/SSL version 0x999");
  ns_tls_context_close(ctx);
}

static int password_calls;

static int give_password(char *buf, size_t size, void *userdata)
{
  password_calls++;
  const char *pw = userdata;
  size_t n = strlen(pw);
  if (n > size)
    return -1;
  /* OpenSSL takes the length returned, not a terminated string. */
  memcpy(buf, pw, n); /* NOLINT(bugprone-not-null-terminated-result) */
  return (int)n;
}

/* Certificates and keys: Python's classes and messages when they fail. */
static void test_tls_context__load_cert_chain(void **state)
{
  (void)state;
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_SERVER));
  const char *cert = tls_test_path("server.pem");

  /* An encrypted key: the callback gives the password. */
  password_calls = 0;
  assert_ns_ok(ns_tls_context_load_cert_chain(
      ctx, cert, tls_test_path("encrypted.key"), give_password, "secret"));
  assert_int_equal(password_calls, 1);
  /* A wrong one, or none at all (never a prompt on the terminal). */
  assert_tls_error(
      ns_tls_context_load_cert_chain(ctx, cert, tls_test_path("encrypted.key"),
                                     give_password, "wrong"),
      NS_ERR_SSL, "[SSL] PEM lib");
  assert_int_equal(ns_error_last_errno(), 524297); /* Python's exc.errno */
  assert_string_equal(ns_tls_error_library(), "SSL");
  assert_string_equal(ns_tls_error_reason(), "");
  assert_tls_error(ns_tls_context_load_cert_chain(
                       ctx, cert, tls_test_path("encrypted.key"), NULL, NULL),
                   NS_ERR_SSL, "[SSL] PEM lib");

  /* A key that is not the certificate's. */
  assert_tls_error(ns_tls_context_load_cert_chain(
                       ctx, cert, tls_test_path("client.key"), NULL, NULL),
                   NS_ERR_SSL,
                   "[X509: KEY_VALUES_MISMATCH] key values mismatch");
  assert_string_equal(ns_tls_error_library(), "X509");
  assert_string_equal(ns_tls_error_reason(), "KEY_VALUES_MISMATCH");

  /* A missing file is Python's FileNotFoundError. */
  assert_tls_error(ns_tls_context_load_cert_chain(
                       ctx, tls_test_path("missing.pem"), NULL, NULL, NULL),
                   NS_ERR_FILE_NOT_FOUND,
                   "[Errno 2] No such file or directory");
  assert_tls_error(ns_tls_context_load_cert_chain(ctx, NULL, NULL, NULL, NULL),
                   NS_ERR_VALUE, "certfile must not be NULL");
  ns_tls_context_close(ctx);
}

static void test_tls_context__load_verify_locations(void **state)
{
  (void)state;
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_CLIENT));
  assert_ns_ok(
      ns_tls_context_load_verify_locations(ctx, tls_test_path("ca.pem"), NULL));
  assert_tls_error(ns_tls_context_load_verify_locations(ctx, NULL, NULL),
                   NS_ERR_VALUE,
                   "cafile, capath and cadata cannot be all omitted");
  assert_tls_error(ns_tls_context_load_verify_locations(
                       ctx, tls_test_path("missing.pem"), NULL),
                   NS_ERR_FILE_NOT_FOUND,
                   "[Errno 2] No such file or directory");
  assert_int_equal(ns_error_last_errno(), 2);
  /* A file with no certificate in it. */
  assert_tls_error(
      ns_tls_context_load_verify_locations(ctx, tls_test_path("ca.key"), NULL),
      NS_ERR_SSL,
      "[X509: NO_CERTIFICATE_OR_CRL_FOUND] no certificate or crl "
      "found");
  assert_int_equal(ns_error_last_errno(), 136);
  assert_ns_ok(ns_tls_context_load_default_certs(ctx));
  ns_tls_context_close(ctx);
}

static void test_tls_context__ciphers_and_alpn(void **state)
{
  (void)state;
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_CLIENT));
  assert_ns_ok(ns_tls_context_set_ciphers(ctx, "ECDHE+AESGCM"));
  assert_tls_error(ns_tls_context_set_ciphers(ctx, "NOPE"), NS_ERR_SSL,
                   "No cipher can be selected.");
  const char *good[] = {"h2", "http/1.1"};
  assert_ns_ok(ns_tls_context_set_alpn_protocols(ctx, good, 2));
  const char *empty[] = {""};
  assert_tls_error(ns_tls_context_set_alpn_protocols(ctx, empty, 1), NS_ERR_SSL,
                   "ALPN protocols must be 1 to 255 in length");
  char big[300];
  memset(big, 'a', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  const char *too_long[] = {big};
  assert_ns_err(ns_tls_context_set_alpn_protocols(ctx, too_long, 1),
                NS_ERR_SSL);
  assert_ns_err(ns_tls_context_set_alpn_protocols(ctx, NULL, 1), NS_ERR_VALUE);
  assert_ns_ok(ns_tls_context_set_alpn_protocols(ctx, NULL, 0));
  ns_tls_context_close(ctx);
}

/* NULL and out-of-range arguments get an error, never a crash. */
static void test_tls_context__bad_arguments(void **state)
{
  (void)state;
  ns_tls_context *ctx = (ns_tls_context *)&ctx;
  assert_ns_err(ns_tls_context_create(&ctx, 3), NS_ERR_VALUE);
  assert_null(ctx);
  assert_ns_err(ns_tls_context_create(NULL, NS_TLS_PROTOCOL_CLIENT),
                NS_ERR_VALUE);
  assert_ns_err(ns_tls_create_default_context(&ctx, 9), NS_ERR_VALUE);
  assert_ns_err(ns_tls_context_set_ciphers(NULL, "x"), NS_ERR_VALUE);
  assert_ns_err(ns_tls_context_set_check_hostname(NULL, true), NS_ERR_VALUE);
  assert_ns_err(ns_tls_context_load_default_certs(NULL), NS_ERR_VALUE);
  assert_int_equal(ns_tls_context_verify_mode(NULL), NS_TLS_CERT_NONE);
  assert_false(ns_tls_context_check_hostname(NULL));
  ns_tls_context_close(NULL);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_tls_context__client_defaults_are_secure),
      NS_TEST(test_tls_context__server_defaults),
      NS_TEST(test_tls_context__verification_not_dropped_by_accident),
      NS_TEST(test_tls_context__hostname_required),
      NS_TEST(test_tls_context__versions),
      NS_TEST(test_tls_context__load_cert_chain),
      NS_TEST(test_tls_context__load_verify_locations),
      NS_TEST(test_tls_context__ciphers_and_alpn),
      NS_TEST(test_tls_context__bad_arguments),
  };
  tls_test_dir();
  return cmocka_run_group_tests_name("tls_context", tests, NULL, NULL);
}

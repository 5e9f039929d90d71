/* SPDX-License-Identifier: MIT */
/*
 * Connections over loopback against a forked libnetsock-tls server: the
 * handshake, I/O, what was negotiated, the peer's certificate, client
 * certificates, unwrap, non-blocking use with ns_poller, timeouts as one
 * deadline, signals, and the secure defaults.
 */
#include "tls_test.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <openssl/x509.h>

static ns_tls *wrap_client(ns_tls_context *ctx, ns_socket *sock)
{
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"));
  return t;
}

/* Send, read the echo, and check it. */
static void echo_once(ns_tls *t, const char *msg)
{
  size_t len = strlen(msg), got = 0, n;
  assert_ns_ok(ns_tls_sendall(t, msg, len, &n));
  assert_int_equal(n, len);
  char buf[256];
  while (got < len) {
    assert_ns_ok(ns_tls_recv(t, buf + got, sizeof buf - got, &n));
    assert_true(n > 0);
    got += n;
  }
  assert_memory_equal(buf, msg, len);
}

static void test_tls_io__echo_and_negotiated(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_ECHO};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t = wrap_client(ctx, sock);
  ns_tls_context_close(ctx); /* the connection keeps it alive */
  assert_ptr_equal(ns_tls_socket(t), sock);
  assert_string_equal(ns_tls_server_hostname(t), "localhost");
  /* A timeout far beyond any deadline the clock can hold still works. */
  assert_ns_ok(ns_settimeout(sock, 1e12));
  echo_once(t, "hello, TLS");
  assert_int_equal(ns_tls_pending(t), 0);
  /* send takes some bytes (here all: one record); what a short recv
     leaves of a record is pending, readable without the socket. */
  size_t n;
  assert_ns_ok(ns_tls_send(t, "0123456789", 10, &n));
  assert_int_equal(n, 10);
  char part[4];
  assert_ns_ok(ns_tls_recv(t, part, sizeof part, &n));
  assert_int_equal(n, 4);
  assert_memory_equal(part, "0123", 4);
  assert_int_equal(ns_tls_pending(t), 6);
  char rest[6];
  assert_ns_ok(ns_tls_recv(t, rest, sizeof rest, &n));
  assert_int_equal(n, 6);
  assert_memory_equal(rest, "456789", 6);
  assert_int_equal(ns_tls_pending(t), 0);
  assert_string_equal(ns_tls_version(t), "TLSv1.3");
  const char *name, *proto;
  int bits;
  assert_ns_ok(ns_tls_cipher(t, &name, &proto, &bits));
  assert_true(strncmp(name, "TLS_", 4) == 0);
  assert_string_equal(proto, "TLSv1.3");
  assert_true(bits == 128 || bits == 256);
  assert_null(ns_tls_selected_alpn_protocol(t));
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

/* The certificate the server sent, in DER and as Python's dict. */
static void test_tls_io__getpeercert(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_ECHO};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, NS_TLS_NO_HANDSHAKE_ON_CONNECT,
                                  "localhost"));
  ns_tls_cert *cert;
  assert_ns_err(ns_tls_getpeercert(t, &cert), NS_ERR_VALUE);
  assert_null(ns_tls_version(t));
  assert_ns_err(ns_tls_cipher(t, NULL, NULL, NULL), NS_ERR_VALUE);
  assert_ns_ok(ns_tls_do_handshake(t));
  assert_ns_ok(ns_tls_do_handshake(t)); /* again: nothing to do */

  /* DER: the very bytes of server.pem. */
  FILE *f = fopen(tls_test_path("server.pem"), "r");
  assert_non_null(f);
  X509 *want = PEM_read_X509(f, NULL, NULL, NULL);
  fclose(f);
  unsigned char *want_der = NULL;
  int want_len = i2d_X509(want, &want_der);
  size_t len;
  /* Asking for the size is an overflow that says how much. */
  assert_ns_err(ns_tls_getpeercert_der(t, NULL, 0, &len), NS_ERR_OVERFLOW);
  assert_int_equal(len, (size_t)want_len);
  unsigned char small[16];
  assert_ns_err(ns_tls_getpeercert_der(t, small, sizeof small, &len),
                NS_ERR_OVERFLOW);
  unsigned char *der = malloc(len);
  assert_ns_ok(ns_tls_getpeercert_der(t, der, len, &len));
  assert_memory_equal(der, want_der, len);
  free(der);
  OPENSSL_free(want_der);
  X509_free(want);

  /* The dict: subject, issuer, subjectAltName, dates, serial, version. */
  assert_ns_ok(ns_tls_getpeercert(t, &cert));
  assert_non_null(cert);
  const char *k, *v;
  assert_int_equal(ns_tls_cert_count(cert, NS_TLS_CERT_SUBJECT), 2);
  assert_ns_ok(ns_tls_cert_name(cert, NS_TLS_CERT_SUBJECT, 0, &k, &v));
  assert_string_equal(k, "organizationName");
  assert_string_equal(v, "netsock tests");
  assert_ns_ok(ns_tls_cert_name(cert, NS_TLS_CERT_SUBJECT, 1, &k, &v));
  assert_string_equal(k, "commonName");
  assert_string_equal(v, "localhost");
  assert_ns_ok(ns_tls_cert_name(cert, NS_TLS_CERT_ISSUER, 1, &k, &v));
  assert_string_equal(v, "netsock test CA");
  assert_int_equal(ns_tls_cert_count(cert, NS_TLS_CERT_SAN), 3);
  static const char *const san[3][2] = {{"DNS", "localhost"},
                                        {"IP Address", "127.0.0.1"},
                                        {"IP Address", "0:0:0:0:0:0:0:1"}};
  for (size_t i = 0; i < 3; i++) {
    assert_ns_ok(ns_tls_cert_name(cert, NS_TLS_CERT_SAN, i, &k, &v));
    assert_string_equal(k, san[i][0]);
    assert_string_equal(v, san[i][1]);
  }
  assert_ns_err(ns_tls_cert_name(cert, NS_TLS_CERT_SAN, 3, &k, &v),
                NS_ERR_VALUE);
  assert_ns_err(ns_tls_cert_name(cert, 9, 0, &k, &v), NS_ERR_VALUE);
  assert_string_equal(ns_tls_cert_get(cert, "version"), "3");
  const char *after = ns_tls_cert_get(cert, "notAfter");
  assert_non_null(after);
  assert_true(strlen(after) >= 20 &&
              strcmp(after + strlen(after) - 4, " GMT") == 0);
  assert_non_null(ns_tls_cert_get(cert, "notBefore"));
  assert_non_null(ns_tls_cert_get(cert, "serialNumber"));
  assert_null(ns_tls_cert_get(cert, "nope"));
  ns_tls_cert_free(cert);
  ns_tls_cert_free(NULL);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

/* Without verification Python's dict is empty: so is ours. */
static void test_tls_io__getpeercert_unverified(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_ECHO};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx;
  assert_ns_ok(ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_CLIENT));
  assert_ns_ok(ns_tls_context_set_check_hostname(ctx, false));
  assert_ns_ok(ns_tls_context_set_verify_mode(ctx, NS_TLS_CERT_NONE));
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, 0, NULL));
  ns_tls_cert *cert;
  assert_ns_ok(ns_tls_getpeercert(t, &cert));
  assert_non_null(cert);
  assert_int_equal(ns_tls_cert_count(cert, NS_TLS_CERT_SUBJECT), 0);
  assert_null(ns_tls_cert_get(cert, "notAfter"));
  ns_tls_cert_free(cert);
  size_t len;
  assert_ns_err(ns_tls_getpeercert_der(t, NULL, 0, &len), NS_ERR_OVERFLOW);
  assert_true(len > 0);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

static void alpn_case(const char *server, const char *const *offer,
                      size_t count, const char *want)
{
  struct tls_test_server_conf conf = {.mode = SERVE_ECHO, .alpn = server};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  assert_ns_ok(ns_tls_context_set_alpn_protocols(ctx, offer, count));
  ns_tls *t = wrap_client(ctx, sock);
  const char *got = ns_tls_selected_alpn_protocol(t);
  if (want)
    assert_string_equal(got, want);
  else
    assert_null(got);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

static void test_tls_io__alpn(void **state)
{
  (void)state;
  const char *offer[] = {"h2", "http/1.1"};
  alpn_case("http/1.1", offer, 2, "http/1.1");
  /* Nothing in common: no protocol, but the connection stands. */
  alpn_case("spdy/3", offer, 2, NULL);
}

/* Mutual TLS: a server that requires a client certificate. */
static void test_tls_io__client_certificate(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_ECHO,
                                      .require_client_cert = true};
  /* With one, the connection works. */
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  assert_ns_ok(ns_tls_context_load_cert_chain(ctx, tls_test_path("client.pem"),
                                              tls_test_path("client.key"), NULL,
                                              NULL));
  ns_tls *t = wrap_client(ctx, sock);
  echo_once(t, "mutual");
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);

  /* Without, the server's alert arrives at the first read (TLS 1.3
     finishes the client's handshake before the server checks). */
  pid = tls_test_connect(&conf, &sock);
  ctx = tls_test_client_ctx();
  t = wrap_client(ctx, sock);
  char buf[8];
  size_t n;
  assert_tls_error(ns_tls_recv(t, buf, sizeof buf, &n), NS_ERR_SSL,
                   "[SSL: TLSV13_ALERT_CERTIFICATE_REQUIRED] tlsv13 alert "
                   "certificate required");
  assert_string_equal(ns_tls_error_reason(),
                      "TLSV13_ALERT_CERTIFICATE_REQUIRED");
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

/* unwrap: an orderly TLS close, then plain bytes on the same socket. */
static void test_tls_io__unwrap(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_UNWRAP};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t = wrap_client(ctx, sock);
  echo_once(t, "before unwrap");
  ns_socket *plain;
  assert_ns_err(ns_tls_unwrap(t, NULL), NS_ERR_VALUE);
  assert_ns_ok(ns_tls_unwrap(t, &plain));
  assert_ptr_equal(plain, sock);
  char buf[8];
  size_t n;
  assert_ns_ok(ns_recv(plain, buf, 5, MSG_WAITALL, &n));
  assert_int_equal(n, 5);
  assert_memory_equal(buf, "plain", 5);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_close(plain));
  ns_test_child_succeeds(pid);
}

/* Non-blocking: the want-read/want-write errors drive an ns_poller. */
static void test_tls_io__non_blocking_with_poller(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_ECHO};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  assert_ns_ok(ns_setblocking(sock, false));
  ns_tls *t;
  /* As in Python, a non-blocking socket cannot shake hands in wrap. */
  assert_tls_error(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"),
                   NS_ERR_VALUE,
                   "do_handshake_on_connect should not be specified for "
                   "non-blocking sockets");
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, NS_TLS_NO_HANDSHAKE_ON_CONNECT,
                                  "localhost"));
  ns_poller *p;
  assert_ns_ok(ns_poller_create(&p, NS_POLLER_DEFAULT));
  assert_ns_ok(ns_poller_register(p, sock, NS_EVENT_READ, NULL));
  int wants = 0;
  ns_err err;
  for (int round = 0; (err = ns_tls_do_handshake(t)) != NS_OK; round++) {
    assert_true(round < 100);
    assert_true(err == NS_ERR_SSL_WANT_READ || err == NS_ERR_SSL_WANT_WRITE);
    assert_true(ns_error_is(err, NS_ERR_SSL));
    if (err == NS_ERR_SSL_WANT_READ) {
      assert_string_equal(ns_error_last_message(),
                          "The operation did not complete (read)");
      assert_int_equal(ns_error_last_errno(), 2);
    }
    wants++;
    unsigned ev = err == NS_ERR_SSL_WANT_READ ? NS_EVENT_READ : NS_EVENT_WRITE;
    assert_ns_ok(ns_poller_modify(p, sock, ev, NULL));
    ns_poller_event events[1];
    size_t n;
    assert_ns_ok(ns_poller_wait(p, events, 1, ns_test_slack(10), &n));
    assert_int_equal(n, 1);
  }
  /* How many rounds the handshake took is the scheduler's: a server that
     answers between the ClientHello and the first read lets it finish in
     one call, so `wants` is not asserted; the want-read case is, below. */
  (void)wants;

  /* Nothing to read yet: SSLWantReadError, not a block. */
  char buf[64];
  size_t n;
  assert_tls_error(ns_tls_recv(t, buf, sizeof buf, &n), NS_ERR_SSL_WANT_READ,
                   "The operation did not complete (read)");
  assert_ns_ok(ns_tls_sendall(t, "ping", 4, &n));
  size_t got = 0;
  for (int round = 0; got < 4; round++) {
    assert_true(round < 100);
    err = ns_tls_recv(t, buf + got, sizeof buf - got, &n);
    if (err == NS_OK) {
      assert_true(n > 0);
      got += n;
      continue;
    }
    assert_int_equal(err, NS_ERR_SSL_WANT_READ);
    assert_ns_ok(ns_poller_modify(p, sock, NS_EVENT_READ, NULL));
    ns_poller_event events[1];
    size_t ready;
    assert_ns_ok(ns_poller_wait(p, events, 1, ns_test_slack(10), &ready));
    assert_int_equal(ready, 1);
  }
  assert_memory_equal(buf, "ping", 4);
  assert_ns_ok(ns_poller_close(p));
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

/* A peer that never answers: the handshake fails after the timeout. */
static void test_tls_io__handshake_timeout(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_SILENT_RAW};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  assert_ns_ok(ns_settimeout(sock, 0.2));
  ns_tls *t;
  double start = ns_test_now();
  assert_tls_error(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"),
                   NS_ERR_TIMEOUT, "The handshake operation timed out");
  double elapsed = ns_test_now() - start;
  assert_true(elapsed >= 0.2);
  assert_true(elapsed < ns_test_slack(0.2 + 1.0));
  assert_int_equal(ns_error_last_errno(), 0);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_close(sock));
  ns_test_child_succeeds(pid);
}

/* A read the peer never answers: "The read operation timed out". */
static void test_tls_io__read_timeout(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_SILENT_TLS};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t = wrap_client(ctx, sock);
  assert_ns_ok(ns_settimeout(sock, 0.2));
  char buf[16];
  size_t n;
  double start = ns_test_now();
  assert_tls_error(ns_tls_recv(t, buf, sizeof buf, &n), NS_ERR_TIMEOUT,
                   "The read operation timed out");
  double elapsed = ns_test_now() - start;
  assert_true(elapsed >= 0.2);
  assert_true(elapsed < ns_test_slack(0.2 + 1.0));
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

/* A peer that never reads: sendall fails when the whole call's deadline
   passes, having sent part of the data, and says how much. */
static void test_tls_io__write_timeout(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_STALL_TLS};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t = wrap_client(ctx, sock);
  assert_ns_ok(ns_settimeout(sock, 0.2));
  enum { SIZE = 64 << 20 };
  char *data = calloc(1, SIZE);
  assert_non_null(data);
  size_t sent = 0;
  double start = ns_test_now();
  assert_tls_error(ns_tls_sendall(t, data, SIZE, &sent), NS_ERR_TIMEOUT,
                   "The write operation timed out");
  double elapsed = ns_test_now() - start;
  assert_true(sent > 0 && sent < SIZE);
  assert_true(elapsed >= 0.2);
  assert_true(elapsed < ns_test_slack(0.2 + 1.0));
  free(data);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
  ns_test_child_succeeds(pid);
}

static volatile sig_atomic_t alarms;

static void count_alarm(int sig)
{
  (void)sig;
  alarms++;
}

/*
 * PEP 475 and one deadline: a SIGALRM every 10 ms (no SA_RESTART) during
 * a handshake with a 0.3 s timeout neither fails the call with EINTR nor
 * stretches it: every interrupted wait resumes with the time left.
 */
static void test_tls_io__signals_neither_fail_nor_extend(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_SILENT_RAW};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  assert_ns_ok(ns_settimeout(sock, 0.3));
  struct sigaction sa = {0}, old;
  sa.sa_handler = count_alarm;
  sigemptyset(&sa.sa_mask);
  assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
  struct itimerval every_10ms = {{0, 10000}, {0, 10000}}, off = {0};
  alarms = 0;
  assert_int_equal(setitimer(ITIMER_REAL, &every_10ms, NULL), 0);
  ns_tls *t;
  double start = ns_test_now();
  ns_err err = ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost");
  double elapsed = ns_test_now() - start;
  setitimer(ITIMER_REAL, &off, NULL);
  sigaction(SIGALRM, &old, NULL);
  assert_int_equal(err, NS_ERR_TIMEOUT);
  assert_string_equal(ns_error_last_message(),
                      "The handshake operation timed out");
  assert_true(alarms >= 5); /* the handshake was interrupted, often */
  assert_true(elapsed >= 0.3);
  assert_true(elapsed < ns_test_slack(0.3 + 1.0));
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_close(sock));
  ns_test_child_succeeds(pid);
}

/* A bulk sendall: every byte arrives, in order, and is counted. */
static void test_tls_io__sendall_bulk(void **state)
{
  (void)state;
  enum { SIZE = 8 << 20 };
  struct tls_test_server_conf conf = {.mode = SERVE_SILENT_TLS,
                                      .expect_bytes = SIZE};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t = wrap_client(ctx, sock);
  unsigned char *data = malloc(SIZE);
  assert_non_null(data);
  for (size_t i = 0; i < SIZE; i++)
    data[i] = tls_test_pattern(i);
  assert_ns_ok(ns_settimeout(sock, ns_test_slack(30)));
  size_t sent;
  assert_ns_ok(ns_tls_sendall(t, data, SIZE, &sent));
  assert_int_equal(sent, SIZE);
  free(data);
  /* A half-close, not a close: closing with unread data (the server's
     session tickets) would reset the connection under the peer. */
  assert_ns_ok(ns_tls_shutdown(t, SHUT_WR));
  ns_test_child_succeeds(pid); /* the peer saw EOF and checked */
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
}

/* sendfile: a whole file through TLS, its position left at the end; the
   failures of Python's checks. */
static void test_tls_io__sendfile(void **state)
{
  (void)state;
  enum { SIZE = 300000 };
  char path[] = "/tmp/netsock-tls-sendfile.XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  unlink(path);
  static unsigned char data[SIZE];
  for (size_t i = 0; i < SIZE; i++)
    data[i] = tls_test_pattern(i);
  assert_int_equal(write(fd, data, SIZE), SIZE);

  struct tls_test_server_conf conf = {.mode = SERVE_SILENT_TLS,
                                      .expect_bytes = SIZE};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t = wrap_client(ctx, sock);
  size_t sent = 1;
  assert_tls_error(ns_tls_sendfile(t, fd, -1, 0, &sent), NS_ERR_VALUE,
                   "offset must be a positive integer (got -1)");
  assert_int_equal(sent, 0);
  assert_ns_err(ns_tls_sendfile(t, -1, 0, 0, &sent), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EBADF);
  /* The whole file, in two calls: a count, then the rest. */
  assert_ns_ok(ns_tls_sendfile(t, fd, 0, 1000, &sent));
  assert_int_equal(sent, 1000);
  assert_int_equal(lseek(fd, 0, SEEK_CUR), 1000);
  assert_ns_ok(ns_tls_sendfile(t, fd, 1000, 0, &sent));
  assert_int_equal(sent, SIZE - 1000);
  assert_int_equal(lseek(fd, 0, SEEK_CUR), SIZE);
  assert_ns_ok(ns_tls_shutdown(t, SHUT_WR));
  ns_test_child_succeeds(pid); /* the peer checked every byte */

  /* A pipe cannot seek: only offset 0; a non-blocking socket refuses. */
  int p[2];
  assert_int_equal(pipe(p), 0);
  assert_ns_err(ns_tls_sendfile(t, p[0], 5, 0, &sent), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ESPIPE);
  assert_ns_ok(ns_setblocking(sock, false));
  assert_tls_error(ns_tls_sendfile(t, fd, 0, 0, &sent), NS_ERR_VALUE,
                   "non-blocking sockets are not supported");
  close(p[0]);
  close(p[1]);
  close(fd);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
}

/* A peer that closes without close_notify: b'' as Python's default, an
   SSLEOFError when ragged EOFs are refused. */
static void test_tls_io__ragged_eof(void **state)
{
  (void)state;
  for (int strict = 0; strict < 2; strict++) {
    struct tls_test_server_conf conf = {.mode = SERVE_RAGGED};
    ns_socket *sock;
    int pid = tls_test_connect(&conf, &sock);
    ns_tls_context *ctx = tls_test_client_ctx();
    ns_tls *t;
    assert_ns_ok(ns_tls_wrap_socket(
        &t, ctx, sock, strict ? NS_TLS_RAGGED_EOF_IS_ERROR : 0, "localhost"));
    char buf[8];
    size_t n;
    assert_ns_ok(ns_tls_recv(t, buf, 3, &n));
    assert_int_equal(n, 3);
    assert_memory_equal(buf, "bye", n);
    if (strict)
      assert_tls_error(ns_tls_recv(t, buf, sizeof buf, &n), NS_ERR_SSL_EOF,
                       "[SSL: UNEXPECTED_EOF_WHILE_READING] EOF occurred in "
                       "violation of protocol");
    else {
      assert_ns_ok(ns_tls_recv(t, buf, sizeof buf, &n));
      assert_int_equal(n, 0);
    }
    ns_tls_context_close(ctx);
    assert_ns_ok(ns_tls_close(t));
    ns_test_child_succeeds(pid);
  }
}

/* A write to a peer that has gone: BrokenPipeError (or a reset), never
   SIGPIPE, which would kill this process. */
static void test_tls_io__no_sigpipe(void **state)
{
  (void)state;
  struct tls_test_server_conf conf = {.mode = SERVE_RAGGED};
  ns_socket *sock;
  int pid = tls_test_connect(&conf, &sock);
  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t = wrap_client(ctx, sock);
  ns_test_child_succeeds(pid); /* the peer has closed */
  static char chunk[65536];
  ns_err err = NS_OK;
  for (int i = 0; i < 1000 && err == NS_OK; i++)
    err = ns_tls_sendall(t, chunk, sizeof chunk, NULL);
  assert_true(err == NS_ERR_BROKEN_PIPE || err == NS_ERR_CONNECTION_RESET);
  ns_tls_context_close(ctx);
  assert_ns_ok(ns_tls_close(t));
}

/* The defaults refuse what they must: an unknown CA, a wrong name, and a
   server that speaks only TLS 1.1. */
static void test_tls_io__secure_defaults_refuse(void **state)
{
  (void)state;
  static const struct {
    struct tls_test_server_conf conf;
    ns_err want;
  } cases[] = {
      {{.cert = "selfsigned", .mode = SERVE_ECHO},
       NS_ERR_SSL_CERT_VERIFICATION},
      {{.cert = "wronghost", .mode = SERVE_ECHO}, NS_ERR_SSL_CERT_VERIFICATION},
      {{.mode = SERVE_ECHO,
        .min_version = NS_TLS_VERSION_TLSv1,
        .max_version = NS_TLS_VERSION_TLSv1_1,
        .ciphers = "DEFAULT:@SECLEVEL=0"},
       NS_ERR_SSL},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    ns_socket *sock;
    int pid = tls_test_connect(&cases[i].conf, &sock);
    /* Python's create_default_context(), trusting the test CA too. */
    ns_tls_context *ctx;
    assert_ns_ok(
        ns_tls_create_default_context(&ctx, NS_TLS_PURPOSE_SERVER_AUTH));
    assert_ns_ok(ns_tls_context_load_verify_locations(
        ctx, tls_test_path("ca.pem"), NULL));
    ns_tls *t;
    assert_ns_err(ns_tls_wrap_socket(&t, ctx, sock, 0, "localhost"),
                  cases[i].want);
    assert_null(t);
    ns_tls_context_close(ctx);
    assert_ns_ok(ns_close(sock));
    ns_test_child_succeeds(pid);
  }
}

/* A server that serves two connections with one context, so that the
   second can resume the first one's session. */
static int serve_twice(ns_socket *listener, void *arg)
{
  (void)arg;
  ns_tls_context *ctx;
  char cert[512], key[512];
  snprintf(cert, sizeof cert, "%s/server.pem", tls_test_dir());
  snprintf(key, sizeof key, "%s/server.key", tls_test_dir());
  if (ns_tls_context_create(&ctx, NS_TLS_PROTOCOL_SERVER) ||
      ns_tls_context_load_cert_chain(ctx, cert, key, NULL, NULL))
    return 1;
  /* Never wait for ever, should the client's test fail. */
  if (ns_settimeout(listener, ns_test_slack(30)))
    return 1;
  for (int i = 0; i < 2; i++) {
    ns_socket *conn, *plain;
    ns_tls *t;
    if (ns_accept(listener, &conn, NULL) ||
        ns_tls_wrap_socket(&t, ctx, conn, NS_TLS_SERVER_SIDE, NULL))
      return 1;
    char buf[256];
    size_t n;
    ns_err err;
    while ((err = ns_tls_recv(t, buf, sizeof buf, &n)) == NS_OK && n > 0)
      if (ns_tls_sendall(t, buf, n, NULL))
        return 1;
    if (err == NS_OK && ns_tls_unwrap(t, &plain) == NS_OK) {
      ns_close(plain); /* an orderly close, answered in kind */
      continue;
    }
    ns_tls_close(t);
    if (err && err != NS_ERR_CONNECTION_RESET)
      return 1;
  }
  ns_tls_context_close(ctx);
  ns_close(listener);
  return 0;
}

static ns_tls *connect_to(ns_tls_context *ctx, const ns_addr *addr, int flags)
{
  ns_socket *sock;
  ns_tls *t;
  assert_ns_ok(ns_socket_create(&sock, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(sock, addr));
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, sock, flags, "localhost"));
  return t;
}

/* A second connection resumes the first one's session. */
static void test_tls_io__session_resumption(void **state)
{
  (void)state;
  ns_addr addr;
  ns_socket *listener = ns_test_listener(AF_INET, &addr);
  int pid = tls_test_fork_peer(NULL, listener, serve_twice, NULL);
  ns_tls_context *ctx = tls_test_client_ctx();

  ns_tls *first = connect_to(ctx, &addr, 0);
  assert_false(ns_tls_session_reused(first));
  echo_once(first, "first"); /* reads the TLS 1.3 session tickets */
  ns_tls_session *session;
  assert_ns_err(ns_tls_get_session(first, NULL), NS_ERR_VALUE);
  assert_ns_ok(ns_tls_get_session(first, &session));
  assert_non_null(session);
  assert_tls_error(ns_tls_set_session(first, session), NS_ERR_VALUE,
                   "Cannot set session after handshake.");
  /* An orderly close: OpenSSL refuses to resume a session whose
     connection ended without close_notify. */
  ns_socket *plain;
  assert_ns_ok(ns_tls_unwrap(first, &plain));
  assert_ns_ok(ns_close(plain));

  ns_tls *second = connect_to(ctx, &addr, NS_TLS_NO_HANDSHAKE_ON_CONNECT);
  assert_ns_err(ns_tls_set_session(second, NULL), NS_ERR_VALUE);
  assert_ns_ok(ns_tls_set_session(second, session));
  ns_tls_session_free(session); /* the connection holds its own */
  assert_ns_ok(ns_tls_do_handshake(second));
  assert_true(ns_tls_session_reused(second));
  echo_once(second, "second");
  ns_tls_session *again;
  assert_ns_ok(ns_tls_get_session(second, &again));
  assert_non_null(again);
  assert_ns_ok(ns_tls_close(second));
  ns_tls_context_close(ctx);
  ns_test_child_succeeds(pid);

  /* A server cannot be given one. */
  ns_tls_context *server = tls_test_server_ctx("server");
  ns_socket *a, *b;
  ns_test_tcp_pair(AF_INET, &a, &b);
  ns_tls *t;
  assert_ns_ok(ns_tls_wrap_socket(
      &t, server, a, NS_TLS_SERVER_SIDE | NS_TLS_NO_HANDSHAKE_ON_CONNECT,
      NULL));
  assert_false(ns_tls_session_reused(t));
  assert_ns_ok(ns_tls_get_session(t, &session));
  assert_null(session); /* no handshake, no session */
  assert_tls_error(ns_tls_set_session(t, again), NS_ERR_VALUE,
                   "Cannot set session for server-side SSLSocket.");
  ns_tls_session_free(again);
  ns_tls_session_free(NULL);
  assert_ns_ok(ns_tls_close(t));
  assert_ns_ok(ns_close(b));
  ns_tls_context_close(server);
}

static void test_tls_io__bad_arguments(void **state)
{
  (void)state;
  char buf[4];
  size_t n;
  assert_tls_error(ns_tls_recv(NULL, buf, 4, &n), NS_ERR_OS,
                   "[Errno 9] Bad file descriptor");
  assert_ns_err(ns_tls_send(NULL, buf, 4, &n), NS_ERR_OS);
  assert_ns_err(ns_tls_sendall(NULL, buf, 4, &n), NS_ERR_OS);
  assert_ns_err(ns_tls_do_handshake(NULL), NS_ERR_OS);
  assert_ns_err(ns_tls_shutdown(NULL, SHUT_RDWR), NS_ERR_OS);
  assert_ns_ok(ns_tls_close(NULL));
  assert_int_equal(ns_tls_pending(NULL), 0);
  assert_null(ns_tls_socket(NULL));
  assert_null(ns_tls_version(NULL));

  ns_tls_context *ctx = tls_test_client_ctx();
  ns_tls *t;
  assert_ns_err(ns_tls_wrap_socket(NULL, ctx, NULL, 0, "x"), NS_ERR_VALUE);
  assert_ns_err(ns_tls_wrap_socket(&t, NULL, NULL, 0, "x"), NS_ERR_VALUE);
  assert_ns_err(ns_tls_wrap_socket(&t, ctx, NULL, 0, "x"), NS_ERR_OS);
  ns_socket *udp;
  assert_ns_ok(ns_socket_create(&udp, AF_INET, SOCK_DGRAM, 0));
  assert_tls_error(ns_tls_wrap_socket(&t, ctx, udp, 0, "x"), NS_ERR_VALUE,
                   "Only sockets of type SOCK_STREAM are supported");
  assert_ns_ok(ns_close(udp));

  ns_socket *a, *b;
  ns_test_tcp_pair(AF_INET, &a, &b);
  assert_tls_error(ns_tls_wrap_socket(&t, ctx, a, NS_TLS_SERVER_SIDE, NULL),
                   NS_ERR_VALUE,
                   "Cannot create a server socket with a PROTOCOL_TLS_CLIENT "
                   "context");
  assert_ns_ok(ns_tls_wrap_socket(&t, ctx, a, NS_TLS_NO_HANDSHAKE_ON_CONNECT,
                                  "localhost"));
  assert_ns_err(ns_tls_recv(t, NULL, 4, &n), NS_ERR_VALUE);
  assert_ns_err(ns_tls_recv(t, buf, 4, NULL), NS_ERR_VALUE);
  assert_ns_err(ns_tls_send(t, NULL, 4, &n), NS_ERR_VALUE);
  assert_ns_ok(ns_tls_recv(t, buf, 0, &n));
  assert_int_equal(n, 0);
  assert_ns_ok(ns_tls_close(t));
  assert_ns_ok(ns_close(b));

  ns_tls_context *server = tls_test_server_ctx("server");
  ns_test_tcp_pair(AF_INET, &a, &b);
  assert_tls_error(ns_tls_wrap_socket(&t, server, a, NS_TLS_SERVER_SIDE, "x"),
                   NS_ERR_VALUE,
                   "server_hostname can only be specified in client mode");
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
  ns_tls_context_close(server);
  ns_tls_context_close(ctx);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_tls_io__echo_and_negotiated),
      NS_TEST(test_tls_io__getpeercert),
      NS_TEST(test_tls_io__getpeercert_unverified),
      NS_TEST(test_tls_io__alpn),
      NS_TEST(test_tls_io__client_certificate),
      NS_TEST(test_tls_io__unwrap),
      NS_TEST(test_tls_io__non_blocking_with_poller),
      NS_TEST(test_tls_io__handshake_timeout),
      NS_TEST(test_tls_io__read_timeout),
      NS_TEST(test_tls_io__write_timeout),
      NS_TEST(test_tls_io__signals_neither_fail_nor_extend),
      NS_TEST(test_tls_io__sendall_bulk),
      NS_TEST(test_tls_io__sendfile),
      NS_TEST(test_tls_io__ragged_eof),
      NS_TEST(test_tls_io__no_sigpipe),
      NS_TEST(test_tls_io__secure_defaults_refuse),
      NS_TEST(test_tls_io__session_resumption),
      NS_TEST(test_tls_io__bad_arguments),
  };
  tls_test_dir();
  return cmocka_run_group_tests_name("tls_io", tests, NULL, NULL);
}

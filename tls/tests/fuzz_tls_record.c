/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target: a TLS peer that sends arbitrary bytes. The first input byte
 * picks where they arrive, the rest are the bytes:
 *   0  as the server's answer to the client's hello (handshake parsing);
 *   1  raw, after a real handshake (the record layer of an established
 *      connection: headers, lengths, decryption of garbage);
 *   2  as application data the real server sends through TLS, in pieces
 *      whose sizes the bytes also choose, then a close without
 *      close_notify (the read path and the ragged end).
 * Properties: no crash or sanitizer report; every failure is one of the
 * documented classes with a non-empty message; bytes read through TLS are
 * exactly the bytes sent.
 */
#include "../../tests/fuzz/fuzz.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/socket.h>
#include <unistd.h>

#include <netsock/tls.h>

#include "certs.h"

static ns_tls_context *client_ctx, *server_ctx;
static char dir[] = "/tmp/netsock-fuzz-tls.XXXXXX";

/* The certificates are loaded into the contexts: remove them at exit. */
static void remove_certificates(void)
{
  static const char *const names[] = {"ca",        "other_ca", "server",
                                      "client",    "expired",  "wronghost",
                                      "selfsigned"};
  char path[128];
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    snprintf(path, sizeof path, "%s/%s.pem", dir, names[i]);
    unlink(path);
    snprintf(path, sizeof path, "%s/%s.key", dir, names[i]);
    unlink(path);
  }
  snprintf(path, sizeof path, "%s/encrypted.key", dir);
  unlink(path);
  rmdir(dir);
}

static void setup(void)
{
  if (client_ctx)
    return;
  char path[128], key[128];
  FUZZ_CHECK(mkdtemp(dir) && tls_test_make_certs(dir) == 0);
  atexit(remove_certificates);
  FUZZ_CHECK(!ns_tls_context_create(&client_ctx, NS_TLS_PROTOCOL_CLIENT));
  snprintf(path, sizeof path, "%s/ca.pem", dir);
  FUZZ_CHECK(!ns_tls_context_load_verify_locations(client_ctx, path, NULL));
  FUZZ_CHECK(!ns_tls_context_create(&server_ctx, NS_TLS_PROTOCOL_SERVER));
  snprintf(path, sizeof path, "%s/server.pem", dir);
  snprintf(key, sizeof key, "%s/server.key", dir);
  FUZZ_CHECK(
      !ns_tls_context_load_cert_chain(server_ctx, path, key, NULL, NULL));
}

/* A failure must be a documented class with Python's kind of message. */
static void check_failure(ns_err err)
{
  FUZZ_CHECK(ns_error_is(err, NS_ERR_SSL) || ns_error_is(err, NS_ERR_OS));
  FUZZ_CHECK(ns_error_last_message()[0] != '\0');
}

/* Drive both handshakes over a non-blocking socket pair, in turns. */
static bool handshake_pair(ns_tls *client, ns_tls *server)
{
  bool client_done = false, server_done = false;
  for (int turn = 0; turn < 64 && !(client_done && server_done); turn++) {
    ns_err err;
    if (!client_done) {
      err = ns_tls_do_handshake(client);
      client_done = err == NS_OK;
      if (err && err != NS_ERR_SSL_WANT_READ && err != NS_ERR_SSL_WANT_WRITE)
        return false;
    }
    if (!server_done) {
      err = ns_tls_do_handshake(server);
      server_done = err == NS_OK;
      if (err && err != NS_ERR_SSL_WANT_READ && err != NS_ERR_SSL_WANT_WRITE)
        return false;
    }
  }
  return client_done && server_done;
}

/* Read everything the client can get, checking it against `want`. */
static void drain_client(ns_tls *client, const uint8_t *want, size_t len)
{
  static char buf[65536];
  size_t got = 0;
  for (int i = 0; i < 4096; i++) {
    size_t n;
    ns_err err = ns_tls_recv(client, buf, sizeof buf, &n);
    if (err) {
      check_failure(err);
      return;
    }
    if (n == 0)
      break;
    FUZZ_CHECK(want == NULL ||
               (got + n <= len && memcmp(buf, want + got, n) == 0));
    got += n;
  }
  FUZZ_CHECK(want == NULL || got == len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if (size < 1 || size > 60000)
    return 0;
  setup();
  int mode = data[0] % 3;
  data++;
  size--;
  /* In mode 2 every byte may cost a whole record, and each record a whole
     socket buffer unit (about 1 KiB of the socket pair's ~200 KiB, however
     small): keep them within the buffer, as nothing reads while the server
     writes. */
  if (mode == 2 && size > 128)
    size = 128;
  ns_socket *a, *b;
  FUZZ_CHECK(!ns_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
  ns_tls *client = NULL, *server = NULL;
  FUZZ_CHECK(!ns_tls_wrap_socket(&client, client_ctx, a,
                                 NS_TLS_NO_HANDSHAKE_ON_CONNECT, "localhost"));
  if (mode == 0) {
    size_t sent = 0;
    if (size)
      FUZZ_CHECK(!ns_sendall(b, data, size, 0, &sent));
    FUZZ_CHECK(!ns_shutdown(b, SHUT_WR));
    ns_err err = ns_tls_do_handshake(client);
    if (err)
      check_failure(err);
    else
      drain_client(client, NULL, 0);
    ns_close(b);
    ns_tls_close(client);
    return 0;
  }
  FUZZ_CHECK(!ns_setblocking(a, false) && !ns_setblocking(b, false));
  FUZZ_CHECK(!ns_tls_wrap_socket(
      &server, server_ctx, b,
      NS_TLS_SERVER_SIDE | NS_TLS_NO_HANDSHAKE_ON_CONNECT, NULL));
  FUZZ_CHECK(handshake_pair(client, server));
  FUZZ_CHECK(!ns_setblocking(a, true) && !ns_setblocking(b, true));
  if (mode == 1) {
    size_t sent;
    if (size)
      FUZZ_CHECK(!ns_sendall(b, data, size, 0, &sent));
    FUZZ_CHECK(!ns_shutdown(b, SHUT_WR));
    drain_client(client, NULL, 0);
  } else {
    /* The data itself chooses the pieces: each byte, plus one, is the
       size of the next piece (the socket buffer holds it all). */
    size_t at = 0;
    for (size_t i = 0; at < size && i < size; i++) {
      size_t piece = (size_t)data[i] + 1;
      if (piece > size - at)
        piece = size - at;
      FUZZ_CHECK(!ns_tls_sendall(server, data + at, piece, NULL));
      at += piece;
    }
    FUZZ_CHECK(!ns_tls_shutdown(server, SHUT_WR));
    drain_client(client, data, size);
  }
  ns_tls_close(server);
  ns_tls_close(client);
  return 0;
}

/* SPDX-License-Identifier: MIT */
/*
 * What the TLS tests share: a per-process certificate directory, contexts
 * built from it, and a peer run in a forked child.
 */
#ifndef NETSOCK_TLS_TEST_H
#define NETSOCK_TLS_TEST_H

#include "ns_test.h"

#include <netsock/tls.h>

/* The certificates of certs.h, made once per process in a private
   directory that is removed at exit. */
const char *tls_test_dir(void);
/* "<dir>/<name>", in a static buffer per call slot (8 slots, round robin). */
const char *tls_test_path(const char *name);

/* A client context trusting the test CA; a server context with the
   certificate `name` ("server", "expired", ...). */
ns_tls_context *tls_test_client_ctx(void);
ns_tls_context *tls_test_server_ctx(const char *name);

/*
 * Run `peer(sock, arg)` in a forked child on `peer_sock`, after closing
 * `own_sock` there; the parent closes `peer_sock`. The child exits with
 * peer's return value (0 for success). Reap it with
 * ns_test_child_succeeds() or tls_test_child_status().
 */
typedef int (*tls_peer_fn)(ns_socket *sock, void *arg);
int tls_test_fork_peer(ns_socket *own_sock, ns_socket *peer_sock,
                       tls_peer_fn peer, void *arg);
/* Wait for the child and return its exit status (-1 if killed). */
int tls_test_child_status(int pid);

/* What tls_test_server does once its socket is connected. */
enum tls_test_mode {
  SERVE_ECHO,        /* handshake, echo until EOF */
  SERVE_SILENT_TLS,  /* handshake, then read until EOF, never answering */
  SERVE_SILENT_RAW,  /* no TLS at all: read until EOF, never answering */
  SERVE_CLOSE_EARLY, /* read the ClientHello's first bytes, close (a reset) */
  SERVE_CLOSE_AFTER_HELLO, /* read the whole ClientHello, close (a FIN) */
  SERVE_PLAINTEXT,         /* answer in plain HTTP, then read until EOF */
  SERVE_UNWRAP,   /* handshake, echo one message, unwrap, send "plain" */
  SERVE_RAGGED,   /* handshake, send "bye", close without close_notify */
  SERVE_STALL_TLS /* handshake, then read nothing until the client goes */
};

struct tls_test_server_conf {
  const char *cert;             /* certificate name, default "server" */
  int min_version, max_version; /* 0: the context's default */
  const char *ciphers;          /* NULL: the default */
  bool require_client_cert;     /* CERT_REQUIRED against the test CA */
  const char *alpn;             /* one protocol to accept, or NULL */
  size_t expect_bytes;          /* SERVE_SILENT_TLS: fail unless this many
                                   bytes of tls_test_pattern() arrive */
  enum tls_test_mode mode;
};

/* A configurable TLS server for the forked child: arg is a
   struct tls_test_server_conf. */
int tls_test_server(ns_socket *sock, void *arg);

/* The byte at offset i of the bulk transfers. */
static inline unsigned char tls_test_pattern(size_t i)
{
  return (unsigned char)(i * 7 + i / 4099);
}

/* A client socket connected to a forked tls_test_server(conf): returns
   the child's pid. */
int tls_test_connect(const struct tls_test_server_conf *conf,
                     ns_socket **client);

/* Fail unless the last error has this class and message. */
#define assert_tls_error(expr, code, message)                                  \
  do {                                                                         \
    assert_ns_err((expr), (code));                                             \
    assert_string_equal(ns_error_last_message(), (message));                   \
  } while (0)

#endif

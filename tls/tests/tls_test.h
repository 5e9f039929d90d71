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

/* Peers for the forked child. */
/* A TLS server with certificate `arg` (a name) that echoes until EOF. */
int tls_test_echo_server(ns_socket *sock, void *arg);

/* Fail unless the last error has this class and message. */
#define assert_tls_error(expr, code, message)                                  \
  do {                                                                         \
    assert_ns_err((expr), (code));                                             \
    assert_string_equal(ns_error_last_message(), (message));                   \
  } while (0)

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Connections: wrapping a socket, the handshake, and the I/O calls, each
 * run against the socket's timeout as one deadline.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "internal.h"

/* ---- one TLS call under the socket's timeout ------------------------------
 */

/*
 * Start a call: a deadline when the socket has a timeout, and reads and
 * writes that never block while it runs. With no timeout the descriptor
 * blocks as in raw code; with timeout 0 it is O_NONBLOCK already.
 * Returns the timeout in seconds.
 */
double ns__tls_call_begin(ns_tls *t)
{
  double timeout = ns_gettimeout(t->sock);
  if (timeout > 0) {
    /* About 146 years at most: far enough, and the sum cannot overflow. */
    double ns = timeout * 1e9;
    int64_t limit = (int64_t)1 << 62;
    t->deadline_ns =
        ns__tls_now_ns() + (ns >= (double)limit ? limit : (int64_t)ns);
    t->io_flags = MSG_DONTWAIT;
  } else {
    t->deadline_ns = 0;
    t->io_flags = 0;
  }
  t->wrote_last = false;
  return timeout;
}

static const char *timeout_message(enum tls_op op, short waiting_for)
{
  switch (op) {
  case OP_HANDSHAKE:
    return "The handshake operation timed out";
  case OP_READ:
    return "The read operation timed out";
  case OP_WRITE:
    return "The write operation timed out";
  case OP_SHUTDOWN:
    break;
  }
  return waiting_for == POLLIN ? "The read operation timed out"
                               : "The write operation timed out";
}

/*
 * One OpenSSL call, repeated after each wait until it completes, fails,
 * or the deadline passes. Returns the call's positive result, or 0 with
 * the failure recorded in *err.
 */
static int run(ns_tls *t, enum tls_op op, double timeout, const char *name,
               void *buf, size_t len, size_t *done, ns_err *err)
{
  for (;;) {
    ERR_clear_error();
    t->sys_errno = 0;
    int r;
    switch (op) {
    case OP_HANDSHAKE:
      r = SSL_do_handshake(t->ssl);
      break;
    case OP_READ:
      r = SSL_read_ex(t->ssl, buf, len, done);
      break;
    case OP_WRITE:
      r = SSL_write_ex(t->ssl, buf, len, done);
      break;
    default:
      r = SSL_shutdown(t->ssl);
      break;
    }
    if (r > 0 || (op == OP_SHUTDOWN && r == 0))
      return r > 0 ? r : 2; /* 2: close_notify sent, the peer's not read */
    int kind = SSL_get_error(t->ssl, r);
    short events = (short)(kind == SSL_ERROR_WANT_READ    ? POLLIN
                           : kind == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                          : 0);
    if (!events || timeout == 0) {
      *err = ns__tls_fail(t, r, name);
      return 0;
    }
    int ready = ns__tls_wait(t, events);
    if (ready == 0) {
      *err = ns__tls_fail_msg(NS_ERR_TIMEOUT, name, 0,
                              timeout_message(op, events));
      return 0;
    }
    if (ready < 0) {
      *err = ns__tls_fail_msg(ns_error_from_errno(errno), name, errno, NULL);
      return 0;
    }
  }
}

#define CHECK_TLS(t, op)                                                       \
  do {                                                                         \
    if (!(t))                                                                  \
      return ns__tls_fail_msg(NS_ERR_OS, (op), EBADF, NULL);                   \
  } while (0)

ns_err ns_tls_do_handshake(ns_tls *t)
{
  CHECK_TLS(t, "do_handshake");
  if (t->handshake_done)
    return NS_OK;
  ns_err err = NS_OK;
  double timeout = ns__tls_call_begin(t);
  if (!run(t, OP_HANDSHAKE, timeout, "do_handshake", NULL, 0, NULL, &err))
    return err;
  t->handshake_done = true;
  return NS_OK;
}

/* Whether a failed read is the peer closing: with close_notify, or
   without it where ragged EOFs are allowed (Python's default). */
static bool is_eof(const ns_tls *t, ns_err err)
{
  if (err == NS_ERR_SSL_ZERO_RETURN)
    return true;
  return err == NS_ERR_SSL_EOF && !(t->flags & NS_TLS_RAGGED_EOF_IS_ERROR);
}

ns_err ns_tls_recv(ns_tls *t, void *buf, size_t len, size_t *received_out)
{
  CHECK_TLS(t, "recv");
  if (!received_out || (!buf && len))
    return ns__tls_fail_msg(NS_ERR_VALUE, "recv", 0,
                            !received_out ? "received_out must not be NULL"
                                          : "buffer is NULL");
  *received_out = 0;
  if (len == 0)
    return NS_OK;
  ns_err err = NS_OK;
  double timeout = ns__tls_call_begin(t);
  if (run(t, OP_READ, timeout, "recv", buf, len, received_out, &err)) {
    t->handshake_done = true;
    return NS_OK;
  }
  if (is_eof(t, err)) {
    *received_out = 0;
    return NS_OK;
  }
  return err;
}

/* Send on a call already begun; *sent_out gets what OpenSSL took. */
static ns_err send_some(ns_tls *t, double timeout, const char *op,
                        const void *buf, size_t len, size_t *sent_out)
{
  ns_err err = NS_OK;
  if (!run(t, OP_WRITE, timeout, op, (void *)buf, len, sent_out, &err))
    return err;
  t->handshake_done = true;
  return NS_OK;
}

ns_err ns_tls_send(ns_tls *t, const void *buf, size_t len, size_t *sent_out)
{
  CHECK_TLS(t, "send");
  if (!sent_out || (!buf && len))
    return ns__tls_fail_msg(NS_ERR_VALUE, "send", 0,
                            !sent_out ? "sent_out must not be NULL"
                                      : "buffer is NULL");
  *sent_out = 0;
  if (len == 0)
    return NS_OK;
  return send_some(t, ns__tls_call_begin(t), "send", buf, len, sent_out);
}

ns_err ns__tls_sendall_in_call(ns_tls *t, double timeout, const char *op,
                               const void *buf, size_t len, size_t *sent_out)
{
  size_t total = 0;
  ns_err err = NS_OK;
  while (total < len) {
    size_t n = 0;
    err = send_some(t, timeout, op, (const char *)buf + total, len - total, &n);
    total += n;
    if (err)
      break;
  }
  *sent_out = total;
  return err;
}

ns_err ns_tls_sendall(ns_tls *t, const void *buf, size_t len, size_t *sent_out)
{
  if (sent_out)
    *sent_out = 0;
  CHECK_TLS(t, "sendall");
  if (!buf && len)
    return ns__tls_fail_msg(NS_ERR_VALUE, "sendall", 0, "buffer is NULL");
  double timeout = ns__tls_call_begin(t); /* one deadline for all of it */
  size_t total;
  ns_err err = ns__tls_sendall_in_call(t, timeout, "sendall", buf, len, &total);
  if (sent_out)
    *sent_out = total;
  return err;
}

size_t ns_tls_pending(const ns_tls *t)
{
  return t ? (size_t)SSL_pending(t->ssl) : 0;
}

static void release(ns_tls *t)
{
  SSL_free(t->ssl);
  ns_tls_context_close(t->ctx);
  free(t->server_hostname);
  free(t);
}

ns_err ns_tls_unwrap(ns_tls *t, ns_socket **sock_out)
{
  CHECK_TLS(t, "unwrap");
  if (!sock_out)
    return ns__tls_fail_msg(NS_ERR_VALUE, "unwrap", 0,
                            "sock_out must not be NULL");
  /* The kernel would go on encrypting whatever the socket sends. */
  if (t->ktls_send)
    return ns__tls_fail_msg(NS_ERR_VALUE, "unwrap", 0,
                            "cannot unwrap a connection whose sends the "
                            "kernel encrypts (kernel TLS)");
  double timeout = ns__tls_call_begin(t);
  ns_err err = NS_OK;
  /* Send our close_notify, then read the peer's (a second call), as
     CPython's shutdown does. */
  int r = run(t, OP_SHUTDOWN, timeout, "unwrap", NULL, 0, NULL, &err);
  if (r == 2)
    r = run(t, OP_SHUTDOWN, timeout, "unwrap", NULL, 0, NULL, &err);
  if (!r)
    return err;
  *sock_out = t->sock;
  release(t);
  return NS_OK;
}

ns_err ns_tls_shutdown(ns_tls *t, int how)
{
  CHECK_TLS(t, "shutdown");
  return ns_shutdown(t->sock, how);
}

ns_err ns_tls_close(ns_tls *t)
{
  if (!t)
    return NS_OK;
  ns_socket *sock = t->sock;
  release(t);
  return ns_close(sock);
}

ns_socket *ns_tls_socket(const ns_tls *t)
{
  return t ? t->sock : NULL;
}

const char *ns_tls_server_hostname(const ns_tls *t)
{
  return t ? t->server_hostname : NULL;
}

/* ---- wrapping -------------------------------------------------------------
 */

static bool is_ip_literal(const char *host)
{
  unsigned char buf[16];
  return inet_pton(AF_INET, host, buf) == 1 ||
         inet_pton(AF_INET6, host, buf) == 1;
}

/* SNI and the name the certificate must carry, as Python sets them. */
static ns_err set_hostname(ns_tls *t, const char *host)
{
  const char *op = "wrap_socket";
  if (!(t->server_hostname = strdup(host)))
    return ns__tls_fail_msg(NS_ERR_MEMORY, op, 0, "out of memory");
  bool ip = is_ip_literal(host);
  /* An IP address is never sent as SNI (RFC 6066). */
  if (!ip && !SSL_set_tlsext_host_name(t->ssl, host))
    return ns__tls_fail_queue(op);
  if (t->ctx->check_hostname) {
    X509_VERIFY_PARAM *param = SSL_get0_param(t->ssl);
    X509_VERIFY_PARAM_set_hostflags(param,
                                    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    int ok = ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host)
                : X509_VERIFY_PARAM_set1_host(param, host, 0);
    if (!ok)
      return ns__tls_fail_queue(op);
  }
  return NS_OK;
}

static ns_err check_wrap_args(ns_tls_context *ctx, ns_socket *sock, int flags,
                              const char *host)
{
  const char *op = "wrap_socket";
  if (!ctx)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "context must not be NULL");
  if (!sock)
    return ns__tls_fail_msg(NS_ERR_OS, op, EBADF, NULL);
  if (ns_socktype(sock) != SOCK_STREAM)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "Only sockets of type SOCK_STREAM are supported");
  bool server = flags & NS_TLS_SERVER_SIDE;
  if (server != ctx->server)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            server ? "Cannot create a server socket with a "
                                     "PROTOCOL_TLS_CLIENT context"
                                   : "Cannot create a client socket with a "
                                     "PROTOCOL_TLS_SERVER context");
  if (server && host)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "server_hostname can only be specified in client "
                            "mode");
  if (!server && ctx->check_hostname && !host)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "check_hostname requires server_hostname");
  if (host && (!host[0] || host[0] == '.'))
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "server_hostname cannot be an empty string or "
                            "start with a leading dot.");
  if (!(flags & NS_TLS_NO_HANDSHAKE_ON_CONNECT) && ns_gettimeout(sock) == 0)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "do_handshake_on_connect should not be specified "
                            "for non-blocking sockets");
  return NS_OK;
}

ns_err ns_tls_wrap_socket(ns_tls **out, ns_tls_context *ctx, ns_socket *sock,
                          int flags, const char *server_hostname)
{
  const char *op = "wrap_socket";
  if (!out)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "out must not be NULL");
  *out = NULL;
  ns_err err = check_wrap_args(ctx, sock, flags, server_hostname);
  if (err)
    return err;
  ns_tls *t = calloc(1, sizeof *t);
  if (!t)
    return ns__tls_fail_msg(NS_ERR_MEMORY, op, 0, "out of memory");
  t->sock = sock;
  t->fd = ns_fileno(sock);
  t->flags = flags;
  t->ctx = ctx;
  ns__tls_context_ref(ctx);
  ERR_clear_error();
  BIO *bio = NULL;
  if (!(t->ssl = SSL_new(ctx->ssl_ctx)) || !(bio = ns__tls_bio_new(t))) {
    err = ns__tls_fail_queue(op);
    goto fail;
  }
  SSL_set_bio(t->ssl, bio, bio);
  if (flags & NS_TLS_SERVER_SIDE)
    SSL_set_accept_state(t->ssl);
  else
    SSL_set_connect_state(t->ssl);
  if (server_hostname && (err = set_hostname(t, server_hostname)) != NS_OK)
    goto fail;
  if (!(flags & NS_TLS_NO_HANDSHAKE_ON_CONNECT) &&
      (err = ns_tls_do_handshake(t)) != NS_OK)
    goto fail;
  *out = t;
  return NS_OK;
fail:
  release(t); /* the socket stays the caller's */
  return err;
}

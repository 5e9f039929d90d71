/* SPDX-License-Identifier: MIT */
/*
 * Contexts: Python's SSLContext over an SSL_CTX, with Python's defaults
 * and its rules for weakening them.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>

#include "internal.h"

/* Python's default cipher list for TLS 1.2 (TLS 1.3 suites are
   OpenSSL's): forward secrecy and AEAD first, no SHA-1, no DSS. */
#define DEFAULT_CIPHERS                                                        \
  "@SECLEVEL=2:ECDH+AESGCM:ECDH+CHACHA20:ECDH+AES:DHE+AES:!aNULL:!eNULL:"      \
  "!aDSS:!SHA1:!AESCCM"

void ns__tls_context_ref(ns_tls_context *ctx)
{
  atomic_fetch_add_explicit(&ctx->refs, 1, memory_order_relaxed);
}

void ns_tls_context_close(ns_tls_context *ctx)
{
  if (!ctx ||
      atomic_fetch_sub_explicit(&ctx->refs, 1, memory_order_acq_rel) != 1)
    return;
  SSL_CTX_free(ctx->ssl_ctx);
  free(ctx->alpn);
  free(ctx);
}

/* A server picks the first of its protocols the client offers, as
   Python does; none in common means no ALPN, not a failed handshake. */
static int select_alpn(SSL *ssl, const unsigned char **out,
                       unsigned char *outlen, const unsigned char *in,
                       unsigned int inlen, void *arg)
{
  (void)ssl;
  ns_tls_context *ctx = arg;
  unsigned char *chosen = NULL;
  if (!ctx->alpn || SSL_select_next_proto(&chosen, outlen, ctx->alpn,
                                          (unsigned int)ctx->alpn_len, in,
                                          inlen) != OPENSSL_NPN_NEGOTIATED)
    return SSL_TLSEXT_ERR_NOACK;
  *out = chosen;
  return SSL_TLSEXT_ERR_OK;
}

/* Never let OpenSSL prompt on a terminal for a key's password. */
static int no_password(char *buf, int size, int rwflag, void *userdata)
{
  (void)buf;
  (void)size;
  (void)rwflag;
  (void)userdata;
  return -1;
}

ns_err ns_tls_context_create(ns_tls_context **out, int protocol)
{
  const char *op = "SSLContext";
  if (!out)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "out must not be NULL");
  *out = NULL;
  if (protocol != NS_TLS_PROTOCOL_CLIENT && protocol != NS_TLS_PROTOCOL_SERVER)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "invalid or unsupported protocol version");
  bool server = protocol == NS_TLS_PROTOCOL_SERVER;
  ns_tls_context *ctx = calloc(1, sizeof *ctx);
  if (!ctx)
    return ns__tls_fail_msg(NS_ERR_MEMORY, op, 0, "out of memory");
  ctx->ssl_ctx =
      SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  if (!ctx->ssl_ctx) {
    free(ctx);
    return ns__tls_fail_queue(op);
  }
  atomic_init(&ctx->refs, 1);
  ctx->server = server;
  SSL_CTX *c = ctx->ssl_ctx;
  /* Both SINGLE_*_USE are 0 since OpenSSL 1.1 (hence the lint finding of
     equal operands); they stay as Python's _ssl.c sets them. */
  /* NOLINTBEGIN(misc-redundant-expression) */
  SSL_CTX_set_options(c, SSL_OP_ALL | SSL_OP_NO_COMPRESSION |
                             SSL_OP_CIPHER_SERVER_PREFERENCE |
                             SSL_OP_SINGLE_DH_USE | SSL_OP_SINGLE_ECDH_USE);
  /* NOLINTEND(misc-redundant-expression) */
  /* Partial writes let sendall report its progress; buffers are kept
     between calls (no SSL_MODE_RELEASE_BUFFERS): no allocation per I/O. */
  SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE |
                          SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                          SSL_MODE_AUTO_RETRY);
  SSL_CTX_set_default_passwd_cb(c, no_password);
  if (!SSL_CTX_set_min_proto_version(c, TLS1_2_VERSION) ||
      !SSL_CTX_set_cipher_list(c, DEFAULT_CIPHERS)) {
    ns_tls_context_close(ctx);
    return ns__tls_fail_queue(op);
  }
  if (server) {
    SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
    SSL_CTX_set_alpn_select_cb(c, select_alpn, ctx);
  } else {
    ctx->check_hostname = true;
    SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT,
                       NULL);
  }
  *out = ctx;
  return NS_OK;
}

ns_err ns_tls_create_default_context(ns_tls_context **out, int purpose)
{
  if (purpose != NS_TLS_PURPOSE_SERVER_AUTH &&
      purpose != NS_TLS_PURPOSE_CLIENT_AUTH) {
    if (out)
      *out = NULL;
    return ns__tls_fail_msg(NS_ERR_VALUE, "create_default_context", 0,
                            "purpose must be SERVER_AUTH or CLIENT_AUTH");
  }
  ns_err err = ns_tls_context_create(out, purpose == NS_TLS_PURPOSE_SERVER_AUTH
                                              ? NS_TLS_PROTOCOL_CLIENT
                                              : NS_TLS_PROTOCOL_SERVER);
  if (!err && (err = ns_tls_context_load_default_certs(*out)) != NS_OK) {
    ns_tls_context_close(*out);
    *out = NULL;
  }
  return err;
}

#define CHECK_CTX(ctx, op)                                                     \
  do {                                                                         \
    if (!(ctx))                                                                \
      return ns__tls_fail_msg(NS_ERR_VALUE, (op), 0,                           \
                              "context must not be NULL");                     \
  } while (0)

ns_err ns_tls_context_load_verify_locations(ns_tls_context *ctx,
                                            const char *cafile,
                                            const char *capath)
{
  const char *op = "load_verify_locations";
  CHECK_CTX(ctx, op);
  if (!cafile && !capath)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "cafile, capath and cadata cannot be all omitted");
  ERR_clear_error();
  if (!SSL_CTX_load_verify_locations(ctx->ssl_ctx, cafile, capath))
    return ns__tls_fail_queue(op);
  return NS_OK;
}

ns_err ns_tls_context_load_default_certs(ns_tls_context *ctx)
{
  const char *op = "load_default_certs";
  CHECK_CTX(ctx, op);
  ERR_clear_error();
  if (!SSL_CTX_set_default_verify_paths(ctx->ssl_ctx))
    return ns__tls_fail_queue(op);
  return NS_OK;
}

struct password_call {
  ns_tls_password_cb cb;
  void *userdata;
};

static int call_password(char *buf, int size, int rwflag, void *arg)
{
  (void)rwflag;
  struct password_call *p = arg;
  int n = p->cb(buf, (size_t)size, p->userdata);
  return n < 0 || n > size ? -1 : n;
}

ns_err ns_tls_context_load_cert_chain(ns_tls_context *ctx, const char *certfile,
                                      const char *keyfile,
                                      ns_tls_password_cb password,
                                      void *userdata)
{
  const char *op = "load_cert_chain";
  CHECK_CTX(ctx, op);
  if (!certfile)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "certfile must not be NULL");
  SSL_CTX *c = ctx->ssl_ctx;
  struct password_call call = {password, userdata};
  if (password) {
    SSL_CTX_set_default_passwd_cb(c, call_password);
    SSL_CTX_set_default_passwd_cb_userdata(c, &call);
  }
  ERR_clear_error();
  ns_err err = NS_OK;
  if (SSL_CTX_use_certificate_chain_file(c, certfile) != 1 ||
      SSL_CTX_use_PrivateKey_file(c, keyfile ? keyfile : certfile,
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(c) != 1)
    err = ns__tls_fail_queue(op);
  /* The callback's arguments live on this stack frame only. */
  SSL_CTX_set_default_passwd_cb(c, no_password);
  SSL_CTX_set_default_passwd_cb_userdata(c, NULL);
  return err;
}

ns_err ns_tls_context_set_ciphers(ns_tls_context *ctx, const char *ciphers)
{
  const char *op = "set_ciphers";
  CHECK_CTX(ctx, op);
  ERR_clear_error();
  if (!ciphers || !SSL_CTX_set_cipher_list(ctx->ssl_ctx, ciphers)) {
    ERR_clear_error();
    return ns__tls_fail_msg(NS_ERR_SSL, op, 0, "No cipher can be selected.");
  }
  return NS_OK;
}

static ns_err set_version(ns_tls_context *ctx, int version, bool maximum)
{
  const char *op = maximum ? "maximum_version" : "minimum_version";
  CHECK_CTX(ctx, op);
  int v;
  switch (version) {
  case NS_TLS_VERSION_MINIMUM_SUPPORTED:
  case NS_TLS_VERSION_MAXIMUM_SUPPORTED:
    v = 0; /* OpenSSL's "no limit" */
    break;
  case NS_TLS_VERSION_SSLv3:
  case NS_TLS_VERSION_TLSv1:
  case NS_TLS_VERSION_TLSv1_1:
  case NS_TLS_VERSION_TLSv1_2:
  case NS_TLS_VERSION_TLSv1_3:
    v = version;
    break;
  default: {
    char msg[64];
    snprintf(msg, sizeof msg, "Unsupported TLS/SSL version 0x%x",
             (unsigned)version);
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, msg);
  }
  }
  ERR_clear_error();
  int ok = maximum ? SSL_CTX_set_max_proto_version(ctx->ssl_ctx, v)
                   : SSL_CTX_set_min_proto_version(ctx->ssl_ctx, v);
  return ok ? NS_OK : ns__tls_fail_queue(op);
}

ns_err ns_tls_context_set_minimum_version(ns_tls_context *ctx, int version)
{
  return set_version(ctx, version, false);
}

ns_err ns_tls_context_set_maximum_version(ns_tls_context *ctx, int version)
{
  return set_version(ctx, version, true);
}

int ns_tls_context_minimum_version(const ns_tls_context *ctx)
{
  long v = ctx ? SSL_CTX_get_min_proto_version(ctx->ssl_ctx) : 0;
  return v ? (int)v : NS_TLS_VERSION_MINIMUM_SUPPORTED;
}

int ns_tls_context_maximum_version(const ns_tls_context *ctx)
{
  long v = ctx ? SSL_CTX_get_max_proto_version(ctx->ssl_ctx) : 0;
  return v ? (int)v : NS_TLS_VERSION_MAXIMUM_SUPPORTED;
}

static int openssl_verify_flags(int mode)
{
  switch (mode) {
  case NS_TLS_CERT_OPTIONAL:
    return SSL_VERIFY_PEER;
  case NS_TLS_CERT_REQUIRED:
    return SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  default:
    return SSL_VERIFY_NONE;
  }
}

ns_err ns_tls_context_set_verify_mode(ns_tls_context *ctx, int mode)
{
  const char *op = "verify_mode";
  CHECK_CTX(ctx, op);
  if (mode != NS_TLS_CERT_NONE && mode != NS_TLS_CERT_OPTIONAL &&
      mode != NS_TLS_CERT_REQUIRED)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "invalid value for verify_mode");
  if (mode == NS_TLS_CERT_NONE && ctx->check_hostname)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "Cannot set verify_mode to CERT_NONE when "
                            "check_hostname is enabled.");
  SSL_CTX_set_verify(ctx->ssl_ctx, openssl_verify_flags(mode), NULL);
  return NS_OK;
}

int ns_tls_context_verify_mode(const ns_tls_context *ctx)
{
  if (!ctx)
    return NS_TLS_CERT_NONE;
  int m = SSL_CTX_get_verify_mode(ctx->ssl_ctx);
  if (m & SSL_VERIFY_FAIL_IF_NO_PEER_CERT)
    return NS_TLS_CERT_REQUIRED;
  return m & SSL_VERIFY_PEER ? NS_TLS_CERT_OPTIONAL : NS_TLS_CERT_NONE;
}

ns_err ns_tls_context_set_check_hostname(ns_tls_context *ctx, bool check)
{
  CHECK_CTX(ctx, "check_hostname");
  /* Turning the check on never leaves verification off, as in Python. */
  if (check && ns_tls_context_verify_mode(ctx) == NS_TLS_CERT_NONE)
    SSL_CTX_set_verify(ctx->ssl_ctx, openssl_verify_flags(NS_TLS_CERT_REQUIRED),
                       NULL);
  ctx->check_hostname = check;
  return NS_OK;
}

bool ns_tls_context_check_hostname(const ns_tls_context *ctx)
{
  return ctx && ctx->check_hostname;
}

ns_err ns_tls_context_set_alpn_protocols(ns_tls_context *ctx,
                                         const char *const *protocols,
                                         size_t count)
{
  const char *op = "set_alpn_protocols";
  CHECK_CTX(ctx, op);
  if (!protocols && count)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "protocols must not be NULL");
  size_t total = 0;
  for (size_t i = 0; i < count; i++) {
    size_t n = protocols[i] ? strlen(protocols[i]) : 0;
    if (n == 0 || n > 255)
      return ns__tls_fail_msg(NS_ERR_SSL, op, 0, /* as Python raises it */
                              "ALPN protocols must be 1 to 255 in length");
    total += 1 + n;
  }
  if (total > 65535)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "protocols longer than 65535 bytes");
  /* Each protocol adds at least 2 bytes: total is 0 exactly when count is. */
  unsigned char *wire = count ? malloc(total) : NULL;
  if (count && !wire)
    return ns__tls_fail_msg(NS_ERR_MEMORY, op, 0, "out of memory");
  size_t at = 0;
  for (size_t i = 0; i < count; i++) {
    size_t n = strlen(protocols[i]);
    wire[at++] = (unsigned char)n;
    memcpy(wire + at, protocols[i], n);
    at += n;
  }
  /* A client offers them (SSL_CTX_set_alpn_protos returns 0 on success). */
  if (!ctx->server &&
      SSL_CTX_set_alpn_protos(ctx->ssl_ctx, wire, (unsigned int)total) != 0) {
    free(wire);
    return ns__tls_fail_msg(NS_ERR_MEMORY, op, 0, "out of memory");
  }
  free(ctx->alpn);
  ctx->alpn = wire;
  ctx->alpn_len = total;
  return NS_OK;
}

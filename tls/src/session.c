/* SPDX-License-Identifier: MIT */
/*
 * Session resumption. An ns_tls_session is OpenSSL's SSL_SESSION itself,
 * behind the opaque type: each handle is one reference to it.
 */
#include <errno.h>

#include "internal.h"

static SSL_SESSION *session_of(const ns_tls_session *s)
{
  return (SSL_SESSION *)s;
}

ns_err ns_tls_get_session(const ns_tls *t, ns_tls_session **out)
{
  if (!out)
    return ns__tls_fail_msg(NS_ERR_VALUE, "session", 0, "out must not be NULL");
  *out = NULL;
  if (!t)
    return ns__tls_fail_msg(NS_ERR_OS, "session", EBADF, NULL);
  *out = (ns_tls_session *)SSL_get1_session(t->ssl);
  return NS_OK;
}

ns_err ns_tls_set_session(ns_tls *t, const ns_tls_session *session)
{
  const char *op = "session";
  if (!t)
    return ns__tls_fail_msg(NS_ERR_OS, op, EBADF, NULL);
  if (!session)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "Value is not a SSLSession.");
  if (t->flags & NS_TLS_SERVER_SIDE)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "Cannot set session for server-side SSLSocket.");
  if (t->handshake_done || SSL_is_init_finished(t->ssl))
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0,
                            "Cannot set session after handshake.");
  if (!SSL_set_session(t->ssl, session_of(session)))
    return ns__tls_fail_queue(op);
  return NS_OK;
}

bool ns_tls_session_reused(const ns_tls *t)
{
  return t && SSL_session_reused(t->ssl) == 1;
}

void ns_tls_session_free(ns_tls_session *session)
{
  SSL_SESSION_free(session_of(session));
}

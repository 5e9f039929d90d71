/* SPDX-License-Identifier: MIT */
/* What a connection negotiated: version, cipher, ALPN. */
#include <string.h>

#include "internal.h"

const char *ns_tls_version(const ns_tls *t)
{
  if (!t || !SSL_is_init_finished(t->ssl))
    return NULL;
  return SSL_get_version(t->ssl);
}

ns_err ns_tls_cipher(const ns_tls *t, const char **name_out,
                     const char **protocol_out, int *secret_bits_out)
{
  const SSL_CIPHER *c = t ? SSL_get_current_cipher(t->ssl) : NULL;
  if (!c)
    return ns__tls_fail_msg(NS_ERR_VALUE, "cipher", 0, "no cipher yet");
  if (name_out)
    *name_out = SSL_CIPHER_get_name(c);
  if (protocol_out)
    *protocol_out = SSL_CIPHER_get_version(c);
  if (secret_bits_out)
    *secret_bits_out = SSL_CIPHER_get_bits(c, NULL);
  return NS_OK;
}

const char *ns_tls_selected_alpn_protocol(ns_tls *t)
{
  if (!t)
    return NULL;
  const unsigned char *p = NULL;
  unsigned int n = 0;
  SSL_get0_alpn_selected(t->ssl, &p, &n);
  if (!p || n == 0)
    return NULL;
  /* OpenSSL's copy is not NUL-terminated; keep one in the connection. */
  memcpy(t->alpn, p, n);
  t->alpn[n] = '\0';
  return t->alpn;
}

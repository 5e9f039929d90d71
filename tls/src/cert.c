/* SPDX-License-Identifier: MIT */
/*
 * The peer's certificate: its DER bytes, and the fields Python's
 * getpeercert() dict shows, decoded once into an ns_tls_cert.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

#include "internal.h"

struct entry {
  char *key;
  char *value;
};

struct ns_tls_cert {
  bool validated;
  struct entry *names[3]; /* subject, issuer, subjectAltName */
  size_t counts[3];
  char *not_before, *not_after, *serial;
  char version[24];
};

ns_err ns_tls_getpeercert_der(const ns_tls *t, void *buf, size_t size,
                              size_t *len_out)
{
  const char *op = "getpeercert";
  if (!t)
    return ns__tls_fail_msg(NS_ERR_OS, op, EBADF, NULL);
  if (!len_out)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "len_out must not be NULL");
  *len_out = 0;
  if (!SSL_is_init_finished(t->ssl))
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "handshake not done yet");
  X509 *cert = SSL_get0_peer_certificate(t->ssl);
  if (!cert)
    return NS_OK;
  int n = i2d_X509(cert, NULL);
  if (n <= 0)
    return ns__tls_fail_queue(op);
  *len_out = (size_t)n;
  if (!buf || size < (size_t)n)
    return ns__tls_fail_msg(NS_ERR_OVERFLOW, op, 0,
                            "buffer too small for the certificate");
  unsigned char *p = buf;
  i2d_X509(cert, &p);
  return NS_OK;
}

/* Append (key, value) to list `which`; values are copied. */
static bool add(ns_tls_cert *c, int which, const char *key, const char *value,
                size_t value_len)
{
  struct entry *grown =
      realloc(c->names[which], (c->counts[which] + 1) * sizeof *grown);
  if (!grown)
    return false;
  c->names[which] = grown;
  char *k = strdup(key);
  char *v = malloc(value_len + 1);
  if (!k || !v) {
    free(k);
    free(v);
    return false;
  }
  memcpy(v, value, value_len);
  v[value_len] = '\0';
  grown[c->counts[which]++] = (struct entry){k, v};
  return true;
}

/* Every attribute of a name, as (long name, UTF-8 value). */
static bool add_name(ns_tls_cert *c, int which, const X509_NAME *name)
{
  for (int i = 0; i < X509_NAME_entry_count(name); i++) {
    const X509_NAME_ENTRY *e = X509_NAME_get_entry(name, i);
    char key[80];
    if (OBJ_obj2txt(key, sizeof key, X509_NAME_ENTRY_get_object(e), 0) <= 0)
      return false;
    unsigned char *utf8 = NULL;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(e));
    if (n < 0)
      return false;
    bool ok = add(c, which, key, (const char *)utf8, (size_t)n);
    OPENSSL_free(utf8);
    if (!ok)
      return false;
  }
  return true;
}

/* An IP address as Python prints it: dotted, or eight uppercase groups. */
static int format_ip(char *out, size_t size, const ASN1_OCTET_STRING *ip)
{
  const unsigned char *b = ASN1_STRING_get0_data(ip);
  int len = ASN1_STRING_length(ip);
  if (len == 4)
    return snprintf(out, size, "%d.%d.%d.%d", b[0], b[1], b[2], b[3]);
  if (len == 16)
    return snprintf(out, size, "%X:%X:%X:%X:%X:%X:%X:%X", b[0] << 8 | b[1],
                    b[2] << 8 | b[3], b[4] << 8 | b[5], b[6] << 8 | b[7],
                    b[8] << 8 | b[9], b[10] << 8 | b[11], b[12] << 8 | b[13],
                    b[14] << 8 | b[15]);
  return snprintf(out, size, "<invalid>");
}

static bool add_san(ns_tls_cert *c, X509 *cert)
{
  /* NULL both when there is no such extension (crit -1) and when it
     could not be decoded (out of memory): only the first is no names. */
  int crit = 0;
  GENERAL_NAMES *names =
      X509_get_ext_d2i(cert, NID_subject_alt_name, &crit, NULL);
  if (!names)
    return crit == -1;
  bool ok = true;
  for (int i = 0; ok && i < sk_GENERAL_NAME_num(names); i++) {
    const GENERAL_NAME *g = sk_GENERAL_NAME_value(names, i);
    char buf[64];
    switch (g->type) {
    case GEN_DNS:
    case GEN_EMAIL:
    case GEN_URI: {
      const ASN1_IA5STRING *s = g->d.ia5;
      const char *kind = g->type == GEN_DNS     ? "DNS"
                         : g->type == GEN_EMAIL ? "email"
                                                : "URI";
      ok = add(c, NS_TLS_CERT_SAN, kind, (const char *)ASN1_STRING_get0_data(s),
               (size_t)ASN1_STRING_length(s));
      break;
    }
    case GEN_IPADD: {
      int n = format_ip(buf, sizeof buf, g->d.ip);
      ok = add(c, NS_TLS_CERT_SAN, "IP Address", buf, (size_t)n);
      break;
    }
    default:
      /* Python decodes directory names and registered IDs; rare in the
         wild, they are named here but not decoded. */
      ok = add(c, NS_TLS_CERT_SAN, "othername", "<unsupported>", 13);
      break;
    }
  }
  GENERAL_NAMES_free(names);
  return ok;
}

/* Text that an OpenSSL printer writes to a BIO, as a new string. */
static char *print_to_string(int (*print)(BIO *, const void *),
                             const void *what)
{
  BIO *mem = BIO_new(BIO_s_mem());
  char *out = NULL;
  if (mem && print(mem, what) > 0) {
    char *data;
    long n = BIO_get_mem_data(mem, &data);
    if ((out = malloc((size_t)n + 1)) != NULL) {
      memcpy(out, data, (size_t)n);
      out[n] = '\0';
    }
  }
  BIO_free(mem);
  return out;
}

static int print_time(BIO *b, const void *t)
{
  return ASN1_TIME_print(b, t);
}

static int print_integer(BIO *b, const void *i)
{
  return i2a_ASN1_INTEGER(b, i);
}

static bool decode(ns_tls_cert *c, X509 *cert)
{
  snprintf(c->version, sizeof c->version, "%ld", X509_get_version(cert) + 1);
  return add_name(c, NS_TLS_CERT_SUBJECT, X509_get_subject_name(cert)) &&
         add_name(c, NS_TLS_CERT_ISSUER, X509_get_issuer_name(cert)) &&
         add_san(c, cert) &&
         (c->not_before =
              print_to_string(print_time, X509_get0_notBefore(cert))) &&
         (c->not_after =
              print_to_string(print_time, X509_get0_notAfter(cert))) &&
         (c->serial =
              print_to_string(print_integer, X509_get0_serialNumber(cert)));
}

ns_err ns_tls_getpeercert(const ns_tls *t, ns_tls_cert **out)
{
  const char *op = "getpeercert";
  if (!out)
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "out must not be NULL");
  *out = NULL;
  if (!t)
    return ns__tls_fail_msg(NS_ERR_OS, op, EBADF, NULL);
  if (!SSL_is_init_finished(t->ssl))
    return ns__tls_fail_msg(NS_ERR_VALUE, op, 0, "handshake not done yet");
  X509 *cert = SSL_get0_peer_certificate(t->ssl);
  if (!cert)
    return NS_OK;
  ns_tls_cert *c = calloc(1, sizeof *c);
  if (!c)
    return ns__tls_fail_msg(NS_ERR_MEMORY, op, 0, "out of memory");
  /* As Python: without verification the dict is empty. */
  c->validated = SSL_get_verify_mode(t->ssl) & SSL_VERIFY_PEER;
  ERR_clear_error();
  if (c->validated && !decode(c, cert)) {
    ns_tls_cert_free(c);
    /* OpenSSL's reason when it gave one (as Python's SSLError), else
       one of our own allocations failed. */
    return ERR_peek_error()
               ? ns__tls_fail_queue(op)
               : ns__tls_fail_msg(NS_ERR_MEMORY, op, 0, "out of memory");
  }
  *out = c;
  return NS_OK;
}

void ns_tls_cert_free(ns_tls_cert *c)
{
  if (!c)
    return;
  for (int w = 0; w < 3; w++) {
    for (size_t i = 0; i < c->counts[w]; i++) {
      free(c->names[w][i].key);
      free(c->names[w][i].value);
    }
    free(c->names[w]);
  }
  free(c->not_before);
  free(c->not_after);
  free(c->serial);
  free(c);
}

size_t ns_tls_cert_count(const ns_tls_cert *c, int field)
{
  if (!c || field < NS_TLS_CERT_SUBJECT || field > NS_TLS_CERT_SAN)
    return 0;
  return c->counts[field];
}

ns_err ns_tls_cert_name(const ns_tls_cert *c, int field, size_t index,
                        const char **key_out, const char **value_out)
{
  if (!key_out || !value_out)
    return ns__tls_fail_msg(NS_ERR_VALUE, "getpeercert", 0,
                            "key_out and value_out must not be NULL");
  *key_out = *value_out = NULL;
  if (index >= ns_tls_cert_count(c, field))
    return ns__tls_fail_msg(NS_ERR_VALUE, "getpeercert", 0,
                            "index out of range");
  *key_out = c->names[field][index].key;
  *value_out = c->names[field][index].value;
  return NS_OK;
}

const char *ns_tls_cert_get(const ns_tls_cert *c, const char *key)
{
  if (!c || !c->validated || !key)
    return NULL;
  if (strcmp(key, "notBefore") == 0)
    return c->not_before;
  if (strcmp(key, "notAfter") == 0)
    return c->not_after;
  if (strcmp(key, "serialNumber") == 0)
    return c->serial;
  if (strcmp(key, "version") == 0)
    return c->version;
  return NULL;
}

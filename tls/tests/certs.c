/* SPDX-License-Identifier: MIT */
/* Throwaway certificates for the TLS tests (see certs.h). */
#include "certs.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct issued {
  EVP_PKEY *key;
  X509 *cert;
};

/* P-256 keys: quick to make, and every peer here speaks ECDSA. */
static EVP_PKEY *new_key(void)
{
  return EVP_EC_gen("P-256");
}

static int add_ext(X509 *cert, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, NULL, NULL, 0);
  X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &ctx, nid, value);
  if (!ext)
    return -1;
  int ok = X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
  return ok ? 0 : -1;
}

/*
 * A certificate for `cn` valid from now + from_days to now + to_days,
 * signed by `issuer` (itself when NULL). `san` may be NULL; `ca` makes a
 * CA certificate.
 */
static int issue(struct issued *out, const char *cn, const char *san,
                 long from_days, long to_days, const struct issued *issuer,
                 int ca)
{
  static long serial = 1;
  out->key = new_key();
  out->cert = X509_new();
  if (!out->key || !out->cert)
    return -1;
  X509 *c = out->cert;
  X509_set_version(c, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(c), serial++);
  X509_gmtime_adj(X509_getm_notBefore(c), from_days * 86400);
  X509_gmtime_adj(X509_getm_notAfter(c), to_days * 86400);
  X509_set_pubkey(c, out->key);
  X509_NAME *name = X509_get_subject_name(c);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             (const unsigned char *)"netsock tests", -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             (const unsigned char *)cn, -1, -1, 0);
  X509 *signer = issuer ? issuer->cert : c;
  X509_set_issuer_name(c, X509_get_subject_name(signer));
  if (ca) {
    if (add_ext(c, signer, NID_basic_constraints, "critical,CA:TRUE") ||
        add_ext(c, signer, NID_key_usage, "critical,keyCertSign,cRLSign"))
      return -1;
  } else if (add_ext(c, signer, NID_basic_constraints, "CA:FALSE")) {
    return -1;
  }
  if (add_ext(c, signer, NID_subject_key_identifier, "hash") ||
      add_ext(c, signer, NID_authority_key_identifier, "keyid:always"))
    return -1;
  if (san && add_ext(c, signer, NID_subject_alt_name, san))
    return -1;
  EVP_PKEY *sign_key = issuer ? issuer->key : out->key;
  return X509_sign(c, sign_key, EVP_sha256()) > 0 ? 0 : -1;
}

static int write_pem(const char *dir, const char *name, const struct issued *it,
                     const char *password)
{
  char path[4096];
  snprintf(path, sizeof path, "%s/%s.pem", dir, name);
  FILE *f = fopen(path, "w");
  if (!f || !PEM_write_X509(f, it->cert))
    return -1;
  fclose(f);
  snprintf(path, sizeof path, "%s/%s.key", dir, name);
  if (!(f = fopen(path, "w")))
    return -1;
  int ok = PEM_write_PrivateKey(f, it->key, NULL, NULL, 0, NULL, NULL);
  fclose(f);
  if (!ok)
    return -1;
  if (password) {
    snprintf(path, sizeof path, "%s/encrypted.key", dir);
    if (!(f = fopen(path, "w")))
      return -1;
    ok = PEM_write_PrivateKey(f, it->key, EVP_aes_256_cbc(),
                              (const unsigned char *)password,
                              (int)strlen(password), NULL, NULL);
    fclose(f);
  }
  return ok ? 0 : -1;
}

static void release(struct issued *it)
{
  EVP_PKEY_free(it->key);
  X509_free(it->cert);
}

int tls_test_make_certs(const char *dir)
{
  struct issued ca = {0}, other = {0}, server = {0}, client = {0},
                expired = {0}, wrong = {0}, self = {0};
  const char *local = "DNS:localhost,IP:127.0.0.1,IP:::1";
  int err =
      issue(&ca, "netsock test CA", NULL, -1, 30, NULL, 1) ||
      issue(&other, "netsock other CA", NULL, -1, 30, NULL, 1) ||
      issue(&server, "localhost", local, -1, 30, &ca, 0) ||
      issue(&client, "netsock test client", NULL, -1, 30, &ca, 0) ||
      issue(&expired, "localhost", local, -400, -365, &ca, 0) ||
      issue(&wrong, "wrong.example", "DNS:wrong.example", -1, 30, &ca, 0) ||
      issue(&self, "localhost", local, -1, 30, NULL, 0) ||
      write_pem(dir, "ca", &ca, NULL) ||
      write_pem(dir, "other_ca", &other, NULL) ||
      write_pem(dir, "server", &server, "secret") ||
      write_pem(dir, "client", &client, NULL) ||
      write_pem(dir, "expired", &expired, NULL) ||
      write_pem(dir, "wronghost", &wrong, NULL) ||
      write_pem(dir, "selfsigned", &self, NULL);
  if (err) {
    fprintf(stderr, "tls_test_make_certs(%s) failed:\n", dir);
    ERR_print_errors_fp(stderr);
  }
  release(&ca);
  release(&other);
  release(&server);
  release(&client);
  release(&expired);
  release(&wrong);
  release(&self);
  return err ? -1 : 0;
}

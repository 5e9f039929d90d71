/* SPDX-License-Identifier: MIT */
/*
 * OpenSSL's failures as Python's ssl module reports them: the class, the
 * errno Python gives the exception, and str(exc) without CPython's
 * "(_ssl.c:NNNN)" source location. The SSL detail (library, reason,
 * verification result) is kept per thread beside the core's record.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509_vfy.h>

#include "internal.h"

/* Python's numbering of OpenSSL's error kinds: SSLError.errno. */
enum {
  PY_SSL_ERROR_SSL = 1,
  PY_SSL_ERROR_WANT_READ = 2,
  PY_SSL_ERROR_WANT_WRITE = 3,
  PY_SSL_ERROR_WANT_X509_LOOKUP = 4,
  PY_SSL_ERROR_SYSCALL = 5,
  PY_SSL_ERROR_ZERO_RETURN = 6,
  PY_SSL_ERROR_WANT_CONNECT = 7,
  PY_SSL_ERROR_EOF = 8
};

static _Thread_local struct {
  const char *library;
  char reason[64];
  long verify_code;
  char verify_message[160];
} detail;

static void clear_detail(void)
{
  detail.library = "";
  detail.reason[0] = '\0';
  detail.verify_code = 0;
  detail.verify_message[0] = '\0';
}

const char *ns_tls_error_library(void)
{
  return detail.library ? detail.library : "";
}

const char *ns_tls_error_reason(void)
{
  return detail.reason;
}

long ns_tls_error_verify_code(void)
{
  return detail.verify_code;
}

const char *ns_tls_error_verify_message(void)
{
  return detail.verify_message;
}

/* The short library names Python prints in "[SSL: ...]". */
static const char *library_name(int lib)
{
  switch (lib) {
  case ERR_LIB_SYS:
    return "SYS";
  case ERR_LIB_BN:
    return "BN";
  case ERR_LIB_RSA:
    return "RSA";
  case ERR_LIB_DH:
    return "DH";
  case ERR_LIB_EVP:
    return "EVP";
  case ERR_LIB_BUF:
    return "BUF";
  case ERR_LIB_OBJ:
    return "OBJ";
  case ERR_LIB_PEM:
    return "PEM";
  case ERR_LIB_DSA:
    return "DSA";
  case ERR_LIB_X509:
    return "X509";
  case ERR_LIB_ASN1:
    return "ASN1";
  case ERR_LIB_CONF:
    return "CONF";
  case ERR_LIB_CRYPTO:
    return "CRYPTO";
  case ERR_LIB_EC:
    return "EC";
  case ERR_LIB_SSL:
    return "SSL";
  case ERR_LIB_BIO:
    return "BIO";
  case ERR_LIB_PKCS7:
    return "PKCS7";
  case ERR_LIB_X509V3:
    return "X509V3";
  case ERR_LIB_PKCS12:
    return "PKCS12";
  case ERR_LIB_RAND:
    return "RAND";
  case ERR_LIB_OSSL_STORE:
    return "OSSL_STORE";
  case ERR_LIB_PROV:
    return "PROV";
  case ERR_LIB_OSSL_DECODER:
    return "OSSL_DECODER";
  case ERR_LIB_OSSL_ENCODER:
    return "OSSL_ENCODER";
  default:
    return NULL;
  }
}

/*
 * The reason's symbol as Python prints it ("CERTIFICATE_VERIFY_FAILED"):
 * OpenSSL's reason text in capitals with underscores, which is how
 * OpenSSL names its SSL_R_* codes. The reasons shared by every library
 * (ERR_R_*, "PEM lib") have no symbol in Python's table: none here.
 */
static void reason_symbol(unsigned long e, const char *text)
{
  detail.reason[0] = '\0';
  if (!text || ERR_GET_RFLAGS(e) & ERR_RFLAG_COMMON || ERR_SYSTEM_ERROR(e))
    return;
  size_t i = 0;
  for (; text[i] && i + 1 < sizeof detail.reason; i++) {
    unsigned char c = (unsigned char)text[i];
    detail.reason[i] = (char)(c == ' ' ? '_' : toupper(c));
  }
  detail.reason[i] = '\0';
}

/*
 * Record an SSLError (or a subclass) built from error-queue entry `e`, as
 * Python's fill_and_set_sslerror: "[LIB: REASON] text", "[LIB] text" or
 * "text", and for a failed verification ": " and what failed.
 */
static ns_err record_queue_error(ns_err code, const char *op, int py_errno,
                                 unsigned long e, const char *text,
                                 const char *verify)
{
  const char *lib = library_name(ERR_GET_LIB(e));
  const char *reason_text = ERR_reason_error_string(e);
  reason_symbol(e, reason_text);
  detail.library = lib ? lib : "";
  if (!text)
    text = reason_text ? reason_text : "unknown error";
  char msg[256];
  if (lib && detail.reason[0] && verify)
    snprintf(msg, sizeof msg, "[%s: %s] %s: %s", lib, detail.reason, text,
             verify);
  else if (lib && detail.reason[0])
    snprintf(msg, sizeof msg, "[%s: %s] %s", lib, detail.reason, text);
  else if (lib)
    snprintf(msg, sizeof msg, "[%s] %s", lib, text);
  else
    snprintf(msg, sizeof msg, "%s", text);
  return ns_error_set(code, op, py_errno, msg);
}

/* What failed in a verification, as Python words it. */
static void verify_detail(const ns_tls *t)
{
  long v = SSL_get_verify_result(t->ssl);
  detail.verify_code = v;
  const char *host = t->server_hostname ? t->server_hostname : "";
  if (v == X509_V_ERR_HOSTNAME_MISMATCH)
    snprintf(detail.verify_message, sizeof detail.verify_message,
             "Hostname mismatch, certificate is not valid for '%s'.", host);
  else if (v == X509_V_ERR_IP_ADDRESS_MISMATCH)
    snprintf(detail.verify_message, sizeof detail.verify_message,
             "IP address mismatch, certificate is not valid for '%s'.", host);
  else
    snprintf(detail.verify_message, sizeof detail.verify_message, "%s",
             X509_verify_cert_error_string(v));
}

ns_err ns__tls_fail_msg(ns_err code, const char *op, int sys_errno,
                        const char *message)
{
  clear_detail();
  return ns_error_set(code, op, sys_errno, message);
}

static ns_err fail_eof(const char *op)
{
  return ns__tls_fail_msg(NS_ERR_SSL_EOF, op, PY_SSL_ERROR_EOF,
                          "EOF occurred in violation of protocol");
}

ns_err ns__tls_fail(ns_tls *t, int ret, const char *op)
{
  int kind = SSL_get_error(t->ssl, ret);
  unsigned long e = ERR_peek_last_error();
  clear_detail();
  switch (kind) {
  case SSL_ERROR_ZERO_RETURN:
    return ns__tls_fail_msg(NS_ERR_SSL_ZERO_RETURN, op,
                            PY_SSL_ERROR_ZERO_RETURN,
                            "TLS/SSL connection has been closed (EOF)");
  case SSL_ERROR_WANT_READ:
    return ns__tls_fail_msg(NS_ERR_SSL_WANT_READ, op, PY_SSL_ERROR_WANT_READ,
                            "The operation did not complete (read)");
  case SSL_ERROR_WANT_WRITE:
    return ns__tls_fail_msg(NS_ERR_SSL_WANT_WRITE, op, PY_SSL_ERROR_WANT_WRITE,
                            "The operation did not complete (write)");
  case SSL_ERROR_WANT_X509_LOOKUP:
    return ns__tls_fail_msg(NS_ERR_SSL, op, PY_SSL_ERROR_WANT_X509_LOOKUP,
                            "The operation did not complete (X509 lookup)");
  case SSL_ERROR_WANT_CONNECT:
    return ns__tls_fail_msg(NS_ERR_SSL, op, PY_SSL_ERROR_WANT_CONNECT,
                            "The operation did not complete (connect)");
  case SSL_ERROR_SYSCALL:
    if (e == 0) {
      /* The socket failed (an errno, as Python's OSError) or closed. */
      if (t->sys_errno)
        return ns__tls_fail_msg(ns_error_from_errno(t->sys_errno), op,
                                t->sys_errno, NULL);
      return fail_eof(op);
    }
    return record_queue_error(NS_ERR_SSL_SYSCALL, op, PY_SSL_ERROR_SYSCALL, e,
                              "Some I/O error occurred", NULL);
  case SSL_ERROR_SSL:
    if (e == 0)
      return ns__tls_fail_msg(NS_ERR_SSL, op, PY_SSL_ERROR_SSL,
                              "A failure in the SSL library occurred");
    if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
        ERR_GET_REASON(e) == SSL_R_CERTIFICATE_VERIFY_FAILED) {
      verify_detail(t);
      return record_queue_error(NS_ERR_SSL_CERT_VERIFICATION, op,
                                PY_SSL_ERROR_SSL, e, NULL,
                                detail.verify_message);
    }
    if (ERR_GET_LIB(e) == ERR_LIB_SSL &&
        ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
      return record_queue_error(NS_ERR_SSL_EOF, op, PY_SSL_ERROR_EOF, e,
                                "EOF occurred in violation of protocol", NULL);
    return record_queue_error(NS_ERR_SSL, op, PY_SSL_ERROR_SSL, e, NULL, NULL);
  default:
    return ns__tls_fail_msg(NS_ERR_SSL, op, kind, "Invalid error code");
  }
}

ns_err ns__tls_fail_queue(const char *op)
{
  clear_detail();
  /* Python reports the last entry of the queue; but a file that could not
     be opened is an OSError from its errno, as Python raises it
     (FileNotFoundError for a missing file). */
  unsigned long e, last = 0, sys = 0;
  while ((e = ERR_get_error()) != 0) {
    if (!sys && (ERR_SYSTEM_ERROR(e) || ERR_GET_LIB(e) == ERR_LIB_SYS))
      sys = e;
    last = e;
  }
  if (sys) {
    int errnum = ERR_GET_REASON(sys);
    return ns__tls_fail_msg(ns_error_from_errno(errnum), op, errnum, NULL);
  }
  if (last)
    return record_queue_error(NS_ERR_SSL, op, ERR_GET_REASON(last), last, NULL,
                              NULL);
  return ns__tls_fail_msg(NS_ERR_SSL, op, 0,
                          "A failure in the SSL library occurred");
}

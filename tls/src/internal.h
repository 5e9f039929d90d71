/* SPDX-License-Identifier: MIT */
/*
 * What the files of libnetsock-tls share. The library sits on the core's
 * public API only (netsock/netsock.h): it sees no ns__ internals.
 */
#ifndef NETSOCK_TLS_INTERNAL_H
#define NETSOCK_TLS_INTERNAL_H

#include <stdatomic.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "netsock/tls.h"

struct ns_tls_context {
  SSL_CTX *ssl_ctx;
  _Atomic int refs; /* the owner's, plus one per connection */
  bool check_hostname;
  bool server;
  /* ALPN as the wire wants it: length-prefixed names (for servers to
     choose from; clients hand it to OpenSSL). */
  unsigned char *alpn;
  size_t alpn_len;
};

/* What the I/O loop is doing, for the timeout messages. */
enum tls_op { OP_HANDSHAKE, OP_READ, OP_WRITE, OP_SHUTDOWN };

struct ns_tls {
  SSL *ssl;
  ns_socket *sock;
  ns_tls_context *ctx;
  int fd;
  int flags;
  /* Set for the length of one call: MSG_DONTWAIT while a deadline runs,
     the deadline itself (CLOCK_MONOTONIC ns, 0 none). */
  int io_flags;
  int64_t deadline_ns;
  /* The BIO just wrote: the reply cannot be there yet, so a timed read
     waits before it tries (one wait per round trip, no failed read). */
  bool wrote_last;
  /* The errno of the BIO's last failed system call, 0 for end of file. */
  int sys_errno;
  /* The last read found the end of the stream. */
  bool eof;
  bool handshake_done;
  /* The kernel encrypts what the BIO sends (kernel TLS), and the type of
     the next record when it is not application data (0: none). */
  bool ktls_send;
  unsigned char ktls_record_type;
  char *server_hostname;
  char alpn[256];
};

/* ---- conn.c -------------------------------------------------------------- */

/* Start one TLS call: take the deadline of the socket's timeout. Returns
   the timeout in seconds (< 0 none, 0 non-blocking). */
double ns__tls_call_begin(ns_tls *t);

/* sendall within a call already begun (its deadline). */
ns_err ns__tls_sendall_in_call(ns_tls *t, double timeout, const char *op,
                               const void *buf, size_t len, size_t *sent_out);

/* ---- bio.c --------------------------------------------------------------- */

/* A BIO that moves the bytes of `t` over its socket's descriptor. */
BIO *ns__tls_bio_new(ns_tls *t);

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t ns__tls_now_ns(void);

/*
 * Wait until `t`'s descriptor is ready for `events` (POLLIN/POLLOUT) or its
 * deadline passes (0: no deadline). Retries after signals with the time
 * left. Returns 1 when ready, 0 on timeout, -1 with errno on failure.
 */
int ns__tls_wait(const ns_tls *t, short events);

/* ---- error.c ------------------------------------------------------------- */

/* Record the failure of an SSL_* call that returned `ret` on `t`. */
ns_err ns__tls_fail(ns_tls *t, int ret, const char *op);

/* Record a failure from OpenSSL's error queue (context calls). */
ns_err ns__tls_fail_queue(const char *op);

/* Record a failure that is not OpenSSL's: the SSL detail is cleared. */
ns_err ns__tls_fail_msg(ns_err code, const char *op, int sys_errno,
                        const char *message);

/* ---- sendfile.c / ktls.c ------------------------------------------------- */

/* sendfile(2) with the kernel encrypting (the send side is offloaded),
   within a call already begun; `fd` can seek. */
ns_err ns__tls_sendfile_ktls(ns_tls *t, int fd, int64_t offset, size_t count,
                             size_t *sent_out);

/* ---- context.c ----------------------------------------------------------- */

void ns__tls_context_ref(ns_tls_context *ctx);

#endif /* NETSOCK_TLS_INTERNAL_H */

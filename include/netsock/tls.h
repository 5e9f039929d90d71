/* SPDX-License-Identifier: MIT */
/**
 * @file netsock/tls.h
 * @brief libnetsock-tls: Python's ssl module over ns_socket (link
 *        netsock::tls, or `pkg-config netsock-tls`).
 *
 * A context holds the settings (Python's SSLContext); wrapping a connected
 * ns_socket in it gives an ns_tls (Python's SSLSocket). Failures are
 * ns_err values with Python's classes (NS_ERR_SSL and its subclasses,
 * TimeoutError, OSError ...), recorded in the core's per-thread last
 * error with Python's message; ns_tls_error_reason() and friends add the
 * SSL-specific detail. docs/tls.md maps every call to Python.
 *
 * Secure by default, as create_default_context(): a client verifies the
 * peer's certificate and host name and speaks TLS 1.2 or later; the checks
 * can be turned off only explicitly, and in Python's order.
 *
 * @defgroup tls TLS
 * @{
 */
#ifndef NETSOCK_TLS_H
#define NETSOCK_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <netsock/netsock.h>

/* clang-format off */
/**
 * NS_TLS_EXTERN marks every public declaration of libnetsock-tls, which is
 * its own library with its own export switch: as NS_EXTERN does for
 * libnetsock (NS_TLS_STATIC for a static build).
 */
#if defined(_WIN32)
#  if defined(NS_TLS_STATIC)
#    define NS_TLS_EXTERN
#  elif defined(NS_TLS_BUILDING)
#    define NS_TLS_EXTERN __declspec(dllexport)
#  else
#    define NS_TLS_EXTERN __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define NS_TLS_EXTERN __attribute__((visibility("default")))
#else
#  define NS_TLS_EXTERN
#endif
/* clang-format on */

NS_BEGIN_DECL

/** A TLS context: Python's `ssl.SSLContext`. */
typedef struct ns_tls_context ns_tls_context;
/** A TLS connection over an ns_socket: Python's `ssl.SSLSocket`. */
typedef struct ns_tls ns_tls;
/** A peer certificate, decoded: Python's `getpeercert()` dict. */
typedef struct ns_tls_cert ns_tls_cert;
/** A session a later connection can resume: Python's `ssl.SSLSession`. */
typedef struct ns_tls_session ns_tls_session;

/** Python's `ssl.PROTOCOL_TLS_CLIENT` and `ssl.PROTOCOL_TLS_SERVER`. */
enum ns_tls_protocol {
  NS_TLS_PROTOCOL_CLIENT = 16,
  NS_TLS_PROTOCOL_SERVER = 17
};

/** Python's `ssl.Purpose`: what the peer's certificate is checked for. */
enum ns_tls_purpose {
  /** Verify servers: the context is for clients. */
  NS_TLS_PURPOSE_SERVER_AUTH = 1,
  /** Verify clients: the context is for servers. */
  NS_TLS_PURPOSE_CLIENT_AUTH = 2
};

/** Python's `ssl.VerifyMode`. */
enum ns_tls_verify_mode {
  NS_TLS_CERT_NONE = 0,
  NS_TLS_CERT_OPTIONAL = 1,
  NS_TLS_CERT_REQUIRED = 2
};

/** Python's `ssl.TLSVersion` (the values are the protocol's own). */
enum ns_tls_version {
  NS_TLS_VERSION_MINIMUM_SUPPORTED = -2,
  NS_TLS_VERSION_MAXIMUM_SUPPORTED = -1,
  NS_TLS_VERSION_SSLv3 = 0x0300,
  NS_TLS_VERSION_TLSv1 = 0x0301,
  NS_TLS_VERSION_TLSv1_1 = 0x0302,
  NS_TLS_VERSION_TLSv1_2 = 0x0303,
  NS_TLS_VERSION_TLSv1_3 = 0x0304
};

/** Flags of ns_tls_wrap_socket(). */
enum ns_tls_wrap_flags {
  /** Python's `server_side=True`. */
  NS_TLS_SERVER_SIDE = 1,
  /** Python's `do_handshake_on_connect=False`: the handshake happens in
      ns_tls_do_handshake() or on the first I/O. */
  NS_TLS_NO_HANDSHAKE_ON_CONNECT = 2,
  /** Python's `suppress_ragged_eofs=False`: a TCP close without TLS
      close_notify is NS_ERR_SSL_EOF in ns_tls_recv(), not a 0-byte read. */
  NS_TLS_RAGGED_EOF_IS_ERROR = 4
};

/**
 * Called by ns_tls_context_load_cert_chain() for an encrypted key.
 *
 * @param buf where the password goes (not NUL-terminated).
 * @param size its size.
 * @param userdata as given to ns_tls_context_load_cert_chain().
 * @return the password's length (at most `size`), or -1 to give up.
 * Python: the `password` callable of `load_cert_chain`
 */
typedef int (*ns_tls_password_cb)(char *buf, size_t size, void *userdata);

/* ---- contexts ------------------------------------------------------------ */

/**
 * Create a bare context for clients or servers.
 *
 * A client context verifies certificates (CERT_REQUIRED) and host names
 * but trusts no CA until one is loaded; a server context asks for no
 * client certificate. Both speak TLS 1.2 and 1.3 only, with Python's
 * cipher list.
 *
 * @param[out] out the new context; NULL on failure.
 * @param protocol NS_TLS_PROTOCOL_CLIENT or NS_TLS_PROTOCOL_SERVER.
 * @return NS_OK; NS_ERR_VALUE for another protocol or a NULL `out`;
 *         NS_ERR_MEMORY; NS_ERR_SSL.
 * Python: `ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_create(ns_tls_context **out, int protocol);

/**
 * Create a context with the secure defaults: for
 * NS_TLS_PURPOSE_SERVER_AUTH a client context that trusts the system's CA
 * store, checks host names and requires a certificate; for
 * NS_TLS_PURPOSE_CLIENT_AUTH a server context.
 *
 * @param[out] out the new context; NULL on failure.
 * @param purpose an ns_tls_purpose.
 * @return as ns_tls_context_create().
 * Python: `ssl.create_default_context(purpose)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_create_default_context(ns_tls_context **out,
                                                   int purpose);

/**
 * Release a context. Connections wrapped in it keep it alive until they
 * are closed. NULL is a no-op.
 * @param ctx the context.
 * @since 1.1
 */
NS_TLS_EXTERN void ns_tls_context_close(ns_tls_context *ctx);

/**
 * Trust the CA certificates of a PEM file and/or a hashed directory.
 *
 * @param ctx the context.
 * @param cafile a PEM file, or NULL.
 * @param capath a directory prepared with `openssl rehash`, or NULL.
 * @return NS_OK; NS_ERR_VALUE when both are NULL ("cafile, capath and
 *         cadata cannot be all omitted"); NS_ERR_FILE_NOT_FOUND and other
 *         OS errors for a file that cannot be read; NS_ERR_SSL for a file
 *         that holds no certificate.
 * Python: `ctx.load_verify_locations(cafile, capath)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_load_verify_locations(ns_tls_context *ctx,
                                                          const char *cafile,
                                                          const char *capath);

/**
 * Trust the system's default CA store (Debian: /etc/ssl/certs).
 * @param ctx the context.
 * @return NS_OK; NS_ERR_VALUE for a NULL context; NS_ERR_SSL.
 * Python: `ctx.load_default_certs()`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_load_default_certs(ns_tls_context *ctx);

/**
 * Load this side's certificate chain and private key.
 *
 * @param ctx the context.
 * @param certfile PEM: the certificate, then its intermediates.
 * @param keyfile PEM private key; NULL when it is in `certfile`.
 * @param password called when the key is encrypted; NULL for none.
 * @param userdata passed to `password`.
 * @return NS_OK; NS_ERR_FILE_NOT_FOUND and other OS errors for a file that
 *         cannot be read; NS_ERR_SSL "[SSL] PEM lib" for a bad file or a
 *         wrong password; NS_ERR_SSL "[X509: KEY_VALUES_MISMATCH] key values
 *         mismatch" when the key is not the certificate's.
 * Python: `ctx.load_cert_chain(certfile, keyfile, password)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_load_cert_chain(ns_tls_context *ctx,
                                                    const char *certfile,
                                                    const char *keyfile,
                                                    ns_tls_password_cb password,
                                                    void *userdata);

/**
 * Choose the TLS 1.2 cipher suites, in OpenSSL's cipher-list syntax.
 * @param ctx the context.
 * @param ciphers e.g. "ECDHE+AESGCM".
 * @return NS_OK; NS_ERR_SSL "No cipher can be selected." when the list
 *         selects nothing.
 * Python: `ctx.set_ciphers(ciphers)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_set_ciphers(ns_tls_context *ctx,
                                                const char *ciphers);

/**
 * Set the lowest protocol version the context accepts.
 * @param ctx the context.
 * @param version an ns_tls_version.
 * @return NS_OK; NS_ERR_VALUE for a value that is no version ("Unsupported
 *         TLS/SSL version 0x...").
 * Python: `ctx.minimum_version = version`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_set_minimum_version(ns_tls_context *ctx,
                                                        int version);

/**
 * Set the highest protocol version the context accepts.
 * @param ctx the context.
 * @param version an ns_tls_version.
 * @return as ns_tls_context_set_minimum_version().
 * Python: `ctx.maximum_version = version`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_set_maximum_version(ns_tls_context *ctx,
                                                        int version);

/**
 * The lowest protocol version the context accepts.
 * @param ctx the context.
 * @return an ns_tls_version: NS_TLS_VERSION_TLSv1_2 for a new context;
 *         NS_TLS_VERSION_MINIMUM_SUPPORTED when unset or for NULL.
 * Python: `ctx.minimum_version`
 * @since 1.1
 */
NS_TLS_EXTERN int ns_tls_context_minimum_version(const ns_tls_context *ctx);

/**
 * The highest protocol version the context accepts.
 * @param ctx the context.
 * @return an ns_tls_version; NS_TLS_VERSION_MAXIMUM_SUPPORTED when unset.
 * Python: `ctx.maximum_version`
 * @since 1.1
 */
NS_TLS_EXTERN int ns_tls_context_maximum_version(const ns_tls_context *ctx);

/**
 * Set whether and how the peer's certificate is verified.
 *
 * @param ctx the context.
 * @param mode an ns_tls_verify_mode.
 * @return NS_OK; NS_ERR_VALUE "Cannot set verify_mode to CERT_NONE when
 *         check_hostname is enabled." (turn host name checking off first:
 *         verification cannot be dropped by accident); NS_ERR_VALUE "invalid
 *         value for verify_mode" for another value.
 * Python: `ctx.verify_mode = mode`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_set_verify_mode(ns_tls_context *ctx,
                                                    int mode);

/**
 * The verify mode.
 * @param ctx the context.
 * @return an ns_tls_verify_mode; NS_TLS_CERT_NONE for NULL.
 * Python: `ctx.verify_mode`
 * @since 1.1
 */
NS_TLS_EXTERN int ns_tls_context_verify_mode(const ns_tls_context *ctx);

/**
 * Set whether a client checks that the certificate names the host it was
 * given. Turning it on also sets CERT_REQUIRED if the mode was CERT_NONE.
 *
 * @param ctx the context.
 * @param check the new value.
 * @return NS_OK; NS_ERR_VALUE for a NULL context.
 * Python: `ctx.check_hostname = check`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_set_check_hostname(ns_tls_context *ctx,
                                                       bool check);

/**
 * Whether host names are checked.
 * @param ctx the context.
 * @return the setting; false for NULL.
 * Python: `ctx.check_hostname`
 * @since 1.1
 */
NS_TLS_EXTERN bool ns_tls_context_check_hostname(const ns_tls_context *ctx);

/**
 * Offer (client) or accept (server) these ALPN protocols, in order of
 * preference.
 *
 * @param ctx the context.
 * @param protocols names such as "h2", "http/1.1"; each 1 to 255 bytes.
 * @param count how many.
 * @return NS_OK; NS_ERR_SSL for an empty or over-long name ("ALPN
 *         protocols must be 1 to 255 in length", Python's class);
 *         NS_ERR_VALUE for a NULL list with a non-zero count; NS_ERR_MEMORY.
 * Python: `ctx.set_alpn_protocols(protocols)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_set_alpn_protocols(
    ns_tls_context *ctx, const char *const *protocols, size_t count);

/**
 * Allow kernel TLS for the connections of this context.
 *
 * With it, a connection hands its send side to the kernel's TLS
 * (OpenSSL's SSL_OP_ENABLE_KTLS) once the handshake is done, so that
 * ns_tls_sendfile() sends a file with sendfile(2) and the kernel
 * encrypts it. Off by default, as in Python: the kernel must have
 * the "tls" module and support the negotiated cipher, and where it does
 * not the connection simply stays in user space (ns_tls_ktls_send() says
 * which). The receive side always stays in user space. A connection whose
 * sends the kernel encrypts cannot be unwrapped (ns_tls_unwrap()).
 *
 * @param ctx the context.
 * @param enable true to allow kernel TLS, false (the default) not to.
 * @return NS_OK; NS_ERR_VALUE for a NULL context.
 * Python: `ctx.options |= ssl.OP_ENABLE_KTLS` (3.12)
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_context_set_ktls(ns_tls_context *ctx, bool enable);

/**
 * Whether connections of this context may use kernel TLS.
 * @param ctx the context.
 * @return the setting; false for NULL.
 * Python: `bool(ctx.options & ssl.OP_ENABLE_KTLS)`
 * @since 1.1
 */
NS_TLS_EXTERN bool ns_tls_context_ktls(const ns_tls_context *ctx);

/* ---- connections --------------------------------------------------------- */

/**
 * Wrap a connected stream socket in TLS.
 *
 * Unless NS_TLS_NO_HANDSHAKE_ON_CONNECT is given, the handshake runs now,
 * under the socket's timeout as one deadline. On success the ns_tls owns
 * `sock` (ns_tls_close() closes it; ns_tls_unwrap() gives it back); on
 * failure `sock` stays the caller's, untouched but for what the handshake
 * read and wrote.
 *
 * @param[out] out the connection; NULL on failure.
 * @param ctx the context; the connection holds a reference to it.
 * @param sock a connected SOCK_STREAM socket.
 * @param flags ns_tls_wrap_flags, ORed.
 * @param server_hostname for a client: the name sent as SNI and checked
 *        against the certificate (an IP address is checked as one, and
 *        not sent); NULL for none; must be NULL for servers.
 * @return NS_OK; NS_ERR_VALUE "check_hostname requires server_hostname",
 *         "server_hostname can only be specified in client mode",
 *         "do_handshake_on_connect should not be specified for
 *         non-blocking sockets", or for a socket that is not SOCK_STREAM;
 *         NS_ERR_MEMORY; the errors of ns_tls_do_handshake().
 * Python: `ctx.wrap_socket(sock, server_side, do_handshake_on_connect,
 *          suppress_ragged_eofs, server_hostname)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_wrap_socket(ns_tls **out, ns_tls_context *ctx,
                                        ns_socket *sock, int flags,
                                        const char *server_hostname);

/**
 * Run the handshake (again a no-op once done).
 *
 * The socket's timeout (ns_settimeout()) bounds the whole handshake, all
 * its round trips together; signals do not interrupt it (PEP 475). On a
 * non-blocking socket it returns NS_ERR_SSL_WANT_READ or
 * NS_ERR_SSL_WANT_WRITE: wait for that readiness (ns_poller) and call it
 * again.
 *
 * @param t the connection.
 * @return NS_OK; NS_ERR_SSL_CERT_VERIFICATION ("[SSL:
 *         CERTIFICATE_VERIFY_FAILED] certificate verify failed: ...", with
 *         ns_tls_error_verify_code()); NS_ERR_SSL (a protocol error: "[SSL:
 *         WRONG_VERSION_NUMBER] wrong version number" ...); NS_ERR_SSL_EOF
 *         "EOF occurred in violation of protocol" when the peer closes
 *         mid-handshake; NS_ERR_TIMEOUT "The handshake operation timed
 *         out"; NS_ERR_SSL_WANT_READ/WRITE; OS errors (ConnectionResetError
 *         ...).
 * Python: `ssock.do_handshake()`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_do_handshake(ns_tls *t);

/**
 * Receive up to `len` bytes of application data.
 *
 * @param t the connection.
 * @param[out] buf where they go; may be NULL only when `len` is 0.
 * @param len its size.
 * @param[out] received_out how many arrived; 0 with NS_OK when the peer
 *        closed (with close_notify, or without it unless
 *        NS_TLS_RAGGED_EOF_IS_ERROR). Not NULL.
 * @return NS_OK; NS_ERR_TIMEOUT "The read operation timed out";
 *         NS_ERR_SSL_WANT_READ "The operation did not complete (read)" on a
 *         non-blocking socket; NS_ERR_SSL_EOF; NS_ERR_SSL; OS errors.
 * Python: `ssock.recv_into(buf, len)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_recv(ns_tls *t, void *buf, size_t len,
                                 size_t *received_out);

/**
 * Send application data: at least one byte and at most `len` (one TLS
 * record or more) unless it fails.
 *
 * @param t the connection.
 * @param buf the bytes; may be NULL only when `len` is 0.
 * @param len how many.
 * @param[out] sent_out how many were taken. Not NULL.
 * @return NS_OK; NS_ERR_TIMEOUT "The write operation timed out";
 *         NS_ERR_SSL_WANT_WRITE (or WANT_READ) on a non-blocking socket;
 *         NS_ERR_BROKEN_PIPE and other OS errors (never SIGPIPE); NS_ERR_SSL.
 * Python: `n = ssock.send(data)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_send(ns_tls *t, const void *buf, size_t len,
                                 size_t *sent_out);

/**
 * Send every byte, or fail; the socket's timeout bounds the whole call.
 *
 * @param t the connection.
 * @param buf the bytes; may be NULL only when `len` is 0.
 * @param len how many.
 * @param[out] sent_out how many were sent, also on failure; may be NULL.
 * @return as ns_tls_send().
 * Python: `ssock.sendall(data)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_sendall(ns_tls *t, const void *buf, size_t len,
                                    size_t *sent_out);

/**
 * Send a file, or part of one, over the connection.
 *
 * When the kernel encrypts the connection's sends (ns_tls_ktls_send()) a
 * file that can seek goes out with sendfile(2), never copied into user
 * space. Otherwise TLS encrypts in user space, so the file is read in
 * 16 KiB chunks and each is sent as ns_tls_sendall() sends it (Python's
 * SSLSocket.sendfile does the same). Either way the socket's timeout
 * bounds the whole call. On return,
 * also on failure, a seekable file's position is `offset` plus the bytes
 * sent, as in Python.
 *
 * @param t the connection; blocking or with a timeout.
 * @param fd the file, open for reading.
 * @param offset where to start; must be 0 for a file that cannot seek.
 * @param count how many bytes at most, or 0 for everything up to the end.
 * @param[out] sent_out how many bytes were sent, also on failure; may be
 *        NULL.
 * @return NS_OK; as ns_tls_sendall(); NS_ERR_VALUE "non-blocking sockets
 *         are not supported", "offset must be a positive integer (got
 *         -1)"; NS_ERR_OS for a file that cannot be read (EBADF) or sought
 *         (ESPIPE with a non-zero offset).
 * Python: `n = ssock.sendfile(file, offset, count)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_sendfile(ns_tls *t, int fd, int64_t offset,
                                     size_t count, size_t *sent_out);

/**
 * Whether the kernel encrypts what this connection sends (kernel TLS).
 *
 * True once the handshake is done on a connection of a context with
 * ns_tls_context_set_ktls(), where the kernel has TLS and supports the
 * cipher; then ns_tls_sendfile() uses sendfile(2).
 *
 * @param t the connection.
 * @return true when the send side is in the kernel; false otherwise and
 *         for NULL.
 * Python: `ssock._sslobj.uses_ktls_for_send()` (private), which recent
 *         CPython's SSLSocket.sendfile asks before using SSL_sendfile.
 * @since 1.1
 */
NS_TLS_EXTERN bool ns_tls_ktls_send(const ns_tls *t);

/**
 * How many decrypted bytes can be read without touching the socket.
 * @param t the connection.
 * @return the count; 0 for NULL.
 * Python: `ssock.pending()`
 * @since 1.1
 */
NS_TLS_EXTERN size_t ns_tls_pending(const ns_tls *t);

/**
 * Close the TLS layer (send close_notify, wait for the peer's) and give
 * the socket back. On success `t` is freed; on failure it stays usable
 * (for a retry after NS_ERR_SSL_WANT_READ, or for ns_tls_close()).
 *
 * @param t the connection.
 * @param[out] sock_out the plain socket, now the caller's. Not NULL.
 * @return NS_OK; as ns_tls_recv() (TimeoutError "The read operation timed
 *         out" ...); NS_ERR_VALUE "cannot unwrap a connection whose sends
 *         the kernel encrypts (kernel TLS)" when ns_tls_ktls_send() is true.
 * Python: `sock = ssock.unwrap()`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_unwrap(ns_tls *t, ns_socket **sock_out);

/**
 * Shut down the connection's socket, without a TLS close_notify, as
 * Python's SSLSocket.shutdown() does.
 * @param t the connection.
 * @param how SHUT_RD, SHUT_WR or SHUT_RDWR.
 * @return as ns_shutdown().
 * Python: `ssock.shutdown(how)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_shutdown(ns_tls *t, int how);

/**
 * Free the connection and close its socket (no close_notify is sent:
 * call ns_tls_unwrap() first for an orderly TLS close). NULL is a no-op.
 * @param t the connection.
 * @return NS_OK, or the error of closing the socket.
 * Python: `ssock.close()`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_close(ns_tls *t);

/**
 * The socket under the connection, for ns_settimeout(), ns_poller and the
 * address calls. Still owned by the connection.
 * @param t the connection.
 * @return the socket; NULL for NULL.
 * @since 1.1
 */
NS_TLS_EXTERN ns_socket *ns_tls_socket(const ns_tls *t);

/**
 * The negotiated protocol version.
 * @param t the connection.
 * @return "TLSv1.3", "TLSv1.2"; NULL before the handshake.
 * Python: `ssock.version()`
 * @since 1.1
 */
NS_TLS_EXTERN const char *ns_tls_version(const ns_tls *t);

/**
 * The negotiated cipher suite.
 * @param t the connection.
 * @param[out] name_out e.g. "TLS_AES_256_GCM_SHA384"; may be NULL.
 * @param[out] protocol_out e.g. "TLSv1.3"; may be NULL.
 * @param[out] secret_bits_out e.g. 256; may be NULL.
 * @return NS_OK; NS_ERR_VALUE before the handshake ("no cipher yet"; Python
 *         returns None).
 * Python: `name, protocol, bits = ssock.cipher()`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_cipher(const ns_tls *t, const char **name_out,
                                   const char **protocol_out,
                                   int *secret_bits_out);

/**
 * The ALPN protocol both sides chose.
 * @param t the connection.
 * @return the name; NULL when none was negotiated.
 * Python: `ssock.selected_alpn_protocol()`
 * @since 1.1
 */
NS_TLS_EXTERN const char *ns_tls_selected_alpn_protocol(ns_tls *t);

/**
 * The host name the client was wrapped with.
 * @param t the connection.
 * @return the name; NULL for servers and clients given none.
 * Python: `ssock.server_hostname`
 * @since 1.1
 */
NS_TLS_EXTERN const char *ns_tls_server_hostname(const ns_tls *t);

/**
 * Copy the peer's certificate in DER form.
 *
 * @param t the connection.
 * @param[out] buf where it goes; may be NULL to ask for the size.
 * @param size its size.
 * @param[out] len_out the certificate's length (0 when the peer sent
 *        none). Not NULL.
 * @return NS_OK; NS_ERR_OVERFLOW when `buf` is too small (nothing is
 *         written; `*len_out` says how much is needed); NS_ERR_VALUE
 *         "handshake not done yet".
 * Python: `ssock.getpeercert(binary_form=True)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_getpeercert_der(const ns_tls *t, void *buf,
                                            size_t size, size_t *len_out);

/**
 * Decode the peer's certificate as Python's getpeercert() shows it.
 *
 * As in Python, the fields are given only for a certificate that was
 * verified: when the peer sent none, `*out` is NULL (Python's None); when
 * it was not verified (CERT_NONE), `*out` is a certificate with no fields
 * (Python's {}).
 *
 * @param t the connection.
 * @param[out] out the decoded certificate, freed with ns_tls_cert_free().
 * @return NS_OK; NS_ERR_VALUE "handshake not done yet"; NS_ERR_MEMORY.
 * Python: `ssock.getpeercert()`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_getpeercert(const ns_tls *t, ns_tls_cert **out);

/**
 * Free a decoded certificate. NULL is a no-op.
 * @param cert the certificate.
 * @since 1.1
 */
NS_TLS_EXTERN void ns_tls_cert_free(ns_tls_cert *cert);

/** Which name of a certificate ns_tls_cert_name() reads. */
enum ns_tls_cert_field {
  NS_TLS_CERT_SUBJECT = 0, /**< Python's `cert['subject']` */
  NS_TLS_CERT_ISSUER = 1,  /**< Python's `cert['issuer']` */
  NS_TLS_CERT_SAN = 2      /**< Python's `cert['subjectAltName']` */
};

/**
 * How many entries a field holds: name attributes of the subject or
 * issuer, or subjectAltName entries.
 * @param cert the certificate.
 * @param field an ns_tls_cert_field.
 * @return the count; 0 for NULL, an unknown field or an unverified
 *         certificate.
 * Python: `len(cert['subjectAltName'])`
 * @since 1.1
 */
NS_TLS_EXTERN size_t ns_tls_cert_count(const ns_tls_cert *cert, int field);

/**
 * One entry of a field, as the pair Python shows: ("commonName",
 * "localhost") for a subject attribute, ("DNS", "localhost") or ("IP
 * Address", "127.0.0.1") for a subjectAltName.
 *
 * @param cert the certificate.
 * @param field an ns_tls_cert_field.
 * @param index from 0 to ns_tls_cert_count() - 1.
 * @param[out] key_out the attribute or kind; not NULL.
 * @param[out] value_out its value; not NULL. Both live as long as `cert`.
 * @return NS_OK; NS_ERR_VALUE for an index out of range ("index out of
 *         range"; Python's IndexError).
 * Python: `cert['subject'][index][0]`, `cert['subjectAltName'][index]`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_cert_name(const ns_tls_cert *cert, int field,
                                      size_t index, const char **key_out,
                                      const char **value_out);

/**
 * A scalar field of the certificate, as Python's dict holds it.
 * @param cert the certificate.
 * @param key "notBefore", "notAfter" ("Nov 26 10:00:00 2026 GMT"),
 *        "serialNumber" (upper-case hexadecimal) or "version" ("3").
 * @return the text, living as long as `cert`; NULL for an unknown key or
 *         an unverified certificate.
 * Python: `cert['notAfter']`
 * @since 1.1
 */
NS_TLS_EXTERN const char *ns_tls_cert_get(const ns_tls_cert *cert,
                                          const char *key);

/* ---- session resumption ------------------------------------------------- */

/**
 * The connection's session, for a later connection to the same server to
 * resume (a shorter handshake without the certificate exchange).
 *
 * With TLS 1.3 the server sends its session tickets after the handshake:
 * a client's session becomes resumable once it has read from the
 * connection. End that connection with ns_tls_unwrap(): OpenSSL will not
 * resume the session of a connection closed without close_notify.
 *
 * @param t the connection.
 * @param[out] out the session, freed with ns_tls_session_free(); NULL when
 *        there is none yet (Python's None).
 * @return NS_OK; NS_ERR_VALUE for a NULL `out`; NS_ERR_OS EBADF for a NULL
 *         connection.
 * Python: `sess = ssock.session`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_get_session(const ns_tls *t, ns_tls_session **out);

/**
 * Offer a session to resume in the coming handshake: call it after
 * wrapping with NS_TLS_NO_HANDSHAKE_ON_CONNECT, before the handshake.
 *
 * @param t a client connection.
 * @param session from ns_tls_get_session() on a connection of the same
 *        context; the connection keeps its own reference.
 * @return NS_OK; NS_ERR_VALUE "Cannot set session for server-side
 *         SSLSocket.", "Cannot set session after handshake.", or for a
 *         NULL session.
 * Python: `ctx.wrap_socket(sock, server_hostname=h, session=sess)`
 * @since 1.1
 */
NS_TLS_EXTERN ns_err ns_tls_set_session(ns_tls *t,
                                        const ns_tls_session *session);

/**
 * Whether the handshake resumed a session.
 * @param t the connection.
 * @return true when it did; false before the handshake and for NULL.
 * Python: `ssock.session_reused`
 * @since 1.1
 */
NS_TLS_EXTERN bool ns_tls_session_reused(const ns_tls *t);

/**
 * Release a session. NULL is a no-op.
 * @param session the session.
 * @since 1.1
 */
NS_TLS_EXTERN void ns_tls_session_free(ns_tls_session *session);

/* ---- the SSL detail of the last failure ---------------------------------- */

/**
 * The OpenSSL library of the last TLS failure on this thread.
 * @return "SSL", "X509", "PEM" ...; "" when the failure has none.
 * Python: `exc.library`
 * @since 1.1
 */
NS_TLS_EXTERN const char *ns_tls_error_library(void);

/**
 * The reason of the last TLS failure on this thread.
 * @return "CERTIFICATE_VERIFY_FAILED", "WRONG_VERSION_NUMBER",
 *         "UNEXPECTED_EOF_WHILE_READING" ...; "" when it has none.
 * Python: `exc.reason`
 * @since 1.1
 */
NS_TLS_EXTERN const char *ns_tls_error_reason(void);

/**
 * The X.509 verification result of the last NS_ERR_SSL_CERT_VERIFICATION
 * on this thread.
 * @return OpenSSL's X509_V_ERR_* value: 18 self-signed, 10 expired, 62
 *         host name mismatch ...; 0 when the last TLS failure was no
 *         verification failure.
 * Python: `exc.verify_code`
 * @since 1.1
 */
NS_TLS_EXTERN long ns_tls_error_verify_code(void);

/**
 * The text of ns_tls_error_verify_code().
 * @return "self-signed certificate", "Hostname mismatch, certificate is not
 *         valid for 'localhost'." ...; "" when there is none.
 * Python: `exc.verify_message`
 * @since 1.1
 */
NS_TLS_EXTERN const char *ns_tls_error_verify_message(void);

NS_END_DECL

/** @} */
#endif /* NETSOCK_TLS_H */

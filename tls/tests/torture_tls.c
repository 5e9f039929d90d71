/* SPDX-License-Identifier: MIT */
/*
 * Fault injection into libnetsock-tls: every allocation OpenSSL makes for
 * the library (through CRYPTO_set_mem_functions) and every system call or
 * allocation of the library's own objects (the core's fault shim,
 * tests/fault/shim.h) is failed in turn, while contexts are made and
 * certificates loaded, and while a connection does its handshake, I/O,
 * sendfile and close_notify as client and as server.
 *
 * Each run must end in NS_OK (a fault the library absorbs or must hide:
 * EINTR, a short transfer, a kernel timer's EAGAIN) or in an ns_err that
 * names the failure (an OSError, which SSLError is, or a MemoryError) with
 * a message, and leave nothing behind: descriptors, the library's heap
 * blocks, and OpenSSL's heap blocks (the count of its allocations not yet
 * freed, once a warm-up run has filled OpenSSL's caches).
 *
 * The peer is raw OpenSSL in a thread of its own, on a descriptor the shim
 * never sees; its allocations are never failed.
 *
 *   test_tls_torture [STRIDE]    fail every STRIDE-th allocation (1: all)
 * NS_TLS_FAULT_STRIDE sets the stride too. It defaults to 1 (all), to 11
 * under ASan or TSan and to 101 under valgrind (whose preset sets
 * NS_TEST_TIMEOUT_MULTIPLIER), where each run is many times slower; the
 * library's own calls are always failed one by one.
 */
#include "certs.h"
#include "ns_test.h"
#include "shim.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/ssl.h>

#include <netsock/tls.h>

/* The test's own calls bypass the shim. */
void *__real_malloc(size_t);
void *__real_realloc(void *, size_t);
void __real_free(void *);
int __real_setsockopt(int, int, int, const void *, socklen_t);
int __real_shutdown(int, int);
int __real_pthread_create(pthread_t *, const pthread_attr_t *,
                          void *(*)(void *), void *);

/* ---- OpenSSL's allocations: counted, and the Nth failed ------------------ */

static atomic_bool ossl_armed;
static atomic_long ossl_calls;   /* failable allocations while armed */
static atomic_long ossl_fail_at; /* 0: none */
static atomic_long ossl_failed;
static atomic_long ossl_live;     /* blocks not yet freed */
static _Thread_local bool exempt; /* the peer's thread: never failed */

static bool fail_this_one(void)
{
  if (exempt || !atomic_load(&ossl_armed))
    return false;
  long n = atomic_fetch_add(&ossl_calls, 1) + 1;
  if (n != atomic_load(&ossl_fail_at))
    return false;
  atomic_fetch_add(&ossl_failed, 1);
  return true;
}

static void *ossl_malloc(size_t n, const char *file, int line)
{
  (void)file;
  (void)line;
  if (fail_this_one())
    return NULL;
  void *p = __real_malloc(n);
  if (p)
    atomic_fetch_add(&ossl_live, 1);
  return p;
}

static void ossl_free(void *p, const char *file, int line)
{
  (void)file;
  (void)line;
  if (p) {
    atomic_fetch_sub(&ossl_live, 1);
    __real_free(p);
  }
}

static void *ossl_realloc(void *p, size_t n, const char *file, int line)
{
  if (!p)
    return ossl_malloc(n, file, line);
  if (n == 0) {
    ossl_free(p, file, line);
    return NULL;
  }
  if (fail_this_one())
    return NULL; /* p stays the caller's, as realloc(3) leaves it */
  return __real_realloc(p, n);
}

/* ---- fixtures ------------------------------------------------------------ */

static char dir[] = "/tmp/netsock-tls-torture.XXXXXX";
static char ca[96], server_pem[96], server_key[96], client_pem[96],
    client_key[96], file_path[96];
enum { FILE_SIZE = 40000 };

static const char *in_dir(char *buf, size_t size, const char *name)
{
  snprintf(buf, size, "%s/%s", dir, name);
  return buf;
}

static unsigned char pattern(size_t i)
{
  return (unsigned char)(i * 13 + i / 251);
}

static void make_fixtures(void)
{
  assert_non_null(mkdtemp(dir));
  assert_int_equal(tls_test_make_certs(dir), 0);
  in_dir(ca, sizeof ca, "ca.pem");
  in_dir(server_pem, sizeof server_pem, "server.pem");
  in_dir(server_key, sizeof server_key, "server.key");
  in_dir(client_pem, sizeof client_pem, "client.pem");
  in_dir(client_key, sizeof client_key, "client.key");
  in_dir(file_path, sizeof file_path, "file");
  FILE *f = fopen(file_path, "wb");
  assert_non_null(f);
  for (size_t i = 0; i < FILE_SIZE; i++)
    assert_int_equal(fputc(pattern(i), f), pattern(i));
  assert_int_equal(fclose(f), 0);
}

static void remove_fixtures(void)
{
  ns_test_remove_dir(dir);
}

/* ---- the peer: raw OpenSSL in a thread ----------------------------------- */

/* Contexts made once, before any run. */
static SSL_CTX *peer_server_ctx, *peer_client_ctx;

typedef struct peer {
  pthread_t thread;
  int fd;
  bool server; /* the peer is the TLS server */
} peer;

/* Echo until the other side closes or fails; answer its close_notify. */
static void *peer_main(void *arg)
{
  exempt = true;
  peer *p = arg;
  SSL *ssl = SSL_new(p->server ? peer_server_ctx : peer_client_ctx);
  if (ssl && SSL_set_fd(ssl, p->fd) == 1) {
    if (!p->server) {
      SSL_set_tlsext_host_name(ssl, "localhost");
      SSL_set1_host(ssl, "localhost");
    }
    if ((p->server ? SSL_accept(ssl) : SSL_connect(ssl)) == 1) {
      char buf[16384];
      size_t n;
      while (SSL_read_ex(ssl, buf, sizeof buf, &n) == 1)
        if (SSL_write_ex(ssl, buf, n, &n) != 1)
          break;
      if (SSL_get_error(ssl, 0) == SSL_ERROR_ZERO_RETURN)
        SSL_shutdown(ssl);
    }
  }
  SSL_free(ssl);
  ERR_clear_error();
  OPENSSL_thread_stop();
  return NULL;
}

static SSL_CTX *make_peer_ctx(bool server)
{
  SSL_CTX *c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
  assert_non_null(c);
  const char *pem = server ? server_pem : client_pem;
  const char *key = server ? server_key : client_key;
  assert_int_equal(SSL_CTX_use_certificate_chain_file(c, pem), 1);
  assert_int_equal(SSL_CTX_use_PrivateKey_file(c, key, SSL_FILETYPE_PEM), 1);
  assert_int_equal(SSL_CTX_load_verify_locations(c, ca, NULL), 1);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER, NULL);
  return c;
}

/* A stream pair: *mine for the library (an ns_socket), the other end to a
   peer thread. Made and started before the run is armed. */
static void start_peer(peer *p, bool peer_is_server, ns_socket **mine)
{
  int sv[2];
  assert_int_equal(ns_raw_socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  /* The peer never waits long, whatever the run did to its side. */
  struct timeval tv = {10, 0};
  assert_int_equal(
      __real_setsockopt(sv[1], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  assert_int_equal(
      __real_setsockopt(sv[1], SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv), 0);
  assert_ns_ok(ns_fromfd(mine, sv[0]));
  p->fd = sv[1];
  p->server = peer_is_server;
  assert_int_equal(__real_pthread_create(&p->thread, NULL, peer_main, p), 0);
}

static void stop_peer(peer *p)
{
  /* Whatever the run left, the peer's reads end now. */
  __real_shutdown(p->fd, SHUT_RDWR);
  assert_int_equal(pthread_join(p->thread, NULL), 0);
  assert_int_equal(ns_raw_close(p->fd), 0);
}

/* ---- scenarios ----------------------------------------------------------- */

typedef struct run {
  ns_err code;
  int sys_errno;
  char op[32];
  char message[200];
  const char *expr;
  int line;
  char bad[160]; /* a wrong result from a call that succeeded */
  bool timed;
  /* The connection scenarios' socket, connected to the peer before the
     run is armed (a timeout set on it when timed). */
  ns_socket *sock;
  peer peer;
} run;

/* Record the run's first failure. */
static void failed(run *r, ns_err e, const char *expr, int line)
{
  if (r->code)
    return;
  r->code = e;
  r->sys_errno = ns_error_last_errno();
  snprintf(r->op, sizeof r->op, "%s", ns_error_last_operation());
  snprintf(r->message, sizeof r->message, "%s", ns_error_last_message());
  r->expr = expr;
  r->line = line;
}

/* Stop the scenario at the first failure. */
#define TRY(call_)                                                             \
  do {                                                                         \
    ns_err e_ = (call_);                                                       \
    if (e_ != NS_OK) {                                                         \
      failed(r, e_, #call_, __LINE__);                                         \
      goto out;                                                                \
    }                                                                          \
  } while (0)

/* In the clean-up: a failure is the run's, and clean-up goes on. */
#define CLEANUP(call_)                                                         \
  do {                                                                         \
    ns_err e_ = (call_);                                                       \
    if (e_ != NS_OK)                                                           \
      failed(r, e_, #call_, __LINE__);                                         \
  } while (0)

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      snprintf(r->bad, sizeof r->bad, "line %d: %s", __LINE__, #cond);         \
      goto out;                                                                \
    }                                                                          \
  } while (0)

static int password(char *buf, size_t size, void *userdata)
{
  (void)userdata;
  snprintf(buf, size, "secret");
  return 6;
}

/* Contexts: made, configured, certificates loaded, closed. */
static ns_err sc_contexts(run *r)
{
  ns_tls_context *c = NULL, *s = NULL;
  static const char *const alpn[] = {"h2", "http/1.1"};
  char enc[96];
  in_dir(enc, sizeof enc, "encrypted.key");
  TRY(ns_tls_context_create(&c, NS_TLS_PROTOCOL_CLIENT));
  TRY(ns_tls_context_load_verify_locations(c, ca, NULL));
  TRY(ns_tls_context_set_ciphers(c, "ECDHE+AESGCM"));
  TRY(ns_tls_context_set_alpn_protocols(c, alpn, 2));
  TRY(ns_tls_context_set_minimum_version(c, NS_TLS_VERSION_TLSv1_2));
  TRY(ns_tls_context_set_ktls(c, true));
  TRY(ns_tls_context_create(&s, NS_TLS_PROTOCOL_SERVER));
  TRY(ns_tls_context_load_cert_chain(s, server_pem, server_key, NULL, NULL));
  TRY(ns_tls_context_load_cert_chain(s, server_pem, enc, password, NULL));
  TRY(ns_tls_context_set_verify_mode(s, NS_TLS_CERT_REQUIRED));
out:
  ns_tls_context_close(c);
  ns_tls_context_close(s);
  return r->code;
}

/* Contexts shared by the connection scenarios, made before any run. */
static ns_tls_context *client_ctx, *server_ctx;

/* Read exactly len bytes (the echo). */
static ns_err recv_exact(ns_tls *t, unsigned char *buf, size_t len)
{
  for (size_t got = 0, n; got < len; got += n) {
    ns_err e = ns_tls_recv(t, buf + got, len - got, &n);
    if (e)
      return e;
    if (n == 0)
      return ns_error_set(NS_ERR_CONNECTION_RESET, "recv", ECONNRESET,
                          "the peer closed before the echo");
  }
  return NS_OK;
}

/* The library as client: handshake, send and the echo, sendfile and its
   echo, the peer's certificate, unwrap (close_notify both ways). */
static ns_err sc_client(run *r)
{
  ns_socket *sock = r->sock, *plain = NULL;
  ns_tls *t = NULL;
  int fd = -1;
  static unsigned char buf[FILE_SIZE];
  TRY(ns_tls_wrap_socket(&t, client_ctx, sock, 0, "localhost"));
  sock = NULL; /* the connection's now */
  size_t n;
  TRY(ns_tls_sendall(t, "hello, fault", 12, &n));
  TRY(recv_exact(t, buf, 12));
  CHECK(memcmp(buf, "hello, fault", 12) == 0);
  fd = open(file_path, O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0);
  TRY(ns_tls_sendfile(t, fd, 0, 0, &n));
  CHECK(n == FILE_SIZE);
  TRY(recv_exact(t, buf, FILE_SIZE));
  for (size_t i = 0; i < FILE_SIZE; i++)
    CHECK(buf[i] == pattern(i));
  ns_tls_cert *cert = NULL;
  TRY(ns_tls_getpeercert(t, &cert));
  size_t names = ns_tls_cert_count(cert, NS_TLS_CERT_SAN);
  ns_tls_cert_free(cert);
  CHECK(names > 0);
  CHECK(ns_tls_version(t) != NULL);
  TRY(ns_tls_unwrap(t, &plain));
  t = NULL;
out:
  if (fd >= 0)
    ns_raw_close(fd);
  if (t)
    ns_tls_close(t);
  if (sock)
    ns_close(sock);
  if (plain)
    CLEANUP(ns_close(plain));
  return r->code;
}

/* The library as server, requiring the peer's certificate: handshake,
   send and the echo, close. */
static ns_err sc_server(run *r)
{
  ns_socket *sock = r->sock;
  ns_tls *t = NULL;
  TRY(ns_tls_wrap_socket(&t, server_ctx, sock, NS_TLS_SERVER_SIDE, NULL));
  sock = NULL;
  size_t n;
  unsigned char buf[64];
  TRY(ns_tls_sendall(t, "from the server", 15, &n));
  TRY(recv_exact(t, buf, 15));
  CHECK(memcmp(buf, "from the server", 15) == 0);
  ns_tls_cert *cert = NULL;
  TRY(ns_tls_getpeercert(t, &cert));
  size_t names = ns_tls_cert_count(cert, NS_TLS_CERT_SUBJECT);
  ns_tls_cert_free(cert);
  CHECK(names > 0);
out:
  if (t)
    CLEANUP(ns_tls_close(t));
  if (sock)
    ns_close(sock);
  return r->code;
}

enum peer_role { NO_PEER, PEER_SERVER, PEER_CLIENT };

typedef struct scenario {
  const char *name;
  ns_err (*fn)(run *r);
  enum peer_role peer;
  bool both_timeouts; /* also with a timeout on the socket */
} scenario;

static const scenario scenarios[] = {
    {"contexts", sc_contexts, NO_PEER, false},
    {"client", sc_client, PEER_SERVER, true},
    {"server", sc_server, PEER_CLIENT, true},
};

/* ---- running and judging ------------------------------------------------- */

static struct {
  long runs, failures;
  long absorbed; /* a fault with no visible effect */
  long errors;   /* a fault that ended in a clean error */
} totals;

static int fd_base;
static long blocks_base, ossl_base;
static char current[160];

static void watchdog(int sig)
{
  (void)sig;
  static const char msg[] = "tls_torture: run hung for 60 s: ";
  if (write(2, msg, sizeof msg - 1) < 0 ||
      write(2, current, strlen(current)) < 0 || write(2, "\n", 1) < 0)
    _exit(1);
  _exit(1);
}

static void report(const char *what, const run *r)
{
  totals.failures++;
  if (totals.failures <= 30)
    print_error("FAIL %s: %s; result %s: \"%s\" [op %s] at line %d (%s)%s%s\n",
                current, what, ns_error_name(r->code), r->message, r->op,
                r->line, r->expr ? r->expr : "-",
                r->bad[0] ? "; wrong result at " : "", r->bad);
}

/* A failure names itself: an OSError (SSLError is one) or a MemoryError,
   with a message and the operation. */
static bool names_itself(const run *r)
{
  return r->message[0] && r->op[0] &&
         (r->code == NS_ERR_MEMORY || ns_error_is(r->code, NS_ERR_OS));
}

/* A failure of one of the library's own calls is reported as that call's
   error: MemoryError for an allocation, else the errno's class with the
   errno, as Python raises OSError from a failed system call under ssl. */
static bool matches_fault(const run *r, ns_fault_call call, ns_fault_kind kind)
{
  if (call == NS_CALL_malloc || call == NS_CALL_calloc ||
      call == NS_CALL_realloc)
    return r->code == NS_ERR_MEMORY;
  int v = ns_fault_kind_value(kind);
  if (r->sys_errno == v && r->code == ns_error_from_errno(v))
    return true;
  /* A TLS 1.3 server's OpenSSL carries on when sending its session
     tickets fails with EPIPE or ECONNRESET (the client may have closed
     after the handshake, and what it sent is still to be read); here the
     connection lives on without that record, so what the run sees is the
     peer's answer to the gap: an SSLError. */
  return (kind == NS_FAULT_EPIPE || kind == NS_FAULT_ECONNRESET) &&
         (call == NS_CALL_send || call == NS_CALL_sendmsg) &&
         ns_error_is(r->code, NS_ERR_SSL);
}

/* Run a scenario once under the faults given, armed; OpenSSL's
   per-thread state is freed afterwards. Returns its result. */
static ns_err execute(const scenario *sc, run *r, long ossl_at,
                      const ns_fault_plan *plan)
{
  if (sc->peer != NO_PEER) {
    start_peer(&r->peer, sc->peer == PEER_SERVER, &r->sock);
    if (r->timed)
      assert_ns_ok(ns_settimeout(r->sock, 10.0));
  }
  ns_error_clear();
  alarm(60);
  atomic_store(&ossl_calls, 0);
  atomic_store(&ossl_failed, 0);
  atomic_store(&ossl_fail_at, ossl_at);
  atomic_store(&ossl_armed, true);
  ns_fault_start(plan);
  ns_err e = sc->fn(r);
  ns_fault_stop();
  atomic_store(&ossl_armed, false);
  alarm(0);
  if (sc->peer != NO_PEER)
    stop_peer(&r->peer);
  /* The thread's error queue keeps buffers for reuse: free them, so that
     what stays allocated is what the run left. */
  ERR_clear_error();
  OPENSSL_thread_stop();
  return e;
}

/*
 * Whether the OpenSSL blocks a run left are a leak: the same run again,
 * twice, leaves more each time. A run that only filled a cache of
 * OpenSSL's (a failure can leave one to be filled by the next run)
 * leaves nothing the second time.
 */
static bool leaks_again(const scenario *sc, bool timed, long ossl_at,
                        const ns_fault_plan *plan)
{
  int grew = 0;
  for (int i = 0; i < 2; i++) {
    run again;
    memset(&again, 0, sizeof again);
    again.timed = timed;
    long before = atomic_load(&ossl_live);
    execute(sc, &again, ossl_at, plan);
    grew += atomic_load(&ossl_live) > before;
  }
  return grew == 2;
}

/*
 * One run: `ossl_at` fails that OpenSSL allocation (0: none), `plan` the
 * shim's call (at 0: none). Judged unless it is a warm-up. Returns how
 * many OpenSSL allocations it made.
 */
static long run_once(const scenario *sc, bool timed, long ossl_at,
                     const ns_fault_plan *plan, bool warmup)
{
  run r;
  memset(&r, 0, sizeof r);
  r.timed = timed;
  snprintf(current, sizeof current, "%s%s, OpenSSL allocation #%ld, %s #%ld",
           sc->name, timed ? "/timeout" : "", ossl_at,
           ns_fault_kind_name(plan->kind), plan->at);
  ns_err e = execute(sc, &r, ossl_at, plan);
  long calls = atomic_load(&ossl_calls);
  if (warmup)
    return calls;
  totals.runs++;

  ns_fault_call call;
  ns_fault_kind kind;
  ns_fault_expect expect;
  bool shim_fault = ns_fault_first(&call, &kind, &expect) && !plan->record;
  bool ossl_fault = atomic_load(&ossl_failed) > 0;
  if (r.bad[0])
    report("wrong result", &r);
  else if (!shim_fault && !ossl_fault && e != NS_OK)
    report("failed with no fault injected", &r);
  else if (shim_fault && expect == NS_EXPECT_RECOVER && e != NS_OK)
    report("a fault that must be invisible showed", &r);
  else if (e != NS_OK && !names_itself(&r))
    report("the error does not name the failure", &r);
  else if (e != NS_OK && shim_fault && !ossl_fault &&
           !matches_fault(&r, call, kind))
    report("the error does not match the fault", &r);
  else if (e != NS_OK)
    totals.errors++;
  else if (shim_fault || ossl_fault)
    totals.absorbed++;

  int fds = ns_test_fd_count();
  long blocks = ns_fault_live_blocks(), ossl = atomic_load(&ossl_live);
  char leak[160] = "";
  if (fds != fd_base)
    snprintf(leak, sizeof leak, "descriptor leak: %d open, %d before", fds,
             fd_base);
  else if (blocks != blocks_base)
    snprintf(leak, sizeof leak, "heap leak: %ld blocks live, %ld before",
             blocks, blocks_base);
  else if (ossl > ossl_base && leaks_again(sc, timed, ossl_at, plan))
    snprintf(leak, sizeof leak,
             "OpenSSL heap leak: %ld blocks live, %ld before", ossl, ossl_base);
  if (leak[0])
    report(leak, &r);
  /* The new state is the baseline: a leak reports once, and a cache that
     a failure left to fill is not counted again. */
  fd_base = ns_test_fd_count();
  blocks_base = ns_fault_live_blocks();
  ossl_base = atomic_load(&ossl_live);
  return calls;
}

/* A sanitizer makes every run several times slower. */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define SANITIZED 1
#endif
#endif

/* Which OpenSSL allocations to fail: every one, or every Nth where a run
   is slow (sanitizers; valgrind, whose preset sets
   NS_TEST_TIMEOUT_MULTIPLIER). NS_TLS_FAULT_STRIDE overrides it. */
static long stride(void)
{
  const char *s = getenv("NS_TLS_FAULT_STRIDE");
  if (s && atol(s) > 0)
    return atol(s);
  if (getenv("NS_TEST_TIMEOUT_MULTIPLIER"))
    return 101;
#ifdef SANITIZED
  return 11;
#else
  return 1;
#endif
}

static long stride_value = 1;

/* Every variant of a scenario: each OpenSSL allocation failed in turn,
   then each of the library's own calls with each fault that applies. */
static void torture(const scenario *sc)
{
  long runs_before = totals.runs, failures_before = totals.failures;
  for (int t = 0; t < (sc->both_timeouts ? 2 : 1); t++) {
    bool timed = t == 1;
    ns_fault_plan none = {0, NS_FAULT_EINTR, false, false};
    /* Warm-up: OpenSSL fills its caches (algorithms, error strings) on
       first use; the baselines are taken after it. */
    run_once(sc, timed, 0, &none, true);
    fd_base = ns_test_fd_count();
    blocks_base = ns_fault_live_blocks();
    ossl_base = atomic_load(&ossl_live);
    long total = run_once(sc, timed, 0, &none, false);
    assert_true(total > 0);
    for (long n = 1; n <= total; n += stride_value)
      run_once(sc, timed, n, &none, false);

    ns_fault_plan rec = {0, NS_FAULT_EINTR, false, true};
    run_once(sc, timed, 0, &rec, false);
    long calls = ns_fault_recorded();
    ns_fault_record *list = __real_malloc((size_t)calls * sizeof *list);
    assert_non_null(list);
    for (long i = 0; i < calls; i++)
      list[i] = *ns_fault_record_at(i);
    for (long i = 0; i < calls; i++)
      for (int k = 0; k < NS_FAULT_KIND_COUNT; k++)
        if (list[i].applicable & ((uint64_t)1 << k)) {
          ns_fault_plan p = {i + 1, (ns_fault_kind)k, false, false};
          run_once(sc, timed, 0, &p, false);
        }
    __real_free(list);
    ns_fault_plan storms[] = {{0, NS_FAULT_EINTR, true, false},
                              {0, NS_FAULT_SHORT, true, false}};
    for (size_t s = 0; s < 2; s++)
      run_once(sc, timed, 0, &storms[s], false);
    print_message("%-8s%-9s %4ld OpenSSL allocations (every %ld failed), "
                  "%3ld library calls\n",
                  sc->name, timed ? "/timeout" : "", total, stride_value,
                  calls);
  }
  print_message("%-8s %5ld runs\n", sc->name, totals.runs - runs_before);
  if (totals.failures != failures_before)
    fail_msg("%ld run(s) of %s failed", totals.failures - failures_before,
             sc->name);
}

static void test_tls_torture__contexts(void **state)
{
  (void)state;
  torture(&scenarios[0]);
}

static void test_tls_torture__client(void **state)
{
  (void)state;
  torture(&scenarios[1]);
}

static void test_tls_torture__server(void **state)
{
  (void)state;
  torture(&scenarios[2]);
}

static void test_tls_torture__summary(void **state)
{
  (void)state;
  print_message("tls_torture: %ld runs: %ld clean errors, %ld faults "
                "absorbed, %ld failures\n",
                totals.runs, totals.errors, totals.absorbed, totals.failures);
  assert_int_equal(totals.failures, 0);
}

static int setup(void **state)
{
  (void)state;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = watchdog;
  sigaction(SIGALRM, &sa, NULL);
  signal(SIGPIPE, SIG_IGN); /* the peer writes with OpenSSL's write(2) */
  make_fixtures();
  peer_server_ctx = make_peer_ctx(true);
  peer_client_ctx = make_peer_ctx(false);
  assert_ns_ok(ns_tls_context_create(&client_ctx, NS_TLS_PROTOCOL_CLIENT));
  assert_ns_ok(ns_tls_context_load_verify_locations(client_ctx, ca, NULL));
  assert_ns_ok(ns_tls_context_create(&server_ctx, NS_TLS_PROTOCOL_SERVER));
  assert_ns_ok(ns_tls_context_load_cert_chain(server_ctx, server_pem,
                                              server_key, NULL, NULL));
  assert_ns_ok(ns_tls_context_load_verify_locations(server_ctx, ca, NULL));
  assert_ns_ok(
      ns_tls_context_set_verify_mode(server_ctx, NS_TLS_CERT_REQUIRED));
  return 0;
}

static int teardown(void **state)
{
  (void)state;
  ns_tls_context_close(client_ctx);
  ns_tls_context_close(server_ctx);
  SSL_CTX_free(peer_server_ctx);
  SSL_CTX_free(peer_client_ctx);
  remove_fixtures();
  return 0;
}

int main(int argc, char **argv)
{
  /* Before OpenSSL allocates anything. */
  if (!CRYPTO_set_mem_functions(ossl_malloc, ossl_realloc, ossl_free)) {
    fprintf(stderr, "tls_torture: OpenSSL allocated before main\n");
    return 1;
  }
  stride_value = argc > 1 && atol(argv[1]) > 0 ? atol(argv[1]) : stride();
  const struct CMUnitTest tests[] = {
      NS_TEST(test_tls_torture__contexts),
      NS_TEST(test_tls_torture__client),
      NS_TEST(test_tls_torture__server),
      NS_TEST(test_tls_torture__summary),
  };
  return cmocka_run_group_tests_name("tls_torture", tests, setup, teardown);
}

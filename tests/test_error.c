/* SPDX-License-Identifier: MIT */
/* Error classes, names, hierarchy, errno classification, last-error detail. */
#include "ns_test.h"

#include <errno.h>
#ifdef _WIN32
#include <fcntl.h>
#include <io.h>
#else
#include <netdb.h>
#endif
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_error__names_match_python(void **state)
{
  (void)state;
  assert_string_equal(ns_error_name(NS_OK), "OK");
  assert_string_equal(ns_error_name(NS_ERR_OS), "OSError");
  assert_string_equal(ns_error_name(NS_ERR_CONNECTION_REFUSED),
                      "ConnectionRefusedError");
  assert_string_equal(ns_error_name(NS_ERR_TIMEOUT), "TimeoutError");
  assert_string_equal(ns_error_name(NS_ERR_GAIERROR), "gaierror");
  assert_string_equal(ns_error_name(NS_ERR_HERROR), "herror");
  assert_string_equal(ns_error_name(NS_ERR_VALUE), "ValueError");
  assert_string_equal(ns_error_name(NS_ERR_OVERFLOW), "OverflowError");
  assert_string_equal(ns_error_name(NS_ERR_MEMORY), "MemoryError");
  /* A value that is no code still gets a name, never NULL. */
  assert_string_equal(ns_error_name((ns_err)999), "UnknownError");
  assert_string_equal(ns_error_name((ns_err)-1), "UnknownError");
}

/* The values are ABI: they must never be renumbered. */
static void test_error__values_are_fixed(void **state)
{
  (void)state;
  static const struct {
    ns_err code;
    int value;
  } fixed[] = {
      {NS_OK, 0},
      {NS_ERR_OS, 1},
      {NS_ERR_BLOCKING_IO, 2},
      {NS_ERR_CHILD_PROCESS, 3},
      {NS_ERR_CONNECTION, 4},
      {NS_ERR_BROKEN_PIPE, 5},
      {NS_ERR_CONNECTION_ABORTED, 6},
      {NS_ERR_CONNECTION_REFUSED, 7},
      {NS_ERR_CONNECTION_RESET, 8},
      {NS_ERR_FILE_EXISTS, 9},
      {NS_ERR_FILE_NOT_FOUND, 10},
      {NS_ERR_INTERRUPTED, 11},
      {NS_ERR_IS_A_DIRECTORY, 12},
      {NS_ERR_NOT_A_DIRECTORY, 13},
      {NS_ERR_PERMISSION, 14},
      {NS_ERR_PROCESS_LOOKUP, 15},
      {NS_ERR_TIMEOUT, 16},
      {NS_ERR_HERROR, 17},
      {NS_ERR_GAIERROR, 18},
      {NS_ERR_VALUE, 19},
      {NS_ERR_OVERFLOW, 20},
      {NS_ERR_MEMORY, 21},
  };
  for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
    assert_int_equal((int)fixed[i].code, fixed[i].value);
}

static void test_error__hierarchy_is_pythons(void **state)
{
  (void)state;
  /* Every OS error is an OSError. */
  for (int c = NS_ERR_OS; c <= NS_ERR_GAIERROR; c++)
    assert_true(ns_error_is((ns_err)c, NS_ERR_OS));
  /* The four connection errors are ConnectionErrors; nothing else is. */
  for (int c = NS_ERR_OS; c <= NS_ERR_MEMORY; c++) {
    bool want = c == NS_ERR_CONNECTION || c == NS_ERR_BROKEN_PIPE ||
                c == NS_ERR_CONNECTION_ABORTED ||
                c == NS_ERR_CONNECTION_REFUSED || c == NS_ERR_CONNECTION_RESET;
    assert_int_equal(ns_error_is((ns_err)c, NS_ERR_CONNECTION), want);
  }
  /* ValueError, OverflowError and MemoryError are not OSErrors. */
  assert_false(ns_error_is(NS_ERR_VALUE, NS_ERR_OS));
  assert_false(ns_error_is(NS_ERR_OVERFLOW, NS_ERR_OS));
  assert_false(ns_error_is(NS_ERR_MEMORY, NS_ERR_OS));
  assert_false(ns_error_is(NS_ERR_OVERFLOW, NS_ERR_VALUE));
  /* A base is not an instance of its subclass, and NS_OK is only NS_OK. */
  assert_false(ns_error_is(NS_ERR_OS, NS_ERR_CONNECTION_RESET));
  assert_false(ns_error_is(NS_ERR_CONNECTION, NS_ERR_BROKEN_PIPE));
  assert_true(ns_error_is(NS_OK, NS_OK));
  assert_false(ns_error_is(NS_OK, NS_ERR_OS));
  assert_false(ns_error_is(NS_ERR_OS, NS_OK));
  assert_false(ns_error_is((ns_err)999, NS_ERR_OS));
}

static ns_err class_by_name(const char *name)
{
  for (int c = NS_ERR_OS; c <= NS_ERR_MEMORY; c++)
    if (strcmp(ns_error_name((ns_err)c), name) == 0)
      return (ns_err)c;
  return (ns_err)-1;
}

/* Every errno Linux defines gets the class CPython gives it. */
static void test_error__errno_table_matches_python(void **state)
{
  (void)state;
#ifdef _WIN32
  ns_test_skip_platform("the table holds Linux's errno numbers, as python3 "
                        "here has them; netsock.winerror checks Windows' "
                        "table");
#endif
  FILE *f = fopen(ERRNO_TABLE, "r");
  assert_non_null(f);
  char line[256];
  int rows = 0, subclassed = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#')
      continue;
    int value;
    char name[64], cls[64];
    assert_int_equal(sscanf(line, "%d %63s %63s", &value, name, cls), 3);
    ns_err want = class_by_name(cls);
    if ((int)want < 0)
      fail_msg("table names a class the library lacks: %s", cls);
    if (ns_error_from_errno(value) != want)
      fail_msg("errno %d (%s): library says %s, Python says %s", value, name,
               ns_error_name(ns_error_from_errno(value)), cls);
    rows++;
    subclassed += want != NS_ERR_OS;
  }
  fclose(f);
  assert_true(rows >= 100);         /* the whole table was read */
  assert_int_equal(subclassed, 18); /* PEP 3151's subclassed errnos */
  /* Values Python has no name for are plain OSErrors; 0 is success. */
  assert_int_equal(ns_error_from_errno(0), NS_OK);
  assert_int_equal(ns_error_from_errno(-5), NS_ERR_OS);
  assert_int_equal(ns_error_from_errno(4095), NS_ERR_OS);
  assert_int_equal(ns_error_from_errno(EWOULDBLOCK), NS_ERR_BLOCKING_IO);
}

static void test_error__messages_formatted_as_python(void **state)
{
  (void)state;
  ns_error_clear();
  assert_int_equal(ns_error_last_code(), NS_OK);
  assert_string_equal(ns_error_last_message(), "");
  assert_string_equal(ns_error_last_operation(), "");

  ns_socket *s;
  ns_addr a;
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 0));
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  char buf[4];
  size_t n;
  assert_ns_err(ns_recv(s, buf, sizeof buf, 0, &n), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ENOTCONN);
  assert_string_equal(ns_error_last_operation(), "recv");
  assert_last_os_error(ENOTCONN);
  /* Reading twice gives the same text (formatted once, on demand). */
  assert_last_os_error(ENOTCONN);
  assert_ns_ok(ns_close(s));

  /* A resolver failure: the EAI code and gai_strerror's text. A name
     with a character no host name has fails before any DNS query. */
  assert_ns_err(ns_addr_inet(&a, "bad host!", 80), NS_ERR_GAIERROR);
  int eai = ns_error_last_errno();
#ifdef _WIN32
  /* Winsock's numbers (WSAHOST_NOT_FOUND is 11001), positive. */
  assert_true(eai >= 10000);
  assert_message_matches(ns_error_last_message(), ns_test_gai_message(eai));
#else
  assert_true(eai < 0);
  char want[128];
  snprintf(want, sizeof want, "[Errno %d] %s", eai, gai_strerror(eai));
  assert_last_message(want);
#endif

  /* A successful call leaves the record of the last failure alone. */
  assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 1));
  assert_int_equal(ns_error_last_code(), NS_ERR_GAIERROR);
  ns_error_clear();
  assert_int_equal(ns_error_last_code(), NS_OK);
  assert_int_equal(ns_error_last_errno(), 0);
}

/* The Windows classification is exported on every platform; a POSIX
   failure carries no Windows code. tests/test_winerror.c checks the
   whole table. */
static void test_error__winerror_exported(void **state)
{
  (void)state;
  assert_int_equal(ns_error_from_winerror(10061), NS_ERR_CONNECTION_REFUSED);
  assert_int_equal(ns_error_from_winerror(10035), NS_ERR_BLOCKING_IO);
  assert_int_equal(ns_error_from_winerror(10048), NS_ERR_OS);
  assert_int_equal(ns_error_from_winerror(0), NS_OK);
  ns_error_clear();
  assert_int_equal(ns_error_last_winerror(), 0);
  assert_ns_err(ns_settimeout(NULL, 1.0), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EBADF);
  assert_int_equal(ns_error_last_winerror(), 0);
}

/* ---- per-thread detail --------------------------------------------------- */

enum { THREADS = 8, ROUNDS = 200 };

struct thread_result {
  int index;
  int mismatches;
};

static pthread_barrier_t start_line;

/* Each thread fails in its own way, again and again, and checks that it
   always reads back its own failure. */
static void *fail_in_own_way(void *arg)
{
  struct thread_result *r = arg;
  pthread_barrier_wait(&start_line);
  for (int round = 0; round < ROUNDS; round++) {
    ns_addr a;
    ns_err err;
    const char *want;
    int want_errno;
    if (r->index % 4 == 0) {
      err = ns_addr_inet(&a, "127.0.0.1", 70000 + r->index);
      want = "port must be 0-65535.";
      want_errno = 0;
    } else if (r->index % 4 == 1) {
      err = ns_settimeout(NULL, 1.0);
      want = ns_test_os_message(EBADF);
      want_errno = EBADF;
    } else if (r->index % 4 == 2) {
      ns_socket *s;
      err = ns_socket_create(&s, 12345, SOCK_STREAM, 0);
      want = ns_test_os_message(EAFNOSUPPORT);
      want_errno = EAFNOSUPPORT;
    } else {
      err = ns_addr_parse(&a, "256.1.1.1:80");
      want = "invalid IPv4 address: '256.1.1.1'";
      want_errno = 0;
    }
    if (err == NS_OK || ns_error_last_code() != err ||
        ns_error_last_errno() != want_errno ||
        !ns_test_message_matches(ns_error_last_message(), want))
      r->mismatches++;
  }
  return NULL;
}

static void test_error__detail_is_per_thread(void **state)
{
  (void)state;
  pthread_t threads[THREADS];
  struct thread_result results[THREADS];
  pthread_barrier_init(&start_line, NULL, THREADS);
  for (int i = 0; i < THREADS; i++) {
    results[i] = (struct thread_result){i, 0};
    assert_int_equal(
        pthread_create(&threads[i], NULL, fail_in_own_way, &results[i]), 0);
  }
  for (int i = 0; i < THREADS; i++) {
    pthread_join(threads[i], NULL);
    assert_int_equal(results[i].mismatches, 0);
  }
  pthread_barrier_destroy(&start_line);
}

static void *fail_without_address(void *arg)
{
  (void)arg;
  ns_error_clear();
  bool ok = ns_error_last_address() == NULL;
  ns_err err = ns_settimeout(NULL, 1.0);
  ok = ok && err && ns_error_last_address() == NULL;
  return ok ? arg : NULL;
}

/* Where the last failure happened: kept by create_connection, per thread,
   forgotten by the next failure and by ns_error_clear. */
static void test_error__last_address(void **state)
{
  (void)state;
  ns_error_clear();
  assert_null(ns_error_last_address());
  ns_addr a;
  assert_ns_ok(ns_close(ns_test_listener(AF_INET, &a)));
  ns_socket *s;
  assert_ns_err(ns_create_connection_addrs(&s, &a, 1, NULL),
                NS_ERR_CONNECTION_REFUSED);
  assert_message_matches(ns_error_last_message(),
                         ns_test_os_message(ECONNREFUSED));
  const ns_addr *at = ns_error_last_address();
  assert_non_null(at);
  assert_true(ns_addr_equal(at, &a));
  /* Another thread's failures are its own. */
  pthread_t t;
  static int token;
  void *ok = NULL;
  assert_int_equal(pthread_create(&t, NULL, fail_without_address, &token), 0);
  assert_int_equal(pthread_join(t, &ok), 0);
  assert_ptr_equal(ok, &token);
  assert_ptr_equal(ns_error_last_address(), at);
  assert_true(ns_addr_equal(at, &a));
  /* A failure with no address forgets it; so does clear. */
  assert_ns_err(ns_settimeout(NULL, 1.0), NS_ERR_OS);
  assert_null(ns_error_last_address());
  assert_ns_err(ns_create_connection_addrs(&s, &a, 1, NULL),
                NS_ERR_CONNECTION_REFUSED);
  assert_non_null(ns_error_last_address());
  ns_error_clear();
  assert_null(ns_error_last_address());
}

/* The last line of Python's traceback, written into a caller's buffer. */
static void test_error__format_like_traceback(void **state)
{
  (void)state;
  char buf[128];
  ns_error_clear();
  memset(buf, 'x', sizeof buf);
  assert_int_equal(ns_error_format(buf, sizeof buf), 0);
  assert_string_equal(buf, "");

  ns_socket *s;
  ns_addr a;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  ns_socket *l = ns_test_listener(AF_INET, &a);
  assert_ns_ok(ns_close(l)); /* nothing listens there now */
  assert_ns_err(ns_connect(s, &a), NS_ERR_CONNECTION_REFUSED);
  char want[160];
  snprintf(want, sizeof want, "ConnectionRefusedError: %s",
           ns_test_os_message(ECONNREFUSED));
  size_t len = ns_error_format(buf, sizeof buf);
  assert_message_matches(buf, want);
  assert_int_equal(len, strlen(buf));
  /* Formatting leaves the record alone. */
  assert_int_equal(ns_error_last_code(), NS_ERR_CONNECTION_REFUSED);
  /* Cut to fit, NUL-terminated, the full length returned; no buffer. */
  char small[12];
  assert_int_equal(ns_error_format(small, sizeof small), strlen(buf));
  assert_string_equal(small, "ConnectionR");
  assert_int_equal(ns_error_format(NULL, 0), strlen(buf));
  assert_int_equal(ns_error_format(NULL, sizeof buf), strlen(buf));
  assert_ns_ok(ns_close(s));

  /* Classes of the socket module carry its name, as a traceback shows. */
  ns_addrinfo *ai = NULL;
  assert_ns_err(ns_getaddrinfo(&ai, NULL, NULL, AF_UNSPEC, 0, 0, 0),
                NS_ERR_GAIERROR);
  ns_error_format(buf, sizeof buf);
  char gai_want[160];
  snprintf(gai_want, sizeof gai_want, "socket.gaierror: %s",
           ns_test_gai_message(EAI_NONAME));
  assert_message_matches(buf, gai_want);
  ns_socket *t;
  assert_ns_ok(ns_socket_create(&t, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_settimeout(t, -5), NS_ERR_VALUE);
  ns_error_format(buf, sizeof buf);
  assert_string_equal(buf, "ValueError: Timeout value out of range");
  assert_ns_ok(ns_close(t));
}

/* ns_error_print writes "PREFIX: " and the formatted line to stderr. */
static void test_error__print_to_stderr(void **state)
{
  (void)state;
  char path[] = "/tmp/ns_error_printXXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
#ifndef _WIN32
  unlink(path); /* Windows removes no open file: at the end there */
#endif
  fflush(stderr);
  int saved = dup(STDERR_FILENO);
  assert_true(saved >= 0);
  /* dup2() returns the descriptor on POSIX systems, 0 on Windows. */
  assert_int_not_equal(dup2(fd, STDERR_FILENO), -1);
#ifdef _WIN32
  /* The bytes as written: no "\r\n" for "\n". */
  int text_mode = _setmode(STDERR_FILENO, _O_BINARY);
#endif

  ns_socket *t;
  assert_ns_ok(ns_socket_create(&t, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_settimeout(t, -5), NS_ERR_VALUE);
  ns_error_print("settimeout");
  ns_error_print(NULL);
  ns_error_print("");
  ns_error_clear();
  ns_error_print("nothing");
  ns_error_print(NULL);
  fflush(stderr);
#ifdef _WIN32
  _setmode(STDERR_FILENO, text_mode);
#endif
  assert_int_not_equal(dup2(saved, STDERR_FILENO), -1);
  close(saved);
  assert_ns_ok(ns_close(t));

  char got[512] = {0};
  assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
  ssize_t n = read(fd, got, sizeof got - 1);
  close(fd);
#ifdef _WIN32
  unlink(path);
#endif
  assert_true(n > 0);
  assert_string_equal(got, "settimeout: ValueError: Timeout value out of "
                           "range\n"
                           "ValueError: Timeout value out of range\n"
                           "ValueError: Timeout value out of range\n"
                           "nothing\n"
                           "\n");
}

/* ---- the SSL classes (1.1) ----------------------------------------------- */

/* Their values follow the 1.0 table and are fixed like it. */
static void test_error__ssl_values_are_fixed(void **state)
{
  (void)state;
  assert_int_equal(NS_ERR_SSL, 22);
  assert_int_equal(NS_ERR_SSL_ZERO_RETURN, 23);
  assert_int_equal(NS_ERR_SSL_WANT_READ, 24);
  assert_int_equal(NS_ERR_SSL_WANT_WRITE, 25);
  assert_int_equal(NS_ERR_SSL_SYSCALL, 26);
  assert_int_equal(NS_ERR_SSL_EOF, 27);
  assert_int_equal(NS_ERR_SSL_CERT_VERIFICATION, 28);
}

/*
 * Names and bases as Python 3.11's ssl module has them: each row lists
 * the class and every class of the table in its __mro__ (checked both
 * ways: is-a where listed, not where not).
 */
static void test_error__ssl_hierarchy_is_pythons(void **state)
{
  (void)state;
  static const struct {
    ns_err code;
    const char *name;
    ns_err bases[4];
  } rows[] = {
      {NS_ERR_SSL, "SSLError", {NS_ERR_OS}},
      {NS_ERR_SSL_ZERO_RETURN, "SSLZeroReturnError", {NS_ERR_SSL, NS_ERR_OS}},
      {NS_ERR_SSL_WANT_READ, "SSLWantReadError", {NS_ERR_SSL, NS_ERR_OS}},
      {NS_ERR_SSL_WANT_WRITE, "SSLWantWriteError", {NS_ERR_SSL, NS_ERR_OS}},
      {NS_ERR_SSL_SYSCALL, "SSLSyscallError", {NS_ERR_SSL, NS_ERR_OS}},
      {NS_ERR_SSL_EOF, "SSLEOFError", {NS_ERR_SSL, NS_ERR_OS}},
      {NS_ERR_SSL_CERT_VERIFICATION,
       "SSLCertVerificationError",
       {NS_ERR_SSL, NS_ERR_OS, NS_ERR_VALUE}},
  };
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    assert_string_equal(ns_error_name(rows[i].code), rows[i].name);
    for (int base = NS_ERR_OS; base <= NS_ERR_SSL_CERT_VERIFICATION; base++) {
      bool want = base == (int)rows[i].code;
      for (size_t k = 0; k < 4 && rows[i].bases[k] != NS_OK; k++)
        want = want || (int)rows[i].bases[k] == base;
      if (ns_error_is(rows[i].code, (ns_err)base) != want)
        fail_msg("isinstance(%s(), %s) should be %s", rows[i].name,
                 ns_error_name((ns_err)base), want ? "True" : "False");
    }
  }
  /* The bases are not instances of their subclasses. */
  assert_false(ns_error_is(NS_ERR_SSL, NS_ERR_SSL_CERT_VERIFICATION));
  assert_false(ns_error_is(NS_ERR_VALUE, NS_ERR_SSL_CERT_VERIFICATION));
  assert_false(ns_error_is(NS_ERR_VALUE, NS_ERR_SSL));
  assert_false(ns_error_is(NS_ERR_OS, NS_ERR_SSL));
}

/* ns_error_set records what another library reports, as Python's raise. */
static void test_error__set_records_a_failure(void **state)
{
  (void)state;
  ns_error_clear();
  assert_int_equal(ns_error_set(NS_ERR_SSL_CERT_VERIFICATION, "do_handshake", 1,
                                "[SSL: CERTIFICATE_VERIFY_FAILED] x"),
                   NS_ERR_SSL_CERT_VERIFICATION);
  assert_int_equal(ns_error_last_code(), NS_ERR_SSL_CERT_VERIFICATION);
  assert_int_equal(ns_error_last_errno(), 1);
  assert_string_equal(ns_error_last_operation(), "do_handshake");
  assert_last_message("[SSL: CERTIFICATE_VERIFY_FAILED] x");
  /* Setting the current text again keeps it. */
  ns_error_set(NS_ERR_SSL, "recv", 1, ns_error_last_message());
  assert_last_message("[SSL: CERTIFICATE_VERIFY_FAILED] x");

  /* No message: formatted from the errno as for any OS error. */
  ns_error_set(NS_ERR_CONNECTION_RESET, NULL, ECONNRESET, NULL);
  assert_string_equal(ns_error_last_operation(), "");
#ifdef _WIN32
  /* No winerror given: the C runtime's text for the number, as Python's
     OSError(errno.ECONNRESET, os.strerror(errno.ECONNRESET)) there. */
  char want[300];
  snprintf(want, sizeof want, "[Errno %d] %s", ECONNRESET,
           strerror(ECONNRESET));
  assert_last_message(want);
#else
  assert_last_os_error(ECONNRESET);
#endif

  /* A message longer than the record is cut, never overflowed. */
  char big[600];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  ns_error_set(NS_ERR_SSL, "recv", 1, big);
  assert_int_equal(strlen(ns_error_last_message()), 255);

  /* NS_OK empties the record. */
  assert_int_equal(ns_error_set(NS_OK, "x", 5, "y"), NS_OK);
  assert_int_equal(ns_error_last_code(), NS_OK);
  assert_string_equal(ns_error_last_message(), "");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_error__names_match_python),
      NS_TEST(test_error__values_are_fixed),
      NS_TEST(test_error__hierarchy_is_pythons),
      NS_TEST(test_error__errno_table_matches_python),
      NS_TEST(test_error__messages_formatted_as_python),
      NS_TEST(test_error__winerror_exported),
      NS_TEST(test_error__detail_is_per_thread),
      NS_TEST(test_error__last_address),
      NS_TEST(test_error__format_like_traceback),
      NS_TEST(test_error__print_to_stderr),
      NS_TEST(test_error__ssl_values_are_fixed),
      NS_TEST(test_error__ssl_hierarchy_is_pythons),
      NS_TEST(test_error__set_records_a_failure),
  };
  return cmocka_run_group_tests_name("error", tests, NULL, NULL);
}

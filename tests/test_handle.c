/* SPDX-License-Identifier: MIT */
/*
 * Handle utilities: socketpair, fromfd, dup, detach, inheritance and
 * makefile. Messages are the ones Python 3 prints for the same failures.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#ifndef _WIN32
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#endif

#include "ns_test.h"

static bool cloexec(ns_os_socket fd)
{
  assert_true(ns_test_os_open(fd));
  return !ns_test_os_inheritable(fd);
}

/* Send `text` on a and read it back on b. */
static void exchange(ns_socket *a, ns_socket *b, const char *text)
{
  char buf[64];
  size_t n = 0;
  assert_ns_ok(ns_sendall(a, text, strlen(text), 0, NULL));
  assert_ns_ok(ns_recv(b, buf, sizeof buf, 0, &n));
  assert_int_equal(n, strlen(text));
  assert_memory_equal(buf, text, n);
}

static int64_t rcvtimeo_us(ns_os_socket fd)
{
#ifdef _WIN32
  DWORD ms;
  int len = sizeof ms;
  assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, (char *)&ms, &len),
                   0);
  return (int64_t)ms * 1000;
#else
  struct timeval tv;
  socklen_t len = sizeof tv;
  assert_int_equal(getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, &len), 0);
  return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
#endif
}

/* ---- socketpair ---------------------------------------------------------- */

static void test_handle__socketpair(void **state)
{
  (void)state;
  ns_socket *a, *b;
  assert_ns_ok(ns_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0));
#ifdef _WIN32
  /* Over loopback TCP, as Python's on Windows: AF_UNIX is taken as
     AF_INET, its default there. */
  assert_int_equal(ns_family(a), AF_INET);
#else
  assert_int_equal(ns_family(a), AF_UNIX);
#endif
  assert_int_equal(ns_socktype(b), SOCK_STREAM);
  assert_true(cloexec(ns_fileno(a)) && cloexec(ns_fileno(b)));
  assert_true(ns_gettimeout(a) == NS_TIMEOUT_NONE);
  exchange(a, b, "ping");
  exchange(b, a, "pong");
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));

#ifdef _WIN32
  /* Streams only, as Python's on Windows. */
  assert_ns_err(ns_socketpair(&a, &b, AF_INET, SOCK_DGRAM, 0), NS_ERR_VALUE);
  assert_last_message("Only SOCK_STREAM socket type is supported");
  assert_ns_ok(ns_socketpair(&a, &b, AF_INET6, SOCK_STREAM, 0));
  exchange(a, b, "over ::1");
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
#else
  /* SOCK_NONBLOCK: timeout 0 on both, as ns_socket_create gives. */
  assert_ns_ok(ns_socketpair(&a, &b, AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK, 0));
  assert_int_equal(ns_socktype(a), SOCK_DGRAM);
  assert_true(ns_gettimeout(b) == 0.0);
  char c;
  size_t n;
  assert_ns_err(ns_recv(b, &c, 1, 0, &n), NS_ERR_BLOCKING_IO);
  assert_last_os_error(EAGAIN);
  assert_ns_ok(ns_close(a));
  assert_ns_ok(ns_close(b));
#endif
}

static void test_handle__socketpair_errors(void **state)
{
  (void)state;
  ns_socket *a = (ns_socket *)&a, *b = (ns_socket *)&b;
#ifdef _WIN32
  /* Python on Windows: a ValueError for what its emulation cannot do. */
  assert_ns_err(ns_socketpair(&a, &b, 12345, SOCK_STREAM, 0), NS_ERR_VALUE);
  assert_null(a);
  assert_null(b);
  assert_last_message(
      "Only AF_INET and AF_INET6 socket address families are supported");
  assert_ns_err(ns_socketpair(&a, &b, AF_INET, SOCK_STREAM, 1), NS_ERR_VALUE);
  assert_last_message("Only protocol zero is supported");
#else
  assert_ns_err(ns_socketpair(&a, &b, AF_INET, SOCK_STREAM, 0), NS_ERR_OS);
  assert_null(a);
  assert_null(b);
  assert_int_equal(ns_error_last_errno(), EOPNOTSUPP);
  assert_last_os_error(ENOTSUP);
  assert_string_equal(ns_error_last_operation(), "socketpair");

  assert_ns_err(ns_socketpair(&a, &b, 12345, SOCK_STREAM, 0), NS_ERR_OS);
  assert_last_os_error(EAFNOSUPPORT);
#endif

  assert_ns_err(ns_socketpair(&a, NULL, AF_UNIX, SOCK_STREAM, 0), NS_ERR_VALUE);
  assert_last_message("socketpair(): out is NULL");
}

/* Out of descriptors: EMFILE, and nothing half made or leaked. */
static void test_handle__socketpair_emfile(void **state)
{
  (void)state;
#ifdef _WIN32
  ns_test_skip_platform("needs fork() and setrlimit(RLIMIT_NOFILE)");
#else
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    /* Fill the table to a low limit, then free exactly one slot: a pair
       needs two. */
    int highest = 0;
    for (int fd = 0; fd < 4096; fd++)
      if (fcntl(fd, F_GETFD) >= 0)
        highest = fd;
    struct rlimit rl = {(rlim_t)highest + 8, (rlim_t)highest + 8};
    int spare = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (spare < 0 || setrlimit(RLIMIT_NOFILE, &rl) != 0)
      _exit(2);
    int last = -1, fd;
    for (int i = 0;
         i <= highest + 8 && (fd = fcntl(spare, F_DUPFD_CLOEXEC, 0)) >= 0; i++)
      last = fd;
    if (errno != EMFILE || last < 0)
      _exit(2);
    close(last);
    int before = ns_test_fd_count();
    ns_socket *a, *b;
    ns_err err = ns_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0);
    bool ok = err == NS_ERR_OS && ns_error_last_errno() == EMFILE &&
              ns_test_message_matches(ns_error_last_message(),
                                      ns_test_os_message(EMFILE)) &&
              a == NULL && b == NULL;
    _exit(ok && ns_test_fd_count() == before ? 0 : 1);
  }
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == 2) {
    print_message("[  SKIP    ] cannot lower RLIMIT_NOFILE here\n");
    skip();
  }
  assert_int_equal(WEXITSTATUS(status), 0);
#endif
}

/* ---- fromfd -------------------------------------------------------------- */

#ifdef _WIN32
/* Windows: Winsock's own calls, for a socket the library did not make. */
static void test_handle__fromfd(void **state)
{
  (void)state;
  SOCKET fd = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDP);
  assert_true(fd != INVALID_SOCKET);
  ns_socket *s;
  assert_ns_ok(ns_fromfd(&s, fd));
  assert_true(ns_fileno(s) == fd);
  assert_int_equal(ns_family(s), AF_INET);
  assert_int_equal(ns_socktype(s), SOCK_DGRAM);
  /* Winsock's protocol info names it, as CPython reads it there. */
  assert_int_equal(ns_proto(s), IPPROTO_UDP);
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  assert_ns_ok(ns_close(s));
  assert_false(ns_test_os_open(fd));

  /* Timers others left are cleared, so that the handle's timeout alone
     governs; Windows cannot tell a non-blocking socket, so it gets the
     default timeout. */
  fd = socket(AF_INET6, SOCK_STREAM, 0);
  assert_true(fd != INVALID_SOCKET);
  DWORD ms = 3000;
  assert_int_equal(
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, (const char *)&ms, sizeof ms), 0);
  assert_ns_ok(ns_fromfd(&s, fd));
  assert_int_equal(ns_family(s), AF_INET6);
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  assert_int_equal(rcvtimeo_us(fd), 0);
  assert_ns_ok(ns_close(s));
}
#else
static void test_handle__fromfd(void **state)
{
  (void)state;
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  assert_true(fd >= 0);
  ns_socket *s;
  assert_ns_ok(ns_fromfd(&s, fd));
  assert_int_equal(ns_fileno(s), fd);
  assert_int_equal(ns_family(s), AF_INET);
  assert_int_equal(ns_socktype(s), SOCK_DGRAM);
  /* Without SO_PROTOCOL the protocol is unknown: 0, as in CPython. */
  assert_int_equal(ns_proto(s), HAVE_SO_DOMAIN ? IPPROTO_UDP : 0);
  assert_true(ns_gettimeout(s) == NS_TIMEOUT_NONE);
  /* The handle owns the descriptor now. */
  assert_ns_ok(ns_close(s));
  assert_int_equal(fcntl(fd, F_GETFD), -1);

  /* A non-blocking descriptor stays so: timeout 0. Timers others left are
     cleared, so that the handle's timeout alone governs. */
  fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  assert_true(fd >= 0);
  struct timeval tv = {3, 0};
  assert_int_equal(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  assert_ns_ok(ns_fromfd(&s, fd));
  assert_int_equal(ns_family(s), AF_INET6);
  assert_int_equal(ns_proto(s), HAVE_SO_DOMAIN ? IPPROTO_TCP : 0);
  assert_true(ns_gettimeout(s) == 0.0);
  assert_int_equal(rcvtimeo_us(fd), 0);
  assert_ns_ok(ns_close(s));
}
#endif

static void test_handle__fromfd_errors(void **state)
{
  (void)state;
  ns_socket *s = (ns_socket *)&s;
  /* -1 is INVALID_SOCKET on Windows: Python's message there too. */
  assert_ns_err(ns_fromfd(&s, NS_INVALID_SOCKET), NS_ERR_VALUE);
  assert_null(s);
  assert_last_message("negative file descriptor");
#ifdef _WIN32
  /* A handle that is no socket (an event), then one that is closed:
     WSAENOTSOCK both, the only answer Winsock has. */
  HANDLE ev = CreateEventA(NULL, TRUE, FALSE, NULL);
  assert_non_null(ev);
  assert_ns_err(ns_fromfd(&s, (ns_os_socket)(uintptr_t)ev), NS_ERR_OS);
  assert_last_os_error(ENOTSOCK);
  assert_true(CloseHandle(ev));
  assert_ns_err(ns_fromfd(&s, (ns_os_socket)(uintptr_t)ev), NS_ERR_OS);
  assert_last_os_error(ENOTSOCK);
#else

  /* A regular file is no socket; it stays open and the caller's. */
  int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
  assert_true(fd >= 0);
  assert_ns_err(ns_fromfd(&s, fd), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), ENOTSOCK);
  assert_last_os_error(ENOTSOCK);
  assert_int_equal(close(fd), 0);

  /* A descriptor that is not open. */
  assert_ns_err(ns_fromfd(&s, fd), NS_ERR_OS);
  assert_last_os_error(EBADF);
#endif

  assert_ns_err(ns_fromfd(NULL, 0), NS_ERR_VALUE);
  assert_last_message("fromfd(): out is NULL");
}

/* ---- dup ----------------------------------------------------------------- */

static void test_handle__dup(void **state)
{
  (void)state;
  ns_socket *c, *srv, *d;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  assert_ns_ok(ns_settimeout(c, 5.0));
  assert_ns_ok(ns_dup(c, &d));
  assert_int_not_equal(ns_fileno(d), ns_fileno(c));
  assert_true(cloexec(ns_fileno(d)));
  assert_int_equal(ns_family(d), AF_INET);
  assert_int_equal(ns_socktype(d), SOCK_STREAM);
  assert_true(ns_gettimeout(d) == 5.0);
  /* The same connection: the original can go. */
  assert_ns_ok(ns_close(c));
  exchange(d, srv, "through the dup");
  exchange(srv, d, "back");

  /* The dup keeps the timeout working on the shared kernel timers. */
  assert_ns_ok(ns_settimeout(d, 0.05));
  char buf[8];
  size_t n;
  assert_ns_err(ns_recv(d, buf, sizeof buf, 0, &n), NS_ERR_TIMEOUT);
  assert_last_message("timed out");
  assert_ns_ok(ns_close(d));
  assert_ns_ok(ns_close(srv));
}

static void test_handle__dup_errors(void **state)
{
  (void)state;
  ns_socket *d = (ns_socket *)&d;
  assert_ns_err(ns_dup(NULL, &d), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EBADF);
  assert_last_os_error(EBADF);

  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_dup(s, NULL), NS_ERR_VALUE);
  assert_last_message("dup(): out is NULL");
  /* The descriptor closed behind the handle's back. */
  ns_test_os_close(ns_fileno(s));
  assert_ns_err(ns_dup(s, &d), NS_ERR_OS);
  assert_null(d);
  assert_last_os_error(NS_TEST_ECLOSED);
  assert_ns_err(ns_close(s), NS_ERR_OS);
}

/* ---- detach -------------------------------------------------------------- */

static void test_handle__detach(void **state)
{
  (void)state;
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  /* A timeout puts kernel timers on the socket; detach takes them off. */
  assert_ns_ok(ns_settimeout(c, 2.0));
  char buf[8];
  size_t n;
  assert_ns_ok(ns_send(c, "x", 1, 0, &n));
  assert_ns_ok(ns_recv(srv, buf, 1, 0, &n));
  ns_os_socket fd = ns_detach(c);
  assert_true(fd != NS_INVALID_SOCKET);
  assert_int_equal(rcvtimeo_us(fd), 0);
  /* The descriptor is open and the same connection. */
#ifdef _WIN32
  assert_int_equal(send(fd, "raw", 3, 0), 3);
#else
  assert_int_equal(write(fd, "raw", 3), 3);
#endif
  assert_ns_ok(ns_recv(srv, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 3);
  /* And it can be adopted again. */
  ns_socket *again;
  assert_ns_ok(ns_fromfd(&again, fd));
  exchange(again, srv, "adopted");
  assert_ns_ok(ns_close(again));
  assert_ns_ok(ns_close(srv));
}

static void test_handle__detach_null(void **state)
{
  (void)state;
  /* Python's detach() on a closed socket: -1, and no error. */
  ns_error_clear();
  assert_true(ns_detach(NULL) == NS_INVALID_SOCKET);
  assert_int_equal(ns_error_last_code(), NS_OK);
  assert_last_message("");
}

/* ---- inheritance --------------------------------------------------------- */

static void test_handle__inheritable(void **state)
{
  (void)state;
  ns_socket *s;
  bool inheritable = true;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_ok(ns_get_inheritable(s, &inheritable));
  assert_false(inheritable);
  assert_ns_ok(ns_set_inheritable(s, true));
  assert_ns_ok(ns_get_inheritable(s, &inheritable));
  assert_true(inheritable);
  assert_false(cloexec(ns_fileno(s)));
  assert_ns_ok(ns_set_inheritable(s, false));
  assert_true(cloexec(ns_fileno(s)));
  assert_ns_ok(ns_close(s));
}

static void test_handle__inheritable_errors(void **state)
{
  (void)state;
  bool inheritable;
  assert_ns_err(ns_get_inheritable(NULL, &inheritable), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_err(ns_set_inheritable(NULL, true), NS_ERR_OS);
  assert_last_os_error(EBADF);

  ns_socket *s;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_get_inheritable(s, NULL), NS_ERR_VALUE);
  assert_last_message("get_inheritable(): out is NULL");
  ns_test_os_close(ns_fileno(s));
  assert_ns_err(ns_get_inheritable(s, &inheritable), NS_ERR_OS);
  assert_string_equal(ns_error_last_operation(), "get_inheritable");
#ifdef _WIN32
  /* The handle is invalid (ERROR_INVALID_HANDLE), which Python there
     makes EBADF. */
  assert_int_equal(ns_error_last_errno(), EBADF);
  assert_message_matches(ns_error_last_message(), "[WinError 6] *");
  assert_ns_err(ns_set_inheritable(s, false), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), EBADF);
#else
  assert_last_os_error(EBADF);
  assert_ns_err(ns_set_inheritable(s, false), NS_ERR_OS);
  assert_last_os_error(EBADF);
#endif
  assert_ns_err(ns_close(s), NS_ERR_OS);
}

/* ---- share / fromshare ----------------------------------------------------
 */

static void test_handle__share(void **state)
{
  (void)state;
  ns_socket *c, *srv, *shared;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  unsigned char data[NS_SHARE_SIZE];
  size_t len = 99;
#ifdef _WIN32
  /* Shared with this very process, as a test can: the bytes give a
     second handle on the same connection. */
  assert_ns_err(ns_share(c, GetCurrentProcessId(), data, 8, &len),
                NS_ERR_OVERFLOW);
  assert_int_equal(len, 0);
  assert_ns_ok(ns_share(c, GetCurrentProcessId(), data, sizeof data, &len));
  assert_true(len > 0 && len <= NS_SHARE_SIZE);
  assert_ns_err(ns_fromshare(&shared, data, len - 1), NS_ERR_VALUE);
  assert_last_message("wrong size");
  assert_null(shared);
  assert_ns_ok(ns_fromshare(&shared, data, len));
  assert_int_equal(ns_family(shared), AF_INET);
  assert_int_equal(ns_socktype(shared), SOCK_STREAM);
  assert_ns_ok(ns_sendall(shared, "via share", 9, 0, NULL));
  char buf[16];
  size_t n;
  assert_ns_ok(ns_recv(srv, buf, sizeof buf, 0, &n));
  assert_int_equal(n, 9);
  assert_memory_equal(buf, "via share", 9);
  assert_ns_ok(ns_close(shared));
#else
  /* POSIX systems pass descriptors instead (ns_send_fds). */
  assert_ns_err(ns_share(c, 1, data, sizeof data, &len), NS_ERR_OS);
  assert_last_os_error(ENOSYS);
  assert_int_equal(len, 0);
  shared = (ns_socket *)&shared;
  assert_ns_err(ns_fromshare(&shared, data, sizeof data), NS_ERR_OS);
  assert_last_os_error(ENOSYS);
  assert_null(shared);
#endif
  assert_ns_err(ns_share(NULL, 1, data, sizeof data, &len), NS_ERR_OS);
  assert_last_os_error(EBADF);
  assert_ns_ok(ns_close(c));
  assert_ns_ok(ns_close(srv));
}

/* ---- makefile ------------------------------------------------------------ */

/* How a stream reports a failure in errno: as the system does on POSIX
   systems; on Windows, where the stream is a pipe to a relay thread, the
   C runtime's word for a disconnected pipe, EINVAL. */
#ifdef _WIN32
#define STREAM_ERRNO(e) EINVAL
#else
#define STREAM_ERRNO(e) (e)
#endif

/* When a stream's read starts its timeout: at the call on POSIX systems;
   on Windows, at the stream's birth, `born`. */
static double read_clock_start(double born)
{
#ifdef _WIN32
  return born;
#else
  (void)born;
  return ns_test_now();
#endif
}

/* fclose() of a stream that failed: 0 on POSIX systems. On Windows the C
   runtime may report the disconnected pipe again (wine does), so only
   the release is checked there, by the case's descriptor count. */
static void close_failed_stream(FILE *f)
{
  int r = fclose(f);
#ifdef _WIN32
  assert_true(r == 0 || r == EOF);
#else
  assert_int_equal(r, 0);
#endif
}

/* After fclose() and ns_close() of the socket the stream came from, the
   peer reads EOF: nothing (on Windows, not the relay) holds the
   connection open. Bounded by a timeout. */
static void peer_sees_eof(ns_socket *peer)
{
  char b[16];
  size_t n = 1;
  assert_ns_ok(ns_settimeout(peer, 10.0));
  assert_ns_ok(ns_recv(peer, b, sizeof b, 0, &n));
  assert_int_equal(n, 0);
}

static void test_handle__makefile(void **state)
{
  (void)state;
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  FILE *w, *r;
  assert_ns_ok(ns_makefile(c, "wb", &w));
  assert_ns_ok(ns_makefile(srv, NULL, &r)); /* Python's default, "r" */
#ifndef _WIN32
  /* The stream works through a handle of its own, not a bare descriptor
     that write(2) could raise SIGPIPE on. */
  assert_int_equal(fileno(w), -1);
#endif
  assert_true(fprintf(w, "line %d\nsecond\n", 1) > 0);
  assert_int_equal(fflush(w), 0);
  char line[32];
  assert_non_null(fgets(line, sizeof line, r));
  assert_string_equal(line, "line 1\n");
  assert_non_null(fgets(line, sizeof line, r));
  assert_string_equal(line, "second\n");
  /* fclose() releases only the stream's own descriptor. */
  assert_int_equal(fclose(w), 0);
  exchange(srv, c, "still open");

  /* "rw": one stream both ways. */
  FILE *rw;
  assert_ns_ok(ns_makefile(c, "rw", &rw));
  assert_true(fputs("hello\n", rw) >= 0);
  assert_int_equal(fflush(rw), 0);
  assert_non_null(fgets(line, sizeof line, r));
  assert_string_equal(line, "hello\n");
  size_t n;
  assert_ns_ok(ns_sendall(srv, "reply\n", 6, 0, &n));
  assert_non_null(fgets(line, sizeof line, rw));
  assert_string_equal(line, "reply\n");
  assert_int_equal(fclose(rw), 0);

  assert_int_equal(fclose(r), 0);

  /* A timeout shows as a failed read with errno ETIMEDOUT. (On Windows
     the time counts from when the stream was made.) */
  assert_ns_ok(ns_settimeout(srv, 0.05));
  double t0 = ns_test_now();
  assert_ns_ok(ns_makefile(srv, "r", &r));
  errno = 0;
  assert_null(fgets(line, sizeof line, r));
  assert_true(ns_test_now() - t0 >= 0.05);
  assert_true(ferror(r));
  assert_int_equal(errno, STREAM_ERRNO(ETIMEDOUT));
  close_failed_stream(r);
  /* A non-blocking socket's stream: EAGAIN at once. */
  assert_ns_ok(ns_settimeout(srv, 0));
  assert_ns_ok(ns_makefile(srv, "r", &r));
  errno = 0;
  assert_null(fgets(line, sizeof line, r));
  assert_true(ferror(r));
  assert_int_equal(errno, STREAM_ERRNO(EAGAIN));
  close_failed_stream(r);
  assert_ns_ok(ns_close(srv));
  peer_sees_eof(c);
  assert_ns_ok(ns_close(c));
}

/* The stream's bytes and the socket's own keep their order: after
   fflush(), what the stream wrote has been sent (on Windows, the relay
   has handed it to the socket before the writer goes on). */
static void test_handle__makefile_order(void **state)
{
  (void)state;
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  FILE *w;
  assert_ns_ok(ns_makefile(c, "wb", &w));
  char expect[2000];
  size_t len = 0, n;
  for (int i = 0; i < 100; i++) {
    char stream_part[16], socket_part[16];
    int a = snprintf(stream_part, sizeof stream_part, "f%d,", i);
    int b = snprintf(socket_part, sizeof socket_part, "s%d;", i);
    assert_true(fputs(stream_part, w) >= 0);
    assert_int_equal(fflush(w), 0);
    assert_ns_ok(ns_sendall(c, socket_part, (size_t)b, 0, &n));
    memcpy(expect + len, stream_part, (size_t)a);
    memcpy(expect + len + a, socket_part, (size_t)b);
    len += (size_t)(a + b);
  }
  assert_int_equal(fclose(w), 0);
  assert_ns_ok(ns_close(c));
  char got[2000];
  assert_ns_ok(ns_settimeout(srv, 10.0));
  size_t have = 0;
  while (have < len) {
    assert_ns_ok(ns_recv(srv, got + have, sizeof got - have, 0, &n));
    assert_true(n > 0);
    have += n;
  }
  assert_memory_equal(got, expect, len);
  assert_ns_ok(ns_recv(srv, got, sizeof got, 0, &n));
  assert_int_equal(n, 0); /* and the connection ended with them */
  assert_ns_ok(ns_close(srv));
}

/* A stream keeps the timeout its socket had when it was made: changing
   the socket's afterwards (which shares the kernel's timers and the
   O_NONBLOCK flag with the stream's duplicate) does not reach it. */
static void test_handle__makefile_keeps_its_timeout(void **state)
{
  (void)state;
  ns_socket *c, *srv;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  assert_ns_ok(ns_settimeout(srv, 0.05));
  /* The read's time counts from the call; on Windows, from the stream's
     birth (its relay starts receiving then). */
  double t0 = ns_test_now();
  FILE *r, *w;
  assert_ns_ok(ns_makefile(srv, "r", &r));
  assert_ns_ok(ns_makefile(srv, "w", &w));
  assert_ns_ok(ns_settimeout(srv, NS_TIMEOUT_NONE));
#ifdef _WIN32
  /* No fork(): the blocked-read check needs a child to hang safely. And
     no direct read on the socket here: the stream's relay reads ahead. */
#else
  /* The socket turns blocking, and waits once so the kernel holds it. */
  char b[1];
  size_t n;
  assert_ns_ok(ns_send(c, "x", 1, 0, &n));
  assert_ns_ok(ns_recv(srv, b, 1, 0, &n));
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    alarm(10); /* a read without a deadline hangs: SIGALRM fails it */
    char line[8];
    errno = 0;
    bool ok = !fgets(line, sizeof line, r) && ferror(r) && errno == ETIMEDOUT;
    _exit(ok ? 0 : 1);
  }
  ns_test_child_succeeds(pid);
#endif
  /* Turned non-blocking: the stream still waits (for its 50 ms) and then
     times out, rather than failing at once with EAGAIN. */
  assert_ns_ok(ns_settimeout(srv, 0));
  char line[8];
  errno = 0;
  clearerr(r);
  double read_at = read_clock_start(t0);
  assert_null(fgets(line, sizeof line, r));
  assert_true(ferror(r));
  assert_int_equal(errno, STREAM_ERRNO(ETIMEDOUT));
  assert_true(ns_test_now() - read_at >= 0.05);
  /* Writing is bounded too: a peer that never reads fills the buffers. */
  static char chunk[1 << 16];
  errno = 0;
  bool failed = false;
  for (int i = 0; i < 1000 && !failed; i++)
    failed =
        fwrite(chunk, 1, sizeof chunk, w) != sizeof chunk || fflush(w) != 0;
  assert_true(failed);
  assert_int_equal(errno, STREAM_ERRNO(ETIMEDOUT));
  close_failed_stream(w);
  close_failed_stream(r);
  assert_ns_ok(ns_close(srv));
  assert_ns_ok(ns_close(c));
}

/* One round of streams both ways over a fresh pair, ended by the peer:
   the writer's stream and socket close, and the reader's stream reads
   EOF. On Windows that EOF also says both relays are gone: the writer's
   released its duplicate last, the reader's its pipe. */
static void stream_round(void)
{
  ns_socket *c, *srv;
  FILE *r, *w;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  assert_ns_ok(ns_settimeout(srv, 10.0)); /* bounds the reads below */
  assert_ns_ok(ns_makefile(srv, "r", &r));
  assert_ns_ok(ns_makefile(c, "w", &w));
  assert_true(fputs("one line\n", w) >= 0);
  assert_int_equal(fclose(w), 0);
  assert_ns_ok(ns_close(c));
  char line[16];
  assert_non_null(fgets(line, sizeof line, r));
  assert_string_equal(line, "one line\n");
  assert_null(fgets(line, sizeof line, r));
  assert_true(feof(r) && !ferror(r));
  assert_int_equal(fclose(r), 0);
  assert_ns_ok(ns_close(srv));
}

/* Streams release all they hold: after a warm-up round (Windows opens
   some handles once, for a process's first threads), each round leaves
   the process's handle count as it found it. */
static void test_handle__makefile_releases_handles(void **state)
{
  (void)state;
  stream_round();
  int before = ns_test_handle_count();
  for (int i = 0; i < 3; i++)
    stream_round();
  assert_int_equal(ns_test_handle_count(), before);
}

/* Write a stream to a peer that is gone: true when the writing fails
   as a broken connection does (EPIPE or ECONNRESET; on Windows, the
   stream's EINVAL). */
static bool write_to_gone_peer_fails(void)
{
  ns_socket *c, *srv;
  FILE *w;
  ns_test_tcp_pair(AF_INET, &c, &srv);
  if (ns_makefile(c, "w", &w) != NS_OK)
    return false;
  ns_close(srv);
  int failed = 0;
  static char chunk[65536];
  for (int i = 0; i < 200 && !failed; i++)
    failed =
        fwrite(chunk, 1, sizeof chunk, w) != sizeof chunk || fflush(w) != 0;
  bool broken = errno == STREAM_ERRNO(EPIPE) || errno == ECONNRESET;
  fclose(w);
  ns_close(c);
  return failed && broken;
}

/* Writing a stream to a peer that is gone fails; it never raises SIGPIPE
   (checked in a child with SIGPIPE at its default disposition; Windows
   has no SIGPIPE). */
static void test_handle__makefile_no_sigpipe(void **state)
{
  (void)state;
#ifdef _WIN32
  assert_true(write_to_gone_peer_fails());
#else
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);
    _exit(write_to_gone_peer_fails() ? 0 : 2);
  }
  ns_test_child_succeeds(pid);
#endif
}

static void test_handle__makefile_errors(void **state)
{
  (void)state;
  ns_socket *s;
  FILE *f = (FILE *)&f;
  assert_ns_ok(ns_socket_create(&s, AF_INET, SOCK_STREAM, 0));
  assert_ns_err(ns_makefile(s, "x", &f), NS_ERR_VALUE);
  assert_null(f);
  assert_last_message("invalid mode 'x' (only r, w, b allowed)");
  assert_ns_err(ns_makefile(s, "ra", &f), NS_ERR_VALUE);
  assert_last_message("invalid mode 'ra' (only r, w, b allowed)");
  assert_ns_err(ns_makefile(s, "r", NULL), NS_ERR_VALUE);
  assert_last_message("makefile(): out is NULL");
  assert_ns_err(ns_makefile(NULL, "r", &f), NS_ERR_OS);
  assert_last_os_error(EBADF);
  ns_test_os_close(ns_fileno(s));
  assert_ns_err(ns_makefile(s, "r", &f), NS_ERR_OS);
  assert_string_equal(ns_error_last_operation(), "makefile");
  assert_last_os_error(NS_TEST_ECLOSED);
  assert_ns_err(ns_close(s), NS_ERR_OS);
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_handle__socketpair),
      NS_TEST(test_handle__socketpair_errors),
      NS_TEST(test_handle__socketpair_emfile),
      NS_TEST(test_handle__fromfd),
      NS_TEST(test_handle__fromfd_errors),
      NS_TEST(test_handle__dup),
      NS_TEST(test_handle__dup_errors),
      NS_TEST(test_handle__share),
      NS_TEST(test_handle__detach),
      NS_TEST(test_handle__detach_null),
      NS_TEST(test_handle__inheritable),
      NS_TEST(test_handle__inheritable_errors),
      NS_TEST(test_handle__makefile),
      NS_TEST(test_handle__makefile_order),
      NS_TEST(test_handle__makefile_releases_handles),
      NS_TEST(test_handle__makefile_no_sigpipe),
      NS_TEST(test_handle__makefile_keeps_its_timeout),
      NS_TEST(test_handle__makefile_errors),
  };
  return cmocka_run_group_tests_name("handle", tests, NULL, NULL);
}

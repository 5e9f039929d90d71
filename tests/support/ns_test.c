/* SPDX-License-Identifier: MIT */
#include "ns_test.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef _WIN32
#include <direct.h>
#include <windows.h>
#else
#include <netdb.h>
#include <sys/socket.h>
#include <sys/wait.h>
#endif

void ns_test_check(ns_err got, ns_err want, const char *expr, const char *file,
                   int line)
{
  if (got == want)
    return;
  print_error("%s:%d: %s\n  returned %s (%d): %s [op %s, errno %d]\n"
              "  expected %s (%d)\n",
              file, line, expr, ns_error_name(got), (int)got,
              ns_error_last_message(), ns_error_last_operation(),
              ns_error_last_errno(), ns_error_name(want), (int)want);
  _fail(file, line);
}

/* A few buffers in turn, so that one assertion can hold two messages;
   each thread has its own. */
static char *message_slot(void)
{
  static _Thread_local char slots[4][256];
  static _Thread_local unsigned next;
  return slots[next++ % 4];
}

#ifndef _WIN32
const char *ns_test_os_message(int err)
{
  char *out = message_slot();
  snprintf(out, 256, "[Errno %d] %s", err, strerror(err));
  return out;
}

const char *ns_test_gai_message(int eai)
{
  char *out = message_slot();
  snprintf(out, 256, "[Errno %d] %s", eai, gai_strerror(eai));
  return out;
}

const char *ns_test_herror_message(int h)
{
  char *out = message_slot();
  snprintf(out, 256, "[Errno %d] %s", h, hstrerror(h));
  return out;
}

int ns_test_message_matches(const char *got, const char *want)
{
  return strcmp(got, want) == 0;
}
#else
/* The C runtime's errnos that CPython's winerror_to_errno gives for a
   Winsock code (10000 + errno): EINTR, EBADF, EACCES, EFAULT, EINVAL,
   EMFILE. */
static int crt_errno_of_winsock(int err)
{
  return err == EINTR || err == EBADF || err == EACCES || err == EFAULT ||
         err == EINVAL || err == EMFILE;
}

const char *ns_test_os_message(int err)
{
  char *out = message_slot();
  if (err >= 10000)
    snprintf(out, 256, "[WinError %d] *", err);
  else if (crt_errno_of_winsock(err))
    snprintf(out, 256, "[Errno %d] %s\n[WinError %d] *", err, strerror(err),
             10000 + err);
  else
    snprintf(out, 256, "[Errno %d] %s", err, strerror(err));
  return out;
}

/* Python on Windows: "[Errno 11001] getaddrinfo failed" and the like, in
   Winsock's numbers; the words are checked by the resolver's own tests. */
const char *ns_test_gai_message(int eai)
{
  char *out = message_slot();
  snprintf(out, 256, "[Errno %d] *", eai);
  return out;
}

const char *ns_test_herror_message(int h)
{
  char *out = message_slot();
  snprintf(out, 256, "[Errno %d] *", h);
  return out;
}

/* One alternative of a pattern: exact, or with one '*' standing for a text
   (at least one character: a text, never nothing), as in "[WinError
   10048] * (while attempting to bind on address ...)". */
static int alternative_matches(const char *got, const char *want, size_t len)
{
  const char *star = memchr(want, '*', len);
  size_t got_len = strlen(got);
  if (!star)
    return got_len == len && strncmp(got, want, len) == 0;
  size_t head = (size_t)(star - want), tail = len - head - 1;
  return got_len > head + tail && strncmp(got, want, head) == 0 &&
         strncmp(got + got_len - tail, star + 1, tail) == 0;
}

int ns_test_message_matches(const char *got, const char *want)
{
  for (;;) {
    const char *end = strchr(want, '\n');
    size_t len = end ? (size_t)(end - want) : strlen(want);
    if (alternative_matches(got, want, len))
      return 1;
    if (!end)
      return 0;
    want = end + 1;
  }
}
#endif

void ns_test_check_message(const char *got, const char *want, const char *file,
                           int line)
{
  if (ns_test_message_matches(got, want))
    return;
  print_error("%s:%d: message \"%s\"\n  expected \"%s\"\n", file, line, got,
              want);
  _fail(file, line);
}

void ns_test_skip_platform(const char *why)
{
#ifdef _WIN32
  print_message("skipped on Windows: %s\n", why);
  skip();
#else
  (void)why;
#endif
}

void ns_test_check_last(int want_errno, const char *want_message,
                        const char *name, const char *file, int line)
{
  int got_errno = ns_error_last_errno();
  const char *got_message = ns_error_last_message();
  if (got_errno == want_errno &&
      ns_test_message_matches(got_message, want_message))
    return;
  print_error("%s:%d: last error is %s, errno %d: \"%s\"\n"
              "  expected errno %s (%d): \"%s\"\n",
              file, line, ns_error_name(ns_error_last_code()), got_errno,
              got_message, name, want_errno, want_message);
  _fail(file, line);
}

void ns_test_check_last_either(int err1, int err2, const char *names,
                               const char *file, int line)
{
  int got = ns_error_last_errno();
  const char *message = ns_error_last_message();
  if ((got == err1 &&
       ns_test_message_matches(message, ns_test_os_message(err1))) ||
      (got == err2 &&
       ns_test_message_matches(message, ns_test_os_message(err2))))
    return;
  print_error("%s:%d: last error is %s, errno %d: \"%s\"\n"
              "  expected errno %s\n",
              file, line, ns_error_name(ns_error_last_code()), got, message,
              names);
  _fail(file, line);
}

void ns_test_remove_dir(const char *dir)
{
  DIR *d = opendir(dir);
  if (d) {
    struct dirent *e;
    char path[4352];
    while ((e = readdir(d)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
      unlink(path);
    }
    closedir(d);
  }
  rmdir(dir);
}

#ifdef _WIN32
/*
 * Windows has no /proc/self/fd: count the process's open sockets, which
 * are handles. Handle values are multiples of 4 and reused lowest first,
 * so the table is dense: probe each value until a long run of closed
 * ones, and count those Winsock knows as sockets. (Other handles are left
 * out: Windows and wine open some lazily and keep them, the first name
 * lookup or thread of a process say, which would read as leaks.)
 */
static int count_handles(bool sockets_only)
{
  int n = 0, closed_run = 0;
  for (uintptr_t h = 4; closed_run < 256; h += 4) {
    DWORD flags;
    if (!GetHandleInformation((HANDLE)h, &flags)) {
      closed_run++;
      continue;
    }
    closed_run = 0;
    int type;
    int len = sizeof type;
    if (!sockets_only ||
        getsockopt((SOCKET)h, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0)
      n++;
  }
  return n;
}

int ns_test_fd_count(void)
{
  return count_handles(true);
}

int ns_test_handle_count(void)
{
  return count_handles(false);
}
#else
int ns_test_fd_count(void)
{
  DIR *dir = opendir("/proc/self/fd");
  if (!dir)
    return -1;
  int n = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL)
    if (e->d_name[0] != '.')
      n++;
  closedir(dir);
  return n - 1; /* the directory's own descriptor */
}

int ns_test_handle_count(void)
{
  return ns_test_fd_count();
}
#endif

static int fd_baseline;

int ns_test_fd_setup(void **state)
{
  (void)state;
#ifdef _WIN32
  /* The library starts Winsock on first use, once per process (as Python
     does at import): start it before the first count, which asks Winsock
     about every handle. */
  static int winsock_started;
  if (!winsock_started) {
    ns_socket *s;
    if (ns_socket_create(&s, AF_INET, SOCK_STREAM, 0) == NS_OK)
      ns_close(s);
    winsock_started = 1;
  }
#endif
  fd_baseline = ns_test_fd_count();
  return fd_baseline < 0 ? -1 : 0;
}

int ns_test_fd_teardown(void **state)
{
  (void)state;
  int now = ns_test_fd_count();
  if (now != fd_baseline) {
    print_error("descriptor leak: %d open before the case, %d after\n",
                fd_baseline, now);
    return -1;
  }
  return 0;
}

int ns_test_have_ipv6(void)
{
  ns_socket *s;
  if (ns_socket_create(&s, AF_INET6, SOCK_STREAM, 0) != NS_OK)
    return 0;
  ns_addr a;
  int ok =
      ns_addr_inet6(&a, "::1", 0, 0, 0) == NS_OK && ns_bind(s, &a) == NS_OK;
  ns_close(s);
  ns_error_clear();
  return ok;
}

bool ns_test_kernel_timer_off(ns_socket *s, int optname)
{
#ifdef _WIN32
  DWORD ms = 99;
  size_t len = sizeof ms;
  assert_ns_ok(ns_getsockopt(s, SOL_SOCKET, optname, &ms, &len));
  return ms == 0;
#else
  struct timeval tv = {9, 9};
  size_t len = sizeof tv;
  assert_ns_ok(ns_getsockopt(s, SOL_SOCKET, optname, &tv, &len));
  return tv.tv_sec == 0 && tv.tv_usec == 0;
#endif
}

int ns_test_under_wine(void)
{
#ifdef _WIN32
  HMODULE ntdll = GetModuleHandleA("ntdll.dll");
  return ntdll && GetProcAddress(ntdll, "wine_get_version") != NULL;
#else
  return 0;
#endif
}

int ns_test_have_unix(int type)
{
#ifdef _WIN32
  return type == SOCK_STREAM && ns_test_have_unix_stream();
#else
  (void)type;
  return 1;
#endif
}

#ifdef _WIN32
int ns_test_os_open(ns_os_socket s)
{
  int type;
  int len = sizeof type;
  return getsockopt(s, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0;
}

int ns_test_os_inheritable(ns_os_socket s)
{
  DWORD flags = 0;
  return GetHandleInformation((HANDLE)s, &flags) &&
         (flags & HANDLE_FLAG_INHERIT) != 0;
}

int ns_test_os_nonblocking(ns_os_socket s)
{
  (void)s;
  return -1; /* Winsock has no way to read FIONBIO back */
}

void ns_test_os_close(ns_os_socket s)
{
  closesocket(s);
}
#else
int ns_test_os_open(ns_os_socket s)
{
  return fcntl(s, F_GETFD) != -1;
}

int ns_test_os_inheritable(ns_os_socket s)
{
  return (fcntl(s, F_GETFD) & FD_CLOEXEC) == 0;
}

int ns_test_os_nonblocking(ns_os_socket s)
{
  return (fcntl(s, F_GETFL) & O_NONBLOCK) != 0;
}

void ns_test_os_close(ns_os_socket s)
{
  close(s);
}
#endif

int ns_test_have_unix_stream(void)
{
  ns_socket *s;
  if (ns_socket_create(&s, AF_UNIX, SOCK_STREAM, 0) != NS_OK) {
    ns_error_clear();
    return 0;
  }
  ns_close(s);
  return 1;
}

ns_addr ns_test_loopback(int family)
{
  ns_addr a;
  if (family == AF_INET6)
    assert_ns_ok(ns_addr_inet6(&a, "::1", 0, 0, 0));
  else
    assert_ns_ok(ns_addr_inet(&a, "127.0.0.1", 0));
  return a;
}

ns_socket *ns_test_listener(int family, ns_addr *bound_out)
{
  ns_socket *s;
  ns_addr a = ns_test_loopback(family);
  assert_ns_ok(ns_socket_create(&s, family, SOCK_STREAM, 0));
  assert_ns_ok(ns_bind(s, &a));
  assert_ns_ok(ns_listen(s, 16));
  if (bound_out)
    assert_ns_ok(ns_getsockname(s, bound_out));
  return s;
}

void ns_test_tcp_pair(int family, ns_socket **client, ns_socket **server)
{
  ns_addr a;
  ns_socket *l = ns_test_listener(family, &a);
  assert_ns_ok(ns_socket_create(client, family, SOCK_STREAM, 0));
  assert_ns_ok(ns_connect(*client, &a));
  assert_ns_ok(ns_accept(l, server, NULL));
  assert_ns_ok(ns_close(l));
}

void ns_test_unix_pair(int type, ns_socket **a, ns_socket **b)
{
  *a = *b = NULL;
#ifdef _WIN32
  if (type == SOCK_DGRAM) {
    ns_test_skip_platform("Windows has AF_UNIX stream sockets only");
    return;
  }
  if (!ns_test_have_unix_stream()) {
    ns_test_skip_platform("no AF_UNIX sockets here (wine has none; "
                          "Windows 10 and later have stream sockets)");
    return;
  }
#endif
  ns_addr addr_a, addr_b;
  assert_ns_ok(ns_addr_unix(&addr_a, ns_test_unix_path("pair-a")));
  assert_ns_ok(ns_addr_unix(&addr_b, ns_test_unix_path("pair-b")));
  unlink(addr_a.u.un.sun_path);
  unlink(addr_b.u.un.sun_path);
  if (type == SOCK_DGRAM) {
    assert_ns_ok(ns_socket_create(a, AF_UNIX, SOCK_DGRAM, 0));
    assert_ns_ok(ns_socket_create(b, AF_UNIX, SOCK_DGRAM, 0));
    assert_ns_ok(ns_bind(*a, &addr_a));
    assert_ns_ok(ns_bind(*b, &addr_b));
    assert_ns_ok(ns_connect(*a, &addr_b));
    assert_ns_ok(ns_connect(*b, &addr_a));
  } else {
    ns_socket *l;
    assert_ns_ok(ns_socket_create(&l, AF_UNIX, SOCK_STREAM, 0));
    assert_ns_ok(ns_bind(l, &addr_a));
    assert_ns_ok(ns_listen(l, 4));
    assert_ns_ok(ns_socket_create(a, AF_UNIX, SOCK_STREAM, 0));
    assert_ns_ok(ns_connect(*a, &addr_a));
    assert_ns_ok(ns_accept(l, b, NULL));
    assert_ns_ok(ns_close(l));
  }
  unlink(addr_a.u.un.sun_path);
  unlink(addr_b.u.un.sun_path);
}

static char unix_dir[64];

const char *ns_test_unix_path(const char *name)
{
  static char path[108];
  if (!unix_dir[0]) {
#ifdef _WIN32
    /* No mkdtemp: the temp directory and this process's id. */
    char tmp[MAX_PATH + 1];
    DWORD n = GetTempPathA(sizeof tmp, tmp);
    if (n == 0 || n > 32)
      fail_msg("GetTempPath failed or is too long for AF_UNIX paths");
    snprintf(unix_dir, sizeof unix_dir, "%snstest-%lu", tmp,
             (unsigned long)GetCurrentProcessId());
    if (_mkdir(unix_dir) != 0)
      fail_msg("cannot create %s", unix_dir);
#else
    snprintf(unix_dir, sizeof unix_dir, "/tmp/nstest-XXXXXX");
    if (!mkdtemp(unix_dir))
      fail_msg("mkdtemp failed");
#endif
    atexit(ns_test_unix_cleanup);
  }
  snprintf(path, sizeof path, "%s/%s", unix_dir, name);
  return path;
}

void ns_test_unix_cleanup(void)
{
  if (!unix_dir[0])
    return;
  DIR *dir = opendir(unix_dir);
  if (dir) {
    struct dirent *e;
    char path[400];
    while ((e = readdir(dir)) != NULL) {
      if (e->d_name[0] == '.')
        continue;
      snprintf(path, sizeof path, "%s/%s", unix_dir, e->d_name);
      unlink(path);
    }
    closedir(dir);
  }
  rmdir(unix_dir);
  unix_dir[0] = '\0';
}

double ns_test_now(void)
{
#ifdef _WIN32
  LARGE_INTEGER f, t;
  QueryPerformanceFrequency(&f);
  QueryPerformanceCounter(&t);
  return (double)t.QuadPart / (double)f.QuadPart;
#else
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
#endif
}

double ns_test_slack(double seconds)
{
  const char *m = getenv("NS_TEST_TIMEOUT_MULTIPLIER");
  double k = m ? atof(m) : 1.0;
  return seconds * (k > 1.0 ? k : 1.0);
}

#ifndef _WIN32
void ns_test_child_succeeds(int pid)
{
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (WIFSIGNALED(status))
    fail_msg("child killed by signal %d", WTERMSIG(status));
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}
#endif

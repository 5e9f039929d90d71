/* SPDX-License-Identifier: MIT */
#include "ns_test.h"

#include <dirent.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

void ns_test_check_last(int want_errno, const char *want_message,
                        const char *name, const char *file, int line)
{
  int got_errno = ns_error_last_errno();
  const char *got_message = ns_error_last_message();
  if (got_errno == want_errno && strcmp(got_message, want_message) == 0)
    return;
  print_error("%s:%d: last error is %s, errno %d: \"%s\"\n"
              "  expected errno %s (%d): \"%s\"\n",
              file, line, ns_error_name(ns_error_last_code()), got_errno,
              got_message, name, want_errno, want_message);
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

static int fd_baseline;

int ns_test_fd_setup(void **state)
{
  (void)state;
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
  int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return 0;
  struct sockaddr_in6 sa = {.sin6_family = AF_INET6,
                            .sin6_addr = IN6ADDR_LOOPBACK_INIT};
  int ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
  close(fd);
  return ok;
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
    snprintf(unix_dir, sizeof unix_dir, "/tmp/nstest-XXXXXX");
    if (!mkdtemp(unix_dir))
      fail_msg("mkdtemp failed");
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
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double ns_test_slack(double seconds)
{
  const char *m = getenv("NS_TEST_TIMEOUT_MULTIPLIER");
  double k = m ? atof(m) : 1.0;
  return seconds * (k > 1.0 ? k : 1.0);
}

void ns_test_child_succeeds(int pid)
{
  int status;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  if (WIFSIGNALED(status))
    fail_msg("child killed by signal %d", WTERMSIG(status));
  assert_true(WIFEXITED(status));
  assert_int_equal(WEXITSTATUS(status), 0);
}

/* SPDX-License-Identifier: MIT */
#include "hosts_sandbox.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns_test.h"

enum { SKIP_STATUS = 77 };

static int write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int temp_file(char *path, const char *text)
{
  int fd = mkstemp(path);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* In the child: become root of a new user namespace, as `unshare -r`. */
static const char *enter_namespaces(const char *hosts_path,
                                    const char *nss_path)
{
  uid_t uid = getuid();
  gid_t gid = getgid();
  if (unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0)
    return "unshare(CLONE_NEWUSER | CLONE_NEWNS) failed";
  char map[64];
  snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
  if (write_file("/proc/self/uid_map", map) != 0)
    return "cannot write /proc/self/uid_map";
  (void)write_file("/proc/self/setgroups", "deny\n");
  snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
  if (write_file("/proc/self/gid_map", map) != 0)
    return "cannot write /proc/self/gid_map";
  /* Keep the bind mounts below out of the parent's namespace. */
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0)
    return "cannot make / a private mount";
  if (mount(hosts_path, "/etc/hosts", NULL, MS_BIND, NULL) != 0)
    return "cannot bind-mount over /etc/hosts";
  if (mount(nss_path, "/etc/nsswitch.conf", NULL, MS_BIND, NULL) != 0)
    return "cannot bind-mount over /etc/nsswitch.conf";
  return NULL;
}

void hosts_sandbox_run(const char *hosts, hosts_sandbox_fn fn, void *arg)
{
  char hosts_path[] = "/tmp/nstest-hosts-XXXXXX";
  char nss_path[] = "/tmp/nstest-nss-XXXXXX";
  if (temp_file(hosts_path, hosts) != 0 ||
      temp_file(nss_path, "hosts: files\nservices: files\n"
                          "protocols: files\n") != 0)
    fail_msg("cannot write the sandbox's files in /tmp");
  int reason_pipe[2];
  assert_int_equal(pipe2(reason_pipe, O_CLOEXEC), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(reason_pipe[0]);
    const char *why = enter_namespaces(hosts_path, nss_path);
    if (why) {
      char text[160];
      int n = snprintf(text, sizeof text, "%s: %s", why, strerror(errno));
      (void)!write(reason_pipe[1], text, (size_t)n);
      _exit(SKIP_STATUS);
    }
    int rc = fn(arg);
    fflush(NULL);
    _exit(rc == 0 ? 0 : 1);
  }
  close(reason_pipe[1]);
  char reason[160] = "";
  ssize_t n = read(reason_pipe[0], reason, sizeof reason - 1);
  reason[n > 0 ? n : 0] = '\0';
  close(reason_pipe[0]);
  int status = 0;
  assert_int_equal(waitpid(pid, &status, 0), pid);
  unlink(hosts_path);
  unlink(nss_path);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == SKIP_STATUS) {
    print_message("[  SKIP    ] no private resolver: %s\n", reason);
    skip();
  }
  assert_int_equal(WEXITSTATUS(status), 0);
}

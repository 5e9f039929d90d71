/* SPDX-License-Identifier: MIT */
#include "hosts_sandbox.h"

#ifdef _WIN32
/* Windows has no user or mount namespaces to give a child a private
   hosts file: the sandboxed cases say so and are skipped. */
#include "ns_test.h"

void hosts_sandbox_run_in(const hosts_sandbox *sb, hosts_sandbox_fn fn,
                          void *arg)
{
  (void)sb;
  (void)fn;
  (void)arg;
  ns_test_skip_platform("no private resolver: a hosts file of the test's "
                        "own needs Linux user and mount namespaces");
}

void hosts_sandbox_run(const char *hosts, hosts_sandbox_fn fn, void *arg)
{
  hosts_sandbox sb = {hosts, NULL, NULL, false};
  hosts_sandbox_run_in(&sb, fn, arg);
}
#else
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns_test.h"

enum { SKIP_STATUS = 77 };

static const char default_nsswitch[] = "hosts: files\n"
                                       "services: files\n"
                                       "protocols: files\n";

static int write_file(const char *path, const char *text)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  return n == (ssize_t)strlen(text) ? 0 : -1;
}

static void temp_file(char *path, const char *text)
{
  int fd = mkstemp(path);
  if (fd < 0)
    fail_msg("cannot make %s: %s", path, strerror(errno));
  ssize_t n = write(fd, text, strlen(text));
  close(fd);
  if (n != (ssize_t)strlen(text))
    fail_msg("cannot write %s", path);
}

static int bring_lo_up(void)
{
  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  struct ifreq ifr;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  int rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
  if (rc == 0) {
    ifr.ifr_flags |= IFF_UP;
    rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
  }
  close(fd);
  return rc;
}

/* In the child: become root of a new user namespace, as `unshare -rm`,
   and put the files in place. NULL when done, else what failed. */
static const char *enter(const hosts_sandbox *sb, const char *hosts_path,
                         const char *nss_path, const char *resolv_path)
{
  uid_t uid = getuid();
  gid_t gid = getgid();
  int flags =
      CLONE_NEWUSER | CLONE_NEWNS | (sb->own_network ? CLONE_NEWNET : 0);
  if (unshare(flags) != 0)
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
  if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) != 0)
    return "cannot make / a private mount";
  if (mount(hosts_path, "/etc/hosts", "none", MS_BIND, NULL) != 0)
    return "cannot bind-mount over /etc/hosts";
  if (mount(nss_path, "/etc/nsswitch.conf", "none", MS_BIND, NULL) != 0)
    return "cannot bind-mount over /etc/nsswitch.conf";
  if (sb->resolv_conf &&
      mount(resolv_path, "/etc/resolv.conf", "none", MS_BIND, NULL) != 0)
    return "cannot bind-mount over /etc/resolv.conf";
  if (sb->own_network && bring_lo_up() != 0)
    return "cannot bring lo up in a new network namespace";
  return NULL;
}

void hosts_sandbox_run_in(const hosts_sandbox *sb, hosts_sandbox_fn fn,
                          void *arg)
{
  char hosts_path[] = "/tmp/nstest-hosts-XXXXXX";
  char nss_path[] = "/tmp/nstest-nss-XXXXXX";
  char resolv_path[] = "/tmp/nstest-resolv-XXXXXX";
  temp_file(hosts_path, sb->hosts);
  temp_file(nss_path, sb->nsswitch ? sb->nsswitch : default_nsswitch);
  temp_file(resolv_path, sb->resolv_conf ? sb->resolv_conf : "");
  int reason_pipe[2];
  assert_int_equal(pipe2(reason_pipe, O_CLOEXEC), 0);
  fflush(NULL);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    close(reason_pipe[0]);
    const char *why = enter(sb, hosts_path, nss_path, resolv_path);
    if (why) {
      int e = errno;
      char text[160];
      int n = snprintf(text, sizeof text, "%s: %s", why, strerror(e));
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
  unlink(resolv_path);
  assert_true(WIFEXITED(status));
  if (WEXITSTATUS(status) == SKIP_STATUS) {
    print_message("[  SKIP    ] no private resolver: %s\n", reason);
    skip();
  }
  assert_int_equal(WEXITSTATUS(status), 0);
}

void hosts_sandbox_run(const char *hosts, hosts_sandbox_fn fn, void *arg)
{
  hosts_sandbox sb = {hosts, NULL, NULL, false};
  hosts_sandbox_run_in(&sb, fn, arg);
}
#endif

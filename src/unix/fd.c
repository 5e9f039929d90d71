/* SPDX-License-Identifier: MIT */
/*
 * New descriptors, close-on-exec from birth where the system can
 * (SOCK_CLOEXEC, accept4, MSG_CMSG_CLOEXEC), else right after: then a
 * fork+exec on another thread in between may inherit it, as with CPython
 * on such systems. docs/platforms.md lists which systems are which.
 */
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "os.h"

#if !HAVE_SOCK_CLOEXEC || !HAVE_ACCEPT4 || !HAVE_MSG_CMSG_CLOEXEC
static int set_cloexec(int fd)
{
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0)
    return -1;
  return (flags & FD_CLOEXEC) ? 0 : fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
}
#endif

/* What a descriptor made the portable way still needs; closes it on
   failure, keeping errno. */
static int finish_new_fd(int fd, bool set_flags, bool nonblocking)
{
  if (fd < 0)
    return -1;
  bool ok = true;
#if !HAVE_SOCK_CLOEXEC || !HAVE_ACCEPT4
  if (set_flags) {
    ok = set_cloexec(fd) == 0;
    if (ok && nonblocking) {
      int fl = fcntl(fd, F_GETFL);
      ok = fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
    }
  }
#else
  (void)set_flags, (void)nonblocking;
#endif
#if !HAVE_MSG_NOSIGNAL && HAVE_SO_NOSIGPIPE
  int one = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, sizeof one);
#endif
  if (ok)
    return fd;
  int e = errno;
  close(fd);
  errno = e;
  return -1;
}

int ns__os_socket(int family, int type, int proto, bool nonblocking)
{
#if HAVE_SOCK_CLOEXEC
  int sys_type = type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
  return finish_new_fd(socket(family, sys_type, proto), false, nonblocking);
#else
  return finish_new_fd(socket(family, type, proto), true, nonblocking);
#endif
}

int ns__os_socketpair(int family, int type, int proto, bool nonblocking,
                      int fds[2])
{
#if HAVE_SOCK_CLOEXEC
  int sys_type = type | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
  bool set_flags = false;
#else
  int sys_type = type;
  bool set_flags = true;
#endif
  if (socketpair(family, sys_type, proto, fds) != 0)
    return -1;
  if (finish_new_fd(fds[0], set_flags, nonblocking) < 0) {
    int e = errno;
    close(fds[1]);
    errno = e;
    return -1;
  }
  if (finish_new_fd(fds[1], set_flags, nonblocking) < 0) {
    int e = errno;
    close(fds[0]);
    errno = e;
    return -1;
  }
  return 0;
}

int ns__os_accept(int fd, struct sockaddr *addr, socklen_t *len,
                  bool nonblocking)
{
#if HAVE_ACCEPT4
  int flags = SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
  return finish_new_fd(accept4(fd, addr, len, flags), false, nonblocking);
#else
  return finish_new_fd(accept(fd, addr, len), true, nonblocking);
#endif
}

#if !HAVE_MSG_CMSG_CLOEXEC
/* Apply `fn` to every descriptor the SCM_RIGHTS messages of `m` carry;
   stop at the first failure. */
static int each_received(const struct msghdr *m, int (*fn)(int))
{
  for (struct cmsghdr *c = CMSG_FIRSTHDR((struct msghdr *)m); c;
       c = CMSG_NXTHDR((struct msghdr *)m, c)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
      continue;
    size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char *data = CMSG_DATA(c);
    for (size_t i = 0; i < n; i++) {
      int rfd;
      memcpy(&rfd, data + i * sizeof rfd, sizeof rfd);
      if (fn(rfd) != 0)
        return -1;
    }
  }
  return 0;
}

static int close_received(int fd)
{
  (void)close(fd);
  return 0;
}
#endif

int ns__os_cloexec_received(const struct msghdr *m)
{
#if HAVE_MSG_CMSG_CLOEXEC
  (void)m;
#else
  if (each_received(m, set_cloexec) != 0) {
    int e = errno;
    (void)each_received(m, close_received);
    errno = e;
    return -1;
  }
#endif
  return 0;
}

int ns__os_check_open(int fd)
{
  return fcntl(fd, F_GETFD) < 0 ? -1 : 0;
}

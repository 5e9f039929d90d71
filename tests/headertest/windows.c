/* SPDX-License-Identifier: MIT */
/*
 * The public headers on Windows (.ci/windows-headers.sh compiles this with
 * mingw-w64 as C and as C++, every warning an error), with the system's
 * headers in each order a program may use:
 *   NS_TEST_ORDER 0  <netsock/netsock.h> alone
 *   NS_TEST_ORDER 1  <winsock2.h> and <windows.h> before it
 *   NS_TEST_ORDER 2  <windows.h> alone before it (which, without
 *                    WIN32_LEAN_AND_MEAN, brings the old <winsock.h>)
 *   NS_TEST_ORDER 3  <windows.h> and <winsock2.h> after it
 * and WIN32_LEAN_AND_MEAN defined (NS_TEST_LEAN) or not.
 */
#if defined(NS_TEST_LEAN)
#define WIN32_LEAN_AND_MEAN
#endif

#if NS_TEST_ORDER == 1
#include <winsock2.h>
#include <windows.h>
#elif NS_TEST_ORDER == 2
#include <windows.h>
#endif

#include <netsock/netsock.h>

#if NS_TEST_ORDER == 3
#include <windows.h>
#include <winsock2.h>
#endif

#include <string.h>

/* A socket handle is a SOCKET on Windows: what Winsock calls take. */
static int wait_readable(ns_socket *s)
{
  ns_os_socket fd = ns_fileno(s);
  if (fd == NS_INVALID_SOCKET)
    return -1;
  WSAPOLLFD p;
  p.fd = fd;
  p.events = POLLRDNORM;
  p.revents = 0;
  return WSAPoll(&p, 1, 0);
}

int main(void)
{
  ns_addr a = NS_ADDR_INIT;
  ns_socket *s = NULL;
  char byte = 0;
  ns_iovec iov;
  iov.iov_base = &byte;
  iov.iov_len = 1;
  NS_CMSG_STORAGE(64) control;
  ns_cmsg_buf cb;
  ns_ucred cred;
  memset(&cred, 0, sizeof cred);
  size_t n = 0;
  int msg_flags = 0;
  bool ok =
      ns_addr_family(&a) == AF_UNSPEC && wait_readable(s) == -1 &&
      ns_detach(s) == NS_INVALID_SOCKET &&
      ns_cmsg_buf_init(&cb, &control, sizeof control) == NS_OK &&
      ns_recvmsg(s, &iov, 1, &cb, 0, &n, &msg_flags, NULL) != NS_OK &&
      ns_error_from_winerror(WSAECONNREFUSED) == NS_ERR_CONNECTION_REFUSED &&
      ns_error_last_winerror() >= 0 && cred.pid == 0 &&
      strcmp(ns_version_string(), NS_VERSION_STRING) == 0 &&
      NS_VERSION_AT_LEAST(1, 0, 0) && NS_HAVE_EPOLL == 0;
  return ok ? 0 : 1;
}

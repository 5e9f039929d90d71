/* SPDX-License-Identifier: MIT */
/*
 * New sockets on Winsock, never inherited by child processes (the
 * close-on-exec of Windows): WSA_FLAG_NO_HANDLE_INHERIT at birth, and for
 * an accepted socket, which Winsock makes inheritable, the flag taken off
 * right after. A CreateProcess on another thread in between may inherit
 * it, as with CPython on Windows.
 */
#include "os.h"

/* Put a new socket in the blocking mode asked for; closes it on failure,
   keeping the error. */
static SOCKET finish_new(SOCKET fd, bool nonblocking)
{
  u_long on = 1;
  if (fd == INVALID_SOCKET || !nonblocking ||
      ioctlsocket(fd, FIONBIO, &on) == 0)
    return fd;
  int e = WSAGetLastError();
  closesocket(fd);
  WSASetLastError(e);
  return INVALID_SOCKET;
}

SOCKET ns__os_socket(int family, int type, int proto, bool nonblocking)
{
  return finish_new(
      WSASocketW(family, type, proto, NULL, 0,
                 WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT),
      nonblocking);
}

SOCKET ns__os_accept(SOCKET fd, struct sockaddr *addr, socklen_t *len,
                     bool nonblocking)
{
  SOCKET c = accept(fd, addr, len);
  if (c == INVALID_SOCKET)
    return c;
  SetHandleInformation((HANDLE)c, HANDLE_FLAG_INHERIT, 0);
  /* It inherited the listener's blocking mode: set the one asked for. */
  u_long arg = nonblocking;
  if (ioctlsocket(c, FIONBIO, &arg) == 0)
    return c;
  int e = WSAGetLastError();
  closesocket(c);
  WSASetLastError(e);
  return INVALID_SOCKET;
}

int ns__os_close(SOCKET fd)
{
  /* Python ignores ECONNRESET from close(): not worth a failure. */
  if (closesocket(fd) == 0 || WSAGetLastError() == WSAECONNRESET)
    return 0;
  return WSAGetLastError();
}

int ns__os_check_open(SOCKET fd)
{
  int type;
  int len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0) {
    errno = EBADF;
    return -1;
  }
  return 0;
}

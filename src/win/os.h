/* SPDX-License-Identifier: MIT */
/*
 * The Winsock backend's own interface. Every Winsock failure is recorded
 * through ns__fail_winerror with WSAGetLastError(), as Python on Windows
 * reports it: its class through CPython's Windows error table, winerror
 * kept, the message "[WinError 10061] No connection could be made ...".
 */
#ifndef NETSOCK_WIN_OS_H
#define NETSOCK_WIN_OS_H

#include "internal.h"

/* Winsock counts bytes in int: a longer buffer is taken in part, as
   Python on Windows clamps it. */
static inline int ns__win_len(size_t len)
{
  return len > INT_MAX ? INT_MAX : (int)len;
}

/* A new socket: overlapped-capable, not inherited by child processes
   (the close-on-exec of Windows), non-blocking if asked.
   INVALID_SOCKET and WSAGetLastError() on failure. */
SOCKET ns__win_socket(int family, int type, int proto, bool nonblocking);

#endif /* NETSOCK_WIN_OS_H */

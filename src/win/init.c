/* SPDX-License-Identifier: MIT */
/*
 * Winsock's start, once per process, and what the core asks of every
 * backend: the text of a C library error number, readiness of several
 * sockets at once, and whether a socket is open.
 *
 * Winsock needs WSAStartup before any other call. The library makes it
 * on first use, from whichever thread comes first, as Python's socket
 * module does on import; a program never has to. It never calls
 * WSACleanup: Winsock is released when the process ends, and a program
 * that uses Winsock itself keeps its own count.
 */
#include <string.h>

#include "os.h"

static INIT_ONCE once = INIT_ONCE_STATIC_INIT;
static int startup_error;

static BOOL CALLBACK start_winsock(PINIT_ONCE o, PVOID arg, PVOID *ctx)
{
  (void)o;
  (void)arg;
  (void)ctx;
  WSADATA data;
  startup_error = WSAStartup(MAKEWORD(2, 2), &data);
  return TRUE;
}

ns_err ns__net_init(const char *op)
{
  InitOnceExecuteOnce(&once, start_winsock, NULL, NULL);
  return startup_error ? ns__fail_winerror(op, startup_error) : NS_OK;
}

const char *ns__os_strerror(int errnum)
{
  /* The C runtime's table: the texts Python on Windows prints for a
     C library errno ("[Errno 9] Bad file descriptor"). */
  const char *text = strerror(errnum);
  return text && *text ? text : NULL;
}

int ns__os_check_open(ns_os_socket fd)
{
  int type;
  int len = sizeof type;
  if (getsockopt(fd, SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0) {
    errno = EBADF;
    return -1;
  }
  return 0;
}

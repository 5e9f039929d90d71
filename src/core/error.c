/* SPDX-License-Identifier: MIT */
/*
 * Error classes, their names and hierarchy, errno classification, and the
 * per-thread record of the last failure.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The definitions below are the real functions, not the analyser's view. */
#define NS__DEFINING_FAILURES
#include "internal.h"

const char *ns_error_name(ns_err code)
{
  switch (code) {
  case NS_OK:
    return "OK";
#define NS_ERR_NAME_ROW(c, value, parent, name)                                \
  case c:                                                                      \
    return name;
    NS_ERROR_CLASSES(NS_ERR_NAME_ROW)
#undef NS_ERR_NAME_ROW
  }
  return "UnknownError";
}

static ns_err parent_of(ns_err code)
{
  switch (code) {
#define NS_ERR_PARENT_ROW(c, value, parent, name)                              \
  case c:                                                                      \
    return parent;
    /* NOLINTNEXTLINE(bugprone-branch-clone): classes share their parents */
    NS_ERROR_CLASSES(NS_ERR_PARENT_ROW)
#undef NS_ERR_PARENT_ROW
  case NS_OK:
    break;
  }
  return NS_OK;
}

/*
 * A class's second base, where Python gives it one (multiple
 * inheritance): kept out of the table so the table's shape stays as 1.0
 * published it.
 */
static ns_err second_parent_of(ns_err code)
{
  return code == NS_ERR_SSL_CERT_VERIFICATION ? NS_ERR_VALUE : NS_OK;
}

/* NOLINTNEXTLINE(misc-no-recursion): bounded by the table's 3 levels */
bool ns_error_is(ns_err code, ns_err base)
{
  if (code == base)
    return true;
  /* Walk up to the root; the table is at most three levels deep. */
  for (ns_err c = code; c != NS_OK; c = parent_of(c)) {
    if (c == base)
      return true;
    ns_err second = second_parent_of(c);
    if (second != NS_OK && ns_error_is(second, base))
      return true;
  }
  return false;
}

/*
 * PEP 3151's errno -> subclass map, as CPython builds it in
 * Objects/exceptions.c; every other errno is a plain OSError.
 * tests/data/errno_classes.txt, generated from python3, checks it.
 */
ns_err ns_error_from_errno(int errnum)
{
  switch (errnum) {
  case 0:
    return NS_OK;
  case EAGAIN:
#if EWOULDBLOCK != EAGAIN
  case EWOULDBLOCK:
#endif
  case EALREADY:
  case EINPROGRESS:
    return NS_ERR_BLOCKING_IO;
  case ECHILD:
    return NS_ERR_CHILD_PROCESS;
  case EPIPE:
#ifdef ESHUTDOWN /* Windows' C library has none */
  case ESHUTDOWN:
#endif
    return NS_ERR_BROKEN_PIPE;
  case ECONNABORTED:
    return NS_ERR_CONNECTION_ABORTED;
  case ECONNREFUSED:
    return NS_ERR_CONNECTION_REFUSED;
  case ECONNRESET:
    return NS_ERR_CONNECTION_RESET;
  case EEXIST:
    return NS_ERR_FILE_EXISTS;
  case ENOENT:
    return NS_ERR_FILE_NOT_FOUND;
  case EINTR:
    return NS_ERR_INTERRUPTED;
  case EISDIR:
    return NS_ERR_IS_A_DIRECTORY;
  case ENOTDIR:
    return NS_ERR_NOT_A_DIRECTORY;
  case EACCES:
  case EPERM:
    return NS_ERR_PERMISSION;
  case ESRCH:
    return NS_ERR_PROCESS_LOOKUP;
  case ETIMEDOUT:
    return NS_ERR_TIMEOUT;
  default:
    return NS_ERR_OS;
  }
}

/* ---- the last failure, per thread --------------------------------------- */

/*
 * A fixed-size record: recording a failure never allocates and never
 * formats. The message is formatted on first read, so a program that spins
 * on BlockingIOError pays only for a few stores.
 */
enum { MESSAGE_SIZE = 256 };

static _Thread_local struct last_error {
  ns_err code;
  int sys_errno;
  int winerror; /* a Windows error code, or 0: Python's exc.winerror */
  const char *op;
  const char *fixed; /* a literal message, or NULL to format from errno */
  bool formatted;
  bool has_addr; /* set after the record by ns__fail_at_address */
  char text[MESSAGE_SIZE];
  ns_addr addr;
} last;

static ns_err record(ns_err code, const char *op, int sys_errno,
                     const char *fixed)
{
  last.code = code;
  last.sys_errno = sys_errno;
  last.winerror = 0;
  last.op = op;
  last.fixed = fixed;
  last.formatted = false;
  last.has_addr = false;
  return code;
}

void ns__fail_at_address(const ns_addr *addr)
{
  last.addr = *addr;
  last.has_addr = true;
}

const ns_addr *ns_error_last_address(void)
{
  return last.code != NS_OK && last.has_addr ? &last.addr : NULL;
}

ns_err ns__fail_errno(const char *op, int errnum)
{
  return record(ns_error_from_errno(errnum), op, errnum, NULL);
}

ns_err ns__fail_winerror(const char *op, int winerror)
{
  record(ns_error_from_winerror(winerror), op, ns__winerror_to_errno(winerror),
         NULL);
  last.winerror = winerror;
  return last.code;
}

ns_err ns__fail_gai_winsock(const char *op, int eai)
{
  /* CPython on Windows has no gai_strerror: every code reads the same. */
  snprintf(last.text, sizeof last.text, "[Errno %d] getaddrinfo failed", eai);
  record(NS_ERR_GAIERROR, op, eai, NULL);
  last.formatted = true;
  return NS_ERR_GAIERROR;
}

ns_err ns__fail_msg(ns_err code, const char *op, const char *message)
{
  return record(code, op, 0, message);
}

ns_err ns__fail_gai(const char *op, int eai, int errnum)
{
#if NS_WINSOCK
  (void)errnum;
  return ns__fail_gai_winsock(op, eai);
#else
  if (eai == EAI_SYSTEM)
    return ns__fail_errno(op, errnum);
  return record(NS_ERR_GAIERROR, op, eai, NULL);
#endif
}

ns_err ns__fail_herror(const char *op, int h_err)
{
  return record(NS_ERR_HERROR, op, h_err, NULL);
}

ns_err ns__fail_timeout(const char *op)
{
  return record(NS_ERR_TIMEOUT, op, 0, "timed out");
}

ns_err ns__fail_null(const char *op, const char *what)
{
  return record(NS_ERR_VALUE, op, 0, what);
}

/* Record a failure whose message is formatted now, from a va_list. */
static ns_err record_formatted(ns_err code, const char *op, int sys_errno,
                               const char *fmt, va_list ap)
{
  /* Every caller va_starts `ap`; the analyser loses it across the call. */
  /* NOLINTNEXTLINE(clang-analyzer-valist.Uninitialized) */
  vsnprintf(last.text, sizeof last.text, fmt, ap);
  record(code, op, sys_errno, NULL);
  last.formatted = true;
  return code;
}

ns_err ns__fail_replay(ns_err code, const char *op, int sys_errno,
                       const char *message)
{
  snprintf(last.text, sizeof last.text, "%s", message);
  record(code, op, sys_errno, NULL);
  last.formatted = true;
  return code;
}

ns_err ns__fail_fmt(ns_err code, const char *op, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  record_formatted(code, op, 0, fmt, ap);
  va_end(ap);
  return code;
}

ns_err ns__fail_errno_fmt(const char *op, int errnum, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  ns_err code =
      record_formatted(ns_error_from_errno(errnum), op, errnum, fmt, ap);
  va_end(ap);
  return code;
}

static const char *system_text(ns_err code, int sys_errno)
{
  if (code == NS_ERR_GAIERROR)
    return gai_strerror(sys_errno);
#if NS_WINSOCK
  if (code == NS_ERR_HERROR)
    return "host not found"; /* Python on Windows: it has no hstrerror */
#else
  if (code == NS_ERR_HERROR)
    return hstrerror(sys_errno);
#endif
  return ns__os_strerror(sys_errno);
}

const char *ns_error_last_message(void)
{
  if (last.code == NS_OK)
    return "";
  if (last.fixed)
    return last.fixed;
  if (!last.formatted && last.winerror) {
    /* Python on Windows: "[WinError N] text", or, when the system has no
       text for the code, "Windows Error 0x..." as CPython writes it. */
    const char *text = ns__winerror_text(last.winerror);
    if (text)
      snprintf(last.text, sizeof last.text, "[WinError %d] %s", last.winerror,
               text);
    else
      snprintf(last.text, sizeof last.text, "[WinError %d] Windows Error 0x%x",
               last.winerror, (unsigned)last.winerror);
    last.formatted = true;
  }
  if (!last.formatted) {
    const char *text = system_text(last.code, last.sys_errno);
    if (text)
      snprintf(last.text, sizeof last.text, "[Errno %d] %s", last.sys_errno,
               text);
    else
      snprintf(last.text, sizeof last.text, "[Errno %d] Unknown error %d",
               last.sys_errno, last.sys_errno);
    last.formatted = true;
  }
  return last.text;
}

ns_err ns_error_last_code(void)
{
  return last.code;
}

int ns_error_last_errno(void)
{
  return last.sys_errno;
}

int ns_error_last_winerror(void)
{
  return last.winerror;
}

const char *ns_error_last_operation(void)
{
  return last.op ? last.op : "";
}

void ns_error_clear(void)
{
  record(NS_OK, NULL, 0, NULL);
}

/* ---- the last failure as a traceback's last line ------------------------- */

/* The class as a traceback names it: classes outside builtins carry their
   module, as Python prints "socket.gaierror". */
static const char *traceback_name(ns_err code)
{
  if (code == NS_ERR_GAIERROR)
    return "socket.gaierror";
  if (code == NS_ERR_HERROR)
    return "socket.herror";
  return ns_error_name(code);
}

size_t ns_error_format(char *buf, size_t size)
{
  if (!buf)
    size = 0;
  if (last.code == NS_OK) {
    if (size)
      buf[0] = '\0';
    return 0;
  }
  const char *name = traceback_name(last.code);
  const char *message = ns_error_last_message();
  int n = message[0] ? snprintf(buf, size, "%s: %s", name, message)
                     : snprintf(buf, size, "%s", name);
  return n < 0 ? 0 : (size_t)n;
}

void ns_error_print(const char *prefix)
{
  char line[MESSAGE_SIZE + 64];
  ns_error_format(line, sizeof line);
  bool named = prefix && prefix[0];
  fprintf(stderr, "%s%s%s\n", named ? prefix : "", named && line[0] ? ": " : "",
          line);
}

ns_err ns_error_set(ns_err code, const char *operation, int sys_errno,
                    const char *message)
{
  if (code == NS_OK || !message)
    return record(code, operation, sys_errno, NULL);
  if (message != last.text) /* re-recording the current text is a no-op */
    snprintf(last.text, sizeof last.text, "%s", message);
  record(code, operation, sys_errno, NULL);
  last.formatted = true;
  return code;
}

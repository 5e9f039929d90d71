/* SPDX-License-Identifier: MIT */
/*
 * Windows errors as Python on Windows classifies and prints them, checked
 * on every platform: ns_error_from_winerror() against the table generated
 * from CPython's mapping (tests/data/winerror_classes.txt), the errno
 * Python reports, Windows' texts, and the last-error record of a Windows
 * failure. The record is written by an internal call, so this program is
 * built from the error sources themselves (see tests/CMakeLists.txt).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

static ns_err class_by_name(const char *name)
{
  for (int c = NS_ERR_OS; c <= NS_ERR_MEMORY; c++)
    if (strcmp(ns_error_name((ns_err)c), name) == 0)
      return (ns_err)c;
  return (ns_err)-1;
}

/* Every Windows error CPython's table names, and every Winsock code, gets
   Python's class and errno. */
static void test_winerror__table_matches_cpython(void **state)
{
  (void)state;
  FILE *f = fopen(WINERROR_TABLE, "r");
  assert_non_null(f);
  char line[256];
  int rows = 0, subclassed = 0, winsock = 0;
  while (fgets(line, sizeof line, f)) {
    if (line[0] == '#')
      continue;
    int code, want_errno;
    char name[64], cls[64];
    assert_int_equal(
        sscanf(line, "%d %63s %d %63s", &code, name, &want_errno, cls), 4);
    ns_err want = class_by_name(cls);
    if ((int)want < 0)
      fail_msg("table names a class the library lacks: %s", cls);
    ns_err got = ns_error_from_winerror(code);
    if (got != want)
      fail_msg("winerror %d (%s): library says %s, Python says %s", code, name,
               ns_error_name(got), cls);
    if (ns__winerror_to_errno(code) != want_errno)
      fail_msg("winerror %d (%s): library's errno %d, Python's %d", code, name,
               ns__winerror_to_errno(code), want_errno);
    /* Every Winsock code has Windows' text. */
    if (strncmp(name, "WSA", 3) == 0) {
      winsock++;
      if (!ns__winerror_text(code))
        fail_msg("winerror %d (%s) has no text", code, name);
    }
    rows++;
    subclassed += want != NS_ERR_OS;
  }
  fclose(f);
  assert_true(rows >= 170);      /* the whole table was read */
  assert_int_equal(winsock, 89); /* 10004 to 11031 */
  assert_int_equal(subclassed, 56);
}

/* What the table cannot list: success, HRESULTs, codes nobody named. */
static void test_winerror__edges_as_cpython(void **state)
{
  (void)state;
  assert_int_equal(ns_error_from_winerror(0), NS_OK);
  /* HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) is unwrapped first. */
  assert_int_equal(ns_error_from_winerror((int)0x80070005u), NS_ERR_PERMISSION);
  assert_int_equal(ns__winerror_to_errno((int)0x80070005u), 13);
  /* Another facility's HRESULT is not. */
  assert_int_equal(ns__winerror_to_errno((int)0x80040005u), 22);
  /* Unnamed Win32 codes are EINVAL; unnamed Winsock-range codes are
     their own errno; both plain OSErrors. */
  assert_int_equal(ns__winerror_to_errno(1225), 22);
  assert_int_equal(ns_error_from_winerror(1225), NS_ERR_OS);
  assert_int_equal(ns__winerror_to_errno(11999), 11999);
  assert_int_equal(ns__winerror_to_errno(12000), 22);
  assert_int_equal(ns_error_from_winerror(-1), NS_ERR_OS);
  /* Windows' errno numbering, not Linux's: 111 and 110 mean nothing
     there, and 107 (the C runtime's ECONNREFUSED) is not what Winsock
     reports, so none of them is a subclass. */
  assert_int_equal(ns_error_from_winerror(111), NS_ERR_OS);
  assert_int_equal(ns_error_from_winerror(110), NS_ERR_OS);
  assert_int_equal(ns_error_from_winerror(107), NS_ERR_OS);
  assert_int_equal(ns_error_from_winerror(10061), NS_ERR_CONNECTION_REFUSED);
  assert_true(ns_error_is(ns_error_from_winerror(10054), NS_ERR_CONNECTION));
}

/* Texts as Python prints them: no final period, no trailing space; the
   lookup finds every entry (the table must stay sorted). */
static void test_winerror__texts(void **state)
{
  (void)state;
  assert_string_equal(ns__winerror_text(10061),
                      "No connection could be made because the target "
                      "machine actively refused it");
  assert_string_equal(ns__winerror_text(10048),
                      "Only one usage of each socket address "
                      "(protocol/network address/port) is normally "
                      "permitted");
  assert_string_equal(ns__winerror_text(10054),
                      "An existing connection was forcibly closed by the "
                      "remote host");
  assert_string_equal(ns__winerror_text(10035),
                      "A non-blocking socket operation could not be "
                      "completed immediately");
  assert_string_equal(ns__winerror_text(11001), "No such host is known");
  assert_string_equal(ns__winerror_text(5), "Access is denied");
  assert_string_equal(ns__winerror_text((int)0x80070005u), "Access is denied");
  assert_null(ns__winerror_text(0));
  assert_null(ns__winerror_text(12345));
  assert_null(ns__winerror_text(-1));
  int found = 0;
  for (int code = 0; code < 12000; code++) {
    const char *t = ns__winerror_text(code);
    if (!t)
      continue;
    found++;
    size_t n = strlen(t);
    assert_true(n > 0);
    if (t[n - 1] == '.' || t[n - 1] == ' ')
      fail_msg("text of %d ends in '%c'", code, t[n - 1]);
  }
  assert_int_equal(found, 113);
}

/* A recorded Windows failure reads as Python's exception on Windows. */
static void test_winerror__recorded_as_python(void **state)
{
  (void)state;
  ns_error_clear();
  assert_int_equal(ns__fail_winerror("connect", 10061),
                   NS_ERR_CONNECTION_REFUSED);
  assert_int_equal(ns_error_last_code(), NS_ERR_CONNECTION_REFUSED);
  assert_int_equal(ns_error_last_errno(), 10061);
  assert_int_equal(ns_error_last_winerror(), 10061);
  assert_string_equal(ns_error_last_operation(), "connect");
  assert_string_equal(ns_error_last_message(),
                      "[WinError 10061] No connection could be made because "
                      "the target machine actively refused it");

  /* The two numbers differ where CPython's table says so. */
  assert_int_equal(ns__fail_winerror("accept", 5), NS_ERR_PERMISSION);
  assert_int_equal(ns_error_last_errno(), 13);
  assert_int_equal(ns_error_last_winerror(), 5);
  assert_string_equal(ns_error_last_message(), "[WinError 5] Access is denied");
  assert_int_equal(ns__fail_winerror("recv", 10004), NS_ERR_INTERRUPTED);
  assert_int_equal(ns_error_last_errno(), 4);

  /* No text: CPython's own wording for a code FormatMessage lacks. */
  assert_int_equal(ns__fail_winerror("send", 12345), NS_ERR_OS);
  assert_int_equal(ns_error_last_errno(), 22);
  assert_string_equal(ns_error_last_message(),
                      "[WinError 12345] Windows Error 0x3039");

  /* gaierror on Windows: the WSA number as errno, one text, no winerror;
     11001 is not sent through the Windows table (an OSError there). */
  ns__fail_winerror("connect", 10061);
  assert_int_equal(ns__fail_gai_winsock("getaddrinfo", 11001), NS_ERR_GAIERROR);
  assert_int_equal(ns_error_last_code(), NS_ERR_GAIERROR);
  assert_int_equal(ns_error_last_errno(), 11001);
  assert_int_equal(ns_error_last_winerror(), 0);
  assert_string_equal(ns_error_last_operation(), "getaddrinfo");
  assert_string_equal(ns_error_last_message(),
                      "[Errno 11001] getaddrinfo failed");
  ns__fail_gai_winsock("getnameinfo", 11004);
  assert_string_equal(ns_error_last_message(),
                      "[Errno 11004] getaddrinfo failed");

  /* A failure without a Windows code forgets the last one. */
  assert_int_equal(ns__fail_timeout("recv"), NS_ERR_TIMEOUT);
  assert_int_equal(ns_error_last_winerror(), 0);
  assert_int_equal(ns_error_last_errno(), 0);
  assert_string_equal(ns_error_last_message(), "timed out");
  ns__fail_winerror("send", 10054);
  ns_error_clear();
  assert_int_equal(ns_error_last_winerror(), 0);
  assert_string_equal(ns_error_last_message(), "");
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_winerror__table_matches_cpython),
      cmocka_unit_test(test_winerror__edges_as_cpython),
      cmocka_unit_test(test_winerror__texts),
      cmocka_unit_test(test_winerror__recorded_as_python),
  };
  return cmocka_run_group_tests_name("winerror", tests, NULL, NULL);
}

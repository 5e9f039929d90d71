/* SPDX-License-Identifier: MIT */
/* The version macros and the linked library agree. */
#include "ns_test.h"

#include <stdio.h>
#include <string.h>

static void test_version__header_matches_library(void **state)
{
  (void)state;
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", NS_VERSION_MAJOR, NS_VERSION_MINOR,
           NS_VERSION_PATCH);
  assert_string_equal(NS_VERSION_STRING, want);
  assert_string_equal(ns_version_string(), NS_VERSION_STRING);
  assert_int_equal(ns_version(), NS_VERSION_HEX);
}

static void test_version__at_least(void **state)
{
  (void)state;
  assert_true(NS_VERSION_AT_LEAST(NS_VERSION_MAJOR, NS_VERSION_MINOR,
                                  NS_VERSION_PATCH));
  assert_true(NS_VERSION_AT_LEAST(0, 0, 1));
  assert_false(NS_VERSION_AT_LEAST(NS_VERSION_MAJOR + 1, 0, 0));
  assert_false(NS_VERSION_AT_LEAST(NS_VERSION_MAJOR, NS_VERSION_MINOR + 1, 0));
}

int main(void)
{
  const struct CMUnitTest tests[] = {
      NS_TEST(test_version__header_matches_library),
      NS_TEST(test_version__at_least),
  };
  return cmocka_run_group_tests_name("version", tests, NULL, NULL);
}

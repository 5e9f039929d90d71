/* SPDX-License-Identifier: MIT */
#include "netsock/version.h"

unsigned ns_version(void)
{
  return NS_VERSION_HEX;
}

const char *ns_version_string(void)
{
  return NS_VERSION_STRING;
}

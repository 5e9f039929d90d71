/* SPDX-License-Identifier: MIT */
/* The public header alone, in C99, next to glibc's resolver header. */
#include <netsock/netsock.h>
#include <resolv.h>

#include <string.h>

int main(void)
{
  /* Use a few names so the compiler sees them as the header declares. */
  ns_addr a = NS_ADDR_INIT;
  ns_socket *s = NULL;
  return ns_addr_family(&a) == AF_UNSPEC && ns_fileno(s) == -1 &&
                 strcmp(ns_version_string(), NS_VERSION_STRING) == 0 &&
                 NS_VERSION_AT_LEAST(1, 0, 0)
             ? 0
             : 1;
}

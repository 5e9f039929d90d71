// SPDX-License-Identifier: MIT
// The public header alone, in C++11, next to glibc's resolver header.
#include <netsock/netsock.h>
#include <resolv.h>

#include <cstring>

int main()
{
  ns_addr a = NS_ADDR_INIT;
  ns_socket *s = nullptr;
  ns_err e = NS_ERR_CONNECTION_REFUSED;
  bool ok = ns_addr_family(&a) == AF_UNSPEC && ns_fileno(s) == -1 &&
            ns_error_is(e, NS_ERR_OS) &&
            std::strcmp(ns_version_string(), NS_VERSION_STRING) == 0;
  return ok ? 0 : 1;
}

// SPDX-License-Identifier: MIT
// The public header alone, in C++11, next to glibc's resolver header.
#include <netsock/netsock.h>
#include <resolv.h>

#include <cstring>
#include <type_traits>

// On POSIX systems the Windows-facing names are the 1.0 types.
static_assert(std::is_same<ns_os_socket, int>::value,
              "ns_os_socket is int on POSIX systems");
static_assert(std::is_same<ns_iovec, struct iovec>::value,
              "ns_iovec is struct iovec on POSIX systems");

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

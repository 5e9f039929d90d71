/* SPDX-License-Identifier: MIT */
/*
 * The consumer program as C++: <netsock/netsock.h> must compile as C++11
 * with every warning an error, and link without name mangling.
 */
#include <netsock/netsock.h>

#include <cstdio>
#include <cstring>

namespace {

int fail(const char *what, ns_err err)
{
  std::fprintf(stderr, "consumer: %s: %s: %s\n", what, ns_error_name(err),
               ns_error_last_message());
  return 1;
}

} // namespace

int main()
{
  if (ns_version() != static_cast<unsigned>(NS_VERSION_HEX))
    return fail("header/library version mismatch", NS_OK);

  ns_addr addr = NS_ADDR_INIT;
  ns_addr bound = NS_ADDR_INIT;
  ns_socket *s = nullptr;
  ns_err err = ns_addr_inet(&addr, "127.0.0.1", 70000);
  if (err != NS_ERR_OVERFLOW || !ns_error_is(err, NS_ERR_OVERFLOW))
    return fail("port 70000 accepted", err);

  if ((err = ns_addr_inet(&addr, "127.0.0.1", 0)) != NS_OK)
    return fail("ns_addr_inet", err);
  if ((err = ns_socket_create(&s, AF_INET, SOCK_STREAM, 0)) != NS_OK)
    return fail("ns_socket_create", err);
  err = ns_bind(s, &addr);
  if (err == NS_OK)
    err = ns_getsockname(s, &bound);
  ns_close(s);
  if (err != NS_OK)
    return fail("bind", err);

  std::printf("consumer (C++): libnetsock %s, bound 127.0.0.1:%d\n",
              ns_version_string(), ns_addr_port(&bound));
  return 0;
}

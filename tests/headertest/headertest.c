/* SPDX-License-Identifier: MIT */
/* The public header alone, in C99, next to glibc's resolver header. */
#include <netsock/netsock.h>
#include <resolv.h>

#include <string.h>

/* On POSIX systems the Windows-facing names are the 1.0 types: a
   function pointer of the 1.0 signature takes each call without a cast
   (an incompatible pointer is an error here). */
static int (*const fileno_1_0)(const ns_socket *) = ns_fileno;
static int (*const detach_1_0)(ns_socket *) = ns_detach;
static ns_err (*const fromfd_1_0)(ns_socket **, int) = ns_fromfd;
static ns_err (*const sendmsg_1_0)(ns_socket *, const struct iovec *, size_t,
                                   const ns_cmsg_buf *, int, const ns_addr *,
                                   size_t *) = ns_sendmsg;

int main(void)
{
  /* Checks the macro's value, which the lint takes for equal operands. */
  /* NOLINTBEGIN(misc-redundant-expression) */
  if (!fileno_1_0 || !detach_1_0 || !fromfd_1_0 || !sendmsg_1_0 ||
      NS_INVALID_SOCKET != -1)
    return 1;
  /* NOLINTEND(misc-redundant-expression) */
  /* Use a few names so the compiler sees them as the header declares. */
  ns_addr a = NS_ADDR_INIT;
  ns_socket *s = NULL;
  return ns_addr_family(&a) == AF_UNSPEC && ns_fileno(s) == -1 &&
                 strcmp(ns_version_string(), NS_VERSION_STRING) == 0 &&
                 NS_VERSION_AT_LEAST(1, 0, 0)
             ? 0
             : 1;
}

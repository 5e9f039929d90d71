/* SPDX-License-Identifier: MIT */
/*
 * The system calls a timed call costs under this build's timeout engine
 * (bench/timeout_strategy.sh runs it under strace -c, twice, and divides
 * the difference): docs/platforms.md has the figures for each platform.
 *
 *   timeout_strategy CASE N
 *
 * CASE is one of
 *   recv_ready    N recvs with a 5 s timeout, each with its byte waiting;
 *   recv_timeout  N recvs with a 1 ms timeout that time out;
 *   accept_ready  N accepts with a 5 s timeout, each with its connection
 *                 already queued (the connects are counted too: subtract
 *                 a plain connect's cost, one socket + one connect).
 */
#include <netsock/netsock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what)
{
  fprintf(stderr, "%s: %s: %s\n", what, ns_error_name(ns_error_last_code()),
          ns_error_last_message());
  return 1;
}

static int recv_case(long n, double timeout, int ready)
{
  ns_socket *a, *b;
  if (ns_socketpair(&a, &b, AF_UNIX, SOCK_STREAM, 0) ||
      ns_settimeout(b, timeout))
    return fail("setup");
  char c = 'x';
  size_t got;
  for (long i = 0; i < n; i++) {
    if (ready && ns_sendall(a, &c, 1, 0, NULL))
      return fail("send");
    ns_err err = ns_recv(b, &c, 1, 0, &got);
    if (ready ? err != NS_OK : err != NS_ERR_TIMEOUT)
      return fail("recv");
  }
  ns_close(a);
  ns_close(b);
  return 0;
}

static int accept_case(long n)
{
  ns_socket *l;
  ns_addr addr;
  if (ns_socket_create(&l, AF_INET, SOCK_STREAM, 0) ||
      ns_addr_inet(&addr, "127.0.0.1", 0) || ns_bind(l, &addr) ||
      ns_listen(l, 128) || ns_getsockname(l, &addr) ||
      ns_settimeout(l, 5.0))
    return fail("setup");
  for (long i = 0; i < n; i++) {
    ns_socket *c, *s;
    if (ns_socket_create(&c, AF_INET, SOCK_STREAM, 0) || ns_connect(c, &addr))
      return fail("connect");
    if (ns_accept(l, &s, NULL))
      return fail("accept");
    ns_close(s);
    ns_close(c);
  }
  ns_close(l);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc != 3) {
    fprintf(stderr, "usage: %s recv_ready|recv_timeout|accept_ready N\n",
            argv[0]);
    return 2;
  }
  long n = strtol(argv[2], NULL, 10);
  if (strcmp(argv[1], "recv_ready") == 0)
    return recv_case(n, 5.0, 1);
  if (strcmp(argv[1], "recv_timeout") == 0)
    return recv_case(n, 0.001, 0);
  if (strcmp(argv[1], "accept_ready") == 0)
    return accept_case(n);
  fprintf(stderr, "unknown case %s\n", argv[1]);
  return 2;
}

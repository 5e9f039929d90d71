/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Mutual TLS: a client that shows its certificate </DESC>
 *
 * Teaches the client side of client certificates: load_cert_chain on a
 * client context, and an orderly TLS close with unwrap().
 * Translates this Python, quoted line by line above the C:
 *
 *   context = ssl.create_default_context(cafile=cafile)
 *   context.load_cert_chain(certfile, keyfile)
 *   with socket.create_connection((host, port)) as sock:
 *       with context.wrap_socket(sock, server_hostname=host) as ssock:
 *           ...
 *
 * Run:  20_mutual_tls_client CAFILE CERTFILE KEYFILE [HOST [PORT]]
 *       (default localhost 8443)
 */
#include <stdio.h>
#include <stdlib.h>

#include <netsock/netsock.h>
#include <netsock/tls.h>

static void check(ns_err err)
{
  if (err != NS_OK) {
    fprintf(stderr, "%s: %s: %s\n", ns_error_last_operation(),
            ns_error_name(err), ns_error_last_message());
    exit(EXIT_FAILURE);
  }
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: %s CAFILE CERTFILE KEYFILE [HOST [PORT]]\n",
            argv[0]);
    return EXIT_FAILURE;
  }
  const char *host = argc > 4 ? argv[4] : "localhost";
  int port = argc > 5 ? atoi(argv[5]) : 8443;
  ns_tls_context *context;
  ns_socket *sock;
  ns_tls *ssock;
  char data[1024];
  size_t n, got = 0;

  /* context = ssl.create_default_context(cafile=cafile) */
  check(ns_tls_create_default_context(&context, NS_TLS_PURPOSE_SERVER_AUTH));
  check(ns_tls_context_load_verify_locations(context, argv[1], NULL));
  /* context.load_cert_chain(certfile, keyfile) */
  check(ns_tls_context_load_cert_chain(context, argv[2], argv[3], NULL, NULL));
  /* with socket.create_connection((host, port)) as sock: */
  check(ns_create_connection(&sock, host, port, NULL));
  /*     with context.wrap_socket(sock, server_hostname=host) as ssock: */
  check(ns_tls_wrap_socket(&ssock, context, sock, 0, host));
  /*         while data := ssock.recv(1024): print(data.decode(), end="") */
  while (got < sizeof data) {
    check(ns_tls_recv(ssock, data + got, sizeof data - got, &n));
    if (n == 0)
      break;
    got += n;
  }
  printf("%.*s", (int)got, data);
  /*         ssock.unwrap() */
  check(ns_tls_unwrap(ssock, &sock));
  /* the end of the outer with block closes sock */
  check(ns_close(sock));
  ns_tls_context_close(context);
  return EXIT_SUCCESS;
}

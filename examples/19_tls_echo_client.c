/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TLS client that sends "Hello TLS!" and prints the echo </DESC>
 *
 * Teaches the client side against example 14's server: the certificate
 * is checked against CAFILE and the name "localhost".
 * Translates this Python, quoted line by line above the C:
 *
 *   context = ssl.create_default_context(cafile=cafile)
 *   with socket.create_connection((host, port)) as sock:
 *       with context.wrap_socket(sock, server_hostname=host) as ssock:
 *           ...
 *
 * Run:  19_tls_echo_client CAFILE [HOST [PORT]]   (default localhost 8443)
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
  if (argc < 2) {
    fprintf(stderr, "usage: %s CAFILE [HOST [PORT]]\n", argv[0]);
    return EXIT_FAILURE;
  }
  const char *host = argc > 2 ? argv[2] : "localhost";
  int port = argc > 3 ? atoi(argv[3]) : 8443;
  ns_tls_context *context;
  ns_socket *sock;
  ns_tls *ssock;
  char data[1024];
  size_t n;
  const char *cipher;

  /* context = ssl.create_default_context(cafile=cafile) */
  check(ns_tls_create_default_context(&context, NS_TLS_PURPOSE_SERVER_AUTH));
  check(ns_tls_context_load_verify_locations(context, argv[1], NULL));
  /* with socket.create_connection((host, port)) as sock: */
  check(ns_create_connection(&sock, host, port, NULL));
  /*     with context.wrap_socket(sock, server_hostname=host) as ssock: */
  check(ns_tls_wrap_socket(&ssock, context, sock, 0, host));
  /*         print(ssock.version(), ssock.cipher()[0]) */
  check(ns_tls_cipher(ssock, &cipher, NULL, NULL));
  printf("%s %s\n", ns_tls_version(ssock), cipher);
  /*         ssock.sendall(b"Hello TLS!") */
  check(ns_tls_sendall(ssock, "Hello TLS!", 10, NULL));
  /*         print("echo:", ssock.recv(1024).decode()) */
  check(ns_tls_recv(ssock, data, sizeof data, &n));
  printf("echo: %.*s\n", (int)n, data);
  /* the ends of the with blocks close ssock, and with it sock */
  check(ns_tls_close(ssock));
  ns_tls_context_close(context);
  return EXIT_SUCCESS;
}

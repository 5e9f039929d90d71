/* SPDX-License-Identifier: MIT */
/*
 * <DESC> An HTTPS GET that verifies the server, as Python's ssl does </DESC>
 *
 * Teaches TLS on top of a socket with libnetsock-tls: a default context
 * (certificate and host name checked, TLS 1.2 or later), wrap_socket with
 * server_hostname, then the same send and recv as on a plain socket.
 * Translates this Python, quoted line by line above the C:
 *
 *   import socket, ssl, sys
 *   context = ssl.create_default_context(cafile=cafile)
 *   with socket.create_connection((host, port)) as sock:
 *       with context.wrap_socket(sock, server_hostname=host) as ssock:
 *           ...
 *
 * Run:  18_https_client CAFILE [HOST [PORT]]   (default localhost 8443)
 * CAFILE is the CA that signed the server's certificate; examples/harness/
 * make_tls_certs.sh makes one, and https_server.py serves with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netsock/netsock.h>
#include <netsock/tls.h>

/* Where Python would raise an exception: print what its traceback's last
   line says, and stop. */
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
  const char *cafile = argv[1];
  const char *host = argc > 2 ? argv[2] : "localhost";
  int port = argc > 3 ? atoi(argv[3]) : 8443;
  ns_tls_context *context;
  ns_socket *sock;
  ns_tls *ssock;
  char request[512], data[4096];
  size_t n;

  /* context = ssl.create_default_context(cafile=cafile) */
  check(ns_tls_create_default_context(&context, NS_TLS_PURPOSE_SERVER_AUTH));
  check(ns_tls_context_load_verify_locations(context, cafile, NULL));
  /* with socket.create_connection((host, port)) as sock: */
  check(ns_create_connection(&sock, host, port, NULL));
  /*     with context.wrap_socket(sock, server_hostname=host) as ssock: */
  check(ns_tls_wrap_socket(&ssock, context, sock, 0, host));
  /*         print(ssock.version()) */
  printf("%s\n", ns_tls_version(ssock));
  /*         ssock.sendall(b"GET / HTTP/1.0\r\nHost: %s\r\n\r\n" % host) */
  snprintf(request, sizeof request, "GET / HTTP/1.0\r\nHost: %s\r\n\r\n", host);
  check(ns_tls_sendall(ssock, request, strlen(request), NULL));
  /*         while data := ssock.recv(4096): */
  for (;;) {
    check(ns_tls_recv(ssock, data, sizeof data, &n));
    if (n == 0)
      break;
    /*             sys.stdout.buffer.write(data) */
    fwrite(data, 1, n, stdout);
  }
  /* the ends of the with blocks close ssock, and with it sock */
  check(ns_tls_close(ssock));
  ns_tls_context_close(context);
  return EXIT_SUCCESS;
}

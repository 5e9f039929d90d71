/* SPDX-License-Identifier: MIT */
/*
 * <DESC> A TLS echo server: example 8's echo, wrapped in TLS </DESC>
 *
 * Teaches the server side: a context with a certificate and its key, and
 * each accepted connection wrapped with server_side=True. A client that
 * fails the handshake costs only its own connection.
 * Translates this Python, quoted line by line above the C:
 *
 *   context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
 *   context.load_cert_chain(certfile, keyfile)
 *   with socket.create_server((host, port)) as server:
 *       while True:
 *           conn, addr = server.accept()
 *           ...
 *
 * Run:  19_tls_echo_server CERTFILE KEYFILE [HOST [PORT]]
 *       (default 127.0.0.1 8443; port 0 lets the system choose)
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

/* Echo one client until it closes. Failures end this client only. */
static void serve(ns_tls_context *context, ns_socket *conn)
{
  ns_tls *tls;
  char data[4096];
  size_t n;

  /* try: tls = context.wrap_socket(conn, server_side=True) */
  ns_err err =
      ns_tls_wrap_socket(&tls, context, conn, NS_TLS_SERVER_SIDE, NULL);
  /* except ssl.SSLError as e: print(e); conn.close(); return */
  if (err != NS_OK) {
    printf("handshake failed: %s: %s\n", ns_error_name(err),
           ns_error_last_message());
    ns_close(conn);
    return;
  }
  /* print("TLS:", tls.version()) */
  printf("TLS: %s\n", ns_tls_version(tls));
  fflush(stdout);
  /* while data := tls.recv(4096): */
  while ((err = ns_tls_recv(tls, data, sizeof data, &n)) == NS_OK && n > 0)
    /*     tls.sendall(data) */
    if ((err = ns_tls_sendall(tls, data, n, NULL)) != NS_OK)
      break;
  if (err != NS_OK)
    printf("client lost: %s\n", ns_error_last_message());
  /* tls.close() */
  ns_tls_close(tls);
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: %s CERTFILE KEYFILE [HOST [PORT]]\n", argv[0]);
    return EXIT_FAILURE;
  }
  const char *host = argc > 3 ? argv[3] : "127.0.0.1";
  int port = argc > 4 ? atoi(argv[4]) : 8443;
  ns_tls_context *context;
  ns_socket *server, *conn;
  ns_addr addr;
  char text[NS_ADDR_STRLEN];

  /* context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH) */
  check(ns_tls_create_default_context(&context, NS_TLS_PURPOSE_CLIENT_AUTH));
  /* context.load_cert_chain(certfile, keyfile) */
  check(ns_tls_context_load_cert_chain(context, argv[1], argv[2], NULL, NULL));
  /* with socket.create_server((host, port)) as server: */
  check(ns_addr_inet(&addr, host, port));
  check(ns_create_server(&server, &addr, NULL));
  check(ns_getsockname(server, &addr));
  check(ns_addr_format(&addr, text, sizeof text));
  printf("listening on %s\n", text);
  fflush(stdout);
  /*     while True: */
  for (;;) {
    /*         conn, addr = server.accept() */
    check(ns_accept(server, &conn, &addr));
    check(ns_addr_format(&addr, text, sizeof text));
    printf("connection from %s\n", text);
    serve(context, conn);
  }
}

/* SPDX-License-Identifier: MIT */
/*
 * <DESC> Mutual TLS: a server that admits only certified clients </DESC>
 *
 * Teaches client certificates: the server trusts a CA for its clients and
 * sets verify_mode to CERT_REQUIRED; getpeercert() then tells who the
 * client is. A client without a valid certificate fails the handshake.
 * Translates this Python, quoted line by line above the C:
 *
 *   context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH,
 *                                        cafile=client_ca)
 *   context.verify_mode = ssl.CERT_REQUIRED
 *   context.load_cert_chain(certfile, keyfile)
 *   ...
 *
 * Run:  20_mutual_tls_server CERTFILE KEYFILE CLIENT_CA [HOST [PORT]]
 *       (default 127.0.0.1 8443; port 0 lets the system choose)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* dict(x[0] for x in cert["subject"])["commonName"] */
static void common_name(ns_tls *tls, char *out, size_t size)
{
  ns_tls_cert *cert;
  const char *key, *value;
  snprintf(out, size, "?");
  check(ns_tls_getpeercert(tls, &cert));
  for (size_t i = 0; i < ns_tls_cert_count(cert, NS_TLS_CERT_SUBJECT); i++) {
    check(ns_tls_cert_name(cert, NS_TLS_CERT_SUBJECT, i, &key, &value));
    if (strcmp(key, "commonName") == 0)
      snprintf(out, size, "%s", value);
  }
  ns_tls_cert_free(cert);
}

int main(int argc, char **argv)
{
  if (argc < 4) {
    fprintf(stderr, "usage: %s CERTFILE KEYFILE CLIENT_CA [HOST [PORT]]\n",
            argv[0]);
    return EXIT_FAILURE;
  }
  const char *host = argc > 4 ? argv[4] : "127.0.0.1";
  int port = argc > 5 ? atoi(argv[5]) : 8443;
  ns_tls_context *context;
  ns_socket *server, *conn;
  ns_tls *tls;
  ns_addr addr;
  char text[NS_ADDR_STRLEN], name[256], greeting[300];

  /* context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH,
                                          cafile=client_ca) */
  check(ns_tls_create_default_context(&context, NS_TLS_PURPOSE_CLIENT_AUTH));
  check(ns_tls_context_load_verify_locations(context, argv[3], NULL));
  /* context.verify_mode = ssl.CERT_REQUIRED */
  check(ns_tls_context_set_verify_mode(context, NS_TLS_CERT_REQUIRED));
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
    check(ns_accept(server, &conn, NULL));
    /*         try: tls = context.wrap_socket(conn, server_side=True) */
    ns_err err =
        ns_tls_wrap_socket(&tls, context, conn, NS_TLS_SERVER_SIDE, NULL);
    /*         except ssl.SSLError as e: print("refused:", e); continue */
    if (err != NS_OK) {
      printf("refused: %s\n", ns_error_last_message());
      fflush(stdout);
      ns_close(conn);
      continue;
    }
    /*         name = dict(x[0] for x in tls.getpeercert()["subject"])[...] */
    common_name(tls, name, sizeof name);
    printf("client: %s\n", name);
    fflush(stdout);
    /*         tls.sendall(f"hello, {name}\n".encode()) */
    snprintf(greeting, sizeof greeting, "hello, %s\n", name);
    ns_tls_sendall(tls, greeting, strlen(greeting), NULL);
    /*         tls.unwrap().close() */
    ns_socket *plain;
    if (ns_tls_unwrap(tls, &plain) == NS_OK)
      ns_close(plain);
    else
      ns_tls_close(tls);
  }
}

/* SPDX-License-Identifier: MIT */
/*
 * Throwaway certificates made at test time with the OpenSSL API: nothing
 * secret is committed, and each test process has its own CA.
 */
#ifndef NETSOCK_TLS_TEST_CERTS_H
#define NETSOCK_TLS_TEST_CERTS_H

/*
 * Write into `dir` (which must exist), as PEM:
 *   ca.pem                 a self-signed CA ("netsock test CA")
 *   server.pem/.key        localhost, 127.0.0.1 and ::1, signed by the CA
 *   client.pem/.key        a client certificate ("netsock test client")
 *   expired.pem/.key       localhost, expired a year ago, signed by the CA
 *   wronghost.pem/.key     wrong.example only, signed by the CA
 *   selfsigned.pem/.key    localhost, signed by itself (an unknown CA)
 *   other_ca.pem           another CA that signed none of them
 *   encrypted.key          server.key encrypted with the password "secret"
 * Returns 0, or -1 with a message on stderr.
 */
int tls_test_make_certs(const char *dir);

#endif

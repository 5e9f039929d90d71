#!/bin/sh
# SPDX-License-Identifier: MIT
# Throwaway certificates for the TLS examples (13-15), made with the
# openssl command (Debian: apt-get install openssl) so that no key is ever
# committed:
#   ca.pem                      a CA of its own, trusted by the clients
#   server.pem / server.key     "localhost", 127.0.0.1 and ::1, signed by it
#   client.pem / client.key     "example client", signed by it (example 15)
#
#   make_tls_certs.sh DIR
set -eu
dir=$1
mkdir -p "$dir"
cd "$dir"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
          -out "$1" 2>/dev/null; }

key ca.key
openssl req -x509 -new -key ca.key -subj "/O=netsock examples/CN=example CA" \
  -days 30 -addext "basicConstraints=critical,CA:TRUE" \
  -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

issue() { # name subject extensions
  key "$1.key"
  openssl req -new -key "$1.key" -subj "$2" -out "$1.csr"
  printf '%s\n' "$3" >"$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial \
    -days 30 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr" "$1.ext"
}
issue server "/O=netsock examples/CN=localhost" \
  "subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1"
issue client "/O=netsock examples/CN=example client" \
  "extendedKeyUsage=clientAuth"
rm -f ca.key ca.srl

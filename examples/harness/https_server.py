#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The local HTTPS server example 13 talks to: Python's http.server behind
Python's ssl, with the certificates of make_tls_certs.sh.

    https_server.py CERT_DIR [HOST [PORT]]   (default 127.0.0.1 8443)
"""
import http.server
import ssl
import sys


class Hello(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        body = b"hello over TLS\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    certs = sys.argv[1]
    host = sys.argv[2] if len(sys.argv) > 2 else "127.0.0.1"
    port = int(sys.argv[3]) if len(sys.argv) > 3 else 8443
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(f"{certs}/server.pem", f"{certs}/server.key")
    httpd = http.server.HTTPServer((host, port), Hello)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
    print("listening on %s:%d" % httpd.server_address[:2], flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Python's side of tests/test_tls_interop.c: mutual TLS with ALPN
between Python's ssl module and libnetsock-tls, in both directions.

    tls_interop.py server CERT_DIR
        prints the port, serves one connection: requires a client
        certificate, accepts ALPN "http/1.1", reads one line and answers
        "<line>|<alpn>|<client CN>|<version>\\n", then reads to EOF.
    tls_interop.py client CERT_DIR PORT
        connects with the client certificate, offers ALPN h2 and
        http/1.1, sends "hello from python\\n", prints the answer, the
        ALPN protocol, the server certificate's CN and the version.
"""
import socket
import ssl
import sys


def common_name(cert):
    for rdn in cert.get("subject", ()):
        for key, value in rdn:
            if key == "commonName":
                return value
    return "-"


def read_line(tls):
    data = b""
    while not data.endswith(b"\n"):
        chunk = tls.recv(1024)
        if not chunk:
            break
        data += chunk
    return data.decode().rstrip("\n")


def server(certs):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(f"{certs}/server.pem", f"{certs}/server.key")
    ctx.load_verify_locations(f"{certs}/ca.pem")
    ctx.verify_mode = ssl.CERT_REQUIRED
    ctx.set_alpn_protocols(["http/1.1"])
    with socket.create_server(("127.0.0.1", 0)) as lst:
        print(lst.getsockname()[1], flush=True)
        lst.settimeout(30)
        conn, _ = lst.accept()
        conn.settimeout(30)
        with ctx.wrap_socket(conn, server_side=True) as tls:
            line = read_line(tls)
            answer = "|".join([line, tls.selected_alpn_protocol() or "-",
                               common_name(tls.getpeercert()),
                               tls.version()])
            tls.sendall(answer.encode() + b"\n")
            while tls.recv(1024):
                pass


def client(certs, port):
    ctx = ssl.create_default_context(cafile=f"{certs}/ca.pem")
    ctx.load_cert_chain(f"{certs}/client.pem", f"{certs}/client.key")
    ctx.set_alpn_protocols(["h2", "http/1.1"])
    with socket.create_connection(("127.0.0.1", int(port)), timeout=30) as s:
        with ctx.wrap_socket(s, server_hostname="localhost") as tls:
            tls.sendall(b"hello from python\n")
            answer = read_line(tls)
            print("|".join([answer, tls.selected_alpn_protocol() or "-",
                            common_name(tls.getpeercert()), tls.version()]),
                  flush=True)
            tls.unwrap()


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server(sys.argv[2])
    else:
        client(sys.argv[2], sys.argv[3])

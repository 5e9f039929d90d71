#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Provoke TLS failures on loopback with Python's ssl module and print, one
line each, "scenario|ExceptionClass|str(exc)|errno|reason|verify_code|
verify_message". tests/test_tls_parity.c provokes the same failures through
libnetsock-tls and compares the lines. CPython's source location,
" (_ssl.c:NNNN)" or "_ssl.c:NNNN: ", is left out of str(exc).

    tls_parity.py CERT_DIR   (the certificates of certs.c)
"""
import re
import select
import socket
import ssl
import sys
import threading

CERTS = sys.argv[1]


def path(name):
    return f"{CERTS}/{name}"


def server_ctx(cert="server", **attrs):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(path(cert + ".pem"), path(cert + ".key"))
    for name, value in attrs.items():
        setattr(ctx, name, value)
    return ctx


def client_ctx(**attrs):
    ctx = ssl.create_default_context(cafile=path("ca.pem"))
    for name, value in attrs.items():
        setattr(ctx, name, value)
    return ctx


def drain(sock):
    try:
        while sock.recv(4096):
            pass
    except OSError:
        pass


# Servers: each gets the accepted socket, as the C test's forked peer.
def tls_server(ctx, then=drain):
    def serve(conn):
        try:
            tls = ctx.wrap_socket(conn, server_side=True)
        except (ssl.SSLError, OSError):
            drain(conn)
            return
        then(tls)
    return serve


def silent_raw(conn):
    drain(conn)


def close_after_hello(conn):
    conn.recv(4096)  # the whole ClientHello: then a clean close


def reset_in_hello(conn):
    conn.recv(16)  # closing with the rest unread resets the connection


def plaintext(conn):
    conn.sendall(b"HTTP/1.0 200 OK\r\n\r\nhello hello hello")
    drain(conn)


def ragged(tls):
    tls.sendall(b"bye")


def stall(tls):
    """Read nothing until the client hangs up (POLLRDHUP comes even with
    unread data), so that its writes fill the buffers."""
    poller = select.poll()
    poller.register(tls.fileno(), select.POLLRDHUP)
    poller.poll()


def with_peer(serve, client):
    """Run serve(conn) on a thread and client(address) here."""
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen()

    def run():
        conn, _ = lst.accept()
        with conn:
            serve(conn)
    thread = threading.Thread(target=run)
    thread.start()
    try:
        client(lst.getsockname())
    finally:
        thread.join()
        lst.close()


def connect(ctx, host="localhost", timeout=None, then=None, **wrap):
    def client(addr):
        sock = socket.create_connection(addr, timeout=timeout)
        try:
            tls = ctx.wrap_socket(sock, server_hostname=host, **wrap)
        except BaseException:
            sock.close()
            raise
        with tls:
            if then:
                then(tls)
    return client


def recv(tls):
    tls.recv(16)


def sendall_64mib(tls):
    tls.sendall(bytes(64 << 20))


def recv_twice(tls):
    tls.recv(3)
    tls.recv(16)


def required_client_cert():
    ctx = server_ctx(verify_mode=ssl.CERT_REQUIRED)
    ctx.load_verify_locations(path("ca.pem"))
    return ctx


def server_side_plaintext_client():
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen()
    client = socket.create_connection(lst.getsockname())
    client.sendall(b"GET / HTTP/1.0\r\n\r\n")
    conn, _ = lst.accept()
    lst.close()
    try:
        server_ctx().wrap_socket(conn, server_side=True)
    finally:
        conn.close()
        client.close()


def nonblocking_handshake():
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen()
    sock = socket.create_connection(lst.getsockname())
    sock.setblocking(False)
    try:
        tls = client_ctx().wrap_socket(sock, server_hostname="localhost",
                                       do_handshake_on_connect=False)
        tls.do_handshake()
    finally:
        sock.close()
        lst.close()


SCENARIOS = [
    ("unknown_ca", lambda: with_peer(
        tls_server(server_ctx("selfsigned")), connect(client_ctx()))),
    ("expired", lambda: with_peer(
        tls_server(server_ctx("expired")), connect(client_ctx()))),
    ("hostname_mismatch", lambda: with_peer(
        tls_server(server_ctx("wronghost")), connect(client_ctx()))),
    ("ip_address_mismatch", lambda: with_peer(
        tls_server(server_ctx("wronghost")),
        connect(client_ctx(), host="127.0.0.1"))),
    ("protocol_version", lambda: with_peer(
        tls_server(server_ctx(maximum_version=ssl.TLSVersion.TLSv1_2)),
        connect(client_ctx(minimum_version=ssl.TLSVersion.TLSv1_3)))),
    ("plaintext_peer", lambda: with_peer(plaintext, connect(client_ctx()))),
    ("closed_mid_handshake", lambda: with_peer(
        close_after_hello, connect(client_ctx()))),
    ("reset_mid_handshake", lambda: with_peer(
        reset_in_hello, connect(client_ctx()))),
    ("handshake_timeout", lambda: with_peer(
        silent_raw, connect(client_ctx(), timeout=0.2))),
    ("read_timeout", lambda: with_peer(
        tls_server(server_ctx()),
        connect(client_ctx(), timeout=0.2, then=recv))),
    ("write_timeout", lambda: with_peer(
        tls_server(server_ctx(), then=stall),
        connect(client_ctx(), timeout=0.2, then=sendall_64mib))),
    ("client_cert_required", lambda: with_peer(
        tls_server(required_client_cert()),
        connect(client_ctx(), then=recv))),
    ("ragged_eof_refused", lambda: with_peer(
        tls_server(server_ctx(), then=ragged),
        connect(client_ctx(), then=recv_twice, suppress_ragged_eofs=False))),
    ("server_plaintext_client", server_side_plaintext_client),
    ("nonblocking_handshake", nonblocking_handshake),
]

LOCATION = re.compile(r" \(_ssl\.c:\d+\)$|^_ssl\.c:\d+: ")


def field(value):
    return "" if value is None else str(value)


def main():
    for name, scenario in SCENARIOS:
        try:
            scenario()
            print(f"{name}|no error")
        except Exception as exc:  # the exception is what is compared
            print("|".join([
                name, type(exc).__name__, LOCATION.sub("", str(exc)),
                field(exc.errno or 0), field(getattr(exc, "reason", None)),
                field(getattr(exc, "verify_code", 0) or 0),
                field(getattr(exc, "verify_message", None))]))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Provoke failures on loopback with Python's socket module and print, one
line each, "scenario|ExceptionClass|str(exc)". tests/test_python_parity.c
provokes the same failures through libnetsock and compares the lines."""
import socket
import struct
import sys


def listener():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s


def pair():
    lst = listener()
    c = socket.create_connection(lst.getsockname())
    s, _ = lst.accept()
    lst.close()
    return c, s


def refused():
    probe = listener()
    addr = probe.getsockname()
    probe.close()
    socket.socket().connect(addr)


def address_in_use():
    lst = listener()
    socket.socket().bind(lst.getsockname())


def recv_unconnected():
    socket.socket().recv(1)


def reset_by_peer():
    c, s = pair()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
    c.recv(1)


def write_after_shutdown():
    c, _s = pair()
    c.shutdown(socket.SHUT_WR)
    c.send(b"x")


def unix_path_too_long():
    socket.socket(socket.AF_UNIX).bind("/" + "a" * 200)


def port_70000():
    socket.socket().bind(("127.0.0.1", 70000))


def connect_port_70000():
    socket.socket().connect(("127.0.0.1", 70000))


def recv_timeout():
    c, _s = pair()
    c.settimeout(0.05)
    c.recv(1)


def recv_nonblocking():
    c, _s = pair()
    c.setblocking(False)
    c.recv(1)


def shutdown_bad_how():
    c, _s = pair()
    c.shutdown(3)


def negative_timeout():
    socket.socket().settimeout(-2)


def nan_timeout():
    socket.socket().settimeout(float("nan"))


def bad_host():
    socket.socket().bind(("bad host!", 80))


def listen_on_udp():
    socket.socket(type=socket.SOCK_DGRAM).listen(1)


def getpeername_unconnected():
    socket.socket().getpeername()


def unix_missing_path():
    socket.socket(socket.AF_UNIX).connect("/nonexistent-dir/x.sock")


def datagram_too_long():
    u = socket.socket(type=socket.SOCK_DGRAM)
    u.bind(("127.0.0.1", 0))
    u.sendto(b"\0" * 65508, u.getsockname())


def bad_family():
    socket.socket(12345)


def closed_port():
    probe = listener()
    addr = probe.getsockname()
    probe.close()
    return addr


def create_connection_refused():
    socket.create_connection(closed_port())


def create_connection_refused_timeout():
    socket.create_connection(closed_port(), timeout=5)


def create_connection_timeout():
    # A listener whose one queue slot is taken: later SYNs are dropped.
    lst = socket.socket()
    lst.bind(("127.0.0.1", 0))
    lst.listen(0)
    filler = socket.create_connection(lst.getsockname())
    try:
        socket.create_connection(lst.getsockname(), timeout=0.1)
    finally:
        filler.close()
        lst.close()


def create_connection_nonblocking():
    lst = listener()
    socket.create_connection(lst.getsockname(), timeout=0)


def create_connection_bad_host():
    socket.create_connection(("bad host!", 80))


def connect_bad_zone():
    socket.socket(socket.AF_INET6).connect(("fe80::1%nonexistent", 80))


def connect_bracketed_ipv6():
    socket.socket(socket.AF_INET6).connect(("[::1]", 80))


SCENARIOS = [refused, address_in_use, recv_unconnected, reset_by_peer,
             write_after_shutdown, unix_path_too_long, port_70000,
             connect_port_70000, recv_timeout, recv_nonblocking,
             shutdown_bad_how, negative_timeout, nan_timeout, bad_host,
             listen_on_udp, getpeername_unconnected, unix_missing_path,
             datagram_too_long, bad_family, create_connection_refused,
             create_connection_refused_timeout, create_connection_timeout,
             create_connection_nonblocking, create_connection_bad_host,
             connect_bad_zone, connect_bracketed_ipv6]


def main():
    for scenario in SCENARIOS:
        try:
            scenario()
            print(f"{scenario.__name__}|no error|")
        except Exception as exc:  # the class and text are the point
            print(f"{scenario.__name__}|{type(exc).__name__}|{exc}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Python's ssl client of bench_tls.c's cases, against the same raw
OpenSSL server (bench_tls server CERT_DIR):

    bench_tls.py PORT CA_FILE [ROUNDS [MIB [HANDSHAKES]]]
"""
import socket
import ssl
import statistics
import sys
import time

CHUNK = b"x" * 16384


def open_tls(ctx, port, kind, nbytes=0):
    sock = socket.create_connection(("127.0.0.1", port))
    tls = ctx.wrap_socket(sock, server_hostname="localhost")
    tls.sendall(kind + nbytes.to_bytes(8, "little"))
    return tls


def bulk(ctx, port, nbytes):
    tls = open_tls(ctx, port, b"B", nbytes)
    t0 = time.monotonic()
    for _ in range(nbytes // len(CHUNK)):
        tls.sendall(CHUNK)
    tls.recv(1)
    elapsed = time.monotonic() - t0
    tls.close()
    return nbytes / elapsed / 1e9


def handshake(ctx, port):
    tls = open_tls(ctx, port, b"H")
    tls.recv(1)
    tls.close()


def main():
    port, cafile = int(sys.argv[1]), sys.argv[2]
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 11
    mib = int(sys.argv[4]) if len(sys.argv) > 4 else 256
    handshakes = int(sys.argv[5]) if len(sys.argv) > 5 else 200
    ctx = ssl.create_default_context(cafile=cafile)
    bulks, rates = [], []
    print("case,impl,round,value,unit")
    for r in range(rounds):
        bulks.append(bulk(ctx, port, mib << 20))
        t0 = time.monotonic()
        for _ in range(handshakes):
            handshake(ctx, port)
        rates.append(handshakes / (time.monotonic() - t0))
        print(f"bulk,python,{r},{bulks[-1]:.3f},GB/s")
        print(f"handshake,python,{r},{rates[-1]:.1f},/s", flush=True)
    print(f"# median bulk: python {statistics.median(bulks):.3f} GB/s")
    print(f"# median handshakes: python {statistics.median(rates):.1f}/s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The Python twin of netsock-bench: the same cases, the same command line
and the same CSV row, through Python's socket module. It is the reference
that users come from; bench/run_all.sh runs it beside the C programs.

    netsock_bench.py CASE [--size N] [--iters N] [--timeout S] [--bytes N]
                     [--batch N]

The receivers of the throughput cases check every byte with zlib.adler32,
the fastest checksum in Python's standard library (the C twins use a
cheaper one, so Python's throughput includes a little more checking).
"""
import argparse
import os
import resource
import select
import selectors
import signal
import socket
import struct
import sys
import time
import zlib

WARMUP = 1000
END_MARKER = b"\xff"
VERDICT = struct.Struct("<QQ")


def report(case, params, value, unit, detail=""):
    cpus = len(os.sched_getaffinity(0))
    print(f"{case},{params},python,{cpus},{value:.6g},{unit},{detail}",
          flush=True)


def pattern(n):
    return bytes((i * 131 + 7) & 0xFF for i in range(min(n, 256))) \
        * (n // 256 + 1)


def fork():
    sys.stdout.flush()
    return os.fork()


def wait(pid):
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit("netsock_bench.py: the other side of the benchmark failed")


def tcp_pair(nodelay):
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        client = socket.socket()
        client.connect(listener.getsockname())
        server, _ = listener.accept()
    if nodelay:
        for s in (client, server):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return client, server


def udp_bound():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    return s


def send_full(s, data):
    view = memoryview(data)
    while view:
        view = view[s.send(view):]


def recv_full(s, size):
    data = s.recv(size)
    while len(data) < size:
        more = s.recv(size - len(data))
        if not more:
            return None
        data += more
    return data or None


def timeout_params(size, timeout):
    return f"size={size};timeout={'none' if timeout is None else f'{timeout:g}'}"


def pingpong_tcp(o):
    size, iters = o.size or 1, o.iters or 20000
    client, server = tcp_pair(True)
    pid = fork()
    if pid == 0:
        client.close()
        server.settimeout(o.timeout)
        while (data := recv_full(server, size)) is not None:
            send_full(server, data)
        server.close()
        os._exit(0)
    server.close()
    client.settimeout(o.timeout)
    msg = pattern(size)[:size]

    def round_trips(n):
        for _ in range(n):
            client.send(msg)
            if recv_full(client, size) is None:
                sys.exit("netsock_bench.py: the echo side closed early")

    round_trips(WARMUP)
    t0 = time.perf_counter()
    round_trips(iters)
    t1 = time.perf_counter()
    client.close()
    wait(pid)
    report("pingpong_tcp", timeout_params(size, o.timeout),
           (t1 - t0) / iters * 1e6, "us/rt", f"round_trips={iters}")


def pingpong_udp(o):
    size, iters = o.size or 1, o.iters or 20000
    client, server = udp_bound(), udp_bound()
    server_addr = server.getsockname()
    pid = fork()
    if pid == 0:
        client.close()
        server.settimeout(o.timeout)
        while True:
            data, peer = server.recvfrom(size)
            if not data:
                break
            server.sendto(data, peer)
        server.close()
        os._exit(0)
    server.close()
    client.settimeout(o.timeout)
    msg = pattern(size)[:size]

    def round_trips(n):
        for _ in range(n):
            client.sendto(msg, server_addr)
            data, _ = client.recvfrom(size)
            if len(data) != size:
                sys.exit("netsock_bench.py: short datagram")

    round_trips(WARMUP)
    t0 = time.perf_counter()
    round_trips(iters)
    t1 = time.perf_counter()
    client.sendto(b"", server_addr)
    client.close()
    wait(pid)
    report("pingpong_udp", timeout_params(size, o.timeout),
           (t1 - t0) / iters * 1e6, "us/rt", f"round_trips={iters}")


def receive_and_answer(s, chunk, expected):
    buf = bytearray(chunk)
    view = memoryview(buf)
    got, csum = 0, 1
    while got < expected:
        n = s.recv_into(view, min(chunk, expected - got))
        if n == 0:
            break
        csum = zlib.adler32(view[:n], csum)
        got += n
    s.sendall(VERDICT.pack(got, csum))


def finish(s, t0, nbytes, csum):
    data = recv_full(s, VERDICT.size)
    t1 = time.perf_counter()
    if data is None or VERDICT.unpack(data) != (nbytes, csum):
        sys.exit(f"netsock_bench.py: checksum mismatch: {data!r}")
    return t1 - t0


def bulk_tcp(o):
    chunk = o.size or 65536
    nbytes = o.bytes or 512 << 20
    nbytes -= nbytes % chunk
    client, server = tcp_pair(False)
    pid = fork()
    if pid == 0:
        client.close()
        receive_and_answer(server, chunk, nbytes)
        server.close()
        os._exit(0)
    server.close()
    buf = pattern(chunk)[:chunk]
    csum = 1
    for _ in range(nbytes // chunk):
        csum = zlib.adler32(buf, csum)
    t0 = time.perf_counter()
    for _ in range(nbytes // chunk):
        send_full(client, buf)
    dt = finish(client, t0, nbytes, csum)
    client.close()
    wait(pid)
    report("bulk_tcp", f"chunk={chunk}", nbytes / dt / 1e9, "GB/s",
           f"bytes={nbytes}")


def sendall_large(o):
    nbytes = o.bytes or 256 << 20
    client, server = tcp_pair(False)
    pid = fork()
    if pid == 0:
        client.close()
        receive_and_answer(server, 65536, nbytes)
        server.close()
        os._exit(0)
    server.close()
    buf = pattern(nbytes)[:nbytes]
    csum = zlib.adler32(buf)
    t0 = time.perf_counter()
    client.sendall(buf)
    dt = finish(client, t0, nbytes, csum)
    client.close()
    wait(pid)
    report("sendall_large", f"bytes={nbytes}", nbytes / dt / 1e9, "GB/s",
           "recv_chunk=65536")


def listen_overflows():
    """TcpExt ListenOverflows from /proc/net/netstat, or -1 (see
    bench/case_connect.c)."""
    try:
        with open("/proc/net/netstat") as f:
            lines = f.read().splitlines()
    except OSError:
        return -1
    for names, values in zip(lines[::2], lines[1::2]):
        if names.startswith("TcpExt:"):
            table = dict(zip(names.split(), values.split()))
            return int(table.get("ListenOverflows", -1))
    return -1


def connect_churn(o):
    iters = o.iters or 3000
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(128)
        addr = listener.getsockname()

        def churn(n):
            for _ in range(n):
                c = socket.socket()
                c.connect(addr)
                s, _ = listener.accept()
                c.close()
                s.close()

        churn(100)
        overflows = listen_overflows()
        t0 = time.perf_counter()
        churn(iters)
        t1 = time.perf_counter()
        moved = -1 if overflows < 0 else listen_overflows() - overflows
    report("connect_churn", "sequential", (t1 - t0) / iters * 1e6, "us/conn",
           f"connections={iters};listen_overflows={moved}")


def udp_pps(o):
    size, iters = o.size or 64, o.iters or 200000
    if o.batch > 1:
        print("netsock_bench.py: Python has no sendmmsg/recvmmsg; "
              "no row for --batch", file=sys.stderr)
        return
    rfd, wfd = os.pipe()
    sender, receiver = udp_bound(), udp_bound()
    receiver_addr = receiver.getsockname()
    pid = fork()
    if pid == 0:
        sender.close()
        os.close(rfd)
        received, first = 0, 0.0
        while True:
            data, _ = receiver.recvfrom(2048)
            if data == END_MARKER:
                break
            if len(data) != size:
                os._exit(1)
            if received == 0:
                first = time.perf_counter()
            received += 1
        os.write(wfd, struct.pack("<Qd", received,
                                  time.perf_counter() - first))
        receiver.close()
        os._exit(0)
    receiver.close()
    os.close(wfd)
    msg = b"\0" + pattern(size)[1:size]
    for _ in range(iters):
        sender.sendto(msg, receiver_addr)
    poller = select.poll()
    poller.register(rfd, select.POLLIN)
    for _ in range(5000):
        sender.sendto(END_MARKER, receiver_addr)
        if poller.poll(1):
            break
    else:
        sys.exit("netsock_bench.py: the receiver never saw the end marker")
    received, seconds = struct.unpack("<Qd", os.read(rfd, 16))
    os.close(rfd)
    sender.close()
    wait(pid)
    pps = (received - 1) / seconds if received > 1 else 0
    lost = 100.0 * (iters - received) / iters
    report("udp_pps", f"size={size};batch=1", pps / 1e3, "kpps",
           f"sent={iters};received={received};lost={lost:.1f}%")


def timeout_precision(o):
    """The same four operations as bench/case_timeout.c."""
    timeout = 0.1 if o.timeout is None else o.timeout
    samples = o.iters or 4
    op = o.op or "recv"
    keep = []

    def timed(call):
        t0 = time.perf_counter()
        try:
            call()
            sys.exit(f"netsock_bench.py: {op} completed where it should "
                     "have timed out")
        except TimeoutError:
            pass
        t1 = time.perf_counter()
        report("timeout_precision", f"op={op};timeout={timeout:g}",
               (t1 - t0) * 1e3, "ms")

    if op == "recv":
        client, server = tcp_pair(True)
        keep += [client, server]
        client.settimeout(timeout)
        for _ in range(samples):
            timed(lambda: client.recv(1))
    elif op == "accept":
        listener = socket.socket()
        keep.append(listener)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(timeout)
        for _ in range(samples):
            timed(listener.accept)
    elif op == "connect":
        listener = socket.socket()
        keep.append(listener)
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        first = socket.create_connection(listener.getsockname())
        keep.append(first)
        for _ in range(samples):
            with socket.socket() as c:
                c.settimeout(timeout)
                timed(lambda: c.connect(listener.getsockname()))
    elif op == "sendall":
        client, server = tcp_pair(False)
        keep += [client, server]
        data = pattern(8 << 20)[:8 << 20]
        client.settimeout(max(timeout, 0.05))
        try:
            client.sendall(data)
            sys.exit("netsock_bench.py: sendall to a silent peer completed")
        except TimeoutError:
            pass
        client.settimeout(timeout)
        for _ in range(samples):
            timed(lambda: client.sendall(data))
    else:
        sys.exit("netsock_bench.py: --op is recv, accept, connect or sendall")
    for s in keep:
        s.close()


def concurrent_1000(o):
    n, rounds = o.iters or 1000, 20
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < n + 64:
        resource.setrlimit(resource.RLIMIT_NOFILE,
                           (n + 64 if hard == resource.RLIM_INFINITY
                            else min(n + 64, hard), hard))
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(n)
    addr = listener.getsockname()
    pid = fork()
    if pid == 0:
        sel = selectors.DefaultSelector()
        sel.register(listener, selectors.EVENT_READ, None)
        closed = 0
        while closed < n:
            for key, _ in sel.select():
                if key.data is None:
                    conn, _ = listener.accept()
                    sel.register(conn, selectors.EVENT_READ, True)
                    continue
                data = key.fileobj.recv(64)
                if data:
                    key.fileobj.sendall(data)
                else:
                    sel.unregister(key.fileobj)
                    key.fileobj.close()
                    closed += 1
        os._exit(0)
    listener.close()
    clients = []
    for _ in range(n):
        c = socket.socket()
        c.connect(addr)
        clients.append(c)

    def round_trip_all():
        for c in clients:
            c.send(b"x")
        for c in clients:
            if recv_full(c, 1) is None:
                sys.exit("netsock_bench.py: the server closed a connection")

    round_trip_all()
    t0 = time.perf_counter()
    for _ in range(rounds):
        round_trip_all()
    t1 = time.perf_counter()
    for c in clients:
        c.close()
    wait(pid)
    report("concurrent_1000", f"clients={n}", (t1 - t0) / (rounds * n) * 1e6,
           "us/req", f"rounds={rounds}")


CASES = {f.__name__: f for f in (pingpong_tcp, pingpong_udp, bulk_tcp,
                                 sendall_large, connect_churn, udp_pps,
                                 timeout_precision, concurrent_1000)}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("case", choices=sorted(CASES))
    p.add_argument("--size", type=int, default=0)
    p.add_argument("--iters", type=int, default=0)
    p.add_argument("--bytes", type=int, default=0)
    p.add_argument("--batch", type=int, default=0)
    p.add_argument("--timeout", default="none")
    p.add_argument("--op", default=None)
    o = p.parse_args()
    o.timeout = None if o.timeout == "none" else float(o.timeout)
    signal.alarm(300)
    CASES[o.case](o)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""System calls per socket operation, counted with strace.

Runs the ping-pong cases of the three twins (libnetsock, raw C, Python)
under `strace -f -c`, twice with different round-trip counts, and divides
the difference by the difference in operations (4 per round trip: each
side sends once and receives once). Start-up, set-up and warm-up cancel
out, so what remains is exactly the cost of one operation.

    count_syscalls.py BENCH RAW PYTHON_SCRIPT OUT.csv
"""
import collections
import os
import subprocess
import sys
import tempfile

N1, N2 = 1000, 3000
OPS_PER_ROUND_TRIP = 4
CASES = [("pingpong_tcp", "none"), ("pingpong_tcp", "5"),
         ("pingpong_udp", "none"), ("pingpong_udp", "5")]


def strace_counts(cmd):
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-c", "-o", out.name, "--"] + cmd,
                       check=True, stdout=subprocess.DEVNULL)
        counts = collections.Counter()
        for line in out.read().splitlines():
            parts = line.split()
            # % time, seconds, usecs/call, calls, [errors,] syscall
            if len(parts) >= 5 and parts[0][0].isdigit() and \
                    parts[-1] != "total":
                counts[parts[-1]] += int(parts[3])
        return counts


def main():
    bench, raw, script, out = sys.argv[1:5]
    programs = {"netsock": [bench], "raw": [raw],
                "python": [sys.executable, script]}
    rows = []
    for case, timeout in CASES:
        for impl, prog in programs.items():
            def run(n):
                return strace_counts(prog + [case, "--size", "1", "--iters",
                                             str(n), "--timeout", timeout])
            c1, c2 = run(N1), run(N2)
            ops = (N2 - N1) * OPS_PER_ROUND_TRIP
            for name in sorted(set(c1) | set(c2)):
                per_op = (c2[name] - c1[name]) / ops
                if abs(per_op) >= 0.005:
                    rows.append((case, timeout, impl, name, per_op))
            print(f"counted {case} timeout={timeout} {impl}", file=sys.stderr)
    with open(out, "w") as f:
        f.write("case,timeout,impl,syscall,per_op\n")
        for case, timeout, impl, name, per_op in rows:
            f.write(f"{case},{timeout},{impl},{name},{per_op:.3f}\n")


if __name__ == "__main__":
    main()

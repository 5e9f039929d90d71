#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""System calls per timed call under a build's timeout engine.

Runs bench/timeout_strategy.c's cases under `strace -f -c`, N1 and N2
times each, and divides the difference of each system call's count by
N2 - N1, so that set-up cancels out (as count_syscalls.py does).

    timeout_strategy.py BUILD_DIR        (needs strace)
"""
import collections
import os
import subprocess
import sys
import tempfile

N1, N2 = 200, 1200
CASES = ["recv_ready", "recv_timeout", "accept_ready"]


def counts(binary, case, n):
    with tempfile.NamedTemporaryFile("r", suffix=".strace") as out:
        subprocess.run(["strace", "-f", "-c", "-o", out.name, "--", binary,
                        case, str(n)], check=True, stdout=subprocess.DEVNULL)
        c = collections.Counter()
        for line in out.read().splitlines():
            f = line.split()
            if len(f) >= 5 and f[0][0].isdigit() and f[-1] != "total":
                c[f[-1]] = int(f[3])
        return c


def main():
    binary = os.path.join(sys.argv[1], "bench", "timeout_strategy")
    for case in CASES:
        a, b = counts(binary, case, N1), counts(binary, case, N2)
        per = {k: (b[k] - a[k]) / (N2 - N1) for k in set(a) | set(b)}
        shown = sorted((k, v) for k, v in per.items() if v >= 0.05)
        print(f"{case}: " + ", ".join(f"{k} {v:.2f}" for k, v in shown))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Turn the benchmark's CSV output into the report.

Reads what bench/run_all.sh wrote into DIR (runs.csv, precision.csv,
pingpong_ab.csv, syscalls.csv, callgrind.txt, machine.txt), rewrites the generated blocks of
docs/performance.md and docs/timeouts.md (between "<!-- BEGIN name -->"
and "<!-- END name -->"; the prose around them is left alone), and draws
DIR/performance.png with gnuplot.

    report.py DIR DOCS_DIR
"""
import collections
import csv
import os
import re
import shutil
import statistics
import subprocess
import sys

IMPLS = ("netsock", "raw", "python")

# (case, params, pinned) -> ("<=" or ">=", target ratio libnetsock/raw).
# Latency targets apply to the pinned runs: unpinned, a round trip is
# dominated by where the scheduler puts the two processes. The TCP
# ping-pong's are judged on the alternating rounds (AB_TARGETS).
TARGETS = {
    ("pingpong_udp", "size=1;timeout=none", True): ("<=", 1.02),
    ("bulk_tcp", "chunk=65536", False): (">=", 0.98),
    ("udp_pps", "size=64;batch=1", False): (">=", 0.98),
    ("udp_pps", "size=64;batch=32", False): (">=", 0.98),
    ("connect_churn", "sequential", False): ("<=", 1.05),
}

# The TCP ping-pong in alternating rounds (pingpong-ab), by its params
# without the round length: the target ratio libnetsock/raw of the median
# of the per-round ratios. With a timeout, both twins have one (the raw
# twin's is SO_RCVTIMEO/SO_SNDTIMEO, the cheapest raw timeout), except
# where raw_timeout says the raw twin has none. Cross-CPU rounds are for
# the record: their wake-ups are the noisiest part of this VM.
AB_TARGETS = {
    "size=1;timeout=none;cpus=0/0": 1.02,
    "size=64;timeout=none;cpus=0/0": 1.02,
    "size=1;timeout=5;cpus=0/0": 1.03,
    "size=64;timeout=5;cpus=0/0": 1.03,
    "size=1;timeout=5;raw_timeout=none;cpus=0/0": 1.05,
}

# Timeout precision: libnetsock's median lateness, and never early.
PRECISION_TARGET_MS = 0.3

# The callgrind regions and the budget macro of tests/perf/perf_budget.h
# that gates each.
REGION_BUDGET = {
    "tcp_ns": "NS_PERF_EXTRA_IR_PER_CALL",
    "tcp_ns_sendall": "NS_PERF_EXTRA_IR_PER_CALL",
    "udp_ns": "NS_PERF_EXTRA_IR_PER_CALL",
    "tcp_ns_timeout": "NS_PERF_EXTRA_IR_TIMEOUT",
    "tcp_ns_sendall_timeout": "NS_PERF_EXTRA_IR_TIMEOUT",
    "udp_ns_timeout": "NS_PERF_EXTRA_IR_TIMEOUT",
}
REGION_PATH = {
    "tcp_ns": "`send` / `recv`, no timeout",
    "tcp_ns_sendall": "`sendall` / `recv`, no timeout",
    "udp_ns": "`sendto` / `recvfrom`, no timeout",
    "tcp_ns_timeout": "`send` / `recv`, timeout set",
    "tcp_ns_sendall_timeout": "`sendall` / `recv`, timeout set",
    "udp_ns_timeout": "`sendto` / `recvfrom`, timeout set",
}
EXTRA_LINE = re.compile(
    r"^(\w+)\s+([\d.]+) extra instructions per call \(budget ([\d.]+); "
    r"raw call ([\d.]+), clock read ([\d.]+) under valgrind\)")


def lower_is_better(unit):
    return unit.startswith("us/") or unit == "ms"


def overflowed(detail):
    """Whether a connect_churn run saw the listen queue overflow."""
    m = re.search(r"listen_overflows=(-?\d+)", detail or "")
    return bool(m) and int(m.group(1)) > 0


def load_runs(path):
    """{(case, params, pinned): {impl: {run: value}}}, units, and the number
    of runs left out because the listen queue overflowed."""
    data = collections.defaultdict(lambda: collections.defaultdict(dict))
    units = {}
    rejected = 0
    with open(path) as f:
        for row in csv.DictReader(f):
            if row["case"] == "timeout_precision":
                continue
            if overflowed(row.get("detail")):
                rejected += 1
                continue
            key = (row["case"], row["params"], row["cpus"] == "1")
            units[key] = row["unit"]
            data[key][row["impl"]][int(row["run"])] = float(row["value"])
    return data, units, rejected


def load_precision(path):
    """{(op, timeout_ms): {impl: [lateness in ms]}}."""
    samples = collections.defaultdict(lambda: collections.defaultdict(list))
    if not os.path.exists(path):
        return samples
    with open(path) as f:
        for row in csv.DictReader(f):
            params = dict(p.split("=") for p in row["params"].split(";"))
            t = float(params["timeout"]) * 1e3
            samples[(params.get("op", "recv"), t)][row["impl"]].append(
                float(row["value"]) - t)
    return samples


def load_ab(path):
    """{params without the round length: {run: [(netsock/raw, netsock us,
    raw us)]}} from pingpong_ab.csv, in file order."""
    data = collections.defaultdict(lambda: collections.defaultdict(list))
    if not os.path.exists(path):
        return data
    with open(path) as f:
        for row in csv.DictReader(f):
            params = ";".join(p for p in row["params"].split(";")
                              if not p.startswith("iters="))
            ns, raw = float(row["netsock_us_rt"]), float(row["raw_us_rt"])
            data[params][int(row["run"])].append((ns / raw, ns, raw))
    return data


def median_ci(values, z=1.96):
    """The median and a distribution-free 95 % confidence interval for it
    (order statistics; it takes the rounds as independent, which rounds a
    few milliseconds apart on a shared machine are not quite)."""
    v = sorted(values)
    n = len(v)
    lo = max(int((n - z * n ** 0.5) / 2), 0)
    hi = min(n - 1 - lo, n - 1)
    return statistics.median(v), v[lo], v[hi]


def ab_table(data):
    """One row per configuration, all its runs' rounds pooled, and each
    run's own median beside it; the verdicts against AB_TARGETS."""
    if not data:
        return "(not measured: run bench/run_all.sh)", []
    lines = ["| size | timeout | CPUs (client/servers) | runs × rounds | "
             "libnetsock | raw C | **median of per-round ratios** | 95 % CI "
             "| middle half of rounds | each run's median | target |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    verdicts = []
    for params in data:
        p = dict(x.split("=") for x in params.split(";"))
        runs = data[params]
        rounds = [r for run in runs.values() for r in run]
        ratios_ = sorted(r[0] for r in rounds)
        med, lo, hi = median_ci(ratios_)
        q1, q3 = ratios_[len(ratios_) // 4], ratios_[3 * len(ratios_) // 4]
        run_medians = [statistics.median(x[0] for x in run)
                       for run in runs.values()]
        per_run = ", ".join(f"{m:.3f}" for m in run_medians)
        timeout = p["timeout"]
        timeout = "none" if timeout == "none" else f"{timeout} s"
        if "raw_timeout" in p:
            raw_t = p["raw_timeout"]
            timeout += (" (raw C: none)" if raw_t == "none"
                        else f" (raw C: {raw_t} s)")
        cpus = p["cpus"].replace("-1", "any")
        target = AB_TARGETS.get(params)
        t = ""
        if target:
            ok = med <= target
            within = [w for w, inside in (("CI", hi <= target),
                                          ("every run", max(run_medians)
                                           <= target)) if inside]
            t = (f"<= {target} {'met' if ok else '**missed**'}"
                 + (f" ({' and '.join(within)} within)" if within else ""))
            verdicts.append((params, med, target, ok))
        lines.append(
            f"| {size(p['size'])} | {timeout} | {cpus} | {len(runs)} × "
            f"{len(rounds) // len(runs)} | "
            f"{statistics.median(r[1] for r in rounds):.2f} us/rt | "
            f"{statistics.median(r[2] for r in rounds):.2f} us/rt | "
            f"**{med:.4f}** | {lo:.4f}–{hi:.4f} | {q1:.3f}–{q3:.3f} | "
            f"{per_run} | {t} |")
    return "\n".join(lines), verdicts


def ratios(a, b):
    """a[run] / b[run] for the runs that have both."""
    return [a[r] / b[r] for r in a if r in b and b[r]]


def median_ratio(a, b):
    """Median over runs of a[run] / b[run]."""
    r = ratios(a, b)
    return statistics.median(r) if r else None


def best_ratio(a, b, lower_better):
    """The best run of a over the best run of b: less sensitive to a busy
    moment than the median, since noise only ever makes a run worse."""
    if not a or not b:
        return "–"
    pick = min if lower_better else max
    return f"{pick(a.values()) / pick(b.values()):.3f}"


def ratio_cell(a, b, bold=False):
    r = ratios(a, b)
    if not r:
        return "–"
    m = f"{statistics.median(r):.3f}"
    if bold:
        m = f"**{m}**"
    return m if len(r) < 2 else f"{m} ({min(r):.2f}–{max(r):.2f})"


def fmt(x, digits=3):
    return "–" if x is None else f"{x:.{digits}g}"


def describe(case, params, pinned):
    p = params.replace(";", ", ").replace("timeout=none", "no timeout")
    p = re.sub(r"timeout=([\d.]+)", r"timeout \1 s", p)
    p = re.sub(r"(size|chunk)=(\d+)", lambda m: f"{m.group(1)} {size(m.group(2))}",
               p)
    p = re.sub(r"bytes=(\d+)", lambda m: size(m.group(1)), p)
    return f"`{case}`", p, "pinned (1 CPU)" if pinned else "unpinned (2 CPUs)"


def size(text):
    n = int(text)
    for unit, div in (("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= div and n % div == 0:
            return f"{n // div} {unit}"
    return f"{n} B"


CASE_ORDER = ["pingpong_tcp", "pingpong_udp", "bulk_tcp", "sendall_large",
              "connect_churn", "concurrent_1000", "udp_pps"]


def sort_key(key):
    case, params, pinned = key
    nums = [int(x) for x in re.findall(r"=(\d+)", params)]
    return (CASE_ORDER.index(case) if case in CASE_ORDER else 99,
            not pinned, "timeout=none" not in params, nums)


def results_table(data, units):
    lines = [
        "| case | parameters | CPUs | libnetsock | raw C | Python | "
        "**libnetsock / raw** (range of runs) | best / best | Python / raw "
        "| target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    verdicts = []
    for key in sorted(data, key=sort_key):
        case, params, pinned = key
        if case == "timeout_precision":
            continue
        unit = units[key]
        runs = data[key]
        med = {i: statistics.median(runs[i].values()) if runs[i] else None
               for i in IMPLS}
        r_ns = median_ratio(runs["netsock"], runs["raw"])
        target = TARGETS.get(key)
        if target and r_ns is not None:
            op, limit = target
            ok = r_ns <= limit if op == "<=" else r_ns >= limit
            t = f"{op} {limit} {'met' if ok else '**missed**'}"
            verdicts.append((key, r_ns, op, limit, ok))
        else:
            t = ""
        c, p, cpus = describe(case, params, pinned)
        lines.append(
            f"| {c} | {p} | {cpus} | {fmt(med['netsock'])} {unit} | "
            f"{fmt(med['raw'])} {unit} | {fmt(med['python'])} {unit} | "
            f"{ratio_cell(runs['netsock'], runs['raw'], True)} | "
            f"{best_ratio(runs['netsock'], runs['raw'], lower_is_better(unit))}"
            f" | {ratio_cell(runs['python'], runs['raw'])} | {t} |")
    # A timeout on both sides against the raw round trip without one,
    # measured in the same runs; its target is judged on the alternating
    # rounds (AB_TARGETS).
    for pinned in (True, False):
        t5 = data.get(("pingpong_tcp", "size=1;timeout=5", pinned))
        base = data.get(("pingpong_tcp", "size=1;timeout=none", pinned))
        if not t5 or not base:
            continue
        cpus = "pinned (1 CPU)" if pinned else "unpinned (2 CPUs)"
        lines.append(
            f"| `pingpong_tcp` | size 1 B, timeout 5 s **vs raw C without "
            f"one** | {cpus} | {fmt(statistics.median(t5['netsock'].values()))}"
            f" us/rt | {fmt(statistics.median(base['raw'].values()))} us/rt |"
            f" {fmt(statistics.median(t5['python'].values()))} us/rt | "
            f"{ratio_cell(t5['netsock'], base['raw'], True)} | "
            f"{best_ratio(t5['netsock'], base['raw'], True)} | "
            f"{ratio_cell(t5['python'], base['raw'])} | |")
    return "\n".join(lines), verdicts


OPS = ("recv", "accept", "connect", "sendall")


def precision_table(samples):
    """Lateness (time to the timeout error minus the timeout) per operation
    and timeout, with libnetsock's verdict against the target."""
    lines = ["| operation | timeout | implementation | median late (ms) | "
             "min | max | early | samples | target |",
             "|---|---|---|---|---|---|---|---|---|"]
    how = {"netsock": "libnetsock",
           "raw": "raw C, SO_RCVTIMEO/SO_SNDTIMEO",
           "python": "Python (poll, then call)"}
    for op, t in sorted(samples, key=lambda k: (OPS.index(k[0]), k[1])):
        for impl in IMPLS:
            v = samples[(op, t)][impl]
            if not v:
                continue
            med = statistics.median(v)
            early = sum(1 for x in v if x < 0)
            verdict = ""
            if impl == "netsock":
                ok = med <= PRECISION_TARGET_MS and early == 0
                verdict = (f"<= {PRECISION_TARGET_MS} ms, never early: "
                           f"{'met' if ok else '**missed**'}")
            lines.append(f"| `{op}` | {t:g} ms | {how[impl]} | **{med:.3f}** "
                         f"| {min(v):.3f} | {max(v):.3f} | {early} | "
                         f"{len(v)} | {verdict} |")
    if len(lines) == 2:
        return "(not measured: run bench/run_all.sh)"
    return "\n".join(lines)


def read_budgets(header):
    """The budget macros of tests/perf/perf_budget.h."""
    with open(header) as f:
        return {m.group(1): float(m.group(2)) for m in re.finditer(
            r"#define (NS_PERF_\w+) ([\d.]+)", f.read())}


def overhead_table(path, budgets):
    """Where the instructions go, per path, from the gates' own output."""
    if not os.path.exists(path):
        return "(not measured: valgrind or cmocka missing)"
    lines = ["| path | raw libc call | libnetsock adds per call | budget |",
             "|---|---|---|---|"]
    with open(path) as f:
        for line in f:
            m = EXTRA_LINE.match(line)
            if not m or m.group(1) not in REGION_PATH:
                continue
            region, extra, budget, raw, clock = m.groups()
            clock_note = " + one clock read" if float(clock) else ""
            lines.append(f"| {REGION_PATH[region]} | {float(raw):.1f} | "
                         f"{float(extra):.2f}{clock_note} | "
                         f"{budgets.get(REGION_BUDGET[region], float(budget)):g} |")
    return "\n".join(lines)


def syscall_table(path):
    if not os.path.exists(path):
        return "(not measured: strace was not available)"
    per = collections.defaultdict(dict)
    with open(path) as f:
        for row in csv.DictReader(f):
            per[(row["case"], row["timeout"], row["impl"])][row["syscall"]] = \
                float(row["per_op"])
    lines = ["| case | timeout | implementation | system calls per "
             "operation | which |",
             "|---|---|---|---|---|"]
    for (case, timeout, impl), calls in per.items():
        total = sum(calls.values())
        which = ", ".join(f"{n} {v:.2f}" for n, v in sorted(calls.items()))
        t = "none" if timeout == "none" else f"{timeout} s"
        lines.append(f"| `{case}` | {t} | {impl} | **{total:.2f}** | "
                     f"{which} |")
    return "\n".join(lines)


def verbatim(path, missing):
    if not os.path.exists(path):
        return missing
    with open(path) as f:
        text = f.read().strip()
    return "```\n" + (text or missing) + "\n```"


def replace_block(doc, name, body):
    with open(doc) as f:
        text = f.read()
    pattern = re.compile(r"(<!-- BEGIN %s -->\n).*?(<!-- END %s -->)"
                         % (re.escape(name), re.escape(name)), re.S)
    if not pattern.search(text):
        sys.exit(f"report.py: {doc} has no block '{name}'")
    text = pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), text)
    with open(doc, "w") as f:
        f.write(text)


def short(params, pinned):
    """A plot label's second line: "1 B, 5 s, pinned"."""
    parts = []
    for item in params.split(";"):
        key, _, value = item.partition("=")
        if key in ("size", "chunk", "bytes"):
            parts.append(size(value))
        elif key == "timeout" and value != "none":
            parts.append(f"{value} s")
        elif key in ("batch", "clients") and value != "1":
            parts.append(f"{key} {value}")
    if pinned:
        parts.append("pinned")
    return ", ".join(parts)


def plot(data, units, out_dir):
    """Cost relative to raw C, lower is better: time ratios as they are,
    throughput ratios inverted."""
    rows = []
    for key in sorted(data, key=sort_key):
        case, params, pinned = key
        if case == "timeout_precision":
            continue
        runs = data[key]
        ratios = []
        for impl in IMPLS:
            r = median_ratio(runs[impl], runs["raw"])
            if r is not None and not lower_is_better(units[key]):
                r = 1 / r
            ratios.append(r)
        rows.append((f"{case}\\n{short(params, pinned)}", ratios))
    t5 = data.get(("pingpong_tcp", "size=1;timeout=5", True))
    base = data.get(("pingpong_tcp", "size=1;timeout=none", True))
    if t5 and base:
        rows.append(("pingpong_tcp 1 B, 5 s\\nvs raw without, pinned",
                     [median_ratio(t5[i], base["raw"]) for i in IMPLS]))
    dat = os.path.join(out_dir, "performance.dat")
    with open(dat, "w") as f:
        for label, ratios in rows:
            vals = " ".join("NaN" if r is None else f"{r:.4f}" for r in ratios)
            f.write(f'"{label}" {vals}\n')
    if not shutil.which("gnuplot"):
        print("report.py: gnuplot not found, no plot drawn", file=sys.stderr)
        return
    png = os.path.join(out_dir, "performance.png")
    script = f"""
set terminal pngcairo size 1400,700 font ",10"
set output "{png}"
set title "Cost relative to raw C (median of the per-run ratios; lower is better; throughput inverted)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set key top left
set grid ytics
set yrange [0:*]
set ylabel "time per operation / raw C"
set xtics rotate by 30 right font ",8" noenhanced
set xrange [-0.6:{len(rows) - 0.4}]
set bmargin 9
set arrow from graph 0, first 1 to graph 1, first 1 nohead dt 2 lc rgb "black"
plot "{dat}" using 2:xtic(1) title "libnetsock" lc rgb "#1f77b4", \\
     "" using 3 title "raw C" lc rgb "#7f7f7f", \\
     "" using 4 title "Python socket" lc rgb "#ff7f0e"
"""
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def main():
    out_dir, docs = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.abspath(docs))
    data, units, rejected = load_runs(os.path.join(out_dir, "runs.csv"))
    samples = load_precision(os.path.join(out_dir, "precision.csv"))
    table, verdicts = results_table(data, units)
    ab, ab_verdicts = ab_table(load_ab(os.path.join(out_dir,
                                                    "pingpong_ab.csv")))
    if rejected:
        table += (f"\n\n{rejected} `connect_churn` run(s) left out: the "
                  "listen queue overflowed during them (ListenOverflows "
                  "moved), so they timed the SYN retransmit, not connect.")
    summary = ["| target | libnetsock / raw | verdict |", "|---|---|---|"]
    for (case, params, pinned), r, op, limit, ok in verdicts:
        summary.append(f"| `{case}` {params.replace(';', ', ')}"
                       f"{' (pinned)' if pinned else ''} {op} {limit} | "
                       f"{fmt(r, 4)} | {'met' if ok else '**missed**'} |")
    for params, r, limit, ok in ab_verdicts:
        summary.append(f"| `pingpong_tcp` alternating rounds "
                       f"{params.replace(';', ', ')} <= {limit} | "
                       f"{fmt(r, 4)} | {'met' if ok else '**missed**'} |")
    machine = verbatim(os.path.join(out_dir, "machine.txt"), "(unknown)")
    callgrind = verbatim(os.path.join(out_dir, "callgrind.txt"),
                         "(not measured: valgrind or cmocka missing)")
    syscalls = syscall_table(os.path.join(out_dir, "syscalls.csv"))
    precision = precision_table(samples)

    perf = os.path.join(docs, "performance.md")
    replace_block(perf, "machine", machine)
    replace_block(perf, "results", table)
    replace_block(perf, "pingpong_ab", ab)
    replace_block(perf, "targets", "\n".join(summary))
    replace_block(perf, "syscalls", syscalls)
    replace_block(perf, "callgrind", callgrind)
    replace_block(perf, "overhead", overhead_table(
        os.path.join(out_dir, "callgrind.txt"),
        read_budgets(os.path.join(root, "tests", "perf", "perf_budget.h"))))
    replace_block(perf, "precision", precision)
    timeouts = os.path.join(docs, "timeouts.md")
    replace_block(timeouts, "syscalls", syscalls)
    replace_block(timeouts, "precision", precision)
    replace_block(timeouts, "roundtrip_ab", ab)
    replace_block(timeouts, "roundtrip", "\n".join(
        line for line in table.splitlines()[:2] + [
            l for l in table.splitlines()
            if "`pingpong_tcp`" in l and "timeout" in l and "pinned" in l]))
    plot(data, units, out_dir)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Gate: the figures committed in docs/ agree with the budgets in
tests/perf/perf_budget.h.

bench/run_all.sh writes the perf gates' own output to docs/perf/callgrind.txt
and bench/report.py copies it into docs/performance.md (the "callgrind"
block) and tabulates it (the "overhead" block). This fails when any of them
states a budget other than perf_budget.h's, shows a figure over its budget,
or when the page and the file say different things: a budget changed
without rerunning the benchmark, or a page edited by hand.

    check_docs.py SOURCE_DIR
"""
import os
import re
import sys

REGIONS = {
    "tcp_ns": "NS_PERF_EXTRA_IR_PER_CALL",
    "tcp_ns_sendall": "NS_PERF_EXTRA_IR_PER_CALL",
    "udp_ns": "NS_PERF_EXTRA_IR_PER_CALL",
    "tcp_ns_timeout": "NS_PERF_EXTRA_IR_TIMEOUT",
    "tcp_ns_sendall_timeout": "NS_PERF_EXTRA_IR_TIMEOUT",
    "udp_ns_timeout": "NS_PERF_EXTRA_IR_TIMEOUT",
}
EXTRA = re.compile(r"^(\w+)\s+([\d.]+) extra instructions per call "
                   r"\(budget ([\d.]+);")
ROW = re.compile(r"^\| (.+?) \| ([\d.]+) \| ([\d.]+)(?: \+ one clock read)? "
                 r"\| ([\d.]+) \|$")


def block(text, name):
    m = re.search(r"<!-- BEGIN %s -->\n(.*?)<!-- END %s -->" % (name, name),
                  text, re.S)
    return m.group(1) if m else None


def main():
    root = sys.argv[1]
    errors = []
    with open(os.path.join(root, "tests/perf/perf_budget.h")) as f:
        budgets = {m.group(1): float(m.group(2)) for m in re.finditer(
            r"#define (NS_PERF_\w+) ([\d.]+)", f.read())}
    with open(os.path.join(root, "docs/perf/callgrind.txt")) as f:
        gate_text = f.read().strip()
    with open(os.path.join(root, "docs/performance.md")) as f:
        page = f.read()

    figures = {}
    for line in gate_text.splitlines():
        m = EXTRA.match(line)
        if not m:
            continue
        region, extra, budget = m.group(1), float(m.group(2)), float(m.group(3))
        figures[region] = extra
        want = budgets.get(REGIONS.get(region, ""), None)
        if want is None:
            errors.append(f"callgrind.txt: unknown region {region}")
            continue
        if budget != want:
            errors.append(f"callgrind.txt: {region} ran against budget "
                          f"{budget:g}, perf_budget.h says {want:g}")
        if extra > want:
            errors.append(f"callgrind.txt: {region} {extra} extra "
                          f"instructions, over the budget of {want:g}")
    for region in REGIONS:
        if region not in figures:
            errors.append(f"callgrind.txt: no figure for {region}")

    shown = block(page, "callgrind")
    if shown is None or shown.strip() != "```\n" + gate_text + "\n```":
        errors.append("performance.md: the callgrind block is not "
                      "docs/perf/callgrind.txt (rerun bench/report.py)")

    overhead = block(page, "overhead") or ""
    rows = [ROW.match(l) for l in overhead.splitlines()]
    rows = [r for r in rows if r]
    if len(rows) != len(REGIONS):
        errors.append(f"performance.md: the overhead table has {len(rows)} "
                      f"rows, expected {len(REGIONS)}")
    budget_values = set(budgets.values())
    extras = sorted(figures.values())
    for r in rows:
        if float(r.group(4)) not in budget_values:
            errors.append(f"performance.md: overhead row '{r.group(1)}' "
                          f"states budget {r.group(4)}, not one of "
                          f"perf_budget.h's")
        if not any(abs(float(r.group(3)) - e) < 0.005 for e in extras):
            errors.append(f"performance.md: overhead row '{r.group(1)}' "
                          f"shows {r.group(3)}, not a figure of "
                          f"callgrind.txt")

    for e in errors:
        print("FAIL:", e)
    if not errors:
        print(f"docs agree with perf_budget.h ({len(figures)} figures)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

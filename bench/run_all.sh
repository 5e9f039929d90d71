#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Run the whole benchmark suite and regenerate the report:
#   docs/perf/runs.csv       every run of every case (the record)
#   docs/perf/precision.csv  every sample of the timeout-precision runs
#   docs/perf/pingpong_ab.csv every round of the alternating ping-pong
#   docs/perf/syscalls.csv   system calls per operation (strace)
#   docs/perf/callgrind.txt  the perf gates' instruction and syscall counts
#   docs/perf/machine.txt    what it ran on
#   docs/perf/performance.png and the generated tables in
#   docs/performance.md and docs/timeouts.md
#
# usage: bench/run_all.sh [--runs N] [--samples N]
#                         [--only precision|pingpong_ab]
#                         [--build-dir DIR] [--out DIR]
#
# Needs cmake, a C compiler, python3 and gnuplot (Debian: gnuplot-nox);
# strace and valgrind are used when present. Takes about four minutes on a
# 2-core machine, plus about seven for the timeout precision (1 ms to 1 s,
# four operations, three implementations, 30 samples each). Each case runs
# N times (default 5), alternating which of libnetsock and raw C goes
# first, with Python after them; the report gives medians and the median of
# the per-run ratios. --only precision reruns the precision part alone and
# rewrites the report from it and the CSV files already there; likewise
# --only pingpong_ab (about six minutes).
#
# The ping-pong latency targets are judged on pingpong-ab: libnetsock and
# its raw twin in one process, many short rounds alternating between them
# (client and echo servers pinned), the median of the per-round ratios
# with its confidence interval; each configuration runs three times.
#
# A connect_churn run during which the kernel's ListenOverflows counter
# moved measured the SYN retransmit timer, not connect: it is repeated (up
# to three times), and the report leaves out any run that still has one.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
runs=5
samples=30
only=all
build=$root/build-bench
out=$root/docs/perf
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --samples) samples=$2; shift 2 ;;
    --only) only=$2; shift 2 ;;
    --build-dir) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    *) echo "usage: $0 [--runs N] [--samples N]" \
         "[--only precision|pingpong_ab]" \
         "[--build-dir DIR] [--out DIR]" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"

echo "== building (RelWithDebInfo) in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNETSOCK_BUILD_BENCH=ON >/dev/null
cmake --build "$build" -j2 --target netsock-bench netsock-bench-raw \
  pingpong-ab >/dev/null
gates=yes
cmake --build "$build" -j2 --target test_perf_syscalls \
  test_perf_instructions >/dev/null 2>&1 || gates=no

ns=$build/bench/netsock-bench
raw=$build/bench/netsock-bench-raw
py=$root/bench/python/netsock_bench.py

# case and arguments | pin (taskset -c 0) or not
cases=(
  "pingpong_tcp --size 1 --iters 20000|pin"
  "pingpong_tcp --size 64 --iters 20000|pin"
  "pingpong_tcp --size 1 --timeout 5 --iters 20000|pin"
  "pingpong_tcp --size 64 --timeout 5 --iters 20000|pin"
  "pingpong_tcp --size 1 --iters 5000|"
  "pingpong_tcp --size 64 --iters 5000|"
  "pingpong_tcp --size 1 --timeout 5 --iters 5000|"
  "pingpong_udp --size 1 --iters 20000|pin"
  "pingpong_udp --size 1 --iters 5000|"
  "bulk_tcp --size 1024 --bytes 67108864|"
  "bulk_tcp --size 8192 --bytes 268435456|"
  "bulk_tcp --size 65536 --bytes 536870912|"
  "sendall_large --bytes 268435456|"
  "connect_churn --iters 2000|"
  "udp_pps --size 64 --iters 100000|"
  "udp_pps --size 64 --iters 100000 --batch 32|"
  "concurrent_1000 --iters 1000|"
)

# One run of one case: its CSV row, prefixed with the run number. A
# connect_churn row whose listen_overflows moved is tried again.
run_row() {
  local run=$1; shift
  local row
  for attempt in 1 2 3; do
    row=$("$@")
    case $row in
      *listen_overflows=0*|*listen_overflows=-1*) break ;;
      *listen_overflows=*)
        echo "   listen queue overflowed (attempt $attempt): $row" >&2 ;;
      *) break ;;
    esac
  done
  # A case a twin does not have (Python's batches) prints no row.
  [ -z "$row" ] || echo "$row" | sed "s/^/$run,/"
}

# Timeout precision: every operation at every timeout, the three
# implementations alternating, pinned like the latency cases.
precision() {
  local pcsv=$out/precision.csv i=0
  echo "run,case,params,impl,cpus,value,unit,detail" >"$pcsv"
  for t in 0.001 0.01 0.1 1; do
    for op in recv accept connect sendall; do
      i=$((i + 1))
      if [ $((i % 2)) = 1 ]; then order="ns raw py"; else order="raw ns py"; fi
      echo "== precision: $op, timeout $t s ($order)"
      for impl in $order; do
        case $impl in
          ns) prog=("$ns") ;;
          raw) prog=("$raw") ;;
          py) prog=(python3 "$py") ;;
        esac
        taskset -c 0 "${prog[@]}" timeout_precision --op "$op" --timeout "$t" \
          --iters "$samples" | sed "s/^/1,/" >>"$pcsv"
      done
    done
  done
}

# The alternating ping-pong: size, timeout, client CPU, servers' CPU, how
# many separate runs, and the raw twin's timeout when it differs.
ab_configs=(
  "1 none 0 0 3"
  "64 none 0 0 3"
  "1 5 0 0 3"
  "64 5 0 0 3"
  "1 5 0 0 3 none"
  "1 5 0 1 1"
)
pingpong_ab() {
  local acsv=$out/pingpong_ab.csv run=0
  echo "run,params,round,first,netsock_us_rt,raw_us_rt" >"$acsv"
  for spec in "${ab_configs[@]}"; do
    read -r size timeout ccpu scpu repeats raw_timeout <<<"$spec"
    for _ in $(seq 1 "$repeats"); do
      run=$((run + 1))
      echo "== pingpong_ab: size $size, timeout $timeout" \
        "(raw ${raw_timeout:-$timeout}), CPUs $ccpu/$scpu"
      "$build/bench/pingpong-ab" --size "$size" --timeout "$timeout" \
        --raw-timeout "${raw_timeout:-$timeout}" \
        --rounds 400 --iters 1000 --warmup 10 \
        --client-cpu "$ccpu" --server-cpu "$scpu" |
        tail -n +2 | sed "s/^/$run,/" >>"$acsv"
    done
  done
}

if [ "$only" = pingpong_ab ]; then
  pingpong_ab
  echo "== writing the report"
  python3 "$root/bench/report.py" "$out" "$root/docs"
  echo "== done: the alternating ping-pong table of docs/performance.md"
  exit 0
fi

if [ "$only" = precision ]; then
  precision
  echo "== writing the report"
  python3 "$root/bench/report.py" "$out" "$root/docs"
  echo "== done: the precision tables of docs/timeouts.md and docs/performance.md"
  exit 0
fi

csv=$out/runs.csv
echo "run,case,params,impl,cpus,value,unit,detail" >"$csv"
start=$(date +%s)
for run in $(seq 1 "$runs"); do
  if [ $((run % 2)) = 1 ]; then order="ns raw py"; else order="raw ns py"; fi
  echo "== run $run of $runs ($order)"
  for spec in "${cases[@]}"; do
    args=${spec%|*}
    pin=()
    [ "${spec#*|}" = pin ] && pin=(taskset -c 0)
    for impl in $order; do
      case $impl in
        ns) prog=("$ns") ;;
        raw) prog=("$raw") ;;
        py) prog=(python3 "$py") ;;
      esac
      # shellcheck disable=SC2086
      run_row "$run" "${pin[@]}" "${prog[@]}" $args >>"$csv"
    done
  done
done
echo "== $(($(date +%s) - start)) s of runs"
precision
echo "== $(($(date +%s) - start)) s of runs and precision"
pingpong_ab
echo "== $(($(date +%s) - start)) s of runs, precision and pingpong_ab"

if command -v strace >/dev/null; then
  echo "== counting system calls per operation (strace)"
  python3 "$root/bench/count_syscalls.py" "$ns" "$raw" "$py" \
    "$out/syscalls.csv"
else
  echo "== strace not found: no system-call counts" >&2
  rm -f "$out/syscalls.csv"
fi

if [ $gates = yes ] && command -v valgrind >/dev/null; then
  echo "== instruction and system-call counts (callgrind)"
  { "$build/tests/perf/test_perf_syscalls"
    "$build/tests/perf/test_perf_instructions"; } 2>&1 |
    grep '^# ' | sed 's/^# //' >"$out/callgrind.txt" || true
else
  echo "== valgrind or the test build missing: no callgrind counts" >&2
  rm -f "$out/callgrind.txt"
fi

{
  echo "date:       $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "cpu:        $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 |
    sed 's/^ //'), $(nproc) CPUs"
  hz=$( (zcat /proc/config.gz 2>/dev/null ||
    cat "/boot/config-$(uname -r)" 2>/dev/null) | grep '^CONFIG_HZ=' |
    cut -d= -f2 || true)
  echo "kernel:     Linux $(uname -r), HZ=${hz:-unknown}, clocksource" \
    "$(cat /sys/devices/system/clocksource/clocksource0/current_clocksource \
      2>/dev/null || echo unknown)"
  echo "libc:       $(ldd --version 2>&1 | head -1)"
  echo "compiler:   $(${CC:-cc} --version | head -1), RelWithDebInfo (-O2 -g)"
  echo "python:     $(python3 --version 2>&1)"
  echo "runs:       $runs per case, alternating libnetsock and raw C;" \
    "$samples samples per timeout"
  echo "load:       $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min) at the end;" \
    "$(nproc) CPUs shared with other work"
  echo "command:    bench/run_all.sh"
} >"$out/machine.txt"

echo "== writing the report"
python3 "$root/bench/report.py" "$out" "$root/docs"
echo "== done: docs/performance.md, docs/timeouts.md, $out/performance.png"

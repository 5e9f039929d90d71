#!/usr/bin/env bash
# CI, after the plain run (.ci/run calls this): the test suite again under
# gcc -Werror with fortify and stack-protector, under clang ASan+UBSan,
# under clang TSan and under valgrind memcheck; then each libFuzzer target
# for a minute; then the load tests. Every stage is a CMake preset of the
# same name (CMakePresets.json), so any of them can be run alone:
#   cmake --workflow --preset asan
# Needs clang, libclang-rt-14-dev and valgrind. Prints what each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZ_SECONDS=${NETSOCK_FUZZ_SECONDS:-60}
FUZZ_TARGETS=(addr_text addr_sockaddr stream raw_structs tls_record)

source .ci/stage.sh

suite() {
  local preset=$1
  shift
  cmake --preset "${preset}"
  cmake --build --preset "${preset}"
  ctest --preset "${preset}" "$@"
}

stage gcc-werror suite gcc-werror
stage asan suite asan
stage tsan suite tsan
stage valgrind suite valgrind

# One minute of libFuzzer per target, from a copy of its committed corpus
# (so CI never writes into the tree). A crash leaves its input in
# build-rel-asan/fuzz-artifacts/: commit it to the target's corpus
# (tests/fuzz/corpus/<target>/; libnetsock-tls's: tls/tests/corpus/).
fuzz() {
  local t=$1
  local bin=build-rel-asan/tests/fuzz/fuzz_${t}
  local corpus=tests/fuzz/corpus/${t}
  if [ "${t}" = tls_record ]; then
    bin=build-rel-asan/tls/tests/fuzz_${t}
    corpus=tls/tests/corpus/${t}
  fi
  local art=build-rel-asan/fuzz-artifacts
  local work
  work=$(mktemp -d)
  mkdir -p "${art}"
  cp "${corpus}"/* "${work}"/
  local rc=0
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    "${bin}" -max_total_time="${FUZZ_SECONDS}" -timeout=10 \
    -print_final_stats=1 -artifact_prefix="${art}/${t}-" "${work}" \
    2>"${LOGS}/fuzz-${t}.err" || rc=$?
  rm -rf "${work}"
  grep -E 'stat::(number_of_executed_units|new_units_added)' \
    "${LOGS}/fuzz-${t}.err" | sed "s/^/fuzz_${t} /"
  if [ "${rc}" -ne 0 ]; then
    tail -n 60 "${LOGS}/fuzz-${t}.err"
    echo "fuzz_${t} found a failing input: $(ls "${art}"/"${t}"-* 2>/dev/null)"
    return "${rc}"
  fi
}
for t in "${FUZZ_TARGETS[@]}"; do
  stage "fuzz-${t}" fuzz "${t}"
  cat "${LOGS}/fuzz-${t}.log"
done

# The load tests were built by the gcc-werror stage.
stage load ctest --preset load
grep -E 'load: ' "${LOGS}/load.log" | sed 's/^[0-9]*: //' || true

stage_summary "reliability stages"

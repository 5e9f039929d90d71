# SPDX-License-Identifier: MIT
# Sourced by the CI scripts: run a stage, keep its output in a log that is
# shown when it fails, and note how long it took.
#   stage <name> <command...>     then: stage_summary <title>
LOGS=$(mktemp -d)
declare -a SUMMARY=()
t_all=$(date +%s)

stage() {
  local name=$1
  shift
  local t0 rc=0
  t0=$(date +%s)
  echo "== ${name}"
  "$@" >"${LOGS}/${name}.log" 2>&1 || rc=$?
  local took=$(($(date +%s) - t0))
  if [ "${rc}" -ne 0 ]; then
    tail -n 200 "${LOGS}/${name}.log"
    echo "== ${name}: FAILED after ${took} s (exit ${rc})"
    exit "${rc}"
  fi
  grep -E '^(100%|[0-9]+% tests passed)|Total Test time' \
    "${LOGS}/${name}.log" || true
  echo "== ${name}: ${took} s"
  SUMMARY+=("$(printf '%-22s %5d s' "${name}" "${took}")")
}

stage_summary() {
  echo "== $1:"
  printf '  %s\n' "${SUMMARY[@]}"
  echo "== total $(($(date +%s) - t_all)) s"
  rm -rf "${LOGS}"
}

#!/bin/sh
# SPDX-License-Identifier: MIT
# Layout and lint: clang-format (.clang-format) and clang-tidy (.clang-tidy)
# over the C sources and headers of src/, include/, examples/ and tests/,
# and of libnetsock-tls (tls/).
#
#   .ci/lint.sh [BUILD_DIR]      (default: build, from `cmake --preset default`)
#
# clang-tidy reads BUILD_DIR/compile_commands.json (the presets export
# it); the script configures BUILD_DIR with the default preset when the
# file is missing. Prints the number of clang-format differences and of
# clang-tidy findings, per check, and its own run time; exits 1 when
# either is not 0. LINT_FORMAT=0 or LINT_TIDY=0 skips one half;
# LINT_CHECKS=<list> is added to .clang-tidy's checks (to try one out);
# LINT_VERBOSE=1 prints every finding.
set -u
start=$(date +%s)
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build}
cd "$root"

need() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get install -y -qq "$2" >/dev/null
  fi
  command -v "$1" >/dev/null 2>&1 || {
    echo "lint: $1 not found (Debian: apt-get install $2)" >&2
    exit 2
  }
}

# The files: what git tracks, so that build trees and scratch files are
# never linted.
files=$(git ls-files -- 'src/*.c' 'src/*.h' 'include/*.h' 'examples/*.c' \
          'tests/*.c' 'tests/*.h' 'tests/*.cpp' 'tls/*.c' 'tls/*.h')
status=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netsock-lint.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ "${LINT_FORMAT:-1}" != 0 ]; then
  need clang-format clang-format
  # shellcheck disable=SC2086 # the file list is words
  clang-format --dry-run --Werror $files >"$tmp/format" 2>&1
  diffs=$(grep -c ': error: code should be clang-formatted' "$tmp/format")
  nfiles=$(grep ': error: code should be clang-formatted' "$tmp/format" |
           cut -d: -f1 | sort -u | wc -l)
  echo "clang-format: $diffs differences in $nfiles files"
  grep ': error: code should be clang-formatted' "$tmp/format" |
    cut -d: -f1 | sort | uniq -c | sort -rn | sed 's/^/  /'
  [ "$diffs" = 0 ] || status=1
fi

if [ "${LINT_TIDY:-1}" != 0 ]; then
  need clang-tidy clang-tidy
  if [ ! -f "$build/compile_commands.json" ]; then
    cmake --preset default >/dev/null || exit 2
    build=$root/build
  fi
  # Each tracked .c file once (the fault tests compile the library's
  # sources a second time), as compile_commands.json knows it.
  for f in $files; do
    case $f in *.c) ;; *) continue ;; esac
    grep -q "\"file\": \"$root/$f\"" "$build/compile_commands.json" &&
      echo "$f"
  done >"$tmp/units"
  # shellcheck disable=SC2016 # expanded by the inner shell
  xargs -P "$(nproc)" -n 4 sh -c \
    'clang-tidy -p "$0" --quiet ${LINT_CHECKS:+--checks="$LINT_CHECKS"} "$@" \
       2>/dev/null' "$build" <"$tmp/units" >"$tmp/tidy" || true
  # A finding is a "file:line:col: warning|error: ... [check]" line,
  # counted once even when a header is reached from several units.
  grep -E '^[^ ]+:[0-9]+:[0-9]+: (warning|error): .*\[[A-Za-z0-9.,-]+\]$' \
    "$tmp/tidy" | sort -u >"$tmp/findings"
  n=$(wc -l <"$tmp/findings")
  echo "clang-tidy: $n findings in $(wc -l <"$tmp/units") files"
  sed 's/.*\[\([A-Za-z0-9.,-]*\)\]$/\1/' "$tmp/findings" | sort | uniq -c |
    sort -rn | sed 's/^/  /'
  if [ -n "${LINT_VERBOSE:-}" ]; then
    cat "$tmp/findings"
  fi
  [ "$n" = 0 ] || status=1
fi

echo "lint: $(($(date +%s) - start)) s"
exit $status

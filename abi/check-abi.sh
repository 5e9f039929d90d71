#!/bin/sh
# SPDX-License-Identifier: MIT
# The netsock.abi_compat test: abidiff (Debian's abigail-tools) compares
# the committed baseline with the library just built, ignoring added
# symbols; any other reported change fails.
#
#   check-abi.sh ABIDIFF BASELINE LIBRARY HEADERS_DIR...
#
# Exit 0 when compatible, 1 on a change, 77 (skipped) when abidiff is
# missing or the library has no debug information to compare.
set -eu
abidiff=$1 baseline=$2 lib=$3
shift 3

if ! command -v "$abidiff" >/dev/null 2>&1; then
  echo "SKIPPED: abidiff not found (Debian: apt-get install abigail-tools)"
  exit 77
fi
if ! LC_ALL=C readelf -S "$lib" 2>/dev/null | grep -q '\.debug_info'; then
  echo "SKIPPED: $lib has no debug information; abidiff needs a build" \
       "with -g (CMAKE_BUILD_TYPE RelWithDebInfo or Debug)"
  exit 77
fi
if [ ! -f "$baseline" ]; then
  echo "No ABI baseline $baseline: run tools/update-abi.sh and commit it."
  exit 1
fi

# Turn the header directories into --headers-dir2 options, in place.
for dir in "$@"; do
  set -- "$@" --headers-dir2 "$dir"
  shift
done

status=0
"$abidiff" --no-added-syms "$@" "$baseline" "$lib" || status=$?
if [ "$status" -eq 0 ]; then
  echo "No ABI change against $baseline (added symbols aside)."
  exit 0
fi
# abidiff's status is a bit field: 1 error, 2 usage, 4 change, 8 change
# known to be incompatible.
if [ $((status & 3)) -ne 0 ]; then
  echo "abidiff failed (status $status)."
  exit 1
fi
echo "abidiff exit status $status."
cat <<'MSG'
The ABI changed against the baseline. Within a major
version nothing that exists may change shape or go away; see
docs/api-stability.md. If this is a new major version, run
tools/update-abi.sh and commit abi/.
MSG
exit 1

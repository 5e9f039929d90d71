#!/bin/sh
# SPDX-License-Identifier: MIT
# The netsock.abi_symbols test: the dynamic symbols that libnetsock.so
# exports must be exactly those listed in abi/symbols.txt.
#
#   check-symbols.sh NM LIBRARY EXPECTED
#
# Exit 0 when they match, 1 with the difference, 77 (skipped) when there
# is no nm.
set -eu
nm=$1 lib=$2 expected=$3
here=$(cd "$(dirname "$0")" && pwd)

if ! command -v "$nm" >/dev/null 2>&1; then
  echo "SKIPPED: no nm ('$nm' not found; Debian: apt-get install binutils)"
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/netsock-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
sh "$here/list-symbols.sh" --nm "$nm" "$lib" >"$tmp/actual"
grep -v -e '^#' -e '^[[:space:]]*$' "$expected" | LC_ALL=C sort -k2 \
  >"$tmp/expected"

if cmp -s "$tmp/expected" "$tmp/actual"; then
  echo "$(wc -l <"$tmp/actual") exported symbols, as in $expected"
  exit 0
fi

echo "The symbols exported by $lib differ from $expected."
LC_ALL=C comm -13 "$tmp/expected" "$tmp/actual" | sed 's/^/  exported, not listed: /'
LC_ALL=C comm -23 "$tmp/expected" "$tmp/actual" | sed 's/^/  listed, not exported: /'
cat <<'MSG'
An internal function must not be exported: give it no NS_EXTERN (the
library builds with hidden visibility). A public function must never
disappear within a major version. If the API grew on purpose, run
tools/update-abi.sh and commit abi/ (see docs/api-stability.md).
MSG
exit 1

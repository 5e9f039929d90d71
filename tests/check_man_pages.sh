#!/bin/sh
# SPDX-License-Identifier: MIT
# The netsock.man_pages test: tools/gen_man.py writes a page for every
# public function, type and macro of the headers, found here by a plain
# grep (not the generator's parser), and a function's page lists the
# fields and the initialiser of the option struct it takes.
#
#   check_man_pages.sh PYTHON SOURCE_DIR VERSION_H
set -eu
python=$1 src=$2 version_h=$3
out=$(mktemp -d "${TMPDIR:-/tmp}/netsock-man.XXXXXX")
trap 'rm -rf "$out"' EXIT INT TERM

"$python" "$src/tools/gen_man.py" --version 0 --out "$out" \
  "$src/include/netsock" "$version_h"

headers="$src/include/netsock/*.h $version_h"
# shellcheck disable=SC2086 # the globs are words
names=$(
  {
    sed -n 's/^NS_EXTERN[^(]*[ *]\(ns_[a-z0-9_]*\)(.*/\1/p' $headers
    sed -n 's/^[a-zA-Z_].*[ *]\(ns_[a-z0-9_]*\)(.*/\1/p' $headers |
      grep -v '^ns__' || true
    sed -n 's/^} *\(ns_[a-z0-9_]*\);$/\1/p' $headers
    sed -n 's/^typedef struct [a-z_]* \(ns_[a-z0-9_]*\);$/\1/p' $headers
    sed -n 's/^[ \t]*#[ \t]*define[ \t]\+\(NS_[A-Z0-9_]*\).*/\1/p' $headers |
      grep -v '^NS_ERR_ENUM_ROW$'
  } | sort -u
)
missing=0
count=0
for name in $names; do
  count=$((count + 1))
  if [ ! -f "$out/$name.3" ]; then
    echo "no man page for $name"
    missing=$((missing + 1))
  fi
done
echo "$count public names, $missing without a page"
[ "$missing" = 0 ] || exit 1

page=$out/ns_create_connection.3
for want in 'Fields of ns_create_connection_options' \
            NS_CREATE_CONNECTION_OPTIONS_INIT attempt_delay all_errors \
            'Default: \fB0.25\fR'; do
  grep -qF -- "$want" "$page" || {
    echo "ns_create_connection(3) does not show: $want"
    exit 1
  }
done
echo "ok: ns_create_connection(3) lists the option fields and defaults"

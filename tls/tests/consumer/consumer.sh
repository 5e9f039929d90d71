#!/bin/sh
# SPDX-License-Identifier: MIT
# The netsock.tls_consumer test: install the build into a private prefix,
# then build tls/tests/consumer against it with CMake (find_package
# COMPONENTS tls) and with pkg-config (netsock-tls), and run both.
#
#   consumer.sh CMAKE BUILD_DIR WORK_DIR CC
set -eu
cmake=$1 build=$2 work=$3 cc=$4
here=$(cd "$(dirname "$0")" && pwd)
stage=$work/stage
rm -rf "$work"
mkdir -p "$work"

"$cmake" --install "$build" --prefix "$stage" >"$work/install.log"
libdir=$(dirname "$(find "$stage" -name 'libnetsock-tls.so.1' | head -n 1)")
[ -n "$libdir" ] || { echo "libnetsock-tls.so.1 was not installed"; exit 1; }

"$cmake" -S "$here" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$stage" \
  -DCMAKE_C_COMPILER="$cc"
"$cmake" --build "$work/cmake"
LD_LIBRARY_PATH=$libdir "$work/cmake/consumer"

if command -v pkg-config >/dev/null 2>&1; then
  # The staged files first; the system's for OpenSSL (Requires.private).
  flags=$(PKG_CONFIG_PATH=$libdir/pkgconfig \
          pkg-config --cflags --libs netsock-tls)
  echo "pkg-config --cflags --libs netsock-tls: $flags"
  # shellcheck disable=SC2086 # the flags are words
  "$cc" -Wall -Wextra -Werror -o "$work/consumer-pc" "$here/main.c" $flags
  LD_LIBRARY_PATH=$libdir "$work/consumer-pc"
fi

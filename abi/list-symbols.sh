#!/bin/sh
# SPDX-License-Identifier: MIT
# Print the dynamic symbols a shared library exports, one "TYPE name" per
# line sorted by name, as abi/symbols.txt holds them:
#
#   T ns_bind@@NETSOCK_1.0
#
# Addresses are dropped, and so are the absolute symbols that only define
# a version node (GNU nm prints "A NETSOCK_1.0", llvm-nm
# "A NETSOCK_1.0@@NETSOCK_1.0").
#
#   list-symbols.sh [--nm NM] libnetsock.so
set -eu
nm=nm
if [ "${1:-}" = "--nm" ]; then
  nm=$2
  shift 2
fi
"$nm" -D --defined-only "$1" |
  awk 'NF >= 2 { type = $(NF - 1); name = $NF;
                 if (type != "A") print type " " name }' |
  LC_ALL=C sort -k2

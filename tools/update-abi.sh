#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the committed ABI of libnetsock on purpose: abi/symbols.txt
# (what libnetsock.so exports) and abi/libnetsock.so.<major>.abi (the
# abidw baseline that abidiff holds later builds to).
#
#   tools/update-abi.sh            then: git diff abi/
#
# It builds the shared library with -g -Og in a scratch directory, so the
# result does not depend on any build directory of yours. Read
# docs/api-stability.md before committing the result: within a major
# version the files may only grow.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
for tool in cmake abidw nm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "update-abi: $tool not found (Debian: apt-get install cmake" \
         "abigail-tools binutils)" >&2
    exit 1
  fi
done

build=$(mktemp -d "${TMPDIR:-/tmp}/netsock-abi.XXXXXX")
trap 'rm -rf "$build"' EXIT INT TERM

echo "update-abi: building libnetsock.so with -g -Og in $build"
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_C_FLAGS_DEBUG="-g -Og" -DBUILD_SHARED_LIBS=ON \
  -DNETSOCK_BUILD_TESTS=OFF -DNETSOCK_BUILD_EXAMPLES=OFF \
  -DNETSOCK_BUILD_MAN=OFF -DNETSOCK_BUILD_DOCS=OFF >"$build/configure.log" ||
  { cat "$build/configure.log" >&2; exit 1; }
cmake --build "$build" --target netsock -j2 >"$build/build.log" ||
  { cat "$build/build.log" >&2; exit 1; }
# libnetsock-tls too, when OpenSSL 3 is here (abi/tls-symbols.txt and
# abi/libnetsock-tls.so.<major>.abi).
have_tls=no
if [ -d "$build/tls" ]; then
  cmake --build "$build" --target netsock_tls -j2 >>"$build/build.log" ||
    { cat "$build/build.log" >&2; exit 1; }
  have_tls=yes
fi

lib=$(ls "$build"/src/libnetsock.so.[0-9]* | head -n 1)
soname=$(basename "$lib" | sed 's/^\(libnetsock\.so\.[0-9]*\).*/\1/')

sh "$root/abi/list-symbols.sh" "$lib" >"$build/symbols.txt"
{
  echo "# The dynamic symbols $soname exports: nm -D --defined-only, type"
  echo "# and name@@version-node, without addresses or version-node"
  echo "# definitions. Checked by the netsock.abi_symbols test; written by"
  echo "# tools/update-abi.sh. Within a major version lines are only added."
  cat "$build/symbols.txt"
} >"$root/abi/symbols.txt"

# Baselines of an earlier major version are not kept (docs/api-stability.md).
for old in "$root"/abi/libnetsock.so.*.abi; do
  [ -e "$old" ] && [ "$old" != "$root/abi/$soname.abi" ] && rm -f "$old"
done
abidw --headers-dir "$root/include/netsock" \
  --headers-dir "$build/include/netsock" --drop-private-types \
  --exported-interfaces-only --no-corpus-path --no-comp-dir-path \
  --short-locs --type-id-style hash \
  --out-file "$root/abi/$soname.abi" "$lib"

echo "update-abi: wrote abi/symbols.txt ($(wc -l <"$build/symbols.txt")" \
     "symbols) and abi/$soname.abi"
if command -v git >/dev/null 2>&1 && git -C "$root" rev-parse >/dev/null 2>&1
then
  git -C "$root" --no-pager diff --stat -- abi/ || true
fi

if [ "$have_tls" = yes ]; then
  tls_lib=$(ls "$build"/tls/libnetsock-tls.so.[0-9]* | head -n 1)
  tls_soname=$(basename "$tls_lib" |
               sed 's/^\(libnetsock-tls\.so\.[0-9]*\).*/\1/')
  sh "$root/abi/list-symbols.sh" "$tls_lib" >"$build/tls-symbols.txt"
  {
    echo "# The dynamic symbols $tls_soname exports, as abi/symbols.txt"
    echo "# lists those of libnetsock. Checked by the netsock.tls_abi_symbols"
    echo "# test; written by tools/update-abi.sh. Within a major version"
    echo "# lines are only added."
    cat "$build/tls-symbols.txt"
  } >"$root/abi/tls-symbols.txt"
  for old in "$root"/abi/libnetsock-tls.so.*.abi; do
    [ -e "$old" ] && [ "$old" != "$root/abi/$tls_soname.abi" ] && rm -f "$old"
  done
  abidw --headers-dir "$root/include/netsock" \
    --headers-dir "$build/include/netsock" --drop-private-types \
    --exported-interfaces-only --no-corpus-path --no-comp-dir-path \
    --short-locs --type-id-style hash \
    --out-file "$root/abi/$tls_soname.abi" "$tls_lib"
  echo "update-abi: wrote abi/tls-symbols.txt ($(wc -l \
        <"$build/tls-symbols.txt") symbols) and abi/$tls_soname.abi"
else
  echo "update-abi: OpenSSL 3 not found: abi/tls-* left as they are"
fi

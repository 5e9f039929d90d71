#!/usr/bin/env bash
# CI: the public headers compile for Windows with mingw-w64, as C and as
# C++, every warning an error, and NS_EXTERN exports, imports and links as
# a DLL and as a static library. No Windows backend is built yet: this
# checks what a program sees (include/netsock/*.h and the generated
# version.h) and the toolchain file cmake/toolchains/mingw-w64-x86_64.cmake.
#
#   1. configure the project with the toolchain file, for its version.h;
#   2. each public header alone, as C99 and as C++11;
#   3. tests/headertest/windows.c, which uses the Windows-facing types, as
#      C99, C11, C++11 and C++17, with <winsock2.h>/<windows.h> before,
#      alone before, or after the header, with WIN32_LEAN_AND_MEAN or not;
#   4. a DLL built from the headers' own declarations (NS_BUILDING)
#      exports exactly what they mark, a consumer links to it through the
#      import library (dllimport), and a consumer with NS_STATIC links to
#      a static library (no dllimport);
#   5. every number tools/gen_winerror_classes.py (and so
#      tests/data/winerror_classes.txt) uses is the one mingw-w64's
#      <winerror.h>, <ws2tcpip.h> and <errno.h> give its name.
# Prints what it took.
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 ||
   ! command -v x86_64-w64-mingw32-g++ >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends mingw-w64 >/dev/null
fi
CC=x86_64-w64-mingw32-gcc
CXX=x86_64-w64-mingw32-g++
NM=x86_64-w64-mingw32-nm
OBJDUMP=x86_64-w64-mingw32-objdump

work=$(mktemp -d "${TMPDIR:-/tmp}/netsock-winhdr.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM
WARN=(-Wall -Wextra -Werror -pedantic)
failures=0
compiles=0

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# 1. The generated version.h, from a real configure for Windows.
echo "== configure with cmake/toolchains/mingw-w64-x86_64.cmake"
cmake -S . -B "$work/build" \
  -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/mingw-w64-x86_64.cmake" \
  -DNETSOCK_BUILD_MAN=OFF >"$work/configure.log" 2>&1 ||
  { tail -n 50 "$work/configure.log"; echo "FAIL: configure"; exit 1; }
INC=(-I"$PWD/include" -I"$work/build/include")
[ -f "$work/build/include/netsock/version.h" ] ||
  { echo "FAIL: no generated version.h"; exit 1; }

# compile <label> <compiler and flags...>: one syntax-only compile.
compile() {
  local label=$1
  shift
  compiles=$((compiles + 1))
  if ! "$@" >"$work/out.txt" 2>&1; then
    fail "$label"
    head -n 20 "$work/out.txt"
  fi
}

# 2. Each header alone.
echo "== each public header alone, C99 and C++11"
for h in include/netsock/*.h "$work/build/include/netsock/version.h"; do
  b=$(basename "$h")
  printf '#include <netsock/%s>\nint ns_header_probe_;\n' "$b" >"$work/alone.c"
  compile "$b as C99" $CC -std=c99 "${WARN[@]}" "${INC[@]}" -fsyntax-only \
    -x c "$work/alone.c"
  compile "$b as C++11" $CXX -std=c++11 "${WARN[@]}" "${INC[@]}" \
    -fsyntax-only -x c++ "$work/alone.c"
done

# 3. The consumer in every include order.
echo "== tests/headertest/windows.c: 4 include orders x lean or not x 4 standards"
for std in "c -std=c99" "c -std=c11" "c++ -std=c++11" "c++ -std=c++17"; do
  read -r lang flag <<<"$std"
  cc=$CC
  [ "$lang" = c++ ] && cc=$CXX
  for order in 0 1 2 3; do
    for lean in "" "-DNS_TEST_LEAN"; do
      compile "windows.c $flag order $order ${lean:-not lean}" \
        $cc "$flag" "${WARN[@]}" "${INC[@]}" -DNS_TEST_ORDER=$order $lean \
        -x "$lang" -c tests/headertest/windows.c -o "$work/windows.o"
    done
  done
done

# 4. NS_EXTERN as a DLL and as a static library.
echo "== NS_EXTERN: DLL export, import library, static library"
cat >"$work/lib.c" <<'EOF'
/* Two definitions behind the headers' NS_EXTERN declarations, and one
   internal function, which must not be exported. */
#include <netsock/netsock.h>
unsigned ns_version(void) { return NS_VERSION_HEX; }
const char *ns_version_string(void) { return NS_VERSION_STRING; }
int netsock_internal_probe(void);
int netsock_internal_probe(void) { return 1; }
EOF
cat >"$work/app.c" <<'EOF'
#include <string.h>
#include <netsock/netsock.h>
int main(void)
{
  return ns_version() == NS_VERSION_HEX &&
                 strcmp(ns_version_string(), NS_VERSION_STRING) == 0
             ? 0
             : 1;
}
EOF
(
  cd "$work"
  set -e
  $CC -std=c11 "${WARN[@]}" "${INC[@]}" -DNS_BUILDING -c lib.c -o lib_dll.o
  $CC -shared -o libnetsock-1.dll lib_dll.o -Wl,--out-implib,libnetsock.dll.a
  $OBJDUMP -p libnetsock-1.dll |
    awk '/\[Ordinal\/Name Pointer\] Table/{t=1; next} t && NF==0{t=0} t' |
    grep -o 'ns_[a-z_]*\|netsock_internal_probe' | sort >exports.txt
  printf 'ns_version\nns_version_string\n' >want.txt
  cmp -s exports.txt want.txt ||
    { echo "DLL exports:"; cat exports.txt; exit 1; }
  $CC -std=c11 "${WARN[@]}" "${INC[@]}" -c app.c -o app_dll.o
  $NM app_dll.o | grep -q ' U __imp_ns_version_string' ||
    { echo "a DLL consumer does not import through __imp_"; exit 1; }
  $CC -o app_dll.exe app_dll.o libnetsock.dll.a
  $CC -std=c11 "${WARN[@]}" "${INC[@]}" -DNS_STATIC -c lib.c -o lib_static.o
  x86_64-w64-mingw32-ar rcs libnetsock.a lib_static.o
  $CC -std=c11 "${WARN[@]}" "${INC[@]}" -DNS_STATIC -c app.c -o app_static.o
  if $NM app_static.o | grep -q '__imp_'; then
    echo "an NS_STATIC consumer imports from a DLL"
    exit 1
  fi
  $CC -o app_static.exe app_static.o libnetsock.a
) >"$work/dll.log" 2>&1 || { cat "$work/dll.log"; fail "NS_EXTERN DLL/static"; }
compiles=$((compiles + 8))

# 5. The numbers of the Windows error table are Windows' own.
echo "== tools/gen_winerror_classes.py's numbers against mingw-w64's headers"
python3 tools/gen_winerror_classes.py --c-asserts >"$work/asserts.c"
compile "Windows error numbers" $CC -std=c11 "${WARN[@]}" -fsyntax-only \
  "$work/asserts.c"

took=$(($(date +%s) - t0))
if [ "$failures" -ne 0 ]; then
  echo "== windows-headers: $failures of $compiles steps FAILED (${took} s)"
  exit 1
fi
echo "== windows-headers: $compiles compiles and links passed (${took} s)"

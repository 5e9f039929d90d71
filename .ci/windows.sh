#!/usr/bin/env bash
# CI: libnetsock for 64-bit Windows, cross-built with mingw-w64, its tests
# and examples run under wine (the `windows` CMake preset).
#
#   1. installs mingw-w64 and wine when missing;
#   2. builds cmocka for mingw-w64 from Debian's source package into
#      build-deps/cmocka-mingw (Debian ships no such cmocka);
#   3. makes a fresh wine prefix inside the build directory, and starts
#      its wineserver (kept alive 60 s between programs) and one program
#      with their output detached, before ctest: a wineserver started by
#      the first test inherits ctest's output pipe, so ctest waits for it
#      (each test then takes seconds, or ctest hangs);
#   4. configures, builds and tests the `windows` preset;
#   5. installs the library (as a DLL, and as a static library) and builds
#      a consumer of each with find_package (C, C++) and pkg-config, run
#      under wine;
#   6. stops the wineserver.
# Prints what it took.
set -euo pipefail
cd "$(dirname "$0")/.."

t0=$(date +%s)
if ! command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 ||
   ! command -v wine >/dev/null 2>&1 || ! command -v wineserver >/dev/null 2>&1 ||
   ! dpkg -s wine64 >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq --no-install-recommends mingw-w64 wine wine64 \
    >/dev/null
fi
# Debian puts wineserver outside PATH on some installs.
if ! command -v wineserver >/dev/null 2>&1; then
  for d in /usr/lib/wine /usr/lib/x86_64-linux-gnu/wine; do
    [ -x "$d/wineserver" ] && PATH=$PATH:$d && break
  done
fi

deps=$PWD/build-deps
.ci/cmocka-from-source.sh "${deps}/cmocka-mingw" \
  --toolchain cmake/toolchains/mingw-w64-x86_64.cmake

build=$PWD/build-windows
mkdir -p "${build}"
# A prefix of this run only: one left by an earlier run (or another wine
# version) could hold state that changes the results.
export WINEPREFIX=${build}/wineprefix
export WINEDEBUG=-all
export WINEDLLOVERRIDES="mscoree,mshtml="
rm -rf "${WINEPREFIX}"
stop_wine() { wineserver -k >/dev/null 2>&1 || true; }
trap stop_wine EXIT
t_prefix=$(date +%s)
# The server first (it refuses to start beside one that a program left
# running), in the prefix's directory; then the first program, which
# fills the prefix.
mkdir -p "${WINEPREFIX}"
wineserver -p60 </dev/null >/dev/null 2>&1
wine cmd /c exit </dev/null >/dev/null 2>&1
echo "== wine prefix ready in $(($(date +%s) - t_prefix)) s ($(wine --version))"

cmake --preset windows
cmake --build --preset windows
# The DLLs the library and the programs need are the library's own (put
# beside them) and Windows' own: check that no mingw runtime DLL is left
# to find (wine would look for it only in the prefix and beside the
# program).
dll=$(find "${build}" -name 'libnetsock*.dll' -not -path '*/wineprefix/*' |
  head -n 1)
echo "== ${dll#"${build}"/} imports:"
x86_64-w64-mingw32-objdump -p "${dll}" | awk '/DLL Name:/ {print "  " $3}'
if x86_64-w64-mingw32-objdump -p "${dll}" |
  grep -Eq 'DLL Name: (libwinpthread|libgcc_s|libssp)'; then
  echo "== warning: the DLL needs mingw's runtime DLLs; WINEPATH names them"
  WINEPATH="/usr/x86_64-w64-mingw32/lib;$(dirname "$(x86_64-w64-mingw32-gcc -print-libgcc-file-name)")"
  export WINEPATH
fi
rc=0
ctest --preset windows || rc=$?

# A mingw-w64 program that uses the installed library the three ways a
# user would: find_package (C and C++) and pkg-config against the DLL,
# and find_package against the static library (NS_STATIC from the
# package). Each program runs under wine.
toolchain=$PWD/cmake/toolchains/mingw-w64-x86_64.cmake
consumer() { # <name> <stage> <extra cmake args...>
  local name=$1 stage=$2
  shift 2
  local b=${build}/consumer-${name}
  rm -rf "${b}"
  cmake -S tests/consumer/project -B "${b}" -DCMAKE_TOOLCHAIN_FILE="${toolchain}" \
    -DCMAKE_FIND_ROOT_PATH="${stage}" -DNETSOCK_CONSUMER_MODE=find_package "$@" \
    >"${b}.log" 2>&1 && cmake --build "${b}" >>"${b}.log" 2>&1 || {
    cat "${b}.log"
    return 1
  }
  cp "${stage}"/bin/*.dll "${b}/" 2>/dev/null || true
  wine "${b}/consumer.exe" </dev/null
}
t_consumers=$(date +%s)
stage_dll=${build}/stage
stage_static=${build}/stage-static
rm -rf "${stage_dll}" "${stage_static}"
cmake --install "${build}" --prefix "${stage_dll}" >/dev/null
cmake -S . -B "${build}/static" -DCMAKE_TOOLCHAIN_FILE="${toolchain}" \
  -DBUILD_SHARED_LIBS=OFF -DNETSOCK_TLS=OFF -DNETSOCK_BUILD_TESTS=OFF \
  -DNETSOCK_BUILD_EXAMPLES=OFF -DNETSOCK_BUILD_BENCH=OFF >/dev/null
cmake --build "${build}/static" -j2 >/dev/null
cmake --install "${build}/static" --prefix "${stage_static}" >/dev/null
consumers=0
consumer dll-c "${stage_dll}" && consumers=$((consumers + 1)) || rc=1
consumer dll-cxx "${stage_dll}" -DNETSOCK_CONSUMER_LANG=CXX &&
  consumers=$((consumers + 1)) || rc=1
consumer static-c "${stage_static}" && consumers=$((consumers + 1)) || rc=1
# pkg-config, as a Makefile project would call it.
pc_exe=${build}/consumer-pkgconfig.exe
# shellcheck disable=SC2046 # pkg-config's words are the flags
if x86_64-w64-mingw32-gcc tests/consumer/project/main.c -o "${pc_exe}" \
  $(PKG_CONFIG_LIBDIR="${stage_dll}/lib/pkgconfig" PKG_CONFIG_PATH= \
    pkg-config --define-prefix --cflags --libs netsock) &&
  cp "${stage_dll}"/bin/*.dll "${build}/" && wine "${pc_exe}" </dev/null; then
  consumers=$((consumers + 1))
else
  rc=1
fi
echo "== consumers: ${consumers} of 4 built and ran under wine ($(($(date +%s) - t_consumers)) s)"

stop_wine
echo "== windows: $(($(date +%s) - t0)) s"
exit "${rc}"

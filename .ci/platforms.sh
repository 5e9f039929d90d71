#!/usr/bin/env bash
# CI, after the plain run (.ci/run calls this): the whole suite on the other
# platforms this machine can build for, each a CMake workflow preset
# (CMakePresets.json) that can be run alone once its toolchain is here:
#   posix              the portable POSIX backend (how macOS and the BSDs
#                      are tested here: none of the Linux-only calls)
#   musl               musl libc, with musl-gcc
#   i386               32-bit x86, with gcc -m32
#   strerror-fallback  glibc's messages through strerror_r (glibc < 2.32)
#   windows-headers    the public headers with mingw-w64, as C and C++, in
#                      every include order
#   windows            the library, its tests and examples for Windows
#                      (mingw-w64), run under wine (.ci/windows.sh)
# Installs the toolchains, and builds cmocka for musl, i386 and mingw-w64
# from Debian's source package into build-deps/ (Debian ships no such
# cmocka).
# Prints what each stage took.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get install -y -qq musl-tools gcc-multilib g++-multilib >/dev/null

source .ci/stage.sh

deps=$PWD/build-deps
# musl-gcc sees only musl's headers; the tests' seccomp filter needs the
# kernel's (Alpine's linux-headers), which are the same for every libc,
# and the perf gates valgrind's client requests (valgrind-dev).
musl_kernel_headers() {
  local d=${deps}/musl-kernel-headers
  mkdir -p "${d}"
  ln -sfn /usr/include/linux "${d}/linux"
  ln -sfn /usr/include/asm-generic "${d}/asm-generic"
  ln -sfn "/usr/include/$(gcc -print-multiarch)/asm" "${d}/asm"
  ln -sfn /usr/include/valgrind "${d}/valgrind"
}

stage cmocka-musl .ci/cmocka-from-source.sh "${deps}/cmocka-musl" musl-gcc
stage cmocka-i386 .ci/cmocka-from-source.sh "${deps}/cmocka-i386" gcc -m32
musl_kernel_headers
for p in posix musl i386 strerror-fallback; do
  stage "${p}" cmake --workflow --preset "${p}"
done
# Windows: the public headers and the error tables, then the backend with
# its tests and examples under wine.
stage windows-headers .ci/windows-headers.sh
stage windows .ci/windows.sh

stage_summary "platform stages"

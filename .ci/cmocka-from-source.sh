#!/usr/bin/env bash
# Build cmocka from Debian's source package (the release libcmocka-dev has)
# for a toolchain Debian ships no cmocka for: musl-gcc, gcc -m32.
#   .ci/cmocka-from-source.sh <prefix> <C compiler> [C flags]
# Installs a static libcmocka.a, its header and its pkg-config file under
# <prefix>. Reads Debian's source index into a private apt state, so the
# machine's own package lists are left alone.
set -euo pipefail
prefix=$1
cc=$2
cflags=${3:-}
if [ -f "${prefix}/lib/pkgconfig/cmocka.pc" ]; then
  exit 0
fi
work=$(mktemp -d)
trap 'rm -rf "${work}"' EXIT
mkdir -p "${work}/lists/partial"
echo "deb-src http://deb.debian.org/debian bookworm main" >"${work}/sources.list"
apt_src=(-q -o "Dir::Etc::SourceList=${work}/sources.list"
  -o Dir::Etc::SourceParts=/dev/null -o "Dir::State::Lists=${work}/lists")
apt-get "${apt_src[@]}" update >/dev/null
(cd "${work}" && apt-get "${apt_src[@]}" source --download-only cmocka \
  >/dev/null 2>&1)
tar -xf "${work}"/cmocka_*.orig.tar.xz -C "${work}"
src=$(find "${work}" -maxdepth 1 -type d -name 'cmocka-*' | head -n 1)
cmake -S "${src}" -B "${work}/build" -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_COMPILER="${cc}" -DCMAKE_C_FLAGS="${cflags}" \
  -DCMAKE_INSTALL_PREFIX="${prefix}" -DCMAKE_INSTALL_LIBDIR=lib \
  -DBUILD_SHARED_LIBS=OFF -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF \
  -DUNIT_TESTING=OFF >/dev/null
cmake --build "${work}/build" -j2 >/dev/null
cmake --install "${work}/build" >/dev/null

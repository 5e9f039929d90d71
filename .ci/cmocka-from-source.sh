#!/usr/bin/env bash
# Build cmocka from Debian's source package (the release libcmocka-dev has)
# for a toolchain Debian ships no cmocka for: musl-gcc, gcc -m32, or a
# cross compiler that a CMake toolchain file names (mingw-w64):
#   .ci/cmocka-from-source.sh <prefix> <C compiler> [C flags]
#   .ci/cmocka-from-source.sh <prefix> --toolchain <toolchain file>
# Installs a static libcmocka.a, its header and its pkg-config file under
# <prefix>. Reads Debian's source index into a private apt state, so the
# machine's own package lists are left alone.
set -euo pipefail
prefix=$1
compiler=(-DCMAKE_C_COMPILER="$2" -DCMAKE_C_FLAGS="${3:-}")
cross=
if [ "$2" = --toolchain ]; then
  compiler=(-DCMAKE_TOOLCHAIN_FILE="$(realpath "$3")")
  cross=1
fi
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
  "${compiler[@]}" \
  -DCMAKE_INSTALL_PREFIX="${prefix}" -DCMAKE_INSTALL_LIBDIR=lib \
  -DBUILD_SHARED_LIBS=OFF -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF \
  -DUNIT_TESTING=OFF >/dev/null
cmake --build "${work}/build" -j2 >/dev/null
cmake --install "${work}/build" >/dev/null

# A cross build (Windows) links cmocka statically, so that no cmocka.dll
# has to sit beside every test, and is found through a CMake package
# (cmocka_DIR=<prefix>/lib/cmake/cmocka): a cross toolchain's find_library
# searches only the target's sysroot, and cmocka's own package names an
# import library it does not install.
if [ -n "${cross}" ]; then
  rm -f "${prefix}/bin/cmocka.dll" "${prefix}/lib/libcmocka.dll.a"
  mv "${prefix}/lib/libcmocka-static.a" "${prefix}/lib/libcmocka.a"
  cat >"${prefix}/lib/cmake/cmocka/cmocka-config.cmake" <<EOF
if(NOT TARGET cmocka::cmocka)
  add_library(cmocka::cmocka STATIC IMPORTED)
  set_target_properties(cmocka::cmocka PROPERTIES
    IMPORTED_LOCATION "${prefix}/lib/libcmocka.a"
    INTERFACE_INCLUDE_DIRECTORIES "${prefix}/include")
endif()
EOF
fi

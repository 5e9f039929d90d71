#!/bin/sh
# SPDX-License-Identifier: MIT
# The packaging tests: each case builds the consumer program in project/
# the way one kind of user would, against a libnetsock staged under the
# build directory (never a system path), then runs it.
#
#   run.sh stage shared|static        install into $NETSOCK_WORK/stage/<kind>
#   run.sh find_package shared|static find_package(netsock CONFIG REQUIRED)
#   run.sh build_tree                 find_package from the build tree
#   run.sh subproject add_subdirectory|fetchcontent
#   run.sh pkgconfig shared|static    cc $(pkg-config [--static] ...)
#   run.sh cxx                        the C++ consumer, find_package
#   run.sh wrong_major                find_package(netsock <major+1>) fails
#   run.sh deb                        cpack -G DEB, dpkg -x, build, run
#   run.sh lintian                    cpack -G DEB, then lintian: no error,
#                                     no warning but the explained ones
#
# CTest passes the configuration in the environment: CMAKE, CPACK,
# NETSOCK_SOURCE_DIR, NETSOCK_BINARY_DIR, NETSOCK_WORK, NETSOCK_GENERATOR,
# NETSOCK_BUILD_TYPE, NETSOCK_LIB_TYPE (shared or static: the kind the
# main build made), NETSOCK_VERSION, CC and CXX. Exit 77 means skipped.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
project=$here/project
work=$NETSOCK_WORK
stage=$work/stage
major=${NETSOCK_VERSION%%.*}

run() {
  echo "+ $*"
  "$@"
}

skip() {
  echo "SKIPPED: $*"
  exit 77
}

die() {
  echo "FAILED: $*" >&2
  exit 1
}

# configure_consumer <dir> <cmake args...>: a fresh build of project/.
configure_consumer() {
  dir=$1
  shift
  rm -rf "$dir"
  run "$CMAKE" --no-warn-unused-cli -S "$project" -B "$dir" \
    -G "$NETSOCK_GENERATOR" \
    -DCMAKE_BUILD_TYPE="$NETSOCK_BUILD_TYPE" \
    -DCMAKE_C_COMPILER="$CC" ${CXX:+-DCMAKE_CXX_COMPILER="$CXX"} \
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF \
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
    "$@"
}

build_and_run() {
  run "$CMAKE" --build "$1" -j2
  run "$1/consumer"
}

# libdir_of <prefix>: where the library landed (lib, lib64, lib/<triplet>).
libdir_of() {
  pc=$(find "$1" -name netsock.pc -path '*/pkgconfig/*' | head -n 1)
  [ -n "$pc" ] || die "no netsock.pc under $1"
  dirname "$(dirname "$pc")"
}

# expect_linkage <program> shared|static
expect_linkage() {
  needed=$(LC_ALL=C readelf -d "$1" | grep NEEDED || true)
  case $2 in
    shared)
      echo "$needed" | grep -q "libnetsock\.so\.$major\]" ||
        die "$1 does not need libnetsock.so.$major: $needed"
      echo "ok: $1 needs libnetsock.so.$major" ;;
    static)
      if echo "$needed" | grep -q libnetsock; then
        die "$1 should have libnetsock linked in, but needs: $needed"
      fi
      echo "ok: $1 has libnetsock linked in statically" ;;
  esac
}

# expect_found_in <build dir> <prefix>: find_package took the copy we meant.
expect_found_in() {
  found=$(sed -n 's/^netsock_DIR:[A-Z]*=//p' "$1/CMakeCache.txt")
  case $found in
    "$2" | "$2"/*) echo "ok: netsock_DIR=$found" ;;
    *) die "find_package found netsock in '$found', not under $2" ;;
  esac
}

case_stage() {
  kind=$1
  prefix=$stage/$kind
  rm -rf "$prefix"
  if [ "$kind" = "$NETSOCK_LIB_TYPE" ]; then
    # The main build is of this kind: stage exactly what it built.
    run "$CMAKE" --install "$NETSOCK_BINARY_DIR" --prefix "$prefix"
  else
    # The other kind needs a build of its own.
    if [ "$kind" = shared ]; then shared=ON; else shared=OFF; fi
    build=$work/build-$kind
    rm -rf "$build"
    run "$CMAKE" -S "$NETSOCK_SOURCE_DIR" -B "$build" \
      -G "$NETSOCK_GENERATOR" -DCMAKE_BUILD_TYPE="$NETSOCK_BUILD_TYPE" \
      -DCMAKE_C_COMPILER="$CC" -DBUILD_SHARED_LIBS=$shared \
      -DNETSOCK_BUILD_TESTS=OFF -DNETSOCK_BUILD_EXAMPLES=OFF \
      -DNETSOCK_BUILD_BENCH=OFF -DNETSOCK_BUILD_MAN=OFF
    run "$CMAKE" --build "$build" -j2
    run "$CMAKE" --install "$build" --prefix "$prefix"
  fi
  libdir=$(libdir_of "$prefix")
  for f in include/netsock/netsock.h include/netsock/version.h \
           include/netsock/export.h; do
    [ -f "$prefix/$f" ] || die "not installed: $f"
  done
  for f in netsockConfig.cmake netsockConfigVersion.cmake \
           netsockTargets.cmake; do
    [ -f "$libdir/cmake/netsock/$f" ] || die "not installed: cmake/$f"
  done
  if [ "$kind" = shared ]; then
    so=$libdir/libnetsock.so
    [ -L "$so" ] || die "$so is not a symlink"
    soname=$(LC_ALL=C readelf -d "$so" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
    [ "$soname" = "libnetsock.so.$major" ] || die "SONAME is '$soname'"
    [ -f "$libdir/libnetsock.so.$major" ] || die "no libnetsock.so.$major"
    echo "ok: SONAME $soname"
  else
    [ -f "$libdir/libnetsock.a" ] || die "no libnetsock.a"
  fi
  echo "staged $kind libnetsock in $prefix:"
  (cd "$prefix" && find . -type f -o -type l | sort | sed 's/^/  /')
}

case_find_package() {
  kind=$1
  dir=$work/find_package-$kind
  configure_consumer "$dir" -DNETSOCK_CONSUMER_MODE=find_package \
    -DCMAKE_PREFIX_PATH="$stage/$kind"
  expect_found_in "$dir" "$stage/$kind"
  build_and_run "$dir"
  expect_linkage "$dir/consumer" "$kind"
}

case_build_tree() {
  dir=$work/build_tree
  configure_consumer "$dir" -DNETSOCK_CONSUMER_MODE=find_package \
    -Dnetsock_DIR="$NETSOCK_BINARY_DIR"
  expect_found_in "$dir" "$NETSOCK_BINARY_DIR"
  build_and_run "$dir"
  expect_linkage "$dir/consumer" "$NETSOCK_LIB_TYPE"
}

case_subproject() {
  mode=$1
  dir=$work/$mode
  configure_consumer "$dir" -DNETSOCK_CONSUMER_MODE="$mode" \
    -DNETSOCK_SOURCE_DIR="$NETSOCK_SOURCE_DIR"
  build_and_run "$dir"
  # The parent's install installs nothing of libnetsock.
  run "$CMAKE" --install "$dir" --prefix "$dir/installed"
  if [ -d "$dir/installed" ] && [ -n "$(find "$dir/installed" -type f)" ]; then
    find "$dir/installed" -type f
    die "the parent's cmake --install installed libnetsock files"
  fi
  echo "ok: the parent's cmake --install installs nothing of libnetsock"
}

case_pkgconfig() {
  kind=$1
  command -v pkg-config >/dev/null 2>&1 ||
    skip "pkg-config not found (Debian: apt-get install pkg-config)"
  prefix=$stage/$kind
  libdir=$(libdir_of "$prefix")
  # Only the staged copy is visible to pkg-config.
  PKG_CONFIG_LIBDIR=$libdir/pkgconfig
  PKG_CONFIG_PATH=
  export PKG_CONFIG_LIBDIR PKG_CONFIG_PATH
  if [ "$kind" = static ]; then static=--static; else static=; fi
  run pkg-config --print-errors --exists "netsock >= $major" \
    "netsock < $((major + 1))"
  flags=$(pkg-config $static --cflags --libs netsock)
  echo "pkg-config $static --cflags --libs netsock: $flags"
  out=$work/pkgconfig-$kind
  rm -rf "$out"
  mkdir -p "$out"
  # shellcheck disable=SC2086 # the flags are words
  run "$CC" $CFLAGS -Wall -Wextra -Werror -o "$out/consumer" "$project/main.c" \
    $flags
  if [ "$kind" = shared ]; then
    LD_LIBRARY_PATH=$libdir run "$out/consumer"
  else
    run "$out/consumer"
  fi
  expect_linkage "$out/consumer" "$kind"
}

case_cxx() {
  [ -n "${CXX:-}" ] || skip "no C++ compiler was found when configuring"
  dir=$work/cxx
  configure_consumer "$dir" -DNETSOCK_CONSUMER_MODE=find_package \
    -DNETSOCK_CONSUMER_LANG=CXX -DCMAKE_PREFIX_PATH="$stage/shared"
  expect_found_in "$dir" "$stage/shared"
  build_and_run "$dir"
}

case_wrong_major() {
  wrong=$((major + 1))
  dir=$work/wrong_major
  if configure_consumer "$dir" -DNETSOCK_CONSUMER_MODE=find_package \
       -DNETSOCK_CONSUMER_VERSION="$wrong" \
       -DCMAKE_PREFIX_PATH="$stage/shared" >"$work/wrong_major.log" 2>&1
  then
    cat "$work/wrong_major.log"
    die "find_package(netsock $wrong) succeeded against $NETSOCK_VERSION"
  fi
  cat "$work/wrong_major.log"
  grep -q "compatible with requested version \"$wrong\"" \
    "$work/wrong_major.log" ||
    die "the failure does not say which version was asked for"
  grep -q "$NETSOCK_VERSION" "$work/wrong_major.log" ||
    die "the failure does not say which version is installed"
  echo "ok: find_package(netsock $wrong) fails, naming $NETSOCK_VERSION"
  # The same request for the right major version works.
  configure_consumer "$dir" -DNETSOCK_CONSUMER_MODE=find_package \
    -DNETSOCK_CONSUMER_VERSION="$major" \
    -DCMAKE_PREFIX_PATH="$stage/shared" >/dev/null
  echo "ok: find_package(netsock $major) works"
}

case_deb() {
  command -v dpkg-deb >/dev/null 2>&1 ||
    skip "dpkg-deb not found: the Debian package is built on Debian"
  [ -f "$NETSOCK_BINARY_DIR/CPackConfig.cmake" ] ||
    skip "no CPackConfig.cmake (NETSOCK_INSTALL is OFF)"
  out=$work/deb
  root=$out/root
  rm -rf "$out"
  mkdir -p "$root"
  run "$CPACK" -G DEB -B "$out" --config "$NETSOCK_BINARY_DIR/CPackConfig.cmake"
  found=0
  for deb in "$out"/*.deb; do
    [ -f "$deb" ] || continue
    found=1
    run dpkg-deb --field "$deb" Package Version Architecture Depends Section
    run dpkg-deb --contents "$deb"
    run dpkg-deb -x "$deb" "$root"
  done
  [ "$found" = 1 ] || die "cpack made no .deb"
  prefix=$root/usr
  libdir=$(libdir_of "$prefix")

  dir=$out/find_package
  configure_consumer "$dir" -DNETSOCK_CONSUMER_MODE=find_package \
    -DCMAKE_PREFIX_PATH="$prefix"
  expect_found_in "$dir" "$prefix"
  run "$CMAKE" --build "$dir" -j2
  LD_LIBRARY_PATH=$libdir run "$dir/consumer"
  expect_linkage "$dir/consumer" "$NETSOCK_LIB_TYPE"

  # The packaged netsock.pc names /usr as it is installed: plain paths,
  # nothing relative to where the file lies.
  pc=$libdir/pkgconfig/netsock.pc
  grep -q '^prefix=/usr$' "$pc" || die "netsock.pc: $(grep '^prefix' "$pc")"
  if grep -q -e '\.\.' -e pcfiledir "$pc"; then
    cat "$pc"
    die "netsock.pc has relative paths"
  fi
  case $libdir in
    */usr/lib/*-*-*) echo "ok: the library is in the multiarch directory" ;;
    *) die "the library is in $libdir, not /usr/lib/<triplet>" ;;
  esac
  man=$(find "$prefix/share/man/man3" -type f | head -n 1)
  case $man in
    *.3.gz) echo "ok: man pages are gzipped" ;;
    *) die "man page not gzipped: $man" ;;
  esac
  if command -v pkg-config >/dev/null 2>&1; then
    # Unpacked under $root rather than /: the sysroot tells pkg-config.
    flags=$(PKG_CONFIG_LIBDIR=$libdir/pkgconfig PKG_CONFIG_PATH= \
            PKG_CONFIG_SYSROOT_DIR=$root pkg-config --cflags --libs netsock)
    echo "pkg-config --cflags --libs netsock: $flags"
    # shellcheck disable=SC2086 # the flags are words
    run "$CC" $CFLAGS -Wall -Wextra -Werror -o "$out/consumer-pc" \
      "$project/main.c" $flags
    LD_LIBRARY_PATH=$libdir run "$out/consumer-pc"
  fi
}

# lintian on both packages. Two warnings are accepted, and why:
#   maintscript-calls-ldconfig   CPack (3.25) always writes a postinst and
#                                postrm calling ldconfig for a shared
#                                library and cannot be told not to; the
#                                package also has the ldconfig trigger
#                                policy asks for, so ldconfig merely runs
#                                twice.
#   initial-upload-closes-no-bugs  the changelog's only entry closes no
#                                Debian bug: these packages are built from
#                                the upstream tree, not uploaded to Debian
#                                (which would file an ITP bug to close).
case_lintian() {
  command -v dpkg-deb >/dev/null 2>&1 ||
    skip "dpkg-deb not found: the Debian package is built on Debian"
  command -v lintian >/dev/null 2>&1 ||
    skip "lintian not found (Debian: apt-get install lintian)"
  [ -f "$NETSOCK_BINARY_DIR/CPackConfig.cmake" ] ||
    skip "no CPackConfig.cmake (NETSOCK_INSTALL is OFF)"
  out=$work/lintian
  rm -rf "$out"
  mkdir -p "$out"
  run "$CPACK" -G DEB -B "$out" --config "$NETSOCK_BINARY_DIR/CPackConfig.cmake"
  set -- "$out"/*.deb
  [ -f "$1" ] || die "cpack made no .deb"
  # Everything lintian says, for the log; then the verdict.
  lintian --tag-display-limit 0 --display-info "$@" 2>&1 || true
  run lintian --tag-display-limit 0 --fail-on error,warning \
    --suppress-tags maintscript-calls-ldconfig,initial-upload-closes-no-bugs \
    "$@" || die "lintian reports errors or unexplained warnings"
  echo "ok: lintian: no error, no warning but the two explained"
}

mkdir -p "$work"
what=$1
shift
case $what in
  stage) case_stage "$@" ;;
  find_package) case_find_package "$@" ;;
  build_tree) case_build_tree ;;
  subproject) case_subproject "$@" ;;
  pkgconfig) case_pkgconfig "$@" ;;
  cxx) case_cxx ;;
  wrong_major) case_wrong_major ;;
  deb) case_deb ;;
  lintian) case_lintian ;;
  *) die "unknown case '$what'" ;;
esac

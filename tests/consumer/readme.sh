#!/bin/sh
# SPDX-License-Identifier: MIT
# The README's commands, run as written from a fresh `git clone` of the
# repository (its committed state), the way a new user meets them:
#
#   readme.sh demo          `cmake --workflow --preset demo` prints the
#                           conversation of example 1 and nothing else
#                           after CMake's step lines
#   readme.sh install       the library-only install with cmocka hidden,
#                           to /usr/local, `ldconfig`, `cc app.c
#                           -lnetsock`, then the uninstall commands; run
#                           as root in a private mount namespace whose
#                           /usr/local and /etc are overlays, so that the
#                           machine itself is never touched
#   readme.sh fetchcontent  the README's FetchContent snippet with the
#                           GIT_TAG it names, which must exist in the
#                           clone
#
# The environment is the one run.sh gets from CTest (CMAKE,
# NETSOCK_SOURCE_DIR, NETSOCK_WORK, CC ...). Exit 77 means skipped.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
work=$NETSOCK_WORK/readme
readme=$NETSOCK_SOURCE_DIR/README.md

say() {
  echo "+ $*"
}

skip() {
  echo "SKIPPED: $*"
  exit 77
}

die() {
  echo "FAILED: $*" >&2
  exit 1
}

# fresh_clone <dir>: the repository as `git clone` gives it.
fresh_clone() {
  command -v git >/dev/null 2>&1 || skip "git not found"
  git -C "$NETSOCK_SOURCE_DIR" rev-parse --git-dir >/dev/null 2>&1 ||
    skip "$NETSOCK_SOURCE_DIR is not a git repository"
  rm -rf "$1"
  say git clone "$NETSOCK_SOURCE_DIR" "$1"
  git clone -q "$NETSOCK_SOURCE_DIR" "$1"
}

# sh_block <text>: the lines of the first ```sh block of README.md that
# contains <text>, comments and blank lines removed.
sh_block() {
  awk -v want="$1" '
    /^```sh$/ { inside = 1; n = 0; found = 0; next }
    /^```$/ && inside {
      inside = 0
      if (found) { for (i = 1; i <= n; i++) print lines[i]; exit }
      next
    }
    inside {
      line = $0
      sub(/[ \t]+#.*$/, "", line)
      if (line != "") lines[++n] = line
      if (index($0, want)) found = 1
    }' "$readme"
}

case_demo() {
  line=$(grep -m 1 'cmake --workflow --preset demo' "$readme") ||
    die "README.md shows no 'cmake --workflow --preset demo'"
  cmd=${line##*&& }
  [ "$cmd" = "cmake --workflow --preset demo" ] ||
    die "unexpected demo command in README.md: $cmd"
  dir=$work/demo
  fresh_clone "$dir"
  say "(cd $dir && $cmd)"
  (cd "$dir" && $cmd) >"$work/demo.log" 2>&1 || {
    cat "$work/demo.log"
    die "the demo failed"
  }
  cat "$work/demo.log"
  # The conversation, in the README's order, each line whole.
  for want in 'server | listening on 127.0.0.1:' \
              'server | Wating for connection...' \
              "server | Connection from ('127.0.0.1', " \
              'server | Received Hello Server!' \
              'client | Received: Hello,client!'; do
    grep -qF -- "$want" "$work/demo.log" || die "the demo did not print: $want"
  done
  # Nothing else but CMake's own step lines: no test runner, no build
  # progress, no warning.
  sed -e '/^Executing workflow step [0-9]* of [0-9]*: /d' \
      -e '/^Preset CMake variables:$/d' -e '/^  [A-Z_]*=".*"$/d' \
      -e '/^-- Configuring done/d' -e '/^-- Generating done/d' \
      -e '/^-- Build files have been written to: /d' \
      -e '/^server | /d' -e '/^client | /d' -e '/^$/d' \
      "$work/demo.log" >"$work/demo.rest"
  if [ -s "$work/demo.rest" ]; then
    echo "lines that are neither the conversation nor CMake's steps:"
    cat "$work/demo.rest"
    die "the demo printed more than its conversation"
  fi
  [ "$(grep -c '^server | \|^client | ' "$work/demo.log")" = 5 ] ||
    die "the conversation is not five lines"
  [ ! -d "$dir/build-demo/bench" ] || die "the demo built bench/"
  grep -q 'not our typo' "$readme" || die "README.md does not explain Wating"
  echo "ok: the demo prints the conversation and nothing else"
}

# in_sandbox <script>: run sh -c <script> as root in a mount namespace in
# which /usr/local and /etc are writable overlays of the real ones.
in_sandbox() {
  [ "$(id -u)" = 0 ] || skip "needs root (for a private /usr/local)"
  command -v unshare >/dev/null 2>&1 || skip "unshare not found"
  box=$work/sandbox
  rm -rf "$box"
  mkdir -p "$box/local/up" "$box/local/work" "$box/etc/up" "$box/etc/work"
  unshare -m true 2>/dev/null || skip "cannot make a mount namespace here"
  unshare -m sh -euc '
    mount --make-rprivate /
    mount -t overlay overlay \
      -o "lowerdir=/usr/local,upperdir=$1/local/up,workdir=$1/local/work" \
      /usr/local
    mount -t overlay overlay \
      -o "lowerdir=/etc,upperdir=$1/etc/up,workdir=$1/etc/work" /etc
    shift
    exec sh -euc "$@"' sh "$box" "$1"
}

case_install() {
  block=$(sh_block 'cmake --install build --prefix /usr/local')
  [ -n "$block" ] || die "README.md shows no install block"
  uninstall=$(sh_block 'cmake --build build --target uninstall')
  [ -n "$uninstall" ] || die "README.md shows no uninstall block"
  echo "$block" | grep -qx ldconfig || die "the install block has no ldconfig"
  dir=$work/install
  fresh_clone "$dir"
  cp "$here/project/main.c" "$work/app.c"
  # cmocka is hidden (an empty cmocka.pc, no CMake package) the way a
  # machine set up for the demo lacks it.
  cat >"$work/install.sh" <<EOF
set -eu
for d in /usr/lib/*/cmake/cmocka /usr/lib/cmake/cmocka; do
  if [ -d "\$d" ]; then mount -t tmpfs tmpfs "\$d"; fi
done
for f in /usr/lib/*/pkgconfig/cmocka.pc /usr/lib/pkgconfig/cmocka.pc \\
         /usr/share/pkgconfig/cmocka.pc; do
  if [ -f "\$f" ]; then mount --bind /dev/null "\$f"; fi
done
cd "$dir"
echo "== the README's install commands"
$(echo "$block" | sed 's/^/run_line /')
echo "== a program linked with -lnetsock"
cc "$work/app.c" -lnetsock -o "$work/app"
"$work/app"
echo "== the README's uninstall commands"
$(echo "$uninstall" | sed 's/^/run_line /')
if "$work/app" >/dev/null 2>&1; then
  echo "FAILED: the program still runs after the uninstall" >&2
  exit 1
fi
left=\$(find /usr/local -path '*netsock*' | head -n 5)
if [ -n "\$left" ]; then
  echo "FAILED: left behind: \$left" >&2
  exit 1
fi
if ldconfig -p | grep -q libnetsock; then
  echo "FAILED: the loader still knows libnetsock" >&2
  exit 1
fi
echo "ok: nothing of libnetsock is left under /usr/local"
EOF
  # run_line: echo, then run, one README line.
  in_sandbox "run_line() { echo \"+ \$*\"; sh -c \"\$*\"; }; . $work/install.sh" \
    >"$work/install.log" 2>&1 || {
    cat "$work/install.log"
    die "the README's install path failed"
  }
  cat "$work/install.log"
  n=$(grep -c 'Tests: skipped, cmocka not found' "$work/install.log" || true)
  [ "$n" = 1 ] || die "configure without cmocka did not say once that the \
tests are skipped ($n times)"
  echo "ok: configure without cmocka skips the tests with one status line"
  echo "ok: install, ldconfig, cc -lnetsock, uninstall work as written"
}

case_fetchcontent() {
  line=$(grep -m 1 'FetchContent_Declare(netsock GIT_REPOSITORY' "$readme") ||
    die "README.md shows no FetchContent_Declare"
  tag=$(echo "$line" | sed -n 's/.*GIT_TAG \([^ )]*\).*/\1/p')
  [ -n "$tag" ] || die "no GIT_TAG in: $line"
  # A checkout made without tags (a CI clone of one branch) cannot show
  # it either way: say so and skip; one that has tags must have this one.
  if [ -z "$(git -C "$NETSOCK_SOURCE_DIR" tag)" ]; then
    echo "SKIP: this checkout has no tags at all (cloned without them), so \
it cannot show whether GIT_TAG $tag exists"
    exit 77
  fi
  dir=$work/fetch-source
  fresh_clone "$dir"
  git -C "$dir" rev-parse -q --verify "refs/tags/$tag" >/dev/null ||
    die "README.md names GIT_TAG $tag, but a clone of the repository has \
no tag $tag (git tag lists: $(git -C "$dir" tag | tr '\n' ' '))"
  echo "ok: the clone has the tag $tag"
  app=$work/fetch-app
  rm -rf "$app" "$app-build"
  mkdir -p "$app"
  cp "$here/project/main.c" "$app/main.c"
  snippet=$(echo "$line" | sed "s#<url>#file://$dir#")
  cat >"$app/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.16)
project(app LANGUAGES C)
add_executable(app main.c)
include(FetchContent)
$snippet
FetchContent_MakeAvailable(netsock)
target_link_libraries(app PRIVATE netsock::netsock)
EOF
  cat "$app/CMakeLists.txt"
  say "$CMAKE" -S "$app" -B "$app-build"
  "$CMAKE" -S "$app" -B "$app-build" -DCMAKE_C_COMPILER="$CC"
  "$CMAKE" --build "$app-build" -j2
  say "$app-build/app"
  "$app-build/app"
  echo "ok: FetchContent with GIT_TAG $tag builds and runs"
}

mkdir -p "$work"
case ${1:-} in
  demo) case_demo ;;
  install) case_install ;;
  fetchcontent) case_fetchcontent ;;
  *) die "usage: readme.sh demo|install|fetchcontent" ;;
esac

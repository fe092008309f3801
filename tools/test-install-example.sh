#!/usr/bin/env bash
# CTest install.example: install wakesim to a temporary prefix, build
# examples/taskloop out of tree against the installed package (CMake and
# pkg-config), run it under the simulator, and check that it passes with its
# notify and fails without it, with a reproducer that replays byte for byte.
# Usage: test-install-example.sh BUILD_DIR SOURCE_DIR C_COMPILER
set -u
build=$1 src=$2 cc=$3
tmp=$(mktemp -d /tmp/wakesim-install.XXXXXX)
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
run() { echo "+ $*"; "$@"; }
expect() {   # expected-exit-code command...
  local want=$1; shift
  echo "+ $*"
  "$@" > "$tmp/last.out" 2>&1
  local got=$?
  cat "$tmp/last.out"
  [ "$got" = "$want" ] || fail "exit $got, expected $want: $*"
}

run cmake --install "$build" --prefix "$tmp/prefix" > "$tmp/install.log" ||
  { cat "$tmp/install.log"; echo "FAIL: install"; exit 1; }
# Every installed header compiles alone, from the prefix only, as C11 and
# as the first include of a translation unit.
nh=0
for h in "$tmp"/prefix/include/wakesim/*.h; do
  name=wakesim/$(basename "$h")
  printf '#include <%s>\nint wakesim_header_check;\n' "$name" > "$tmp/hdr.c"
  "$cc" -std=c11 -Wall -Wextra -Werror -pedantic -fsyntax-only -I"$tmp/prefix/include" \
    "$tmp/hdr.c" > "$tmp/hdr.log" 2>&1 || { cat "$tmp/hdr.log"; fail "$name does not compile alone"; }
  nh=$((nh + 1))
done
[ "$nh" -ge 5 ] || fail "only $nh installed headers (sim.h, sim-memory.h, handoff.h, monitor.h, tsan-sync.h)"
echo "installed headers compiled alone: $nh"

run cmake -S "$src/examples/taskloop" -B "$tmp/ex" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/configure.log" ||
  { cat "$tmp/configure.log"; echo "FAIL: configure the example"; exit 1; }
run cmake --build "$tmp/ex" -j2 > "$tmp/build.log" ||
  { cat "$tmp/build.log"; echo "FAIL: build the example"; exit 1; }

expect 0 "$tmp/ex/taskloop"                                  # the real program
expect 0 "$tmp/ex/taskloop-sim" --runs 100
# The runner's --help, and the program's own output through a pipe (each
# run's child flushes stdout before _exit).
expect 0 "$tmp/ex/taskloop-sim" --help
grep -q -- "--memory-model" "$tmp/last.out" || fail "--help does not list --memory-model"
"$tmp/ex/taskloop-sim" --runs 3 | grep -q "tasks ran" || fail "the program's stdout was lost in a pipe"
expect 0 "$tmp/ex/taskloop-sim" --runs 20 --memory-model tso
expect 0 "$tmp/ex/taskloop-sim-atomics" --runs 20          # INSTRUMENT_ATOMICS
expect 1 "$tmp/ex/taskloop-sim-nonotify" --runs 100 --out "$tmp/out"   # created
grep -q "handoff-latency" "$tmp/last.out" || fail "no handoff-latency verdict without the notify"
repro=$(ls "$tmp"/out/*.trace 2>/dev/null | head -1)
if [ -z "$repro" ]; then
  fail "no reproducer written"
else
  expect 1 "$tmp/ex/taskloop-sim-nonotify" --replay "$repro" --log
  cp "$tmp/last.out" "$tmp/replay1.txt"
  grep -q "identical" "$tmp/replay1.txt" || fail "replay differs from the recording"
  expect 1 "$tmp/ex/taskloop-sim-nonotify" --replay "$repro" --log
  cmp -s "$tmp/replay1.txt" "$tmp/last.out" || fail "two replays printed different logs"
  echo "replays: $(grep -c '' "$tmp/replay1.txt") identical lines"
  # The installed wakesim replays it through the program it names.
  expect 1 "$tmp/prefix/bin/wakesim" replay "$repro"
  grep -q "identical" "$tmp/last.out" || fail "wakesim replay of the program's reproducer"
  head -n 5 "$repro" > "$tmp/truncated.repro"
  expect 2 "$tmp/ex/taskloop-sim-nonotify" --replay "$tmp/truncated.repro"
  expect 2 "$tmp/ex/taskloop-sim-nonotify" --runs nope
fi

# find_package(wakesim) asks for liburing only with COMPONENTS uring: with a
# pkg-config that knows no liburing the example still configures, and a
# project asking for the component fails to.
printf '#!/bin/sh\nfor a; do case "$a" in liburing*) exit 1;; esac; done\nexec pkg-config "$@"\n' \
  > "$tmp/pkg-config-nouring"
chmod +x "$tmp/pkg-config-nouring"
expect 0 cmake -S "$src/examples/taskloop" -B "$tmp/ex-nouring" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" -DPKG_CONFIG_EXECUTABLE="$tmp/pkg-config-nouring"
mkdir -p "$tmp/uring-user"
printf 'cmake_minimum_required(VERSION 3.20)\nproject(u C)\nfind_package(wakesim REQUIRED COMPONENTS uring)\n' \
  > "$tmp/uring-user/CMakeLists.txt"
expect 1 cmake -S "$tmp/uring-user" -B "$tmp/uring-user/b1" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" -DPKG_CONFIG_EXECUTABLE="$tmp/pkg-config-nouring"
expect 0 cmake -S "$tmp/uring-user" -B "$tmp/uring-user/b2" -DCMAKE_C_COMPILER="$cc" \
  -DCMAKE_PREFIX_PATH="$tmp/prefix"

# INSTRUMENT_ATOMICS: a program using __sync builtins builds against the
# installed wakesim/tsan-sync.h (force-included) and runs.
mkdir -p "$tmp/sync-user"
printf 'static int n;\nint main(void) { __sync_fetch_and_add(&n, 1); __sync_synchronize();\n  return __sync_val_compare_and_swap(&n, 1, 2) == 1 ? 0 : 1; }\n' \
  > "$tmp/sync-user/sync.c"
printf 'cmake_minimum_required(VERSION 3.20)\nproject(s C)\nfind_package(wakesim REQUIRED)\nwakesim_add_simulated_executable(sync-sim SOURCES sync.c INSTRUMENT_ATOMICS)\n' \
  > "$tmp/sync-user/CMakeLists.txt"
if cmake -S "$tmp/sync-user" -B "$tmp/sync-user/b" -DCMAKE_C_COMPILER="$cc" \
     -DCMAKE_PREFIX_PATH="$tmp/prefix" > "$tmp/sync.log" 2>&1 &&
   cmake --build "$tmp/sync-user/b" >> "$tmp/sync.log" 2>&1; then
  expect 0 "$tmp/sync-user/b/sync-sim" --runs 3 --memory-model arm
else
  cat "$tmp/sync.log"; fail "INSTRUMENT_ATOMICS __sync program did not build"
fi

# pkg-config: the same program, built by hand.
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
pc() { pkg-config "$@" wakesim; }
run "$cc" -o "$tmp/taskloop-pc" "$src/examples/taskloop/taskloop.c" \
    $(pc --variable=driver_cflags) $(pc --cflags) $(pc --variable=driver_libs) $(pc --libs) \
    -lpthread || fail "pkg-config build"
[ -x "$tmp/taskloop-pc" ] && expect 0 "$tmp/taskloop-pc" --runs 20

# The installed CLI finds its scenarios relative to itself.
(cd / && expect 0 "$tmp/prefix/bin/wakesim" list)
grep -q "share/wakesim/scenarios" "$tmp/last.out" || fail "installed wakesim does not use share/wakesim/scenarios"
(cd / && expect 0 "$tmp/prefix/bin/wakesim" run idle-timers --runs 3)

if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s); work dir kept: $tmp"
  exit 1
fi
rm -rf "$tmp"
echo "install.example: ok"

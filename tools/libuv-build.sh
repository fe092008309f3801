#!/bin/sh
# libuv-build.sh DIR WAKESIM_BUILD - build wakesim's libuv target
# (targets/libuv) the way a user would: install the wakesim of the build
# directory WAKESIM_BUILD to DIR/prefix, find libuv's source
# (tools/libuv-fetch.sh: LIBUV_SRC, or Debian's libuv1 source package,
# fetched once into ~/.cache/wakesim), configure targets/libuv against the
# installed package in DIR/build (clang when there is one: gcc does not hook
# fences) and build every scenario program.  Prints DIR/build last.
# Exit 77 (with the reason) without the source for want of apt or network;
# 1 when apt works but the fetch failed, or the build failed.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -eq 2 ] || { echo "usage: $0 DIR WAKESIM_BUILD" >&2; exit 2; }
dir=$1 wbuild=$2
cc=${CC:-cc}
command -v clang >/dev/null 2>&1 && cc=clang
rc=0
tree=$("$root/tools/libuv-fetch.sh") || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"
echo "libuv-build: libuv tree $tree, compiler $cc" >&2
mkdir -p "$dir"
cmake --install "$wbuild" --prefix "$dir/prefix" >"$dir/install.log" 2>&1 ||
  { cat "$dir/install.log" >&2; exit 1; }
cmake -S "$root/targets/libuv" -B "$dir/build" -DCMAKE_C_COMPILER="$cc" \
      -DCMAKE_PREFIX_PATH="$dir/prefix" -DLIBUV_SRC="$tree" -DCMAKE_BUILD_TYPE=Release >&2
cmake --build "$dir/build" -j"${WAKESIM_JOBS:-2}" --target libuv_all >&2
echo "$dir/build"

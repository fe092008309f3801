#!/bin/sh
# qemu-build.sh BUILD_DIR [CMAKE_ARGS...] - build wakesim with the qemu target.
#
# Finds the QEMU tree (tools/qemu-fetch.sh: QEMU_SRC, or Debian's qemu
# source package, fetched once into a cache directory), configures BUILD_DIR
# with clang and -DWAKESIM_QEMU_SRC=<tree>, and builds `wakesim` (with QEMU's
# unmodified event loop) and its mutation twins wakesim-qemu-<mutation>.
# Prints the path of that wakesim last.  Exit 77 (with the reason) when no
# clang, or no QEMU source for want of apt or network, as CTest's skip code;
# exit 1 when apt works but the fetch failed (qemu-fetch.sh): a failure.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [CMAKE_ARGS...]" >&2; exit 2; }
dir=$1
shift

command -v clang >/dev/null 2>&1 || { echo "qemu-build: SKIP: clang not found (tools/install-deps.sh)" >&2; exit 77; }
rc=0
tree=$("$root/tools/qemu-fetch.sh") || rc=$?
[ "$rc" -eq 0 ] || exit "$rc"

echo "qemu-build: QEMU tree $tree" >&2
cmake -S "$root" -B "$dir" -DCMAKE_C_COMPILER=clang -DWAKESIM_QEMU_SRC="$tree" "$@" >&2
cmake --build "$dir" -j"${WAKESIM_JOBS:-2}" --target wakesim_qemu_all >&2
echo "$dir/cli/wakesim"

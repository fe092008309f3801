#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, then builds
# and runs every CTest test twice, in a plain build and under ASan+UBSan.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)

"$root/tools/install-deps.sh"

run_suite() {   # build-dir, extra cmake args...
  local dir=$1; shift
  cmake -S "$root" -B "$dir" "$@" >/dev/null
  cmake --build "$dir" -j"$jobs"
  ctest --test-dir "$dir" --output-on-failure --no-tests=error -j"$jobs"
}

echo "== plain build (RelWithDebInfo) =="
run_suite "$root/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "== ASan + UBSan build =="
run_suite "$root/build-asan" -DCMAKE_BUILD_TYPE=Debug -DWAKESIM_SANITIZE=ON

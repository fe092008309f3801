#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs required packages if one is
# missing, checks the formatting, then builds and runs every CTest test
# twice, in a plain build and under ASan+UBSan, and the real-thread tests (label real) a third time
# under ThreadSanitizer.  Build directories and options come from
# CMakePresets.json (build, build-asan, build-tsan).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc)

"$root/tools/install-deps.sh"

echo "== formatting: tools/check-format.sh (.clang-format, clang-format 14) =="
"$root/tools/check-format.sh"

run_suite() {   # preset
  cmake --preset "$1" >/dev/null
  cmake --build --preset "$1" -j"$jobs"
  ctest --preset "$1" -j"$jobs"
}

echo "== plain build (RelWithDebInfo): preset build =="
run_suite build
echo "== ASan + UBSan build: preset build-asan =="
run_suite build-asan

echo "== ThreadSanitizer, loop/ and its real-thread tests: preset build-tsan =="
cmake --preset build-tsan >/dev/null
cmake --build --preset build-tsan -j"$jobs"
# TSan's runtime (gcc 12, clang 14) assumes a fixed address-space layout and
# aborts with "unexpected memory mapping" on kernels that randomize mmap
# more (vm.mmap_rnd_bits above 28, as on newer Ubuntu runners).  Probe with
# the canary and, if so, run the tests with randomization off (setarch -R:
# a child of this shell only; nothing on the machine changes).
tsan_wrap=()
if build-tsan/loop/tests/tsan-canary 2>&1 | grep -q "unexpected memory mapping"; then
  echo "TSan: unexpected memory mapping with ASLR on; running the TSan tests under setarch -R"
  tsan_wrap=(setarch "$(uname -m)" -R)
fi
# halt_on_error: a race report ends the test at once, so even a canary (which
# passes on its own assertion message) cannot hide one.  The suppression
# file lists races that are not ours, each with its reason.
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$root/loop/tests/tsan.supp" \
  "${tsan_wrap[@]}" ctest --preset build-tsan -j"$jobs"

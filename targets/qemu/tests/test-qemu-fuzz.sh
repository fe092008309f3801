#!/usr/bin/env bash
# test-qemu-fuzz.sh WAKESIM - fuzz_api drives QEMU's own event loop: in the
# build WAKESIM belongs to (configured with a QEMU tree), build fuzz_api and
# its twin of the seed mutation, fuzz the fixed code (clean), fuzz the twin
# (the seed bug is found and its trace replays to the same violation under
# wakesim's twin).  Skips (77) without libFuzzer.
set -uo pipefail
wakesim=$1
. "$(dirname "$0")/lib.sh"
qemu_test_init "$wakesim"
show() { grep -E "^==wakesim== VIOLATION|^Done|^INFO: seed|runs/s|^ok|^VIOLATION" "$1" | cut -c1-200; }

dir=$(cd "$(dirname "$wakesim")/.." && pwd)
wakesim=$dir/cli/wakesim
mut=missing-notify-add-sqe
fuzz=$dir/fuzz/fuzz_api
targets=$(cmake --build "$dir" --target help 2>/dev/null)
grep -q "fuzz_api-qemu-$mut$" <<<"$targets" ||
  { echo "SKIP: no libFuzzer in $dir (clang's libclang-rt-14-dev)"; exit 77; }
run 0 cmake --build "$dir" -j"${WAKESIM_JOBS:-2}" --target fuzz_api "fuzz_api-qemu-$mut"

cd "$work" || fail "no scratch directory"
mkdir fixed found
# The fixed code: 300 inputs from an empty corpus, no finding.  Without BQL
# holders' polls of the main context: with them QEMU 10.2.2 loses the main
# loop's re-arm (docs/qemu.md, findings) within a few hundred inputs.
run 0 env WAKESIM_TARGET=qemu WAKESIM_BQL_POLLS=no WAKESIM_TRACE_DIR="$work/fixed" "$fuzz" -seed=1 -runs=300 \
  -artifact_prefix="$work/fixed/"
grep -q "^Done 300 runs" "$work/out" || fail "fuzz_api did not run 300 inputs on QEMU"
# The seed mutation: fuzz_api on QEMU found it within 98 to 474 executions
# (docs/qemu.md); 3,000 leaves room.
run 1 env WAKESIM_TARGET=qemu WAKESIM_BQL_POLLS=no WAKESIM_MUTANTS=$mut WAKESIM_TRACE_DIR="$work/found" "$fuzz" -seed=1 \
  -runs=3000 -error_exitcode=1 -artifact_prefix="$work/found/"
grep -q "^==wakesim== VIOLATION of sqe-submit-latency" "$work/out" ||
  fail "fuzz_api on QEMU with $mut: no sqe-submit-latency violation"
trace=$(ls "$work"/found/crash-*.trace 2>/dev/null | head -1)
[ -n "$trace" ] || fail "no crash-*.trace written"
run 1 "$wakesim" replay "$trace"
grep -q "^==wakesim== VIOLATION of sqe-submit-latency" "$work/out" ||
  fail "$trace does not replay to sqe-submit-latency"
echo "ok: fuzz_api on QEMU: fixed code clean over 300 inputs; $mut found, its trace replays"
echo "PASS"

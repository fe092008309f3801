#!/usr/bin/env bash
# test-target-refused.sh ROOT WAKESIM FUZZ_REPLAY_API - every strategy that
# cannot serve a target says why and exits 2: bench-detect with a bad
# target or a build without QEMU, check on a scenario that does not list
# qemu, and a fuzz harness asked for a bad or absent target.
set -uo pipefail
root=$1 wakesim=$2 replay=$3
fail=0
expect2() {  # description command...
    local what=$1; shift
    local out rc
    out=$("$@" 2>&1 </dev/null); rc=$?
    if [ "$rc" -ne 2 ] || [ -z "$out" ]; then
        echo "FAIL: $what: exit $rc (want 2 with a reason): $out"; fail=1
    else
        echo "ok: $what: $(printf '%s\n' "$out" | tail -1)"
    fi
}
build=$(cd "$(dirname "$wakesim")/.." && pwd)
expect2 "bench-detect --target bogus" "$root/tools/bench-detect" --target bogus --build "$build"
if ! "$wakesim" list | grep -q '^targets:.*qemu'; then
    expect2 "bench-detect --target qemu without QEMU" \
        "$root/tools/bench-detect" --target qemu --build "$build" --trials 1
    expect2 "check --target qemu without QEMU" "$wakesim" check "$root/scenarios/generated.scn" --target qemu
    expect2 "fuzz harness WAKESIM_TARGET=qemu without QEMU" \
        env WAKESIM_TARGET=qemu "$replay" /dev/null
fi
expect2 "check generated-faults --target qemu" "$wakesim" check "$root/scenarios/generated-faults.scn" --target qemu
expect2 "fuzz harness WAKESIM_TARGET=bogus" env WAKESIM_TARGET=bogus "$replay" /dev/null
exit $fail

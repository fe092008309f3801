#!/usr/bin/env bash
# test-qemu-seed.sh WAKESIM - the seed bug found in QEMU's own code.
#  1. unmodified QEMU 10.2.2: 10,000 schedules of ahci-mmio-inline-submit, no violation;
#  2. with the seed mutation (aio_add_sqe without aio_notify): exit 1,
#     sqe-submit-latency of about 499 ms virtual (the main loop's idle timer);
#  3. its reproducer replays byte for byte (same event log in two processes,
#     through wakesim and through the mutation's own twin binary).
set -uo pipefail
wakesim=$1
. "$(dirname "$0")/lib.sh"
qemu_test_init "$wakesim"
show() { cat "$1"; }

run 0 "$wakesim" run ahci-mmio-inline-submit --target qemu --runs 10000
grep -q "^10000 runs, no violation" "$work/out" || fail "expected 10000 runs without a violation"

run 1 "$wakesim" run ahci-mmio-inline-submit --target qemu --mutant missing-notify-add-sqe \
    --out "$work"
grep -q "sqe-submit-latency" "$work/out" || fail "expected an sqe-submit-latency violation"
ms=$(sed -n 's/.*by main-loop: \([0-9.]*\) ms > bound.*/\1/p' "$work/out" | head -1)
[ -n "$ms" ] || fail "no latency in the report"
awk -v ms="$ms" 'BEGIN { exit !(ms >= 490 && ms <= 500) }' ||
  fail "latency $ms ms, expected about 499 ms (the main loop's idle timer)"
trace=$(ls "$work"/*.trace)
grep -q "^target=qemu" "$trace" || fail "the reproducer does not record target=qemu"

run 1 "$wakesim" replay "$trace"
grep -q "replay matches the recording: verdict sqe-submit-latency" "$work/out" ||
  fail "replay does not match"
"$wakesim" replay "$trace" --log >"$work/log1" 2>&1
"$wakesim" replay "$trace" --log >"$work/log2" 2>&1
twin=$(dirname "$wakesim")/wakesim-qemu-missing-notify-add-sqe
"$twin" replay "$trace" --log >"$work/log3" 2>&1
last="$wakesim replay $trace --log"
cmp "$work/log1" "$work/log2" || fail "two replays printed different event logs"
cmp <(grep '^[0-9]' "$work/log1") <(grep '^[0-9]' "$work/log3") ||
  fail "replay through $twin printed a different event log"
[ "$(grep -c '^[0-9]' "$work/log1")" -gt 100 ] || fail "event log too short"
echo "ok: fixed QEMU passes 10000 runs; seed mutation: sqe-submit-latency $ms ms; replay byte-identical"

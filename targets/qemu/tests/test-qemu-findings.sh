#!/usr/bin/env bash
# test-qemu-findings.sh WAKESIM FINDINGS_DIR - every recorded finding of
# docs/qemu.md (targets/qemu/findings/*.trace, unmodified QEMU 10.2.2)
# replays with this build to the verdict it records, byte for byte (its
# event log hash).  A change that moves QEMU runs' steps makes one diverge:
# then find the same bug again and record it anew (docs/qemu.md says how
# each was found), as the check says.
set -uo pipefail
wakesim=$1
dir=$2
. "$(dirname "$0")/lib.sh"
qemu_test_init "$wakesim"
show() { grep -E "^replay " "$1" | cut -c1-200; }
n=0
for f in "$dir"/*.trace; do
  verdict=$(sed -n 's/^verdict=//p' "$f")
  run 1 "$wakesim" replay "$f"
  grep -q "^replay matches the recording: verdict $verdict," "$work/out" ||
    fail "$(basename "$f") no longer replays to $verdict: record it again"
  n=$((n + 1))
done
[ "$n" -ge 5 ] || fail "expected at least 5 findings in $dir, found $n"
echo "PASS ($n findings)"

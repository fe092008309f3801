#!/bin/bash
# trace-roundtrip.sh REPLAY_BIN WAKESIM CRASHFILE MUTANT INVARIANT
# The replay program writes a wakesim trace of the crash; `wakesim replay`
# must reproduce it: exit 1, the same invariant, "replay matches".
set -u
replay=$1 wakesim=$2 crash=$3 mutant=$4 inv=$5
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
WAKESIM_MUTANTS=$mutant WAKESIM_TRACE_DIR=$dir "$replay" --expect "$inv" "$crash" \
    || { echo "FAIL: $replay did not give $inv"; exit 1; }
trace=$(ls "$dir"/crash-*.trace 2>/dev/null | head -1)
[ -n "$trace" ] || { echo "FAIL: no trace written to $dir"; exit 1; }
env -u WAKESIM_MUTANTS "$wakesim" replay "$trace" >"$dir/out" 2>&1
rc=$?
cat "$dir/out"
[ $rc -eq 1 ] || { echo "FAIL: wakesim replay exited $rc, expected 1"; exit 1; }
grep -q "replay matches the recording: verdict $inv" "$dir/out" \
    || { echo "FAIL: wakesim replay did not reproduce $inv"; exit 1; }
echo "ok: $crash -> $(basename "$trace") -> wakesim replay: $inv"

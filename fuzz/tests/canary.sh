#!/bin/bash
# canary.sh FUZZER MUTANT INVARIANT
# With MUTANT on, the fuzzer must report INVARIANT (exit 1, -error_exitcode)
# within 30 s: a fuzzing set-up that cannot find a known bug is broken.
set -u
fuzzer=$1 mutant=$2 inv=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/c"
(cd "$dir" && WAKESIM_MUTANTS=$mutant WAKESIM_TRACE_DIR=$dir "$fuzzer" -error_exitcode=1 \
    -seed=1 -max_total_time=30 -artifact_prefix="$dir/" "$dir/c" >"$dir/log" 2>&1)
rc=$?
grep -E "^==wakesim==|message:|replay:|trace:" "$dir/log"
[ $rc -eq 1 ] || { echo "FAIL: fuzzer exited $rc (expected 1: a crash)"; tail -5 "$dir/log"; exit 1; }
grep -q "VIOLATION of $inv" "$dir/log" || { echo "FAIL: not a $inv violation"; exit 1; }
ls "$dir"/crash-* >/dev/null 2>&1 || { echo "FAIL: no crash file"; exit 1; }
echo "ok: canary $mutant found as $inv"

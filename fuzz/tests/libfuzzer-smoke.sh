#!/bin/bash
# libfuzzer-smoke.sh FUZZER SEED_DIR RUNS
# Runs the seed corpus, then RUNS mutated inputs, on the fixed code: any
# crash fails (-error_exitcode=1, so libFuzzer's 77 is never a "skip").
# New inputs go to a scratch directory, never into the source tree.
set -u
fuzzer=$1 seeds=$2 runs=$3
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/new"
[ -d "$seeds" ] || seeds=
cd "$dir" && WAKESIM_TRACE_DIR=$dir "$fuzzer" -error_exitcode=1 -seed=1 -runs="$runs" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$dir/" "$dir/new" $seeds 2>&1 \
    | grep -Ev '^#[0-9]+ +(NEW|REDUCE|pulse)'
exit "${PIPESTATUS[0]}"

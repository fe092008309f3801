#!/bin/bash
# fuzz-vs-pct.sh - a benchmark, not a test: do the fuzzers need more runs
# than PCT?  For each case (harness, mutant, the scenario PCT runs) it runs
# each fuzzer variant from an empty corpus with -seed=1..TRIALS, and
# `wakesim run SCENARIO -s pct -d 2` and `-d 3` with TRIALS seeds, each
# trial until its first violation or MAX_SECONDS, and prints per case and
# strategy: found/TRIALS, median / min / max runs to the first violation (a
# miss counts as infinite, so a median is honest) and median seconds.
#
# A fuzzer's runs are libFuzzer's executed units PLUS the simulator runs its
# schedule mutator made internally (the PCT move and its pilot runs: the
# harness prints "N internal simulator runs" at exit and with a crash).
# PCT's runs are N+1 from "VIOLATION in run N" (runs count from 0).
#
#   tools/fuzz-vs-pct.sh [BUILD_DIR] [TRIALS] [MAX_SECONDS] [JOBS]
#
# BUILD_DIR is a clang build (default build-clang) with fuzz/fuzz_* and
# cli/wakesim.  CASES="harness:mutant:scenario-file ..." and
# VARIANTS="default mut noctr" (fuzz_<h>, fuzz_<h>_mut, fuzz_<h>_noctr) and
# PCT_DEPTHS="2 3" override the defaults.  Seconds depend on what else the
# machine runs; the run counts do not.
set -u
root=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$root/build-clang}" && pwd) || exit 2
trials=${2:-8}
max_s=${3:-120}
jobs=${4:-2}
cases=${CASES:-"schedule_bh_cross_thread:poll-skips-notified-recheck:scenarios/bh-cross-thread.scn
api:bh-pending-skips-notify:scenarios/generated.scn
api:poll-skips-notified-recheck:scenarios/generated.scn
api:bh-flags-cleared-after-run:scenarios/generated.scn"}
variants=${VARIANTS-"default mut noctr"}
depths=${PCT_DEPTHS-"2 3"}

fz=$build/fuzz
wakesim=$build/cli/wakesim
[ -x "$fz/fuzz_api" ] && [ -x "$wakesim" ] ||
    { echo "no fuzz_api or wakesim in $build (a clang build, cmake --preset build-clang)" >&2; exit 77; }
work=$(mktemp -d /tmp/fuzz-vs-pct.XXXXXX)
trap 'rm -rf "$work"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

# One trial: prints "harness mutant strategy seed runs seconds found".
trial() {
    local h=$1 m=$2 scn=$3 st=$4 s=$5 d t0 n found=0
    d=$work/$h.$m.$st.$s
    mkdir -p "$d/corpus"
    t0=$(now)
    case $st in
    pct*)
        # Seeds far apart: run i of a trial uses seed + i.
        timeout $((max_s + 5)) "$wakesim" run "$root/$scn" -m "$m" -s pct -d "${st#pct}" \
            --seed $((s * 100000000)) --runs 100000000 --out "$d" >"$d/log" 2>&1
        n=$(sed -n 's/^VIOLATION in run \([0-9]*\).*/\1/p' "$d/log" | head -1)
        [ -n "$n" ] && { found=1; n=$((n + 1)); }
        ;;
    *)
        local bin=$fz/fuzz_$h
        [ "$st" = default ] || bin=${bin}_$st
        (cd "$d" && WAKESIM_MUTANTS=$m WAKESIM_TRACE_DIR=none timeout $((max_s + 30)) \
            "$bin" -seed="$s" -runs=100000000 -max_total_time="$max_s" -error_exitcode=1 \
            -print_final_stats=1 -artifact_prefix="$d/" corpus >"$d/log" 2>&1)
        [ $? = 1 ] && grep -q VIOLATION "$d/log" && found=1
        n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log" | tail -1)
        local extra
        extra=$(sed -n 's/.*: \([0-9]*\) internal simulator runs.*/\1/p' "$d/log" | tail -1)
        n=$((${n:-0} + ${extra:-0}))
        ;;
    esac
    echo "$h $m $st $s ${n:-0} $(elapsed "$t0") $found"
}
export -f trial now elapsed
export work fz wakesim max_s root

for c in $cases; do
    IFS=: read -r h m scn <<<"$c"
    for st in $variants $(for d in $depths; do echo "pct$d"; done); do
        for s in $(seq 1 "$trials"); do echo "$h $m $scn $st $s"; done
    done
done | xargs -P "$jobs" -n 5 bash -c 'trial "$@"' _ >"$work/results"
[ -n "${KEEP_RESULTS:-}" ] && cp "$work/results" "$KEEP_RESULTS"

printf '%-26s %-29s %-8s %6s %12s %9s %9s %9s\n' harness mutant strategy found \
    median-runs min max median-s
for c in $cases; do
    IFS=: read -r h m scn <<<"$c"
    for st in $variants $(for d in $depths; do echo "pct$d"; done); do
        awk -v h="$h" -v m="$m" -v st="$st" -v N="$trials" '
            $1==h && $2==m && $3==st { n++; t[n]=$6;
                if ($7==1) { f++; e[n]=$5 } else { e[n]=1e18 } }
            function med(a, k,  i, j, x) {
                for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x }
                if (k % 2) return a[(k+1)/2]
                return a[k/2+1] >= 1e18 ? 1e18 : (a[k/2] + a[k/2+1]) / 2 }
            END {
                if (n == 0) exit
                mn = 1e18; mx = 0
                for (i = 1; i <= n; i++) { if (e[i] < mn) mn = e[i]; if (e[i] > mx && e[i] < 1e18) mx = e[i] }
                md = med(e, n); ms = med(t, n)
                printf "%-26s %-29s %-8s %3d/%-2d %12s %9s %9s %9.1f\n", h, m, st, f + 0, N,
                    (md >= 1e18) ? "inf" : sprintf("%d", md), (mn >= 1e18) ? "-" : sprintf("%d", mn),
                    (f == 0) ? "-" : sprintf("%d", mx), ms }' "$work/results"
    done
done

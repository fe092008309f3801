#!/bin/bash
# fuzz-compare.sh - does the wakeup-protocol extra-counter feedback help?
#
#   tools/fuzz-compare.sh [BUILD_DIR] [TRIALS] [MAX_SECONDS] [JOBS]
#
# For each (harness, mutant) case below and each variant (fuzz_<h>_ctr with
# counters, fuzz_<h>_noctr without), runs libFuzzer from an empty corpus with
# -seed=1..TRIALS until the first crash (or MAX_SECONDS), and prints the
# number of trials that found the violation and the median / min / max
# executions to the first crash (a trial that found nothing counts as
# infinite, so the median is honest).  Needs a clang build (BUILD_DIR,
# default build-clang).  CASES="harness:mutant ..." overrides the cases.
set -u
build=${1:-build-clang}
trials=${2:-20}
max_s=${3:-60}
jobs=${4:-$(nproc)}
cases=${CASES:-"schedule_ahci_mmio_inline_submit:missing-notify-add-sqe
schedule_idle_timers:timer-mod-no-notify
schedule_bh_cross_thread:bh-schedule-no-notify
schedule_bh_cross_thread:poll-skips-notified-recheck"}

fz=$build/fuzz
[ -x "$fz/fuzz_swarm_ctr" ] || { echo "no libFuzzer binaries in $fz (build with clang)" >&2; exit 77; }
work=$(mktemp -d /tmp/fuzz-compare.XXXXXX)
trap 'rm -rf "$work"' EXIT

# One trial: prints "harness mutant variant seed execs seconds found".
trial() {
    local h=$1 m=$2 v=$3 s=$4 d
    d=$work/$h.$m.$v.$s
    mkdir -p "$d/corpus"
    local t0=$(date +%s.%N)
    (cd "$d" && WAKESIM_MUTANTS=$m WAKESIM_TRACE_DIR=$d timeout $((max_s + 30)) \
        "$fz/fuzz_${h}_$v" -seed="$s" -runs=100000000 -max_total_time="$max_s" \
        -error_exitcode=1 -print_final_stats=1 -artifact_prefix="$d/" corpus \
        >"$d/log" 2>&1)
    local rc=$? t1=$(date +%s.%N)
    local n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$d/log")
    echo "$h $m $v $s ${n:-0} $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }') $([ $rc = 1 ] && echo 1 || echo 0)"
}
export -f trial
export work fz max_s

for c in $cases; do
    for v in ctr noctr; do
        for s in $(seq 1 "$trials"); do echo "${c%%:*} ${c##*:} $v $s"; done
    done
done | xargs -P "$jobs" -n 4 bash -c 'trial "$@"' _ > "$work/results"

printf '%-34s %-29s %-6s %6s %12s %10s %10s %9s\n' harness mutant feedbk found \
    median-execs min-execs max-execs median-s
for c in $cases; do
    for v in ctr noctr; do
        awk -v h="${c%%:*}" -v m="${c##*:}" -v v="$v" -v N="$trials" '
            $1==h && $2==m && $3==v { n++; t[n]=$6;
                if ($7==1) { f++; e[n]=$5 } else { e[n]=1e18 } }
            function med(a, k,  i, j, x) {      # insertion sort, then middle
                for (i = 2; i <= k; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j+1] = a[j]; a[j+1] = x }
                return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2 }
            END {
                mn = 1e18; mx = 0
                for (i = 1; i <= n; i++) { if (e[i] < mn) mn = e[i]; if (e[i] > mx && e[i] < 1e18) mx = e[i] }
                md = med(e, n); ms = med(t, n)
                fb = (v == "ctr") ? "ctr" : "none"
                smd = (md >= 1e18) ? "inf" : sprintf("%d", md)
                smn = (mn >= 1e18) ? "-" : sprintf("%d", mn)
                smx = (f == 0) ? "-" : sprintf("%d", mx)
                printf "%-34s %-29s %-6s %3d/%-2d %12s %10s %10s %9.1f\n", h, m, fb, f + 0, N,
                    smd, smn, smx, ms }' "$work/results"
    done
done

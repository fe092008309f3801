#!/bin/bash
# fuzz-campaign.sh FUZZER SECONDS REPORT [LIBFUZZER-ARG...]
#
# One fuzzing campaign, as a continuous-fuzzing service runs it: FUZZER
# (a libFuzzer binary, e.g. ossfuzz.sh's api_fuzzer) with -max_total_time=
# SECONDS and the given flags and corpus directories, e.g.
#
#   nohup nice -n 10 tools/fuzz-campaign.sh ./api_fuzzer 3600 campaign.txt \
#       -timeout=25 -rss_limit_mb=2560 -max_len=2048 corpus-dir &
#
# Writes REPORT as it goes: the command, the fuzzer's resident set size
# (VmRSS) every 10 s (INTERVAL overrides), then a summary: exit code,
# artifacts (crash-/timeout-/oom-/leak-/slow-unit- files; -artifact_prefix
# is REPORT.d/), RSS at the first sample, its maximum and at the last, and
# libFuzzer's final line.  libFuzzer's output goes to REPORT.log.  A fuzzer
# still running 120 s after SECONDS is killed and reported as hung.
# Exit 0 when the fuzzer exited 0 and wrote no artifact, else 1.
set -u
[ $# -ge 3 ] || { sed -n '2,3p' "$0" >&2; exit 2; }
fuzzer=$1 secs=$2 report=$3
shift 3
[ -x "$fuzzer" ] || { echo "fuzz-campaign.sh: $fuzzer is not executable" >&2; exit 2; }
[[ $secs =~ ^[0-9]+$ ]] || { echo "fuzz-campaign.sh: SECONDS must be a number" >&2; exit 2; }
interval=${INTERVAL:-10}
art=$report.d
log=$report.log
mkdir -p "$art" || exit 2
cmd=("$fuzzer" "-max_total_time=$secs" "$@" "-artifact_prefix=$art/")
{
    echo "# fuzz-campaign.sh $(date -u +%FT%TZ) on $(uname -n), nice $(nice)"
    echo "# command: ${cmd[*]}"
    echo "# log: $log; artifacts: $art/"
    echo "# t_s rss_mb"
} >"$report"

WAKESIM_TRACE_DIR=$art "${cmd[@]}" >"$log" 2>&1 &
pid=$!
t0=$(date +%s)
hung=0
rss_samples=()
next=$interval
while kill -0 "$pid" 2>/dev/null; do
    sleep 1
    t=$(($(date +%s) - t0))
    [ "$t" -ge "$next" ] || continue
    next=$((next + interval))
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null) || kb=
    if [ -n "$kb" ]; then
        rss_samples+=($((kb / 1024)))
        echo "$t ${rss_samples[-1]}" >>"$report"
    fi
    if [ "$t" -gt $((secs + 120)) ] && kill -0 "$pid" 2>/dev/null; then
        hung=1
        kill -KILL "$pid"
    fi
done
wait "$pid"
rc=$?
elapsed=$(($(date +%s) - t0))

shopt -s nullglob
artifacts=$(cd "$art" && echo crash-* timeout-* oom-* leak-* slow-unit-*)
first=- max=- last=-
if [ ${#rss_samples[@]} -gt 0 ]; then
    first=${rss_samples[0]} last=${rss_samples[-1]}
    max=$(printf '%s\n' "${rss_samples[@]}" | sort -n | tail -1)
fi
{
    echo "# summary"
    echo "exit: $rc after $elapsed s$([ $hung = 1 ] && echo " (killed: still running 120 s past -max_total_time)")"
    echo "artifacts: ${artifacts:-none}"
    echo "rss_mb: first $first, max $max, last $last (${#rss_samples[@]} samples every $interval s)"
    echo "libfuzzer: $(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -1)"
    echo "libfuzzer: $(grep -E '^Done [0-9]+ runs' "$log" || echo 'no Done line')"
    grep -E 'ALARM:|ERROR: libFuzzer|ERROR: AddressSanitizer' "$log" | head -5 | sed 's/^/error: /'
} >>"$report"
[ $rc -eq 0 ] && [ -z "$artifacts" ]

#!/bin/bash
# fuzz-flags.sh OUT HARNESS FLAG...
# Runs OUT/HARNESS_fuzzer (built by ossfuzz-smoke.sh OUTDIR) on the fixed
# code from its seed corpus with libFuzzer FLAGs, which must include
# -max_total_time=N, as a continuous-fuzzing service would.  Passes when the
# fuzzer stops by itself (within N + 30 s) with exit 0, reports no libFuzzer
# error (a timeout, an out-of-memory, a crash) and writes no artifact
# (crash-, timeout-, oom-, leak-, slow-unit- files) anywhere it may write.
# Exit 77 when OUT has no such fuzzer (no clang/libFuzzer: the build skipped).
set -u
out=$1 h=$2
shift 2
fuzzer=$out/${h}_fuzzer
[ -x "$fuzzer" ] || { echo "skip: no $fuzzer (corpus.ossfuzz-build skipped?)"; exit 77; }
max=
for f in "$@"; do
    case $f in -max_total_time=*) max=${f#-max_total_time=} ;; esac
done
[[ $max =~ ^[0-9]+$ ]] || { echo "FAIL: give -max_total_time=N"; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/seeds" "$tmp/artifacts" "$tmp/cwd"
unzip -q -o "${fuzzer}_seed_corpus.zip" -d "$tmp/seeds"
t0=$(date +%s)
(cd "$tmp/cwd" && WAKESIM_MUTANTS='' WAKESIM_TRACE_DIR=$tmp/artifacts \
    timeout -k 5 $((max + 30)) "$fuzzer" "$@" -artifact_prefix="$tmp/artifacts/" \
    "$tmp/seeds" >"$tmp/log" 2>&1)
rc=$?
secs=$(($(date +%s) - t0))

fail=0
shopt -s nullglob
artifacts=$(cd "$tmp" && echo {artifacts,cwd}/{crash,timeout,oom,leak,slow-unit}-*)
case $rc in  # timeout's TERM, then its KILL 5 s later
124 | 137) echo "FAIL: still running $((max + 30)) s in (-max_total_time=$max)"; fail=1 ;;
esac
[ $rc -eq 0 ] || { echo "FAIL: exit $rc"; fail=1; }
[ -z "$artifacts" ] || { echo "FAIL: artifacts written: $artifacts"; fail=1; }
if grep -E 'ALARM:|ERROR: libFuzzer|ERROR: AddressSanitizer|==wakesim== VIOLATION' "$tmp/log"; then
    echo "FAIL: the log reports an error"
    fail=1
fi
grep -q '^Done [0-9]* runs' "$tmp/log" || { echo "FAIL: no 'Done N runs' line"; fail=1; }
echo "${h}_fuzzer $*: exit $rc after $secs s; $(grep -o '^Done.*' "$tmp/log");" \
    "$(grep -o 'rss: [0-9]*Mb' "$tmp/log" | tail -1)"
[ $fail -eq 0 ] || tail -30 "$tmp/log"
exit $fail

#!/usr/bin/env bash
# stress-real.sh [-n RUNS] [-l BUSY_LOOPS] [-b BUILD_DIR] [-- CTEST_ARGS...]
#
# Runs the real-thread tests (`ctest -L real`) RUNS times (default 200)
# while BUSY_LOOPS processes (default: one more than the cores) spin on the
# CPU, and prints how many repetitions failed and which tests failed.  A
# real-thread test must not depend on how the OS schedules its threads;
# load makes the rare schedules common.  Exit 0 when nothing failed, 1
# otherwise, 2 on bad usage.  The busy loops are this script's children and
# are killed when it ends.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=200
loops=$(( $(nproc) + 1 ))
build=$root/build
usage() { echo "usage: $0 [-n RUNS] [-l BUSY_LOOPS] [-b BUILD_DIR] [-- CTEST_ARGS...]" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    -n) [ $# -ge 2 ] || usage; runs=$2; shift 2 ;;
    -l) [ $# -ge 2 ] || usage; loops=$2; shift 2 ;;
    -b) [ $# -ge 2 ] || usage; build=$2; shift 2 ;;
    --) shift; break ;;
    *) usage ;;
  esac
done
[[ $runs =~ ^[0-9]+$ && $runs -gt 0 ]] || { echo "$0: -n needs a positive integer, not '$runs'" >&2; exit 2; }
[[ $loops =~ ^[0-9]+$ ]] || { echo "$0: -l needs a non-negative integer, not '$loops'" >&2; exit 2; }
[ -f "$build/CTestTestfile.cmake" ] ||
  { echo "$0: $build is not a configured build (cmake --preset build && cmake --build --preset build)" >&2; exit 2; }

busy=()
stop_busy() {
  local p
  for p in "${busy[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${busy[@]}"; do wait "$p" 2>/dev/null; done
  busy=()
}
trap 'stop_busy' EXIT
trap 'stop_busy; exit 130' INT TERM
for ((i = 0; i < loops; i++)); do
  ( while :; do :; done ) &
  busy+=($!)
done

log=$(mktemp -d)
failed_runs=0
declare -A failed_tests=()
start=$(date +%s)
echo "stress-real: $runs x ctest -L real $* in $build, $loops busy loops on $(nproc) cores; logs in $log"
for ((r = 1; r <= runs; r++)); do
  if ! ctest --test-dir "$build" -L real --no-tests=error "$@" > "$log/run-$r.txt" 2>&1; then
    failed_runs=$((failed_runs + 1))
    names=$(sed -n 's/^.*Test *#[0-9]*: \([^ ]*\) .*\(Failed\|Timeout\|Exception\|Not Run\).*/\1/p' "$log/run-$r.txt")
    for n in $names; do failed_tests[$n]=$(( ${failed_tests[$n]:-0} + 1 )); done
    echo "run $r FAILED: $(echo $names) (log $log/run-$r.txt)"
  else
    rm -f "$log/run-$r.txt"
  fi
  if (( r % 10 == 0 )); then
    echo "  $r/$runs runs, $failed_runs failed, $(( $(date +%s) - start )) s"
  fi
done
stop_busy
echo "stress-real: $failed_runs of $runs runs failed ($loops busy loops, $(( $(date +%s) - start )) s)"
for n in "${!failed_tests[@]}"; do
  echo "  $n failed ${failed_tests[$n]} time(s); rerun: ctest --test-dir $build -R '^$n\$' --output-on-failure"
done
[ "$failed_runs" -eq 0 ]

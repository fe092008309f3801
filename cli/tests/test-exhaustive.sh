#!/usr/bin/env bash
# test-exhaustive.sh WAKESIM SMALL_SCN [quick] - wakesim run --strategy exhaustive:
#  - on a small scenario (SMALL_SCN), K = 2 with and without the sleep-set
#    reduction reaches the same set of distinct end states (verdict and
#    each thread's events without their virtual times), and the reduction
#    prunes something (else the comparison shows nothing);
#  - the seed mutant is found within K = 0 and its reproducer replays;
#  - a budget stops the search and says so; bad combinations exit 2.
# quick (the sanitized build): all but the K = 2 comparison, which is
# 2 x 34,000 logged runs (about a minute in the plain build).
set -u
wakesim=$1 small=$2 quick=${3:-}
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init

compare_k2() {
"$wakesim" run "$small" --strategy exhaustive --preemptions 2 --end-states > "$work/red.txt" 2>&1
rc_red=$?
"$wakesim" run "$small" --strategy exhaustive --preemptions 2 --end-states --no-reduction \
  > "$work/full.txt" 2>&1
rc_full=$?
[ $rc_red -eq 0 ] && [ $rc_full -eq 0 ] || fail "exit codes $rc_red / $rc_full, expected 0"
for f in red full; do
  grep -q "^all schedules with ≤ 2 preemptions explored: no violation" "$work/$f.txt" ||
    { fail "$f: no completion line"; cat "$work/$f.txt"; }
done
states_red=$(grep "^end states:" "$work/red.txt")
states_full=$(grep "^end states:" "$work/full.txt")
pruned=$(sed -n 's/^schedules explored [0-9]*, pruned \([0-9]*\) .*/\1/p' "$work/red.txt")
if [ -z "$states_red" ] || [ "$states_red" != "$states_full" ]; then
  fail "end states differ: with reduction '$states_red', without '$states_full'"
elif [ "${pruned:-0}" -eq 0 ]; then
  fail "the reduction pruned nothing: the comparison is empty"
else
  echo "ok: K=2 $states_red with and without reduction (pruned $pruned)"
fi
}
if [ "$quick" = quick ]; then
  echo "skip: the K=2 comparison (sanitized build; the plain build runs it)"
else
  compare_k2
fi

mkdir "$work/out"
"$wakesim" run ahci-mmio-inline-submit --mutant missing-notify-add-sqe --strategy exhaustive \
  --preemptions 0 --out "$work/out" > "$work/seed.txt" 2>&1
[ $? -eq 1 ] || fail "the seed mutant was not found at K=0"
grep -q "^VIOLATION in schedule 1 " "$work/seed.txt" || fail "no violation line for the seed mutant"
trace=$(ls "$work/out"/*.trace 2>/dev/null | head -1)
[ -n "$trace" ] && "$wakesim" replay "$trace" 2>&1 | grep -q "replay matches the recording" ||
  fail "the exhaustive reproducer does not replay"

"$wakesim" run ahci-mmio-inline-submit --strategy exhaustive --preemptions 2 \
  --max-schedules 10 > "$work/budget.txt" 2>&1
grep -q "^budget of 10 schedules reached: NOT all" "$work/budget.txt" || fail "budget line"

usage() {  # ARGS...: must exit 2
  "$wakesim" run ahci-mmio-inline-submit "$@" > "$work/u.txt" 2>&1
  [ $? -eq 2 ] || fail "'$*' did not exit 2: $(cat "$work/u.txt")"
}
usage --strategy exhaustive --runs 5
usage --strategy exhaustive --seed 3
usage --strategy exhaustive --jobs 2
usage --strategy exhaustive --workload generated
usage --preemptions 2
usage --strategy exhaustive --preemptions 99
[ "$failures" -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }

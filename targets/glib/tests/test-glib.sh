#!/usr/bin/env bash
# test-glib.sh FIXED MUTANT... - glib's own main loop under the runner
# (targets/glib/idle-wakeup.c).  FIXED: every invoke/idle/mailbox item is
# dispatched within its 10 ms bound in 200 random and 200 PCT schedules.
# Each MUTANT (the mailbox source's wakeup removed, or called before the
# item is published): the runner finds handoff-latency on a mailbox item
# within 100 runs, and the program replays its reproducer identically.
set -u
fixed=$(realpath "$1")
shift
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../../tools/test-lib.sh"
test_init

for strategy in random pct; do
  (cd "$work" && "$fixed" --runs 200 --strategy $strategy --out "$work/fixed") \
    > "$work/fixed.out" 2>&1
  rc=$?
  [ "$rc" -eq 0 ] || { fail "fixed program ($strategy) exited $rc:"; tail -15 "$work/fixed.out"; }
  tail -1 "$work/fixed.out"
done
ls "$work"/fixed/*.trace > /dev/null 2>&1 && fail "fixed program wrote a reproducer"

for mutant in "$@"; do
  mutant=$(realpath "$mutant")
  name=$(basename "$mutant")
  out=$work/$name
  (cd "$work" && "$mutant" --runs 100 --out "$out") > "$out.out" 2>&1
  rc=$?
  [ "$rc" -eq 1 ] || { fail "$name exited $rc, expected 1:"; tail -15 "$out.out"; continue; }
  grep -q "handoff-latency: hand-off mailbox" "$out.out" ||
    fail "$name: no handoff-latency verdict on a mailbox item"
  grep -m1 "VIOLATION in" "$out.out" | cut -c1-120
  trace=$(ls "$out"/*.trace 2>/dev/null | head -1)
  [ -n "$trace" ] || { fail "$name: no reproducer"; continue; }
  "$mutant" --replay "$trace" > "$out.replay" 2>&1
  rc=$?
  [ "$rc" -eq 1 ] && grep -q "identical" "$out.replay" ||
    { fail "$name: replay exited $rc or diverged:"; tail -5 "$out.replay"; }
done
[ "$failures" -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }

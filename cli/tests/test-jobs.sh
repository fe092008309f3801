#!/usr/bin/env bash
# test-jobs.sh WAKESIM CRASHY_WAKESIM - --jobs N gives what --jobs 1 gives:
# the same first violation, the same counts and a byte-identical reproducer
# (a mutant found after 2,746 runs, so both workers are busy when it is
# found), the same verdict lines from check, the same count on the fixed
# code, and a crash in a worker recorded as one job records it.
set -u
wakesim=$1 crashy=$2
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init

# run_both NAME EXPECTED_RC BINARY ARGS...: runs with --jobs 1 and 2 into
# $work/NAME-1, -2 (output in out.txt, reproducers beside it); compares
# the outputs without timings and directory names, and the reproducers.
run_both() {
  local name=$1 want=$2 bin=$3; shift 3
  for j in 1 2; do
    mkdir -p "$work/$name-$j"
    "$bin" "$@" --jobs $j --out "$work/$name-$j" > "$work/$name-$j.txt" 2>&1
    local rc=$?
    [ "$rc" -eq "$want" ] || { fail "$name --jobs $j exited $rc, expected $want"; cat "$work/$name-$j.txt"; }
    # A sanitizer's own report (its stack frames) is the runtime's, not ours.
    sed -E "/^ +#[0-9]+ 0x/d; s|$work/$name-$j|DIR|g; s/[0-9.]+ s, [0-9]+ runs\/s//; s/--jobs $j//" \
      "$work/$name-$j.txt" > "$work/$name-$j.norm"
  done
  diff "$work/$name-1.norm" "$work/$name-2.norm" > "$work/$name.diff" ||
    { fail "$name: --jobs 2 printed otherwise than --jobs 1:"; cat "$work/$name.diff"; }
  local n1 n2
  n1=$(ls "$work/$name-1" | wc -l) n2=$(ls "$work/$name-2" | wc -l)
  [ "$n1" -eq "$n2" ] || fail "$name: $n1 reproducers with --jobs 1, $n2 with --jobs 2"
  for f in "$work/$name-1"/*; do
    [ -e "$f" ] || continue
    cmp -s "$f" "$work/$name-2/$(basename "$f")" ||
      fail "$name: reproducer $(basename "$f") differs between --jobs 1 and 2"
  done
  echo "ok: $name: --jobs 1 and 2 alike"
}

run_both mutant 1 "$wakesim" run bh-cross-thread --mutant poll-skips-notified-recheck \
  --strategy pct --pct-depth 2 --seed 1 --runs 20000
grep -q "^VIOLATION in run 2745 (seed 2746): deadlock" "$work/mutant-2.txt" ||
  fail "the mutant was not found at run 2745 with --jobs 2"
grep -q "^2746 runs, 1 violation" "$work/mutant-2.txt" || fail "--jobs 2 miscounted the runs"
[ "$(ls "$work/mutant-2" | wc -l)" -eq 1 ] || fail "no reproducer with --jobs 2"
"$wakesim" replay "$work/mutant-2"/*.trace > "$work/replay.txt" 2>&1
grep -q "replay matches the recording" "$work/replay.txt" || fail "the --jobs 2 reproducer does not replay"

run_both fixed 0 "$wakesim" run bh-cross-thread --seed 7 --runs 3000
grep -q "^3000 runs, no violation" "$work/fixed-2.txt" || fail "--jobs 2 on the fixed code"

run_both fixed-log 0 "$wakesim" run ahci-mmio-inline-submit --seed 3 --runs 40 --log

run_both check 0 "$wakesim" check bh-cross-thread
run_both crash 1 "$crashy" run ahci-mmio-inline-submit --seed 1 --runs 50
grep -q "VIOLATION in run 1 (seed 2): crash" "$work/crash-2.txt" || fail "crash in a worker"

# Seed ranges shard a random-walk campaign across machines (docs/scale.md):
# shard 2 of 2 finds what the whole campaign finds, with the same
# reproducer.  (PCT estimates its n from a pilot run of the first seed, so
# a PCT shard runs other schedules than the whole campaign's.)
campaign=(run bh-back-to-back --mutant notify-skips-full-fence --memory-model tso --jobs 2)
mkdir -p "$work/whole" "$work/shard1" "$work/shard2"
"$wakesim" "${campaign[@]}" --seed 1 --runs 20 --out "$work/whole" > "$work/whole.txt" 2>&1
"$wakesim" "${campaign[@]}" --seed 1 --runs 10 --out "$work/shard1" > "$work/shard1.txt" 2>&1
[ $? -eq 0 ] || fail "shard 1 (seeds 1..10) found something: the campaign split is not the test's"
"$wakesim" "${campaign[@]}" --seed 11 --runs 10 --out "$work/shard2" > "$work/shard2.txt" 2>&1
whole=$(sed -n 's/^VIOLATION in run [0-9]* (seed \([0-9]*\)).*/\1/p' "$work/whole.txt")
shard=$(sed -n 's/^VIOLATION in run [0-9]* (seed \([0-9]*\)).*/\1/p' "$work/shard2.txt")
if [ -z "$whole" ] || [ "$whole" != "$shard" ]; then
  fail "the whole campaign found seed '$whole', shard 2 seed '$shard'"
elif ! cmp -s "$work/whole"/*.trace "$work/shard2"/*.trace; then
  fail "the shard's reproducer differs from the whole campaign's"
else
  echo "ok: shard 2 of 2 finds seed $shard with the whole campaign's reproducer"
fi

"$wakesim" run bh-cross-thread --runs 5 --jobs 0 > "$work/bad.txt" 2>&1
[ $? -eq 2 ] || fail "--jobs 0 is not a usage error"
[ "$failures" -eq 0 ] && echo "PASS" || { echo "$failures failure(s)"; exit 1; }

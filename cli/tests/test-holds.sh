#!/usr/bin/env bash
# test-holds.sh WAKESIM SCENARIOS_DIR - wakesim run --hold-stores (store
# holds, docs/memory-model.md "Holding stores") and [expect] hold-stores:
#  - bad values and combinations exit 2 (bytes and exhaustive draw nothing
#    to steer);
#  - --hold-stores 0 is the plain search, run for run (its output is that
#    of the same command without the option);
#  - with holds a run is deterministic (the same command twice, the same
#    output) and its reproducer replays as recorded (holds change draws,
#    not what is recorded);
#  - wakesim check searches with the [expect]'s holds (its header says so,
#    and the mutant is still found); a bad value exits 2.
set -u
wakesim=$1
scns=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }
base=(run bh-back-to-back --mutant notify-skips-full-fence --memory-model tso --seed 1 --runs 300 --jobs 1)

usage() {  # ARGS...: must exit 2
  "$wakesim" "$@" >"$work/u.txt" 2>&1
  [ $? -eq 2 ] || fail "'$*' did not exit 2: $(cat "$work/u.txt")"
}
usage run bh-back-to-back --hold-stores many
usage run bh-back-to-back --hold-stores 2000000
usage run bh-back-to-back --hold-points 8
usage run bh-back-to-back --hold-stores 8 --hold-points 0
usage run bh-back-to-back --strategy bytes --hold-stores 8
usage run bh-back-to-back --strategy exhaustive --hold-stores 8

# What a search reports, without its timing.
verdicts() { grep -E "^VIOLATION in run|^[0-9]+ runs?, " "$1" | sed 's/, [0-9.]* s, .*//'; }

mkdir -p "$work/plain" "$work/off" "$work/a" "$work/b"
"$wakesim" "${base[@]}" --out "$work/plain" >"$work/plain.txt" 2>&1
"$wakesim" "${base[@]}" --hold-stores 0 --out "$work/off" >"$work/off.txt" 2>&1
[ -n "$(verdicts "$work/plain.txt")" ] || fail "no verdict: $(cat "$work/plain.txt")"
[ "$(verdicts "$work/plain.txt")" = "$(verdicts "$work/off.txt")" ] ||
  fail "--hold-stores 0 changed the search: $(verdicts "$work/plain.txt") / $(verdicts "$work/off.txt")"

for d in a b; do
  "$wakesim" "${base[@]}" --hold-stores 8 --out "$work/$d" >"$work/$d.txt" 2>&1
  [ $? -eq 1 ] || fail "holds, run $d: no violation in 300 runs: $(tail -2 "$work/$d.txt")"
done
[ "$(verdicts "$work/a.txt")" = "$(verdicts "$work/b.txt")" ] ||
  fail "holds: the same command gave $(verdicts "$work/a.txt") / $(verdicts "$work/b.txt")"
grep -q "hold-stores 8, hold-points 256" "$work/a.txt" || fail "the header does not say holds are on"
"$wakesim" replay "$work"/a/*.trace >"$work/replay.txt" 2>&1
grep -q "replay matches the recording" "$work/replay.txt" ||
  fail "the reproducer of a run with holds does not replay: $(tail -3 "$work/replay.txt")"

sed 's/^\[expect\]/[expect]\nhold-stores = 8/' "$scns/bh-back-to-back.scn" >"$work/held.scn"
"$wakesim" check "$work/held.scn" --runs 20 --jobs 1 --out "$work" >"$work/check.txt" 2>&1
[ $? -eq 0 ] || fail "check with [expect] hold-stores = 8: $(tail -3 "$work/check.txt")"
grep -q "^wakesim check: .*, hold-stores 8$" "$work/check.txt" || fail "check: no holds in its header"
grep -q "^ok   notify-skips-full-fence  *tso expected found" "$work/check.txt" ||
  fail "check with holds: notify-skips-full-fence not found: $(cat "$work/check.txt")"
sed 's/^\[expect\]/[expect]\nhold-stores = lots/' "$scns/bh-back-to-back.scn" >"$work/bad.scn"
usage check "$work/bad.scn"

[ $failures -eq 0 ] || exit 1
echo "PASS: holds: usage errors exit 2, 0 is the plain search, runs with holds repeat and replay, check takes [expect] hold-stores"

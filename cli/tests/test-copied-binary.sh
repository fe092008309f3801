#!/usr/bin/env bash
# test-copied-binary.sh WAKESIM SCENARIO_DIR - a wakesim copied alone into an
# empty directory (no scenarios beside it, no installation, no
# $WAKESIM_SCENARIOS) still has its built-in scenarios, compiled in: `list`
# names every SCENARIO_DIR/*.scn and `run`/`check` take them by name.
set -u
wakesim=$1 scn_dir=$2
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init
mkdir "$work/bin"
cp "$wakesim" "$work/bin/wakesim"
cd "$work/bin" || exit 1
unset WAKESIM_SCENARIOS

./wakesim list >"$work/list" 2>&1 || fail "list exited $?"
grep -q "^scenarios (built into this binary):" "$work/list" || fail "list does not say the scenarios are built in"
n=0
for f in "$scn_dir"/*.scn; do
  name=$(basename "$f" .scn)
  n=$((n + 1))
  grep -q "^  $name " "$work/list" || fail "list lacks $name"
  grep -q "^  $name *(invalid" "$work/list" && fail "list: built-in $name is invalid"
done
echo "ok: list names the $n scenarios of $scn_dir"

./wakesim run ahci-mmio-inline-submit --seed 1 --runs 20 >"$work/out" 2>&1 || fail "run exited $?"
grep -q "<built-in>/ahci-mmio-inline-submit.scn" "$work/out" || fail "run did not use the built-in scenario"
grep -q "20 runs, no violation" "$work/out" && echo "ok: run by name: $(tail -1 "$work/out")" ||
  { fail "run by name"; cat "$work/out"; }
./wakesim run ahci-mmio-inline-submit -m missing-notify-add-sqe --seed 1 --runs 500 \
  --out "$work/repro" >"$work/out" 2>&1
[ $? -eq 1 ] && ./wakesim replay "$work"/repro/*.trace 2>&1 | grep -q "replay matches the recording" &&
  echo "ok: a violation found from the built-in scenario replays" ||
  { fail "violation and replay from the built-in scenario"; cat "$work/out"; }
./wakesim check idle-timers >"$work/out" 2>&1 && echo "ok: check by name" ||
  { fail "check idle-timers exited $?"; tail -5 "$work/out"; }
./wakesim run no-such-scenario >"$work/out" 2>&1
[ $? -eq 2 ] && grep -q "no built-in scenario of that name" "$work/out" &&
  echo "ok: an unknown name -> 2: $(cat "$work/out")" || { fail "unknown name"; cat "$work/out"; }
[ "$failures" -eq 0 ] && echo "test-copied-binary: all pass" || echo "test-copied-binary: $failures failure(s)"
[ "$failures" -eq 0 ]

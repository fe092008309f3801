#!/usr/bin/env bash
# test-starved-giver.sh WAKESIM SCENARIO TARGET DEPTH:SEED... - the fairness
# bound removes the starved-giver false verdict (docs/invariants.md, "The
# fairness bound").
#
# iothread-polling-long polls in 2 ms windows with a 500 us hand-off bound.
# PCT keeps a vCPU runnable but unpicked between its qemu_bh_schedule and
# its aio_notify while the iothread polls, and virtual time runs on: with
# [machine] fairness = off these PCT schedules (--pct-depth DEPTH --seed
# SEED, single runs) fail the fixed code (handoff-latency, ~1 ms late);
# with the default bound (25 us here) they pass.  They were found with
# `wakesim run COPY --target TARGET --strategy pct --pct-depth D --runs 3000
# --seed 1` on a copy with fairness = off (depth 1 replays as a single run
# whatever PCT's n; deeper ones only while n stays the same).  If the
# target's code moves so that none of them starves the giver, pick again.
set -u
wakesim=$1 scn=$2 target=$3
shift 3
if [ ! -x "$wakesim" ]; then # the QEMU target's, when qemu.build skipped
  echo "SKIP: $wakesim not built"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sed 's/^\[machine\]$/[machine]\nfairness = off/' "$scn" > "$work/unfair.scn"
grep -q '^fairness = off$' "$work/unfair.scn" || { echo "FAIL: no [machine] in $scn"; exit 1; }

failed=0 unfair=0
for ds in "$@"; do
  d=${ds%:*} seed=${ds#*:}
  args=(--target "$target" --strategy pct --pct-depth "$d" --seed "$seed" --out "$work")
  out=$("$wakesim" run "$work/unfair.scn" "${args[@]}" 2>&1); rc=$?
  if [ $rc -eq 1 ] && grep -q '^VIOLATION.*handoff-latency' <<<"$out"; then
    echo "fairness = off, pct depth $d seed $seed: false verdict (as expected)"
    unfair=$((unfair + 1))
  else
    echo "fairness = off, pct depth $d seed $seed: exit $rc, no handoff-latency"
  fi
  out=$("$wakesim" run "$scn" "${args[@]}" 2>&1); rc=$?
  if [ $rc -eq 0 ]; then
    echo "default bound,  pct depth $d seed $seed: pass"
  else
    echo "FAIL: default bound, pct depth $d seed $seed: exit $rc"; echo "$out" | tail -3
    failed=1
  fi
done
if [ $unfair -eq 0 ]; then
  echo "FAIL: no schedule fails with fairness = off any more: the test shows nothing (re-pick)"
  failed=1
fi
exit $failed

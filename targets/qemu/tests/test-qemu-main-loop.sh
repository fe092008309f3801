#!/usr/bin/env bash
# test-qemu-main-loop.sh WAKESIM SCENARIO - the generated workload on QEMU's
# main loop itself ([workload] main-loop-ops = yes, generated-qemu-main-loop):
#  1. unmodified QEMU passes 1,000 runs from seed 1;
#  2. the logged runs of seeds 1 to 6 reach both main-loop clocks' timers
#     firing (QEMU_CLOCK_REALTIME val=0, QEMU_CLOCK_VIRTUAL val=1) and the
#     main loop seeing raised events (flag + qemu_notify_event());
#  3. C-06 (notify-event-bare-aio-notify: qemu_notify_event() as a bare
#     aio_notify(), the logic before edec47cfef) is found at two seeds where
#     random searches from 200006 and 1300039 first found it (runs 172 and
#     1,246): an event raised, and a main-loop timer armed, after the main
#     loop read its flags (the timers' deadline) and before glib's prepare
#     raised notify_me, seen 20 ms and fired 15 ms late; the fixed code
#     passes those runs.  A change to the workload's or the main loop's
#     decisions moves them (re-pick with `wakesim run SCN --target qemu
#     --mutant notify-event-bare-aio-notify --seed 100003 --runs 20000`);
#  4. main-loop-ops is refused where it cannot run: a scenario for target
#     loop, or not the generated workload.
set -uo pipefail
wakesim=$1
scn=$2
. "$(dirname "$0")/lib.sh"
qemu_test_init "$wakesim"
show() { grep -E "^VIOLATION in run|runs/s$|error|refused|lacks" "$1" | cut -c1-200; }

run 0 "$wakesim" run "$scn" --target qemu --runs 1000 --seed 1
grep -q "^1000 runs, no violation" "$work/out" || fail "expected 1000 runs without a violation"

: >"$work/logs"
for seed in $(seq 1 6); do
  last="$wakesim run $scn --target qemu --runs 1 --seed $seed --log"
  "$wakesim" run "$scn" --target qemu --runs 1 --seed "$seed" --log >>"$work/logs" 2>&1
done
for what in "main-loop timer fired obj=[0-9]* val=0" "main-loop timer fired obj=[0-9]* val=1" \
            "main-loop event seen"; do
  grep -q "monitor $what" "$work/logs" || fail "no logged run of seeds 1 to 6 has '$what'"
done

mut=notify-event-bare-aio-notify
[ -x "$(dirname "$wakesim")/wakesim-qemu-$mut" ] || fail "the twin wakesim-qemu-$mut was not built"
while read -r seed what; do
  run 1 "$wakesim" run "$scn" --target qemu --mutant "$mut" --seed "$seed" --runs 1 --out "$work"
  grep -q "^VIOLATION in run 0 (seed $seed): handoff-latency: $what of " "$work/out" ||
    fail "$mut from seed $seed: expected the handoff-latency of a $what"
  run 0 "$wakesim" run "$scn" --target qemu --seed "$seed" --runs 1
done <<'CASES'
200178 qemu_notify_event
1301285 main-loop rt timer
CASES

sed 's/^targets = qemu/targets = loop, qemu/' "$scn" >"$work/loop.scn"
run 2 "$wakesim" run "$work/loop.scn" --target qemu --runs 1
grep -q "main-loop-ops = yes calls QEMU's main-loop timers" "$work/out" ||
  fail "a scenario for target loop with main-loop-ops: expected the reason"
sed -e 's/^kind = generated/kind = batches/' -e '/^bql-polls/d' "$scn" >"$work/batches.scn"
run 2 "$wakesim" run "$work/batches.scn" --target qemu --runs 1
grep -q "main-loop-ops is a choice of the generated workload" "$work/out" ||
  fail "main-loop-ops without the generated workload: expected the reason"
echo "PASS"

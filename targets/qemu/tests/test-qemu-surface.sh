#!/usr/bin/env bash
# test-qemu-surface.sh WAKESIM SCENARIO - QEMU's wider surface
# (util/thread-pool.c, util/aio-wait.c) under the generated workload
# ([workload] surface = qemu):
#  1. unmodified QEMU: the 20 runs from seed 2000 in which the mutations of
#     3. are searched, no violation (the known candidate bug of
#     docs/qemu.md, a BQL holder's aio_poll leaving the main loop's POLL_ADD
#     re-arm unsubmitted, shows up every few hundred random runs of this
#     scenario: run 211 from seed 2000 in the ASan build), and 500 runs of
#     generated-qemu-main-loop-waits, where no BQL holder polls the main
#     context, from seed 2000;
#  2. the logged runs of seeds 1 to 12, together, reach every new path: pool
#     workers started by QEMU, plain and nested completions, AIO_WAIT_WHILE
#     and aio_wait_bh_oneshot returning, coroutines woken from the other
#     context, moved there, and waiting for a pool job;
#  3. the catalogue mutations that this workload tells apart from the fixed
#     code are found within 20 runs from seed 2000 (the fixed code passes
#     500 there): C-13 (thread-pool-completion-not-rescheduled: a nested
#     aio_poll in a completion waits forever, deadlock) and C-09
#     (aio-wait-bh-no-kick: aio_wait_bh_oneshot's waiter sleeps on);
#  4. IOThread objects (iothread.c) started and stopped during the run:
#     the logged runs reach them; on generated-qemu-main-loop-waits (no BQL
#     holder polls main) C-04 (iothread-stop-without-bh) is found at two
#     seeds where the fixed code passes, as a deadlock (seeds 158698 and
#     53753: where random searches from 158393 and 47527 first found it, at
#     runs 305 and 6,226; QEMU's main loop moved the earlier seeds).
set -uo pipefail
with_coroutines=0
wakesim=$1
scn=$2
. "$(dirname "$0")/lib.sh"
qemu_test_init "$wakesim"

waits=$(dirname "$scn")/generated-qemu-main-loop-waits.scn
run 0 "$wakesim" run "$scn" --target qemu --runs 20 --seed 2000
grep -q "^20 runs, no violation" "$work/out" || fail "expected 20 runs without a violation"
run 0 "$wakesim" run "$waits" --target qemu --runs 500 --seed 2000
grep -q "^500 runs, no violation" "$work/out" || fail "expected 500 runs without a violation"

: >"$work/logs"
for seed in $(seq 1 12); do
  last="$wakesim run $scn --target qemu --runs 1 --seed $seed --log"
  "$wakesim" run "$scn" --target qemu --runs 1 --seed "$seed" --log >>"$work/logs" 2>&1
done
paths=("thread-start id=[0-9]* name=qemu-worker0" "monitor pool-completion obj"
       "monitor pool-completion nested" "monitor aio-wait-while returned"
       "monitor aio-wait-bh-oneshot returned")
# A sanitizer build leaves coroutines out (targets/qemu/CMakeLists.txt).
if ! grep -q "monitor surface without coroutines" "$work/logs"; then
  # Without coroutines the programs draw other operations: the seeds below
  # are those of a build with them.
  paths+=("monitor coroutine woken" "monitor coroutine moved" "monitor coroutine pool job"
          "monitor coroutine done" "monitor iothread started obj=[0-9]* val=1"
          "monitor iothread BH ran" "monitor iothread pool-completion" "monitor iothread stopped")
  with_coroutines=1
fi
for what in "${paths[@]}"; do
  grep -q "$what" "$work/logs" || fail "no logged run of seeds 1 to 12 has '$what'"
done
for mut in thread-pool-completion-not-rescheduled aio-wait-bh-no-kick; do
  if [ ! -x "$(dirname "$wakesim")/wakesim-qemu-$mut" ]; then
    fail "the twin wakesim-qemu-$mut was not built"
  fi
  run 1 "$wakesim" run "$scn" --target qemu --mutant "$mut" --runs 20 --seed 2000 --out "$work"
  grep -Eq "^==wakesim== VIOLATION of (deadlock|handoff-latency)" "$work/out" ||
    fail "$mut: expected a deadlock or handoff-latency"
done
cases=()
[ "$with_coroutines" -eq 1 ] && cases=("158698 1 deadlock" "53753 1 deadlock")
for case in "${cases[@]}"; do
  read -r seed runs verdict <<<"$case"
  run 0 "$wakesim" run "$waits" --target qemu --runs "$runs" --seed "$seed"
  run 1 "$wakesim" run "$waits" --target qemu --mutant iothread-stop-without-bh --runs "$runs" \
    --seed "$seed" --out "$work"
  grep -Eq "^==wakesim== VIOLATION of $verdict" "$work/out" ||
    fail "iothread-stop-without-bh from seed $seed: expected $verdict"
done
echo "PASS"

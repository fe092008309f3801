#!/usr/bin/env bash
# test-qemu-sibling-wait.sh WAKESIM FINDINGS SCENARIOS - the generated
# workload's CQE-handler sibling wait on QEMU 10.2.2 (docs/qemu.md, "A CQE
# handler's blocking aio_poll sleeps over a sibling already reaped"):
# with the blocking wait alone (sibling-wait = blocking) the recorded run
# deadlocks, replayed byte for byte; the same seed of generated-long.scn,
# whose wait polls once without blocking first, passes.
set -u
wakesim=$1 findings=$2 scenarios=$3
if [ ! -x "$wakesim" ]; then
  echo "SKIP: $wakesim not built (see the qemu.build test)"
  exit 77
fi
fail() { echo "FAIL: $*"; exit 1; }
out=$("$wakesim" replay "$findings/cqe-handler-poll-sleeps-over-reaped-sibling.trace" 2>&1)
echo "$out" | grep -q "replay matches the recording: verdict deadlock" ||
  fail "the finding no longer replays as its deadlock: $(echo "$out" | tail -3)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=$("$wakesim" run "$scenarios/generated-long.scn" --target qemu --memory-model tso \
  --seed 251 --runs 1 --out "$tmp" 2>&1)
echo "$out" | grep -q "1 run, no violation" ||
  fail "generated-long seed 251 (tso) on QEMU: $(echo "$out" | grep -v GLib | tail -3)"
echo "ok: the blocking-only sibling wait deadlocks (replayed); the workload's wait passes"

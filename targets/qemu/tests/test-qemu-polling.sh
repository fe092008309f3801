#!/usr/bin/env bash
# test-qemu-polling.sh WAKESIM SCENARIOS_DIR - QEMU's adaptive polling is
# reached, from the event log (QEMU's polling trace points are logged as
# "monitor qemu:NAME obj=A val=B", targets/qemu/gen-trace-stubs.awk):
#  1. iothread-polling (QEMU's iothread defaults, poll-max-ns 32768), seeds
#     1..20: a window opens at 4 us (poll_grow 0 -> 4000), run_poll_handlers
#     runs, leaves a window early on a notify (end with timeout 0) and lets
#     one expire (end with timeout -1), and a window shrinks (4000 -> 0);
#  2. iothread-polling-long (poll-max-ns 2 ms, poll-grow 4): the window
#     grows by 4 (4000 -> 16000 -> 64000);
#  3. the same seed logs the same bytes twice (virtual time while polling
#     is deterministic);
#  4. poll-max-ns = 0 (QEMU's default for a context): no polling at all.
set -uo pipefail
wakesim=$1
scn=$2
. "$(dirname "$0")/lib.sh"
qemu_test_init "$wakesim"
logs() {   # scenario, first seed, last seed -> $work/log
  : >"$work/log"
  for s in $(seq "$2" "$3"); do
    "$wakesim" run "$1" --target qemu --seed "$s" --log >>"$work/log" 2>&1 ||
      fail "$1 seed $s: exit $? on unmodified QEMU"
  done
}
need() {   # pattern, what
  grep -qE "$1" "$work/log" || fail "no '$1' in the event log: $2"
  echo "ok: $2 ($(grep -cE "$1" "$work/log") lines)"
}

logs "$scn/iothread-polling.scn" 1 20
need 'monitor qemu:poll_grow obj=0 val=4000$' "a window opens at 4 us"
need 'monitor qemu:run_poll_handlers_begin obj=4000 ' "run_poll_handlers polls"
need 'monitor qemu:run_poll_handlers_end obj=0 val=0$' "a window left on a notify"
need 'monitor qemu:run_poll_handlers_end obj=0 val=-1$' "a window that expired"
need 'monitor qemu:poll_shrink obj=4000 val=0$' "a window shrinks"

logs "$scn/iothread-polling-long.scn" 1 10
need 'monitor qemu:poll_grow obj=4000 val=16000$' "poll-grow 4"
need 'monitor qemu:poll_grow obj=16000 val=64000$' "and grows again"

"$wakesim" run "$scn/iothread-polling.scn" --target qemu --seed 7 --log >"$work/a" 2>&1
"$wakesim" run "$scn/iothread-polling.scn" --target qemu --seed 7 --log >"$work/b" 2>&1
# All but the summary line, which has real seconds.
cmp -s <(grep -v 'runs/s$' "$work/a") <(grep -v 'runs/s$' "$work/b") || fail "seed 7 logged different bytes in two runs"
grep -q "qemu:run_poll_handlers" "$work/a" || fail "seed 7 did not poll"
echo "ok: seed 7 logs the same bytes twice"

sed 's/^poll-max-ns = .*/poll-max-ns = 0/' "$scn/iothread-polling.scn" >"$work/zero.scn"
logs "$work/zero.scn" 1 20
if grep -q "monitor qemu:" "$work/log"; then
  fail "poll-max-ns = 0 polled"
fi
echo "ok: poll-max-ns = 0 never polls"

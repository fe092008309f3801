#!/usr/bin/env bash
# test-target-cli.sh WAKESIM ROOT - --target errors are usage errors (exit 2)
# with a message, in a wakesim with or without the qemu target.
set -uo pipefail
wakesim=$1 root=$2
fail() { echo "FAIL: $*"; exit 1; }
expect() {   # exit, message, command...
  local want=$1 msg=$2; shift 2
  out=$("$@" 2>&1); rc=$?
  echo "$out"
  [ "$rc" -eq "$want" ] || fail "$*: exit $rc, expected $want"
  grep -q -- "$msg" <<<"$out" || fail "$*: no '$msg' in the output"
}
expect 2 "--target must be loop or qemu" "$wakesim" run ahci-mmio-inline-submit --target nope
expect 2 "does not apply to target qemu" "$wakesim" run ahci-small-ring --target qemu
expect 2 "does not apply to target qemu" "$wakesim" check ahci-small-ring --target qemu
# A scenario listing an unknown target, or qemu with a ring size QEMU does
# not have, is rejected at its line.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
sed 's/^targets = .*/targets = loop, xen/' "$root/scenarios/ahci-mmio-inline-submit.scn" >"$tmp/a.scn"
expect 2 "a.scn:[0-9]*: bad target 'xen'" "$wakesim" run "$tmp/a.scn"
sed 's/^description = .*/&\ntargets = qemu/' "$root/scenarios/ahci-small-ring.scn" >"$tmp/b.scn"
expect 2 "b.scn:[0-9]*: target qemu needs backend = io_uring with 128 ring entries" \
  "$wakesim" run "$tmp/b.scn"
gen=("$wakesim" run ahci-mmio-inline-submit --target qemu --workload generated)
if "$wakesim" list | grep -q "^targets: loop, qemu"; then
  expect 2 "one mutation at a time" "$wakesim" run ahci-mmio-inline-submit --target qemu \
    --mutant missing-notify-add-sqe --mutant timer-mod-no-notify
  # The generated workload drives QEMU's own code: the fixed code passes,
  # and the seed mutation (a build of QEMU's util/ with aio_add_sqe's
  # notify removed, no loop/ mutant) is found.  A target lacking an
  # operation is refused up front: sim.target-ops.
  expect 0 "target qemu, workload generated" "${gen[@]}" --runs 200 --seed 1
  expect 1 "VIOLATION of sqe-submit-latency" "${gen[@]}" --mutant missing-notify-add-sqe \
    --runs 2000 --seed 1 --out "$tmp/gen"
  # Its reproducer (a generated scenario listing both targets) replays on QEMU.
  expect 1 "replay matches the recording" "$wakesim" replay "$(ls "$tmp"/gen/*.trace | head -1)"
else
  expect 2 "built without the qemu target" "$wakesim" run ahci-mmio-inline-submit --target qemu
  expect 2 "built without the qemu target" "${gen[@]}"
fi
expect 0 "target loop" "$wakesim" run ahci-mmio-inline-submit --target loop --runs 3
echo "ok"

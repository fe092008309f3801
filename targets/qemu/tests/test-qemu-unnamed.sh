#!/usr/bin/env bash
# test-qemu-unnamed.sh WAKESIM SCENARIOS_DIR - the QEMU mutations that no
# scenario's [expect] can name (they have no loop/ twin, so qemu.check.*
# only lists them) are still found by the generated workload: each from a
# fixed first seed within a few hundred random runs, with the invariant it
# breaks, and the fixed code passes the same runs.  The seeds are the first
# of bench-detect's trials (seed 100003 x i) that found each one quickly; a
# change to the workload's decisions moves them (re-pick with
# tools/bench-detect --target qemu --mutants NAME --strategies gen-random).
set -uo pipefail
wakesim=$1
scn=$2
if [ ! -x "$wakesim" ]; then
  echo "SKIP: $wakesim not built (see the qemu.build test: no QEMU source or no clang)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
last=""
fail() { echo "FAIL: $*"; echo "reproduce with: $last"; exit 1; }
run() {   # expected-exit, command...
  local want=$1; shift
  last="$*"
  "$@" >"$work/out" 2>&1
  local rc=$?
  grep -E "^VIOLATION in run|runs/s$" "$work/out" | cut -c1-200
  [ "$rc" -eq "$want" ] || fail "exit $rc, expected $want"
}

# mutation, scenario, first seed, runs, invariant
while read -r mut s seed runs inv; do
  [ -x "$(dirname "$wakesim")/wakesim-qemu-$mut" ] || fail "the twin wakesim-qemu-$mut was not built"
  run 1 "$wakesim" run "$scn/$s.scn" --target qemu --mutant "$mut" --seed "$seed" --runs "$runs" \
    --out "$work"
  grep -q "^==wakesim== VIOLATION of $inv\$" "$work/out" || fail "$mut: expected $inv"
  run 0 "$wakesim" run "$scn/$s.scn" --target qemu --seed "$seed" --runs "$runs" --out "$work"
  echo "ok: $mut found on $s from seed $seed within $runs runs ($inv); the fixed code passes them"
done <<'EOF'
poll-counts-notifier-progress generated-polling 100003 50 api-contract
need-wait-ignores-sq generated-polling 2000060 200 api-contract
cqe-ready-list-on-stack generated 1500045 30 deadlock
EOF
echo "PASS"

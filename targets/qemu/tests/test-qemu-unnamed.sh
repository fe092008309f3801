#!/usr/bin/env bash
# test-qemu-unnamed.sh WAKESIM SCENARIOS_DIR - the QEMU mutations that no
# scenario's [expect] can name (they have no loop/ twin, so qemu.check.*
# only lists them) are still found by the generated workload: each at a
# fixed seed, with the invariant it breaks, and the fixed code passes the
# same run.  Each seed is where a random search from seed 100003 first
# found the mutation (runs 302, 1,314 and 1,837); a change to the
# workload's or the main loop's decisions moves them (re-pick with
# `wakesim run SCN --target qemu --mutant NAME --seed 100003 --runs 20000`).
set -uo pipefail
wakesim=$1
scn=$2
. "$(dirname "$0")/lib.sh"
qemu_test_init "$wakesim"
show() { grep -E "^VIOLATION in run|runs/s$" "$1" | cut -c1-200; }

# mutation, scenario, first seed, runs, invariant
while read -r mut s seed runs inv; do
  [ -x "$(dirname "$wakesim")/wakesim-qemu-$mut" ] || fail "the twin wakesim-qemu-$mut was not built"
  run 1 "$wakesim" run "$scn/$s.scn" --target qemu --mutant "$mut" --seed "$seed" --runs "$runs" \
    --out "$work"
  grep -q "^==wakesim== VIOLATION of $inv\$" "$work/out" || fail "$mut: expected $inv"
  run 0 "$wakesim" run "$scn/$s.scn" --target qemu --seed "$seed" --runs "$runs" --out "$work"
  echo "ok: $mut found on $s from seed $seed within $runs runs ($inv); the fixed code passes them"
done <<'EOF'
poll-counts-notifier-progress generated-polling 100305 1 api-contract
need-wait-ignores-sq generated-polling 101317 1 api-contract
cqe-ready-list-on-stack generated 101840 1 deadlock
EOF
echo "PASS"

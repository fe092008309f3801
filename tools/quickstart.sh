#!/usr/bin/env bash
# The main job on the built-in seed scenario: installs what is missing,
# builds (release), then runs the seed scenario twice: with the seed bug
# (mutant missing-notify-add-sqe: a violation, a reproducer, and its replay)
# and on the fixed code (1,000 schedules, no violation).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/tools/install-deps.sh" || exit 2
cd "$root" || exit 2
cmake --preset build-release >/dev/null || exit 2   # CMakePresets.json
cmake --build --preset build-release -j"$(nproc)" --target wakesim >/dev/null || exit 2
wakesim=$root/build-release/cli/wakesim
out=$(mktemp -d)

echo "== 1. the seed bug: wakesim run ahci-mmio-inline-submit --mutant missing-notify-add-sqe"
"$wakesim" run ahci-mmio-inline-submit --mutant missing-notify-add-sqe --runs 100 --out "$out"
echo "(exit $?: 1 = violation found)"
trace=$(ls "$out"/*.trace 2>/dev/null | head -1)
if [ -n "$trace" ]; then
  echo "== 2. replay the reproducer: wakesim replay $trace"
  "$wakesim" replay "$trace"
  echo "(exit $?: 1 = the same violation, byte-identical event log)"
fi
echo "== 3. the fixed code: wakesim run ahci-mmio-inline-submit --runs 1000"
"$wakesim" run ahci-mmio-inline-submit --runs 1000
rc=$?
echo "(exit $rc: 0 = no violation)"
exit $rc

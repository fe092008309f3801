#!/usr/bin/env bash
# test-out-dir.sh WAKESIM - `--out DIR` is created as mkdir -p would, and the
# reproducer lands in it; a DIR that cannot be created fails (exit 2, the
# reason) before any run, for run and check alike.
set -u
wakesim=$1
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init

# The seed mutant is found in its first runs: a reproducer must be written.
"$wakesim" run ahci-mmio-inline-submit -m missing-notify-add-sqe --seed 1 --runs 500 \
  --out "$work/new/nested" >"$work/out" 2>&1
rc=$?
trace=$(ls "$work"/new/nested/*.trace 2>/dev/null | head -1)
if [ "$rc" -ne 1 ] || [ -z "$trace" ] || grep -q "cannot write reproducer" "$work/out"; then
  fail "run --out into a new directory: exit $rc, reproducer '${trace}'"; cat "$work/out"
else
  echo "ok: run --out created $work/new/nested and wrote $(basename "$trace")"
fi
"$wakesim" replay "$trace" 2>&1 | grep -q "replay matches the recording" ||
  fail "the reproducer in the new directory does not replay"

# A path under a regular file cannot be a directory: exit 2 before running.
touch "$work/file"
for cmd in "run ahci-mmio-inline-submit" "check idle-timers"; do
  # shellcheck disable=SC2086
  "$wakesim" $cmd --out "$work/file/sub" >"$work/out" 2>&1
  rc=$?
  if [ "$rc" -ne 2 ] || ! grep -q -- "--out $work/file/sub: cannot create the directory" "$work/out" ||
     grep -q "^wakesim $cmd" "$work/out" || grep -q "^wakesim .*: scenario" "$work/out"; then
    fail "$cmd --out under a file: exit $rc, expected 2 with the reason and no run"; cat "$work/out"
  else
    echo "ok: $cmd --out under a file -> 2: $(head -1 "$work/out")"
  fi
done
[ "$failures" -eq 0 ] && echo "test-out-dir: all pass" || echo "test-out-dir: $failures failure(s)"
[ "$failures" -eq 0 ]

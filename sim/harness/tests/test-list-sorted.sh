#!/usr/bin/env bash
# test-list-sorted.sh WAKESIM SOURCE_DIR - `wakesim list` prints the
# scenarios sorted by name, whatever order the directory returns them in.
# The scenarios are copied into a fresh directory in sorted order (tmpfs
# and ext4 both hand them back in another order), and listed from there
# with WAKESIM_SCENARIOS.
set -u
wakesim=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for f in $(ls "$src"/scenarios/*.scn | sort); do
  cp "$f" "$work/"
done
echo "directory order: $(ls -U "$work" | tr '\n' ' ')"

out=$(WAKESIM_SCENARIOS=$work "$wakesim" list 2>&1); rc=$?
if [ "$rc" -ne 0 ]; then
  echo "FAIL: WAKESIM_SCENARIOS=$work $wakesim list exited $rc:"; echo "$out"; exit 1
fi
# The names between the "scenarios" header and "mutants:".
listed=$(sed -n '/^scenarios/,/^mutants:/{/^  /p}' <<<"$out" | awk '{print $1}')
want=$(for f in "$work"/*.scn; do sed -n 's/^name *= *//p' "$f"; done | LC_ALL=C sort)
if [ "$listed" != "$want" ]; then
  echo "FAIL: WAKESIM_SCENARIOS=$work $wakesim list: scenarios not sorted"
  echo "listed:"; echo "$listed"; echo "expected:"; echo "$want"
  exit 1
fi
echo "ok: $(wc -l <<<"$listed") scenarios listed in sorted order"

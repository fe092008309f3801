#!/usr/bin/env bash
# test-mutate-stale.sh MUTATE_PY QEMU_FETCH - a mutation whose statement is
# no longer in its function must fail loudly, not build unmodified code.
set -uo pipefail
mutate=$1 fetch=$2
tree=$("$fetch") ; rc=$?
[ "$rc" -eq 0 ] || exit "$rc"   # 77: no QEMU source (reason printed by qemu-fetch.sh)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$mutate" --tree "$tree" --out "$work/ok" --mutation missing-notify-add-sqe || {
  echo "FAIL: the seed mutation does not apply to $tree"; exit 1; }
grep -q "wakesim mutation missing-notify-add-sqe" "$work/ok/util/aio-posix.c" || {
  echo "FAIL: mutated copy lacks the mutation"; exit 1; }
# A tree where aio_add_sqe() no longer calls aio_notify().
mkdir -p "$work/stale"
cp -r "$work/ok/util" "$work/stale/util"
sed -i '/wakesim mutation missing-notify-add-sqe/d' "$work/stale/util/aio-posix.c"
if python3 "$mutate" --tree "$work/stale" --out "$work/out" --mutation missing-notify-add-sqe \
     2>"$work/err"; then
  echo "FAIL: mutate.py accepted a tree without the statement"; exit 1
fi
cat "$work/err"
grep -q "expected the statement 'aio_notify(ctx);' once in aio_add_sqe()" "$work/err" || {
  echo "FAIL: unclear message"; exit 1; }
echo "ok: a stale mutation fails the build with a message naming the function"

#!/usr/bin/env bash
# test-mutate-stale.sh MUTATE_PY - a mutation whose text the file lacks
# fails (exit 1, naming the mutation) instead of writing an unmutated copy.
set -u
mutate=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'int main(void) { return 0; }\n' > "$work/async.c"
python3 "$mutate" async-pending-plain-clear "$work/async.c" "$work/out.c" > "$work/log" 2>&1
rc=$?
cat "$work/log"
[ "$rc" -eq 1 ] && grep -q "async-pending-plain-clear" "$work/log" && [ ! -e "$work/out.c" ] ||
  { echo "FAIL: exit $rc for a file without the mutation's text"; exit 1; }
python3 "$mutate" --list | grep -q "^threadpool-signal-only-when-empty src/threadpool.c da42780223ba$" ||
  { echo "FAIL: --list"; exit 1; }
echo "test-mutate-stale: ok"

#!/usr/bin/env bash
# test-no-silent-skip.sh CONFORMANCE CORPUS_DIR - the conformance runner
# never skips silently: with a conf-real whose Linux half does not run
# (fake-real.sh), the live run fails where the probe says io_uring works and
# skips (77, with the probe's reason) only where it does not; --record fails
# (2) and writes nothing; a recorded outcome must name its kernel, and the
# comparison ignores that line.
set -u
conformance=$1 corpus=$2
fake=$(cd "$(dirname "$0")" && pwd)/fake-real.sh
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init

# expect CODE PATTERN CMD... : exit code and a substring of stdout+stderr
expect() {
  local want=$1 pattern=$2; shift 2
  local rc
  "$@" >"$work/out" 2>&1; rc=$?
  if [ "$rc" -ne "$want" ] || ! grep -qF -- "$pattern" "$work/out"; then
    fail "'$*' exited $rc (expected $want with '$pattern'):"; cat "$work/out"
  else
    echo "ok: -> $rc: $(grep -F -- "$pattern" "$work/out" | head -1)"
  fi
}

cp "$corpus/nop.seq" "$work/"
FAKE_PROBE_RC=0 expect 1 "yet io_uring works here" "$conformance" --real "$fake" "$work/nop.seq"
FAKE_PROBE_RC=77 expect 77 "SKIP: io_uring is unavailable on this machine" \
  "$conformance" --real "$fake" "$work/nop.seq"
FAKE_PROBE_RC=77 expect 2 "nothing recorded" "$conformance" --record --real "$fake" "$work/nop.seq"
[ -e "$work/nop.seq.linux" ] && fail "--record without io_uring wrote $work/nop.seq.linux"

# The kernel line: required, and not compared.
grep -v '^#' "$corpus/nop.seq.linux" >"$work/nop.seq.linux"
expect 2 "does not say which kernel recorded it" "$conformance" --recorded "$work/nop.seq"
{ echo "# recorded on Linux 0.0.0-elsewhere"; cat "$work/nop.seq.linux"; } >"$work/x" &&
  mv "$work/x" "$work/nop.seq.linux"
expect 0 "0 divergences" "$conformance" --recorded "$work/nop.seq"
sed -i 's/^submit: ret=2$/submit: ret=1/' "$work/nop.seq.linux"
expect 1 "Linux (recorded on 0.0.0-elsewhere)" "$conformance" --recorded "$work/nop.seq"

[ "$failures" -eq 0 ] && echo "test-no-silent-skip: all pass" ||
  echo "test-no-silent-skip: $failures failure(s)"
[ "$failures" -eq 0 ]

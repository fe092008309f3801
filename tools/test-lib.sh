# shellcheck shell=bash
# test-lib.sh - sourced by the shell tests of cli/, sim/harness, conformance
# and targets/glib (. "$(dirname "$0")/<up>/tools/test-lib.sh"); the QEMU
# target's tests have their own (targets/qemu/tests/lib.sh: they stop at
# the first failure).
#
# test_init               the scratch directory $work, removed at exit;
#                         failures=0
# fail MESSAGE...         print FAIL: MESSAGE and count it; the test goes on
# expect_exit CODE PATTERN COMMAND...
#                         run COMMAND into $work/out; fail (showing its first
#                         lines) unless it exits CODE and, if PATTERN is not
#                         empty, prints PATTERN
failures=0

test_init() {
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  failures=0
}

fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

expect_exit() {
  local want=$1 pattern=$2 rc
  shift 2
  "$@" >"$work/out" 2>&1
  rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "'$*' exited $rc, expected $want; output:"
    head -5 "$work/out"
  elif [ -n "$pattern" ] && ! grep -qF -- "$pattern" "$work/out"; then
    fail "'$*' output lacks '$pattern'; output:"
    head -5 "$work/out"
  else
    echo "ok: '$*' -> $rc"
  fi
}

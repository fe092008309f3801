# shellcheck shell=bash
# lib.sh - sourced by the QEMU target's shell tests (. "$(dirname "$0")/lib.sh").
#
# qemu_test_init WAKESIM  exit 77 (skip) when WAKESIM is not built, as
#                         without a QEMU source or clang; else make the
#                         scratch directory $work, removed at exit
# fail MESSAGE...         FAIL and exit 1, with the last command run by run()
# run CODE COMMAND...     run COMMAND into $work/out, show it (show(),
#                         default its last 3 lines), fail unless it exits CODE
last=""

qemu_test_init() {
  if [ ! -x "$1" ]; then
    echo "SKIP: $1 not built (see the qemu.build test: no QEMU source or no clang)"
    exit 77
  fi
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
}

fail() {
  echo "FAIL: $*"
  [ -z "$last" ] || echo "reproduce with: $last"
  exit 1
}

show() {
  tail -3 "$1"
}

run() {
  local want=$1
  shift
  last="$*"
  "$@" >"$work/out" 2>&1
  local rc=$?
  show "$work/out"
  [ "$rc" -eq "$want" ] || fail "exit $rc, expected $want"
}

#!/usr/bin/env bash
# test-heap-error.sh HEAPY_WAKESIM WAKESIM HEAP_PROGRAM [sanitized] - a heap error in the
# code under test is a verdict of its own, "heap-error" (sim/seam/heap.c,
# docs/invariants.md).  HEAPY_WAKESIM is wakesim whose loop target makes the
# error WAKESIM_TEST_HEAP names in its completion callbacks (heap-wrap.c).
# Each error: `run` exits 1 with the violation block of heap-error (what,
# thread, step, the block's allocation and free), the reproducer records
# verdict heap-error and replays to the same message; the same decisions on
# code without the error diverge; with no error planted every run passes.
# HEAP_PROGRAM is a user program (libwakesim-main) whose worker frees a job
# main may still run: the runner's verdict and its replay.
# In a sanitized build (fourth argument 1) ASan owns malloc and the heap
# check is compiled out: the use after free is ASan's crash verdict.
set -u
heapy=$1 wakesim=$2 prog=$(realpath "$3") sanitized=${4:-0}
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init

# expect CODE CMD... -- PATTERNS...
expect() {
  local want=$1; shift
  local cmd=() rc
  while [ "$1" != "--" ]; do cmd+=("$1"); shift; done
  shift
  "${cmd[@]}" > "$work/out" 2>&1; rc=$?
  if [ "$rc" -ne "$want" ]; then
    fail "'${cmd[*]}' exited $rc, expected $want; output:"; cat "$work/out"; return
  fi
  for p in "$@"; do
    grep -qF -- "$p" "$work/out" || { fail "'${cmd[*]}' output lacks '$p':"; cat "$work/out"; return; }
  done
  echo "ok: ${WAKESIM_TEST_HEAP:-none}: '${cmd[*]}' -> $rc"
}

trace=$work/wakesim-ahci-mmio-inline-submit-fixed-random1.trace
# heap MODE MESSAGE: the verdict, its reproducer, its replay.
heap() {
  export WAKESIM_TEST_HEAP=$1
  rm -f "$work"/*.trace
  expect 1 "$heapy" run ahci-mmio-inline-submit --seed 1 --runs 5 --out "$work" -- \
    "VIOLATION in run 0 (seed 1): $2" "==wakesim== VIOLATION of heap-error" \
    "message:      $2" "1 violation (a heap error)"
  grep -qx "verdict=heap-error" "$trace" || fail "$1: $trace does not record verdict heap-error"
  expect 1 "$heapy" replay "$trace" -- "VIOLATION: $2" \
    "replay matches the recording: verdict heap-error"
  unset WAKESIM_TEST_HEAP
  expect 3 "$wakesim" replay "$trace" -- "replay differs from the recording"
}

block="the block: 24 bytes, allocated at step 79 on vcpu0, freed at step 163 on main-loop"
if [ "$sanitized" = 1 ]; then
  export WAKESIM_TEST_HEAP=uaf
  expect 1 "$heapy" run ahci-mmio-inline-submit --seed 1 --runs 5 --out "$work" -- \
    "crash: sanitizer error (heap-use-after-free) on simulated thread main-loop"
else
  heap uaf "heap-error: use-after-free on simulated thread main-loop at step 163: a pointer \
read from a freed block was followed (offset +0 from it); $block"
  heap double "heap-error: double-free on simulated thread main-loop at step 163: free() of \
a block already freed; $block"
  heap write "heap-error: write-after-free found at the end of the run at step 567: byte 17 \
of a freed block was written after its free; $block"
  heap invalid "heap-error: invalid-free on simulated thread main-loop at step 163: free() \
of a misaligned pointer (malloc never returns one)"
  heap wild "heap-error: invalid-free on simulated thread main-loop at step 163: the C \
library's allocator aborted in free() (a pointer it did not allocate"
  # wakesim check: the same verdict through its guard.
  rm -f "$work"/*.trace
  export WAKESIM_TEST_HEAP=uaf
  expect 1 "$heapy" check ahci-mmio-inline-submit --runs 5 --out "$work" -- \
    "VIOLATION in fixed sc seed 1: heap-error: use-after-free on simulated thread main-loop" \
    "==wakesim== VIOLATION of heap-error"
  expect 1 "$heapy" replay "$trace" -- "replay matches the recording: verdict heap-error"
  # shrink replays candidates in its own process: refused, not a crash.
  expect 2 "$heapy" shrink "$trace" -- "records a heap-error, which ends the process it \
happens in: shrinking it is not supported"
  unset WAKESIM_TEST_HEAP
  # A user program through libwakesim-main.
  msg="heap-error: use-after-free on simulated thread main at step 2: a pointer read from a \
freed block was followed (offset +0 from it); the block: 16 bytes, allocated at step 0 on \
main, freed at step 1 on pthread-1"
  (cd "$work" && expect 1 "$prog" --runs 20 -- "VIOLATION (seed 1) $msg" "reproducer: ")
  expect 1 "$wakesim" replay "$work/$(basename "$prog")-random1.trace" -- "$msg" "identical"
fi
# Nothing planted: no verdict (the check is silent on correct code).
unset WAKESIM_TEST_HEAP
expect 0 "$heapy" run ahci-mmio-inline-submit --seed 1 --runs 50 -- "50 runs, no violation"
expect 0 "$heapy" run generated --seed 1 --runs 20 -- "20 runs, no violation"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all heap-error checks passed"

#!/usr/bin/env bash
# test-crash.sh CRASHY_WAKESIM WAKESIM CRASH_PROGRAM - a crash in the code
# under test is a verdict.  CRASHY_WAKESIM is wakesim whose loop target
# crashes in a completion callback in some schedules (crash-wrap.c);
# CRASH_PROGRAM a user program that crashes in some schedules.  Each run
# exits 1 with the violation block of invariant "crash" (signal, simulated
# thread, seed, reproducer), and the reproducer replays to the same crash
# ("replay matches"); a build that does not crash says the replay differs.
set -u
crashy=$1 wakesim=$2 prog=$3
# The signal the verdict names: SIGSEGV, or SIGABRT in a sanitized build,
# where UBSan reports the null store first and aborts (cli/crash.c).
sig=${4:-SIGSEGV}
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init

# expect CODE CMD... (then the patterns to find in its output, after --)
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
  echo "ok: '${cmd[*]}' -> $rc"
}

# wakesim run: the crash of run 1 (seed 2) is caught in the process, which
# re-runs that schedule in a child to record it.
expect 1 "$crashy" run ahci-mmio-inline-submit --seed 1 --runs 50 --out "$work" -- \
  "VIOLATION in run 1 (seed 2): crash: $sig on simulated thread main-loop" \
  "==wakesim== VIOLATION of crash" \
  "message:      crash: $sig on simulated thread main-loop" \
  "seed:         random seed 2" "found by: " "1 run, 1 violation"
trace=$work/wakesim-ahci-mmio-inline-submit-fixed-random2.trace
[ -f "$trace" ] || fail "no reproducer $trace"
grep -qx "verdict=crash" "$trace" || fail "$trace does not record verdict crash"
expect 1 "$crashy" replay "$trace" -- "VIOLATION: crash: $sig on simulated thread main-loop" \
  "replay matches the recording: verdict crash"
# The same decisions on code that does not crash: a divergence, not a pass.
expect 3 "$wakesim" replay "$trace" -- "replay differs from the recording: verdict replay-error"
# PCT: the same path (the crash caught, the run recorded in a child).
expect 1 "$crashy" run ahci-mmio-inline-submit --strategy pct --seed 1 --runs 200 \
  --out "$work" -- "==wakesim== VIOLATION of crash" "seed:         pct seed"
pct=$(ls "$work"/*pct*.trace | head -1)
expect 1 "$crashy" replay "$pct" -- "replay matches the recording: verdict crash"

# wakesim check: the fixed code's crash at seed 2, recorded the same way.
rm -f "$work"/*.trace
expect 1 "$crashy" check ahci-mmio-inline-submit --runs 30 --out "$work" -- \
  "VIOLATION in fixed sc seed 2: crash: $sig on simulated thread main-loop" \
  "==wakesim== VIOLATION of crash" "seed:         random seed 2"
expect 1 "$crashy" replay "$trace" -- "replay matches the recording: verdict crash"

# A user program through libwakesim-main.
(cd "$work" && expect 1 "$prog" --runs 20 -- \
  "VIOLATION (seed 2) crash: $sig on simulated thread pthread-2" "reproducer: ")
ptrace=$work/$(basename "$prog")-random2.trace
expect 1 "$wakesim" replay "$ptrace" -- \
  "crash: $sig on simulated thread pthread-2" "identical"

[ "$failures" -eq 0 ] || { echo "$failures failure(s)"; exit 1; }
echo "all crash checks passed"

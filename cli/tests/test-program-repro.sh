#!/usr/bin/env bash
# test-program-repro.sh WAKESIM PROGRAM TRACE_TO_V1 - a user program's
# reproducer (PROGRAM: a program linked with libwakesim-main.a that violates
# handoff-latency) is a wakesim trace: the program replays it, `wakesim
# replay` runs the program on it, and both say the replay is identical.  The
# runner's older format still replays in the program, and wakesim says how
# to replay it; misuse is exit 2 with the reason; --help is exit 0.
set -u
wakesim=$1 prog=$2 to_v1=$3
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../tools/test-lib.sh"
test_init

expect_exit 0 "--replay" "$prog" --help
expect_exit 0 "usage:" "$wakesim" --help
expect_exit 0 "user program" "$wakesim" replay --help
expect_exit 2 "--runs must be a non-negative integer" "$prog" --runs nope
expect_exit 2 "the program's arguments go after --" "$prog" stray

# A violation and its reproducer, in the trace format.
expect_exit 1 "handoff-latency" "$prog" --runs 100 --out "$work"
trace=$(ls "$work"/*.trace 2>/dev/null | head -1)
[ -n "$trace" ] || { fail "no reproducer (*.trace) written"; exit 1; }
grep -q "^format=2$" "$trace" && grep -q "^program=/" "$trace" ||
  fail "the reproducer is not a format 2 trace with the program's absolute path"

# The program replays it; wakesim replays it through the program, the same
# run byte for byte (after wakesim's line saying what it runs).
expect_exit 1 "identical" "$prog" --replay "$trace" --log
cp "$work/out" "$work/by-program.txt"
expect_exit 1 "identical" "$wakesim" replay "$trace" --log
grep -q "^wakesim replay: .*user program" "$work/out" || fail "wakesim does not say it runs the program"
tail -n +2 "$work/out" > "$work/by-wakesim.txt"
cmp -s "$work/by-program.txt" "$work/by-wakesim.txt" ||
  fail "wakesim replay and the program's own replay differ"

# --log without --replay prints each run's log: the recorded seed's run
# logs what its replay logs (the event lines, "<ns> <thread> <event>").
seed=$(sed -n 's/^seed=//p' "$trace")
expect_exit 1 "handoff-latency" "$prog" --seed "$seed" --runs 1 --log --out "$work/again"
grep -E '^[0-9]+ ' "$work/out" > "$work/run-log.txt"
grep -E '^[0-9]+ ' "$work/by-program.txt" > "$work/replay-log.txt"
[ -s "$work/run-log.txt" ] && cmp -s "$work/run-log.txt" "$work/replay-log.txt" ||
  fail "--seed $seed --runs 1 --log does not print the event log its replay prints"

# What only a scenario's replay does, and a program that is not there.
expect_exit 2 "only --log goes with it" "$wakesim" replay "$trace" --keyed
sed 's|^program=.*|program=/nonexistent/taskloop|' "$trace" > "$work/moved.trace"
expect_exit 2 "--replay $work/moved.trace" "$wakesim" replay "$work/moved.trace"
expect_exit 1 "identical" "$prog" --replay "$work/moved.trace"
expect_exit 2 "not of a scenario" "$wakesim" shrink "$trace"
# A damaged reproducer, and arguments beside one that records its own.
head -n 5 "$trace" > "$work/truncated.trace"
expect_exit 2 "missing key" "$prog" --replay "$work/truncated.trace"
expect_exit 2 "records the program's arguments" "$prog" --replay "$trace" -- extra

# The runner's older format: the program still replays it (identically);
# wakesim cannot (no path recorded) and says how.
"$to_v1" "$trace" "$work/old.repro" || fail "trace-to-v1"
expect_exit 1 "identical" "$prog" --replay "$work/old.repro"
expect_exit 2 "$(basename "$prog") --replay $work/old.repro" "$wakesim" replay "$work/old.repro"
head -n 5 "$work/old.repro" > "$work/old-truncated.repro"
expect_exit 2 "old-truncated.repro:6: expected 'invariant NAME'" "$prog" --replay "$work/old-truncated.repro"

# A scenario's reproducer given to the program.
(cd "$work" && "$wakesim" run ahci-mmio-inline-submit --mutant missing-notify-add-sqe \
  --seed 1 --out "$work" > /dev/null)
scn_trace=$(ls "$work"/wakesim-*.trace 2>/dev/null | head -1)
expect_exit 2 "wakesim replay" "$prog" --replay "$scn_trace"

# --out DIR is created (mkdir -p) as wakesim run creates it; one that cannot
# be is a usage error before any run.
(cd "$work" && "$prog" --out "$work/new/dir" --runs 50 > /dev/null)
ls "$work"/new/dir/*.trace > /dev/null 2>&1 || { echo "FAIL: --out did not create $work/new/dir"; failures=$((failures + 1)); }
expect_exit 2 "cannot write reproducers there" "$prog" --out /proc/self/nope --runs 5

# The search options of wakesim run: a weak memory model and PCT are
# recorded in the reproducer (and its name), and its replay uses them.
expect_exit 1 "==wakesim== VIOLATION of handoff-latency" "$prog" --runs 50 \
  --memory-model pso --strategy pct --pct-depth 2 --out "$work/weak"
grep -qF "  seed:         pct seed" "$work/out" || fail "no PCT seed line in the violation block"
weak=$(ls "$work"/weak/*-pso-pct*.trace 2>/dev/null | head -1)
if [ -z "$weak" ]; then
  fail "no pso/pct reproducer in $work/weak"
else
  grep -q "^memory-model=pso$" "$weak" && grep -q "^strategy=pct$" "$weak" ||
    fail "the reproducer does not record the model and strategy"
  expect_exit 1 "identical" "$prog" --replay "$weak"
  expect_exit 1 "identical" "$wakesim" replay "$weak"
fi
expect_exit 2 "--memory-model must be" "$prog" --memory-model weak
expect_exit 2 "--strategy must be" "$prog" --strategy exhaustive
expect_exit 2 "--pct-depth goes with --strategy pct" "$prog" --pct-depth 2
# What the program printed reaches a pipe (each run's child flushes stdout
# before _exit).
"$prog" --runs 1 --out "$work" | grep -q "tasks ran" || fail "the program's stdout was lost in a pipe"

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s)"
  exit 1
fi
echo "test-program-repro: ok"

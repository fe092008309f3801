#!/usr/bin/env bash
# test-cli.sh WAKESIM SOURCE_DIR - the command line as a user meets it:
# bad input gives exit 2 and a clear message; a violation gives exit 1 and a
# reproducer that replays to the same verdict and the same event log, byte
# for byte; a damaged reproducer gives exit 2.
set -u
wakesim=$1
src=$2
# shellcheck source=tools/test-lib.sh
. "$(dirname "$0")/../../../tools/test-lib.sh"
test_init

# 1. Bad scenario files: exit 2, FILE:LINE and the reason.
for f in "$src"/sim/harness/tests/bad-scenarios/*.scn; do
  want=$(sed -n '1s/^# expect: //p' "$f")
  expect_exit 2 "$want" "$wakesim" run "$f"
done

# 2. Bad command lines.
expect_exit 2 "expected one SCENARIO" "$wakesim" run
expect_exit 2 "--runs must be a non-negative integer" "$wakesim" run ahci-mmio-inline-submit --runs abc
expect_exit 2 "known mutants: missing-notify-add-sqe" "$wakesim" run ahci-mmio-inline-submit --mutant nope
expect_exit 2 "--strategy must be random, pct or bytes" "$wakesim" run ahci-mmio-inline-submit --strategy dfs
expect_exit 2 "unknown command" "$wakesim" frobnicate
expect_exit 2 "--bytes-file gives one schedule" "$wakesim" run ahci-mmio-inline-submit --strategy bytes --bytes-file /dev/null --runs 2
expect_exit 2 "No such file" "$wakesim" run "$work/nope.scn"
expect_exit 2 "Unknown option" "$wakesim" replay --bogus x
expect_exit 0 "missing-notify-add-sqe" "$wakesim" list

# 3. A violation, its reproducer, and two byte-identical replays.
cd "$work"
expect_exit 1 "sqe-submit-latency" "$wakesim" run ahci-mmio-inline-submit \
  --mutant missing-notify-add-sqe --runs 100 --out "$work"
trace=$(ls "$work"/*.trace 2>/dev/null | head -1)
if [ -z "$trace" ]; then
  fail "no reproducer written"
else
  "$wakesim" replay "$trace" --log > "$work/replay1.txt" 2>&1; rc1=$?
  "$wakesim" replay "$trace" --log > "$work/replay2.txt" 2>&1; rc2=$?
  [ "$rc1" -eq 1 ] && [ "$rc2" -eq 1 ] || fail "replay exit codes $rc1 $rc2, expected 1 1"
  grep -q "replay matches the recording: verdict sqe-submit-latency" "$work/replay1.txt" ||
    fail "replay does not match its recording: $(tail -2 "$work/replay1.txt")"
  cmp -s "$work/replay1.txt" "$work/replay2.txt" || fail "two replays differ"
  # The seed bug's path was really taken: the vCPU queued SQEs while the main
  # loop slept in ppoll (not merely "some monitor fired").
  slept=$(sed -n 's/^coverage: \([0-9]*\) SQE(s) queued while the main loop slept.*/\1/p' \
          "$work/replay1.txt")
  [ "${slept:-0}" -ge 1 ] || fail "no SQE was queued while the main loop slept (got '${slept:-}')"
  lines=$(grep -c ' ' "$work/replay1.txt")
  [ "$lines" -gt 20 ] || fail "event log suspiciously short ($lines lines)"
  echo "ok: replayed twice, $lines identical lines"

  # 4. Damaged reproducers: exit 2 and a clear message, never a crash.
  head -c $(( $(stat -c %s "$trace") / 2 )) "$trace" > "$work/truncated.trace"
  expect_exit 2 "not a valid wakesim trace" "$wakesim" replay "$work/truncated.trace"
  sed 's/^decision-count=.*/decision-count=999999/' "$trace" > "$work/count.trace"
  expect_exit 2 "not a valid wakesim trace" "$wakesim" replay "$work/count.trace"
  sed 's/^decisions=.*/decisions=AAAA/' "$trace" > "$work/decisions.trace"
  expect_exit 2 "" "$wakesim" replay "$work/decisions.trace"
  sed 's/^format=.*/format=7/' "$trace" > "$work/format.trace"
  expect_exit 2 "format 7" "$wakesim" replay "$work/format.trace"
  sed 's/^vcpus *=.*/vcpus = 3/' "$trace" > "$work/scenario.trace"
  cmp -s "$trace" "$work/scenario.trace" && fail "the scenario in $trace has no vcpus line"
  expect_exit 2 "checksum mismatch" "$wakesim" replay "$work/scenario.trace"
  sed '/^# ---- scenario/,$d' "$trace" > "$work/noscenario.trace"
  expect_exit 2 "no scenario after the [trace] keys" "$wakesim" replay "$work/noscenario.trace"
  # The scenario is readable text, and the build that recorded it is named.
  grep -q '^\[machine\]' "$trace" || fail "$trace: scenario not stored as text"
  grep -q '^build-compiler=' "$trace" || fail "$trace: no build identity"
  sed 's/^build-version=.*/build-version=0000000-other/' "$trace" > "$work/other-build.trace"
  expect_exit 1 "recorded by another build: version 0000000-other" "$wakesim" replay "$work/other-build.trace"
  # A format-1 reproducer (scenario as base64, no build identity) still loads.
  scn64=$(sed '1,/^# ---- scenario/d' "$trace" | base64 -w0)
  dec64=$(sed -n 's/^decisions=//p' "$trace")
  count=$(sed -n 's/^decision-count=//p' "$trace")
  muts=$(sed -n 's/^mutants=//p' "$trace")
  sum=$(printf '%s\n%s\n%s\n%s\n' "$scn64" "$dec64" "$count" "$muts" | sha256sum | cut -d' ' -f1)
  sed -e '/^# ---- scenario/,$d' -e '/^build-/d' -e 's/^format=2/format=1/' \
      -e "s/^checksum=.*/checksum=$sum\nscenario-text=$scn64/" "$trace" > "$work/format1.trace"
  expect_exit 1 "records no build identity (format 1)" "$wakesim" replay "$work/format1.trace"
  sed 's/^log-hash=.*/log-hash=0123456789abcdef/' "$trace" > "$work/hash.trace"
  expect_exit 3 "replay differs from the recording" "$wakesim" replay "$work/hash.trace"
  head -c 3000 /dev/urandom > "$work/garbage.trace"
  expect_exit 2 "not a valid wakesim trace" "$wakesim" replay "$work/garbage.trace"
  : > "$work/empty.trace"
  expect_exit 2 "not a valid wakesim trace" "$wakesim" replay "$work/empty.trace"
  expect_exit 2 "No such file" "$wakesim" replay "$work/missing.trace"

  # 5. Shrinking: same violation, no more preemptions or non-default
  # decisions than before, and the shrunk file replays byte for byte.
  "$wakesim" shrink "$trace" -o "$work/shrunk.trace" > "$work/shrink.txt" 2>&1; rc=$?
  [ "$rc" -eq 1 ] || fail "shrink exited $rc, expected 1: $(tail -3 "$work/shrink.txt")"
  before=$(sed -n 's/^before: \([0-9]*\) preemptions\{0,1\}, \([0-9]*\) non-default.*/\1 \2/p' "$work/shrink.txt" | tail -1)
  after=$(sed -n 's/^after : \([0-9]*\) preemptions\{0,1\}, \([0-9]*\) non-default.*/\1 \2/p' "$work/shrink.txt")
  set -- $before $after
  if [ $# -ne 4 ]; then
    fail "shrink printed no before/after figures: $(tail -5 "$work/shrink.txt")"
  elif [ "$3" -gt "$1" ] || { [ "$3" -eq "$1" ] && [ "$4" -gt "$2" ]; }; then
    fail "shrink made it worse: before '$before' after '$after'"
  else
    echo "ok: shrink: preemptions/non-default $1/$2 -> $3/$4"
  fi
  "$wakesim" replay "$work/shrunk.trace" --log > "$work/s1.txt" 2>&1; rc1=$?
  "$wakesim" replay "$work/shrunk.trace" --log > "$work/s2.txt" 2>&1; rc2=$?
  [ "$rc1" -eq 1 ] && [ "$rc2" -eq 1 ] || fail "shrunk replay exit codes $rc1 $rc2, expected 1 1"
  grep -q "replay matches the recording: verdict sqe-submit-latency" "$work/s1.txt" ||
    fail "shrunk reproducer does not replay to its violation"
  cmp -s "$work/s1.txt" "$work/s2.txt" || fail "two replays of the shrunk reproducer differ"
  grep -q "main-loop: ppoll" "$work/s1.txt" ||
    fail "the violation block does not show the main loop in ppoll at the start"
  expect_exit 2 "--budget must be in 1..1000000" "$wakesim" shrink "$work/other-build.trace" --budget 0
fi

# 5. Weak memory: the missing full fence in aio_notify() is a lost wakeup
# under x86-TSO store buffers, found within the scenario's budget, with a
# reproducer that records the model and replays byte for byte; under
# sequential consistency the same budget finds nothing.
expect_exit 2 "--memory-model must be sc, tso, pso or arm" "$wakesim" run bh-back-to-back --memory-model power
# weak_memory_deadlock MODEL MUTANT WEAKER_MODEL_THAT_PASSES: the mutant
# deadlocks bh-back-to-back under MODEL within 1000 runs; its reproducer
# records the model, replays twice to the same verdict byte for byte, and
# the model is part of its checksum; under the other model 1000 runs pass.
weak_memory_deadlock() {
  local model=$1 mutant=$2 other=$3 dir="$work/$1"
  mkdir -p "$dir"
  expect_exit 1 "deadlock" "$wakesim" run bh-back-to-back --memory-model "$model" \
    --mutant "$mutant" --runs 1000 --out "$dir"
  local trace
  trace=$(ls "$dir"/*.trace 2>/dev/null | head -1)
  if [ -z "$trace" ]; then
    fail "no reproducer written under $model"
  else
    grep -q "^memory-model=$model\$" "$trace" ||
      fail "the reproducer does not record memory-model=$model"
    "$wakesim" replay "$trace" --log > "$dir/1.txt" 2>&1; rc1=$?
    "$wakesim" replay "$trace" --log > "$dir/2.txt" 2>&1; rc2=$?
    [ "$rc1" -eq 1 ] && [ "$rc2" -eq 1 ] || fail "$model replay exit codes $rc1 $rc2, expected 1 1"
    grep -q "replay matches the recording: verdict deadlock" "$dir/1.txt" ||
      fail "$model replay does not match: $(tail -2 "$dir/1.txt")"
    cmp -s "$dir/1.txt" "$dir/2.txt" || fail "two $model replays differ"
    # The model is part of the checksum: a reproducer edited to sc is rejected.
    sed "s/^memory-model=$model\$/memory-model=sc/" "$trace" > "$dir/as-sc.trace"
    expect_exit 2 "checksum mismatch" "$wakesim" replay "$dir/as-sc.trace"
    sed "s/^memory-model=$model\$/memory-model=power/" "$trace" > "$dir/bad.trace"
    expect_exit 2 "memory-model 'power'" "$wakesim" replay "$dir/bad.trace"
  fi
  expect_exit 0 "1000 runs, no violation" "$wakesim" run bh-back-to-back \
    --memory-model "$other" --mutant "$mutant" --runs 1000 --out "$dir"
}
weak_memory_deadlock tso notify-skips-full-fence sc
# 5a. The arm model: a read-modify-write is not a full fence, so the fence
# after aio_poll()'s raise of notify_me matters there and only there.
weak_memory_deadlock arm poll-skips-full-fence tso
# 5b. An expectation's own budget ("..., runs N") replaces [expect] runs
# for that mutant (its run under sc, when it names a model, takes the fixed
# code's budget).
own_budget_scn="$work/own-budget.scn"
cat "$src/scenarios/bh-back-to-back.scn" > "$own_budget_scn"
printf 'accept-skips-fence = deadlock@tso, runs 7\n' >> "$own_budget_scn"
expect_exit 1 "no run of 7 gave deadlock" "$wakesim" check "$own_budget_scn" \
  -m accept-skips-fence -o "$work"
# 6. --seed random: the default for many runs, printed so a run repeats.
expect_exit 0 "(random: repeat with --seed it)" "$wakesim" run ahci-mmio-inline-submit --runs 3
expect_exit 0 "seed 1, runs 1" "$wakesim" run ahci-mmio-inline-submit
expect_exit 2 "--seed must be a non-negative integer" "$wakesim" run ahci-mmio-inline-submit --seed rand

# 7. check with an expectation the code does not meet: the full block.
sed 's/^missing-notify-add-sqe *=.*/missing-notify-add-sqe = handoff-latency/' \
  "$src/scenarios/ahci-mmio-inline-submit.scn" > "$work/wrong-expect.scn"
expect_exit 1 "reproducer:   $work/wakesim-ahci-mmio-inline-submit-missing-notify-add-sqe-random1.trace" \
  "$wakesim" check "$work/wrong-expect.scn" --runs 5 --out "$work"

# 8. What an expectation names, in kind.  The seed mutant on the seed
# scenario gives sqe-submit-latency on every run.
seed_scn() {  # NAME EXPECTATION: the seed scenario with the seed mutant's line replaced
  sed "s/^missing-notify-add-sqe *=.*/missing-notify-add-sqe = $2/" \
    "$src/scenarios/ahci-mmio-inline-submit.scn" > "$work/$1.scn"
  echo "$work/$1.scn"
}
# 'found' accepts any violation and prints which.
expect_exit 0 "expected found                got sqe-submit-latency   after 1 run" \
  "$wakesim" check "$(seed_scn found found)" -m missing-notify-add-sqe
# A set accepts any of its invariants.
expect_exit 0 "got sqe-submit-latency" \
  "$wakesim" check "$(seed_scn set 'deadlock | sqe-submit-latency@sc, runs 2')" -m missing-notify-add-sqe
# A set without the violation the runs give: the search goes on through the
# whole budget, then fails with the first violation's reproducer.
expect_exit 1 "no run of 3 gave deadlock | livelock" \
  "$wakesim" check "$(seed_scn other 'deadlock | livelock, runs 3')" -m missing-notify-add-sqe -o "$work"
expect_exit 1 "reproducer:   $work/wakesim-ahci-mmio-inline-submit-missing-notify-add-sqe-random1.trace" \
  "$wakesim" check "$work/other.scn" -m missing-notify-add-sqe -o "$work"
# A named mutant the file expects to pass fails the check when it is found.
expect_exit 1 "FAIL missing-notify-add-sqe       sc  expected pass                 got sqe-submit-latency" \
  "$wakesim" check "$(seed_scn pass pass)" --runs 2 -o "$work"
# A mutant the file does not name is not checked, only listed (or run for
# information with --unnamed, which never fails the check).
expect_exit 0 "info not named in [expect], not checked: gsource-check-skips-cq" \
  "$wakesim" check ahci-mmio-inline-submit --runs 2
expect_exit 0 "bh-schedule-no-notify is not named in the [expect] of ahci-mmio-inline-submit" \
  "$wakesim" check ahci-mmio-inline-submit -m bh-schedule-no-notify
expect_exit 0 "info bh-schedule-no-notify        sc  not named: no violation after 2 runs" \
  "$wakesim" check ahci-mmio-inline-submit -m bh-schedule-no-notify --unnamed 2
# --seed moves every search; --budget replaces every budget.
expect_exit 0 "after 2 runs (random seeds 7..8)" \
  "$wakesim" check ahci-sync-io -m missing-notify-add-sqe --seed 7 --budget 2
expect_exit 2 "--seed must be in 1.." "$wakesim" check ahci-sync-io --seed 0
expect_exit 2 "--budget must be a non-negative integer" "$wakesim" check ahci-sync-io --budget x

if [ "$failures" -ne 0 ]; then
  echo "$failures failure(s); wakesim=$wakesim work dir kept: $work"
  trap - EXIT
  exit 1
fi
echo "all CLI checks passed"

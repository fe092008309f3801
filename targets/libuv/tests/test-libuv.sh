#!/usr/bin/env bash
# test-libuv.sh BUILD MODE - the libuv target's checks (CTest label libuv);
# BUILD is targets/libuv's build directory (tools/libuv-build.sh), skipped
# (77) when it was not built.
#   fixed    every scenario on unmodified libuv passes 100 schedules under
#            each memory model (sc, tso, pso, arm), and the runs/s of
#            async-senders (1,000 schedules)
#   mutants  each mutation re-creating a libuv fix is found from 20 seeds
#            (--seed k*100000, at most 2,000 schedules each) within 60 s
#            in all, under each model listed; one found reproducer replays
#            identically
#   generated  the generated workload (generated.c) on unmodified libuv
#            passes 500 schedules from seed 1 under each model, and finds
#            each mutation from seed 100000 (at most 2,000 schedules: the
#            uv_async race under arm, the others under sc); its
#            reproducer replays identically
#   generated-bench  (by hand, ~1 min) the generated workload against every
#            mutation from 20 seeds, as `mutants` does for the fixed programs
set -u
build=$1 mode=$2
if [ ! -x "$build/libuv-async-senders" ]; then
  echo "SKIP: $build/libuv-async-senders not built (see libuv.build: no libuv source?)"
  exit 77
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

fixed() {
  for p in async-senders async-timer queue-work async-wake-blocked; do
    for m in sc tso pso arm; do
      "$build/libuv-$p" --runs 100 --memory-model "$m" --out "$work" > "$work/out" 2>&1
      rc=$?
      echo "libuv-$p $m: exit $rc, $(tail -1 "$work/out")"
      [ "$rc" -eq 0 ] || { fail "libuv-$p under $m"; grep -m3 "VIOLATION\|==" "$work/out"; }
    done
  done
  "$build/libuv-async-senders" --runs 1000 --out "$work" | tail -1
}

# find PROGRAM MODEL [SEEDS]: SEEDS seeds (20), each until the first violation.
find_mutant() {
  local prog=$1 model=$2 seeds=${3:-20} found=0 worst=0 t0 t1
  t0=$(date +%s.%N)
  for k in $(seq 1 "$seeds"); do
    "$build/$prog" --seed $((k * 100000)) --runs 2000 --memory-model "$model" \
      --out "$work/$prog-$model" > "$work/out" 2>&1
    if [ $? -eq 1 ]; then
      found=$((found + 1))
      n=$(sed -n 's/^VIOLATION in run \([0-9]*\) .*/\1/p' "$work/out" | head -1)
      [ "${n:-0}" -ge "$worst" ] && worst=${n:-0}
    fi
  done
  t1=$(date +%s.%N)
  secs=$(echo "$t1 - $t0" | bc)
  printf '%-55s %-4s found %2d/%d, worst seed after %4d runs, %6.2f s\n' "$prog" "$model" \
    "$found" "$seeds" "$((worst + 1))" "$secs"
  [ "$found" -eq "$seeds" ] || fail "$prog under $model: found $found/$seeds"
  [ "$(echo "$secs < 60" | bc)" -eq 1 ] || fail "$prog under $model: $secs s > 60 s"
  repro=$(ls "$work/$prog-$model"/*.trace 2>/dev/null | head -1)
  if [ -n "$repro" ]; then
    "$build/$prog" --replay "$repro" > "$work/replay" 2>&1
    grep -q identical "$work/replay" || fail "replay of $repro: $(tail -1 "$work/replay")"
  fi
}

mutants() {
  for m in tso pso arm; do
    find_mutant libuv-async-senders--async-pending-plain-clear "$m"
  done
  for m in sc tso; do
    find_mutant libuv-queue-work--threadpool-signal-only-when-empty "$m"
  done
  # A reproducer replayed by another program diverges (exit 3) and says so;
  # the program's destructors (libuv's uv_library_shutdown, joining pool
  # threads of a world that is gone) do not run on the host.
  repro=$(ls "$work"/libuv-async-senders--async-pending-plain-clear-tso/*.trace | head -1)
  "$build/libuv-queue-work" --replay "$repro" > "$work/cross" 2>&1
  rc=$?
  [ "$rc" -eq 3 ] && grep -q DIFFERS "$work/cross" ||
    fail "another program's reproducer: exit $rc, $(tail -1 "$work/cross")"
  # Under sc the uv_async race cannot lose a send (the clear cannot be
  # overtaken): said, not asserted.
  "$build/libuv-async-senders--async-pending-plain-clear" --runs 2000 --out "$work" | tail -1
}

generated() {
  local p=libuv-generated
  for m in sc tso pso arm; do
    "$build/$p" --runs 500 --memory-model "$m" --out "$work" > "$work/out" 2>&1
    rc=$?
    echo "$p $m: exit $rc, $(tail -1 "$work/out")"
    [ "$rc" -eq 0 ] || { fail "$p under $m"; grep -m3 "VIOLATION\|FAIL" "$work/out"; }
  done
  # PCT at depth 5: uv__async_spin yields until a lower-priority pool
  # worker finishes its send; the yield lowers the spinner (sched_yield,
  # sim_yield_to_others), else a false livelock at run 252.
  "$build/$p" --runs 400 --strategy pct --pct-depth 5 --out "$work" > "$work/out" 2>&1
  rc=$?
  echo "$p pct-5: exit $rc, $(tail -1 "$work/out")"
  [ "$rc" -eq 0 ] || { fail "$p under PCT depth 5"; grep -m3 "VIOLATION\|FAIL" "$work/out"; }
  find_mutant $p--async-pending-plain-clear arm 1
  for m in threadpool-signal-only-when-empty run-once-idle-sleeps poll-timeout-ignores-closing; do
    find_mutant $p--$m sc 1
  done
}

generated_bench() {
  local p=libuv-generated
  for m in tso pso arm; do
    find_mutant $p--async-pending-plain-clear "$m"
  done
  for mut in threadpool-signal-only-when-empty run-once-idle-sleeps poll-timeout-ignores-closing; do
    for m in sc tso pso arm; do
      find_mutant $p--$mut "$m"
    done
  done
}

case "$mode" in
  fixed) fixed ;;
  mutants) mutants ;;
  generated) generated ;;
  generated-bench) generated_bench ;;
  *) echo "usage: $0 BUILD fixed|mutants|generated|generated-bench"; exit 2 ;;
esac
if [ "$fails" -ne 0 ]; then
  echo "$fails failure(s)"
  exit 1
fi
echo "test-libuv $mode: ok"

#!/usr/bin/env bash
# keyed-robustness.sh BUILD EXTRA_BUILD - do regression inputs survive a
# code change that adds a scheduling point?  EXTRA_BUILD is configured with
# -DWAKESIM_EXTRA_SCHED_POINT=ON (one harmless extra shared read in every
# loop iteration, loop/aio-bh.c).  For every reproducer in regressions/ it
# replays the positional decisions and the keyed ones in both builds, and
# for every raw fuzzer input in corpus/regressions/ it runs the replay
# harness in both builds; it prints whether each still gives its invariant
# and, per mutant, whether some input still reaches it.
#
#   cmake -S . -B build-extra -DWAKESIM_EXTRA_SCHED_POINT=ON
#   cmake --build build-extra -j2
#   tools/keyed-robustness.sh build build-extra
set -u
base=$1 extra=$2
src=$(cd "$(dirname "$0")/.." && pwd)
declare -A reached

verdict_of() { sed -n 's/^verdict=//p' "$1"; }

# replay BUILD FILE [--keyed] -> "ok" when it ends in the recorded violation
replay() {
  local b=$1 f=$2; shift 2
  local out rc
  out=$("$b/cli/wakesim" replay "$f" "$@" 2>&1); rc=$?
  if [ "$rc" -eq 1 ]; then echo ok
  elif [ "$rc" -eq 3 ]; then echo lost
  else echo "exit$rc"; fi
}

printf '%-72s %-9s %-9s %-9s %-9s\n' "reproducer (regressions/)" "pos" "pos+pt" "keyed" "keyed+pt"
for f in $(cd "$src/regressions" && find . -name '*.trace' | sort); do
  p=$src/regressions/$f
  m=${f#./}; m=${m%%/*}
  r1=$(replay "$base" "$p"); r2=$(replay "$extra" "$p")
  r3=$(replay "$base" "$p" --keyed); r4=$(replay "$extra" "$p" --keyed)
  printf '%-72s %-9s %-9s %-9s %-9s\n' "${f#./}" "$r1" "$r2" "$r3" "$r4"
  [ "$r1" = ok ] && reached[$m,pos]=1
  [ "$r2" = ok ] && reached[$m,pos+pt]=1
  [ "$r3" = ok ] && reached[$m,keyed]=1
  [ "$r4" = ok ] && reached[$m,keyed+pt]=1
done

echo
printf '%-100s %-6s %-6s\n' "raw fuzzer input (corpus/regressions/)" "bytes" "bytes+pt"
for f in $(cd "$src/corpus/regressions" && find . -type f | sort); do
  m=$(echo "$f" | cut -d/ -f2) h=$(echo "$f" | cut -d/ -f3) inv=$(echo "$f" | cut -d/ -f4)
  res=()
  for b in "$base" "$extra"; do
    if WAKESIM_MUTANTS=$m WAKESIM_TRACE_DIR=none "$b/fuzz/fuzz_replay_$h" --expect "$inv" \
         "$src/corpus/regressions/$f" >/dev/null 2>&1; then res+=(ok); else res+=(lost); fi
  done
  printf '%-100s %-6s %-6s\n' "${f#./}" "${res[0]}" "${res[1]}"
  [ "${res[0]}" = ok ] && reached[$m,bytes]=1
  [ "${res[1]}" = ok ] && reached[$m,bytes+pt]=1
done

echo
echo "mutants reached (by at least one input; any: by some input of any kind):"
printf '%-32s %-3s %-6s %-5s %-8s %-5s %-8s %-3s %-6s\n' mutant pos pos+pt keyed keyed+pt \
  bytes bytes+pt any any+pt
yn() { [ -n "${reached[$1]:-}" ] && echo yes || echo NO; }
total=0 both=0
for m in $( (cd "$src/regressions" && ls; cd "$src/corpus/regressions" && ls) | sort -u); do
  printf '%-32s' "$m"
  for k in pos pos+pt keyed keyed+pt bytes bytes+pt; do
    printf ' %-*s' $(( ${#k} > 3 ? ${#k} : 3 )) "$(yn "$m,$k")"
  done
  any=NO anypt=NO
  { [ -n "${reached[$m,pos]:-}" ] || [ -n "${reached[$m,keyed]:-}" ] ||
    [ -n "${reached[$m,bytes]:-}" ]; } && any=yes
  { [ -n "${reached[$m,pos+pt]:-}" ] || [ -n "${reached[$m,keyed+pt]:-}" ] ||
    [ -n "${reached[$m,bytes+pt]:-}" ]; } && anypt=yes
  printf ' %-3s %-6s\n' "$any" "$anypt"
  total=$((total + 1))
  [ "$any" = yes ] && [ "$anypt" = yes ] && both=$((both + 1))
done
echo "$both of $total mutants with corpus entries reached in both builds"

#!/usr/bin/env bash
# keyed-robustness.sh - do regression inputs survive a code change that
# moves scheduling points?  Replays every reproducer in regressions/ by its
# positional decisions and by its keyed ones in a base build and in builds
# of perturbed code, and prints whether each still reaches its violation
# and, per mutant, whether some input still reaches it.  With --raw it
# also replays the raw fuzzer inputs of corpus/regressions/ (positional
# bytes) with each build's fuzz_replay_* harnesses.
#
#   keyed-robustness.sh [--raw] [--assert] [--allow-loss NAME:GLOB]... BASE PERTURBED...
#
# PERTURBED is DIR, NAME=DIR, or NAME=DIR:OPTION.  With OPTION the script
# first configures DIR as BASE is configured (generator, compiler, build
# type) plus -DOPTION=ON and builds the wakesim command in it (and, with
# --raw, the fuzz_replay_* harnesses), nothing else.
# The perturbations (top-level CMakeLists.txt, never in a product build):
#   WAKESIM_EXTRA_SCHED_POINT  one extra shared read, so one more scheduling
#                              point, in every loop iteration (loop/aio-bh.c)
#   WAKESIM_EXTRA_BH_EVENT     a lock round on a context-private lock per
#                              bottom half run: two more events and
#                              scheduling points per BH (loop/aio-bh.c)
#
#   tools/keyed-robustness.sh --raw build point=build-point:WAKESIM_EXTRA_SCHED_POINT
#
# --assert (CTest corpus.keyed-robustness) fails when a reproducer's keyed
# replay reaches its violation in BASE but not in a perturbed build, unless
# its path (relative to regressions/) matches a GLOB given for that
# perturbation's NAME with --allow-loss; when a perturbation diverges no
# positional replay at all (it was not compiled in: nothing was tested);
# and when any replay exits other than 1 (reached) or 3 (diverged or lost).
set -u
src=$(cd "$(dirname "$0")/.." && pwd)
assert=0 raw=0
allow=()
while [ $# -gt 0 ]; do
  case $1 in
    --assert) assert=1; shift ;;
    --raw) raw=1; shift ;;
    --allow-loss) allow+=("$2"); shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 2 ] || { sed -n '2,/^set -u/p' "$0" | sed 's/^# \{0,1\}//;$d'; exit 2; }
base=$1; shift
names=(base) dirs=("$base") opts=()
for p in "$@"; do
  name=${p%%=*} rest=${p#*=} opt=
  [ "$name" = "$p" ] && { name=$(basename "$p"); rest=$p; }
  case $rest in *:*) opt=${rest##*:}; rest=${rest%:*} ;; esac
  names+=("$name") dirs+=("$rest")
  [ -n "$opt" ] && opts[${#names[@]}-1]=$opt
done
declare -A reached
failures=()

cache_get() { sed -n "s/^$1:[A-Z]*=//p" "$base/CMakeCache.txt"; }

# Configures and builds the wakesim command (and with --raw the replay
# harnesses) of perturbed build I.
make_build() {
  local dir=${dirs[$1]} opt=$2 t0=$SECONDS targets=(wakesim)
  [ "$raw" = 1 ] && mapfile -t -O 1 targets < <(cd "$base/fuzz" && ls fuzz_replay_*)
  if ! cmake -S "$src" -B "$dir" -G "$(cache_get CMAKE_GENERATOR)" \
    -DCMAKE_C_COMPILER="$(cache_get CMAKE_C_COMPILER)" \
    -DCMAKE_BUILD_TYPE="$(cache_get CMAKE_BUILD_TYPE)" -D"$opt"=ON >"$dir.configure.log" 2>&1 ||
    ! cmake --build "$dir" --target "${targets[@]}" -j"$(nproc)" >"$dir.build.log" 2>&1; then
    echo "keyed-robustness: building $dir with -D$opt=ON failed:"
    tail -20 "$dir.configure.log" "$dir.build.log" 2>/dev/null
    exit 1
  fi
  local what=wakesim
  [ "$raw" = 1 ] && what="wakesim and $((${#targets[@]} - 1)) fuzz_replay_* harnesses"
  echo "built ${names[$1]}: $dir (-D$opt=ON: $what) in $((SECONDS - t0)) s"
}

for i in "${!names[@]}"; do
  [ -n "${opts[$i]:-}" ] && { mkdir -p "$(dirname "${dirs[$i]}")"; make_build "$i" "${opts[$i]}"; }
  [ -x "${dirs[$i]}/cli/wakesim" ] || { echo "keyed-robustness: no ${dirs[$i]}/cli/wakesim"; exit 2; }
done

# replay BUILD FILE [--keyed] -> ok (the recorded violation), lost (exit 3:
# diverged, or another verdict), or exitN
replay() {
  local b=$1 f=$2 rc
  shift 2
  "$b/cli/wakesim" replay "$f" "$@" >/dev/null 2>&1
  rc=$?
  case $rc in 1) echo ok ;; 3) echo lost ;; *) echo "exit$rc" ;; esac
}

allowed() { # NAME FILE: is FILE's loss under NAME listed?
  local a
  for a in "${allow[@]+"${allow[@]}"}"; do
    # shellcheck disable=SC2053 # the glob is meant to match
    [ "${a%%:*}" = "$1" ] && [[ $2 == ${a#*:} ]] && return 0
  done
  return 1
}

# Replays every reproducer in every build; prints a row per file and
# records per build: kept (keyed) and diverged (positional) counts.
declare -A kept diverged
repros=$(cd "$src/regressions" && find . -name '*.trace' | sed 's|^\./||' | sort)
nrepro=$(echo "$repros" | grep -c .)
printf '%-72s' "reproducer (regressions/)"
for n in "${names[@]}"; do
  t=${n#base}
  printf ' %-*s %-*s' $((${#t} + 4)) "pos${t:++$t}" $((${#t} + 6)) "keyed${t:++$t}"
done
echo
for f in $repros; do
  m=${f%%/*}
  printf '%-72s' "$f"
  for i in "${!names[@]}"; do
    n=${names[$i]} t=${names[$i]#base}
    rp=$(replay "${dirs[$i]}" "$src/regressions/$f")
    rk=$(replay "${dirs[$i]}" "$src/regressions/$f" --keyed)
    printf ' %-*s %-*s' $((${#t} + 4)) "$rp" $((${#t} + 6)) "$rk"
    [ "$rp" = ok ] && reached[$m,$n]=1
    [ "$rk" = ok ] && { reached[$m,$n]=1 reached[$m,$n,keyed]=1 kept[$n]=$((${kept[$n]:-0} + 1)); }
    [ "$rp" = lost ] && diverged[$n]=$((${diverged[$n]:-0} + 1))
    for r in "$rp" "$rk"; do
      case $r in exit*) failures+=("$n: $f: replay $r (want 1 or 3)") ;; esac
    done
    if [ "$i" = 0 ]; then
      base_keyed=$rk
      [ "$rk" = ok ] || failures+=("base: $f: keyed replay $rk (regr.* fails too)")
    elif [ "$base_keyed" = ok ] && [ "$rk" != ok ]; then
      if allowed "$n" "$f"; then echo -n " (listed)"; else
        failures+=("$n: $f: keyed replay $rk (reached its violation in the base build)")
      fi
    elif [ "$rk" = ok ] && allowed "$n" "$f"; then
      echo -n " (listed loss, now kept)"
    fi
  done
  echo
done

# Raw fuzzer inputs: positional bytes, replayed by the fuzz_replay_*
# harnesses (--raw).
echo
if [ "$raw" = 0 ]; then
  echo "raw fuzzer inputs (corpus/regressions/): not replayed (--raw replays them)"
else
  for d in "${dirs[@]}"; do
    ls "$d"/fuzz/fuzz_replay_* >/dev/null 2>&1 ||
      { echo "keyed-robustness: --raw: no fuzz_replay_* harnesses in $d/fuzz"; exit 2; }
  done
  printf '%-100s' "raw fuzzer input (corpus/regressions/)"
  for n in "${names[@]}"; do t=${n#base}; printf ' %-*s' $((${#t} + 6)) "bytes${t:++$t}"; done
  echo
  for f in $(cd "$src/corpus/regressions" && find . -type f | sed 's|^\./||' | sort); do
    IFS=/ read -r m h inv _ <<<"$f"
    printf '%-100s' "$f"
    for i in "${!names[@]}"; do
      n=${names[$i]} t=${names[$i]#base} r=lost
      WAKESIM_MUTANTS=$m WAKESIM_TRACE_DIR=none "${dirs[$i]}/fuzz/fuzz_replay_$h" \
        --expect "$inv" "$src/corpus/regressions/$f" >/dev/null 2>&1 && r=ok
      printf ' %-*s' $((${#t} + 6)) "$r"
      [ "$r" = ok ] && reached[$m,$n]=1
    done
    echo
  done
fi

echo
echo "mutants reached: by a keyed reproducer (keyed), by any input of any kind (any):"
printf '%-32s' mutant
for n in "${names[@]}"; do t=${n#base}; printf ' %-*s %-*s' $((${#t} + 6)) "keyed${t:++$t}" $((${#t} + 4)) "any${t:++$t}"; done
echo
yn() { [ -n "${reached[$1]:-}" ] && echo yes || echo NO; }
total=0
declare -A all_reached
for m in $( (cd "$src/regressions" && ls; [ "$raw" = 1 ] && cd "$src/corpus/regressions" && ls) | sort -u); do
  printf '%-32s' "$m"
  total=$((total + 1))
  for n in "${names[@]}"; do
    t=${n#base}
    printf ' %-*s %-*s' $((${#t} + 6)) "$(yn "$m,$n,keyed")" $((${#t} + 4)) "$(yn "$m,$n")"
    [ -n "${reached[$m,$n]:-}" ] && all_reached[$n]=$((${all_reached[$n]:-0} + 1))
  done
  echo
done

echo
for n in "${names[@]}"; do
  echo "$n: keyed replay reaches the violation for ${kept[$n]:-0}/$nrepro reproducers;" \
    "positional replay diverges for ${diverged[$n]:-0}/$nrepro; ${all_reached[$n]:-0}/$total mutants reached"
  [ "$n" != base ] && [ "${diverged[$n]:-0}" = 0 ] &&
    failures+=("$n: no positional replay diverged: the perturbation is not in this build")
done

[ "$assert" = 1 ] || exit 0
if [ ${#failures[@]} -gt 0 ]; then
  echo
  printf 'FAIL: %s\n' "${failures[@]}"
  exit 1
fi
echo "ok: every keyed reproducer survived each perturbation, but for the listed losses"

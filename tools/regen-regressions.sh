#!/usr/bin/env bash
# regen-regressions.sh - replaces regression inputs that went stale.
#
# A regression input (corpus/regressions/<mutant>/<harness>/<invariant>/*)
# is a schedule; a change that adds or removes scheduling points shifts it,
# and it may stop reaching its interleaving (corpus/README.md).  For every
# input that no longer gives <invariant> under <mutant>, or no longer passes
# on the fixed code, this script fuzzes the harness under the mutant until a
# crash gives that invariant, minimizes it, checks it again (mutant and
# fixed code) and puts it in place of the stale file.
#
#   tools/regen-regressions.sh [-b BUILD_CLANG] [-t SECONDS_PER_TRY] [-n TRIES]
#
# BUILD_CLANG is a clang build with libFuzzer (preset build-clang).  Prints
# one line per input: kept, replaced (with the new name) or FAILED; exits 1
# if any input could not be replaced.  Run fuzz/update-corpus-list.sh after.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build="$root/build-clang"
per_try=120
tries=3
while getopts "b:t:n:" opt; do
  case $opt in
    b) build=$OPTARG ;;
    t) per_try=$OPTARG ;;
    n) tries=$OPTARG ;;
    *) echo "usage: $0 [-b BUILD_CLANG] [-t SECONDS_PER_TRY] [-n TRIES]" >&2; exit 2 ;;
  esac
done
fz="$build/fuzz"
[ -d "$fz" ] || { echo "regen-regressions: no $fz (cmake --preset build-clang && cmake --build build-clang)" >&2; exit 2; }

# replay HARNESS MUTANT EXPECT FILE: 0 when FILE gives EXPECT under MUTANT
# (MUTANT empty and EXPECT "pass" for the fixed code).
replay() {
  local h=$1 mutant=$2 expect=$3 file=$4
  if [ "$expect" = pass ]; then
    WAKESIM_MUTANTS= WAKESIM_TRACE_DIR= "$fz/fuzz_replay_$h" "$file" >/dev/null 2>&1
  else
    WAKESIM_MUTANTS=$mutant WAKESIM_TRACE_DIR= "$fz/fuzz_replay_$h" --expect "$expect" "$file" >/dev/null 2>&1
  fi
}

good() {   # HARNESS MUTANT INVARIANT FILE
  replay "$1" "$2" "$3" "$4" && replay "$1" "" pass "$4"
}

failed=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
while IFS= read -r f; do
  rel=${f#"$root/corpus/regressions/"}
  IFS=/ read -r mutant h inv name <<< "$rel"
  if good "$h" "$mutant" "$inv" "$f"; then
    echo "kept     $rel"
    continue
  fi
  found=
  for try in $(seq 1 "$tries"); do
    art="$work/$mutant-$h-$inv-$try"
    mkdir -p "$art/new"
    seeds=()
    [ -d "$root/corpus/$h" ] && seeds=("$root/corpus/$h")
    WAKESIM_MUTANTS=$mutant WAKESIM_TRACE_DIR="$art" nice "$fz/fuzz_$h" -seed="$try" \
      -max_total_time="$per_try" -error_exitcode=1 -rss_limit_mb=2048 \
      -artifact_prefix="$art/" "$art/new" "${seeds[@]}" >"$art/log" 2>&1
    crash=$(ls "$art"/crash-* 2>/dev/null | grep -v "\.trace$" | head -1)
    [ -n "$crash" ] || continue
    WAKESIM_MUTANTS=$mutant WAKESIM_TRACE_DIR="$art" "$fz/fuzz_$h" -minimize_crash=1 -runs=10000 \
      -artifact_prefix="$art/min-" "$crash" >"$art/min.log" 2>&1
    for c in $(ls -t "$art"/min-* 2>/dev/null | grep -v "\.trace$") "$crash"; do
      if good "$h" "$mutant" "$inv" "$c"; then
        found=$c
        break 2
      fi
    done
  done
  if [ -z "$found" ]; then
    echo "FAILED   $rel (no crash giving $inv in $tries x ${per_try}s)"
    failed=1
    continue
  fi
  new="crash-$(sha1sum "$found" | cut -d' ' -f1)"
  dir=$(dirname "$f")
  git -C "$root" rm -q "$f" 2>/dev/null || rm -f "$f"
  mkdir -p "$dir"                     # git rm drops a directory it empties
  cp "$found" "$dir/$new"
  echo "replaced $rel -> $new"
done < <(find "$root/corpus/regressions" -type f | LC_ALL=C sort)
exit $failed

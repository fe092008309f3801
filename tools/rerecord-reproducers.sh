#!/usr/bin/env bash
# rerecord-reproducers.sh - refreshes the keyed reproducers in regressions/
# after a code change moved scheduling points: each file is replayed by its
# keyed decisions and, when that still reaches its recorded violation,
# re-recorded in place for this build (wakesim replay --keyed --rerecord).
# A file whose keyed replay no longer reaches its violation is reported and
# left alone (find a new one with wakesim run, then wakesim shrink).
#
# --all also re-records files whose positional replay still matches, from
# that exact positional run (wakesim replay --rerecord), which refreshes
# their keyed decisions to the current key form (labelled keys); their
# decisions and log hash stay as they were.
#
#   tools/rerecord-reproducers.sh [--all] [WAKESIM]   (default build/cli/wakesim)
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
all=0
if [ "${1:-}" = --all ]; then all=1; shift; fi
wakesim=${1:-$root/build/cli/wakesim}
[ -x "$wakesim" ] || { echo "rerecord-reproducers: no $wakesim" >&2; exit 2; }
failed=0
while IFS= read -r f; do
  rel=${f#"$root/"}
  if "$wakesim" replay "$f" >/dev/null 2>&1 || [ $? -eq 1 ]; then
    out=$("$wakesim" replay "$f" 2>&1 | grep -c "^replay matches the recording")
    if [ "$out" -eq 1 ] && [ "$all" -eq 0 ]; then
      echo "current    $rel"
      continue
    fi
    if [ "$out" -eq 1 ]; then
      tmp=$(mktemp)
      if "$wakesim" replay "$f" --rerecord "$tmp" >/dev/null 2>&1; [ -s "$tmp" ]; then
        mv "$tmp" "$f"
        echo "refreshed  $rel"
      else
        rm -f "$tmp"
        echo "FAILED     $rel (could not write its refreshed form)"
        failed=1
      fi
      continue
    fi
  fi
  tmp=$(mktemp)
  if "$wakesim" replay "$f" --keyed --rerecord "$tmp" >/dev/null 2>&1; [ -s "$tmp" ]; then
    mv "$tmp" "$f"
    echo "rerecorded $rel"
  else
    rm -f "$tmp"
    echo "LOST       $rel (its keyed replay no longer reaches the violation)"
    failed=1
  fi
done < <(find "$root/regressions" -name '*.trace' | LC_ALL=C sort)
exit $failed

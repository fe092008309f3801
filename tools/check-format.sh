#!/usr/bin/env bash
# check-format.sh [--diff] - checks the tracked C sources against
# .clang-format (clang-format 14, as Debian 12 ships it).  Lists each file
# clang-format would change, with the number of lines; --diff prints the
# changes.  Exit 0 when nothing differs, 1 when a file does, 2 when
# clang-format is missing.  It never rewrites a file: run
# `clang-format -i FILE` for that.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root" || exit 2
show_diff=false
[ "${1:-}" = "--diff" ] && show_diff=true
cf=$(command -v clang-format-14 || command -v clang-format) ||
  { echo "check-format: clang-format not found (apt-get install clang-format)" >&2; exit 2; }

files=0 bad=0 lines=0
while IFS= read -r -d '' f; do
  files=$((files + 1))
  d=$("$cf" --style=file "$f" | diff -U0 "$f" -)
  if [ -n "$d" ]; then
    n=$(grep -c '^-[^-]' <<<"$d")
    bad=$((bad + 1)); lines=$((lines + n))
    echo "$f: $n line(s) differ"
    $show_diff && echo "$d"
  fi
done < <(git ls-files -z '*.c' '*.h')
echo "check-format: $bad of $files files differ from .clang-format ($lines lines); $cf"
[ "$bad" -eq 0 ]

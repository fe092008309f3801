#!/usr/bin/env bash
# check-standalone.sh [SOURCE_DIR] - the repository stands alone: no file
# tracked by git refers to a file outside it (a design tree beside the checkout, or a
# machine-specific absolute path).  A person who clones the repository has
# neither.  Prints each offending line; exit 1 if there is one.
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "check-standalone: $root is not a git checkout; nothing to check"; exit 77
fi
# This script names the patterns itself, so it is left out.
hits=$(git ls-files -z | grep -zv '^tools/check-standalone.sh$' |
       xargs -0 grep -nIE '\.\./shared|/work/(shared|notes|main|wt)/' 2>/dev/null)
if [ -n "$hits" ]; then
  echo "check-standalone: these lines refer to files outside the repository:"
  echo "$hits"
  exit 1
fi
echo "check-standalone: no reference outside the repository in $(git ls-files | wc -l) tracked files"

#!/bin/sh
# update-corpus-list.sh - rewrites corpus/CORPUS.cmake from the files under
# corpus/ (then re-run cmake so each new file gets its test).
cd "$(dirname "$0")/../corpus" || exit 2
{
    echo "# Every file under corpus/ (corpus.guard checks this list against the tree)."
    echo "# Regenerate after adding inputs:  fuzz/update-corpus-list.sh"
    echo "set(WAKESIM_CORPUS_FILES"
    find . -type f ! -name CORPUS.cmake ! -name README.md | sed 's|^\./||' | LC_ALL=C sort \
        | sed 's/^/  /'
    echo ")"
} > CORPUS.cmake
echo "corpus/CORPUS.cmake: $(grep -c '^  ' CORPUS.cmake) files"

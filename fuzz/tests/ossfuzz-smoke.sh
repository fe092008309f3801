#!/bin/bash
# ossfuzz-smoke.sh REPO [OUTDIR]
# Runs fuzz/ossfuzz.sh as OSS-Fuzz would (ASan + libFuzzer, no Docker),
# checks what it wrote to $OUT, then runs every fuzzer for 300 inputs on
# the fixed code with -error_exitcode=1.  Exit 77 without clang/libFuzzer.
# With OUTDIR, $OUT is OUTDIR (emptied first) and stays for other tests
# (fuzz-flags.sh); without, a temporary directory.
set -u
repo=$1
keep=${2:-}
[ -z "$keep" ] || rm -rf "$keep"
if ! command -v clang >/dev/null || ! command -v clang++ >/dev/null; then
    echo "skip: no clang/clang++"; exit 77
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf 'int LLVMFuzzerTestOneInput(const char *d, long n) { return 0; }\n' >"$tmp/t.c"
clang -fsanitize=fuzzer "$tmp/t.c" -o "$tmp/t" 2>/dev/null \
    || { echo "skip: clang cannot link -fsanitize=fuzzer (libclang-rt-dev missing?)"; exit 77; }

SRC=$(dirname "$repo")
export CC=clang CXX=clang++ \
    CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,fuzzer-no-link" \
    CXXFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,fuzzer-no-link" \
    LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=${keep:-$tmp/out} WORK=$tmp/work SRC
mkdir -p "$OUT" "$WORK"
t0=$(date +%s)
bash "$repo/fuzz/ossfuzz.sh" || { echo "FAIL: ossfuzz.sh failed"; exit 1; }
echo "ossfuzz.sh: $(( $(date +%s) - t0 )) s"

rc=0
n=0
for f in "$OUT"/*_fuzzer; do
    name=$(basename "$f")
    n=$((n + 1))
    [[ $name =~ ^[A-Za-z0-9_-]+$ ]] || { echo "FAIL: bad fuzzer name $name"; rc=1; }
    [ -f "${f}_seed_corpus.zip" ] || { echo "FAIL: no ${name}_seed_corpus.zip"; rc=1; }
    [ -f "$f.options" ] || { echo "FAIL: no $name.options"; rc=1; }
    if ldd "$f" | grep -q libglib; then
        echo "FAIL: $name links glib dynamically"; rc=1
    fi
    mkdir -p "$tmp/run/$name/seeds"
    unzip -q -o "${f}_seed_corpus.zip" -d "$tmp/run/$name/seeds"
    (cd "$tmp/run/$name" && WAKESIM_MUTANTS='' WAKESIM_TRACE_DIR=$tmp/run/$name \
        "$f" -error_exitcode=1 -runs=300 -seed=1 -artifact_prefix="$tmp/run/$name/" \
        seeds >log 2>&1)
    r=$?
    echo "$name: exit $r, $(grep -c . <(ls "$tmp/run/$name/seeds")) seeds, \
$(sed -n 's/^#\([0-9]*\).*DONE.*/\1/p' "$tmp/run/$name/log") inputs"
    [ $r -eq 0 ] || { echo "FAIL: $name"; tail -20 "$tmp/run/$name/log"; rc=1; }
done
[ $n -gt 0 ] || { echo "FAIL: no fuzzers in \$OUT"; exit 1; }
echo "elapsed: $(( $(date +%s) - t0 )) s, $n fuzzers"
exit $rc

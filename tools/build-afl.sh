#!/bin/bash
# build-afl.sh [OUT] - AFL++ builds of every fuzz harness, through the same
# recipe as OSS-Fuzz (fuzz/ossfuzz.sh; afl-clang-fast understands
# -fsanitize=fuzzer and links its libFuzzer-compatible driver).  Skips
# (exit 77) when afl-clang-fast is not installed (apt-get install afl++).
# Run:  afl-fuzz -i corpus/swarm -o /tmp/afl-out -- OUT/swarm_fuzzer
set -eu
command -v afl-clang-fast >/dev/null || { echo "skip: afl-clang-fast not found"; exit 77; }
repo=$(cd "$(dirname "$0")/.." && pwd)
export CC=afl-clang-fast CXX=afl-clang-fast++ CFLAGS="-O1 -g" CXXFLAGS="-O1 -g" \
       LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=${1:-$repo/build-afl/out}
exec "$repo/fuzz/ossfuzz.sh"

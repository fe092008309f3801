#!/bin/bash -eu
# ossfuzz.sh - builds every wakesim fuzzer the OSS-Fuzz way (the model is
# cJSON's fuzzing/ossfuzz.sh).  OSS-Fuzz's and ClusterFuzzLite's build.sh
# call this in one line; it runs as well on a plain machine:
#
#   CC=clang CXX=clang++ CFLAGS="-O1 -fsanitize=address,fuzzer-no-link" \
#   LIB_FUZZING_ENGINE=-fsanitize=fuzzer OUT=/tmp/out fuzz/ossfuzz.sh
#
# Honours $CC $CFLAGS (every source, so sim/ and loop/ carry the engine's
# coverage instrumentation), $CXX $CXXFLAGS $LIB_FUZZING_ENGINE (the link),
# $OUT (results), $WORK (scratch, default a fresh temp dir), $SRC (unused:
# the repository is found from this script's path).  Writes into $OUT, per
# harness H (schedule_<scenario> for each scenarios/*.scn, swarm and api):
#   H_fuzzer                 the fuzzer, glib linked statically
#   H_fuzzer_seed_corpus.zip corpus/H/* plus corpus/regressions/*/H/*/*
#   H_fuzzer.options         libFuzzer options (max_len)
# WAKESIM_FUZZ_COUNTERS=1 adds the wakeup-protocol extra counters (off by
# default: measured slower to the hard bug, see fuzz/README.md).
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
: "${CC:=clang}" "${CXX:=clang++}" "${CFLAGS:=}" "${CXXFLAGS:=}"
: "${LIB_FUZZING_ENGINE:=-fsanitize=fuzzer}" "${OUT:?set OUT to the output directory}"
: "${WORK:=$(mktemp -d)}"
: "${WAKESIM_FUZZ_COUNTERS:=0}"
build=$WORK/wakesim-ossfuzz-build
mkdir -p "$OUT" "$build"
jobs=$(nproc 2>/dev/null || echo 2)

# 1. The libraries (sim/, loop/ against the sim shim, sim/harness/, targets/) and the
#    embedded-scenario headers, with $CC $CFLAGS.  Build type None: no
#    flags but $CFLAGS (asserts stay on).
cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=None -DCMAKE_C_COMPILER="$CC" \
      -DCMAKE_C_FLAGS="$CFLAGS" >"$build/cmake.log" 2>&1 \
    || { cat "$build/cmake.log"; exit 1; }
cmake --build "$build" -j"$jobs" --target wakesim_targets >"$build/build.log" 2>&1 \
    || { cat "$build/build.log"; exit 1; }
libs=()
for l in wakesim_targets wakesim_run wakesim_loop_sim wakesim; do   # wakesim: the simulator (wakesim_sim)
    libs+=("$(find "$build" -name "lib$l.a" | head -1)")
done

# 2. glib, statically when its archives exist (OSS-Fuzz runs the binaries
#    on a machine without our packages), else dynamically with a warning.
libdir=$(pkg-config --variable=libdir glib-2.0)
glib_libs=()
for f in $(pkg-config --static --libs glib-2.0); do
    case $f in
    -l*) n=${f#-l}
         case $n in m|c|dl|rt|pthread) glib_libs+=("$f"); continue;; esac
         if [ -f "$libdir/lib$n.a" ]; then
             glib_libs+=("$libdir/lib$n.a")
         else
             echo "ossfuzz.sh: WARNING: no $libdir/lib$n.a, linking $f dynamically" >&2
             glib_libs+=("$f")
         fi;;
    *) glib_libs+=("$f");;
    esac
done

# 3. One fuzzer per harness: compile with $CC $CFLAGS, link with $CXX.
incs=(-I"$repo/fuzz" -I"$build/fuzz/gen" -I"$repo/sim/harness" -I"$repo/targets" -I"$repo/sim/core" -I"$repo/loop")
read -ra glib_cflags <<<"$(pkg-config --cflags glib-2.0)"
incs+=("${glib_cflags[@]}")
defs=(-std=gnu11 -D_GNU_SOURCE)
extra=()
if [ "$WAKESIM_FUZZ_COUNTERS" = 1 ]; then
    defs+=(-DWAKESIM_EXTRA_COUNTERS=1)
    extra=("$repo/fuzz/wakeup-counters.c")
fi
harnesses=()
for scn in "$repo"/scenarios/*.scn; do
    # schedule-fuzzing = no: no harness (fuzz/CMakeLists.txt does the same).
    grep -qE '^schedule-fuzzing *= *no' "$scn" && continue
    base=$(basename "$scn" .scn)
    harnesses+=("schedule_${base//-/_}")
done
harnesses+=(swarm api)

: >"$build/empty"
objdir=$build/fuzz-objs
mkdir -p "$objdir"
compile() {  # compile OUT.o SRC [FLAGS...]
    local o=$1 s=$2
    shift 2
    # shellcheck disable=SC2086
    $CC $CFLAGS "${defs[@]}" "${incs[@]}" "$@" -c "$s" -o "$o"
}
compile "$objdir/wakesim-fuzz.o" "$repo/fuzz/wakesim-fuzz.c"
common=("$objdir/wakesim-fuzz.o")
for s in "${extra[@]}"; do
    compile "$objdir/$(basename "$s" .c).o" "$s"
    common+=("$objdir/$(basename "$s" .c).o")
done

zipdir() {  # zipdir ZIP FILE...: flat archive (zip, else python3)
    local z=$1
    shift
    rm -f "$z"
    [ $# -gt 0 ] || return 0
    if command -v zip >/dev/null; then
        zip -q -j "$z" "$@"
    else
        python3 -c 'import sys, zipfile, os
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for f in sys.argv[2:]:
        z.write(f, os.path.basename(os.path.dirname(f)) + "-" + os.path.basename(f))' "$z" "$@"
    fi
}

for h in "${harnesses[@]}"; do
    # The schedule-aware custom mutator with its PCT move (fuzz/README.md;
    # the odds as fuzz/CMakeLists.txt sets them), not for swarm.
    mutator=()
    if [ "$h" != swarm ]; then
        skip=0 odds=2
        [ "$h" = api ] && skip=1 odds=16
        compile "$objdir/$h-mutator.o" "$repo/fuzz/schedule-mutator.c" -DWK_MUTATOR_SKIP=$skip \
            -DWK_MUTATOR_PCT_ODDS=$odds
        mutator=("$objdir/$h-mutator.o")
    fi
    if [ "$h" = swarm ] || [ "$h" = api ]; then
        compile "$objdir/$h.o" "$repo/fuzz/fuzz_$h.c"
    else
        compile "$objdir/$h.o" "$repo/fuzz/fuzz_schedule.c" \
            -DWK_SCENARIO_HEADER="\"scn_${h#schedule_}.h\""
    fi
    # --wrap: a weak-memory run commits a thread's buffered stores before it
    # frees (sim/core/retire.c); --undefined: every object of the libc seam
    # (sim/seam/state.c); both from the interface link options of wakesim_sim.
    # shellcheck disable=SC2086
    $CXX $CXXFLAGS "$objdir/$h.o" "${mutator[@]}" "${common[@]}" $LIB_FUZZING_ENGINE \
        -Wl,--wrap=g_free -Wl,--wrap=g_source_unref -Wl,--wrap=g_main_context_unref \
        -Wl,--undefined=sim_libc_link \
        -Wl,--start-group "${libs[@]}" -Wl,--end-group "${glib_libs[@]}" \
        -o "$OUT/${h}_fuzzer" || { echo "ossfuzz.sh: linking ${h}_fuzzer failed" >&2; exit 1; }
    # Seeds: the harness's seed corpus and every regression found with it
    # (they pass on the fixed code and sit right next to known bugs).
    shopt -s nullglob
    # The empty input (the default schedule) is always a seed, so every
    # fuzzer, a new scenario's too, has a seed corpus.
    seeds=("$build/empty" "$repo/corpus/$h"/* "$repo"/corpus/regressions/*/"$h"/*/*)
    shopt -u nullglob
    # Duplicate basenames (crash-da39... = the empty input) are fine for
    # zip -j only if unique: keep the first of each.
    declare -A seen=()
    uniq=()
    for f in "${seeds[@]}"; do
        b=$(basename "$f")
        [ -n "${seen[$b]:-}" ] && continue
        seen[$b]=1
        uniq+=("$f")
    done
    unset seen
    zipdir "$OUT/${h}_fuzzer_seed_corpus.zip" "${uniq[@]}"
    printf '[libfuzzer]\nmax_len = 2048\n' >"$OUT/${h}_fuzzer.options"
    echo "ossfuzz.sh: built $OUT/${h}_fuzzer (${#uniq[@]} seeds)"
done

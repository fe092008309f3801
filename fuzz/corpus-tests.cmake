# Corpus tests (label corpus), included by fuzz/CMakeLists.txt.
#
# corpus/ layout (see corpus/README.md):
#   corpus/<harness>/<file>                                    seed inputs
#   corpus/regressions/<mutant>/<harness>/<invariant>/<file>   found crashes
# Every file is registered at configure time (glob): a seed must pass on the
# fixed code; a regression must pass on the fixed code and give <invariant>
# under WAKESIM_MUTANTS=<mutant>.  corpus/CORPUS.cmake lists every file;
# corpus.guard fails when the tree, that list and the registered tests
# disagree (a file added without re-running cmake, or not listed).

set(corpus_dir ${PROJECT_SOURCE_DIR}/corpus)
file(GLOB_RECURSE corpus_found RELATIVE ${corpus_dir} CONFIGURE_DEPENDS ${corpus_dir}/*)
list(FILTER corpus_found EXCLUDE REGEX "^(CORPUS\\.cmake|README\\.md)$")
list(SORT corpus_found)

function(wakesim_corpus_bad name why)
  add_test(NAME ${name} COMMAND sh -c "echo '${why}'; exit 1")
  set_tests_properties(${name} PROPERTIES LABELS corpus)
endfunction()

foreach(f IN LISTS corpus_found)
  string(MAKE_C_IDENTIFIER "${f}" fid)
  if(f MATCHES "^regressions/.*\\.trace$")
    continue() # a regression input's keyed reproducer: its .mutant test
  elseif(f MATCHES "^regressions/([^/]+)/([^/]+)/([^/]+)/([^/]+)$")
    set(mutant ${CMAKE_MATCH_1})
    set(h ${CMAKE_MATCH_2})
    set(inv ${CMAKE_MATCH_3})
    set(file ${CMAKE_MATCH_4})
    string(SUBSTRING "${file}" 0 18 short)
    set(t corpus.regr.${mutant}.${h}.${inv}.${short})
    if(NOT TARGET fuzz_replay_${h})
      wakesim_corpus_bad(${t} "corpus/${f}: no harness '${h}' (fuzz_replay_${h} is not built)")
      continue()
    endif()
    add_test(NAME ${t}.fixed COMMAND fuzz_replay_${h} ${corpus_dir}/${f})
    set_tests_properties(${t}.fixed PROPERTIES LABELS corpus ENVIRONMENT "WAKESIM_MUTANTS=")
    if(EXISTS ${corpus_dir}/${f}.trace AND TARGET wakesim)
      # The input's schedule as keyed decisions (written by its harness):
      # the regression gate of regressions/ (regr-replay.sh), which
      # survives scheduling points added to loop/; the raw bytes are
      # positional, and a stale one is no bug.
      add_test(NAME ${t}.mutant
               COMMAND bash ${PROJECT_SOURCE_DIR}/sim/harness/tests/regr-replay.sh
                       $<TARGET_FILE:wakesim> ${corpus_dir}/${f}.trace)
      set_tests_properties(${t}.mutant PROPERTIES LABELS corpus)
    else()
      add_test(NAME ${t}.mutant COMMAND fuzz_replay_${h} --expect ${inv} ${corpus_dir}/${f})
      set_tests_properties(${t}.mutant PROPERTIES LABELS corpus
                           ENVIRONMENT "WAKESIM_MUTANTS=${mutant};WAKESIM_TRACE_DIR=")
    endif()
  elseif(NOT f MATCHES "^regressions/" AND f MATCHES "^([^/]+)/([^/]+)$")
    set(h ${CMAKE_MATCH_1})
    set(t corpus.seed.${h}.${CMAKE_MATCH_2})
    if(NOT TARGET fuzz_replay_${h})
      wakesim_corpus_bad(${t} "corpus/${f}: no harness '${h}' (fuzz_replay_${h} is not built)")
      continue()
    endif()
    add_test(NAME ${t} COMMAND fuzz_replay_${h} ${corpus_dir}/${f})
    set_tests_properties(${t} PROPERTIES LABELS corpus ENVIRONMENT "WAKESIM_MUTANTS=")
  else()
    wakesim_corpus_bad(corpus.layout.${fid}
      "corpus/${f}: expected corpus/<harness>/<file> or regressions/<mutant>/<harness>/<invariant>/<file>")
  endif()
endforeach()

string(REPLACE ";" "," corpus_registered "${corpus_found}")
add_test(NAME corpus.guard
         COMMAND ${CMAKE_COMMAND} -DCORPUS_DIR=${corpus_dir}
                 "-DREGISTERED=${corpus_registered}"
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/corpus-guard.cmake)
set_tests_properties(corpus.guard PROPERTIES LABELS corpus)

# The replay program must fail loudly (exit 2) on an unreadable input.
add_test(NAME corpus.replay-unreadable
         COMMAND sh -c "$<TARGET_FILE:fuzz_replay_swarm> /nonexistent/input; [ $? -eq 2 ]")
set_tests_properties(corpus.replay-unreadable PROPERTIES LABELS corpus)

# A regression replayed with WAKESIM_TRACE_DIR writes a trace that
# `wakesim replay` reproduces to the same violation.
set(seed_regr regressions/missing-notify-add-sqe/schedule_ahci_mmio_inline_submit/sqe-submit-latency)
file(GLOB seed_crash ${corpus_dir}/${seed_regr}/crash-*)
if(seed_crash)
  list(GET seed_crash 0 seed_crash)
  add_test(NAME corpus.trace-roundtrip
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/trace-roundtrip.sh
                   $<TARGET_FILE:fuzz_replay_schedule_ahci_mmio_inline_submit>
                   $<TARGET_FILE:wakesim> ${seed_crash} missing-notify-add-sqe
                   sqe-submit-latency)
  set_tests_properties(corpus.trace-roundtrip PROPERTIES LABELS corpus TIMEOUT 60)
endif()

if(WAKESIM_HAVE_LIBFUZZER)
  # Each libFuzzer binary: its seed corpus plus a short fuzzing run on the
  # fixed code (no crash allowed), new inputs into a scratch directory.
  foreach(h IN LISTS WAKESIM_FUZZ_HARNESSES)
    add_test(NAME corpus.libfuzzer.${h}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/libfuzzer-smoke.sh
                     $<TARGET_FILE:fuzz_${h}> ${corpus_dir}/${h} 2000)
    set_tests_properties(corpus.libfuzzer.${h} PROPERTIES LABELS "corpus;fuzz" TIMEOUT 120
                         ENVIRONMENT "WAKESIM_MUTANTS=" SKIP_RETURN_CODE 77)
  endforeach()
  # The canary: with the seed bug back, the fuzzer must find it, quickly.
  add_test(NAME corpus.libfuzzer.canary
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/canary.sh
                   $<TARGET_FILE:fuzz_schedule_ahci_mmio_inline_submit>
                   missing-notify-add-sqe sqe-submit-latency)
  set_tests_properties(corpus.libfuzzer.canary PROPERTIES LABELS "corpus;fuzz" TIMEOUT 120)
endif()

# The OSS-Fuzz build script, run directly (no Docker here), then every
# fuzzer it produced for a few hundred inputs.  Skips (77) without clang's
# libFuzzer.  Builds in its own directory: independent of this build's flags.
# Its fuzzers stay in ossfuzz_out for the fuzz.flags tests (fixture ossfuzz).
set(ossfuzz_out ${CMAKE_CURRENT_BINARY_DIR}/ossfuzz-out)
add_test(NAME corpus.ossfuzz-build
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/ossfuzz-smoke.sh ${PROJECT_SOURCE_DIR}
                 ${ossfuzz_out})
set_tests_properties(corpus.ossfuzz-build PROPERTIES LABELS "corpus;fuzz" TIMEOUT 600
                     SKIP_RETURN_CODE 77 FIXTURES_SETUP ossfuzz)

# Every OSS-Fuzz fuzzer under a libFuzzer -timeout, as continuous fuzzing
# runs it (the alarm lands on simulated threads: sim/seam/signal.c), and
# fuzz_api with OSS-Fuzz's own flags: exit 0, no artifact (fuzz/README.md).
# About 3 min on 2 cores, so in the plain build only: the sanitizer build
# runs the same ASan fuzzers, built by the same script, again.
if(NOT WAKESIM_SANITIZE)
  set(ossfuzz_flag_runs "")
  foreach(h IN LISTS WAKESIM_FUZZ_HARNESSES)
    list(APPEND ossfuzz_flag_runs "${h}|${h}|-timeout=2 -max_total_time=20")
  endforeach()
  list(APPEND ossfuzz_flag_runs
       "ossfuzz.api|api|-timeout=25 -rss_limit_mb=2560 -max_len=2048 -max_total_time=60")
  foreach(run IN LISTS ossfuzz_flag_runs)
    string(REPLACE "|" ";" run "${run}")
    list(GET run 0 name)
    list(GET run 1 h)
    list(GET run 2 flags)
    separate_arguments(flags UNIX_COMMAND "${flags}")
    add_test(NAME fuzz.flags.${name}
             COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/tests/fuzz-flags.sh ${ossfuzz_out} ${h}
                     ${flags})
    # COST: the longest run first, so -j2 does not end on it alone.
    string(REGEX MATCH "max_total_time=([0-9]+)" _ "${flags}")
    set_tests_properties(fuzz.flags.${name} PROPERTIES LABELS fuzz TIMEOUT 150
                         COST ${CMAKE_MATCH_1} FIXTURES_REQUIRED ossfuzz SKIP_RETURN_CODE 77)
  endforeach()
endif()

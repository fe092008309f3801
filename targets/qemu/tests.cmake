# CTest label qemu: QEMU's own event loop under the simulator.  Included from
# targets/CMakeLists.txt in every build.  A build configured with
# WAKESIM_QEMU_SRC tests its own wakesim; any other build first builds one
# in <build>/qemu-target with tools/qemu-build.sh (fetching Debian's QEMU
# source once into ~/.cache/wakesim; the newest Debian offers when the pinned
# version is gone), as the fixture qemu.build.  Where the source cannot be
# had for want of apt or network, everything skips (77) and says why; where
# apt works but the fetch fails, qemu.build fails (exit 1) and so does CI.
if(WAKESIM_QEMU_SRC)
  set(qemu_wakesim $<TARGET_FILE:wakesim>)
  set(qemu_fixture "")
else()
  set(qemu_dir ${CMAKE_BINARY_DIR}/qemu-target)
  set(qemu_wakesim ${qemu_dir}/cli/wakesim)
  set(qemu_fixture qemu_target)
  add_test(NAME qemu.build
           COMMAND sh ${PROJECT_SOURCE_DIR}/tools/qemu-build.sh ${qemu_dir}
                   -DCMAKE_BUILD_TYPE=${CMAKE_BUILD_TYPE}
                   -DWAKESIM_SANITIZE=${WAKESIM_SANITIZE})
  set_tests_properties(qemu.build PROPERTIES LABELS qemu FIXTURES_SETUP qemu_target
                       SKIP_RETURN_CODE 77 TIMEOUT 1500)
endif()

# The seed on unmodified QEMU (10,000 runs) and with the seed mutation
# (sqe-submit-latency of ~499 ms, a reproducer that replays byte for byte).
add_test(NAME qemu.seed
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-seed.sh ${qemu_wakesim})
# Every scenario that lists the qemu target: fixed code and the QEMU twins
# of the mutants its [expect] names.  The generated machines' checks are
# those of sim.check.<name> on loop/ (same files, same budgets).
foreach(name ahci-mmio-inline-submit idle-timers virtio-ioeventfd ahci-sync-io
             bh-cross-thread iothread-submit iothread-polling
             iothread-polling-long ahci-retry-faults iothread-retry-faults
             generated generated-eintr generated-long generated-polling)
  set(fixed_runs "")
  if(name MATCHES "^generated")
    set(fixed_runs ${wakesim_sanitizer_fixed_runs}) # the top CMakeLists.txt
  endif()
  add_test(NAME qemu.check.${name}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/run-if-built.sh ${qemu_wakesim}
                   check ${PROJECT_SOURCE_DIR}/scenarios/${name}.scn --target qemu ${fixed_runs})
  list(APPEND qemu_tests qemu.check.${name})
endforeach()
# The fairness bound on QEMU's polling iothread: a PCT schedule that fails
# the fixed code with fairness = off passes with the default
# (sim.fairness.starved-giver for loop/).
add_test(NAME qemu.fairness.starved-giver
         COMMAND bash ${PROJECT_SOURCE_DIR}/sim/harness/tests/test-starved-giver.sh
                 ${qemu_wakesim} ${PROJECT_SOURCE_DIR}/scenarios/iothread-polling-long.scn
                 qemu 1:492)
list(APPEND qemu_tests qemu.fairness.starved-giver)
# The CQE handler's sibling wait: QEMU 10.2.2's blocking aio_poll sleeps
# over a sibling already reaped (the finding replays), the workload's wait
# does not.
add_test(NAME qemu.sibling-wait
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-sibling-wait.sh ${qemu_wakesim}
                 ${CMAKE_CURRENT_LIST_DIR}/findings ${PROJECT_SOURCE_DIR}/scenarios)
list(APPEND qemu_tests qemu.sibling-wait)
# QEMU's adaptive polling is reached (its trace points in the event log).
add_test(NAME qemu.polling
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-polling.sh ${qemu_wakesim}
                 ${PROJECT_SOURCE_DIR}/scenarios)
list(APPEND qemu_tests qemu.polling)
# The QEMU-only mutations no [expect] can name, found by the generated
# workload from fixed seeds (about 1 s).
add_test(NAME qemu.unnamed-mutations
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-unnamed.sh ${qemu_wakesim}
                 ${PROJECT_SOURCE_DIR}/scenarios)
list(APPEND qemu_tests qemu.unnamed-mutations)
# fuzz_api on QEMU's own loop: builds it and its seed-mutation twin in the
# QEMU build, fixed code clean over 300 inputs, the mutation found and its
# trace replayed (plain build only: the ASan build would compile the fuzzer's
# instrumented copy of the simulator a second time).
if(NOT WAKESIM_SANITIZE)
  add_test(NAME qemu.fuzz-api
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-fuzz.sh ${qemu_wakesim})
  list(APPEND qemu_tests qemu.fuzz-api)
endif()
# Store holds find C-10 (aio-wait-kick-no-barrier), which plain draws miss;
# the fixed code passes the same runs (about 1.5 s).  Plain build only: its
# seed is where the plain build's search finds C-10, and the ASan build's
# runs draw other operations from the same seeds.
if(NOT WAKESIM_SANITIZE)
  add_test(NAME qemu.holds
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-holds.sh ${qemu_wakesim}
                   ${CMAKE_CURRENT_LIST_DIR}/scenarios/generated-qemu-main-loop-waits.scn)
  list(APPEND qemu_tests qemu.holds)
endif()
# QEMU's wider surface (thread pool, AIO_WAIT_WHILE) under the generated
# workload: fixed code clean from a fixed seed, every new path reached.
add_test(NAME qemu.surface
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-surface.sh ${qemu_wakesim}
                 ${CMAKE_CURRENT_LIST_DIR}/scenarios/generated-qemu.scn)
list(APPEND qemu_tests qemu.surface)
# QEMU's main loop itself under the generated workload: main-loop clock
# timers and qemu_notify_event() reached, C-06 found at fixed seeds, the
# fixed code clean (about 1.5 s).
add_test(NAME qemu.main-loop
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-main-loop.sh ${qemu_wakesim}
                 ${CMAKE_CURRENT_LIST_DIR}/scenarios/generated-qemu-main-loop.scn)
list(APPEND qemu_tests qemu.main-loop)
# Every recorded finding replays to its verdict with this build (under 1 s).
add_test(NAME qemu.findings
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-findings.sh ${qemu_wakesim}
                 ${CMAKE_CURRENT_LIST_DIR}/findings)
list(APPEND qemu_tests qemu.findings)
# qemu-fetch.sh's choices against a fake apt, offline: the pinned version,
# the newest when it is gone, 77 only without network, 1 when apt works but
# the fetch fails (and qemu-build.sh passes that on).
add_test(NAME qemu.fetch
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-qemu-fetch.sh
                 ${PROJECT_SOURCE_DIR}/tools/qemu-fetch.sh ${PROJECT_SOURCE_DIR}/tools/qemu-build.sh)
set_tests_properties(qemu.fetch PROPERTIES LABELS qemu SKIP_RETURN_CODE 77 TIMEOUT 120)
# A mutation whose statement is gone fails the build loudly.
add_test(NAME qemu.mutate-stale
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-mutate-stale.sh
                 ${CMAKE_CURRENT_LIST_DIR}/mutate.py ${PROJECT_SOURCE_DIR}/tools/qemu-fetch.sh)
set_tests_properties(qemu.seed ${qemu_tests} qemu.mutate-stale PROPERTIES
                     LABELS qemu SKIP_RETURN_CODE 77 TIMEOUT 600)
if(qemu_fixture)
  set_tests_properties(qemu.seed ${qemu_tests} PROPERTIES FIXTURES_REQUIRED ${qemu_fixture})
endif()

# The command line's target checks, with whatever wakesim this build has.
add_test(NAME sim.target-cli
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-target-cli.sh $<TARGET_FILE:wakesim>
                 ${PROJECT_SOURCE_DIR})
set_tests_properties(sim.target-cli PROPERTIES LABELS sim TIMEOUT 120)

# A driver asked for a target it cannot serve says why and exits 2.
add_test(NAME sim.target-refused
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-target-refused.sh ${PROJECT_SOURCE_DIR}
                 $<TARGET_FILE:wakesim> $<TARGET_FILE:fuzz_replay_api>)
set_tests_properties(sim.target-refused PROPERTIES LABELS sim TIMEOUT 120)

# The real-thread reproducers of the findings build and run (not a bug check).
include(${CMAKE_CURRENT_LIST_DIR}/real/tests.cmake)

# wakesim_atomics_compile_options(<out-var>): the compile options that turn
# every atomic access and fence of a translation unit into a call of
# wakesim's TSan-hook runtime (wakesim_tsan), without ThreadSanitizer's own
# runtime.  Link the result with wakesim_tsan, never with -fsanitize=thread.
#   The atomic hooks, fences, __tsan_init, and for plain loads and stores
#   __tsan_readN/__tsan_writeN: those are not scheduling points, they only
#   commit the thread's own buffered store to the same location under a
#   weak memory model (see sim/seam/tsan-rt.c).
#   And -include wakesim/tsan-sync.h: under these hooks __sync_* and
#   seq_cst __atomic_* read-modify-writes are the same call, and the header
#   gives the __sync_* ones their documented full barrier.
# ThreadSanitizer instrumentation cannot be combined with AddressSanitizer
# in one translation unit: build instrumented sources without ASan.
# The header, found once when this file is included: in the source tree
# (cmake/../include), or under the installed package's prefix
# (PACKAGE_PREFIX_DIR, set by wakesimConfig.cmake before it includes this).
set(WAKESIM_TSAN_SYNC_H ${CMAKE_CURRENT_LIST_DIR}/../include/wakesim/tsan-sync.h)
if(NOT EXISTS ${WAKESIM_TSAN_SYNC_H} AND DEFINED PACKAGE_PREFIX_DIR)
  set(WAKESIM_TSAN_SYNC_H ${PACKAGE_PREFIX_DIR}/include/wakesim/tsan-sync.h)
endif()
if(NOT EXISTS ${WAKESIM_TSAN_SYNC_H})
  message(FATAL_ERROR "wakesim: wakesim/tsan-sync.h not found (${WAKESIM_TSAN_SYNC_H})")
endif()

# wakesim_atomics_compile_options(<out-var> PLAIN_STORES): the same, and
# the executable these units are linked into buffers plain stores under
# tso, pso and arm (docs/memory-model.md "Plain stores"; opt-in, one
# setting per executable: any such unit turns it on).
function(wakesim_atomics_compile_options out)
  cmake_parse_arguments(ARG "PLAIN_STORES" "" "" ${ARGN})
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    set(opts -fsanitize=thread "SHELL:-mllvm -tsan-instrument-func-entry-exit=0")
    # With PLAIN_STORES, struct copies and clears become calls of memcpy and
    # memset, which the hook runtime wraps (sim/seam/tsan-rt.c).
    if(NOT ARG_PLAIN_STORES)
      list(APPEND opts "SHELL:-mllvm -tsan-instrument-memintrinsics=0")
    endif()
  elseif(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    set(opts -fsanitize=thread "SHELL:--param tsan-instrument-func-entry-exit=0")
  else()
    message(FATAL_ERROR "wakesim: atomics instrumentation needs clang or gcc")
  endif()
  list(APPEND opts "SHELL:-include ${WAKESIM_TSAN_SYNC_H}")
  if(ARG_PLAIN_STORES)
    list(APPEND opts -DWAKESIM_PLAIN_STORES=1)
    # clang drops the read hook of a read followed by a write to the same
    # address in one block (x = x + 1); the read must commit the thread's
    # own buffered store first, so keep it (gcc keeps it anyway).
    if(CMAKE_C_COMPILER_ID MATCHES "Clang")
      list(APPEND opts "SHELL:-mllvm -tsan-instrument-read-before-write=1")
    endif()
  endif()
  set(${out} ${opts} PARENT_SCOPE)
endfunction()

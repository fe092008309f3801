# wakesim_atomics_compile_options(<out-var>): the compile options that turn
# every atomic access and fence of a translation unit into a call of
# wakesim's TSan-hook runtime (wakesim_tsan), without ThreadSanitizer's own
# runtime.  Link the result with wakesim_tsan, never with -fsanitize=thread.
#   The atomic hooks, fences, __tsan_init, and for plain loads and stores
#   __tsan_readN/__tsan_writeN: those are not scheduling points, they only
#   commit the thread's own buffered store to the same location under a
#   weak memory model (see sim/seam/tsan-rt.c).
# ThreadSanitizer instrumentation cannot be combined with AddressSanitizer
# in one translation unit: build instrumented sources without ASan.
function(wakesim_atomics_compile_options out)
  if(CMAKE_C_COMPILER_ID MATCHES "Clang")
    set(opts -fsanitize=thread "SHELL:-mllvm -tsan-instrument-func-entry-exit=0"
             "SHELL:-mllvm -tsan-instrument-memintrinsics=0")
  elseif(CMAKE_C_COMPILER_ID STREQUAL "GNU")
    set(opts -fsanitize=thread "SHELL:--param tsan-instrument-func-entry-exit=0")
  else()
    message(FATAL_ERROR "wakesim: atomics instrumentation needs clang or gcc")
  endif()
  set(${out} ${opts} PARENT_SCOPE)
endfunction()

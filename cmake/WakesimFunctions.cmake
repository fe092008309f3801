# wakesim_add_simulated_executable(<name> SOURCES <src>... [INSTRUMENT_ATOMICS])
#
# Builds an ordinary program (its own main(), plain libc, pthreads, epoll,
# eventfd, liburing, glib) against the simulator: the program's main is
# compiled as wakesim_user_main and wakesim::main supplies a main() that runs
# it under the simulator over many schedules (<name> --help: --runs, --seed,
# --replay FILE; cli/wakesim-main.c).  WAKESIM_SIMULATED is
# defined, so wakesim/handoff.h annotations are live.  With
# INSTRUMENT_ATOMICS every atomic access and fence of the sources is a
# scheduling point too (ThreadSanitizer's hooks, wakesim::tsan runtime), and
# the legacy __sync_* builtins are full barriers under the weak memory models,
# as GCC documents them (wakesim/tsan-sync.h, force-included).
# liburing's headers are used, never its library: an io_uring entry point
# the simulator lacks is a link error, not a trip to the real kernel (a
# program using liburing: find_package(wakesim COMPONENTS uring) and link
# wakesim::uring for the headers).
function(wakesim_add_simulated_executable name)
  cmake_parse_arguments(ARG "INSTRUMENT_ATOMICS" "" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "wakesim_add_simulated_executable(${name}): no SOURCES")
  endif()
  add_executable(${name} ${ARG_SOURCES})
  target_compile_definitions(${name} PRIVATE main=wakesim_user_main WAKESIM_SIMULATED=1)
  if(ARG_INSTRUMENT_ATOMICS)
    wakesim_atomics_compile_options(opts)
    target_compile_options(${name} PRIVATE ${opts})
    target_link_libraries(${name} PRIVATE wakesim::tsan)
  endif()
  target_link_libraries(${name} PRIVATE wakesim::main wakesim::sim)
  # Every run is a forked child of the runner: bind every symbol once, in
  # the parent, rather than lazily again in each child.
  target_link_options(${name} PRIVATE -Wl,-z,now)
endfunction()

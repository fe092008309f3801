# CTest label libuv: libuv 1.44.2's own event loop under the simulator,
# built against this build's installed package (targets/libuv, a project of
# its own).  libuv.build installs this build to <build>/libuv-target/prefix
# and builds the scenarios (tools/libuv-build.sh: Debian's libuv1 source,
# fetched once into ~/.cache/wakesim, or LIBUV_SRC); without the source for
# want of apt or network, everything skips (77) and says why.  Not in a
# sanitized build: libuv is compiled with ThreadSanitizer's hooks, which
# exclude ASan, and by clang, whose ASan runtime is not gcc's.
if(WAKESIM_SANITIZE OR NOT TARGET wakesim)
  return()
endif()
set(libuv_dir ${CMAKE_BINARY_DIR}/libuv-target)
add_test(NAME libuv.build
         COMMAND sh ${PROJECT_SOURCE_DIR}/tools/libuv-build.sh ${libuv_dir} ${CMAKE_BINARY_DIR})
set_tests_properties(libuv.build PROPERTIES LABELS libuv FIXTURES_SETUP libuv_target
                     SKIP_RETURN_CODE 77 TIMEOUT 900)
foreach(mode fixed mutants generated)
  add_test(NAME libuv.${mode}
           COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-libuv.sh ${libuv_dir}/build ${mode})
  set_tests_properties(libuv.${mode} PROPERTIES LABELS libuv FIXTURES_REQUIRED libuv_target
                       SKIP_RETURN_CODE 77 TIMEOUT 300)
endforeach()
# A mutation whose text libuv no longer has fails loudly (no unmutated twin).
add_test(NAME libuv.mutate-stale
         COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/tests/test-mutate-stale.sh
                 ${CMAKE_CURRENT_LIST_DIR}/mutate.py)
set_tests_properties(libuv.mutate-stale PROPERTIES LABELS libuv TIMEOUT 60)

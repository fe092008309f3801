# The QEMU target, included from the top-level CMakeLists.txt after cli/:
# its event loop links into the wakesim program (targets/qemu/), and its
# tests run in every build (targets/qemu/tests.cmake).
set(WAKESIM_QEMU_SRC "" CACHE PATH
    "A QEMU source tree: build the qemu target from it (tools/qemu-build.sh)")
if(WAKESIM_QEMU_SRC AND TARGET wakesim)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/qemu ${CMAKE_BINARY_DIR}/targets/qemu)
endif()
if(TARGET wakesim)
  include(${CMAKE_CURRENT_LIST_DIR}/qemu/tests.cmake)
endif()

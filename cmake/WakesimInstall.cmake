# `cmake --install`: the simulator library (libwakesim.a, with the libc
# seam), the TSan-hook runtime (libwakesim-tsan.a), the driver
# (libwakesim-main.a), the public headers (wakesim/sim.h, sim-memory.h,
# handoff.h, monitor.h: each compiles alone, CTest install.example), the wakesim CLI with its built-in scenarios (found relative
# to the installed binary: <prefix>/share/wakesim/scenarios), a CMake
# package (find_package(wakesim)) and a pkg-config file (wakesim.pc).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(WAKESIM_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/wakesim)

install(TARGETS wakesim_sim wakesim_tsan wakesim_main EXPORT wakesimTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(FILES ${PROJECT_SOURCE_DIR}/sim/core/sim.h
              ${PROJECT_SOURCE_DIR}/sim/core/sim-memory.h
              ${PROJECT_SOURCE_DIR}/include/wakesim/handoff.h
              ${PROJECT_SOURCE_DIR}/include/wakesim/monitor.h
              ${PROJECT_SOURCE_DIR}/include/wakesim/tsan-sync.h
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/wakesim)
if(TARGET wakesim)
  install(TARGETS wakesim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
          DESTINATION ${CMAKE_INSTALL_DATADIR}/wakesim/scenarios
          FILES_MATCHING PATTERN "*.scn")
endif()

install(EXPORT wakesimTargets NAMESPACE wakesim:: DESTINATION ${WAKESIM_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/wakesimConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/wakesimConfig.cmake
  INSTALL_DESTINATION ${WAKESIM_CMAKE_DIR})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wakesimConfig.cmake
              ${PROJECT_SOURCE_DIR}/cmake/WakesimAtomics.cmake
              ${PROJECT_SOURCE_DIR}/cmake/WakesimFunctions.cmake
        DESTINATION ${WAKESIM_CMAKE_DIR})

# The link options every consumer of the library needs (the sanitizer
# runtime in a sanitized build, the g_free wraps of sim/core/retire.c): the same
# list as wakesim_sim's interface, so the two cannot drift apart.
get_target_property(pc_link_options wakesim_sim INTERFACE_LINK_OPTIONS)
list(JOIN pc_link_options " " WAKESIM_PC_LINK_OPTIONS)
# The prefix as seen from the .pc file's directory (lib/pkgconfig or
# lib/<multiarch>/pkgconfig), so the installation is relocatable.
file(RELATIVE_PATH WAKESIM_PC_UP /p/${CMAKE_INSTALL_LIBDIR}/pkgconfig /p)
configure_file(${PROJECT_SOURCE_DIR}/cmake/wakesim.pc.in
               ${CMAKE_CURRENT_BINARY_DIR}/wakesim.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/wakesim.pc
        DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# CTest install.example: install to a temporary prefix, build
# examples/taskloop against it out of tree, run it under the simulator.
if(TARGET wakesim)
  add_test(NAME install.example
           COMMAND ${PROJECT_SOURCE_DIR}/tools/test-install-example.sh
                   ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR} ${CMAKE_C_COMPILER})
  set_tests_properties(install.example PROPERTIES LABELS "install;sim" TIMEOUT 300)
endif()

# The libuv target's tests (label libuv) build against this installation.
include(${PROJECT_SOURCE_DIR}/targets/libuv/tests.cmake)

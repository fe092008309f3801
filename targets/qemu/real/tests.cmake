# qemu.real-smoke: the real-thread reproducers (qemu-real) build and run a
# few iterations each, in modes that need no cgroup, without crashing.  Not
# a check of the bugs: on real threads their timing is not ours, so whether
# an iteration hits one is reported, never asserted (docs/qemu.md has the
# campaigns).  Included from ../tests.cmake with its qemu_dir/qemu_fixture.
if(TARGET qemu-real)
  set(qemu_real $<TARGET_FILE:qemu-real>)
else()
  set(qemu_real ${qemu_dir}/targets/qemu/real/qemu-real)
endif()
add_test(NAME qemu.real-smoke COMMAND sh ${CMAKE_CURRENT_LIST_DIR}/smoke.sh ${qemu_real})
set_tests_properties(qemu.real-smoke PROPERTIES LABELS qemu SKIP_RETURN_CODE 77 TIMEOUT 60)
if(qemu_fixture)
  set_tests_properties(qemu.real-smoke PROPERTIES FIXTURES_REQUIRED ${qemu_fixture})
endif()

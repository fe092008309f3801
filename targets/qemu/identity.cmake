# identity.cmake - writes OUT, a header defining WAKESIM_QEMU_IDENTITY: the
# QEMU tree's version (VERSION) and the first 16 hex digits of a SHA-256
# over the util/ files a variant compiles (FILES, '|'-separated, in that
# order; a mutated copy hashes differently from the original), so that a
# reproducer names the QEMU code it ran.  Run at build time
# (cmake -DVERSION=... -DFILES=... -DOUT=... -P identity.cmake), because the
# mutated copies exist only then.
set(all "")
string(REPLACE "|" ";" FILES "${FILES}")
foreach(f IN LISTS FILES)
  file(SHA256 ${f} h)
  get_filename_component(name ${f} NAME)
  string(APPEND all "${name} ${h}\n")
endforeach()
string(SHA256 sum "${all}")
string(SUBSTRING ${sum} 0 16 short)
set(text "#define WAKESIM_QEMU_IDENTITY \"QEMU ${VERSION}, util sha256 ${short}\"\n")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT "${old}" STREQUAL "${text}")
  file(WRITE ${OUT} "${text}")
endif()

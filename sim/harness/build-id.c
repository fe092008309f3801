/*
 * build-id.c - this build's identity (see build-id.h).  WAKESIM_SOURCE_VERSION
 * comes from CMake (git describe at configure time).
 */
#include "build-id.h"

#ifndef WAKESIM_SOURCE_VERSION
#define WAKESIM_SOURCE_VERSION "unknown"
#endif

void wk_build_id(wk_build_id_t *id)
{
    id->version = WAKESIM_SOURCE_VERSION;
#if defined(__clang__)
    id->compiler = "clang " __clang_version__;
#elif defined(__GNUC__)
    id->compiler = "gcc " __VERSION__;
#else
    id->compiler = "unknown";
#endif
    /* Every shared access of the simulated loop is sequentially consistent:
     * the shim's atomics are scheduling points, not reorderings. */
    id->memory_model = "sc";
}

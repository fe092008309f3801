/*
 * build-id.h - which build recorded a reproducer: the source version (git
 * commit at configure time, "+dirty" with uncommitted changes), the
 * compiler, and the simulator's memory model.  A replay compares them with
 * its own and warns, because a reproducer that diverges under another
 * build may be a code change, not a bug in the reproducer.
 */
#ifndef WAKESIM_BUILD_ID_H
#define WAKESIM_BUILD_ID_H

typedef struct {
    const char *version;
    const char *compiler;
    const char *memory_model;
} wk_build_id_t;

void wk_build_id(wk_build_id_t *id);

#endif

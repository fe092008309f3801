/*
 * program-repro.h - the user-program runner's reproducers of the older
 * format ("wakesim-program-repro 1": the program's name, seed, PCT depth,
 * monitor bounds, verdict, log hash and decisions, one line each), read
 * into the one trace type so that a replay of either format is the same
 * code.  The runner writes the trace format (trace-format.h) only.
 */
#ifndef WAKESIM_PROGRAM_REPRO_H
#define WAKESIM_PROGRAM_REPRO_H

#include <stdbool.h>
#include "trace-format.h"

/* Whether path starts like an older program reproducer. */
bool wk_program_repro_v1_is(const char *path);
/* Reads one: program is the recorded name (no path), program_args NULL (the
 * older format does not record them).  False after printing the reason,
 * with file:line, prefixed by prog. */
bool wk_program_repro_v1_load(wk_trace_t *t, const char *path, const char *prog);

#endif

/*
 * trace-format.h - self-contained reproducers, the one file format of
 * `wakesim run` (a scenario's run) and of the user-program runner
 * (cli/wakesim-main.c: a program's run).  A trace holds everything a replay
 * needs: format version, what ran (the scenario's name and full text with
 * the mutants and target, or the program's path, arguments and monitor
 * bounds), the memory model, the decision source it was found with, every
 * decision taken (with the number of alternatives each had, so a
 * divergence is detected, not followed), and what the run ended with:
 * verdict, message, steps, virtual end time and the hash of its event log.
 *
 * This part needs only glib and the simulator core, so that the runner's
 * archive (libwakesim-main.a) carries it without the harness.
 */
#ifndef WAKESIM_TRACE_FORMAT_H
#define WAKESIM_TRACE_FORMAT_H

#include <stdint.h>
#include <glib.h>
#include "sim.h"

#define WK_TRACE_FORMAT 2 /* format 1 (scenario as base64) still loads */

/* The monitor bounds a user program ran under (wakesim_bounds_t). */
typedef struct {
    int64_t sqe_submit_ns, cqe_reap_ns, wake_ns, deadline_ns;
} wk_trace_bounds_t;

typedef struct {
    /* A scenario's run (NULL in a user program's). */
    char *scenario_name;
    char *scenario_path;
    char *scenario_text;
    char *mutants; /* comma-separated, "" for the fixed code (and a program) */
    /* A user program's run (program NULL in a scenario's): its path as it
     * ran (absolute), its arguments after argv[0], its monitor bounds. */
    char *program;
    char **program_args;
    wk_trace_bounds_t program_bounds;
    char *strategy; /* how it was found: random, pct, bytes, shrink */
    uint64_t seed;
    unsigned pct_depth;
    int64_t ns_per_step;
    char *verdict; /* "pass" or an invariant */
    char *message;
    uint64_t steps;
    int64_t end_ns;
    uint64_t log_hash;
    sim_memory_model_t memory_model; /* "memory-model"; absent = sc (older files) */
    uint32_t *values;
    uint32_t *bounds;
    size_t n_decisions;
    /* The build that recorded it (NULL in format 1 files; on save, NULL
     * means this build). */
    char *build_version;
    char *build_compiler;
    char *build_memory_model;
    /* The non-default decisions keyed to what was decided (keyed.h), for
     * replay across code changes; NULL in format 1 files, "" in a
     * program's. */
    char *keyed;
    char *target; /* the event loop a scenario ran on ("loop", "qemu") */
    /* The code of that target when it is not this build's own (QEMU's
     * version and file hash: wk_target_ops_t.build_identity); NULL or "":
     * none recorded.  Not covered by the checksum: like build-*, it says
     * where the file came from, not what the replay runs. */
    char *target_identity;
} wk_trace_t;

gboolean wk_trace_save(const wk_trace_t *t, const char *path, GError **err);
/* Validates everything; a truncated or corrupted file gives an error naming
 * the file and what is wrong, and a user program's reproducer of the older
 * format (wakesim-program-repro 1) says how to replay it. */
gboolean wk_trace_load(wk_trace_t *t, const char *path, GError **err);
void wk_trace_clear(wk_trace_t *t);

/* The first line of the user-program runner's older format. */
#define WK_PROGRAM_REPRO_V1 "wakesim-program-repro 1\n"

#endif

/*
 * trace.h - self-contained reproducers.  A trace holds everything a replay
 * needs: format version, the scenario's name and full text, the mutants,
 * the memory model,
 * the decision source it was found with, every decision taken (with the
 * number of alternatives each had, so a divergence is detected, not
 * followed), and what the run ended with: verdict, message, steps, virtual
 * end time and the hash of its event log.
 */
#ifndef WAKESIM_TRACE_H
#define WAKESIM_TRACE_H

#include <stdint.h>
#include <glib.h>
#include "machine.h"
#include "scenario.h"

#define WK_TRACE_FORMAT 2 /* format 1 (scenario as base64) still loads */

typedef struct {
    char *scenario_name;
    char *scenario_path;
    char *scenario_text;
    char *mutants;  /* comma-separated, "" for the fixed code */
    char *strategy; /* how it was found: random, pct, bytes */
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
     * replay across code changes; NULL in format 1 files. */
    char *keyed;
    char *target; /* the event loop it ran on ("loop", "qemu") */
} wk_trace_t;

/* Fills a trace from a finished run (copies what it needs); the target is
 * the selected one (wk_target_selected()). */
void wk_trace_from_outcome(wk_trace_t *t, const scn_t *scn, const char *mutants,
                           const char *strategy, uint64_t seed, unsigned pct_depth,
                           int64_t ns_per_step, const wk_outcome_t *out);
gboolean wk_trace_save(const wk_trace_t *t, const char *path, GError **err);
/* Validates everything; a truncated or corrupted file gives an error naming
 * the file and what is wrong. */
gboolean wk_trace_load(wk_trace_t *t, const char *path, GError **err);
void wk_trace_clear(wk_trace_t *t);

#endif

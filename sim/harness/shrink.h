/*
 * shrink.h - the schedule shrinker behind `wakesim shrink`: from a failing
 * run, a simpler schedule (and workload) that still violates the same
 * invariant on the same kind of object.
 *
 * "Simpler" is the order a person reading the schedule cares about, compared
 * lexicographically: fewest preemptions (the running thread could have gone
 * on and another one was picked), then fewest decisions that differ from the
 * default policy, then fewest threads, then fewest workload items, then
 * fewest steps.  A candidate is accepted only when it is strictly simpler,
 * so the search always ends.
 */
#ifndef WAKESIM_SHRINK_H
#define WAKESIM_SHRINK_H

#include <stdio.h>
#include "machine.h"
#include "scenario.h"

typedef struct {
    unsigned preemptions;
    unsigned nondefault; /* decisions the default policy would not take */
    unsigned threads;    /* simulated threads of the machine */
    unsigned items;      /* workload requests: vcpus * batches * batch size */
    uint64_t steps;
    size_t decisions;
} wk_figures_t;

/* The figures of a finished run of scn. */
void wk_figures_of(const scn_t *scn, const wk_outcome_t *out, wk_figures_t *f);
void wk_figures_print(FILE *f, const char *label, const wk_figures_t *fig);

/* What makes two violations "the same": the invariant and the kind of
 * object it was seen on ("sqe-submit-latency SQE READ").  malloc'd. */
char *wk_violation_signature(const wk_outcome_t *out);

typedef struct {
    unsigned max_candidates; /* replays to try at most (0: 4000) */
    int64_t ns_per_step;
    sim_memory_model_t memory_model; /* the reproducer's */
    FILE *progress;                  /* progress lines, or NULL */
} wk_shrink_opts_t;

typedef struct {
    char *scenario_text; /* the (possibly smaller) scenario */
    scn_t *scn;          /* parsed from it */
    wk_outcome_t out;    /* its run: decisions, verdict, steps */
    wk_figures_t before, after;
    unsigned candidates; /* replays tried */
    unsigned accepted;
} wk_shrink_result_t;

/* Shrinks the failing run "start" of scn.  Returns false (with *err) when
 * start is not a violation.  Mutants must already be set. */
bool wk_shrink(const scn_t *scn, const wk_outcome_t *start, const wk_shrink_opts_t *o,
               wk_shrink_result_t *res, GError **err);
void wk_shrink_result_clear(wk_shrink_result_t *res);

/* A copy of a scenario's text with group/key set to value (the line
 * replaced in place, or added after the group header; comments kept). */
char *wk_scenario_text_set(const char *text, const char *group, const char *key,
                           const char *value);

#endif

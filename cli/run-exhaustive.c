/*
 * run-exhaustive.c - wakesim run --strategy exhaustive (run-exhaustive.h).
 */
#include "run-exhaustive.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A digest of the set of end states, independent of the search order:
 * FNV-1a over the sorted fingerprints. */
static uint64_t set_hash(GHashTable *set)
{
    guint n = 0;
    gpointer *keys = g_hash_table_get_keys_as_array(set, &n);
    qsort(keys, n, sizeof(*keys), cmp_keys);
    uint64_t h = 0xcbf29ce484222325ull;
    for (guint i = 0; i < n; i++) {
        for (const char *p = keys[i]; *p; p++) {
            h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
        }
        h = (h ^ '\n') * 0x100000001b3ull;
    }
    g_free(keys);
    return h;
}

static void print_counts(const wk_explore_result_t *r, const cli_exhaustive_t *x,
                         double secs)
{
    printf("schedules explored %" PRIu64 ", pruned %" PRIu64 " (%s), total %" PRIu64
           "; %" PRIu64 " choices over the bound; %" PRIu64
           " runs ended on a sleeping thread; longest run %" PRIu64
           " decisions; %.3f s, %.0f runs/s\n",
           r->runs, r->pruned,
           r->reduced ? "sleep sets: equivalent to explored ones" : "no reduction",
           r->runs + r->pruned, r->cut, r->redundant, r->max_depth, secs,
           secs > 0 ? r->runs / secs : 0.0);
    if (x->eo.end_states) {
        printf("end states: %u distinct (set hash %016" PRIx64 ")\n",
               g_hash_table_size(r->end_states), set_hash(r->end_states));
    }
}

int cli_run_exhaustive(const scn_t *scn, const char *mutants, const sim_options_t *o,
                       const cli_exhaustive_t *x)
{
    wk_explore_result_t r;
    unsigned k = x->eo.bound;
    if (x->eo.reduce && o->memory_model != SIM_MEMORY_SC) {
        printf("reduction off: under %s a store is not visible at its step "
               "(sleep sets need sc)\n",
               sim_memory_model_name(o->memory_model));
    }
    fflush(stdout);
    gint64 t0 = g_get_monotonic_time();
    wk_explore(scn, o, &x->eo, &r);
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    int rc = 0;
    print_counts(&r, x, secs);
    if (r.found) {
        printf("VIOLATION in schedule %" PRIu64 " (%u preemptions at most): %s\n", r.runs,
               k, r.first.message);
        rc = cli_report_found(scn, mutants, x->out_dir, "exhaustive", r.runs, 0, o,
                              &r.first, x->log);
    } else if (r.complete) {
        printf("all schedules with ≤ %u preemptions explored: no violation\n", k);
    } else {
        printf("budget of %" PRIu64 " schedules reached: NOT all schedules with ≤ %u "
               "preemptions explored (no violation in those run; raise --max-schedules)\n",
               x->eo.budget, k);
    }
    wk_explore_result_clear(&r);
    return rc;
}

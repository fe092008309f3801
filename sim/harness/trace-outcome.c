/*
 * trace-outcome.c - a reproducer made from a finished scenario run.
 */
#include <string.h>
#include "target.h"
#include "trace.h"

void wk_trace_from_outcome(wk_trace_t *t, const scn_t *scn, const char *mutants,
                           const char *strategy, uint64_t seed, unsigned pct_depth,
                           int64_t ns_per_step, const wk_outcome_t *out)
{
    memset(t, 0, sizeof(*t));
    t->scenario_name = g_strdup(scn->name);
    t->scenario_path = g_strdup(scn->path);
    t->scenario_text = g_strdup(scn->text);
    t->mutants = g_strdup(mutants ? mutants : "");
    t->strategy = g_strdup(strategy);
    t->seed = seed;
    t->pct_depth = pct_depth;
    t->ns_per_step = ns_per_step;
    t->memory_model = out->memory_model;
    t->verdict = g_strdup(wk_outcome_verdict(out));
    t->message = g_strdup(out->message ? out->message : "");
    t->steps = out->steps;
    t->end_ns = out->end_ns;
    t->log_hash = out->log_hash;
    t->n_decisions = out->n_decisions;
    t->values = g_memdup2(out->decisions, out->n_decisions * sizeof(uint32_t));
    t->bounds = g_memdup2(out->bounds, out->n_decisions * sizeof(uint32_t));
    t->keyed = g_strdup(out->keyed ? out->keyed : "");
    t->target = g_strdup(wk_target_selected()->name);
    const char *id = wk_target_selected()->build_identity;
    t->target_identity = id && *id ? g_strdup(id) : NULL;
}

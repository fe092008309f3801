/*
 * trace.h - reproducers of scenario runs: the file format
 * (trace-format.h) and a trace made from a finished run.
 */
#ifndef WAKESIM_TRACE_H
#define WAKESIM_TRACE_H

#include "machine.h"
#include "scenario.h"
#include "trace-format.h"

/* Fills a trace from a finished run (copies what it needs); the target is
 * the selected one (wk_target_selected()). */
void wk_trace_from_outcome(wk_trace_t *t, const scn_t *scn, const char *mutants,
                           const char *strategy, uint64_t seed, unsigned pct_depth,
                           int64_t ns_per_step, const wk_outcome_t *out);

#endif

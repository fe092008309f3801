/*
 * genload.h - the generated workload: every simulated thread runs a
 * program of event-loop API operations drawn from the decision source,
 * within the thread contract of docs/workloads.md, with swarm-style feature
 * switches per run and think times from zero up.  Random walks, PCT, fuzzer
 * bytes and replays all drive it the same way, so a replay is byte for byte
 * the same run.
 */
#ifndef WAKESIM_GENLOAD_H
#define WAKESIM_GENLOAD_H

#include <stdio.h>
#include "machine.h"
#include "scenario.h"
#include "target.h"

/* Runs scn (workload = generated) once on the selected target; same
 * contract as wk_machine_run(). */
void wk_genload_run(const scn_t *scn, const sim_options_t *o, wk_outcome_t *out);

/* The first target operation the generated workload needs that ops lacks,
 * or NULL. */
const char *wk_genload_missing_op(const wk_target_ops_t *ops);

/* The coverage map (genload-cov.c): counts of (operation, calling thread,
 * phase of the target context's loop) over every generated run while
 * enabled; print writes the table and how many cells were hit. */
void wk_genload_coverage_enable(bool on);
void wk_genload_coverage_print(FILE *f);
unsigned wk_genload_coverage_cells(void);
/* Optional, called with each cell's index (< wk_genload_coverage_cells())
 * as it is hit, enabled or not: the fuzz harnesses' extra counters. */
extern void (*wk_genload_coverage_hook)(unsigned cell);

#endif

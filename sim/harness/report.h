/*
 * report.h - the one block every tool prints for a violation (wakesim run,
 * check, replay, shrink and the fuzz harnesses), so a person finds the same
 * facts in the same place: invariant, object, times, thread states at the
 * start of the late hand-off and at detection, seed, the exact command that
 * replays it, and the reproducer's path.
 */
#ifndef WAKESIM_REPORT_H
#define WAKESIM_REPORT_H

#include <stdio.h>
#include "machine.h"
#include "scenario.h"

typedef struct {
    const scn_t *scn;
    const char *mutants;    /* "" = the fixed code */
    const char *seed;       /* "random seed 7", "fuzzer input sha1 ...", ... */
    const char *replay_cmd; /* the exact command, or NULL */
    const char *reproducer; /* its path, or NULL when none was written */
} wk_report_t;

void wk_report_print(FILE *f, const wk_report_t *r, const wk_outcome_t *out);

#endif

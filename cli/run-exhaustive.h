/*
 * run-exhaustive.h - wakesim run --strategy exhaustive: the bounded-
 * exhaustive search (sim/harness/explore.h) with its summary and, for the
 * first violation in search order, the reproducer.
 */
#ifndef WAKESIM_CLI_RUN_EXHAUSTIVE_H
#define WAKESIM_CLI_RUN_EXHAUSTIVE_H

#include "commands.h"
#include "explore.h"

typedef struct {
    wk_explore_opts_t eo;
    const char *out_dir;
    bool log;
} cli_exhaustive_t;

/* Runs the search; returns the exit code (0, or EXIT_VIOLATION). */
int cli_run_exhaustive(const scn_t *scn, const char *mutants, const sim_options_t *o,
                       const cli_exhaustive_t *x);

#endif

/*
 * explore.h - bounded-exhaustive search: every schedule of a scenario with
 * at most K preemptions, by depth-first search over decision prefixes with
 * replay (stateless: each schedule is a run from the start).
 *
 * A schedule is the run's decision sequence.  The default policy (keep the
 * running thread, else the lowest runnable id; value 0) is free; what
 * counts against the bound K is every decision that departs from it where
 * the default could have gone on: a preemption (a switch away from a
 * running thread that could continue), a value other than 0 (timing
 * jitter, device latency, sim_choose) and a store-buffer commit before the
 * buffer must drain (tso, pso, arm).  Picking among the runnable threads
 * when the running one blocks or exits is free, as in CHESS.
 *
 * The reduction (sleep sets, Godefroid) skips a thread choice whose step
 * is independent of every step run since an explored sibling ran it first:
 * the schedules below it are reorderings of explored ones.  A step is what
 * the chosen thread does from its pending scheduling point to its next
 * one, and is known by that point's label (sim_site_t, which the seam
 * gives every atomic access): two steps are independent when both are
 * atomic accesses to differently written objects, or both reads.  Any
 * other step (system calls, locks, thread operations, a thread resuming
 * from a block) is dependent on everything.  Plain accesses between
 * points are covered by the locks that order them (data-race-free code).
 * Sequential consistency only: under a store-buffer model a store is not
 * yet visible at its step, so the reduction is off there.
 */
#ifndef WAKESIM_EXPLORE_H
#define WAKESIM_EXPLORE_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>
#include "machine.h"
#include "scenario.h"

typedef struct {
    unsigned bound;     /* K: preemptions (and non-default values) */
    bool reduce;        /* sleep sets (sc only) */
    uint64_t budget;    /* most runs; 0: none */
    bool end_states;    /* fingerprint every end state (turns the log on) */
    bool stop_at_first; /* stop at the first violation (else count them) */
} wk_explore_opts_t;

typedef struct {
    uint64_t runs;      /* schedules run */
    uint64_t redundant; /* runs whose default path met a sleeping thread:
                           equivalent to a run already made */
    uint64_t pruned;    /* choices not run: asleep (equivalent schedules) */
    uint64_t cut;       /* choices over the bound */
    uint64_t violations;
    uint64_t max_depth; /* most decisions in a run */
    bool complete;      /* every schedule within the bound explored */
    bool reduced;       /* the reduction was on */
    bool found;         /* first: the first violation in search order */
    wk_outcome_t first;
    GHashTable *end_states; /* end_states: fingerprint text -> NULL */
} wk_explore_result_t;

/* Explores scn under o (its decision source is replaced; mutants set);
 * *r is filled (wk_explore_result_clear it). */
void wk_explore(const scn_t *scn, const sim_options_t *o, const wk_explore_opts_t *eo,
                wk_explore_result_t *r);
void wk_explore_result_clear(wk_explore_result_t *r);

/* The end state of a logged run: its verdict and each thread's events in
 * order without their times (sorted by thread), which reorderings of
 * independent steps leave alone.  g_free it. */
char *wk_explore_end_state(const wk_outcome_t *out);

#endif

/*
 * wakeup-counters.h - libFuzzer extra-counter feedback keyed on abstract
 * states of the wakeup protocol, observed through the simulator's events.
 *
 * Code coverage says little here: the lost wakeup runs the same lines as
 * the good schedule, only interleaved differently.  What distinguishes
 * schedules is *which thread did what while which other thread slept with
 * how much work queued*.  Each scheduling-relevant event bumps one counter
 * indexed by a hash of (event kind, acting thread, previous event kind and
 * whether the actor changed, main loop in ppoll, any thread blocked, SQEs
 * queued but not submitted (bucketed), an eventfd left signalled).  libFuzzer
 * keeps an input that reaches a new (counter, hit-count bucket) pair.
 *
 * Only compiled with -DWAKESIM_EXTRA_COUNTERS=1: an array in section
 * __libfuzzer_extra_counters is feedback whether or not it is used.
 */
#ifndef WAKESIM_WAKEUP_COUNTERS_H
#define WAKESIM_WAKEUP_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>
#include "sim.h"

#define WK_COUNTERS_SIZE 8192

typedef struct {
    uint32_t in_ppoll; /* bit per thread id (< 32) */
    uint32_t blocked;  /* bit per thread id */
    int sqes_pending;  /* queued, not yet submitted (all rings) */
    bool eventfd_set;  /* last eventfd event left a non-zero counter */
    int prev_kind;
    int prev_thread;
} wk_counters_state_t;

/* Before each run. */
void wk_counters_begin(wk_counters_state_t *s);
/* sim_options_t.on_event (chained after the monitors by wk_machine_run);
 * opaque is the wk_counters_state_t. */
void wk_counters_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque);

/* wk_genload_coverage_hook: bumps the counter of a cell of the generated
 * workload's coverage map (at most WK_COV_COUNTERS cells). */
#define WK_COV_COUNTERS 512
void wk_counters_cov_hit(unsigned cell);

#endif

/*
 * keyed.h - a run's decisions in the form that survives code changes:
 * only the non-default ones, each keyed to what was decided (which thread
 * ran after which of the acting thread's events, which value choice)
 * instead of its position in the decision stream.  See
 * sim_keyed_decision_t in sim.h for how SIM_DECIDE_KEYED replays them.
 *
 * Text form, one token per decision, separated by spaces:
 *     main-loop@0.12#aio_bh_poll:fetch_and:flags#0>vcpu0
 *                        when main-loop had emitted 12 events since its
 *                        last program step (here: it made no scenario
 *                        choice yet), at the first decision point labelled
 *                        aio_bh_poll:fetch_and:flags since then, run vcpu0
 *     vcpu0@7.5#blk_latency#1=3/16
 *                        5 events after vcpu0's 7th program step, the
 *                        second device-latency choice: 3 of 16
 *     vcpu0@8.0#choose#0=2/9
 *                        vcpu0's 8th program step (a sim_choose()) chose 2
 *     vcpu0@40.3.20#os_mutex_unlock#0>vcpu1
 *                        20 events after vcpu0's 3rd clock anchor (a kernel
 *                        wake, a reap of a CQE the kernel posted) since its
 *                        40th program step, at the first os_mutex_unlock
 *                        there, run vcpu1
 * The label (sim_site_label()) names the scheduling point: only points with
 * the same label count towards the ordinal, so a point added elsewhere
 * moves no key.  Events count from the thread's last program step or
 * clock anchor, so a loop that runs longer or shorter (an extra point
 * costs virtual time) moves keys only until the clock ends it.  The first form, without
 * a label (main-loop@12#0>vcpu0: all the thread's events, the ordinal
 * counting every decision at the key), is still parsed and replayed as it
 * always was.
 */
#ifndef WAKESIM_KEYED_H
#define WAKESIM_KEYED_H

#include <glib.h>
#include "sim.h"

/* The keyed text of the decisions of w's finished run (non-default ones
 * only; "" when the default policy alone gives the run).  g_free() it. */
char *wk_keyed_encode(const sim_world_t *w);

typedef struct {
    sim_keyed_decision_t *items;
    size_t n;
    GStringChunk *names; /* owns the thread names */
} wk_keyed_t;

/* Parses the text form; false with *err naming the bad token. */
bool wk_keyed_parse(const char *text, wk_keyed_t *k, GError **err);
void wk_keyed_clear(wk_keyed_t *k);

#endif

/*
 * keyed.h - a run's decisions in the form that survives code changes:
 * only the non-default ones, each keyed to what was decided (which thread
 * ran after which of the acting thread's events, which value choice)
 * instead of its position in the decision stream.  See
 * sim_keyed_decision_t in sim.h for how SIM_DECIDE_KEYED replays them.
 *
 * Text form, one token per decision, separated by spaces:
 *     main-loop@12#aio_bh_poll:fetch_and:flags#0>vcpu0
 *                        when main-loop had emitted 12 events, at the first
 *                        decision point labelled aio_bh_poll:fetch_and:flags
 *                        since then, run vcpu0
 *     vcpu0@5#blk_latency#1=3/16
 *                        the second device-latency choice at vcpu0's 5th
 *                        event: 3 of 16
 * The label (sim_site_label()) names the scheduling point: only points with
 * the same label count towards the ordinal, so a point added elsewhere
 * moves no key.  The first form, without a label (main-loop@12#0>vcpu0:
 * the ordinal counts every decision at the key), is still parsed and
 * replayed as it always was.
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

/*
 * handoff.h - monitors for every hand-off of work to an event loop, with
 * no per-scenario wiring: whoever hands work over records when, whoever
 * runs it reports, and the monitor checks the bound (the scenario's
 * [bounds] handoff, 10 ms by default).
 *
 *   wk_handoff_t   a BH scheduled -> its callback ran; an fd made readable,
 *                  or a handler added on a readable fd -> the handler ran.
 *   wk_timer_watch_t  a timer armed for deadline D -> it fired, never
 *                  before D and at most the bound after it.
 *
 * A hand-off lost for good never reports: wk_handoff_check_stale() /
 * wk_timer_watch_check_stale() flag those still open after a quiet period
 * at the end of the workload.  The bound checks themselves are the
 * monitor's (wk_monitor_handoff_ran / _open), the same ones behind the
 * machine's hand-offs and the annotations of <wakesim/handoff.h>.  Simulated threads switch only at scheduling
 * points, so these plain fields need no locks; the protocols below keep the
 * records conservative (a race may skip one check, never invent a
 * violation).
 */
#ifndef WAKESIM_HARNESS_HANDOFF_H
#define WAKESIM_HARNESS_HANDOFF_H

#include <stdbool.h>
#include <stdint.h>
#include "monitor.h"

typedef struct {
    char what[48];    /* "BH vcpu0.bh@main" */
    int64_t since_ns; /* open since; -1 when nothing is pending */
} wk_handoff_t;

void wk_handoff_init(wk_handoff_t *h, const char *what);
/* Work handed over now; an open hand-off keeps its earlier start. */
void wk_handoff_start(wk_handoff_t *h);
void wk_handoff_start_at(wk_handoff_t *h, int64_t since_ns);
/* The work will not run (BH cancelled or deleted, handler removed). */
void wk_handoff_cancel(wk_handoff_t *h);
/* The work ran now: checks now - since <= bound and closes it. */
void wk_handoff_done(wk_handoff_t *h, wk_monitor_t *mon, sim_world_t *w);
/* End of the workload's quiet period: still open past the bound? */
void wk_handoff_check_stale(const wk_handoff_t *h, wk_monitor_t *mon, sim_world_t *w);

/* Timers: the owner records a deadline *before* aio_timer_mod_ns() (and
 * before aio_timer_del()).  A firing can race with any later change, and
 * which of the deadlines set so far it serves cannot be told from outside
 * the loop, so "early" is judged conservatively: before the earliest
 * deadline ever set for the timer (or with none set).  "Late" is judged
 * against the latest deadline. */
typedef struct {
    char what[48];
    int64_t deadline_ns; /* latest deadline set (os_clock_ns() time); -1: none */
    int64_t armed_at_ns; /* sim time the latest deadline was set */
    int64_t earliest_ns; /* earliest deadline ever set; INT64_MAX: none */
} wk_timer_watch_t;

void wk_timer_watch_init(wk_timer_watch_t *t, const char *what);
void wk_timer_watch_arm(wk_timer_watch_t *t, int64_t deadline_ns);
void wk_timer_watch_disarm(wk_timer_watch_t *t);
/* From the timer's callback (clock_ns = aio_clock_ns()). */
void wk_timer_watch_fired(wk_timer_watch_t *t, int64_t clock_ns, wk_monitor_t *mon,
                          sim_world_t *w);
void wk_timer_watch_check_stale(const wk_timer_watch_t *t, int64_t clock_ns,
                                wk_monitor_t *mon, sim_world_t *w);

#endif

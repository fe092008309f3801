/*
 * hygiene.h - the end-of-run hygiene monitor: when a workload is over and
 * its loops have stopped, nothing may be left behind.  A context about to
 * be freed must hold no user SQE unsubmitted (in the SQ ring or on the
 * overflow list), no user CQE unreaped or reaped but unhandled, no bottom
 * half still scheduled, no block request in flight, no fd handler or armed
 * timer beyond the ones its owner names as its own; and the run's main
 * thread, after joining its workload, must be the only live thread.
 *
 * Each finding is an end-of-run-hygiene violation like any other (the
 * first violation of a run stays its verdict).  The checks read loop/'s
 * private state from the simulator's side: loop/ itself carries no hook.
 */
#ifndef WAKESIM_HYGIENE_H
#define WAKESIM_HYGIENE_H

#include "aio.h"
#include "monitor.h"

/* Checks ctx, owned by the calling thread and quiescent (its loop has
 * returned).  keep_fds / keep_timers: handlers and armed timers the owner
 * still holds on purpose (its stop fd, its idle timer). */
void wk_hygiene_check_context(wk_monitor_t *mon, sim_world_t *w, aio_context_t *ctx,
                              const char *who, const int *keep_fds, unsigned n_keep_fds,
                              aio_timer_t *const *keep_timers, unsigned n_keep_timers);

/* Checks that the calling thread is the run's only live thread. */
void wk_hygiene_check_threads(wk_monitor_t *mon, sim_world_t *w);

#endif

/*
 * hygiene.h - the end-of-run hygiene monitor: when a workload is over and
 * its loops have stopped, nothing may be left behind.  A context about to
 * be freed must hold no user SQE unsubmitted (on the overflow list, or in
 * the SQ ring and not consumed by the kernel: a partial submit leaves some
 * past liburing's own head), no user CQE unreaped or reaped but unhandled, no bottom
 * half still scheduled, no block request in flight, no fd handler or armed
 * timer beyond the ones its owner keeps on purpose; and the run's main
 * thread, after joining its workload, must be the only live thread.
 *
 * Each finding is an end-of-run-hygiene violation like any other (the
 * first violation of a run stays its verdict).  Counting a context's
 * leftovers needs its loop's private state, so each target counts its own
 * (its check_leftovers op, target.h; loop/'s in targets/loop/) and reports
 * them here.
 */
#ifndef WAKESIM_HYGIENE_H
#define WAKESIM_HYGIENE_H

#include "monitor.h"

/* What a quiescent context still holds that its owner did not keep. */
typedef struct {
    unsigned bhs_scheduled;
    unsigned user_sqes_unsubmitted;
    unsigned user_cqes_unreaped;
    unsigned cqes_unhandled; /* reaped, handler not run */
    unsigned fd_handlers;
    unsigned armed_timers;
    bool blk_requests; /* some block request in flight */
} wk_leftovers_t;

/* A violation naming owner's context when left holds anything. */
void wk_hygiene_report_leftovers(wk_monitor_t *mon, sim_world_t *w, const char *owner,
                                 const wk_leftovers_t *left);

/* Checks that the calling thread is the run's only live thread. */
void wk_hygiene_check_threads(wk_monitor_t *mon, sim_world_t *w);

#endif

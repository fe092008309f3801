/*
 * wakesim/monitor.h - the invariant monitor for programs run under the
 * simulator: it watches only the simulated kernel's events and the hand-off
 * annotations of wakesim/handoff.h, so it needs no knowledge of the
 * program's event loop.  It is the same monitor wakesim's own scenarios
 * use (docs/invariants.md lists every invariant, its check and its report).
 *
 *   sqe-submit-latency  an SQE written to ring memory is submitted (the ring
 *                       entered) within sqe_submit_ns, and none is left
 *                       unsubmitted past it when the run ends
 *   cqe-reap-latency    a posted CQE is reaped (the CQ head moves past it)
 *                       within cqe_reap_ns
 *   wake-latency        a thread woken by a signal (eventfd write, futex
 *                       wake, mutex unlock, condition signal) acts within
 *                       wake_ns
 *   handoff-latency     an annotated hand-off ends within its own bound, and
 *                       none is still open past its bound when the run ends
 *   deadlock            every thread blocked with nothing pending in time
 *   workload-deadline   the run did not finish within deadline_ns
 *   livelock            the run hit its step limit
 * A bound of 0 turns that check off.
 *
 * Violation policy: the first violation is the verdict.  It is recorded
 * with the threads' states (for a late event also their states when it
 * started) and logged as the monitor event "<invariant>"; the run goes on
 * to its end, and later violations do not change the verdict.  Messages
 * name threads by the names they were given and every time in virtual ms.
 *
 * Use: wakesim_monitor_attach() before sim_world_new(), run, then
 * wakesim_monitor_finish() for the checks that need the run to be over.
 */
#ifndef WAKESIM_MONITOR_H
#define WAKESIM_MONITOR_H

#include <stdint.h>

#include "sim.h" /* wakesim/sim.h, next to this header */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int64_t sqe_submit_ns;
    int64_t cqe_reap_ns;
    int64_t wake_ns;
    int64_t deadline_ns;
} wakesim_bounds_t;

typedef struct wakesim_monitor wakesim_monitor_t;

wakesim_monitor_t *wakesim_monitor_new(const wakesim_bounds_t *bounds);
void wakesim_monitor_free(wakesim_monitor_t *m);
/* Installs the monitor as o->on_event (an earlier hook is still called
 * first) and sets o->max_time_ns from deadline_ns when it is set. */
void wakesim_monitor_attach(wakesim_monitor_t *m, sim_options_t *o);
/* After sim_world_run(): the run's own end (deadlock, deadline, step
 * limit) unless a violation came first; after a run that ended well,
 * hand-offs left open and SQEs never submitted. */
void wakesim_monitor_finish(wakesim_monitor_t *m, sim_world_t *w);
/* The verdict's invariant name, or NULL when no violation was seen. */
const char *wakesim_monitor_invariant(const wakesim_monitor_t *m);
/* "<invariant>: <what, when, by whom>; threads: ..." ("" if none). */
const char *wakesim_monitor_message(const wakesim_monitor_t *m);

#ifdef __cplusplus
}
#endif
#endif

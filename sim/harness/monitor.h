/*
 * monitor.h - invariant monitors over the simulator's event stream: SQE
 * queued -> submitted, CQE posted -> reaped, hand-off (BH, fd kick, timer)
 * -> run, each within a bound of virtual time.  Deadlock and the workload's
 * deadline and data are checked by the machine.
 */
#ifndef WAKESIM_MONITOR_H
#define WAKESIM_MONITOR_H

#include <glib.h>
#include "sim.h"
#include "thread-history.h"

typedef struct wk_monitor_s {
    int64_t bound_sqe_submit_ns;
    int64_t bound_cqe_reap_ns;
    int64_t bound_handoff_ns;
    GHashTable *cqe_posted; /* (ring fd, user_data) -> GQueue of post times */
    char *invariant;        /* first violation's invariant */
    char *message;          /* and its description */
    /* A late hand-off's interval (queued/posted/handed at -> picked up),
     * -1 when the violation is not a late hand-off. */
    int64_t late_start_ns, late_end_ns;
    char *states_at_start;     /* every thread's state at late_start_ns */
    char *states_at_detection; /* and when the violation was seen */
    wk_history_t history;      /* thread states over time */
    unsigned violations;
    unsigned sqes_submitted;
    unsigned cqes_reaped;
    /* Is the main loop's thread (id set by the machine when that thread
     * starts; 0 = none) inside its ppoll() window? */
    int main_loop_tid;
    bool main_loop_sleeping;
    unsigned sqes_queued_while_main_loop_slept;
} wk_monitor_t;

/* "READ", "POLL_ADD"...: the io_uring opcodes the loops use, else "other". */
const char *wk_opcode_name(int64_t op);

void wk_monitor_init(wk_monitor_t *m, int64_t sqe_ns, int64_t cqe_ns, int64_t handoff_ns);
void wk_monitor_destroy(wk_monitor_t *m);
/* sim_options_t.on_event hook; opaque is the wk_monitor_t. */
void wk_monitor_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque);
/* A hand-off started at start_ns ran now: checks the bound. */
void wk_monitor_handoff(wk_monitor_t *m, sim_world_t *w, const char *what, int64_t object,
                        int64_t start_ns);
/* A hand-off started at start_ns and picked up now was too late: records
 * the violation with the threads' states at both ends. */
void wk_monitor_late(wk_monitor_t *m, sim_world_t *w, const char *invariant,
                     int64_t start_ns, const char *fmt, ...) G_GNUC_PRINTF(5, 6);
/* Records a violation; the first one is the run's verdict. */
void wk_monitor_violation(wk_monitor_t *m, sim_world_t *w, const char *invariant,
                          const char *fmt, ...) G_GNUC_PRINTF(4, 5);

/* Called by a main loop at the top of each iteration: once the run is
 * within a margin of its step limit (if it has one) with the loop
 * still iterating, reports a livelock (a busy loop, as in the CQ-overflow
 * spin) and ends the run there.  Ending it there, outside glib, matters: a
 * thread the step limit kills inside g_main_context_dispatch() leaves its
 * GSource referenced for ever, a leak per run. */
void wk_stop_if_livelocked(wk_monitor_t *m, sim_world_t *w);

#endif

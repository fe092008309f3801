/*
 * monitor.h - the one invariant monitor (docs/invariants.md).  Every driver
 * uses it: the scenario machine and the generated workload directly (wk_),
 * user programs through the public wrapper of <wakesim/monitor.h>
 * (monitor-generic.c), the fuzzers through the machine.
 *
 * It watches the simulator's event stream (sim_options_t.on_event) for the
 * checks that need no knowledge of the event loop -- SQE queued ->
 * submitted, CQE posted -> reaped, a woken thread acting, annotated
 * hand-offs (<wakesim/handoff.h>) -- and records the violations the drivers
 * find themselves (hand-offs of BHs, fds and timers, data, hygiene,
 * deadline).  After the run, wk_monitor_finish() gives the run's own
 * failure (deadlock, time or step limit) its verdict and checks what was
 * left open: hand-offs never ended, SQEs never submitted.
 *
 * Violation policy: the first violation is the verdict.  It is recorded
 * (invariant, message, the threads' states) and, while the run is going,
 * logged as the monitor event "<invariant>"; the run goes on to its end
 * (stopping it would kill threads inside glib's dispatch, whose state could
 * not be freed).  Later violations are only counted.  Only the livelock
 * check ends the run, because a busy loop would not end it.
 */
#ifndef WAKESIM_HARNESS_MONITOR_H
#define WAKESIM_HARNESS_MONITOR_H

#include <glib.h>
#include "sim.h"
#include "thread-history.h"

typedef struct wk_monitor_s {
    /* Bounds in virtual ns; a bound <= 0 turns its check off. */
    int64_t bound_sqe_submit_ns;
    int64_t bound_cqe_reap_ns;
    int64_t bound_handoff_ns; /* the drivers' own hand-offs (BH, fd, timer) */
    int64_t bound_wake_ns;    /* woken -> acting; 0 (off) unless set */
    /* busy-loop: busy_n waits of one thread without progress within
     * busy_window_ns (monitor-busy.c); off while busy_n == 0. */
    unsigned busy_n;
    int64_t busy_window_ns;
    GArray *busy; /* per thread id: its current run of idle waits */
    /* Open items, FIFO per key: SQEs by ring, CQEs by (ring, user_data),
     * annotated hand-offs by (name, key), block I/O from submission to
     * post by (ring, user_data). */
    GArray *pending;  /* open items, oldest first (monitor-checks.c) */
    GArray *woken;    /* woken threads that have not acted yet */
    unsigned io_open; /* block I/O submitted, its CQE not posted yet */
    GArray *io_reaps; /* per thread id: block I/O CQEs it reaped */
    char *invariant;  /* first violation's invariant */
    char *message;    /* and its description */
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
    /* Optional: what is suspended besides threads (coroutines: whose, on
     * which context, waiting for what), for a deadlock or limit verdict: a
     * g_malloc'd text, or NULL when nothing is. */
    char *(*describe_suspended)(void *opaque);
    void *describe_opaque;
} wk_monitor_t;

void wk_monitor_init(wk_monitor_t *m, int64_t sqe_ns, int64_t cqe_ns, int64_t handoff_ns);
void wk_monitor_destroy(wk_monitor_t *m);
/* sim_options_t.on_event hook; opaque is the wk_monitor_t. */
void wk_monitor_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque);
/* After sim_world_run(): the run's own failure, if any, becomes the
 * verdict (unless a violation came first); a run that ended well is then
 * checked for hand-offs never ended and SQEs never submitted. */
void wk_monitor_finish(wk_monitor_t *m, sim_world_t *w);
/* The invariant a run result stands for: deadlock, workload-deadline
 * (time limit), livelock (step limit); NULL for OK and VIOLATION. */
const char *wk_invariant_of_result(sim_result_t r);

/* A hand-off of what (begun at start_ns, bound_ns) ran now: checks the
 * bound.  The single check behind every hand-off the drivers track. */
void wk_monitor_handoff_ran(wk_monitor_t *m, sim_world_t *w, const char *what,
                            int64_t start_ns, int64_t bound_ns);
/* The same hand-off has still not run at now_ns: past its bound? */
void wk_monitor_handoff_open(wk_monitor_t *m, sim_world_t *w, const char *what,
                             int64_t start_ns, int64_t bound_ns, int64_t now_ns);
/* The machine's hand-offs to vCPU number object ("<what> for vcpuN"),
 * under bound_handoff_ns. */
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

/* monitor-checks.c: the event-stream checks, for wk_monitor_on_event(). */
void wk_monitor_pending_init(wk_monitor_t *m);
void wk_monitor_pending_destroy(wk_monitor_t *m);
void wk_monitor_on_sqe(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev);
void wk_monitor_on_cqe(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev);
void wk_monitor_on_annotation(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev);
void wk_monitor_on_wake(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev);
/* Block I/O CQEs (of READ, READV, WRITE and WRITEV SQEs) reaped so far by
 * thread t (NULL: by no thread): a driver's mark, compared after an
 * operation, says whether t reaped any meanwhile.  A reap counts at t's
 * first scheduling point after its CQ-head store, even while that store is
 * still in t's store buffer (sim/kernel/uring.c, reaper_view_of_head). */
uint64_t wk_monitor_io_reaps(const wk_monitor_t *m, const sim_thread_t *t);
/* End of run: the oldest hand-off still open past its bound, then the
 * oldest SQE never submitted past the SQE bound. */
void wk_monitor_check_left_open(wk_monitor_t *m, sim_world_t *w);
/* Every hand-off still open, oldest first ("hand-off <name> key <k> (begun
 * by <thread>) at <t> ms (bound <b> ms)", "; " between), or "". */
char *wk_monitor_open_handoffs(wk_monitor_t *m);

/* monitor-busy.c: the busy-loop check.  A wait is an iteration of the
 * thread's loop: a ppoll() (any timeout) or an io_uring_enter() that waits
 * (wait_nr > 0).  Progress is work done by that thread: a CQE reaped other
 * than a timeout's expiry or a cancellation (res -ETIME, -ECANCELED), an
 * eventfd drained of a count, or a callback of the workload run
 * (wk_monitor_progress).  busy_n waits in a row without progress within a
 * window of busy_window_ns (opened at the first of them) are a busy loop. */
void wk_monitor_set_busy_loop(wk_monitor_t *m, unsigned n, int64_t window_ns);
void wk_monitor_busy_on_event(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev);
/* The calling thread ran a callback of the workload (BH, timer, fd handler,
 * completion): progress for the busy-loop check. */
void wk_monitor_progress(wk_monitor_t *m);

#endif

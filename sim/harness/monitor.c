/*
 * monitor.c - the monitor's verdict and its lifecycle (see monitor.h);
 * the event-stream checks are in monitor-checks.c.
 *
 * The property (docs/protocol.md): work handed to a context at t is picked up
 * by t + bound whatever the interleaving.  A loop asleep in a timed wait is
 * not a deadlock, so a lost wakeup shows as a latency far above the bound
 * (the seed: ~499 ms against a 10 ms bound), reported when the late event
 * finally happens, or at the end of the run when it never happens.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "monitor.h"
#include "invariant.h"

#define NS_PER_MS 1000000.0

void wk_monitor_init(wk_monitor_t *m, int64_t sqe_ns, int64_t cqe_ns, int64_t handoff_ns)
{
    *m = (wk_monitor_t){
        .bound_sqe_submit_ns = sqe_ns,
        .bound_cqe_reap_ns = cqe_ns,
        .bound_handoff_ns = handoff_ns,
        .late_start_ns = -1,
        .late_end_ns = -1,
    };
    wk_monitor_pending_init(m);
    wk_history_init(&m->history);
}

void wk_monitor_destroy(wk_monitor_t *m)
{
    wk_monitor_pending_destroy(m);
    if (m->busy) {
        g_array_free(m->busy, TRUE);
    }
    g_free(m->invariant);
    g_free(m->message);
    g_free(m->states_at_start);
    g_free(m->states_at_detection);
    wk_history_destroy(&m->history);
}

/* Thread states now: while the run is going, from the world; after it,
 * every thread has been unwound and there is nothing to show. */
static char *states_now(sim_world_t *w, bool live)
{
    if (!live) {
        return g_strdup("threads: (the run is over)");
    }
    char *s = sim_world_thread_states(w);
    char *copy = g_strdup(s);
    free(s);
    return copy;
}

static void violation_v(wk_monitor_t *m, sim_world_t *w, const char *invariant,
                        int64_t start_ns, const char *fmt, va_list ap)
{
    if (m->invariant) {
        m->violations++; /* the first violation is the one reported */
        return;
    }
    /* The run goes on to its end (monitor.h: the violation policy); the
     * verdict is the first violation, the log shows where it happened. */
    bool live = sim_world_current() == w;
    char *detail = g_strdup_vprintf(fmt, ap);
    m->invariant = g_strdup(invariant);
    m->states_at_detection = states_now(w, live);
    if (start_ns >= 0) {
        /* What each thread was doing when the work was handed over is the
         * useful fact (the loop asleep in ppoll); at detection the late
         * thread is awake again. */
        m->late_start_ns = start_ns;
        m->late_end_ns = sim_world_now_ns(w);
        m->states_at_start = wk_history_states_at(&m->history, start_ns);
        m->message = g_strdup_printf(
            "%s: %s; at %.3f ms (start) threads:%s at detection %s", invariant, detail,
            start_ns / NS_PER_MS, m->states_at_start, m->states_at_detection);
    } else if (live) {
        m->message =
            g_strdup_printf("%s: %s; %s", invariant, detail, m->states_at_detection);
    } else {
        m->message = g_strdup_printf("%s: %s", invariant, detail);
    }
    if (live) {
        sim_monitor_event(w, invariant, m->violations, 0);
    }
    m->violations++;
    g_free(detail);
}

void wk_monitor_violation(wk_monitor_t *m, sim_world_t *w, const char *invariant,
                          const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    violation_v(m, w, invariant, -1, fmt, ap);
    va_end(ap);
}

void wk_monitor_late(wk_monitor_t *m, sim_world_t *w, const char *invariant,
                     int64_t start_ns, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    violation_v(m, w, invariant, start_ns, fmt, ap);
    va_end(ap);
}

void wk_monitor_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    wk_monitor_t *m = opaque;
    wk_history_on_event(&m->history, ev);
    switch (ev->kind) {
    case SIM_EV_PPOLL_ENTER:
    case SIM_EV_PPOLL_RETURN:
        if (ev->thread && m->main_loop_tid &&
            sim_thread_id(ev->thread) == m->main_loop_tid) {
            m->main_loop_sleeping = ev->kind == SIM_EV_PPOLL_ENTER;
        }
        wk_monitor_busy_on_event(m, w, ev);
        break;
    case SIM_EV_URING_ENTER:
    case SIM_EV_EVENTFD_DRAIN:
    case SIM_EV_FAULT:
        wk_monitor_busy_on_event(m, w, ev);
        break;
    case SIM_EV_SQE_QUEUED:
        if (m->main_loop_sleeping) {
            m->sqes_queued_while_main_loop_slept++;
        }
        wk_monitor_on_sqe(m, w, ev);
        break;
    case SIM_EV_SQE_SUBMIT:
        wk_monitor_on_sqe(m, w, ev);
        break;
    case SIM_EV_CQE_POST:
        wk_monitor_on_cqe(m, w, ev);
        break;
    case SIM_EV_CQE_REAP:
        wk_monitor_on_cqe(m, w, ev);
        wk_monitor_busy_on_event(m, w, ev);
        break;
    case SIM_EV_MONITOR:
        wk_monitor_on_annotation(m, w, ev);
        break;
    default:
        break;
    }
    wk_monitor_on_wake(m, w, ev);
}

const char *wk_invariant_of_result(sim_result_t r)
{
    switch (r) {
    case SIM_RESULT_DEADLOCK:
        return WK_INV_DEADLOCK;
    case SIM_RESULT_TIME_LIMIT:
        return WK_INV_DEADLINE;
    case SIM_RESULT_STEP_LIMIT:
        return WK_INV_LIVELOCK;
    default:
        return NULL;
    }
}

void wk_monitor_finish(wk_monitor_t *m, sim_world_t *w)
{
    sim_result_t r = sim_world_result(w);
    const char *invariant = wk_invariant_of_result(r);
    if (invariant) {
        /* A violation seen first stays the verdict: the deadlock or the
         * limit is its consequence.  A wakeup lost behind a periodic timer
         * only shows here: name what was handed over and never picked up,
         * and where every thread was at the end. */
        int64_t now = sim_world_now_ns(w);
        char *open = wk_monitor_open_handoffs(m);
        char *states = wk_history_states_at(&m->history, now);
        char *susp =
            m->describe_suspended ? m->describe_suspended(m->describe_opaque) : NULL;
        wk_monitor_violation(
            m, w, invariant, "%s (run ended at %.3f ms)%s%s; threads at the end:%s%s%s",
            sim_world_message(w), now / NS_PER_MS, *open ? "; open hand-offs: " : "", open,
            states, susp ? " suspended coroutines: " : "", susp ? susp : "");
        g_free(open);
        g_free(states);
        g_free(susp);
    } else if (r == SIM_RESULT_OK && !m->invariant) {
        wk_monitor_check_left_open(m, w);
    }
}

void wk_monitor_handoff_ran(wk_monitor_t *m, sim_world_t *w, const char *what,
                            int64_t start_ns, int64_t bound_ns)
{
    int64_t now = sim_world_now_ns(w);
    int64_t latency = now - start_ns;
    wk_monitor_progress(m);
    if (bound_ns > 0 && latency > bound_ns) {
        wk_monitor_late(m, w, WK_INV_HANDOFF, start_ns,
                        "%s handed over at %.3f ms, ran at %.3f ms on %s: "
                        "%.3f ms > bound %.3f ms",
                        what, start_ns / NS_PER_MS, now / NS_PER_MS,
                        sim_thread_name(sim_thread_self()), latency / NS_PER_MS,
                        bound_ns / NS_PER_MS);
    }
}

void wk_monitor_handoff_open(wk_monitor_t *m, sim_world_t *w, const char *what,
                             int64_t start_ns, int64_t bound_ns, int64_t now_ns)
{
    if (bound_ns > 0 && now_ns - start_ns > bound_ns) {
        wk_monitor_late(
            m, w, WK_INV_HANDOFF, start_ns,
            "%s handed over at %.3f ms, still not run at %.3f ms (bound %.3f ms)", what,
            start_ns / NS_PER_MS, now_ns / NS_PER_MS, bound_ns / NS_PER_MS);
    }
}

void wk_monitor_handoff(wk_monitor_t *m, sim_world_t *w, const char *what, int64_t object,
                        int64_t start_ns)
{
    char *whom = g_strdup_printf("%s for vcpu%" PRId64, what, object);
    wk_monitor_handoff_ran(m, w, whom, start_ns, m->bound_handoff_ns);
    g_free(whom);
}

/* Steps before the limit at which a main loop that is still going counts
 * as livelocked. */
#define LIVELOCK_MARGIN 20000

void wk_stop_if_livelocked(wk_monitor_t *m, sim_world_t *w)
{
    uint64_t max_steps = sim_world_max_steps(w);
    if (!max_steps || sim_world_steps(w) + LIVELOCK_MARGIN < max_steps) {
        return;
    }
    wk_monitor_violation(m, w, WK_INV_LIVELOCK,
                         "the main loop is still iterating after %" PRIu64
                         " scheduling points with the workload unfinished (a busy loop)",
                         (uint64_t)sim_world_steps(w));
    sim_finish(w);
    sim_yield(); /* the run ends here: this thread is unwound */
}

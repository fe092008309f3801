/*
 * monitor.c - bounded-latency monitors over the simulator's events.
 *
 * The property (docs/protocol.md): work handed to a context at t is picked up
 * by t + bound whatever the interleaving.  A loop asleep in a timed wait is
 * not a deadlock, so a lost wakeup shows as a latency far above the bound
 * (the seed: ~499 ms against a 10 ms bound), reported when the late event
 * finally happens.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <liburing.h>
#include "monitor.h"
#include "invariant.h"

#define NS_PER_MS 1000000.0

void wk_monitor_init(wk_monitor_t *m, int64_t sqe_ns, int64_t cqe_ns, int64_t handoff_ns)
{
    *m = (wk_monitor_t){
        .bound_sqe_submit_ns = sqe_ns,
        .bound_cqe_reap_ns = cqe_ns,
        .bound_handoff_ns = handoff_ns,
        .cqe_posted = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                            (GDestroyNotify)g_queue_free),
        .late_start_ns = -1,
        .late_end_ns = -1,
    };
    wk_history_init(&m->history);
}

void wk_monitor_destroy(wk_monitor_t *m)
{
    g_hash_table_destroy(m->cqe_posted);
    g_free(m->invariant);
    g_free(m->message);
    g_free(m->states_at_start);
    g_free(m->states_at_detection);
    wk_history_destroy(&m->history);
}

static void violation_v(wk_monitor_t *m, sim_world_t *w, const char *invariant,
                        int64_t start_ns, const char *fmt, va_list ap)
{
    if (m->invariant) {
        m->violations++; /* the first violation is the one reported */
        return;
    }
    char *detail = g_strdup_vprintf(fmt, ap);
    /* The run goes on to its end: stopping it here would kill threads in
     * the middle of glib's dispatch, whose state cannot then be freed.  The
     * verdict is the first violation; the log shows where it happened. */
    char *states = sim_world_thread_states(w);
    m->invariant = g_strdup(invariant);
    m->states_at_detection = g_strdup(states);
    if (start_ns >= 0) {
        /* What each thread was doing when the work was handed over is the
         * useful fact (the loop asleep in ppoll); at detection the late
         * thread is awake again. */
        m->late_start_ns = start_ns;
        m->late_end_ns = sim_world_now_ns(w);
        m->states_at_start = wk_history_states_at(&m->history, start_ns);
        m->message = g_strdup_printf(
            "%s: %s; at %.3f ms (start) threads:%s at detection %s", invariant, detail,
            start_ns / NS_PER_MS, m->states_at_start, states);
    } else {
        m->message = g_strdup_printf("%s: %s; %s", invariant, detail, states);
    }
    free(states);
    sim_monitor_event(w, invariant, m->violations++, 0);
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

static const char *ring_name(sim_world_t *w, int64_t fd)
{
    const char *n = sim_world_object_name(w, SIM_OBJ_RING, fd);
    return n ? n : "a ring";
}

static int64_t cqe_key(const sim_event_t *ev)
{
    return (int64_t)(ev->user_data ^ ((uint64_t)ev->object << 48));
}

static void on_cqe_post(wk_monitor_t *m, const sim_event_t *ev)
{
    int64_t key = cqe_key(ev);
    GQueue *q = g_hash_table_lookup(m->cqe_posted, &key);
    if (!q) {
        q = g_queue_new();
        g_hash_table_insert(m->cqe_posted, g_memdup2(&key, sizeof(key)), q);
    }
    g_queue_push_tail(q, GSIZE_TO_POINTER((gsize)ev->time_ns));
}

static void on_cqe_reap(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    int64_t key = cqe_key(ev);
    GQueue *q = g_hash_table_lookup(m->cqe_posted, &key);
    if (!q || g_queue_is_empty(q)) {
        return;
    }
    int64_t posted = (int64_t)GPOINTER_TO_SIZE(g_queue_pop_head(q));
    int64_t latency = ev->time_ns - posted;
    m->cqes_reaped++;
    if (latency > m->bound_cqe_reap_ns) {
        /* No pointers in messages: they differ from run to run. */
        wk_monitor_late(
            m, w, WK_INV_CQE_REAP, posted,
            "CQE #%u (res=%" PRId64 ") on %s (ring fd %" PRId64
            ") posted at %.3f ms, reaped at %.3f ms by %s: %.3f ms > bound %.3f ms",
            m->cqes_reaped, ev->value, ring_name(w, ev->object), ev->object,
            posted / NS_PER_MS, ev->time_ns / NS_PER_MS,
            ev->thread ? sim_thread_name(ev->thread) : "kernel", latency / NS_PER_MS,
            m->bound_cqe_reap_ns / NS_PER_MS);
    }
}

const char *wk_opcode_name(int64_t op)
{
    switch (op) {
    case IORING_OP_NOP:
        return "NOP";
    case IORING_OP_READ:
        return "READ";
    case IORING_OP_WRITE:
        return "WRITE";
    case IORING_OP_READV:
        return "READV";
    case IORING_OP_WRITEV:
        return "WRITEV";
    case IORING_OP_POLL_ADD:
        return "POLL_ADD";
    case IORING_OP_POLL_REMOVE:
        return "POLL_REMOVE";
    case IORING_OP_TIMEOUT:
        return "TIMEOUT";
    default:
        return "other";
    }
}

static void on_sqe_submit(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    int64_t latency = ev->time_ns - ev->value2;
    m->sqes_submitted++;
    if (latency > m->bound_sqe_submit_ns) {
        wk_monitor_late(
            m, w, WK_INV_SQE_SUBMIT, ev->value2,
            "SQE #%u (%s) on %s (ring fd %" PRId64
            ") queued at %.3f ms, submitted at %.3f ms by %s: %.3f ms > bound %.3f ms",
            m->sqes_submitted, wk_opcode_name(ev->value), ring_name(w, ev->object),
            ev->object, ev->value2 / NS_PER_MS, ev->time_ns / NS_PER_MS,
            ev->thread ? sim_thread_name(ev->thread) : "kernel", latency / NS_PER_MS,
            m->bound_sqe_submit_ns / NS_PER_MS);
    }
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
        break;
    case SIM_EV_SQE_QUEUED:
        if (m->main_loop_sleeping) {
            m->sqes_queued_while_main_loop_slept++;
        }
        break;
    case SIM_EV_SQE_SUBMIT:
        on_sqe_submit(m, w, ev);
        break;
    case SIM_EV_CQE_POST:
        on_cqe_post(m, ev);
        break;
    case SIM_EV_CQE_REAP:
        on_cqe_reap(m, w, ev);
        break;
    default:
        break;
    }
}

void wk_monitor_handoff(wk_monitor_t *m, sim_world_t *w, const char *what, int64_t object,
                        int64_t start_ns)
{
    int64_t now = sim_now_ns();
    int64_t latency = now - start_ns;
    if (latency > m->bound_handoff_ns) {
        wk_monitor_late(m, w, WK_INV_HANDOFF, start_ns,
                        "%s for vcpu%" PRId64
                        " handed over at %.3f ms, ran at %.3f ms on %s: "
                        "%.3f ms > bound %.3f ms",
                        what, object, start_ns / NS_PER_MS, now / NS_PER_MS,
                        sim_thread_name(sim_thread_self()), latency / NS_PER_MS,
                        m->bound_handoff_ns / NS_PER_MS);
    }
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

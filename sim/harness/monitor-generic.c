/*
 * monitor.c - the generic monitors of wakesim/monitor.h.
 *
 * Everything comes from the event stream (sim_options_t.on_event), so the
 * monitor knows no loop, thread name or data structure: rings and CQEs by
 * (ring fd, user_data), wakes by thread id, hand-offs by (name, key) as the
 * annotations give them.  Pending items are kept in small arrays searched
 * linearly: a run holds tens of them at a time.  Messages print no
 * pointers (they change from process to process; the log must replay byte
 * for byte).
 */
#include "sim-int.h"
#include <wakesim/monitor.h>

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MS(ns) ((double)(ns) / 1e6)

typedef struct {
    char name[64];
    int64_t key, bound, at;
    char thread[32];
} pending_handoff_t;

typedef struct {
    int64_t ring;
    uint64_t ud;
    int64_t at;
} pending_cqe_t;
typedef struct {
    int64_t ring;
    int64_t at;
} pending_sqe_t;
typedef struct {
    int tid;
    int64_t at;
    char waker[32];
} pending_wake_t;

struct wakesim_monitor {
    wakesim_bounds_t b;
    sim_event_fn_t *chained;
    void *chained_opaque;
    char *invariant, *message;
    pending_handoff_t *ho;
    size_t n_ho, cap_ho;
    pending_cqe_t *cqe;
    size_t n_cqe, cap_cqe;
    pending_sqe_t *sqe;
    size_t n_sqe, cap_sqe;
    pending_wake_t *wk;
    size_t n_wk, cap_wk;
};

wakesim_monitor_t *wakesim_monitor_new(const wakesim_bounds_t *bounds)
{
    wakesim_monitor_t *m = calloc(1, sizeof(*m));
    if (m && bounds)
        m->b = *bounds;
    return m;
}

void wakesim_monitor_free(wakesim_monitor_t *m)
{
    if (!m)
        return;
    free(m->invariant);
    free(m->message);
    free(m->ho);
    free(m->cqe);
    free(m->sqe);
    free(m->wk);
    free(m);
}

const char *wakesim_monitor_invariant(const wakesim_monitor_t *m)
{
    return m->invariant;
}

const char *wakesim_monitor_message(const wakesim_monitor_t *m)
{
    return m->message ? m->message : "";
}

/* The first violation is the verdict; it stops the run when one is active. */
static void violation(wakesim_monitor_t *m, sim_world_t *w, const char *inv,
                      const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static void violation(wakesim_monitor_t *m, sim_world_t *w, const char *inv,
                      const char *fmt, ...)
{
    if (m->invariant)
        return;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof(detail), fmt, ap);
    va_end(ap);
    /* Thread states while the run goes on; after it, every thread is
     * unwound (a deadlock's message carries its own states). */
    char *states = w->running ? sim_world_thread_states(w) : NULL;
    size_t n = strlen(inv) + strlen(detail) + (states ? strlen(states) : 0) + 8;
    m->invariant = strdup(inv);
    m->message = malloc(n);
    if (!m->invariant || !m->message)
        sim_fatal("out of memory (monitor)");
    snprintf(m->message, n, "%s: %s%s%s", inv, detail, states ? "; " : "",
             states ? states : "");
    free(states);
    if (w->running)
        sim_violation(w, "%s", m->message);
}

static const char *actor(const sim_event_t *ev)
{
    return sim_thread_name(ev->thread);
}

static void on_handoff(wakesim_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    bool begin = strncmp(ev->text, "handoff-begin:", 14) == 0;
    const char *name = strchr(ev->text, ':') + 1;
    if (begin) {
        sim_grow((void **)&m->ho, &m->cap_ho, m->n_ho + 1, sizeof(*m->ho));
        pending_handoff_t *h = &m->ho[m->n_ho++];
        snprintf(h->name, sizeof(h->name), "%s", name);
        snprintf(h->thread, sizeof(h->thread), "%s", actor(ev));
        h->key = ev->object;
        h->bound = ev->value;
        h->at = ev->time_ns;
        return;
    }
    for (size_t i = 0; i < m->n_ho; i++) {
        pending_handoff_t h = m->ho[i];
        if (h.key != ev->object || strcmp(h.name, name) != 0)
            continue;
        memmove(&m->ho[i], &m->ho[i + 1], (m->n_ho - i - 1) * sizeof(*m->ho));
        m->n_ho--;
        int64_t lat = ev->time_ns - h.at;
        if (h.bound > 0 && lat > h.bound)
            violation(m, w, "handoff-latency",
                      "hand-off %s key %" PRId64
                      " begun at %.3f ms by %s, ended at %.3f ms "
                      "by %s: %.3f ms > bound %.3f ms",
                      h.name, h.key, MS(h.at), h.thread, MS(ev->time_ns), actor(ev),
                      MS(lat), MS(h.bound));
        return;
    }
}

static void on_cqe(wakesim_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    if (ev->kind == SIM_EV_CQE_POST) {
        sim_grow((void **)&m->cqe, &m->cap_cqe, m->n_cqe + 1, sizeof(*m->cqe));
        m->cqe[m->n_cqe++] = (pending_cqe_t){ ev->object, ev->user_data, ev->time_ns };
        return;
    }
    for (size_t i = 0; i < m->n_cqe; i++) {
        pending_cqe_t c = m->cqe[i];
        if (c.ring != ev->object || c.ud != ev->user_data)
            continue;
        memmove(&m->cqe[i], &m->cqe[i + 1], (m->n_cqe - i - 1) * sizeof(*m->cqe));
        m->n_cqe--;
        int64_t lat = ev->time_ns - c.at;
        if (m->b.cqe_reap_ns > 0 && lat > m->b.cqe_reap_ns) {
            char ud[24];
            violation(m, w, "cqe-reap-latency",
                      "CQE %s (res=%" PRId64 ") on ring fd %" PRId64 " posted at %.3f ms, "
                      "reaped at %.3f ms by %s: %.3f ms > bound %.3f ms",
                      sim_world_ud_name(w, c.ud, ud), ev->value, c.ring, MS(c.at),
                      MS(ev->time_ns), actor(ev), MS(lat), MS(m->b.cqe_reap_ns));
        }
        return;
    }
}

static void on_sqe(wakesim_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    if (ev->kind == SIM_EV_SQE_QUEUED) {
        sim_grow((void **)&m->sqe, &m->cap_sqe, m->n_sqe + 1, sizeof(*m->sqe));
        m->sqe[m->n_sqe++] = (pending_sqe_t){ ev->object, ev->time_ns };
        return;
    }
    /* Submission takes a ring's SQEs in queue order: drop its oldest. */
    for (size_t i = 0; i < m->n_sqe; i++) {
        if (m->sqe[i].ring == ev->object) {
            memmove(&m->sqe[i], &m->sqe[i + 1], (m->n_sqe - i - 1) * sizeof(*m->sqe));
            m->n_sqe--;
            break;
        }
    }
    int64_t lat = ev->time_ns - ev->value2;
    if (m->b.sqe_submit_ns > 0 && lat > m->b.sqe_submit_ns)
        violation(m, w, "sqe-submit-latency",
                  "SQE (opcode %" PRId64 ") on ring fd %" PRId64 " queued at %.3f ms, "
                  "submitted at %.3f ms by %s: %.3f ms > bound %.3f ms",
                  ev->value, ev->object, MS(ev->value2), MS(ev->time_ns), actor(ev),
                  MS(lat), MS(m->b.sqe_submit_ns));
}

/* A woken thread "acts" at its next event. */
static void on_any(wakesim_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    if (ev->kind == SIM_EV_THREAD_WAKE && ev->value == 0) {
        for (size_t i = 0; i < m->n_wk; i++)
            if (m->wk[i].tid == (int)ev->object)
                return; /* the earliest wake counts */
        sim_grow((void **)&m->wk, &m->cap_wk, m->n_wk + 1, sizeof(*m->wk));
        pending_wake_t *p = &m->wk[m->n_wk++];
        p->tid = (int)ev->object;
        p->at = ev->time_ns;
        snprintf(p->waker, sizeof(p->waker), "%s", actor(ev));
        return;
    }
    if (!ev->thread)
        return;
    int tid = sim_thread_id(ev->thread);
    for (size_t i = 0; i < m->n_wk; i++) {
        if (m->wk[i].tid != tid)
            continue;
        pending_wake_t p = m->wk[i];
        m->wk[i] = m->wk[--m->n_wk];
        int64_t lat = ev->time_ns - p.at;
        if (m->b.wake_ns > 0 && lat > m->b.wake_ns)
            violation(
                m, w, "wake-latency",
                "%s woken at %.3f ms by %s, acted at %.3f ms: %.1f us > bound %.1f us",
                actor(ev), MS(p.at), p.waker, MS(ev->time_ns), lat / 1e3,
                m->b.wake_ns / 1e3);
        return;
    }
}

static void monitor_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    wakesim_monitor_t *m = opaque;
    if (m->chained)
        m->chained(w, ev, m->chained_opaque);
    switch (ev->kind) {
    case SIM_EV_MONITOR:
        if (ev->text && strncmp(ev->text, "handoff-", 8) == 0 && strchr(ev->text, ':'))
            on_handoff(m, w, ev);
        break;
    case SIM_EV_CQE_POST:
    case SIM_EV_CQE_REAP:
        on_cqe(m, w, ev);
        break;
    case SIM_EV_SQE_QUEUED:
    case SIM_EV_SQE_SUBMIT:
        on_sqe(m, w, ev);
        break;
    default:
        break;
    }
    on_any(m, w, ev);
}

void wakesim_monitor_attach(wakesim_monitor_t *m, sim_options_t *o)
{
    m->chained = o->on_event;
    m->chained_opaque = o->event_opaque;
    o->on_event = monitor_on_event;
    o->event_opaque = m;
    if (m->b.deadline_ns > 0)
        o->max_time_ns = m->b.deadline_ns;
}

void wakesim_monitor_finish(wakesim_monitor_t *m, sim_world_t *w)
{
    int64_t now = sim_world_now_ns(w);
    switch (sim_world_result(w)) {
    case SIM_RESULT_DEADLOCK:
        violation(m, w, "deadlock", "%s", sim_world_message(w));
        break;
    case SIM_RESULT_TIME_LIMIT:
        violation(m, w, "workload-deadline", "not finished at %.3f ms (deadline %.3f ms)",
                  MS(now), MS(m->b.deadline_ns));
        break;
    default:
        break;
    }
    /* Hand-offs still open past their bound: the wakeup never came. */
    for (size_t i = 0; i < m->n_ho; i++) {
        pending_handoff_t *h = &m->ho[i];
        if (h->bound > 0 && now - h->at > h->bound)
            violation(m, w, "handoff-latency",
                      "hand-off %s key %" PRId64 " begun at %.3f ms by %s never ended "
                      "(run ended at %.3f ms, bound %.3f ms)",
                      h->name, h->key, MS(h->at), h->thread, MS(now), MS(h->bound));
    }
    for (size_t i = 0; i < m->n_sqe; i++) {
        if (m->b.sqe_submit_ns > 0 && now - m->sqe[i].at > m->b.sqe_submit_ns)
            violation(m, w, "sqe-submit-latency",
                      "SQE on ring fd %" PRId64 " queued at %.3f ms never submitted "
                      "(run ended at %.3f ms)",
                      m->sqe[i].ring, MS(m->sqe[i].at), MS(now));
    }
}

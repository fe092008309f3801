/*
 * monitor-generic.c - <wakesim/monitor.h>, the monitor as user programs
 * see it: the harness's one monitor (monitor.h) behind an opaque handle,
 * with the caller's event hook chained and the run's deadline set.  Every
 * check and message is the monitor's; docs/invariants.md lists them.
 */
#include <wakesim/monitor.h>

#include <stdlib.h>
#include "monitor.h"

struct wakesim_monitor {
    wk_monitor_t mon;
    int64_t deadline_ns;
    sim_event_fn_t *chained;
    void *chained_opaque;
};

wakesim_monitor_t *wakesim_monitor_new(const wakesim_bounds_t *bounds)
{
    wakesim_monitor_t *m = calloc(1, sizeof(*m));
    if (!m) {
        return NULL;
    }
    wakesim_bounds_t b = bounds ? *bounds : (wakesim_bounds_t){ 0 };
    /* The hand-off bound is each annotation's own. */
    wk_monitor_init(&m->mon, b.sqe_submit_ns, b.cqe_reap_ns, 0);
    m->mon.bound_wake_ns = b.wake_ns;
    m->deadline_ns = b.deadline_ns;
    return m;
}

void wakesim_monitor_free(wakesim_monitor_t *m)
{
    if (m) {
        wk_monitor_destroy(&m->mon);
        free(m);
    }
}

const char *wakesim_monitor_invariant(const wakesim_monitor_t *m)
{
    return m->mon.invariant;
}

const char *wakesim_monitor_message(const wakesim_monitor_t *m)
{
    return m->mon.message ? m->mon.message : "";
}

static void monitor_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    wakesim_monitor_t *m = opaque;
    if (m->chained) {
        m->chained(w, ev, m->chained_opaque);
    }
    wk_monitor_on_event(w, ev, &m->mon);
}

void wakesim_monitor_attach(wakesim_monitor_t *m, sim_options_t *o)
{
    m->chained = o->on_event;
    m->chained_opaque = o->event_opaque;
    o->on_event = monitor_on_event;
    o->event_opaque = m;
    if (m->deadline_ns > 0) {
        o->max_time_ns = m->deadline_ns;
    }
}

void wakesim_monitor_finish(wakesim_monitor_t *m, sim_world_t *w)
{
    wk_monitor_finish(&m->mon, w);
}

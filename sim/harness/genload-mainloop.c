/*
 * genload-mainloop.c - the generated workload on QEMU's main loop (see
 * genload-mainloop.h and the contract table of docs/workloads.md).
 *
 * Who may call what (QEMU's rules):
 *   timer_new_ns / timer_mod_ns / timer_del on a main-loop clock  any
 *                 thread, with or without the BQL (the timer lists have
 *                 their own lock; a vCPU arms device timers under the BQL,
 *                 TCG's vCPUs and other threads without it); the callback
 *                 runs on the main loop thread under the BQL.
 *   qemu_notify_event  any thread (a signal handler, a vCPU asking for a
 *                 shutdown or reset): after setting a flag the main loop
 *                 reads between iterations, so that the next
 *                 main_loop_wait() does not block before it is read.
 *
 * Hand-offs, bounded by [bounds] handoff: a main-loop timer armed for D
 * fires no earlier than D and at most the bound after it (timer-early,
 * handoff-latency); an event raised (flag set, then qemu_notify_event) is
 * seen by the main loop within the bound.  The main loop serves the flags
 * from the loop hook before each main_loop_wait(), with the BQL held.
 */
#include <glib.h>
#include "genload-mainloop.h"
#include "handoff.h"

#define ML_MAX_ACTORS 8
#define ML_CLOCKS 2 /* target.h's index: 0 QEMU_CLOCK_REALTIME, 1 QEMU_CLOCK_VIRTUAL */
static const char *const ml_clock_names[ML_CLOCKS] = { "rt", "vm" };

typedef struct ml_actor ml_actor_t;

typedef struct {
    ml_actor_t *a;
    int clock;
    wk_timer_t *timer;
    wk_timer_watch_t watch;
} ml_timer_t;

struct ml_actor {
    wk_genml_t *m;
    unsigned index;
    bool vcpu;
    ml_timer_t timer[ML_CLOCKS];
    bool requested;     /* the event flag: set by the actor, cleared by the main loop */
    wk_handoff_t ev_ho; /* flag set + qemu_notify_event -> the main loop saw it */
};

struct wk_genml {
    const wk_target_ops_t *ops;
    sim_world_t *w;
    wk_monitor_t *mon;
    unsigned nactors;
    ml_actor_t actors[ML_MAX_ACTORS];
};

static void ml_timer_cb(void *opaque)
{
    ml_timer_t *t = opaque;
    wk_genml_t *m = t->a->m;
    wk_monitor_progress(m->mon);
    wk_timer_watch_fired(&t->watch, m->ops->ml_clock_ns(t->clock), m->mon, m->w);
    sim_monitor_event(m->w, "main-loop timer fired", t->a->index, t->clock);
}

/* Arms the timer delay_ns ahead on its clock (a quarter of the time due
 * at once), the deadline recorded first (handoff.h). */
static void ml_timer_mod(ml_timer_t *t, int64_t delay_ns)
{
    wk_genml_t *m = t->a->m;
    int64_t deadline = m->ops->ml_clock_ns(t->clock) + (sim_choose(4) == 0 ? 0 : delay_ns);
    wk_timer_watch_arm(&t->watch, deadline);
    m->ops->timer_mod_ns(t->timer, deadline);
}

static void ml_timer_del(ml_timer_t *t)
{
    wk_timer_watch_disarm(&t->watch);
    t->a->m->ops->timer_del(t->timer);
}

/* vl.c's way: a flag the main loop polls, then qemu_notify_event(). */
static void ml_raise_event(ml_actor_t *a)
{
    wk_handoff_start(&a->ev_ho);
    a->requested = true;
    a->m->ops->notify_event();
}

void wk_genml_op(wk_genml_t *m, unsigned i, int64_t delay_ns)
{
    ml_actor_t *a = &m->actors[i];
    uint32_t what = sim_choose(6); /* 2 arm, 1 delete, 3 raise an event */
    ml_timer_t *t = &a->timer[sim_choose(ML_CLOCKS)];
    /* A vCPU arms device timers under the BQL half the time; it raises an
     * event under it a quarter of the time (a device's shutdown request),
     * since a BQL holder cannot be where a notify can be lost: the main
     * loop holds the BQL from its flag check to glib's prepare. */
    bool bql = a->vcpu && sim_choose(what < 3 ? 2 : 4) == 0;
    if (bql) {
        m->ops->bql_lock();
    }
    if (what < 2) {
        ml_timer_mod(t, delay_ns);
    } else if (what == 2) {
        ml_timer_del(t);
    } else {
        ml_raise_event(a);
        /* Half the time a second request follows 0 to 47 scheduling points
         * later (a reset, then a shutdown; a second signal), so it lands
         * anywhere on the main loop's way from serving the first, past its
         * flag check, into its next wait. */
        if (sim_choose(2) == 0) {
            for (uint32_t k = sim_choose(48); k; k--) {
                sim_yield();
            }
            ml_raise_event(a);
        }
    }
    if (bql) {
        m->ops->bql_unlock();
    }
}

void wk_genml_iterate(wk_genml_t *m)
{
    if (!m) {
        return;
    }
    for (unsigned i = 0; i < m->nactors; i++) {
        ml_actor_t *a = &m->actors[i];
        if (a->requested) {
            a->requested = false;
            wk_handoff_done(&a->ev_ho, m->mon, m->w);
            wk_monitor_progress(m->mon);
            sim_monitor_event(m->w, "main-loop event seen", i, 0);
        }
    }
}

void wk_genml_check_stale(wk_genml_t *m)
{
    for (unsigned i = 0; i < m->nactors; i++) {
        ml_actor_t *a = &m->actors[i];
        wk_handoff_check_stale(&a->ev_ho, m->mon, m->w);
        for (int c = 0; c < ML_CLOCKS; c++) {
            wk_timer_watch_check_stale(&a->timer[c].watch, m->ops->ml_clock_ns(c), m->mon,
                                       m->w);
        }
    }
}

void wk_genml_cleanup(wk_genml_t *m)
{
    for (unsigned i = 0; i < m->nactors; i++) {
        for (int c = 0; c < ML_CLOCKS; c++) {
            ml_timer_del(&m->actors[i].timer[c]);
        }
    }
}

void wk_genml_free_timers(wk_genml_t *m)
{
    for (unsigned i = 0; m && i < m->nactors; i++) {
        for (int c = 0; c < ML_CLOCKS; c++) {
            ml_timer_t *t = &m->actors[i].timer[c];
            if (t->timer) {
                m->ops->timer_free(t->timer);
                t->timer = NULL;
            }
        }
    }
}

wk_genml_t *wk_genml_new(const wk_target_ops_t *ops, sim_world_t *w, wk_monitor_t *mon,
                         unsigned nactors, const char *const names[], const bool vcpu[])
{
    char what[48];
    wk_genml_t *m = g_new0(wk_genml_t, 1);
    m->ops = ops;
    m->w = w;
    m->mon = mon;
    m->nactors = MIN(nactors, ML_MAX_ACTORS);
    for (unsigned i = 0; i < m->nactors; i++) {
        ml_actor_t *a = &m->actors[i];
        a->m = m;
        a->index = i;
        a->vcpu = vcpu[i];
        g_snprintf(what, sizeof(what), "qemu_notify_event of %s", names[i]);
        wk_handoff_init(&a->ev_ho, what);
        for (int c = 0; c < ML_CLOCKS; c++) {
            ml_timer_t *t = &a->timer[c];
            t->a = a;
            t->clock = c;
            g_snprintf(what, sizeof(what), "main-loop %s timer of %s", ml_clock_names[c],
                       names[i]);
            wk_timer_watch_init(&t->watch, what);
            t->timer = ops->ml_timer_new(c, ml_timer_cb, t);
        }
    }
    return m;
}

void wk_genml_free(wk_genml_t *m)
{
    g_free(m);
}

static const wk_target_op_t needed_ops[] = {
    WK_TARGET_OP(ml_timer_new),
    WK_TARGET_OP(ml_clock_ns),
    WK_TARGET_OP(notify_event),
};

const char *wk_genml_missing_op(const wk_target_ops_t *ops)
{
    return wk_target_first_missing(ops, needed_ops, G_N_ELEMENTS(needed_ops));
}

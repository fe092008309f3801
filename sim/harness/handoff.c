/*
 * handoff.c - hand-off monitors (see handoff.h).
 */
#include <inttypes.h>
#include <string.h>
#include <glib.h>
#include "handoff.h"
#include "invariant.h"

#define NS_PER_MS 1000000.0

void wk_handoff_init(wk_handoff_t *h, const char *what)
{
    g_strlcpy(h->what, what, sizeof(h->what));
    h->since_ns = -1;
}

void wk_handoff_start_at(wk_handoff_t *h, int64_t since_ns)
{
    if (h->since_ns < 0) {
        h->since_ns = since_ns;
    }
}

void wk_handoff_start(wk_handoff_t *h)
{
    wk_handoff_start_at(h, sim_now_ns());
}

void wk_handoff_cancel(wk_handoff_t *h)
{
    h->since_ns = -1;
}

void wk_handoff_done(wk_handoff_t *h, wk_monitor_t *mon, sim_world_t *w)
{
    if (h->since_ns < 0) {
        return;
    }
    int64_t since = h->since_ns;
    h->since_ns = -1;
    wk_monitor_handoff_ran(mon, w, h->what, since, mon->bound_handoff_ns);
}

void wk_handoff_check_stale(const wk_handoff_t *h, wk_monitor_t *mon, sim_world_t *w)
{
    if (h->since_ns >= 0) {
        wk_monitor_handoff_open(mon, w, h->what, h->since_ns, mon->bound_handoff_ns,
                                sim_now_ns());
    }
}

void wk_timer_watch_init(wk_timer_watch_t *t, const char *what)
{
    memset(t, 0, sizeof(*t));
    g_strlcpy(t->what, what, sizeof(t->what));
    t->deadline_ns = -1;
    t->earliest_ns = INT64_MAX;
}

void wk_timer_watch_arm(wk_timer_watch_t *t, int64_t deadline_ns)
{
    t->deadline_ns = deadline_ns;
    t->earliest_ns = MIN(t->earliest_ns, deadline_ns);
    t->armed_at_ns = sim_now_ns();
}

void wk_timer_watch_disarm(wk_timer_watch_t *t)
{
    t->deadline_ns = -1;
}

void wk_timer_watch_fired(wk_timer_watch_t *t, int64_t clock_ns, wk_monitor_t *mon,
                          sim_world_t *w)
{
    if (clock_ns < t->earliest_ns) {
        wk_monitor_violation(
            mon, w, WK_INV_TIMER_EARLY,
            "%s fired at %.3f ms on %s, before every deadline it may serve (the earliest: "
            "%.3f ms; a replaced deadline counts only if it was due before the change)",
            t->what, clock_ns / NS_PER_MS, sim_thread_name(sim_thread_self()),
            t->earliest_ns == INT64_MAX ? -1.0 : t->earliest_ns / NS_PER_MS);
    }
    if (t->deadline_ns >= 0 && clock_ns - t->deadline_ns > mon->bound_handoff_ns) {
        wk_monitor_violation(
            mon, w, WK_INV_HANDOFF,
            "%s due at %.3f ms (armed at %.3f ms) fired at %.3f ms on %s: %.3f ms late "
            "> bound %.3f ms",
            t->what, t->deadline_ns / NS_PER_MS, t->armed_at_ns / NS_PER_MS,
            clock_ns / NS_PER_MS, sim_thread_name(sim_thread_self()),
            (clock_ns - t->deadline_ns) / NS_PER_MS, mon->bound_handoff_ns / NS_PER_MS);
    }
    /* A deadline still in the future was set by a change racing with this
     * firing: it stays armed and watched. */
    if (t->deadline_ns >= 0 && t->deadline_ns <= clock_ns) {
        t->deadline_ns = -1;
    }
}

void wk_timer_watch_check_stale(const wk_timer_watch_t *t, int64_t clock_ns,
                                wk_monitor_t *mon, sim_world_t *w)
{
    if (t->deadline_ns >= 0 && clock_ns - t->deadline_ns > mon->bound_handoff_ns) {
        wk_monitor_violation(mon, w, WK_INV_HANDOFF,
                             "%s due at %.3f ms, not fired at %.3f ms (bound %.3f ms)",
                             t->what, t->deadline_ns / NS_PER_MS, clock_ns / NS_PER_MS,
                             mon->bound_handoff_ns / NS_PER_MS);
    }
}

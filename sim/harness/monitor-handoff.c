/*
 * monitor-handoff.c - the hand-off annotations of wakesim/handoff.h: each
 * one is a monitor event "handoff-begin:<name>" / "handoff-end:<name>" with
 * the key as object and the bound as value, so the annotation reaches the
 * monitor (monitor-checks.c matches them) through the event stream and
 * shows in the log.  Not a scheduling point; ignored outside a simulated
 * thread.
 */
#include <stdio.h>
#include "sim.h"

#define WAKESIM_SIMULATED 1
#include <wakesim/handoff.h>

static void handoff_event(const char *what, const char *name, int64_t key, int64_t bound)
{
    sim_world_t *w = sim_world_current();
    if (!w || !sim_thread_self())
        return;
    char tag[80];
    snprintf(tag, sizeof(tag), "%s:%s", what, name ? name : "");
    sim_monitor_event(w, tag, key, bound);
}

void wakesim_handoff_begin(const char *name, int64_t key, int64_t bound_ns)
{
    handoff_event("handoff-begin", name, key, bound_ns);
}

void wakesim_handoff_end(const char *name, int64_t key)
{
    handoff_event("handoff-end", name, key, 0);
}

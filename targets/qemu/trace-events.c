/*
 * trace-events.c - where the QEMU trace points that gen-trace-stubs.awk
 * keeps go: the event log, as monitor events ("monitor qemu:poll_grow
 * obj=4000 val=8000").  Not a scheduling point, so logging one changes no
 * schedule; on the host (no run) there is no log and the point is dropped.
 */
#include <stdint.h>

#include "sim.h"

void wk_qemu_trace(const char *name, int64_t a, int64_t b)
{
    sim_world_t *w = sim_world_current();
    if (w && sim_thread_self()) {
        sim_monitor_event(w, name, a, b);
    }
}

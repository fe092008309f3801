/*
 * fiber-tls.c - per-simulated-thread storage behind the QEMU target's
 * coroutine-tls.h: slot i belongs to simulated thread id i (0: the host, e.g.
 * cleanups after a run).  Each slot remembers the world generation that last
 * used it, and reads as zero in any other run, so nothing carries over
 * between runs although the arrays are static.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sim.h"
#include "qemu/coroutine-tls.h"

void *wk_fiber_tls_slot(void *slots, uint64_t *gens, size_t size)
{
    sim_world_t *w = sim_world_current();
    sim_thread_t *self = w ? sim_thread_self() : NULL;
    int id = self ? sim_thread_id(self) : 0;
    uint64_t gen = w ? sim_world_generation(w) : 0;
    if (id < 0 || id >= WK_FIBER_TLS_SLOTS) {
        fprintf(stderr,
                "wakesim qemu target: simulated thread id %d has no "
                "thread-local slot (WK_FIBER_TLS_SLOTS = %d)\n",
                id, WK_FIBER_TLS_SLOTS);
        abort();
    }
    char *slot = (char *)slots + (size_t)id * size;
    if (gens[id] != gen) {
        memset(slot, 0, size);
        gens[id] = gen;
    }
    return slot;
}

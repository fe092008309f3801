/*
 * retire.c - writes the memory model does not see as seam accesses, but
 * which must still come after the thread's own buffered stores: freeing
 * memory, and instrumented plain accesses (sim_mem_plain).
 *
 * Under tso, pso and arm a simulated thread may still hold buffered stores
 * (under arm: the write half of a read-modify-write, such as the
 * fetch_and on a bottom half's flags just before aio_bh_poll() frees it)
 * when it frees the object they target, or touches their location with a
 * plain access.  On a CPU one thread's accesses to one location stay in
 * program order (coherence), so the allocator's writes, or the plain
 * access, come after them; here those write or read memory directly, so
 * the buffered store would land later, in freed or reused memory, or over
 * the plain write.  So the thread's buffered stores commit first.
 *
 * Code under test frees through glib, so g_free is wrapped at link time
 * (-Wl,--wrap=g_free, an interface link option of wakesim_sim): code built
 * into the simulator's executables needs no change.  Committing early is
 * always allowed, and no scheduling point is taken, so decisions and event
 * logs do not change under sc.
 */
#include "sim-int.h"

#include <glib.h>

void __real_g_free(void *p);
void __wrap_g_free(void *p);

void sim_mem_retire(const void *p)
{
    sim_world_t *w = sim__current_world;
    if (p && w && w->mem && w->current)
        sim_memory_drain(w, w->current);
}

void sim_mem_plain(const volatile void *p, size_t n)
{
    sim_world_t *w = sim__current_world;
    if (w && w->mem && w->current)
        sim_memory_commit_own(w, w->current, p, n);
}

bool sim_mem_retire_linked(void)
{
    /* With the wrap, this file's reference to g_free is __wrap_g_free.
     * Through a volatile: a compiler may assume two distinct symbols have
     * distinct addresses and fold the comparison to false. */
    void (*volatile freer)(void *) = g_free;
    return freer == __wrap_g_free;
}

void __wrap_g_free(void *p)
{
    sim_mem_retire(p);
    __real_g_free(p);
}

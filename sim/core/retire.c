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
 * into the simulator's executables needs no change.  So are the two
 * releases that may free an event loop's context inside glib, where the
 * wrap does not reach: g_source_unref (an AioContext is a GSource, and its
 * notify_me and notified fields are stored through the seam) and
 * g_main_context_unref (which unrefs the sources attached to it).
 * Committing early is always allowed, and no scheduling point is taken, so
 * decisions and event logs do not change under sc.
 */
#include "sim-int.h"

#include <glib.h>

void __real_g_free(void *p);
void __wrap_g_free(void *p);
void __real_g_source_unref(GSource *source);
void __wrap_g_source_unref(GSource *source);
void __real_g_main_context_unref(GMainContext *context);
void __wrap_g_main_context_unref(GMainContext *context);

/* The simulated thread making the call, if the world buffers stores. */
static sim_thread_t *buffering_thread(void)
{
    sim_world_t *w = sim__current_world;
    return w && w->mem ? w->current : NULL;
}

void sim_mem_retire(const void *p)
{
    sim_thread_t *t = buffering_thread();
    if (p && t)
        sim_memory_drain(sim__current_world, t);
}

/* Plain stores are buffered in this process (sim_mem_plain_stores_set). */
static bool plain_stores_on;

void sim_mem_plain_stores_set(bool on)
{
    plain_stores_on = on;
}

void sim_mem_retire_plain(const void *p)
{
    if (plain_stores_on)
        sim_mem_retire(p);
}

void sim_mem_plain(const volatile void *p, size_t n)
{
    sim_thread_t *t = buffering_thread();
    if (t)
        sim_memory_commit_own(sim__current_world, t, p, n);
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

/* A release that may free inside glib runs finalizers first (QEMU's
 * aio_ctx_finalize stores to the context it is about to lose), then frees
 * with glib's own, unwrapped g_free: so the thread's buffer commits before,
 * and its accesses in between go straight to memory. */
static sim_thread_t *unbuffered_begin(const void *p)
{
    sim_thread_t *t = buffering_thread();
    if (!p || !t)
        return NULL;
    sim_mem_retire(p);
    t->mem_unbuffered++;
    return t;
}

static void unbuffered_end(sim_thread_t *t)
{
    if (t)
        t->mem_unbuffered--;
}

void __wrap_g_source_unref(GSource *source)
{
    sim_thread_t *t = unbuffered_begin(source);
    __real_g_source_unref(source);
    unbuffered_end(t);
}

void __wrap_g_main_context_unref(GMainContext *context)
{
    sim_thread_t *t = unbuffered_begin(context);
    __real_g_main_context_unref(context);
    unbuffered_end(t);
}

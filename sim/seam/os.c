/*
 * os.c - loop/'s OS entry points (shim/aio-os.h) that the kernel does not
 * define under their own names: the virtual clock, thread identity and the
 * home context, and os_mutex_t over the kernel's sim_mutex_t.
 *
 * Including both the shim and kernel.h here makes the compiler check that
 * the kernel's definitions of the other os_* functions match the shim.
 */
#include "kernel.h"

#include "aio-os.h"

#include <stddef.h>

/* os_mutex_t is the kernel's mutex under loop/'s name: same layout, so a
 * pointer to one is a pointer to the other. */
_Static_assert(sizeof(os_mutex_t) == sizeof(sim_mutex_t), "os_mutex_t layout");
_Static_assert(offsetof(os_mutex_t, world_gen) == offsetof(sim_mutex_t, world_gen),
               "os_mutex_t.world_gen");
_Static_assert(offsetof(os_mutex_t, owner) == offsetof(sim_mutex_t, owner),
               "os_mutex_t.owner");
_Static_assert(offsetof(os_mutex_t, id) == offsetof(sim_mutex_t, id), "os_mutex_t.id");

static sim_mutex_t *kernel_mutex(struct os_mutex *m)
{
    return (sim_mutex_t *)(void *)m;
}

void os_mutex_init(os_mutex_t *m)
{
    sim_mutex_init(kernel_mutex(m));
}

void os_mutex_destroy(os_mutex_t *m)
{
    sim_mutex_destroy(kernel_mutex(m));
}

void os_mutex_lock(os_mutex_t *m)
{
    sim_mutex_lock(kernel_mutex(m));
}

void os_mutex_unlock(os_mutex_t *m)
{
    sim_mutex_unlock(kernel_mutex(m));
}

int sim_cond_timedwait(sim_cond_t *c, struct os_mutex *m, int64_t timeout_ns)
{
    return sim_cond_wait_mutex(c, kernel_mutex(m), timeout_ns);
}

void sim_cond_wait(sim_cond_t *c, struct os_mutex *m)
{
    sim_cond_wait_mutex(c, kernel_mutex(m), -1);
}

int64_t os_clock_ns(void)
{
    sim_world_t *w = sim__current_world;
    return w ? w->opt.clock_base_ns + w->now : 0;
}

uintptr_t os_thread_self(void)
{
    sim_world_t *w = sim__current_world;
    return w && w->current ? (uintptr_t)w->current->id : 0;
}

void *os_thread_ctx_get(void)
{
    sim_world_t *w = sim__current_world;
    return w && w->current ? w->current->home_ctx : NULL;
}

void os_thread_ctx_set(void *ctx)
{
    sim_world_t *w = sim__current_world;
    if (w && w->current)
        w->current->home_ctx = ctx;
}

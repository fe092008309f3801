/*
 * mutex.c - mutexes (loop/'s os_mutex_t, the libc seam's pthread mutexes)
 * and sim_cond_t on simulated threads.
 *
 * A mutex is a plain struct embedded in loop/ objects; the world keeps no
 * list of them.  Waiters are found by scanning blocked threads for
 * (SIM_WAIT_MUTEX, m).  Unlock wakes every waiter and the scheduler decides
 * who gets the lock (each retries), which exposes more interleavings than a
 * FIFO hand-off.  A mutex remembers the world generation that last touched
 * it: state left by an earlier run (an owner unwound mid-critical-section)
 * is dropped instead of deadlocking the next run.
 *
 * Outside a simulated thread (sim_defer cleanups, no run at all) lock and
 * unlock do not block: they mark the host (-1) as owner.
 */
#include "kernel.h"

static void mutex_adopt(sim_world_t *w, sim_mutex_t *m)
{
    if (m->world_gen == w->gen)
        return;
    m->world_gen = w->gen;
    m->owner = 0;
    m->id = sim_mutex_next_id(w);
    sim_name_mutex_id(w, m, m->id);
}

uint32_t sim_mutex_next_id(sim_world_t *w)
{
    return ++sim_kernel(w)->next_mutex_id;
}

static void describe_mutex_wait(const sim_thread_t *t, char *buf, size_t size)
{
    const sim_mutex_t *m = t->wait_obj;
    const char *name = sim_world_mutex_name_at(t->w, m);
    snprintf(buf, size, "mutex #%u%s%s (owner thread %d)", m->id, name ? " " : "",
             name ? name : "", m->owner);
}

void sim_mutex_init(sim_mutex_t *m)
{
    m->world_gen = 0;
    m->owner = 0;
    m->id = 0;
    if (sim__current_world)
        sim_name_created(sim__current_world, SIM_OBJ_MUTEX, (int64_t)(intptr_t)m);
}

void sim_mutex_destroy(sim_mutex_t *m)
{
    sim_world_t *w = sim__current_world;
    if (w && w->current && m->world_gen == w->gen && m->owner > 0)
        sim_violation(w, "os_mutex_destroy of mutex #%u held by thread %d", m->id,
                      m->owner);
    m->owner = 0;
}

void sim_mutex_lock(sim_mutex_t *m)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current) {
        m->owner = -1;
        return;
    }
    mutex_adopt(w, m);
    SIM_SCHED_POINT_NAMED("os_mutex_lock");
    int self = w->current->id;
    if (m->owner == self)
        sim_violation(w, "%s: recursive lock of mutex #%u", w->current->name, m->id);
    while (m->owner != 0)
        sim_block_described(w, SIM_WAIT_MUTEX, m, 0, -1, describe_mutex_wait);
    m->owner = self;
    sim_emit(w, SIM_EV_MUTEX_LOCK, m->id, 0, 0, 0, NULL);
}

void sim_mutex_unlock(sim_mutex_t *m)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current) {
        m->owner = 0;
        return;
    }
    mutex_adopt(w, m);
    if (m->owner != w->current->id)
        sim_violation(w, "%s: unlock of mutex #%u owned by thread %d", w->current->name,
                      m->id, m->owner);
    if (w->mem)
        sim_memory_drain(w, w->current); /* the critical section's stores */
    m->owner = 0;
    sim_emit(w, SIM_EV_MUTEX_UNLOCK, m->id, 0, 0, 0, NULL);
    sim_wake_all(w, SIM_WAIT_MUTEX, m);
    SIM_SCHED_POINT_NAMED("os_mutex_unlock"); /* publish: a waiter may run now */
}

/* ---- condition variables ---- */

static void cond_adopt(sim_world_t *w, sim_cond_t *c)
{
    if (c->world_gen == w->gen)
        return;
    c->world_gen = w->gen;
    c->id = ++sim_kernel(w)->next_cond_id;
}

void sim_cond_init(sim_cond_t *c)
{
    c->world_gen = 0;
    c->id = 0;
}

int sim_cond_wait_mutex(sim_cond_t *c, sim_mutex_t *m, int64_t timeout_ns)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current)
        return -EDEADLK;
    cond_adopt(w, c);
    int64_t deadline = timeout_ns < 0 ? -1 : w->now + timeout_ns;
    /* Unlock and block with no scheduling point between them: a signal
     * cannot slip into the gap, as with a real condition variable. */
    mutex_adopt(w, m);
    m->owner = 0;
    sim_emit(w, SIM_EV_MUTEX_UNLOCK, m->id, 0, 0, 0, NULL);
    sim_wake_all(w, SIM_WAIT_MUTEX, m);
    int res = sim_block(w, SIM_WAIT_COND, c, 0, deadline);
    sim_mutex_lock(m);
    return res == -ETIMEDOUT ? -ETIMEDOUT : 0;
}

static void cond_wake(sim_cond_t *c, bool all)
{
    sim_world_t *w = sim__current_world;
    if (!w)
        return;
    cond_adopt(w, c);
    SIM_SCHED_POINT_HERE();
    if (all) {
        sim_wake_all(w, SIM_WAIT_COND, c);
        return;
    }
    sim_thread_t *oldest = NULL;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state == SIM_T_BLOCKED && t->wait == SIM_WAIT_COND && t->wait_obj == c &&
            (!oldest || t->wait_seq < oldest->wait_seq))
            oldest = t;
    }
    if (oldest)
        sim_wake(w, oldest, 0);
}

void sim_cond_signal(sim_cond_t *c)
{
    cond_wake(c, false);
}

void sim_cond_broadcast(sim_cond_t *c)
{
    cond_wake(c, true);
}

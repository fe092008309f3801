/*
 * mutex.c - pthread mutexes and condition variables on simulated threads.
 *
 * The simulated state lives in the world, found by the address of the
 * program's pthread_mutex_t / pthread_cond_t (state.c): the program's bytes
 * are never written, so static initializers work and an object also used by
 * the host outside runs stays valid for the C library.  The semantics are
 * those of sim_mutex_t and sim_cond_t (sim/kernel/mutex.c): lock and unlock are
 * scheduling points, unlock lets the scheduler pick among the waiters, and
 * a condition wait releases the mutex and blocks with nothing in between.
 * The mutex type comes from pthread_mutex_init's attribute, or from the
 * static initializer (glibc stores the type in the object, and the seam
 * reads it there): PTHREAD_MUTEX_RECURSIVE nests, ERRORCHECK reports misuse
 * with an error, the default type reports misuse as a violation.
 */
#include "libc-int.h"

#include <time.h>

void sim_libc_mutex_link(void)
{
}

static sim_libc_obj_t *mutex_obj(sim_world_t *w, pthread_mutex_t *m)
{
    sim_libc_obj_t *o = sim_libc_obj(w, m, SIM_LIBC_OBJ_MUTEX);
    if (o->u.mutex.m.world_gen == 0) {
        sim_mutex_init(&o->u.mutex.m);
        /* Static initializers: glibc's kind 1 = recursive, 2 = error
         * checking; 0 and 3 (adaptive) behave as the default type. */
        int kind = m->__data.__kind & 3;
        o->u.mutex.type = kind == 3 ? PTHREAD_MUTEX_DEFAULT : kind;
    }
    return o;
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr)
{
    sim_world_t *w = SIM_LIBC_GATE();
    int r = SIM_LIBC_REAL(pthread_mutex_init)(m, attr);
    if (!w || r)
        return r;
    sim_libc_obj_t *o = sim_libc_obj(w, m, SIM_LIBC_OBJ_MUTEX);
    sim_mutex_init(&o->u.mutex.m);
    int type = PTHREAD_MUTEX_DEFAULT;
    if (attr)
        pthread_mutexattr_gettype(attr, &type);
    o->u.mutex.type = type;
    o->u.mutex.depth = 0;
    return 0;
}

int pthread_mutex_destroy(pthread_mutex_t *m)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_mutex_destroy)(m);
    sim_libc_obj_t *o = mutex_obj(w, m);
    if (o->u.mutex.m.world_gen == w->gen && o->u.mutex.m.owner > 0)
        return EBUSY;
    return 0;
}

static int mutex_lock(sim_world_t *w, pthread_mutex_t *m, bool try)
{
    sim_libc_obj_t *o = mutex_obj(w, m);
    sim_mutex_t *om = &o->u.mutex.m;
    int self = sim_thread_id(w->current);
    bool mine = om->world_gen == w->gen && om->owner == self;
    if (mine && o->u.mutex.type == PTHREAD_MUTEX_RECURSIVE) {
        SIM_SCHED_POINT_HERE();
        o->u.mutex.depth++;
        return 0;
    }
    if (mine && o->u.mutex.type == PTHREAD_MUTEX_ERRORCHECK)
        return EDEADLK;
    if (try) {
        /* Check and take with no scheduling point in between. */
        SIM_SCHED_POINT_HERE();
        if (om->world_gen != w->gen) {
            om->world_gen = w->gen;
            om->owner = 0;
            om->id = sim_mutex_next_id(w);
        }
        if (om->owner != 0)
            return EBUSY;
        om->owner = self;
        sim_emit(w, SIM_EV_MUTEX_LOCK, om->id, 0, 0, 0, NULL);
        o->u.mutex.depth = 1;
        return 0;
    }
    sim_mutex_lock(om);
    o->u.mutex.depth = 1;
    return 0;
}

int pthread_mutex_lock(pthread_mutex_t *m)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_mutex_lock)(m);
    return mutex_lock(w, m, false);
}

int pthread_mutex_trylock(pthread_mutex_t *m)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_mutex_trylock)(m);
    return mutex_lock(w, m, true);
}

int pthread_mutex_unlock(pthread_mutex_t *m)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(pthread_mutex_unlock)(m);
    sim_libc_obj_t *o = mutex_obj(w, m);
    sim_mutex_t *om = &o->u.mutex.m;
    bool mine = om->world_gen == w->gen && om->owner == sim_thread_id(w->current);
    if (!mine && o->u.mutex.type != PTHREAD_MUTEX_DEFAULT)
        return EPERM;
    if (mine && o->u.mutex.depth > 1) {
        o->u.mutex.depth--;
        return 0;
    }
    o->u.mutex.depth = 0;
    sim_mutex_unlock(om); /* the default type: a violation */
    return 0;
}

/* ---- condition variables ---- */

static int cond_wait(sim_world_t *w, pthread_cond_t *c, pthread_mutex_t *m,
                     int64_t deadline)
{
    sim_libc_obj_t *co = sim_libc_obj(w, c, SIM_LIBC_OBJ_COND);
    sim_libc_obj_t *mo = mutex_obj(w, m);
    if (mo->u.mutex.m.world_gen != w->gen ||
        mo->u.mutex.m.owner != sim_thread_id(w->current))
        return EPERM;
    unsigned depth = mo->u.mutex.depth;
    int64_t timeout = deadline < 0 ? -1 : deadline > w->now ? deadline - w->now : 0;
    int r = sim_cond_wait_mutex(&co->u.cond, &mo->u.mutex.m, timeout);
    mo->u.mutex.depth = depth;
    return r == -ETIMEDOUT ? ETIMEDOUT : 0;
}

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (w)
        sim_libc_obj(w, c, SIM_LIBC_OBJ_COND);
    return SIM_LIBC_REAL_V(pthread_cond_init, "GLIBC_2.3.2")(c, attr);
}

int pthread_cond_destroy(pthread_cond_t *c)
{
    if (SIM_LIBC_GATE())
        return 0;
    return SIM_LIBC_REAL_V(pthread_cond_destroy, "GLIBC_2.3.2")(c);
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL_V(pthread_cond_wait, "GLIBC_2.3.2")(c, m);
    return cond_wait(w, c, m, -1);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m,
                           const struct timespec *abstime)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL_V(pthread_cond_timedwait, "GLIBC_2.3.2")(c, m, abstime);
    if (abstime->tv_nsec < 0 || abstime->tv_nsec >= 1000000000)
        return EINVAL;
    /* Every clock is the same virtual clock (clock.c). */
    return cond_wait(w, c, m, sim_libc_deadline_abs(w, abstime));
}

int pthread_cond_signal(pthread_cond_t *c)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL_V(pthread_cond_signal, "GLIBC_2.3.2")(c);
    sim_cond_signal(&sim_libc_obj(w, c, SIM_LIBC_OBJ_COND)->u.cond);
    return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL_V(pthread_cond_broadcast, "GLIBC_2.3.2")(c);
    sim_cond_broadcast(&sim_libc_obj(w, c, SIM_LIBC_OBJ_COND)->u.cond);
    return 0;
}

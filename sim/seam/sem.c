/*
 * sem.c - POSIX semaphores (sem_wait, sem_trywait, sem_timedwait, sem_post)
 * on simulated threads: libuv's thread pool waits for its workers to start
 * on a semaphore, and glibc's own sem_wait would block the OS thread that
 * runs every simulated thread.
 *
 * The count lives where glibc keeps it (the low 32 bits of the semaphore's
 * first 64-bit word, glibc's struct new_sem on a 64-bit little-endian
 * host: the static assertion below), so a semaphore initialised by
 * sem_init and used both by the host and by simulated threads stays one
 * semaphore.  A simulated waiter waits on that word like a futex waiter
 * (futex.c), so glibc's nwaiters half is never touched.  Each call is a
 * scheduling point before it acts.
 */
#include "libc-int.h"

#include <semaphore.h>
#include <stdint.h>

_Static_assert(sizeof(sem_t) >= 8 && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "glibc's 64-bit semaphore layout: count in the low half of word 0");

void sim_libc_sem_link(void)
{
}

static uint32_t *count_of(sem_t *s)
{
    return (uint32_t *)(void *)s;
}

/* Takes one unit if there is one: 0, else -EAGAIN. */
static int take(sem_t *s)
{
    uint32_t *c = count_of(s);
    uint32_t v = __atomic_load_n(c, __ATOMIC_SEQ_CST);
    while (v > 0) {
        if (__atomic_compare_exchange_n(c, &v, v - 1, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            return 0;
    }
    return -EAGAIN;
}

/* Waits for a unit until deadline abs (NULL: forever). */
static int sem_wait_until(sim_world_t *w, sem_t *s, const struct timespec *abs)
{
    SIM_SCHED_POINT_HERE();
    for (;;) {
        if (take(s) == 0)
            return 0;
        int r = sim_libc_futex_wait(w, count_of(s), 0, abs, true, 0xffffffffu);
        if (r == -ETIMEDOUT)
            return (int)sim_libc_ret(r);
    }
}

int sem_wait(sem_t *s)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(sem_wait)(s);
    return sem_wait_until(w, s, NULL);
}

int sem_timedwait(sem_t *s, const struct timespec *abs)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(sem_timedwait)(s, abs);
    if (abs->tv_nsec < 0 || abs->tv_nsec >= 1000000000)
        return (int)sim_libc_ret(-EINVAL);
    return sem_wait_until(w, s, abs);
}

int sem_trywait(sem_t *s)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(sem_trywait)(s);
    SIM_SCHED_POINT_HERE();
    return (int)sim_libc_ret(take(s));
}

int sem_post(sem_t *s)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(sem_post)(s);
    SIM_SCHED_POINT_HERE();
    if (__atomic_load_n(count_of(s), __ATOMIC_SEQ_CST) == UINT32_MAX >> 1)
        return (int)sim_libc_ret(-EOVERFLOW); /* SEM_VALUE_MAX */
    __atomic_add_fetch(count_of(s), 1, __ATOMIC_SEQ_CST);
    sim_libc_futex_wake(w, count_of(s), 1, 0xffffffffu);
    return 0;
}

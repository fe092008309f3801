/*
 * futex.c - syscall(SYS_futex, ...) on simulated threads (syscall.c
 * dispatches it here): glib's GMutex, GCond and GRecMutex (and any lock
 * built on futexes) block simulated threads instead of the OS thread that
 * runs them all.  The arguments are decoded by futex operation, never read
 * six at a time (that reads past what the caller passed, which ASan
 * reports).
 *
 * Simulated futex: WAIT checks the word and blocks with no scheduling point
 * in between (the atomicity the kernel gives), WAKE wakes the longest
 * waiters first.  A wait or wake is a scheduling point before it acts.  The
 * log names a futex by its first-use number, never by its address (ASLR).
 */
#include "libc-int.h"

#include <limits.h>
#include <linux/futex.h>
#include <stdarg.h>

void sim_libc_futex_link(void)
{
}

int sim_libc_futex_wait(sim_world_t *w, uint32_t *uaddr, uint32_t val,
                        const struct timespec *ts, bool absolute, uint32_t bitset)
{
    sim_libc_obj_t *o = sim_libc_obj(w, uaddr, SIM_LIBC_OBJ_FUTEX);
    SIM_SCHED_POINT_HERE();
    if (bitset == 0)
        return -EINVAL;
    if (__atomic_load_n(uaddr, __ATOMIC_SEQ_CST) != val)
        return -EAGAIN;
    int64_t deadline =
        absolute ? sim_libc_deadline_abs(w, ts) : sim_libc_deadline_rel(w, ts);
    sim_monitor_event(w, "futex-wait", o->id, val);
    int r = sim_block(w, SIM_WAIT_FUTEX, uaddr, bitset, deadline);
    return r == -ETIMEDOUT ? -ETIMEDOUT : 0;
}

static sim_thread_t *oldest_waiter(sim_world_t *w, const uint32_t *uaddr, uint32_t bitset)
{
    sim_thread_t *oldest = NULL;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state == SIM_T_BLOCKED && t->wait == SIM_WAIT_FUTEX &&
            t->wait_obj == uaddr && (t->wait_arg & bitset) &&
            (!oldest || t->wait_seq < oldest->wait_seq))
            oldest = t;
    }
    return oldest;
}

int sim_libc_futex_wake(sim_world_t *w, uint32_t *uaddr, int n, uint32_t bitset)
{
    if (bitset == 0)
        return -EINVAL;
    /* The caller's buffered stores to the word commit first, waiter or
     * not: Linux's futex_wake orders the waker's earlier store to the word
     * before its look for waiters (a full barrier), so a waiter that checks
     * the word after this wake sees that store.  Without this, an unlock
     * whose write was still buffered (arm: an RMW's write) woke nobody, and
     * the next waiter compared the word with the stale locked value and
     * slept for good.  Only the word's stores (and, per the model, those
     * that must commit before them), not the whole buffer: glib's one-time
     * initialisations wake futexes at moments that depend on what the
     * process did before the run (a replay process differs), and a whole
     * drain there changed the run.  No scheduling point: sc is unchanged. */
    sim_mem_plain(uaddr, sizeof *uaddr);
    /* A wake that finds no waiter does nothing, in the kernel and here: no
     * scheduling point, no event.  glib signals condition variables on its
     * one-time initialisations, whose timing depends on what the process
     * did before the run; reporting them would make the log depend on it. */
    if (!oldest_waiter(w, uaddr, bitset))
        return 0;
    sim_libc_obj_t *o = sim_libc_obj(w, uaddr, SIM_LIBC_OBJ_FUTEX);
    SIM_SCHED_POINT_HERE();
    int woken = 0;
    sim_thread_t *t;
    while (woken < n && (t = oldest_waiter(w, uaddr, bitset))) {
        sim_wake(w, t, 0);
        woken++;
    }
    sim_monitor_event(w, "futex-wake", o->id, woken);
    return woken;
}

long sim_libc_futex(sim_world_t *w, va_list ap)
{
    uint32_t *uaddr = va_arg(ap, uint32_t *);
    int op = va_arg(ap, int);
    int cmd = op & FUTEX_CMD_MASK;
    uint32_t val = va_arg(ap, uint32_t);
    switch (cmd) {
    case FUTEX_WAIT: {
        const struct timespec *ts = va_arg(ap, const struct timespec *);
        return sim_libc_futex_wait(w, uaddr, val, ts, false, FUTEX_BITSET_MATCH_ANY);
    }
    case FUTEX_WAIT_BITSET: {
        const struct timespec *ts = va_arg(ap, const struct timespec *);
        (void)va_arg(ap, uint32_t *);
        uint32_t bitset = va_arg(ap, uint32_t);
        return sim_libc_futex_wait(w, uaddr, val, ts, true, bitset);
    }
    case FUTEX_WAKE:
        return sim_libc_futex_wake(w, uaddr, val > INT_MAX ? INT_MAX : (int)val,
                                   FUTEX_BITSET_MATCH_ANY);
    case FUTEX_WAKE_BITSET: {
        (void)va_arg(ap, void *);
        (void)va_arg(ap, uint32_t *);
        uint32_t bitset = va_arg(ap, uint32_t);
        return sim_libc_futex_wake(w, uaddr, val > INT_MAX ? INT_MAX : (int)val, bitset);
    }
    default:
        /* Requeue, PI and wake-op futexes are not simulated: fail loudly
         * rather than reach the real kernel with a simulated word. */
        return -ENOSYS;
    }
}

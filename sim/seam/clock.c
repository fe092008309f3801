/*
 * clock.c - time on simulated threads is virtual: clock_gettime on every
 * clock, nanosleep, clock_nanosleep, usleep, sleep and sched_yield.
 *
 * glib reads CLOCK_MONOTONIC (g_get_monotonic_time(), which GMainContext
 * uses for timeout sources) through clock_gettime via the PLT, so the
 * definition here is the one it calls.  That definition covers the whole
 * process: it answers with virtual time only on a simulated thread (never on
 * the host, so libFuzzer, the sanitizers and the CLI's own timing keep real
 * time; nor in a signal handler, signal.c, so libFuzzer's -timeout alarm
 * measures real time wherever it lands) and forwards everything else to the
 * C library.  time() and gettimeofday() are not replaced: glibc answers
 * them from the vDSO without calling clock_gettime, so they are real time
 * everywhere, and no simulated program here calls them.  Every clock reads
 * the same virtual time (clock_base_ns + time since the start): a run must
 * not depend on the real date.  loop/ does not need this: it reads time
 * through os_clock_ns().
 */
#include "libc-int.h"

#include <sched.h>
#include <time.h>
#include <unistd.h>

void sim_libc_clock_link(void)
{
}

int64_t sim_libc_clock_ns(sim_world_t *w)
{
    return w->opt.clock_base_ns + w->now;
}

int64_t sim_libc_deadline_rel(sim_world_t *w, const struct timespec *ts)
{
    if (!ts)
        return -1;
    if (ts->tv_sec < 0)
        return w->now;
    if (ts->tv_sec > INT64_MAX / 4000000000)
        return -1; /* centuries: as good as forever */
    return w->now + (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

int64_t sim_libc_deadline_abs(sim_world_t *w, const struct timespec *ts)
{
    if (!ts)
        return -1;
    if (ts->tv_sec > INT64_MAX / 4000000000)
        return -1;
    int64_t at = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec - w->opt.clock_base_ns;
    return at < w->now ? w->now : at;
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(clock_gettime)(clk, ts);
    int64_t ns = sim_libc_clock_ns(w);
    ts->tv_sec = ns / 1000000000;
    ts->tv_nsec = ns % 1000000000;
    return 0;
}

static int sleep_until(sim_world_t *w, int64_t deadline)
{
    SIM_SCHED_POINT_HERE();
    while (w->now < deadline)
        sim_sleep_ns(deadline - w->now);
    return 0;
}

int nanosleep(const struct timespec *req, struct timespec *rem)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(nanosleep)(req, rem);
    if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000 || req->tv_sec < 0)
        return (int)sim_libc_ret(-EINVAL);
    int64_t deadline = sim_libc_deadline_rel(w, req);
    if (deadline < 0)
        return (int)sim_libc_ret(-EINVAL);
    sleep_until(w, deadline);
    if (rem)
        *rem = (struct timespec){ 0, 0 };
    return 0;
}

int clock_nanosleep(clockid_t clk, int flags, const struct timespec *req,
                    struct timespec *rem)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(clock_nanosleep)(clk, flags, req, rem);
    if (!req || req->tv_nsec < 0 || req->tv_nsec >= 1000000000)
        return EINVAL; /* returns the error, no errno */
    int64_t deadline = (flags & TIMER_ABSTIME) ? sim_libc_deadline_abs(w, req)
                                               : sim_libc_deadline_rel(w, req);
    if (deadline < 0)
        return EINVAL;
    sleep_until(w, deadline);
    if (rem && !(flags & TIMER_ABSTIME))
        *rem = (struct timespec){ 0, 0 };
    return 0;
}

int usleep(useconds_t usec)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(usleep)(usec);
    sleep_until(w, w->now + (int64_t)usec * 1000);
    return 0;
}

unsigned int sleep(unsigned int seconds)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(sleep)(seconds);
    sleep_until(w, w->now + (int64_t)seconds * 1000000000);
    return 0;
}

int sched_yield(void)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(sched_yield)();
    sim_yield_to_others();
    return 0;
}

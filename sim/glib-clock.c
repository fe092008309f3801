/*
 * glib-clock.c - glib's clock is the virtual clock while a simulated thread
 * runs, and the real one otherwise.
 *
 * glib reads CLOCK_MONOTONIC (g_get_monotonic_time(), which GMainContext
 * uses for timeout sources) through clock_gettime via the PLT, so a
 * definition in the executable is the one it calls.  That definition covers
 * the whole process: it answers with virtual time only on a simulated
 * thread (never on the host, so libFuzzer, the sanitizers and the CLI's own
 * timing keep real time) and forwards everything else to the C library.
 * loop/ does not need this: it reads time through os_clock_ns().  It is
 * linked in by sim_world_new() (sim_glib_clock_link) so that every program
 * using the simulator gets it.
 */
#include "sim-int.h"

#include <dlfcn.h>
#include <time.h>

typedef int clock_gettime_fn_t(clockid_t, struct timespec *);

void sim_glib_clock_link(void)
{
}

int clock_gettime(clockid_t clk, struct timespec *ts)
{
    /* Resolved once; the C library's function, constant for the process. */
    static clock_gettime_fn_t *real_clock_gettime;
    sim_world_t *w = sim__current_world;

    if (w && w->current && clk == CLOCK_MONOTONIC) {
        int64_t ns = w->opt.clock_base_ns + w->now;
        ts->tv_sec = ns / 1000000000;
        ts->tv_nsec = ns % 1000000000;
        return 0;
    }
    if (!real_clock_gettime) {
        real_clock_gettime = (clock_gettime_fn_t *)dlsym(RTLD_NEXT, "clock_gettime");
    }
    return real_clock_gettime(clk, ts);
}

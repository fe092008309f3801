/*
 * harness.c - the reproducers' runner: N iterations, each judged by the
 * reproducer (its own watchdog decides "bug"), a summary line with the
 * figures docs/qemu.md quotes, and the command line.
 */
#include "qemu/osdep.h"
#include <sys/wait.h>

#include "qemu-real.h"

int64_t real_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void real_sleep_us(int64_t us)
{
    struct timespec ts = { us / 1000000, (long)(us % 1000000) * 1000 };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

bool real_wait_flag(const volatile bool *flag, int64_t timeout_ms)
{
    int64_t end = real_now_ns() + timeout_ms * 1000000;
    while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE)) {
        if (real_now_ns() > end) {
            return false;
        }
        real_sleep_us(50);
    }
    return true;
}

/* Waits for the child, killing it after watchdog_ms: its wait status, or
 * -1 when the watchdog killed it. */
int real_reap_child(pid_t pid, int watchdog_ms)
{
    int64_t end = real_now_ns() + (int64_t)watchdog_ms * 1000000;
    int status;
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (real_now_ns() > end) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        real_sleep_us(1000);
    }
    return status;
}

int real_run(const char *name, const real_opts_t *o, real_iter_fn *fn, void *state)
{
    int bugs = 0, skips = 0;
    int64_t start = real_now_ns();
    for (int i = 0; i < o->iterations; i++) {
        real_outcome_t r = fn(o, i, state);
        bugs += r == REAL_BUG;
        skips += r == REAL_SKIP;
    }
    double wall = (real_now_ns() - start) / 1e9;
    printf("%s: nudge=%s iterations=%d occurred=%d not-applicable=%d watchdog=%dms "
           "wall=%.1fs\n",
           name, o->nudge, o->iterations, bugs, skips, o->watchdog_ms, wall);
    return 0;
}

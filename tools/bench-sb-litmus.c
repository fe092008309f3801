/*
 * bench-sb-litmus.c - the notify_me / notified handshake as a store-buffering
 * litmus test on real threads and this machine's CPU: shows that the lost
 * wakeup wakesim's tso model finds is real hardware behaviour.
 *
 * Each trial, with both variables reset to 0:
 *   notifier (aio_notify):   notified = 1; [full fence]; r0 = notify_me
 *   poller   (aio_poll):     notify_me += 2 (locked);    r1 = notified
 * r0 == 0 && r1 == 0 is a lost wakeup: the notifier saw nobody waiting and
 * the poller saw no notification.  Sequential consistency forbids it; x86
 * allows it without the fence (the store of "notified" waits in the store
 * buffer while the load of notify_me goes ahead).  Both sides use loop/'s
 * real atomics (loop/os/aio-atomic.h), as aio_notify() and aio_poll() do.
 *
 * The two threads meet at a barrier before each trial and then wait a small
 * pseudo-random number of pause loops each, so that their accesses fall at
 * many relative offsets.  Counts depend on the CPU and its load: they show
 * whether the outcome happens, not how often it would in QEMU.
 *
 * Usage: bench-sb-litmus [--trials N]   (default 2,000,000 per variant)
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "aio-atomic.h"

typedef struct {
    /* Each on its own cache line, as in the AioContext (notify_me and
     * notified are adjacent there; separate lines make the race no easier). */
    _Alignas(64) unsigned notify_me;
    _Alignas(64) bool notified;
    _Alignas(64) unsigned arrived; /* barrier: 2 per trial */
    _Alignas(64) unsigned poller_r1;
    _Alignas(64) unsigned long trials;
    bool fenced;
} litmus_t;

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Both threads wait until 2*(trial+1) arrivals: nobody starts a trial early. */
static void barrier(litmus_t *l, unsigned long trial)
{
    unsigned want = (unsigned)(2 * (trial + 1));
    aio_atomic_fetch_add(&l->arrived, 1u);
    while (aio_atomic_load_acquire(&l->arrived) < want) {
        cpu_relax();
    }
}

static void jitter(uint32_t *rng)
{
    *rng = *rng * 1664525u + 1013904223u;
    for (unsigned i = (*rng >> 24) & 15; i > 0; i--) {
        cpu_relax();
    }
}

static void *poller(void *arg)
{
    litmus_t *l = arg;
    uint32_t rng = 12345;
    for (unsigned long t = 0; t < l->trials; t++) {
        barrier(l, 2 * t);
        jitter(&rng);
        aio_atomic_fetch_add(&l->notify_me, 2u);
        aio_smp_mb(); /* aio_poll's fence (a no-op on x86 after a locked add) */
        aio_atomic_set(&l->poller_r1, (unsigned)aio_atomic_read(&l->notified));
        barrier(l, 2 * t + 1); /* results visible, variables reset next */
    }
    return NULL;
}

static void pin(pthread_t th, int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(th, sizeof(set), &set); /* best effort */
}

/* Runs the variant; returns the number of lost wakeups. */
static unsigned long run(unsigned long trials, bool fenced, double *secs)
{
    litmus_t *l = aligned_alloc(64, sizeof(*l));
    memset(l, 0, sizeof(*l));
    l->trials = trials;
    l->fenced = fenced;
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    pthread_t th;
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pthread_create(&th, NULL, poller, l) != 0) {
        perror("bench-sb-litmus: pthread_create");
        exit(1);
    }
    if (ncpu >= 2) {
        pin(pthread_self(), 0);
        pin(th, 1);
    }
    uint32_t rng = 777;
    unsigned long lost = 0;
    for (unsigned long t = 0; t < trials; t++) {
        barrier(l, 2 * t);
        jitter(&rng);
        aio_atomic_set(&l->notified, true); /* aio_notify() */
        if (fenced) {
            aio_smp_mb();
        }
        unsigned r0 = aio_atomic_read(&l->notify_me);
        barrier(l, 2 * t + 1);
        if (r0 == 0 && aio_atomic_read(&l->poller_r1) == 0) {
            lost++;
        }
        aio_atomic_set(&l->notified, false);
        aio_atomic_set(&l->notify_me, 0u);
        aio_atomic_set(&l->poller_r1, 0u);
    }
    pthread_join(th, NULL);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    *secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    free(l);
    return lost;
}

int main(int argc, char **argv)
{
    unsigned long trials = 2000000;
    for (int i = 1; i < argc; i++) {
        char *end;
        if (strcmp(argv[i], "--trials") == 0 && i + 1 < argc) {
            trials = strtoul(argv[++i], &end, 10);
            if (*end || trials == 0) {
                fprintf(stderr, "bench-sb-litmus: --trials needs a positive number\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: bench-sb-litmus [--trials N]\n");
            return 2;
        }
    }
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    printf(
        "store-buffering litmus (aio_notify vs aio_poll) on %ld online CPU(s), %lu trials "
        "per variant%s\n",
        ncpu, trials, ncpu < 2 ? " (one CPU: the threads never overlap, expect 0)" : "");
    for (int fenced = 0; fenced <= 1; fenced++) {
        double secs;
        unsigned long lost = run(trials, fenced, &secs);
        printf("%-26s lost wakeups: %8lu of %lu (%.1f per million)  %.2f s\n",
               fenced ? "with the full fence:" : "without the full fence:", lost, trials,
               1e6 * (double)lost / (double)trials, secs);
    }
    return 0;
}

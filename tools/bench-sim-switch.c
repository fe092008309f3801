/*
 * bench-sim-switch.c - simulator throughput: simulated runs per second of a
 * small scenario (one consumer in ppoll, three producers taking a mutex,
 * bumping an atomic and signalling an eventfd: ~320 scheduling points).
 *
 * Usage: bench-sim-switch [RUNS] [LOG 0|1]
 * Under ASan, ASAN_OPTIONS=max_malloc_fill_size=0:quarantine_size_mb=8
 * roughly doubles the rate (malloc fill and quarantine page faults dominate).
 */
#include "sim.h"
#include "aio-os.h"
#include "aio-atomic.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

enum { PRODUCERS = 3, ITERS = 20 };

typedef struct {
    int efd;
    unsigned total;
    os_mutex_t lock;
} shared_t;

static void *producer(void *arg)
{
    shared_t *s = arg;
    for (int i = 0; i < ITERS; i++) {
        os_mutex_lock(&s->lock);
        os_mutex_unlock(&s->lock);
        aio_atomic_fetch_add(&s->total, 1);
        os_eventfd_signal(s->efd);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    shared_t *s = arg;
    struct pollfd p = { .fd = s->efd, .events = POLLIN };
    while (aio_atomic_read(&s->total) < PRODUCERS * ITERS) {
        os_ppoll(&p, 1, -1);
        os_eventfd_drain(s->efd);
    }
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    shared_t s = { 0 };
    sim_world_t *w = sim_world_current();
    os_mutex_init(&s.lock);
    s.efd = os_eventfd_new();
    sim_thread_t *c = sim_thread_create(w, "consumer", consumer, &s);
    sim_thread_t *t[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++)
        t[i] = sim_thread_create(w, "producer", producer, &s);
    for (int i = 0; i < PRODUCERS; i++)
        sim_thread_join(t[i]);
    sim_thread_join(c);
    os_fd_close(s.efd);
    return NULL;
}

int main(int argc, char **argv)
{
    int runs = argc > 1 ? atoi(argv[1]) : 20000;
    int log = argc > 2 ? atoi(argv[2]) : 1;
    uint64_t steps = 0, decisions = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int i = 0; i < runs; i++) {
        sim_options_t o;
        sim_options_init(&o);
        o.decide.seed = (uint64_t)i;
        o.log_enabled = log != 0;
        sim_world_t *w = sim_world_new(&o);
        if (sim_world_run(w, scenario, NULL) != SIM_RESULT_OK) {
            fprintf(stderr, "run %d: %s\n", i, sim_world_message(w));
            return 1;
        }
        steps += sim_world_steps(w);
        decisions += sim_world_decisions(w, NULL, NULL);
        sim_world_free(w);
    }
    clock_gettime(CLOCK_MONOTONIC, &b);
    double dt = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
    printf("%d runs in %.3f s: %.0f runs/s; %.0f steps and %.0f decisions per run, "
           "%.0f ns per step (log %s)\n",
           runs, dt, runs / dt, (double)steps / runs, (double)decisions / runs,
           dt * 1e9 / (double)steps, log ? "on" : "off");
    return 0;
}

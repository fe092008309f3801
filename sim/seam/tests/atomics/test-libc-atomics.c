/* test-libc-atomics.c - atomics of foreign code compiled with
 * ThreadSanitizer's hooks are scheduling points: a load/store increment
 * loses updates under some schedules (it could not if the hooks were not
 * scheduling points: fibers only switch there), a CAS loop and a C11
 * fetch_add never do, every run replays byte for byte, and the same code
 * works on the host outside a run. */
#include "sim-test.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

void foreign_racy_increment(uint32_t *p);
void foreign_cas_increment(uint64_t *p);
void foreign_c11_increment(_Atomic uint16_t *p);
void foreign_fence(void);
int foreign_raw_close(int fd);

enum { THREADS = 3, ROUNDS = 5 };

static uint32_t racy;
static uint64_t cas;
static _Atomic uint16_t c11;

static void *worker(void *arg)
{
    for (int i = 0; i < ROUNDS; i++) {
        foreign_racy_increment(&racy);
        foreign_cas_increment(&cas);
        foreign_c11_increment(&c11);
        foreign_fence();
    }
    return NULL;
}

static void *scenario(void *arg)
{
    sim_world_t *w = sim_world_current();
    sim_thread_t *t[THREADS];
    for (int i = 0; i < THREADS; i++)
        t[i] = sim_thread_create(w, "worker", worker, NULL);
    for (int i = 0; i < THREADS; i++)
        sim_thread_join(t[i]);
    return NULL;
}

/* libuv's close in a TSan build: the hooks link (wakesim_tsan has them) and
 * the raw close reaches the simulated fd. */
static void *raw_close(void *arg)
{
    int fd = eventfd(0, 0);
    ASSERT_GE(fd, SIM_FD_BASE);
    ASSERT_EQ(foreign_raw_close(fd), 0);
    uint64_t v = 1;
    ASSERT_EQ(write(fd, &v, sizeof(v)), -1);
    ASSERT_EQ(errno, EBADF);
    return NULL;
}

#ifdef __clang__
static void *fences(void *arg)
{
    for (int i = 0; i < 100; i++)
        foreign_fence();
    return NULL;
}
#endif

int main(void)
{
    /* Host: plain atomics, no run. */
    foreign_racy_increment(&racy);
    foreign_cas_increment(&cas);
    foreign_fence();
    ASSERT_EQ(racy, 1);
    ASSERT_EQ(cas, 1);

    int lost = 0;
    const int runs = 50;
    for (int seed = 1; seed <= runs; seed++) {
        uint64_t hash[2], steps = 0;
        for (int rep = 0; rep < 2; rep++) {
            racy = 0;
            cas = 0;
            c11 = 0;
            sim_options_t o;
            sim_options_init(&o);
            o.decide.seed = (uint64_t)seed;
            sim_world_t *w = sim_world_new(&o);
            sim_result_t r = sim_world_run(w, scenario, NULL);
            if (r != SIM_RESULT_OK)
                TEST_FAIL_("seed %d: %s", seed, sim_result_name(r));
            hash[rep] = sim_world_log_hash(w);
            steps = sim_world_steps(w);
            sim_world_free(w);
        }
        if (hash[0] != hash[1])
            TEST_FAIL_("seed %d: two runs differ", seed);
        /* At least one scheduling point per hooked access: racy load +
         * store, CAS load + cmpxchg, fetch_add, fence = 6 per round. */
        if (steps < (uint64_t)THREADS * ROUNDS * 6)
            TEST_FAIL_("seed %d: %llu steps, atomics are not scheduling points", seed,
                       (unsigned long long)steps);
        ASSERT_EQ(cas, THREADS * ROUNDS);
        ASSERT_EQ(c11, THREADS * ROUNDS);
        ASSERT_LE(racy, THREADS * ROUNDS);
        if (racy < THREADS * ROUNDS)
            lost++;
    }
#ifdef __clang__
    /* clang hooks fences too (gcc does not, see docs/libc-seam.md): 100
     * fences on a lone thread are 100 scheduling points. */
    {
        sim_options_t o;
        sim_options_init(&o);
        sim_world_t *w = sim_world_new(&o);
        sim_world_run(w, fences, NULL);
        uint64_t steps = sim_world_steps(w);
        sim_world_free(w);
        if (steps < 100 || steps > 110)
            TEST_FAIL_("100 fences took %llu scheduling points", (unsigned long long)steps);
    }
#endif
    {
        sim_options_t o;
        sim_options_init(&o);
        sim_world_t *w = sim_world_new(&o);
        ASSERT_EQ(sim_world_run(w, raw_close, NULL), SIM_RESULT_OK);
        sim_world_free(w);
    }
    printf("instrumented atomics: %d seeds; the load/store increment lost updates in %d, "
           "CAS and fetch_add never\n",
           runs, lost);
    ASSERT_GT(lost, 0);
    return 0;
}

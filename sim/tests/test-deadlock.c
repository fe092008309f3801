/* test-deadlock.c - everyone blocked with nothing pending is reported as a
 * deadlock naming each thread and its wait; the run ends cleanly. */
#include "sim-test.h"
#include "aio-os.h"

static int efd_a, efd_b;

static void *waiter_a(void *arg)
{
    (void)arg;
    struct pollfd p = { .fd = efd_b, .events = POLLIN };
    os_ppoll(&p, 1, -1); /* waits for b, which waits for a */
    os_eventfd_signal(efd_a);
    return NULL;
}

static void *waiter_b(void *arg)
{
    (void)arg;
    struct pollfd p = { .fd = efd_a, .events = POLLIN };
    os_ppoll(&p, 1, -1);
    os_eventfd_signal(efd_b);
    return NULL;
}

static void *eventfd_scenario(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    efd_a = os_eventfd_new();
    efd_b = os_eventfd_new();
    char *leak_check = malloc(64); /* freed by the deferred cleanup */
    sim_defer(w, free, leak_check);
    sim_thread_t *a = sim_thread_create(w, "waiter-a", waiter_a, NULL);
    sim_thread_t *b = sim_thread_create(w, "waiter-b", waiter_b, NULL);
    sim_thread_join(a);
    sim_thread_join(b);
    ASSERT(!"unreachable: the run deadlocks");
    return NULL;
}

static os_mutex_t m1, m2;

static void *abba(void *arg)
{
    bool flip = arg != NULL;
    os_mutex_lock(flip ? &m2 : &m1);
    sim_yield();
    os_mutex_lock(flip ? &m1 : &m2);
    os_mutex_unlock(flip ? &m1 : &m2);
    os_mutex_unlock(flip ? &m2 : &m1);
    return NULL;
}

static void *mutex_scenario(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    os_mutex_init(&m1);
    os_mutex_init(&m2);
    sim_thread_t *a = sim_thread_create(w, "ab", abba, NULL);
    sim_thread_t *b = sim_thread_create(w, "ba", abba, (void *)1);
    sim_thread_join(a);
    sim_thread_join(b);
    return NULL;
}

int main(void)
{
    for (int i = 0; i < 200; i++) {
        sim_options_t o = test_options((uint64_t)i);
        sim_world_t *w = test_run(&o, eventfd_scenario, NULL);
        ASSERT_RESULT(w, SIM_RESULT_DEADLOCK);
        const char *msg = sim_world_message(w);
        ASSERT_CONTAINS(msg, "waiter-a: ppoll(nfds=1, first simulated fd=1048577, 0 real)");
        ASSERT_CONTAINS(msg, "waiter-b: ppoll(nfds=1, first simulated fd=1048576, 0 real)");
        ASSERT_CONTAINS(msg, "main: join(waiter-a)");
        ASSERT_CONTAINS(sim_world_log(w, NULL), " deadlock ");
        sim_world_free(w);
    }
    /* ABBA: some seeds deadlock, some do not; both end cleanly */
    int deadlocks = 0, oks = 0;
    for (uint64_t seed = 0; seed < 64; seed++) {
        sim_options_t o = test_options(seed);
        sim_world_t *w = test_run(&o, mutex_scenario, NULL);
        sim_result_t r = sim_world_result(w);
        ASSERT(r == SIM_RESULT_OK || r == SIM_RESULT_DEADLOCK);
        if (r == SIM_RESULT_DEADLOCK) {
            ASSERT_CONTAINS(sim_world_message(w), "ab: mutex #");
            deadlocks++;
        } else {
            oks++;
        }
        sim_world_free(w);
    }
    ASSERT_GT(deadlocks, 0);
    ASSERT_GT(oks, 0);
    printf("ok (ABBA: %d deadlocks, %d clean of 64)\n", deadlocks, oks);
    return 0;
}

/* test-unwind.c - ends of runs: daemons blocked at the end are unwound,
 * sim_finish / violations / step and time limits stop cleanly, deferred
 * cleanups run, nothing survives into the next run.  Many runs in a row so
 * that a leaked fiber (ASan fake stack) or stack would show. */
#include "sim-test.h"
#include "aio-os.h"
#include "aio-atomic.h"

static void *blocked_forever(void *arg)
{
    int efd = (int)(intptr_t)arg;
    struct pollfd p = { .fd = efd, .events = POLLIN };
    char *mine = malloc(32); /* freed by sim_defer at the end */
    sim_defer(sim_world_current(), free, mine);
    os_ppoll(&p, 1, -1);
    ASSERT(!"unreachable: nobody signals");
    return NULL;
}

static void *short_lived(void *arg)
{
    (void)arg;
    sim_sleep_ns(1000);
    return (void *)42;
}

static void *daemon_scenario(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    int efd = os_eventfd_new();
    sim_thread_t *d =
        sim_thread_create(w, "daemon", blocked_forever, (void *)(intptr_t)efd);
    sim_thread_set_daemon(d, true);
    sim_thread_t *s = sim_thread_create(w, "short", short_lived, NULL);
    ASSERT_EQ((intptr_t)sim_thread_join(s), 42);
    return NULL; /* daemon still blocked: unwound */
}

static void *finish_scenario(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    int efd = os_eventfd_new();
    sim_thread_create(w, "blocked", blocked_forever, (void *)(intptr_t)efd);
    sim_thread_create(w, "never-ran", short_lived, NULL);
    sim_finish(w);
    sim_yield();
    ASSERT(!"unreachable: the run finished");
    return NULL;
}

static void *violation_scenario(void *arg)
{
    (void)arg;
    sim_violation(sim_world_current(), "bad thing %d", 7);
    sim_yield();
    ASSERT(!"unreachable");
    return NULL;
}

static void *spin_scenario(void *arg)
{
    (void)arg;
    unsigned x = 0;
    for (;;)
        aio_atomic_fetch_add(&x, 1);
    return NULL;
}

static void *sleep_scenario(void *arg)
{
    (void)arg;
    for (;;)
        sim_sleep_ns(1000000);
    return NULL;
}

static void *exit_scenario(void *arg)
{
    (void)arg;
    sim_thread_exit((void *)1);
}

static sim_world_t *run(sim_thread_fn_t *fn, uint64_t seed)
{
    sim_options_t o = test_options(seed);
    o.max_steps = 10000;
    o.max_time_ns = 1000000000;
    return test_run(&o, fn, NULL);
}

int main(void)
{
    for (int i = 0; i < 3000; i++) {
        sim_world_t *w = run(daemon_scenario, (uint64_t)i);
        ASSERT_RESULT(w, SIM_RESULT_OK);
        sim_world_free(w);
    }
    for (int i = 0; i < 500; i++) {
        sim_world_t *w = run(finish_scenario, (uint64_t)i);
        ASSERT_RESULT(w, SIM_RESULT_OK);
        sim_world_free(w);
    }
    sim_world_t *w = run(violation_scenario, 1);
    ASSERT_RESULT(w, SIM_RESULT_VIOLATION);
    ASSERT_STR_EQ(sim_world_message(w), "bad thing 7");
    ASSERT_CONTAINS(sim_world_log(w, NULL), "main violation bad thing 7");
    /* one run per world */
    ASSERT_EQ(sim_world_run(w, violation_scenario, NULL), SIM_RESULT_ERROR);
    sim_world_free(w);

    w = run(spin_scenario, 1);
    ASSERT_RESULT(w, SIM_RESULT_STEP_LIMIT);
    ASSERT_EQ(sim_world_steps(w), 10001);
    sim_world_free(w);

    w = run(sleep_scenario, 1);
    ASSERT_RESULT(w, SIM_RESULT_TIME_LIMIT);
    ASSERT_LE(sim_world_now_ns(w), 1000000000);
    sim_world_free(w);

    w = run(exit_scenario, 1);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_CONTAINS(sim_world_log(w, NULL), "thread-exit id=1 name=main");
    sim_world_free(w);
    ASSERT(sim_world_current() == NULL);
    printf("ok\n");
    return 0;
}

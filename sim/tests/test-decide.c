/* test-decide.c - the decision sources: fuzzer bytes (and the default
 * policy once they run out), PCT and its bound, the single-thread fast
 * path that takes no decision. */
#include "sim-test.h"
#include "aio-os.h"
#include "aio-atomic.h"

static unsigned shared;

static void *spinner(void *arg)
{
    (void)arg;
    for (int i = 0; i < 20; i++)
        aio_atomic_fetch_add(&shared, 1);
    return NULL;
}

static void *two_threads(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    shared = 0;
    sim_thread_t *a = sim_thread_create(w, "a", spinner, NULL);
    sim_thread_t *b = sim_thread_create(w, "b", spinner, NULL);
    sim_thread_join(a);
    sim_thread_join(b);
    ASSERT_EQ(shared, 40);
    return NULL;
}

static void *one_thread(void *arg)
{
    (void)arg;
    shared = 0;
    for (int i = 0; i < 100; i++)
        aio_atomic_fetch_add(&shared, 1);
    sim_sleep_ns(10);
    return NULL;
}

static char *bytes_log(const uint8_t *bytes, size_t len, size_t *n_dec)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_BYTES;
    o.decide.bytes = bytes;
    o.decide.bytes_len = len;
    sim_world_t *w = test_run(&o, two_threads, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    char *log = strdup(sim_world_log(w, NULL));
    const uint32_t *v, *b;
    *n_dec = sim_world_decisions(w, &v, &b);
    /* the recorded decisions replay to the same log */
    sim_options_t r;
    sim_options_init(&r);
    r.decide.kind = SIM_DECIDE_REPLAY;
    r.decide.replay = v;
    r.decide.replay_bounds = b;
    r.decide.replay_len = *n_dec;
    sim_world_t *w2 = test_run(&r, two_threads, NULL);
    ASSERT_RESULT(w2, SIM_RESULT_OK);
    ASSERT_STR_EQ(sim_world_log(w2, NULL), log);
    sim_world_free(w2);
    sim_world_free(w);
    return log;
}

static char *pct_log(uint64_t seed)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_PCT;
    o.decide.seed = seed;
    o.decide.pct_depth = 3;
    o.decide.pct_steps = 100;
    o.decide.pct_threads = 3;
    sim_world_t *w = test_run(&o, two_threads, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    char *log = strdup(sim_world_log(w, NULL));
    sim_world_free(w);
    return log;
}

int main(void)
{
    /* bytes: deterministic; different bytes, different logs; empty input
     * runs the default policy to completion */
    static const uint8_t in1[] = { 1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 1 };
    static const uint8_t in2[] = { 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 1, 0, 0 };
    size_t n1, n1b, n2, n0;
    char *a = bytes_log(in1, sizeof(in1), &n1);
    char *a2 = bytes_log(in1, sizeof(in1), &n1b);
    char *b = bytes_log(in2, sizeof(in2), &n2);
    char *e = bytes_log(NULL, 0, &n0);
    ASSERT_STR_EQ(a, a2);
    ASSERT(strcmp(a, b) != 0);
    ASSERT_GT(n1, sizeof(in1)); /* defaults continue after the bytes */
    free(a);
    free(a2);
    free(b);
    free(e);

    /* PCT: deterministic per seed, explores something across seeds */
    char *p1 = pct_log(9), *p1b = pct_log(9);
    ASSERT_STR_EQ(p1, p1b);
    int differ = 0;
    for (uint64_t s = 10; s < 16; s++) {
        char *p = pct_log(s);
        differ += strcmp(p, p1) != 0;
        free(p);
    }
    ASSERT_GT(differ, 0);
    free(p1);
    free(p1b);

    uint64_t num, den;
    sim_pct_bound(100, 3, 3, &num, &den);
    ASSERT_EQ(num, 1);
    ASSERT_EQ(den, 900);
    sim_pct_bound(1000, 2, 1, &num, &den);
    ASSERT_EQ(den, 1000);
    sim_pct_bound(1u << 30, 1000, 9, &num, &den);
    ASSERT(den == UINT64_MAX);
    sim_pct_bound_print(stdout, 100, 3, 3);

    /* fast path: one runnable thread takes no decision at all */
    sim_options_t o = test_options(1);
    sim_world_t *w = test_run(&o, one_thread, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_EQ(sim_world_decisions(w, NULL, NULL), 0);
    ASSERT_GE(sim_world_steps(w), 100);
    sim_world_free(w);
    printf("ok\n");
    return 0;
}

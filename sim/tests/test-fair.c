/* test-fair.c - the fairness bound (sim/core/fair.c): a thread that busy-polls
 * does not keep a runnable thread from running past fair_ns, whatever the
 * decision source; the forced picks are no decisions, so a recording
 * replays to the same log. */
#include "sim-test.h"

enum { POLL_LIMIT_NS = 1000000, FAIR_NS = 10000 };

static int64_t giver_ready_at, giver_ran_at;

/* Polls for the giver's flag, giving up after POLL_LIMIT_NS of virtual
 * time (the clock advances with every scheduling point). */
static void *poller(void *arg)
{
    (void)arg;
    while (!giver_ran_at && sim_now_ns() < POLL_LIMIT_NS)
        sim_yield();
    return NULL;
}

static void *giver(void *arg)
{
    (void)arg;
    giver_ran_at = sim_now_ns();
    return NULL;
}

static void *poll_and_give(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    giver_ran_at = 0;
    sim_thread_t *p = sim_thread_create(w, "poller", poller, NULL);
    giver_ready_at = sim_now_ns();
    sim_thread_t *g = sim_thread_create(w, "giver", giver, NULL);
    sim_thread_join(p);
    sim_thread_join(g);
    return NULL;
}

/* One run; returns how long the giver waited and sets *log (strdup). */
static int64_t giver_wait(const sim_options_t *o, char **log, size_t *n_decisions)
{
    sim_world_t *w = test_run(o, poll_and_give, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_GT(giver_ran_at, 0);
    if (log)
        *log = strdup(sim_world_log(w, NULL));
    if (n_decisions)
        *n_decisions = sim_world_decisions(w, NULL, NULL);
    sim_world_free(w);
    return giver_ran_at - giver_ready_at;
}

/* Replays a BYTES or SEED run's recorded decisions: the same log. */
static void replay_matches(sim_options_t o)
{
    sim_world_t *w = test_run(&o, poll_and_give, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    const uint32_t *v, *b;
    size_t n = sim_world_decisions(w, &v, &b);
    sim_options_t r = o;
    r.decide.kind = SIM_DECIDE_REPLAY;
    r.decide.replay = v;
    r.decide.replay_bounds = b;
    r.decide.replay_len = n;
    sim_world_t *w2 = test_run(&r, poll_and_give, NULL);
    ASSERT_RESULT(w2, SIM_RESULT_OK);
    ASSERT_STR_EQ(sim_world_log(w2, NULL), sim_world_log(w, NULL));
    sim_world_free(w2);
    sim_world_free(w);
}

int main(void)
{
    /* Empty fuzzer bytes: the default policy stays on the running thread.
     * Without a bound the poller starves the giver to its limit. */
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_BYTES;
    ASSERT_GE(giver_wait(&o, NULL, NULL), POLL_LIMIT_NS - 1000);

    /* With it the giver runs at the first scheduling point after FAIR_NS,
     * and the same input gives the same log. */
    o.fair_ns = FAIR_NS;
    char *log1, *log2;
    size_t n1, n2;
    ASSERT_LE(giver_wait(&o, &log1, &n1), FAIR_NS + o.ns_per_step);
    ASSERT_LE(giver_wait(&o, &log2, &n2), FAIR_NS + o.ns_per_step);
    ASSERT_STR_EQ(log1, log2);
    ASSERT_EQ(n1, n2);
    free(log1);
    free(log2);

    /* PCT and random schedules: never longer than the bound. */
    for (uint64_t seed = 1; seed <= 20; seed++) {
        sim_options_t p = o;
        p.decide.kind = SIM_DECIDE_PCT;
        p.decide.seed = seed;
        p.decide.pct_depth = 1 + seed % 3;
        p.decide.pct_steps = 200;
        ASSERT_LE(giver_wait(&p, NULL, NULL), FAIR_NS + o.ns_per_step);
        p.decide.kind = SIM_DECIDE_SEED;
        ASSERT_LE(giver_wait(&p, NULL, NULL), FAIR_NS + o.ns_per_step);
    }

    /* The forced picks are not recorded: replaying the recorded decisions
     * (which omit them) forces the same picks. */
    static const uint8_t bytes[] = { 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0 };
    o.decide.bytes = bytes;
    o.decide.bytes_len = sizeof(bytes);
    replay_matches(o);
    sim_options_t s = test_options(7);
    s.fair_ns = FAIR_NS;
    replay_matches(s);
    printf("ok\n");
    return 0;
}

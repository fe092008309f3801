/*
 * genload-time.c - time across scales for the generated workload: think
 * times, timer deadlines and device latencies drawn log-uniformly from a
 * microsecond up to the run's span (a swarm choice: 2 ms, 50 ms or 1 s),
 * timers armed far ahead and then moved earlier or later, deleted and
 * re-armed, and clusters of timers due close together, armed out of order.
 *
 * Why: with every delay a few milliseconds at most, a timer that fires at
 * an old or a neighbouring deadline is off by less than the 10 ms hand-off
 * bound and no monitor can see it.  The bounds stay absolute (a timer must
 * fire within the bound of its latest deadline), so a timer moved from a
 * second ahead to a millisecond ahead that fires at the old deadline is
 * late by almost a second.
 */
#include "genload-int.h"

/* 1, 2, 5 per decade, 1 us to 1 s: a draw of an index is log-uniform. */
static const int64_t log_ns[] = {
    1000,     2000,      5000,      10000,     20000,      50000,    100000,
    200000,   500000,    1000000,   2000000,   5000000,    10000000, 20000000,
    50000000, 100000000, 200000000, 500000000, 1000000000,
};
/* The run's span: the index of its longest delay (2 ms, 1 s, 50 ms; the
 * first is what an empty fuzzer input picks). */
static const unsigned spans[] = { 10, 18, 14 };

/* Each device's latency range: the scenario's own, then one decade each. */
static const int64_t band_lo_ns[GEN_DEV_BANDS] = { -1, 200000, 2000000, 20000000,
                                                   200000000 };
static const int64_t band_hi_ns[GEN_DEV_BANDS] = { -1, 2000000, 20000000, 200000000,
                                                   1000000000 };

/* Short thinks, for inside an operation that may hold the BQL: zero four
 * times out of nine, so other threads also act inside the few steps
 * between a loop's prepare and its poll. */
static const int64_t think_ns[] = { 0, 0, 0, 0, 1000, 5000, 20000, 100000, 1000000 };

/* With the pauses feature, one think in four is a pause of half to three
 * times the hand-off bound: without pauses, the next operation of some
 * actor usually wakes a loop within the bound anyway, and a lost wakeup
 * before it goes unseen; a pause gives the monitor time to see it. */
static const int pause_per_mille_of_bound[] = { 500, 1200, 3000 };

void gen_time_draw(gen_t *g)
{
    g->span = spans[sim_choose(G_N_ELEMENTS(spans))];
    g->dev_bands = 1;
    while (g->dev_bands < GEN_DEV_BANDS && band_lo_ns[g->dev_bands] < log_ns[g->span]) {
        g->dev_bands++;
    }
}

/* The longest delay anything of the run waits for: a timer moved later
 * (genload_timer_move) is at most twice the span ahead. */
int64_t gen_time_longest(const gen_t *g)
{
    return 2 * log_ns[g->span];
}

int64_t gen_delay(const gen_t *g)
{
    return log_ns[sim_choose(g->span + 1)];
}

/* A delay in the upper half of the span, or the lower. */
static int64_t delay_far(const gen_t *g)
{
    return log_ns[g->span / 2 + sim_choose(g->span - g->span / 2 + 1)];
}

static int64_t delay_near(const gen_t *g)
{
    return log_ns[sim_choose(g->span / 2 + 1)];
}

void gen_think_short(void)
{
    int64_t ns = think_ns[sim_choose(G_N_ELEMENTS(think_ns))];
    if (ns) {
        sim_sleep_ns(ns);
    } else {
        sim_yield();
    }
}

/* Between operations, holding nothing, so a long think delays nobody
 * else.  Thinks longer than a millisecond draw on the actor's allowance,
 * so a program ends well within the scenario's deadline. */
void gen_think(actor_t *a)
{
    const gen_t *g = a->g;
    if (g->feat[FEAT_PAUSES] && sim_choose(4) == 0) {
        int k =
            pause_per_mille_of_bound[sim_choose(G_N_ELEMENTS(pause_per_mille_of_bound))];
        sim_sleep_ns(g->mon.bound_handoff_ns / 1000 * k);
        return;
    }
    if (sim_choose(9) < 4) {
        sim_yield();
        return;
    }
    int64_t ns = gen_delay(g);
    if (ns > 1000000) {
        if (ns > a->think_ns) {
            ns = 1000000;
        } else {
            a->think_ns -= ns;
        }
    }
    sim_sleep_ns(ns);
}

void gen_devices_create(gen_t *g)
{
    const scn_t *s = g->scn;
    uint64_t size = (uint64_t)GEN_ALL * GEN_READS_PER_ACTOR * GEN_CHUNK;
    for (unsigned b = 0; b < g->dev_bands; b++) {
        g->devfd[b] = sim_blkdev_create(g->w, size, b ? band_lo_ns[b] : s->latency_min_ns,
                                        b ? band_hi_ns[b] : s->latency_max_ns);
    }
}

unsigned gen_read_band(const gen_t *g)
{
    return sim_choose(g->dev_bands);
}

/* ---- timers ---- */

void gen_timer_init(gen_timer_t *t)
{
    t->current = INT64_MAX;
    t->servable_min = INT64_MAX;
    t->pending = INT64_MAX;
}

/* The watch judges "early" against the earliest deadline a firing may
 * serve (wk_timer_watch_fired). */
static void timer_servable(gen_timer_t *t)
{
    t->watch.earliest_ns = MIN(MIN(t->current, t->servable_min), t->pending);
}

/* The current deadline is replaced (or deleted) by a call that returned
 * at clock_ns: if it was due by then, a loop may have taken the timer and
 * a firing may still serve it. */
static void timer_replaced(gen_timer_t *t, int64_t clock_ns)
{
    if (t->current <= clock_ns) {
        t->servable_min = MIN(t->servable_min, t->current);
    }
    t->current = INT64_MAX;
}

/* With no replaced deadline servable, a firing served the current one:
 * firing again before a new deadline is set is a firing too many. */
void gen_timer_fired(gen_timer_t *t, int64_t clock_ns)
{
    if (t->servable_min == INT64_MAX && t->current <= clock_ns) {
        t->current = INT64_MAX;
        timer_servable(t);
    }
}

/* Arms timer which of the actor on ctx delay_ns ahead.  The new deadline
 * is servable from before the call (a firing may serve it before the call
 * returns); whether the old one still is, is settled once it returned. */
void gen_timer_mod(actor_t *a, int ctx, unsigned which, int64_t delay_ns)
{
    const wk_target_ops_t *ops = a->g->ops;
    gen_timer_t *t = &a->timer[ctx][which];
    int64_t deadline = ops->clock_ns() + delay_ns;
    wk_timer_watch_arm(&t->watch, deadline);
    t->pending = deadline;
    timer_servable(t);
    gen_cov(a->g, COV_TIMER_MOD, ctx);
    ops->timer_mod_ns(t->timer, deadline);
    timer_replaced(t, ops->clock_ns());
    t->current = deadline;
    t->pending = INT64_MAX;
    timer_servable(t);
}

void gen_timer_del(actor_t *a, int ctx, unsigned which)
{
    gen_timer_t *t = &a->timer[ctx][which];
    wk_timer_watch_disarm(&t->watch);
    gen_cov(a->g, COV_TIMER_DEL, ctx);
    a->g->ops->timer_del(t->timer);
    timer_replaced(t, a->g->ops->clock_ns());
    timer_servable(t);
}

/* Armed far ahead, then moved earlier, later, deleted, or deleted and
 * re-armed: the loop sleeps toward the far deadline and must take the
 * change into account. */
void gen_timer_move(actor_t *a, int ctx)
{
    const gen_t *g = a->g;
    unsigned which = sim_choose(GEN_TIMERS);
    int64_t far = delay_far(g);
    gen_timer_mod(a, ctx, which, far);
    if (a->kit >= 0) {
        sim_yield(); /* in a callback: sleeping would delay the loop */
    } else {
        gen_think_short(); /* maybe under the BQL: never a long think here */
    }
    switch (sim_choose(4)) {
    case 0:
        gen_timer_mod(a, ctx, which, delay_near(g));
        break;
    case 1:
        gen_timer_mod(a, ctx, which, far + delay_far(g));
        break;
    case 2:
        gen_timer_del(a, ctx, which);
        break;
    default:
        gen_timer_del(a, ctx, which);
        gen_timer_mod(a, ctx, which, delay_near(g));
        break;
    }
}

/* The cluster timers due together or microseconds apart, each armed due
 * before the one armed before it. */
void gen_timer_cluster(actor_t *a, int ctx)
{
    static const int64_t gap_ns[] = { 0, 1000, 10000, 100000 };
    int64_t delay = gen_delay(a->g);
    int64_t gap = gap_ns[sim_choose(G_N_ELEMENTS(gap_ns))];
    for (unsigned i = 1; i < GEN_TIMERS; i++) {
        gen_timer_mod(a, ctx, i, delay + (int64_t)(GEN_TIMERS - 1 - i) * gap);
    }
}

/*
 * test-timer.c - timers on a real clock.
 *
 * Asserts: timers armed out of order fire in deadline order, none before its
 * deadline; a blocking aio_poll() whose only source is a 50 ms timer returns
 * after the deadline (not before) and not much later; arming an earlier
 * timer from another thread while aio_poll() sleeps on a later one wakes it
 * (the timer-mod notify), so the early timer fires on time.
 */
#include "test-util.h"

static aio_context_t *ctx;

typedef struct {
    aio_timer_t *timer;
    int id;
    int64_t deadline_ns;
    int64_t fired_ns;
} rec_t;

static int order[8];
static int order_len;

static void rec_cb(void *opaque)
{
    rec_t *r = opaque;
    r->fired_ns = aio_clock_ns();
    order[order_len++] = r->id;
}

static void test_deadline_order(void)
{
    static const int offsets_ms[] = { 30, 10, 40, 20, 5 };
    enum { N = 5 };
    rec_t recs[N];
    int64_t base = aio_clock_ns();

    order_len = 0;
    for (int i = 0; i < N; i++) {
        recs[i] = (rec_t){ .id = offsets_ms[i] };
        recs[i].timer = aio_timer_new(ctx, rec_cb, &recs[i]);
        recs[i].deadline_ns = base + offsets_ms[i] * MS;
        aio_timer_mod_ns(recs[i].timer, recs[i].deadline_ns);
        ASSERT_TRUE(aio_timer_pending(recs[i].timer));
    }
    int64_t give_up = test_now_ns() + 5000 * MS;
    while (order_len < N && test_now_ns() < give_up) {
        aio_poll(ctx, true);
    }
    ASSERT_EQ(order_len, N);
    static const int expected[] = { 5, 10, 20, 30, 40 };
    for (int i = 0; i < N; i++) {
        ASSERT_EQ(order[i], expected[i]);
    }
    for (int i = 0; i < N; i++) {
        ASSERT_GE(recs[i].fired_ns, recs[i].deadline_ns);
        ASSERT_FALSE(aio_timer_pending(recs[i].timer));
        aio_timer_free(recs[i].timer);
    }
}

static void test_deadline_bounds_timeout(void)
{
    rec_t r = { .id = 50 };
    r.timer = aio_timer_new(ctx, rec_cb, &r);
    order_len = 0;
    while (aio_poll(ctx, false)) {
    }

    r.deadline_ns = aio_clock_ns() + 50 * MS;
    aio_timer_mod_ns(r.timer, r.deadline_ns);
    /* Consume the notify that arming did (nobody slept, so it only set
     * "notified"): the next blocking poll must then sleep on the timer. */
    ASSERT_FALSE(aio_poll(ctx, false));
    int64_t start = aio_clock_ns();
    ASSERT_TRUE(aio_poll(ctx, true));
    int64_t end = aio_clock_ns();
    ASSERT_EQ(order_len, 1);
    ASSERT_GE(end, r.deadline_ns);
    ASSERT_GE(r.fired_ns, r.deadline_ns);
    ASSERT_GE(end - start, 40 * MS);
    /* Generous: a slow, loaded 2-core machine. */
    ASSERT_LT(end - start, 500 * MS);
    aio_timer_free(r.timer);
}

/* ---- arming an earlier timer from another thread ---- */
static rec_t late, early;

static void *arm_early_thread(void *arg)
{
    ASSERT_TRUE(WAIT_UNTIL(test_notify_me(ctx) == 2, 5000));
    test_sleep_ms(20);
    early.deadline_ns = aio_clock_ns() + 20 * MS;
    aio_timer_mod_ns(early.timer, early.deadline_ns);
    return NULL;
}

static void test_timer_mod_wakes(void)
{
    late = (rec_t){ .id = 1 };
    early = (rec_t){ .id = 2 };
    late.timer = aio_timer_new(ctx, rec_cb, &late);
    early.timer = aio_timer_new(ctx, rec_cb, &early);
    order_len = 0;
    while (aio_poll(ctx, false)) {
    }

    late.deadline_ns = aio_clock_ns() + test_fallback_ns();
    aio_timer_mod_ns(late.timer, late.deadline_ns);
    pthread_t t = test_thread_start(arm_early_thread, NULL);
    int64_t start = test_now_ns();
    while (order_len == 0) {
        aio_poll(ctx, true);
    }
    int64_t end = aio_clock_ns();
    test_thread_join(t);

    ASSERT_EQ(order_len, 1);
    ASSERT_EQ(order[0], 2);
    ASSERT_GE(early.fired_ns, early.deadline_ns);
    ASSERT_LT(end - early.deadline_ns, 500 * MS);
    ASSERT_LT(test_now_ns() - start, 2000 * MS);
    ASSERT_TRUE(aio_timer_pending(late.timer));
    ASSERT_EQ(test_notify_me(ctx), 0);
    aio_timer_free(late.timer);
    aio_timer_free(early.timer);
}

/* Deleting a timer before it fires: it never runs. */
static void test_timer_del(void)
{
    rec_t r = { .id = 7 };
    r.timer = aio_timer_new(ctx, rec_cb, &r);
    order_len = 0;
    aio_timer_mod_ns(r.timer, aio_clock_ns() + 10 * MS);
    aio_timer_del(r.timer);
    ASSERT_FALSE(aio_timer_pending(r.timer));
    test_sleep_ms(20);
    aio_poll(ctx, false);
    ASSERT_EQ(order_len, 0);
    aio_timer_free(r.timer);
}

int main(int argc, char **argv)
{
    aio_backend_t backend = test_backend_from_argv(argc, argv);
    ctx = test_context_home(test_context_new(backend));

    test_deadline_order();
    test_deadline_bounds_timeout();
    test_timer_mod_wakes();
    test_timer_del();
    for (int i = 0; i < 5; i++) {
        test_timer_mod_wakes();
        test_deadline_bounds_timeout();
    }

    test_context_free(ctx);
    printf("test-timer %s: ok\n", argv[1]);
    return 0;
}

/*
 * test-bh.c - bottom halves on real threads.
 *
 * Asserts: a BH scheduled from another thread wakes a blocked
 * aio_poll(ctx, true) promptly (a 10 s fallback timer bounds a failure) and
 * runs on the home thread; a one-shot BH runs once and is freed (LSan checks
 * the free); a reusable BH rescheduled from its own callback runs again;
 * cancel keeps a scheduled BH from running; deleting from another thread,
 * while the home thread polls, is safe (ASan); BHs scheduled from one thread
 * run in FIFO order; a nested aio_poll() inside a BH continues the outer
 * batch.
 */
#include "test-util.h"

static aio_context_t *ctx;
static pthread_t home;

static void fallback_cb(void *opaque)
{
    *(bool *)opaque = true;
}

static void drain(void)
{
    while (aio_poll(ctx, false)) {
    }
}

/* ---- cross-thread wakeup ---- */
static int wake_runs;
static bool wake_on_home;
static int64_t wake_scheduled_ns;
static aio_bh_t *wake_bh;

static void wake_cb(void *opaque)
{
    wake_runs++;
    wake_on_home = pthread_equal(pthread_self(), home);
}

static void *wake_thread(void *arg)
{
    ASSERT_TRUE(WAIT_UNTIL(test_notify_me(ctx) == 2, 5000));
    test_sleep_ms(20);
    wake_scheduled_ns = test_now_ns();
    aio_bh_schedule(wake_bh);
    return NULL;
}

static void test_cross_thread_schedule(void)
{
    bool fallback_fired = false;
    aio_timer_t *fallback = aio_timer_new(ctx, fallback_cb, &fallback_fired);
    aio_timer_mod_ns(fallback, aio_clock_ns() + test_fallback_ns());
    wake_bh = aio_bh_new(ctx, wake_cb, NULL);
    wake_runs = 0;
    drain();

    pthread_t t = test_thread_start(wake_thread, NULL);
    int64_t start = test_now_ns();
    bool progress = aio_poll(ctx, true);
    /* ppoll: the eventfd wakes the wait and the BH runs in the same
     * iteration.  Either way it must run well before the fallback. */
    while (!wake_runs && !fallback_fired) {
        progress = aio_poll(ctx, true);
    }
    int64_t end = test_now_ns();
    test_thread_join(t);

    ASSERT_TRUE(progress);
    ASSERT_EQ(wake_runs, 1);
    ASSERT_TRUE(wake_on_home);
    ASSERT_FALSE(fallback_fired);
    ASSERT_LT(end - start, 2000 * MS);
    ASSERT_LT(end - wake_scheduled_ns, 1000 * MS);
    ASSERT_EQ(test_notify_me(ctx), 0);
    aio_bh_delete(wake_bh);
    drain();
    aio_timer_free(fallback);
}

/* ---- one-shot ---- */
static int oneshot_runs;

static void oneshot_cb(void *opaque)
{
    oneshot_runs++;
}

static void test_oneshot(void)
{
    oneshot_runs = 0;
    aio_bh_schedule_oneshot(ctx, oneshot_cb, NULL);
    ASSERT_TRUE(aio_bh_any_scheduled(ctx));
    ASSERT_TRUE(aio_poll(ctx, false));
    ASSERT_EQ(oneshot_runs, 1);
    ASSERT_FALSE(aio_bh_any_scheduled(ctx));
    ASSERT_FALSE(aio_poll(ctx, false));
    ASSERT_EQ(oneshot_runs, 1);
}

/* ---- reusable BH rescheduled from its own callback ---- */
static int resched_runs;
static aio_bh_t *resched_bh;

static void resched_cb(void *opaque)
{
    if (++resched_runs < 3) {
        aio_bh_schedule(resched_bh);
    }
}

static void test_reschedule_self(void)
{
    resched_bh = aio_bh_new(ctx, resched_cb, NULL);
    aio_bh_schedule(resched_bh);
    ASSERT_TRUE(aio_poll(ctx, false));
    ASSERT_EQ(resched_runs, 1);
    /* Rescheduled: a blocking poll must not sleep (no timer, no other work:
     * a hang here is the CTest timeout). */
    ASSERT_TRUE(aio_bh_any_scheduled(ctx));
    ASSERT_TRUE(aio_poll(ctx, true));
    ASSERT_EQ(resched_runs, 2);
    ASSERT_TRUE(aio_poll(ctx, true));
    ASSERT_EQ(resched_runs, 3);
    ASSERT_FALSE(aio_poll(ctx, false));
    ASSERT_EQ(resched_runs, 3);
    /* Reusable: it can be scheduled again from outside. */
    aio_bh_schedule(resched_bh);
    ASSERT_TRUE(aio_poll(ctx, false));
    ASSERT_EQ(resched_runs, 4);
    aio_bh_delete(resched_bh);
    drain();
}

/* ---- cancel ---- */
static int cancel_runs;

static void cancel_cb(void *opaque)
{
    cancel_runs++;
}

static void test_cancel(void)
{
    aio_bh_t *bh = aio_bh_new(ctx, cancel_cb, NULL);
    aio_bh_schedule(bh);
    aio_bh_cancel(bh);
    ASSERT_FALSE(aio_bh_any_scheduled(ctx));
    ASSERT_FALSE(aio_poll(ctx, false));
    ASSERT_EQ(cancel_runs, 0);
    /* Cancel does not break it: scheduling again runs it. */
    aio_bh_schedule(bh);
    ASSERT_TRUE(aio_poll(ctx, false));
    ASSERT_EQ(cancel_runs, 1);
    aio_bh_delete(bh);
    drain();
    ASSERT_EQ(cancel_runs, 1);
}

/* ---- delete from another thread ---- */
#define DELETE_ROUNDS 2000
static int delete_runs;
static volatile bool delete_stop;

static void delete_cb(void *opaque)
{
    delete_runs++;
}

/* Creates, schedules and deletes BHs while the home thread polls them. */
static void *delete_thread(void *arg)
{
    for (int i = 0; i < DELETE_ROUNDS; i++) {
        aio_bh_t *bh = aio_bh_new(ctx, delete_cb, NULL);
        aio_bh_schedule(bh);
        if (i % 3 == 0) {
            sched_yield();
        }
        aio_bh_delete(bh);
    }
    __atomic_store_n(&delete_stop, true, __ATOMIC_SEQ_CST);
    aio_notify(ctx);
    return NULL;
}

static void *delete_one_thread(void *bh)
{
    aio_bh_delete(bh);
    return NULL;
}

static void test_delete_other_thread(void)
{
    /* A scheduled BH deleted from another thread does not run. */
    aio_bh_t *bh = aio_bh_new(ctx, delete_cb, NULL);
    aio_bh_schedule(bh);
    pthread_t t = test_thread_start(delete_one_thread, bh);
    test_thread_join(t);
    ASSERT_FALSE(aio_poll(ctx, false));
    ASSERT_EQ(delete_runs, 0);

    t = test_thread_start(delete_thread, NULL);
    while (!__atomic_load_n(&delete_stop, __ATOMIC_SEQ_CST)) {
        aio_poll(ctx, true);
    }
    test_thread_join(t);
    drain();
    /* Each ran at most once; ASan/LSan prove none was used after free or
     * leaked. */
    ASSERT_LE(delete_runs, DELETE_ROUNDS);
    ASSERT_FALSE(aio_bh_any_scheduled(ctx));
}

/* ---- FIFO ---- */
#define FIFO_N 32
static int fifo_order[FIFO_N];
static int fifo_count;
static int fifo_ids[FIFO_N];

static void fifo_cb(void *opaque)
{
    fifo_order[fifo_count++] = *(int *)opaque;
}

static void *fifo_thread(void *arg)
{
    for (int i = 0; i < FIFO_N; i++) {
        fifo_ids[i] = i;
        aio_bh_schedule_oneshot(ctx, fifo_cb, &fifo_ids[i]);
    }
    return NULL;
}

static void test_fifo(void)
{
    pthread_t t = test_thread_start(fifo_thread, NULL);
    test_thread_join(t);
    ASSERT_TRUE(aio_poll(ctx, false));
    ASSERT_EQ(fifo_count, FIFO_N);
    for (int i = 0; i < FIFO_N; i++) {
        ASSERT_EQ(fifo_order[i], i);
    }
}

/* ---- nested aio_poll continues the outer batch ---- */
static char nested_log[8];
static int nested_len;
static bool nested_inside_a;

static void nested_cb(void *opaque)
{
    char c = *(const char *)opaque;
    nested_log[nested_len++] = c;
    if (c == 'A') {
        nested_inside_a = true;
        /* B and C were stolen by the outer aio_bh_poll(): the nested call
         * must run them now, not leave them stranded until the outer
         * returns. */
        ASSERT_TRUE(aio_poll(ctx, false));
        ASSERT_EQ(nested_len, 3);
        nested_inside_a = false;
    } else {
        ASSERT_TRUE(nested_inside_a);
    }
}

static void test_nested_poll(void)
{
    static const char names[] = "ABC";
    for (int i = 0; i < 3; i++) {
        aio_bh_schedule_oneshot(ctx, nested_cb, (void *)&names[i]);
    }
    ASSERT_TRUE(aio_poll(ctx, false));
    ASSERT_EQ(nested_len, 3);
    ASSERT_TRUE(memcmp(nested_log, "ABC", 3) == 0);
    /* Nothing ran twice. */
    ASSERT_FALSE(aio_poll(ctx, false));
    ASSERT_EQ(nested_len, 3);
}

int main(int argc, char **argv)
{
    aio_backend_t backend = test_backend_from_argv(argc, argv);
    home = pthread_self();
    ctx = test_context_home(test_context_new(backend));
    drain();

    test_cross_thread_schedule();
    test_oneshot();
    test_reschedule_self();
    test_cancel();
    test_delete_other_thread();
    test_fifo();
    test_nested_poll();
    for (int i = 0; i < 10; i++) {
        test_cross_thread_schedule();
    }

    test_context_free(ctx);
    printf("test-bh %s: ok\n", argv[1]);
    return 0;
}

/*
 * test-gsource.c - the context driven as a GSource, and the main loop.
 *
 * Asserts: with the context attached to a GMainContext,
 * g_main_context_iteration() dispatches a BH and an fd handler made ready by
 * another thread while glib sleeps (bit 0 of notify_me is set while it
 * sleeps, and clear afterwards), and a timer on time.  aio_main_loop_wait()
 * releases the BQL around its ppoll(): another thread takes the BQL while
 * the main loop sleeps (its only timer is 10 s away), gets the main context
 * as its current context, and its BH runs on the main-loop thread with the
 * BQL held.
 */
#include "test-util.h"

static aio_context_t *ctx;
static GMainContext *gctx;
static pthread_t home;

static void fallback_cb(void *opaque)
{
    *(bool *)opaque = true;
}

/* Iterates until "cond" or the context's fallback timer fires. */
static bool iterate_until(bool *cond, bool *fallback_fired)
{
    while (!*cond && !*fallback_fired) {
        g_main_context_iteration(gctx, TRUE);
    }
    return *cond;
}

/* ---- BH scheduled from another thread while glib sleeps ---- */
static bool bh_ran, bh_on_home;

static void bh_cb(void *opaque)
{
    bh_ran = true;
    bh_on_home = pthread_equal(pthread_self(), home);
}

static void *bh_thread(void *arg)
{
    /* Bit 0: between the GSource's prepare and check, i.e. glib polls. */
    ASSERT_TRUE(WAIT_UNTIL(test_notify_me(ctx) & 1, 5000));
    test_sleep_ms(20);
    aio_bh_schedule_oneshot(ctx, bh_cb, NULL);
    return NULL;
}

static void test_gsource_bh(void)
{
    bool fallback_fired = false;
    aio_timer_t *fallback = aio_timer_new(ctx, fallback_cb, &fallback_fired);
    aio_timer_mod_ns(fallback, aio_clock_ns() + test_fallback_ns());
    bh_ran = false;

    pthread_t t = test_thread_start(bh_thread, NULL);
    int64_t start = test_now_ns();
    ASSERT_TRUE(iterate_until(&bh_ran, &fallback_fired));
    test_thread_join(t);
    ASSERT_TRUE(bh_on_home);
    ASSERT_LT(test_now_ns() - start, 2000 * MS);
    ASSERT_EQ(test_notify_me(ctx) & 1, 0);
    aio_timer_free(fallback);
}

/* ---- fd handler ---- */
static int pipe_fds[2];
static int fd_runs;

static void fd_read_cb(void *opaque)
{
    char buf[16];
    ASSERT_PTR_EQ(opaque, &pipe_fds);
    while (read(pipe_fds[0], buf, sizeof(buf)) > 0) {
    }
    fd_runs++;
}

static void *fd_thread(void *arg)
{
    ASSERT_TRUE(WAIT_UNTIL(test_notify_me(ctx) & 1, 5000));
    test_sleep_ms(20);
    ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
    return NULL;
}

static void test_gsource_fd(void)
{
    bool fallback_fired = false, ran = false;
    aio_timer_t *fallback = aio_timer_new(ctx, fallback_cb, &fallback_fired);
    fd_runs = 0;
    ASSERT_OK(pipe2(pipe_fds, O_NONBLOCK | O_CLOEXEC));
    aio_set_fd_handler(ctx, pipe_fds[0], fd_read_cb, NULL, &pipe_fds);
    aio_timer_mod_ns(fallback, aio_clock_ns() + test_fallback_ns());

    pthread_t t = test_thread_start(fd_thread, NULL);
    int64_t start = test_now_ns();
    while (!fd_runs && !fallback_fired) {
        g_main_context_iteration(gctx, TRUE);
    }
    ran = fd_runs == 1;
    test_thread_join(t);
    ASSERT_TRUE(ran);
    ASSERT_FALSE(fallback_fired);
    ASSERT_LT(test_now_ns() - start, 2000 * MS);

    aio_set_fd_handler(ctx, pipe_fds[0], NULL, NULL, NULL);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    aio_timer_free(fallback);
}

/* ---- timer ---- */
static void test_gsource_timer(void)
{
    bool fired = false, never = false;
    aio_timer_t *timer = aio_timer_new(ctx, fallback_cb, &fired);
    int64_t deadline = aio_clock_ns() + 50 * MS;
    aio_timer_mod_ns(timer, deadline);
    ASSERT_TRUE(iterate_until(&fired, &never));
    int64_t end = aio_clock_ns();
    ASSERT_GE(end, deadline);
    ASSERT_LT(end - deadline, 500 * MS);
    aio_timer_free(timer);
}

/* ---- aio_main_loop_wait releases the BQL around ppoll ---- */
static aio_context_t *main_ctx;
static bool ml_in_wait;        /* atomic: set right before the wait */
static unsigned ml_iterations; /* atomic */
static bool ml_stop;
static bool stop_bh_had_bql, stop_bh_on_home;
static int64_t bql_wait_ns;

static void stop_cb(void *opaque)
{
    ml_stop = true;
    stop_bh_had_bql = aio_bql_locked();
    stop_bh_on_home = pthread_equal(pthread_self(), home);
}

/* A wait may return with nothing to do (an io_uring completion the monitor
 * consumes itself, glib's own wakeup), and under CPU load such a return can
 * land inside the vCPU's 30 ms sleep, so requiring the very same wait would
 * be flaky.  What must hold is that the main loop sleeps rather than spins,
 * so only a handful of returns is allowed. */
#define ML_MAX_RETURNS_WHILE_IDLE 8

static void *vcpu_thread(void *arg)
{
    ASSERT_TRUE(WAIT_UNTIL(__atomic_load_n(&ml_in_wait, __ATOMIC_SEQ_CST), 5000));
    unsigned iterations = __atomic_load_n(&ml_iterations, __ATOMIC_SEQ_CST);
    test_sleep_ms(30);
    int64_t t0 = test_now_ns();
    aio_bql_lock();
    bql_wait_ns = test_now_ns() - t0;
    /* Holding the BQL, the main loop can only be inside a wait: it holds the
     * BQL everywhere else, ml_in_wait included. */
    ASSERT_TRUE(__atomic_load_n(&ml_in_wait, __ATOMIC_SEQ_CST));
    ASSERT_LE(__atomic_load_n(&ml_iterations, __ATOMIC_SEQ_CST) - iterations,
              ML_MAX_RETURNS_WHILE_IDLE);
    ASSERT_TRUE(aio_bql_locked());
    ASSERT_PTR_EQ(aio_current_context(), main_ctx);
    aio_bh_schedule_oneshot(aio_current_context(), stop_cb, NULL);
    aio_bql_unlock();
    return NULL;
}

static void test_main_loop_releases_bql(aio_backend_t backend)
{
    bool fallback_fired = false;
    aio_bql_init();
    main_ctx = test_context_new(backend);
    aio_main_loop_t *ml = aio_main_loop_new(main_ctx);
    ASSERT_PTR_EQ(aio_main_context(), main_ctx);
    ASSERT_PTR_EQ(aio_current_context(), main_ctx);
    aio_timer_t *fallback = aio_timer_new(main_ctx, fallback_cb, &fallback_fired);
    aio_timer_mod_ns(fallback, aio_clock_ns() + test_fallback_ns());

    aio_bql_lock();
    pthread_t t = test_thread_start(vcpu_thread, NULL);
    while (!ml_stop && !fallback_fired) {
        __atomic_store_n(&ml_in_wait, true, __ATOMIC_SEQ_CST);
        int ret = aio_main_loop_wait(ml, false);
        __atomic_store_n(&ml_in_wait, false, __ATOMIC_SEQ_CST);
        __atomic_fetch_add(&ml_iterations, 1, __ATOMIC_SEQ_CST);
        ASSERT_GE(ret, 0);
        ASSERT_TRUE(aio_bql_locked());
    }
    aio_bql_unlock();
    test_thread_join(t);

    ASSERT_TRUE(ml_stop);
    ASSERT_FALSE(fallback_fired);
    ASSERT_TRUE(stop_bh_had_bql);
    ASSERT_TRUE(stop_bh_on_home);
    /* The main loop sleeps for up to 10 s: had it kept the BQL, this would
     * be seconds. */
    ASSERT_LT(bql_wait_ns, 1000 * MS);

    aio_timer_free(fallback);
    aio_thread_context_set(NULL);
    aio_main_context_set(NULL);
    /* Context first: aio_main_loop_free() only drops the GMainContext. */
    aio_context_free(main_ctx);
    aio_main_loop_free(ml);
    aio_bql_destroy();
}

int main(int argc, char **argv)
{
    aio_backend_t backend = test_backend_from_argv(argc, argv);
    home = pthread_self();
    ctx = test_context_home(test_context_new(backend));
    gctx = g_main_context_new();
    g_source_attach(aio_context_gsource(ctx), gctx);
    while (g_main_context_iteration(gctx, FALSE)) {
    }

    for (int i = 0; i < 5; i++) {
        test_gsource_bh();
        test_gsource_fd();
    }
    test_gsource_timer();

    test_context_free(ctx);
    g_main_context_unref(gctx);

    test_main_loop_releases_bql(backend);
    printf("test-gsource %s: ok\n", argv[1]);
    return 0;
}

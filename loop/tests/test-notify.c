/*
 * test-notify.c - the notify_me / notified handshake on real threads.
 *
 * Asserts: aio_notify() from another thread ends a blocking aio_poll() that
 * has nothing else to wake it (a 10 s fallback timer bounds a failure);
 * while it sleeps notify_me is 2; afterwards notify_me is back to 0 and
 * notified is clear; aio_notify() with notify_me == 0 sets notified without
 * writing the eventfd, aio_notify_accept() clears it, and a "notified" left
 * set makes the next blocking aio_poll() return at once (the re-check).
 */
#include <poll.h>
#include "test-util.h"

static aio_context_t *ctx;
static int64_t notify_sent_ns;
static bool notify_started; /* atomic: aio_notify() is being called */

/* A blocking aio_poll() may return with nothing done (on io_uring, e.g. the
 * CQE of an earlier wait's TIMEOUT, which ends when another CQE is posted),
 * so the test polls until the notify has been sent; more than a handful of
 * such returns would mean the loop spins instead of sleeping. */
#define MAX_IDLE_RETURNS 8

static void *notifier_thread(void *arg)
{
    /* Only kick once the home thread is really between "about to block" and
     * "woke up" (again, if a wait returned while we slept). */
    ASSERT_TRUE(WAIT_UNTIL(test_notify_me(ctx) == 2, 5000));
    test_sleep_ms(20);
    ASSERT_TRUE(WAIT_UNTIL(test_notify_me(ctx) == 2, 5000));
    notify_sent_ns = test_now_ns();
    __atomic_store_n(&notify_started, true, __ATOMIC_SEQ_CST);
    aio_notify(ctx);
    return NULL;
}

static bool eventfd_readable(int fd)
{
    struct pollfd p = { .fd = fd, .events = POLLIN };
    return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

static void fallback_cb(void *opaque)
{
    *(bool *)opaque = true;
}

static void test_cross_thread_wakeup(void)
{
    bool fallback_fired = false;
    aio_timer_t *fallback = aio_timer_new(ctx, fallback_cb, &fallback_fired);
    aio_timer_mod_ns(fallback, aio_clock_ns() + test_fallback_ns());

    /* Settle: consume the notify left by context creation. */
    while (aio_poll(ctx, false)) {
    }
    ASSERT_EQ(test_notify_me(ctx), 0);

    __atomic_store_n(&notify_started, false, __ATOMIC_SEQ_CST);
    pthread_t t = test_thread_start(notifier_thread, NULL);
    int64_t start = test_now_ns();
    bool progress = false;
    int returns = 0;
    while (!__atomic_load_n(&notify_started, __ATOMIC_SEQ_CST) && !fallback_fired) {
        progress |= aio_poll(ctx, true);
        returns++;
    }
    int64_t end = test_now_ns();
    test_thread_join(t);
    /* A wait that returned just before the notify has lowered notify_me, so
     * the notify only set "notified": the next aio_poll() must not sleep. */
    if (test_notified(ctx)) {
        progress |= aio_poll(ctx, true);
        returns++;
        end = test_now_ns();
    }

    ASSERT_FALSE(fallback_fired);
    ASSERT_LE(returns, MAX_IDLE_RETURNS);
    /* Only a notify woke it: no callback ran. */
    ASSERT_FALSE(progress);
    ASSERT_GE(end, notify_sent_ns);
    ASSERT_LT(end - start, 2000 * MS);
    ASSERT_LT(end - notify_sent_ns, 1000 * MS);
    ASSERT_EQ(test_notify_me(ctx), 0);
    ASSERT_FALSE(test_notified(ctx));
    aio_timer_free(fallback);
}

static void test_notify_accept(void)
{
    while (aio_poll(ctx, false)) {
    }
    /* Drain whatever the notifier handler has not yet consumed. */
    os_eventfd_drain(ctx->notifier_fd);
    ASSERT_EQ(test_notify_me(ctx), 0);
    ASSERT_FALSE(test_notified(ctx));

    aio_notify(ctx);
    ASSERT_TRUE(test_notified(ctx));
    /* Nobody may sleep (notify_me == 0): no eventfd write. */
    ASSERT_FALSE(eventfd_readable(ctx->notifier_fd));

    aio_notify_accept(ctx);
    ASSERT_FALSE(test_notified(ctx));

    /* With notify_me raised, aio_notify() writes the eventfd. */
    ctx->notify_me += 2;
    aio_notify(ctx);
    ASSERT_TRUE(eventfd_readable(ctx->notifier_fd));
    ctx->notify_me -= 2;
    aio_notify_accept(ctx);
    os_eventfd_drain(ctx->notifier_fd);
}

/* aio_poll() re-reads "notified" after raising notify_me: a notify that
 * came before it raised notify_me (so no eventfd write) must still keep it
 * from sleeping. */
static void test_notified_recheck(void)
{
    bool fallback_fired = false;
    aio_timer_t *fallback = aio_timer_new(ctx, fallback_cb, &fallback_fired);
    aio_timer_mod_ns(fallback, aio_clock_ns() + test_fallback_ns());
    while (aio_poll(ctx, false)) {
    }
    os_eventfd_drain(ctx->notifier_fd);
    /* The io_uring monitor may still have the drained eventfd armed; that is
     * fine, it stays quiet. */
    aio_notify(ctx);
    ASSERT_FALSE(eventfd_readable(ctx->notifier_fd));

    int64_t start = test_now_ns();
    aio_poll(ctx, true);
    int64_t elapsed = test_now_ns() - start;
    ASSERT_LT(elapsed, 1000 * MS);
    ASSERT_FALSE(test_notified(ctx));
    ASSERT_EQ(test_notify_me(ctx), 0);
    ASSERT_FALSE(fallback_fired);
    aio_timer_free(fallback);
}

int main(int argc, char **argv)
{
    aio_backend_t backend = test_backend_from_argv(argc, argv);
    ctx = test_context_home(test_context_new(backend));

    test_cross_thread_wakeup();
    test_notify_accept();
    test_notified_recheck();
    /* Several rounds: a lost wakeup is a race, give it chances to show. */
    for (int i = 0; i < 20; i++) {
        test_cross_thread_wakeup();
    }

    test_context_free(ctx);
    printf("test-notify %s: ok\n", argv[1]);
    return 0;
}

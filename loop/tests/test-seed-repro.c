/*
 * test-seed-repro.c - the seed bug on real threads and a real io_uring.
 *
 * A main-loop thread drives the main context (io_uring) through
 * aio_main_loop_wait() with a 499 ms timer as its only other source.  A vCPU
 * thread, while the main loop sleeps in ppoll(), takes the BQL and starts a
 * read inline with aio_blk_read() (current context = main context by the
 * BQL rule), as AHCI MMIO emulation does.
 *
 * argv[1] "fixed": the read completes well within 100 ms (add_sqe kicks the
 * main loop).  argv[1] "mutant" (missing-notify-add-sqe): it waits for the
 * timer, > 200 ms.  Both: the SQE was queued while the main loop was inside
 * its ppoll window (it did not hold the BQL, bit 0 of notify_me was set, and
 * it had not woken since the vCPU decided to act), and the completion ran on
 * the main-loop thread.
 */
#include "test-util.h"

#define MAIN_TIMER_MS 499
#define READ_LEN (128 * 1024)

static aio_context_t *ctx;
static aio_main_loop_t *ml;
static pthread_t main_thread;

static bool ml_in_wait;         /* atomic: set right before the wait */
static unsigned ml_iterations;  /* atomic */
static int64_t ml_last_wake_ns; /* atomic: when the last wait returned */
static bool ml_stop;            /* main-loop thread only (set by a BH) */
static aio_timer_t *main_timer;

/* Coverage marks: the seed's interleaving really happened. */
static bool mark_queued_in_ppoll_window;
static bool mark_notify_me_bit0;

static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static bool read_done;
static ssize_t read_ret;
static int64_t read_done_ns;
static bool read_cb_on_main;

static void main_timer_cb(void *opaque)
{
    aio_timer_mod_ns(main_timer, aio_clock_ns() + MAIN_TIMER_MS * MS);
}

static void stop_cb(void *opaque)
{
    ml_stop = true;
}

static void read_cb(void *opaque, ssize_t ret)
{
    pthread_mutex_lock(&done_lock);
    read_done_ns = test_now_ns();
    read_ret = ret;
    read_cb_on_main = pthread_equal(pthread_self(), main_thread);
    read_done = true;
    pthread_cond_signal(&done_cond);
    pthread_mutex_unlock(&done_lock);
}

typedef struct {
    int fd;
    unsigned char *buf;
    int64_t queued_ns;
    int64_t first_wake_after_ns;
} vcpu_args_t;

static void *vcpu_thread(void *opaque)
{
    vcpu_args_t *a = opaque;

    /* Act only after the main loop has slept ~50 ms in one wait; retry if
     * it woke for an unrelated reason (e.g. its timer) meanwhile. */
    for (int attempt = 0; attempt < 10; attempt++) {
        ASSERT_TRUE(WAIT_UNTIL(__atomic_load_n(&ml_in_wait, __ATOMIC_SEQ_CST), 5000));
        unsigned iterations = __atomic_load_n(&ml_iterations, __ATOMIC_SEQ_CST);
        test_sleep_ms(50);

        aio_bql_lock();
        bool still_asleep = __atomic_load_n(&ml_in_wait, __ATOMIC_SEQ_CST) &&
                            __atomic_load_n(&ml_iterations, __ATOMIC_SEQ_CST) == iterations;
        if (!still_asleep) {
            aio_bql_unlock();
            continue;
        }
        ASSERT_PTR_EQ(aio_current_context(), ctx);
        mark_notify_me_bit0 = test_notify_me(ctx) & 1;
        a->queued_ns = test_now_ns();
        ASSERT_OK(aio_blk_read(a->fd, a->buf, READ_LEN, 0, read_cb, NULL));
        /* We hold the BQL, so the main loop is between its unlock and lock
         * around ppoll(): the seed's window. */
        mark_queued_in_ppoll_window =
            __atomic_load_n(&ml_in_wait, __ATOMIC_SEQ_CST) &&
            __atomic_load_n(&ml_iterations, __ATOMIC_SEQ_CST) == iterations;
        aio_bql_unlock();
        break;
    }
    ASSERT_TRUE(mark_queued_in_ppoll_window);

    pthread_mutex_lock(&done_lock);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 5;
    while (!read_done) {
        if (pthread_cond_timedwait(&done_cond, &done_lock, &until) == ETIMEDOUT) {
            break;
        }
    }
    pthread_mutex_unlock(&done_lock);
    ASSERT_TRUE(read_done);

    aio_bh_schedule_oneshot(ctx, stop_cb, NULL);
    return NULL;
}

int main(int argc, char **argv)
{
    bool mutant = test_mutant_from_argv(argc, argv);
    aio_mutants_clear();
    aio_mutant_set(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE, mutant);

    /* The data the vCPU will read. */
    int fd = test_tmpfile("seed-repro");
    unsigned char *expect = g_malloc(READ_LEN);
    for (int i = 0; i < READ_LEN; i++) {
        expect[i] = (unsigned char)(i * 7 + 3);
    }
    ASSERT_EQ(pwrite(fd, expect, READ_LEN, 0), READ_LEN);

    /* This thread is the main-loop thread. */
    main_thread = pthread_self();
    aio_bql_init();
    ctx = test_context_new(AIO_BACKEND_IO_URING);
    ml = aio_main_loop_new(ctx);
    main_timer = aio_timer_new(ctx, main_timer_cb, NULL);
    aio_timer_mod_ns(main_timer, aio_clock_ns() + MAIN_TIMER_MS * MS);

    vcpu_args_t args = { .fd = fd, .buf = g_malloc0(READ_LEN) };
    aio_bql_lock();
    pthread_t vcpu = test_thread_start(vcpu_thread, &args);
    int64_t give_up = test_now_ns() + 20000 * MS;
    while (!ml_stop && test_now_ns() < give_up) {
        __atomic_store_n(&ml_in_wait, true, __ATOMIC_SEQ_CST);
        int ret = aio_main_loop_wait(ml, false);
        __atomic_store_n(&ml_in_wait, false, __ATOMIC_SEQ_CST);
        int64_t now = test_now_ns();
        __atomic_store_n(&ml_last_wake_ns, now, __ATOMIC_SEQ_CST);
        if (args.queued_ns && !args.first_wake_after_ns && now > args.queued_ns) {
            args.first_wake_after_ns = now;
        }
        __atomic_fetch_add(&ml_iterations, 1, __ATOMIC_SEQ_CST);
        ASSERT_GE(ret, 0);
    }
    aio_bql_unlock();
    test_thread_join(vcpu);

    ASSERT_TRUE(ml_stop);
    ASSERT_TRUE(mark_queued_in_ppoll_window);
    ASSERT_TRUE(mark_notify_me_bit0);
    ASSERT_TRUE(read_cb_on_main);
    ASSERT_EQ(read_ret, READ_LEN);
    ASSERT_MEM_EQ(args.buf, expect, READ_LEN);

    int64_t latency = read_done_ns - args.queued_ns;
    int64_t wake = args.first_wake_after_ns - args.queued_ns;
    printf("seed-repro %s: main loop woke %.1f ms after the SQE was queued, "
           "read completed after %.1f ms\n",
           argv[1], wake / 1e6, latency / 1e6);
    if (mutant) {
        /* Nothing wakes the main loop but its timer (~449 ms away). */
        ASSERT_GT(latency, 200 * MS);
        ASSERT_GT(wake, 200 * MS);
    } else {
        ASSERT_LT(latency, 100 * MS);
        ASSERT_LT(wake, 100 * MS);
    }

    aio_timer_free(main_timer);
    aio_thread_context_set(NULL);
    aio_main_context_set(NULL);
    /* Context first: aio_main_loop_free() only drops the GMainContext. */
    aio_context_free(ctx);
    aio_main_loop_free(ml);
    aio_bql_destroy();
    close(fd);
    g_free(expect);
    g_free(args.buf);
    printf("test-seed-repro %s: ok\n", argv[1]);
    return 0;
}

/*
 * test-cq-overflow.c - a burst of completions on a tiny ring, reaped on the
 * GSource path, on the real kernel.
 *
 * The main-loop thread (this one, holding the BQL) queues 24 reads of a
 * file on a 4-entry ring (an 8-entry CQ) with aio_blk_read(), lets them all
 * complete (100 ms), then drives aio_main_loop_wait().  At least 16 CQEs
 * overflow; Linux keeps them in the kernel, with the ring fd readable, until
 * an enter with GETEVENTS.
 *
 * argv[1] "fixed": every read completes, with the right bytes, within 10 s.
 * argv[1] "mutant" (cq-overflow-not-flushed): reaping never fetches the
 * overflow, so after 2 s fewer than 24 reads have completed (the loop spins
 * on a readable ring fd).  No assumption on how many iterations either
 * takes: only on what completed.
 */
#include "test-util.h"

#define N_READS 24
#define READ_LEN 4096

static unsigned completed; /* main-loop thread only */
static unsigned bad;       /* reads with a wrong result or bytes */
static unsigned char bufs[N_READS][READ_LEN];
static unsigned char expect[N_READS * READ_LEN];

static void read_cb(void *opaque, ssize_t ret)
{
    unsigned i = (unsigned)(uintptr_t)opaque;
    if (ret != READ_LEN || memcmp(bufs[i], expect + (size_t)i * READ_LEN, READ_LEN) != 0) {
        bad++;
    }
    completed++;
}

int main(int argc, char **argv)
{
    bool mutant = test_mutant_from_argv(argc, argv);
    aio_mutants_clear();
    aio_mutant_set(AIO_MUTANT_CQ_OVERFLOW_NOT_FLUSHED, mutant);

    int fd = test_tmpfile("cq-overflow");
    for (size_t i = 0; i < sizeof(expect); i++) {
        expect[i] = (unsigned char)(i * 13 + 5);
    }
    ASSERT_EQ(pwrite(fd, expect, sizeof(expect), 0), (ssize_t)sizeof(expect));

    aio_bql_init();
    int err = 0;
    aio_context_t *ctx = aio_context_new_ring(AIO_BACKEND_IO_URING, 4, &err);
    if (!ctx && (err == -ENOSYS || err == -EPERM || err == -EINVAL)) {
        fprintf(stderr, "SKIP: io_uring unavailable here: %s\n", strerror(-err));
        return TEST_SKIP_CODE;
    }
    ASSERT_TRUE(ctx != NULL);
    aio_main_loop_t *ml = aio_main_loop_new(ctx);
    aio_bql_lock();

    /* One iteration first, so the context's own POLL_ADD is armed. */
    aio_main_loop_wait(ml, true);
    for (unsigned i = 0; i < N_READS; i++) {
        ASSERT_OK(aio_blk_read(fd, bufs[i], READ_LEN, (uint64_t)i * READ_LEN, read_cb,
                               (void *)(uintptr_t)i));
    }
    /* The home thread submitted as the SQ filled; the last few are still
     * queued.  Submit them and let every read finish before reaping. */
    aio_main_loop_wait(ml, true);
    test_sleep_ms(100);

    int64_t give_up = test_now_ns() + (mutant ? 2000 : 10000) * MS;
    unsigned long iterations = 0;
    while (completed < N_READS && test_now_ns() < give_up) {
        /* Non-blocking: the mutant never sleeps anyway (the ring fd stays
         * readable), and the fixed code must not depend on a wakeup here. */
        int ret = aio_main_loop_wait(ml, true);
        ASSERT_GE(ret, 0);
        iterations++;
    }
    printf("cq-overflow %s: %u of %d reads completed after %lu iterations\n", argv[1],
           completed, N_READS, iterations);
    ASSERT_EQ(bad, 0);
    if (mutant) {
        ASSERT_LT(completed, N_READS);
    } else {
        ASSERT_EQ(completed, N_READS);
    }

    aio_bql_unlock();
    aio_thread_context_set(NULL);
    aio_main_context_set(NULL);
    aio_context_free(ctx);
    aio_main_loop_free(ml);
    aio_bql_destroy();
    close(fd);
    printf("test-cq-overflow %s: ok\n", argv[1]);
    return 0;
}

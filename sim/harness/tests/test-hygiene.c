/*
 * test-hygiene.c - the end-of-run hygiene monitor finds what it names.
 *
 * A loop/ context left with one of each leftover (a scheduled BH, a block
 * read whose SQE was never submitted, an fd handler, an armed timer) must
 * give one end-of-run-hygiene violation counting each, through the loop
 * target's check_leftovers; the same context once cleaned must give none; a
 * thread still alive besides main must be flagged.  A partial submit (the
 * kernel model's injected fault) leaves SQEs that liburing has flushed but
 * the kernel has not consumed: those must be flagged too.  Exit 0 pass, 1
 * fail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "aio.h"
#include "aio-os.h"
#include "hygiene.h"
#include "invariant.h"
#include "sim-test.h"
#include "targets.h"

static void nop(void *opaque)
{
    (void)opaque;
}

static void read_done(void *opaque, ssize_t ret)
{
    (void)ret;
    if (opaque)
        ++*(int *)opaque;
}

static void *sleeper(void *arg)
{
    (void)arg;
    sim_sleep_ns(1000000000);
    return NULL;
}

typedef struct {
    wk_monitor_t dirty, clean, threads;
} result_t;

static void *scenario(void *arg)
{
    result_t *r = arg;
    sim_world_t *w = sim_world_current();
    static char buf[4096];
    int err = 0;

    aio_bql_init();
    aio_context_t *ctx = aio_context_new(AIO_BACKEND_IO_URING, &err);
    ASSERT(ctx != NULL);
    aio_thread_context_set(ctx);
    int dev = sim_blkdev_create(w, 1 << 20, 1000, 1000);
    int efd = os_eventfd_new();

    aio_bh_t *bh = aio_bh_new(ctx, nop, NULL);
    aio_bh_schedule(bh);
    aio_set_fd_handler(ctx, efd, nop, NULL, NULL);
    aio_timer_t *t = aio_timer_new(ctx, nop, NULL);
    aio_timer_mod_ns(t, aio_clock_ns() + 1000000);
    ASSERT_EQ(aio_blk_read(dev, buf, sizeof(buf), 0, read_done, NULL), 0);

    wk_target_loop.check_leftovers((wk_ctx_t *)ctx, &r->dirty, w, "test");

    /* Clean up the way an owner should, then check again. */
    aio_timer_del(t);
    aio_set_fd_handler(ctx, efd, NULL, NULL, NULL);
    aio_bh_cancel(bh);
    while (aio_poll(ctx, false)) {
    }
    aio_poll(ctx, true); /* the read completes */
    aio_poll(ctx, false);
    wk_target_loop.check_leftovers((wk_ctx_t *)ctx, &r->clean, w, "test");

    sim_thread_create(w, "sleeper", sleeper, NULL);
    wk_hygiene_check_threads(&r->threads, w);

    aio_bh_delete(bh);
    aio_timer_free(t);
    aio_context_free(ctx);
    aio_thread_context_set(NULL);
    os_fd_close(efd);
    os_fd_close(dev);
    aio_bql_destroy();
    sim_finish(w);
    return NULL;
}

typedef struct {
    wk_monitor_t partial;
    uint64_t partial_faults;
} partial_result_t;

/* Two block reads submitted in one enter while every enter with two or more
 * SQEs takes a strict prefix: the kernel takes one, the other stays between
 * its head and the tail, which liburing's sqe_head has already passed. */
static void *partial_scenario(void *arg)
{
    partial_result_t *r = arg;
    sim_world_t *w = sim_world_current();
    static char buf[2][4096];
    int err = 0, done = 0;

    aio_bql_init();
    aio_context_t *ctx = aio_context_new(AIO_BACKEND_IO_URING, &err);
    ASSERT(ctx != NULL);
    aio_thread_context_set(ctx);
    int dev = sim_blkdev_create(w, 1 << 20, 1000, 1000);
    aio_poll(ctx, false); /* the context's own SQEs, one per enter: no fault */
    for (int i = 0; i < 2; i++)
        ASSERT_EQ(aio_blk_read(dev, buf[i], sizeof(buf[i]), 0, read_done, &done), 0);
    aio_poll(ctx, false);
    r->partial_faults = sim_world_faults_injected(w, SIM_FAULT_PARTIAL_SUBMIT);
    wk_target_loop.check_leftovers((wk_ctx_t *)ctx, &r->partial, w, "test");

    while (done < 2)
        aio_poll(ctx, true); /* the rest goes alone: no fault */
    aio_context_free(ctx);
    aio_thread_context_set(NULL);
    os_fd_close(dev);
    aio_bql_destroy();
    sim_finish(w);
    return NULL;
}

static void check_partial_submit(void)
{
    partial_result_t r = { 0 };
    wk_monitor_init(&r.partial, 1, 1, 1);
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.faults.permille[SIM_FAULT_PARTIAL_SUBMIT] = 1000;
    sim_world_t *w = sim_world_new(&o);
    ASSERT_EQ(sim_world_run(w, partial_scenario, &r), SIM_RESULT_OK);
    ASSERT_EQ(r.partial_faults, 1);
    if (!r.partial.invariant)
        TEST_FAIL_("a partial submit's leftover SQE was not flagged");
    ASSERT_STR_EQ(r.partial.invariant, WK_INV_HYGIENE);
    printf("partial submit: %s\n", r.partial.message);
    ASSERT(strstr(r.partial.message, "1 user SQE(s) unsubmitted") != NULL);
    sim_world_free(w);
    wk_monitor_destroy(&r.partial);
}

int main(void)
{
    result_t r;
    wk_monitor_init(&r.dirty, 1, 1, 1);
    wk_monitor_init(&r.clean, 1, 1, 1);
    wk_monitor_init(&r.threads, 1, 1, 1);

    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    sim_world_t *w = sim_world_new(&o);
    sim_result_t res = sim_world_run(w, scenario, &r);
    ASSERT_EQ(res, SIM_RESULT_OK);

    ASSERT(r.dirty.invariant != NULL);
    ASSERT_STR_EQ(r.dirty.invariant, WK_INV_HYGIENE);
    printf("dirty: %s\n", r.dirty.message);
    ASSERT(strstr(r.dirty.message, "1 BH(s) still scheduled") != NULL);
    ASSERT(strstr(r.dirty.message, "1 user SQE(s) unsubmitted") != NULL);
    ASSERT(strstr(r.dirty.message, "1 fd handler(s) and 1 armed timer(s)") != NULL);
    ASSERT(strstr(r.dirty.message, "some block request(s) in flight") != NULL);
    if (r.clean.invariant) {
        TEST_FAIL_("clean context flagged: %s", r.clean.message);
    }
    ASSERT(r.threads.invariant != NULL);
    printf("threads: %s\n", r.threads.message);
    ASSERT(strstr(r.threads.message, "1 simulated thread(s) besides main") != NULL);

    sim_world_free(w);
    wk_monitor_destroy(&r.dirty);
    wk_monitor_destroy(&r.clean);
    wk_monitor_destroy(&r.threads);
    check_partial_submit();
    printf("ok\n");
    return 0;
}

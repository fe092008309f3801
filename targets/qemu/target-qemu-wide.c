/*
 * target-qemu-wide.c - the QEMU target's ops for QEMU's wider wakeup
 * surface (target.h, "QEMU's wider surface"): the AioContext thread pool
 * (util/thread-pool.c) and AIO_WAIT_WHILE / aio_wait_kick /
 * aio_wait_bh_oneshot (include/block/aio-wait.h, util/aio-wait.c), all
 * compiled unmodified from the QEMU tree.  The calls are made as QEMU's
 * block layer makes them; who may make each is the contract table of
 * docs/workloads.md.
 *
 * Compiled like QEMU's files (atomic instrumentation): the waited-on flag
 * is written and read here with qatomic_set()/qatomic_read(), so under a
 * weak memory model its store is buffered like any other QEMU atomic and
 * aio_wait_kick()'s barrier matters.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include "block/aio-wait.h"
#include "block/thread-pool.h"

#include "target-qemu-wide.h"
#include "target.h"

/* Workers per context's pool (QEMU's thread-pool-max, default 64): each
 * worker is a simulated thread with a thread-local slot (coroutine-tls.h),
 * and a small pool also queues work behind busy workers, which is where
 * the idle-worker wakeup is exercised. */
#define WK_POOL_MAX_THREADS 4

int wk_qemu_pool_submit(wk_pool_fn_t *fn, void *arg, wk_pool_done_t *done, void *opaque)
{
    AioContext *ctx = qemu_get_current_aio_context();
    if (!ctx) {
        return -EPERM; /* QEMU would dereference NULL: a caller's bug */
    }
    if (!ctx->thread_pool) {
        aio_context_set_thread_pool_params(ctx, 0, WK_POOL_MAX_THREADS, &error_abort);
    }
    thread_pool_submit_aio(fn, arg, done, opaque);
    return 0;
}

void wk_qemu_wait_while_unset(wk_ctx_t *wctx, int *flag)
{
    AIO_WAIT_WHILE((AioContext *)wctx, !qatomic_read(flag));
}

void wk_qemu_set_and_kick(int *flag)
{
    qatomic_set(flag, 1);
    aio_wait_kick();
}

void wk_qemu_wait_bh_oneshot(wk_ctx_t *wctx, wk_cb_t *cb, void *opaque)
{
    aio_wait_bh_oneshot((AioContext *)wctx, cb, opaque);
}

/* Pools of contexts a cut-short run left behind: their workers were
 * unwound, so freeing one would wait for them forever.  Kept reachable
 * here until the process ends, like the contexts themselves. */
static GPtrArray *abandoned_pools;

void wk_qemu_pool_abandon(AioContext *ctx)
{
    if (ctx->thread_pool) {
        if (!abandoned_pools) {
            abandoned_pools = g_ptr_array_new();
        }
        g_ptr_array_add(abandoned_pools, ctx->thread_pool);
        ctx->thread_pool = NULL;
    }
}

/*
 * target-qemu-wide.c - the QEMU target's ops for QEMU's wider wakeup
 * surface (target.h, "QEMU's wider surface"): the AioContext thread pool
 * (util/thread-pool.c) and AIO_WAIT_WHILE / aio_wait_kick /
 * aio_wait_bh_oneshot (include/block/aio-wait.h, util/aio-wait.c), the
 * coroutine core and the IOThread object (iothread.c), all compiled
 * unmodified from the QEMU tree.  The calls are made as QEMU's
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
#include "qemu/coroutine.h"
#include "system/iothread.h"

#include "iothread-qom.h"
#include "target-qemu-wide.h"
#include "target.h"
#include "sim.h"

/* Workers per context's pool (QEMU's thread-pool-max, default 64): each
 * worker is a simulated thread with a thread-local slot (coroutine-tls.h),
 * and a small pool also queues work behind busy workers, which is where
 * the idle-worker wakeup is exercised. */
#define WK_POOL_MAX_THREADS 4

/* Before a context's pool is created (aio_get_thread_pool, on first use). */
static void pool_limit(AioContext *ctx)
{
    if (!ctx->thread_pool) {
        aio_context_set_thread_pool_params(ctx, 0, WK_POOL_MAX_THREADS, &error_abort);
    }
}

int wk_qemu_pool_submit(wk_pool_fn_t *fn, void *arg, wk_pool_done_t *done, void *opaque)
{
    AioContext *ctx = qemu_get_current_aio_context();
    if (!ctx) {
        return -EPERM; /* QEMU would dereference NULL: a caller's bug */
    }
    pool_limit(ctx);
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

/* ---- coroutines: QEMU's coroutine core, coroutine-ucontext back end ---- */

void wk_qemu_co_start(wk_ctx_t *wctx, wk_cb_t *fn, void *opaque)
{
    Coroutine *co = qemu_coroutine_create(fn, opaque);
    aio_co_enter((AioContext *)wctx, co);
}

wk_co_t *wk_qemu_co_self(void)
{
    return (wk_co_t *)qemu_coroutine_self();
}

void wk_qemu_co_yield(void)
{
    qemu_coroutine_yield();
}

void wk_qemu_co_wake(wk_co_t *co)
{
    aio_co_wake((Coroutine *)co);
}

void wk_qemu_co_reschedule_self(wk_ctx_t *wctx)
{
    aio_co_reschedule_self((AioContext *)wctx);
}

int wk_qemu_co_pool_submit(wk_pool_fn_t *fn, void *arg)
{
    pool_limit(qemu_get_current_aio_context());
    return thread_pool_submit_co(fn, arg);
}

void wk_qemu_co_sleep_ns(int64_t ns)
{
    qemu_co_sleep_ns(QEMU_CLOCK_REALTIME, ns);
}

wk_co_mutex_t *wk_qemu_co_mutex_new(void)
{
    CoMutex *m = g_new0(CoMutex, 1);
    qemu_co_mutex_init(m);
    return (wk_co_mutex_t *)m;
}

void wk_qemu_co_mutex_free(wk_co_mutex_t *m)
{
    g_free(m);
}

void wk_qemu_co_mutex_lock(wk_co_mutex_t *m)
{
    qemu_co_mutex_lock((CoMutex *)m);
}

void wk_qemu_co_mutex_unlock(wk_co_mutex_t *m)
{
    qemu_co_mutex_unlock((CoMutex *)m);
}

/* ---- IOThread objects (iothread.c; QOM stand-ins in iothread-qom.c) ---- */

const char *wk_qemu_error_message(const Error *err);

wk_iothread_t *wk_qemu_iothread_new(const char *id, int64_t poll_max_ns, int64_t grow,
                                    int64_t shrink)
{
    Error *err = NULL;
    IOThread *it =
        wk_qemu_iothread_create(id, poll_max_ns, grow, shrink, WK_POOL_MAX_THREADS, &err);
    if (!it) {
        fprintf(stderr, "wakesim qemu target: iothread %s: %s\n", id,
                wk_qemu_error_message(err));
        error_free(err);
    }
    return (wk_iothread_t *)it;
}

wk_ctx_t *wk_qemu_iothread_ctx(wk_iothread_t *it)
{
    return (wk_ctx_t *)iothread_get_aio_context((IOThread *)it);
}

void wk_qemu_iothread_gcontext(wk_iothread_t *it)
{
    iothread_get_g_main_context((IOThread *)it);
}

void wk_qemu_iothread_stop(wk_iothread_t *it)
{
    iothread_stop((IOThread *)it);
}

/* Its thread exited after the stop BH; finalising the context destroys the
 * ring with whatever its last aio_poll queued and did not submit (a
 * notifier POLL_ADD re-arm, typically), as in QEMU: the monitor is told,
 * so it does not wait for their submission. */
void wk_qemu_iothread_free(wk_iothread_t *it)
{
    AioContext *ctx = iothread_get_aio_context((IOThread *)it);
    if (ctx && ctx->fdmon_ops->add_sqe && io_uring_sq_ready(&ctx->fdmon_io_uring)) {
        sim_monitor_event(sim_world_current(), "ring-discard", ctx->fdmon_io_uring.ring_fd,
                          io_uring_sq_ready(&ctx->fdmon_io_uring));
    }
    wk_qemu_iothread_destroy((IOThread *)it);
}

/* Its thread and pool workers were unwound with the run: finalising it
 * would join them.  Kept reachable until the process ends. */
static GPtrArray *abandoned_iothreads;

void wk_qemu_iothread_abandon(wk_iothread_t *it)
{
    wk_qemu_pool_abandon(iothread_get_aio_context((IOThread *)it));
    if (!abandoned_iothreads) {
        abandoned_iothreads = g_ptr_array_new();
    }
    g_ptr_array_add(abandoned_iothreads, it);
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

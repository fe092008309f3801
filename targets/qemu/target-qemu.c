/*
 * target-qemu.c - the machine's target ops over QEMU's own event loop
 * (util/async.c, aio-posix.c, fdmon-io_uring.c, ... compiled unmodified from
 * a QEMU tree, see CMakeLists.txt), used with `wakesim ... --target qemu`.
 *
 * The calls are QEMU's API as QEMU's device models use it:
 *   context       aio_context_new() / g_source_destroy + aio_context_unref()
 *   main loop     QEMU's util/main-loop.c (main-loop-qemu.c): the run's first
 *                 context is qemu_init_main_loop()'s main AioContext, one
 *                 iteration is main_loop_wait(false) (glib prepare/query,
 *                 BQL released around qemu_poll_ns(), check, dispatch, the
 *                 main-loop timers)
 *   BH            aio_bh_schedule_oneshot(); aio_bh_new(), qemu_bh_schedule(),
 *                 qemu_bh_cancel(), qemu_bh_delete()
 *   timer         aio_timer_new(QEMU_CLOCK_REALTIME, SCALE_NS), timer_mod_ns(),
 *                 timer_del(); on the main loop's clocks timer_new_ns()
 *                 (QEMU_CLOCK_REALTIME, QEMU_CLOCK_VIRTUAL: main_loop_tlg)
 *   notify        qemu_notify_event()
 *   SQE + CQE     aio_add_sqe() with a CqeHandler (block/io_uring.c's way)
 *   BQL           bql_lock()/bql_unlock() (main-loop-glue.c)
 *   current ctx   qemu_get_current_aio_context()
 *   polling       aio_context_set_poll_params() (an iothread's poll-max-ns...)
 *
 * Not mapped (NULL in the table): check_leftovers (optional).
 *
 * This file includes QEMU headers whose inline functions use qatomic_*(),
 * so it is compiled with the same atomic instrumentation as QEMU's files.
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "qemu/lockcnt.h"
#include "block/aio.h"
#include "qemu/event_notifier.h"
#include "util/aio-posix.h" /* AioHandler: cleanup after a cut-short run */

#include "in-flight.h"
#include "main-loop-glue.h"
#include "target-qemu-wide.h"
#include "sim.h"
#include "wakesim-qemu-identity.h"
#include "target.h"

const char *wk_qemu_error_message(const Error *err);

#ifndef WAKESIM_QEMU_MUTATION
#define WAKESIM_QEMU_MUTATION ""
#endif

/* ---- one block read: an SQE on the current context's ring ---- */
typedef struct qemu_read {
    CqeHandler cqe_handler; /* QEMU passes this back to the callback */
    int fd;
    void *buf;
    size_t len;
    uint64_t offset;
    size_t total_read; /* before a resubmitted short read */
    wk_done_t *done;
    void *opaque;
    wk_in_flight_t in_flight; /* freed at run end if cut short (in-flight.c) */
} qemu_read_t;

static void read_prep_sqe(struct io_uring_sqe *sqe, void *opaque)
{
    qemu_read_t *r = opaque;
    io_uring_prep_read(sqe, r->fd, (char *)r->buf + r->total_read,
                       (unsigned)(r->len - r->total_read), r->offset + r->total_read);
}

/* As block/io_uring.c's luring_cqe_handler(): -EINTR and -EAGAIN are
 * submitted again, a short read has its rest submitted
 * (luring_resubmit_short_read), a read that ends early at 0 is padded with
 * zeroes; each resubmission is QEMU's aio_add_sqe() from the CQE handler. */
static void read_cqe(CqeHandler *h)
{
    qemu_read_t *r = container_of(h, qemu_read_t, cqe_handler);
    ssize_t res = h->cqe.res;
    if (res == -EINTR || res == -EAGAIN) {
        aio_add_sqe(read_prep_sqe, r, &r->cqe_handler);
        return;
    }
    if (res >= 0 && r->total_read + (size_t)res < r->len) {
        if (res > 0) {
            r->total_read += (size_t)res;
            aio_add_sqe(read_prep_sqe, r, &r->cqe_handler);
            return;
        }
        memset((char *)r->buf + r->total_read, 0, r->len - r->total_read);
    }
    if (res >= 0) {
        res = (ssize_t)r->len;
    }
    wk_done_t *done = r->done;
    void *opaque = r->opaque;
    wk_in_flight_remove(&r->in_flight);
    g_free(r);
    done(opaque, res);
}

static int tq_blk_read(int fd, void *buf, size_t len, uint64_t offset, wk_done_t *done,
                       void *opaque)
{
    /* QEMU's aio_add_sqe() has no guard: a caller without a current
     * context (neither an iothread nor a BQL holder) is a bug in the
     * caller.  The target interface's errors say which rule it broke. */
    AioContext *ctx = qemu_get_current_aio_context();
    if (!ctx) {
        return -EPERM;
    }
    if (!ctx->fdmon_ops->add_sqe) {
        return -ENOTSUP;
    }
    /* Field by field: a compound literal would store the links too, from
     * instrumented code (in-flight.c). */
    qemu_read_t *r = g_new0(qemu_read_t, 1);
    r->cqe_handler.cb = read_cqe;
    r->fd = fd;
    r->buf = buf;
    r->len = len;
    r->offset = offset;
    r->done = done;
    r->opaque = opaque;
    wk_in_flight_add(&r->in_flight);
    aio_add_sqe(read_prep_sqe, r, &r->cqe_handler);
    return 0;
}

/* ---- run life cycle ---- */

/* QEMU's clocks are initialised by qemu_init_main_loop() inside every run,
 * and their main-loop timer lists freed at its end (main-loop-qemu.c), so
 * every run, the first of a process included, makes the same calls. */

static void tq_run_begin(void)
{
    wk_qemu_bql_reset();
    wk_in_flight_reset();
}

static void tq_run_end(void)
{
    for (wk_in_flight_t *n; (n = wk_in_flight_take());) {
        g_free(container_of(n, qemu_read_t, in_flight));
    }
}

/* ---- contexts ---- */

static void tq_context_release(AioContext *ctx);

static wk_ctx_t *tq_context_new(int backend, unsigned ring_entries, int *err)
{
    /* QEMU picks io_uring when it can, and its ring size is fixed (128
     * entries); scenarios for this target ask for io_uring. */
    (void)backend;
    (void)ring_entries;
    Error *local_err = NULL;
    AioContext *ctx;
    if (!qemu_get_aio_context()) {
        /* The run's first context is the main loop's (threads.c creates it
         * before any other, on the main-loop thread; tq_main_loop_new
         * checks): QEMU's qemu_init_main_loop() creates it. */
        ctx = wk_qemu_main_loop_init(&local_err);
        if (!ctx) {
            wk_qemu_main_loop_end(true, tq_context_release);
            wk_qemu_main_loop_gcontext_free();
        }
    } else {
        ctx = aio_context_new(&local_err);
    }
    if (!ctx) {
        fprintf(stderr, "wakesim qemu target: aio_context_new: %s\n",
                wk_qemu_error_message(local_err));
        error_free(local_err);
        *err = -EIO;
        return NULL;
    }
    return (wk_ctx_t *)ctx;
}

/* Contexts a cut-short run left with bottom halves still scheduled: QEMU
 * aborts when finalising one ("BH leaked"), and their callbacks cannot run
 * without the threads that were waiting for them.  They are detached from
 * glib and kept here, reachable, until the process ends. */
static GPtrArray *abandoned_contexts;

static void tq_context_free(wk_ctx_t *wctx)
{
    AioContext *ctx = (AioContext *)wctx;
    if (ctx == qemu_get_aio_context()) {
        wk_qemu_main_loop_end(QSLIST_EMPTY(&ctx->bh_list), tq_context_release);
    }
    tq_context_release(ctx);
}

/* Frees a context: on its home thread, or on the host after a cut-short
 * run (then what its dead threads held is dropped first). */
static void tq_context_release(AioContext *ctx)
{
    if (!sim_thread_self()) {
        /* After a run was cut short, on the host: the threads that were
         * inside the loop are gone with their stack frames.  Drop what
         * they held so finalisation does not wait for them: the BH slices
         * on their stacks and the list lock (no thread is left to use
         * either). */
        QSIMPLEQ_INIT(&ctx->bh_slice_list);
        qemu_lockcnt_destroy(&ctx->list_lock);
        qemu_lockcnt_init(&ctx->list_lock);
        /* The machine's fd handlers are still registered (their threads
         * did not get to remove them); remove them while the GSource is
         * alive, or finalisation re-adds their fds to a destroyed source. */
        int notifier_fd = event_notifier_get_fd(&ctx->notifier);
        AioHandler *node, *next;
        QLIST_FOREACH_SAFE(node, &ctx->aio_handlers, node, next)
        {
            if (node->pfd.fd != notifier_fd && !QLIST_IS_INSERTED(node, node_deleted)) {
                aio_set_fd_handler(ctx, node->pfd.fd, NULL, NULL, NULL, NULL, NULL);
            }
        }
    }
    if (!sim_thread_self()) {
        wk_qemu_pool_abandon(ctx);
    }
    if (g_source_get_context(&ctx->source)) {
        g_source_destroy(&ctx->source);
    }
    if (!sim_thread_self() &&
        (!QSLIST_EMPTY(&ctx->bh_list) || !QSLIST_EMPTY(&ctx->scheduled_coroutines))) {
        if (!abandoned_contexts) {
            abandoned_contexts = g_ptr_array_new();
        }
        g_ptr_array_add(abandoned_contexts, ctx);
        return;
    }
    aio_context_unref(ctx);
}

static bool tq_context_has_sqe(wk_ctx_t *wctx)
{
    return ((AioContext *)wctx)->fdmon_ops->add_sqe != NULL;
}

/* QEMU's IOThread does this at start-up with its poll-max-ns, poll-grow
 * and poll-shrink properties (iothread.c: iothread_init). */
static void tq_context_set_poll_params(wk_ctx_t *wctx, int64_t max_ns, int64_t grow,
                                       int64_t shrink)
{
    Error *local_err = NULL;
    aio_context_set_poll_params((AioContext *)wctx, max_ns, grow, shrink, &local_err);
    if (local_err) {
        fprintf(stderr, "wakesim qemu target: aio_context_set_poll_params: %s\n",
                wk_qemu_error_message(local_err));
        error_free(local_err);
    }
}

/* notify_me read plainly, not with qatomic_read(): not a scheduling point
 * or a memory-model access, so the coverage map does not change the run. */
static bool tq_loop_prepared(wk_ctx_t *wctx)
{
    return *(volatile uint32_t *)&((AioContext *)wctx)->notify_me != 0;
}

static wk_ctx_t *tq_current_context(void)
{
    return (wk_ctx_t *)qemu_get_current_aio_context();
}

/* An iothread's context: QEMU's thread-local my_aiocontext, one per
 * simulated thread here (our qemu/coroutine-tls.h).  QEMU never clears it
 * (the thread ends); the slot is fresh in the next run. */
static void tq_thread_context_set(wk_ctx_t *ctx)
{
    if (ctx) {
        qemu_set_current_aio_context((AioContext *)ctx);
    }
}

/* The main context was forgotten when it was freed (tq_context_free). */
static void tq_main_context_clear(void)
{
    assert(!qemu_get_aio_context());
}

/* ---- the main loop: QEMU's main_loop_wait() (main-loop-qemu.c) ---- */

/* The handle is the run's GMainContext, where qemu_init_main_loop()
 * attached the main and iohandler contexts' GSources. */
static wk_main_loop_t *tq_main_loop_new(wk_ctx_t *wctx)
{
    assert((AioContext *)wctx == qemu_get_aio_context());
    return (wk_main_loop_t *)wk_qemu_main_loop_gcontext();
}

static void tq_main_loop_free(wk_main_loop_t *wml)
{
    (void)wml;
    wk_qemu_main_loop_gcontext_free();
}

static void tq_main_loop_wait(wk_main_loop_t *wml)
{
    (void)wml;
    main_loop_wait(false);
}

static bool tq_poll(wk_ctx_t *ctx, bool blocking)
{
    return aio_poll((AioContext *)ctx, blocking);
}

static void tq_set_fd_handler(wk_ctx_t *ctx, int fd, wk_cb_t *io_read, void *opaque)
{
    aio_set_fd_handler((AioContext *)ctx, fd, io_read, NULL, NULL, NULL, opaque);
}

static void tq_bh_schedule(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque)
{
    aio_bh_schedule_oneshot((AioContext *)ctx, cb, opaque);
}

static wk_bh_t *tq_bh_new(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque)
{
    return (wk_bh_t *)aio_bh_new((AioContext *)ctx, cb, opaque);
}

static void tq_bh_schedule_op(wk_bh_t *bh)
{
    qemu_bh_schedule((QEMUBH *)bh);
}

static void tq_bh_cancel_op(wk_bh_t *bh)
{
    qemu_bh_cancel((QEMUBH *)bh);
}

static void tq_bh_delete_op(wk_bh_t *bh)
{
    qemu_bh_delete((QEMUBH *)bh);
}

/* After a cut-short run, on the host, the contexts are gone: finalised
 * (their BH list was empty, so this BH was on none), or abandoned with
 * their list (tq_context_free), never to be walked again.  Either way
 * nothing reaches the BH but its owner: aio_bh_new_full's g_new0 memory. */
static void tq_bh_free_after_context(wk_bh_t *bh)
{
    g_free(bh);
}

static wk_timer_t *tq_timer_new(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque)
{
    return (wk_timer_t *)aio_timer_new((AioContext *)ctx, QEMU_CLOCK_REALTIME, SCALE_NS, cb,
                                       opaque);
}

static void tq_timer_mod(wk_timer_t *t, int64_t expire_ns)
{
    timer_mod_ns((QEMUTimer *)t, expire_ns);
}

static void tq_timer_del_op(wk_timer_t *t)
{
    timer_del((QEMUTimer *)t);
}

static void tq_timer_free_op(wk_timer_t *t)
{
    timer_free((QEMUTimer *)t);
}

/* Main-loop clocks, by the index target.h gives them. */
static const QEMUClockType ml_clocks[] = { QEMU_CLOCK_REALTIME, QEMU_CLOCK_VIRTUAL };

/* QEMU starts its virtual clock disabled (qemu_clock_init) and enables it
 * when the guest starts running (resume_all_vcpus); a disabled clock's
 * timers never fire.  Enabled here, with the first virtual timer of a run
 * (qemu_clock_enable does nothing when it already is), so a run that arms
 * none keeps the steps it had. */
static wk_timer_t *tq_ml_timer_new(int clock, wk_cb_t *cb, void *opaque)
{
    assert(clock >= 0 && clock < (int)G_N_ELEMENTS(ml_clocks));
    if (ml_clocks[clock] == QEMU_CLOCK_VIRTUAL) {
        qemu_clock_enable(QEMU_CLOCK_VIRTUAL, true);
    }
    return (wk_timer_t *)timer_new_ns(ml_clocks[clock], cb, opaque);
}

static int64_t tq_ml_clock_ns(int clock)
{
    assert(clock >= 0 && clock < (int)G_N_ELEMENTS(ml_clocks));
    return qemu_clock_get_ns(ml_clocks[clock]);
}

static void tq_notify_event(void)
{
    qemu_notify_event();
}

static int64_t tq_clock_now_ns(void)
{
    return qemu_clock_get_ns(QEMU_CLOCK_REALTIME);
}

static void tq_bql_lock_op(void)
{
    bql_lock();
}

static void tq_bql_unlock_op(void)
{
    bql_unlock();
}

const wk_target_ops_t wk_target_qemu = {
    .name = "qemu",
    .build_mutation = WAKESIM_QEMU_MUTATION,
    .build_identity = WAKESIM_QEMU_IDENTITY,
    .run_begin = tq_run_begin,
    .run_end = tq_run_end,
    .context_new = tq_context_new,
    .context_free = tq_context_free,
    .context_has_sqe = tq_context_has_sqe,
    .context_set_poll_params = tq_context_set_poll_params,
    .current_context = tq_current_context,
    .thread_context_set = tq_thread_context_set,
    .main_context_clear = tq_main_context_clear,
    .main_loop_new = tq_main_loop_new,
    .main_loop_wait = tq_main_loop_wait,
    .main_loop_free = tq_main_loop_free,
    .poll = tq_poll,
    .blocking_poll_skips_reaped_cqes = true,
    .set_fd_handler = tq_set_fd_handler,
    .bh_schedule_oneshot = tq_bh_schedule,
    .bh_new = tq_bh_new,
    .bh_schedule = tq_bh_schedule_op,
    .bh_cancel = tq_bh_cancel_op,
    .bh_delete = tq_bh_delete_op,
    .bh_free_after_context = tq_bh_free_after_context,
    .timer_new = tq_timer_new,
    .timer_mod_ns = tq_timer_mod,
    .timer_del = tq_timer_del_op,
    .timer_free = tq_timer_free_op,
    .clock_ns = tq_clock_now_ns,
    .blk_read = tq_blk_read,
    .bql_lock = tq_bql_lock_op,
    .bql_unlock = tq_bql_unlock_op,
    WK_QEMU_WIDE_OPS,
    .ml_timer_new = tq_ml_timer_new,
    .ml_clock_ns = tq_ml_clock_ns,
    .notify_event = tq_notify_event,
    .loop_prepared = tq_loop_prepared,
};

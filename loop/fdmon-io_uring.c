/*
 * fdmon-io_uring.c - the io_uring fd monitor, and the ring that user SQEs
 * share with it.  Mirrors QEMU's util/fdmon-io_uring.c (fill_sq_ring,
 * add_poll_add_sqe, add_poll_remove_sqe, add_timeout_sqe, process_cqe,
 * fdmon_io_uring_wait / _gsource_prepare / _gsource_check).
 *
 * Threads: only the home thread fills the SQ ring from pending handler
 * changes and enters the ring (submit / wait).  Other threads only queue:
 * handler changes go on ctx->pending_changes, SQEs that do not fit go on
 * ctx->sqe_overflow (aio-sqe.c).  The one exception, as in QEMU, is a BQL
 * holder running aio_poll() on the main context; the BQL serialises it with
 * the main-loop thread, which then is inside its ppoll() and not in the ring.
 *
 * user_data: a user SQE carries its aio_cqe_handler_t pointer with bit 0
 * set; an internal one (poll, poll-remove, timeout) an aio_internal_cqe_t
 * pointer with bit 0 clear.
 */
#include <stddef.h>
#include "aio-internal.h"

#define USER_CQE_TAG ((uintptr_t)1)

#define handler_of(ptr, member)                                                            \
    ((aio_handler_t *)((char *)(ptr)-offsetof(aio_handler_t, member)))

/* The home thread needs an SQE: a full ring is submitted to make room.
 * NULL if that submit took nothing (-EAGAIN, -EBUSY, -EINTR from the
 * kernel): every caller keeps its request for a later try. */
struct io_uring_sqe *aio_uring_get_sqe(aio_context_t *ctx)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ctx->ring);
    if (!sqe) {
        os_uring_submit(&ctx->ring);
        sqe = io_uring_get_sqe(&ctx->ring);
    }
    return sqe;
}

void aio_uring_prep_user_sqe(struct io_uring_sqe *sqe, aio_sqe_prep_fn_t *prep,
                             void *opaque, aio_cqe_handler_t *handler)
{
    prep(sqe, opaque);
    io_uring_sqe_set_data(sqe, (void *)((uintptr_t)handler | USER_CQE_TAG));
}

static void poll_cqe_done(aio_context_t *ctx, aio_internal_cqe_t *ic, int32_t res);
static void remove_cqe_done(aio_context_t *ctx, aio_internal_cqe_t *ic, int32_t res);
static void timeout_cqe_done(aio_context_t *ctx, aio_internal_cqe_t *ic, int32_t res)
{
}

static void queue_change_locked(aio_context_t *ctx, aio_handler_t *h)
{
    if (!h->change_queued) {
        h->change_queued = true;
        h->change_next = ctx->pending_changes;
        ctx->pending_changes = h;
    }
}

/* Turns one pending handler change into a POLL_ADD or POLL_REMOVE. */
static void change_to_sqe(aio_context_t *ctx, aio_handler_t *h)
{
    if (h->deleted) {
        if (h->poll_armed && !h->remove_pending) {
            struct io_uring_sqe *sqe = aio_uring_get_sqe(ctx);
            if (!sqe) {
                queue_change_locked(ctx, h); /* the next fill retries */
                return;
            }
            io_uring_prep_poll_remove(sqe, (__u64)(uintptr_t)&h->poll_cqe);
            io_uring_sqe_set_data(sqe, &h->remove_cqe);
            h->remove_pending = true;
        }
        ctx->list_has_deleted = true;
    } else if (!h->poll_armed) {
        struct io_uring_sqe *sqe = aio_uring_get_sqe(ctx);
        if (!sqe) {
            queue_change_locked(ctx, h); /* the next fill retries */
            return;
        }
        io_uring_prep_poll_add(sqe, h->fd, (unsigned)h->events);
        io_uring_sqe_set_data(sqe, &h->poll_cqe);
        h->poll_armed = true;
    }
}

/* Mirrors QEMU's fill_sq_ring(): home thread only. */
static void fill_sq_ring(aio_context_t *ctx)
{
    ctx->sqe_left_behind = false;
    os_mutex_lock(&ctx->list_lock);
    aio_sqe_overflow_t *overflow = ctx->sqe_overflow;
    ctx->sqe_overflow = NULL;
    ctx->sqe_overflow_tail = &ctx->sqe_overflow;
    aio_handler_t *changes = ctx->pending_changes, *next;
    ctx->pending_changes = NULL;
    for (aio_handler_t *h = changes; h; h = next) {
        next = h->change_next; /* change_to_sqe may requeue h */
        h->change_queued = false;
        change_to_sqe(ctx, h);
        ctx->sqe_left_behind |= h->change_queued;
    }
    os_mutex_unlock(&ctx->list_lock);

    while (overflow) {
        struct io_uring_sqe *sqe = aio_uring_get_sqe(ctx);
        if (!sqe) {
            /* Put the rest back in front, keeping their order, for the
             * next fill. */
            os_mutex_lock(&ctx->list_lock);
            aio_sqe_overflow_t **tail = &overflow;
            while (*tail) {
                tail = &(*tail)->next;
            }
            *tail = ctx->sqe_overflow;
            if (!ctx->sqe_overflow) {
                ctx->sqe_overflow_tail = tail;
            }
            ctx->sqe_overflow = overflow;
            os_mutex_unlock(&ctx->list_lock);
            ctx->sqe_left_behind = true;
            return;
        }
        aio_sqe_overflow_t *o = overflow;
        overflow = o->next;
        aio_uring_prep_user_sqe(sqe, o->prep, o->opaque, o->handler);
        g_free(o);
    }
}

/* Whether work is left that the kernel has not taken: SQEs in the ring
 * (a failed or partial submit) or requests the last fill found no SQE for.
 * Requests other threads queue later come with an aio_notify() of their
 * own, so no lock is needed (and none is taken: this runs every iteration). */
static bool sq_work_left(aio_context_t *ctx)
{
    return io_uring_sq_ready(&ctx->ring) || ctx->sqe_left_behind;
}

static void process_cqe(aio_context_t *ctx, uintptr_t user_data, int32_t res,
                        uint32_t flags)
{
    if (user_data & USER_CQE_TAG) {
        aio_cqe_handler_t *h = (aio_cqe_handler_t *)(user_data & ~USER_CQE_TAG);
        h->res = res;
        h->flags = flags;
        aio_cqe_ready_push(ctx, h);
    } else if (user_data) {
        aio_internal_cqe_t *ic = (aio_internal_cqe_t *)user_data;
        ic->cb(ctx, ic, res);
    }
}

static unsigned reap_cq_ring(aio_context_t *ctx)
{
    struct io_uring_cqe *cqe;
    unsigned head, seen = 0;

    io_uring_for_each_cqe(&ctx->ring, head, cqe)
    {
        process_cqe(ctx, (uintptr_t)cqe->user_data, cqe->res, cqe->flags);
        seen++;
    }
    io_uring_cq_advance(&ctx->ring, seen);
    return seen;
}

/* Reaps every CQE, including those the kernel holds back after a CQ
 * overflow.  Runs no user code: user CQEs wait on ctx->ready_cqes, ready fds
 * on ctx->ready_handlers.
 *
 * Why the flush: overflowed CQEs stay in the kernel until an enter with
 * GETEVENTS, while the ring fd polls readable.  The GSource path never
 * waits in the ring, so without io_uring_get_events() it would see a
 * readable fd and an empty CQ forever (a busy loop that completes nothing).
 * Each flush moves at most a CQ's worth: repeat while reaping makes room. */
void aio_uring_process_cqes(aio_context_t *ctx)
{
    bool flush = !aio_mutant_on(AIO_MUTANT_CQ_OVERFLOW_NOT_FLUSHED);

    for (;;) {
        if (flush && io_uring_cq_has_overflow(&ctx->ring)) {
            os_uring_get_events(&ctx->ring);
        }
        unsigned seen = reap_cq_ring(ctx);
        if (!flush || !seen || !io_uring_cq_has_overflow(&ctx->ring)) {
            break;
        }
    }
}

static void poll_cqe_done(aio_context_t *ctx, aio_internal_cqe_t *ic, int32_t res)
{
    aio_handler_t *h = handler_of(ic, poll_cqe);

    os_mutex_lock(&ctx->list_lock);
    h->poll_armed = false;
    if (h->deleted) {
        ctx->list_has_deleted = true;
    } else {
        if (res != -ECANCELED) {
            aio_handler_mark_ready(ctx, h, res < 0 ? (short)G_IO_ERR : (short)res);
        }
        /* One-shot: re-arm by queueing; submitted before the next sleep. */
        queue_change_locked(ctx, h);
    }
    os_mutex_unlock(&ctx->list_lock);
}

static void remove_cqe_done(aio_context_t *ctx, aio_internal_cqe_t *ic, int32_t res)
{
    aio_handler_t *h = handler_of(ic, remove_cqe);

    os_mutex_lock(&ctx->list_lock);
    h->remove_pending = false;
    ctx->list_has_deleted = true;
    os_mutex_unlock(&ctx->list_lock);
}

static int fdmon_io_uring_init(aio_context_t *ctx)
{
    int ret = os_uring_init(ctx->ring_entries, &ctx->ring, 0);
    if (ret < 0) {
        return ret;
    }
    ctx->ring_ok = true;
    ctx->timeout_cqe.cb = timeout_cqe_done;
    ctx->ring_gpfd.fd = ctx->ring.ring_fd;
    ctx->ring_gpfd.events = G_IO_IN;
    g_source_add_poll(&ctx->source, &ctx->ring_gpfd);
    return 0;
}

static void fdmon_io_uring_cleanup(aio_context_t *ctx)
{
    if (ctx->ring_ok) {
        g_source_remove_poll(&ctx->source, &ctx->ring_gpfd);
        os_uring_exit(&ctx->ring);
        ctx->ring_ok = false;
    }
    for (aio_handler_t *h = ctx->handlers; h; h = h->next) {
        h->poll_armed = h->remove_pending = h->change_queued = false;
    }
    ctx->pending_changes = NULL;
}

/* Any thread; list lock held.  Only queues: the home thread makes the SQE. */
static void fdmon_io_uring_update(aio_context_t *ctx, aio_handler_t *h, bool deleting)
{
    h->poll_cqe.cb = poll_cqe_done;
    h->remove_cqe.cb = remove_cqe_done;
    if (aio_mutant_on(AIO_MUTANT_HANDLER_ADD_DURING_WALK_LOST) && !deleting &&
        ctx->list_walkers > 0 && ctx->home_thread != os_thread_self()) {
        return;
    }
    queue_change_locked(ctx, h);
}

/* False if no SQE could be had: the caller must not wait then (nothing
 * would bound the wait). */
static bool add_timeout_sqe(aio_context_t *ctx, int64_t timeout_ns)
{
    struct io_uring_sqe *sqe = aio_uring_get_sqe(ctx);
    if (!sqe) {
        return false;
    }
    ctx->wait_ts.tv_sec = timeout_ns / 1000000000;
    ctx->wait_ts.tv_nsec = timeout_ns % 1000000000;
    /* Completion count 1: it also ends as soon as any other CQE is posted,
     * so a stale timeout never outlives the wait that queued it by much.
     * The kernel copies the timespec when the SQE is submitted. */
    io_uring_prep_timeout(sqe, &ctx->wait_ts, 1, 0);
    io_uring_sqe_set_data(sqe, &ctx->timeout_cqe);
    return true;
}

/* Mirrors QEMU's fdmon_io_uring_wait(). */
static int fdmon_io_uring_wait(aio_context_t *ctx, int64_t timeout_ns)
{
    int ret;

    fill_sq_ring(ctx);
    /* Work the kernel refused last time (or that found no SQE) must not
     * wait behind a sleep: submit without waiting, the caller comes back. */
    if (!aio_mutant_on(AIO_MUTANT_SUBMIT_FAILURE_SLEEPS) && timeout_ns != 0 &&
        ctx->sqe_left_behind) {
        timeout_ns = 0;
    }
    if (timeout_ns > 0 && !add_timeout_sqe(ctx, timeout_ns)) {
        timeout_ns = 0;
    }
    if (timeout_ns == 0) {
        ret = io_uring_sq_ready(&ctx->ring) ? os_uring_submit(&ctx->ring) : 0;
    } else {
        ret = os_uring_submit_and_wait(&ctx->ring, 1);
    }
    if (ret == -EINTR || ret == -EAGAIN || ret == -EBUSY || ret == -ETIME) {
        ret = 0;
    }
    aio_uring_process_cqes(ctx);
    return ret;
}

static bool fdmon_io_uring_gsource_prepare(aio_context_t *ctx)
{
    if (aio_mutant_on(AIO_MUTANT_GSOURCE_PREPARE_NO_SUBMIT)) {
        return false;
    }
    fill_sq_ring(ctx);
    if (io_uring_sq_ready(&ctx->ring)) {
        os_uring_submit(&ctx->ring);
    }
    /* A failed or partial submit leaves SQEs in the ring: sleeping now
     * would leave them there until an unrelated wakeup. */
    return !aio_mutant_on(AIO_MUTANT_SUBMIT_FAILURE_SLEEPS) && sq_work_left(ctx);
}

/* Mirrors QEMU's fdmon_io_uring_gsource_check() with the seed's second
 * patch: CQEs may already sit in the CQ ring (posted during prepare's
 * submit, or left by a BQL holder's aio_poll) while glib saw no revents. */
static bool fdmon_io_uring_gsource_check(aio_context_t *ctx)
{
    if (ctx->ring_gpfd.revents & G_IO_IN) {
        return true;
    }
    return !aio_mutant_on(AIO_MUTANT_GSOURCE_CHECK_SKIPS_CQ) &&
           io_uring_cq_ready(&ctx->ring) > 0;
}

static void fdmon_io_uring_gsource_dispatch(aio_context_t *ctx)
{
    ctx->ring_gpfd.revents = 0;
    aio_uring_process_cqes(ctx);
}

static bool fdmon_io_uring_can_free(aio_context_t *ctx, aio_handler_t *h)
{
    return !h->poll_armed && !h->remove_pending && !h->change_queued;
}

const aio_fdmon_ops_t aio_fdmon_io_uring_ops = {
    .name = "io_uring",
    .init = fdmon_io_uring_init,
    .cleanup = fdmon_io_uring_cleanup,
    .update = fdmon_io_uring_update,
    .wait = fdmon_io_uring_wait,
    .gsource_prepare = fdmon_io_uring_gsource_prepare,
    .gsource_check = fdmon_io_uring_gsource_check,
    .gsource_dispatch = fdmon_io_uring_gsource_dispatch,
    .can_free = fdmon_io_uring_can_free,
};

/*
 * aio-bh.c - bottom halves: callbacks scheduled from any thread, run by the
 * context's home thread.  Mirrors QEMU's aio_bh_enqueue(), aio_bh_poll(),
 * qemu_bh_schedule() and friends in util/async.c.
 *
 * Invariants: a BH is on ctx->bh_list at most once (the PENDING bit, set by
 * an atomic fetch_or, decides who pushes it); the home thread steals the
 * whole list with one exchange, and clears PENDING|SCHEDULED with an atomic
 * fetch_and before running it, so a schedule racing with the run is either
 * seen by this run or re-queues the BH for the next one, never lost.
 */
#include "aio-internal.h"

static void aio_bh_enqueue(aio_bh_t *bh, unsigned new_flags)
{
    aio_context_t *ctx = bh->ctx;
    unsigned old_flags = aio_atomic_fetch_or(&bh->flags, AIO_BH_PENDING | new_flags);

    if (!(old_flags & AIO_BH_PENDING)) {
        aio_bh_t *head = aio_atomic_read(&ctx->bh_list);
        for (;;) {
            bh->next = head;
            aio_bh_t *seen = aio_atomic_cmpxchg(&ctx->bh_list, head, bh);
            if (seen == head) {
                break;
            }
            head = seen;
        }
    } else if (aio_mutant_on(AIO_MUTANT_BH_PENDING_SKIPS_NOTIFY)) {
        return;
    }
    if (!aio_mutant_on(AIO_MUTANT_BH_SCHEDULE_NO_NOTIFY)) {
        aio_notify(ctx);
    }
}

aio_bh_t *aio_bh_new(aio_context_t *ctx, aio_bh_cb_t *cb, void *opaque)
{
    aio_bh_t *bh = g_new0(aio_bh_t, 1);
    bh->ctx = ctx;
    bh->cb = cb;
    bh->opaque = opaque;
    return bh;
}

void aio_bh_schedule(aio_bh_t *bh)
{
    aio_bh_enqueue(bh, AIO_BH_SCHEDULED);
}

void aio_bh_schedule_oneshot(aio_context_t *ctx, aio_bh_cb_t *cb, void *opaque)
{
    aio_bh_t *bh = aio_bh_new(ctx, cb, opaque);
    aio_bh_enqueue(bh, AIO_BH_SCHEDULED | AIO_BH_ONESHOT);
}

void aio_bh_cancel(aio_bh_t *bh)
{
    aio_atomic_fetch_and(&bh->flags, ~AIO_BH_SCHEDULED);
}

/* The BH is freed by its home thread when dequeued, so that a concurrent
 * aio_bh_poll() never touches freed memory. */
void aio_bh_delete(aio_bh_t *bh)
{
    aio_bh_enqueue(bh, AIO_BH_DELETED);
}

/* Steals the whole list and reverses it, so BHs run in scheduling order. */
static aio_bh_t *aio_bh_steal_fifo(aio_context_t *ctx)
{
    aio_bh_t *lifo = aio_atomic_xchg(&ctx->bh_list, (aio_bh_t *)NULL);
    aio_bh_t *fifo = NULL;
    while (lifo) {
        aio_bh_t *next = lifo->next;
        lifo->next = fifo;
        fifo = lifo;
        lifo = next;
    }
    return fifo;
}

static void aio_bh_slice_append(aio_context_t *ctx, aio_bh_slice_t *slice)
{
    aio_bh_slice_t **tail = &ctx->bh_slices;
    while (*tail) {
        tail = &(*tail)->next;
    }
    slice->next = NULL;
    *tail = slice;
}

/* Runs every BH of every open slice, oldest slice first: a nested
 * aio_poll() from inside a BH continues the outer call's slice.  Mirrors
 * QEMU's aio_bh_poll(). */
bool aio_bh_poll(aio_context_t *ctx)
{
#ifdef WAKESIM_EXTRA_SCHED_POINT
    /* Test builds only (cmake -DWAKESIM_EXTRA_SCHED_POINT=ON): a harmless
     * extra shared read, which the simulator makes one more scheduling
     * point in every loop iteration.  Regression inputs must survive it. */
    (void)aio_atomic_read(&ctx->notify_me);
#endif
    aio_bh_slice_t slice = { .head = aio_bh_steal_fifo(ctx) };
    bool progress = false;

    aio_bh_slice_append(ctx, &slice);
    while (ctx->bh_slices) {
        aio_bh_slice_t *s = ctx->bh_slices;
        aio_bh_t *bh = s->head;
        if (!bh) {
            ctx->bh_slices = s->next;
            continue;
        }
        s->head = bh->next;

        bool clear_after = aio_mutant_on(AIO_MUTANT_BH_FLAGS_CLEARED_AFTER_RUN);
        unsigned flags =
            clear_after
                ? aio_atomic_read(&bh->flags)
                : aio_atomic_fetch_and(&bh->flags, ~(AIO_BH_PENDING | AIO_BH_SCHEDULED));
        if ((flags & (AIO_BH_SCHEDULED | AIO_BH_DELETED)) == AIO_BH_SCHEDULED) {
            progress = true;
#ifdef WAKESIM_EXTRA_BH_EVENT
            /* Test builds only (cmake -DWAKESIM_EXTRA_BH_EVENT=ON): a
             * harmless lock round per BH run (a context-private lock no
             * other thread takes), two more kernel-visible events and
             * scheduling points.  Regression inputs must survive it. */
            os_mutex_lock(&ctx->bh_stats_lock);
            ctx->bh_runs++;
            os_mutex_unlock(&ctx->bh_stats_lock);
#endif
            bh->cb(bh->opaque);
        }
        if (clear_after) {
            flags |= aio_atomic_fetch_and(&bh->flags, ~(AIO_BH_PENDING | AIO_BH_SCHEDULED));
        }
        if (flags & (AIO_BH_DELETED | AIO_BH_ONESHOT)) {
            g_free(bh);
        }
    }
    return progress;
}

/* Mirrors the BH half of QEMU's aio_compute_timeout(). */
bool aio_bh_any_scheduled(aio_context_t *ctx)
{
    for (aio_bh_t *bh = aio_atomic_load_acquire(&ctx->bh_list); bh; bh = bh->next) {
        if ((aio_atomic_read(&bh->flags) & (AIO_BH_SCHEDULED | AIO_BH_DELETED)) ==
            AIO_BH_SCHEDULED) {
            return true;
        }
    }
    for (aio_bh_slice_t *s = ctx->bh_slices; s; s = s->next) {
        for (aio_bh_t *bh = s->head; bh; bh = bh->next) {
            if ((aio_atomic_read(&bh->flags) & (AIO_BH_SCHEDULED | AIO_BH_DELETED)) ==
                AIO_BH_SCHEDULED) {
                return true;
            }
        }
    }
    return false;
}

/* At context teardown: BHs still queued are freed.  A reusable BH that was
 * never deleted stays its owner's to free. */
void aio_bh_free_all(aio_context_t *ctx)
{
    aio_bh_t *bh = aio_bh_steal_fifo(ctx);
    while (bh) {
        aio_bh_t *next = bh->next;
        unsigned flags = aio_atomic_fetch_and(&bh->flags, ~AIO_BH_PENDING);
        if (flags & (AIO_BH_DELETED | AIO_BH_ONESHOT)) {
            g_free(bh);
        }
        bh = next;
    }
}

/*
 * aio-poll.c - one iteration of a context's loop on its home thread (or on
 * the main context by a BQL holder).  Mirrors QEMU's aio_poll() in
 * util/aio-posix.c, following the step order of docs/protocol.md.
 */
#include "aio-internal.h"

/* Mirrors QEMU's aio_compute_timeout(): 0 if anything is runnable now, else
 * the nearest timer, else -1 (sleep until notified). */
int64_t aio_compute_timeout_ns(aio_context_t *ctx, bool blocking)
{
    if (!blocking || ctx->ready_cqes || ctx->ready_handlers || aio_bh_any_scheduled(ctx)) {
        return 0;
    }
    return aio_timers_deadline_ns(ctx);
}

static bool aio_dispatch(aio_context_t *ctx)
{
    bool progress = false;
    progress |= aio_dispatch_ready_cqes(ctx);
    progress |= aio_bh_poll(ctx);
    progress |= aio_dispatch_ready_handlers(ctx);
    progress |= aio_timers_run_expired(ctx);
    return progress;
}

bool aio_poll(aio_context_t *ctx, bool blocking)
{
    bool raised_notify_me = false;
    int64_t start = 0;

    aio_handlers_walk_begin(ctx);

    if (ctx->poll_max_ns) {
        start = os_clock_ns();
        ctx->poll_notified = false;
    }
    int64_t timeout_ns = aio_compute_timeout_ns(ctx, blocking);
    aio_poll_mode_try(ctx, &timeout_ns);
    if (timeout_ns != 0) {
        /* From here until it is lowered, producers must kick the eventfd.
         * The fence pairs with the one in aio_notify(); re-reading
         * "notified" closes the window between computing the timeout and
         * raising notify_me, in which a producer saw notify_me == 0. */
        aio_atomic_fetch_add(&ctx->notify_me, 2);
        if (!aio_mutant_on(AIO_MUTANT_POLL_SKIPS_FULL_FENCE)) {
            aio_smp_mb();
        }
        raised_notify_me = true;
        if (!aio_mutant_on(AIO_MUTANT_POLL_SKIPS_NOTIFIED_RECHECK) &&
            aio_atomic_read(&ctx->notified)) {
            timeout_ns = 0;
        }
    }

    ctx->fdmon->wait(ctx, timeout_ns);

    if (raised_notify_me) {
        /* Release: nothing of the wait may be reordered after this. */
        aio_atomic_fetch_sub(&ctx->notify_me, 2);
    }
    aio_notify_accept(ctx);
    int64_t block_ns = ctx->poll_max_ns ? os_clock_ns() - start : 0;

    bool progress = aio_dispatch(ctx);
    /* As QEMU adjusts a poll handler's window when it was ready: the
     * notifier fired, by its poll handler or its fd. */
    if (ctx->poll_max_ns && ctx->poll_notified) {
        aio_poll_mode_adjust(ctx, block_ns);
    }
    aio_handlers_walk_end(ctx);

    /* A BQL holder polling the main context may have taken a notification
     * meant for the main-loop thread (it reaped the notifier's CQE and
     * drained the eventfd, and left the notifier's POLL_ADD re-arm queued)
     * while that thread sleeps in glib's poll with a timeout computed
     * earlier: a timer armed since, or any later notify, would be missed
     * until some unrelated wakeup (a vCPU that arms a main-context timer,
     * then does a synchronous read).  Bit 0 of notify_me says glib is
     * polling; hand the wakeup on so that it prepares again. */
    if (ctx->home_thread != os_thread_self() && (aio_atomic_read(&ctx->notify_me) & 1u)) {
        /* First submit what this poll queued, the notifier's POLL_ADD re-arm
         * among it: glib polls the ring fd, and an unarmed notifier posts
         * no CQE.  The BQL holder may enter the main ring (see README). */
        if (ctx->fdmon->gsource_prepare(ctx)) {
            /* The submit failed (EAGAIN, EBUSY, EINTR) and the re-arm is
             * still queued, so the notifier cannot post the CQE that would
             * wake glib.  Wake glib's own poll instead, which needs no ring:
             * its prepare then submits again. */
            g_main_context_wakeup(g_source_get_context(&ctx->source));
        }
        os_eventfd_signal(ctx->notifier_fd);
    }
    return progress;
}

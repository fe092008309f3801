/*
 * aio-gsource.c - the context as a glib GSource, so a GMainContext drives
 * it.  Mirrors QEMU's aio_ctx_prepare(), aio_ctx_check() and
 * aio_ctx_dispatch() in util/async.c.
 *
 * Invariant: bit 0 of notify_me is set from prepare to check, i.e. across
 * glib's poll, so every aio_notify() in that window writes the eventfd,
 * which the fd monitor's GPollFD (the eventfd for ppoll, the ring fd for
 * io_uring via its POLL_ADD) turns into a wakeup.
 */
#include "aio-internal.h"

static gint timeout_ns_to_ms_round_up(int64_t ns)
{
    if (ns < 0) {
        return -1;
    }
    int64_t ms = (ns + 999999) / 1000000;
    return ms > G_MAXINT ? G_MAXINT : (gint)ms;
}

static gboolean aio_ctx_prepare(GSource *source, gint *timeout)
{
    aio_context_t *ctx = (aio_context_t *)source;

    if (!aio_mutant_on(AIO_MUTANT_GSOURCE_PREPARE_SKIPS_NOTIFY_ME)) {
        aio_atomic_fetch_or(&ctx->notify_me, 1u);
    }
    /* Pairs with the full fence in aio_notify(). */
    if (!aio_mutant_on(AIO_MUTANT_PREPARE_SKIPS_FULL_FENCE)) {
        aio_smp_mb();
    }

    int64_t timeout_ns = aio_compute_timeout_ns(ctx, true);
    /* Submits every queued SQE (user SQEs and re-armed POLL_ADDs) before
     * glib may sleep: only this thread enters the ring. */
    if (ctx->fdmon->gsource_prepare(ctx)) {
        timeout_ns = 0; /* SQEs still queued: retry at once, do not sleep */
    }

    *timeout = timeout_ns_to_ms_round_up(timeout_ns);
    return *timeout == 0;
}

static gboolean aio_ctx_check(GSource *source)
{
    aio_context_t *ctx = (aio_context_t *)source;
    bool ready;

    aio_atomic_fetch_and(&ctx->notify_me, ~1u);
    aio_notify_accept(ctx);

    aio_handlers_walk_begin(ctx);
    ready = aio_bh_any_scheduled(ctx) || ctx->ready_cqes || ctx->ready_handlers ||
            ctx->fdmon->gsource_check(ctx) || aio_timers_deadline_ns(ctx) == 0;
    aio_handlers_walk_end(ctx);
    return ready;
}

static gboolean aio_ctx_dispatch(GSource *source, GSourceFunc callback, gpointer user_data)
{
    aio_context_t *ctx = (aio_context_t *)source;

    /* glib skips check when prepare said "ready": do its bookkeeping here
     * too (both steps are idempotent). */
    aio_atomic_fetch_and(&ctx->notify_me, ~1u);
    aio_notify_accept(ctx);

    aio_handlers_walk_begin(ctx);
    aio_bh_poll(ctx);
    ctx->fdmon->gsource_dispatch(ctx);
    aio_dispatch_ready_cqes(ctx);
    aio_dispatch_ready_handlers(ctx);
    aio_timers_run_expired(ctx);
    aio_handlers_walk_end(ctx);
    return G_SOURCE_CONTINUE;
}

GSourceFuncs aio_gsource_funcs = {
    .prepare = aio_ctx_prepare,
    .check = aio_ctx_check,
    .dispatch = aio_ctx_dispatch,
};

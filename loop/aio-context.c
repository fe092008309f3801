/*
 * aio-context.c - creating and destroying a context, and choosing its fd
 * monitor.  Mirrors QEMU's aio_context_new() / aio_ctx_finalize() in
 * util/async.c and fdmon_io_uring_setup() in util/aio-posix.c.
 *
 * The context *is* its GSource (the GSource is its first member), as in
 * QEMU: glib owns the memory, and the last g_source_unref() frees it.
 */
#include "aio-internal.h"

#define AIO_RING_ENTRIES_DEFAULT 128

const char *aio_backend_name(aio_backend_t backend)
{
    switch (backend) {
    case AIO_BACKEND_POLL:
        return "ppoll";
    case AIO_BACKEND_IO_URING:
        return "io_uring";
    default:
        return "auto";
    }
}

/* The notifier's dispatch only drains the eventfd; "notified" was already
 * consumed by aio_notify_accept(). */
static void aio_notifier_read(void *opaque)
{
    aio_context_t *ctx = opaque;
    ctx->poll_notified = true;
    os_eventfd_drain(ctx->notifier_fd);
}

static int aio_fdmon_setup(aio_context_t *ctx, aio_backend_t backend)
{
    if (backend != AIO_BACKEND_POLL) {
        int ret = aio_fdmon_io_uring_ops.init(ctx);
        if (ret == 0) {
            ctx->fdmon = &aio_fdmon_io_uring_ops;
            ctx->backend = AIO_BACKEND_IO_URING;
            return 0;
        }
        if (backend == AIO_BACKEND_IO_URING) {
            return ret;
        }
        /* AUTO: io_uring is often denied (seccomp, rr); ppoll always works. */
    }
    ctx->fdmon = &aio_fdmon_poll_ops;
    ctx->backend = AIO_BACKEND_POLL;
    return aio_fdmon_poll_ops.init(ctx);
}

aio_context_t *aio_context_new_ring(aio_backend_t backend, unsigned ring_entries,
                                    int *err_out)
{
    aio_context_t *ctx =
        (aio_context_t *)g_source_new(&aio_gsource_funcs, sizeof(aio_context_t));
    int ret;

    g_source_set_name(&ctx->source, "wakesim-aio");
    /* As QEMU's aio_context_new(): glib must not block the source while it
     * dispatches.  Blocking removes and re-adds its fds, and each change
     * writes glib's own wakeup eventfd, so every dispatch would cost the
     * loop an extra, empty iteration. */
    g_source_set_can_recurse(&ctx->source, true);
    os_mutex_init(&ctx->timer_lock);
    os_mutex_init(&ctx->list_lock);
#ifdef WAKESIM_EXTRA_BH_EVENT
    os_mutex_init(&ctx->bh_stats_lock);
#endif
    ctx->ready_cqes_tail = &ctx->ready_cqes;
    ctx->sqe_overflow_tail = &ctx->sqe_overflow;
    ctx->ring_entries = ring_entries ? ring_entries : AIO_RING_ENTRIES_DEFAULT;
    ctx->notifier_fd = -1;

    ret = os_eventfd_new();
    if (ret < 0) {
        goto fail;
    }
    ctx->notifier_fd = ret;
    ret = aio_fdmon_setup(ctx, backend);
    if (ret < 0) {
        goto fail;
    }
    aio_set_fd_handler(ctx, ctx->notifier_fd, aio_notifier_read, NULL, ctx);
    return ctx;

fail:
    if (ctx->notifier_fd >= 0) {
        os_fd_close(ctx->notifier_fd);
    }
    os_mutex_destroy(&ctx->timer_lock);
    os_mutex_destroy(&ctx->list_lock);
#ifdef WAKESIM_EXTRA_BH_EVENT
    os_mutex_destroy(&ctx->bh_stats_lock);
#endif
    g_source_unref(&ctx->source);
    if (err_out) {
        *err_out = ret;
    }
    return NULL;
}

aio_context_t *aio_context_new(aio_backend_t backend, int *err_out)
{
    return aio_context_new_ring(backend, 0, err_out);
}

aio_backend_t aio_context_backend(const aio_context_t *ctx)
{
    return ctx->backend;
}

bool aio_context_has_sqe(const aio_context_t *ctx)
{
    return ctx->backend == AIO_BACKEND_IO_URING;
}

GSource *aio_context_gsource(aio_context_t *ctx)
{
    return &ctx->source;
}

/* The owner must have quiesced the context: no poll running.  Bottom halves,
 * handlers and block requests still in flight are freed (the requests
 * without completing: their callbacks never run); other user SQEs in flight
 * stay their owners'; timers are disarmed and stay their owners' to free. */
void aio_context_free(aio_context_t *ctx)
{
    if (!ctx) {
        return;
    }
    ctx->fdmon->cleanup(ctx); /* after this the kernel holds no handler */
    aio_handlers_free_all(ctx);
    aio_blk_free_all(ctx);
    aio_bh_free_all(ctx);
    aio_timers_detach_all(ctx);
    while (ctx->sqe_overflow) {
        aio_sqe_overflow_t *o = ctx->sqe_overflow;
        ctx->sqe_overflow = o->next;
        g_free(o);
    }
    os_fd_close(ctx->notifier_fd);
    os_mutex_destroy(&ctx->timer_lock);
    os_mutex_destroy(&ctx->list_lock);
#ifdef WAKESIM_EXTRA_BH_EVENT
    os_mutex_destroy(&ctx->bh_stats_lock);
#endif
    g_source_destroy(&ctx->source);
    g_source_unref(&ctx->source);
}

/*
 * aio-handlers.c - fd handlers: add, change, remove (from any thread, and
 * from inside any callback), and dispatch of the ones an fd monitor found
 * ready.  Mirrors QEMU's aio_set_fd_handler() and aio_dispatch_ready_handlers()
 * in util/aio-posix.c, with a walker count in place of QemuLockCnt.
 *
 * Invariant: a handler is freed only when no walker is active (no aio_poll
 * or GSource iteration may still hold a pointer to it) and the fd monitor
 * says the kernel holds no reference to it (io_uring: no POLL_ADD or
 * POLL_REMOVE still in flight).  Until then it stays linked, marked deleted.
 */
#include "aio-internal.h"

static aio_handler_t *find_live_handler(aio_context_t *ctx, int fd)
{
    for (aio_handler_t *h = ctx->handlers; h; h = h->next) {
        if (h->fd == fd && !h->deleted) {
            return h;
        }
    }
    return NULL;
}

static void handler_delete_locked(aio_context_t *ctx, aio_handler_t *h)
{
    h->deleted = true;
    ctx->fdmon->update(ctx, h, true);
    ctx->list_has_deleted = true;
}

void aio_set_fd_handler(aio_context_t *ctx, int fd, aio_fd_cb_t *io_read,
                        aio_fd_cb_t *io_write, void *opaque)
{
    os_mutex_lock(&ctx->list_lock);
    aio_handler_t *old = find_live_handler(ctx, fd);
    if (old) {
        /* A change is a delete plus an add: the old node may be in flight
         * in the ring or on a walker's ready list. */
        handler_delete_locked(ctx, old);
    }
    if (io_read || io_write) {
        aio_handler_t *h = g_new0(aio_handler_t, 1);
        h->fd = fd;
        h->io_read = io_read;
        h->io_write = io_write;
        h->opaque = opaque;
        h->events = (io_read ? (G_IO_IN | G_IO_HUP | G_IO_ERR) : 0) |
                    (io_write ? (G_IO_OUT | G_IO_ERR) : 0);
        h->gpfd.fd = fd;
        h->gpfd.events = h->events;
        h->next = ctx->handlers;
        ctx->handlers = h;
        ctx->fdmon->update(ctx, h, false);
    }
    if (ctx->list_walkers == 0) {
        aio_handlers_sweep(ctx);
    }
    os_mutex_unlock(&ctx->list_lock);

    /* The sleeper must re-arm its wait with the new set. */
    if (!aio_mutant_on(AIO_MUTANT_FD_HANDLER_SET_NO_NOTIFY)) {
        aio_notify(ctx);
    }
}

/* Frees deleted handlers that nobody can reach any more; list lock held. */
void aio_handlers_sweep(aio_context_t *ctx)
{
    if (!ctx->list_has_deleted) {
        return;
    }
    bool still_deleted = false;
    aio_handler_t **p = &ctx->handlers;
    while (*p) {
        aio_handler_t *h = *p;
        if (h->deleted && !h->on_ready_list && ctx->fdmon->can_free(ctx, h)) {
            *p = h->next;
            g_free(h);
            continue;
        }
        still_deleted |= h->deleted;
        p = &h->next;
    }
    ctx->list_has_deleted = still_deleted;
}

void aio_handlers_walk_begin(aio_context_t *ctx)
{
    os_mutex_lock(&ctx->list_lock);
    ctx->list_walkers++;
    os_mutex_unlock(&ctx->list_lock);
}

void aio_handlers_walk_end(aio_context_t *ctx)
{
    os_mutex_lock(&ctx->list_lock);
    if (--ctx->list_walkers == 0) {
        aio_handlers_sweep(ctx);
    }
    os_mutex_unlock(&ctx->list_lock);
}

/* Called by fd monitors (home thread, inside a walk). */
void aio_handler_mark_ready(aio_context_t *ctx, aio_handler_t *h, short revents)
{
    h->revents |= revents;
    if (!h->on_ready_list) {
        h->on_ready_list = true;
        h->ready_next = ctx->ready_handlers;
        ctx->ready_handlers = h;
    }
}

/* Runs the callbacks of ready handlers.  The notifier's own dispatch is not
 * progress: it only drains the eventfd. */
bool aio_dispatch_ready_handlers(aio_context_t *ctx)
{
    bool progress = false;
    aio_handler_t *h;

    while ((h = ctx->ready_handlers)) {
        ctx->ready_handlers = h->ready_next;
        h->on_ready_list = false;
        short revents = h->revents;
        h->revents = 0;
        if (h->deleted) {
            continue;
        }
        if ((revents & (G_IO_IN | G_IO_HUP | G_IO_ERR)) && h->io_read) {
            h->io_read(h->opaque);
            progress |= h->fd != ctx->notifier_fd;
        }
        if (!h->deleted && (revents & (G_IO_OUT | G_IO_ERR)) && h->io_write) {
            h->io_write(h->opaque);
            progress = true;
        }
    }
    return progress;
}

/* At teardown, after the fd monitor let go of every handler. */
void aio_handlers_free_all(aio_context_t *ctx)
{
    while (ctx->handlers) {
        aio_handler_t *h = ctx->handlers;
        ctx->handlers = h->next;
        g_free(h);
    }
    ctx->ready_handlers = NULL;
}

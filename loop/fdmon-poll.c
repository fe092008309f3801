/*
 * fdmon-poll.c - the ppoll() fd monitor.  Mirrors QEMU's util/fdmon-poll.c:
 * aio_poll() builds a pollfd array from the live handlers each time; in
 * GSource mode every handler's GPollFD is registered with glib, which polls.
 */
#include "aio-internal.h"

static int fdmon_poll_init(aio_context_t *ctx)
{
    return 0;
}

static void fdmon_poll_cleanup(aio_context_t *ctx)
{
    for (aio_handler_t *h = ctx->handlers; h; h = h->next) {
        if (!h->deleted) {
            g_source_remove_poll(&ctx->source, &h->gpfd);
        }
    }
    g_free(ctx->pollfds);
    g_free(ctx->pollfd_handlers);
    ctx->pollfds = NULL;
    ctx->pollfd_handlers = NULL;
}

static void fdmon_poll_update(aio_context_t *ctx, aio_handler_t *h, bool deleting)
{
    if (deleting) {
        g_source_remove_poll(&ctx->source, &h->gpfd);
    } else {
        g_source_add_poll(&ctx->source, &h->gpfd);
    }
}

static unsigned fdmon_poll_fill(aio_context_t *ctx)
{
    unsigned n = 0;

    os_mutex_lock(&ctx->list_lock);
    for (aio_handler_t *h = ctx->handlers; h; h = h->next) {
        if (h->deleted) {
            continue;
        }
        if (n == ctx->pollfds_cap) {
            ctx->pollfds_cap = ctx->pollfds_cap ? ctx->pollfds_cap * 2 : 16;
            ctx->pollfds = g_renew(struct pollfd, ctx->pollfds, ctx->pollfds_cap);
            ctx->pollfd_handlers =
                g_renew(aio_handler_t *, ctx->pollfd_handlers, ctx->pollfds_cap);
        }
        ctx->pollfds[n] = (struct pollfd){ .fd = h->fd, .events = h->events };
        ctx->pollfd_handlers[n] = h;
        n++;
    }
    os_mutex_unlock(&ctx->list_lock);
    return n;
}

/* The caller holds a walk, so the handlers in the array stay allocated. */
static int fdmon_poll_wait(aio_context_t *ctx, int64_t timeout_ns)
{
    unsigned n = fdmon_poll_fill(ctx);
    int ret = os_ppoll(ctx->pollfds, n, timeout_ns);
    if (ret <= 0) {
        return ret == -EINTR ? 0 : ret;
    }
    for (unsigned i = 0; i < n; i++) {
        if (ctx->pollfds[i].revents) {
            aio_handler_mark_ready(ctx, ctx->pollfd_handlers[i], ctx->pollfds[i].revents);
        }
    }
    return ret;
}

static bool fdmon_poll_gsource_prepare(aio_context_t *ctx)
{
    return false;
}

static bool fdmon_poll_gsource_check(aio_context_t *ctx)
{
    os_mutex_lock(&ctx->list_lock);
    bool ready = false;
    for (aio_handler_t *h = ctx->handlers; h && !ready; h = h->next) {
        ready = !h->deleted && (h->gpfd.revents & h->events);
    }
    os_mutex_unlock(&ctx->list_lock);
    return ready;
}

static void fdmon_poll_gsource_dispatch(aio_context_t *ctx)
{
    os_mutex_lock(&ctx->list_lock);
    for (aio_handler_t *h = ctx->handlers; h; h = h->next) {
        short revents = h->gpfd.revents & h->events;
        h->gpfd.revents = 0;
        if (!h->deleted && revents) {
            aio_handler_mark_ready(ctx, h, revents);
        }
    }
    os_mutex_unlock(&ctx->list_lock);
}

static bool fdmon_poll_can_free(aio_context_t *ctx, aio_handler_t *h)
{
    return true;
}

const aio_fdmon_ops_t aio_fdmon_poll_ops = {
    .name = "ppoll",
    .init = fdmon_poll_init,
    .cleanup = fdmon_poll_cleanup,
    .update = fdmon_poll_update,
    .wait = fdmon_poll_wait,
    .gsource_prepare = fdmon_poll_gsource_prepare,
    .gsource_check = fdmon_poll_gsource_check,
    .gsource_dispatch = fdmon_poll_gsource_dispatch,
    .can_free = fdmon_poll_can_free,
};

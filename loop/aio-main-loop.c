/*
 * aio-main-loop.c - the main loop: a GMainContext with the main AioContext
 * attached, iterated the way QEMU's main_loop_wait() and
 * os_host_main_loop_wait() (util/main-loop.c) do: the BQL is held except
 * around the ppoll(), which is the only window in which a vCPU can take it.
 */
#include "aio-internal.h"

struct aio_main_loop {
    GMainContext *gctx;
    aio_context_t *ctx;
    GPollFD *gfds;
    struct pollfd *pfds;
    gint cap;
};

aio_main_loop_t *aio_main_loop_new(aio_context_t *ctx)
{
    aio_main_loop_t *ml = g_new0(aio_main_loop_t, 1);
    ml->gctx = g_main_context_new();
    ml->ctx = ctx;
    g_source_attach(&ctx->source, ml->gctx);
    aio_main_context_set(ctx);
    aio_thread_context_set(ctx);
    return ml;
}

/* Free the context first (aio_context_free() detaches its GSource): this
 * only drops the GMainContext and never touches the context. */
void aio_main_loop_free(aio_main_loop_t *ml)
{
    if (!ml) {
        return;
    }
    g_main_context_unref(ml->gctx);
    g_free(ml->gfds);
    g_free(ml->pfds);
    g_free(ml);
}

GMainContext *aio_main_loop_gcontext(aio_main_loop_t *ml)
{
    return ml->gctx;
}

static gint main_loop_query(aio_main_loop_t *ml, gint max_priority, gint *timeout_ms)
{
    for (;;) {
        gint n =
            g_main_context_query(ml->gctx, max_priority, timeout_ms, ml->gfds, ml->cap);
        if (n <= ml->cap) {
            return n;
        }
        ml->cap = n;
        ml->gfds = g_renew(GPollFD, ml->gfds, ml->cap);
        ml->pfds = g_renew(struct pollfd, ml->pfds, ml->cap);
    }
}

int aio_main_loop_wait(aio_main_loop_t *ml, bool nonblocking)
{
    gint max_priority, timeout_ms;

    g_main_context_acquire(ml->gctx);
    g_main_context_prepare(ml->gctx, &max_priority);
    gint n = main_loop_query(ml, max_priority, &timeout_ms);
    if (nonblocking) {
        timeout_ms = 0;
    }
    for (gint i = 0; i < n; i++) {
        ml->pfds[i] =
            (struct pollfd){ .fd = ml->gfds[i].fd, .events = (short)ml->gfds[i].events };
    }

    aio_bql_unlock();
    int ret =
        os_ppoll(ml->pfds, (nfds_t)n, timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
    aio_bql_lock();

    for (gint i = 0; i < n; i++) {
        ml->gfds[i].revents = ret > 0 ? (gushort)ml->pfds[i].revents : 0;
    }
    if (g_main_context_check(ml->gctx, max_priority, ml->gfds, n)) {
        g_main_context_dispatch(ml->gctx);
    }
    g_main_context_release(ml->gctx);
    return ret;
}

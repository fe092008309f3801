/*
 * aio-sqe.c - user SQEs on the current context's ring, and the ready list of
 * their reaped CQEs.  Mirrors QEMU's aio_add_sqe() / fdmon_io_uring_add_sqe()
 * with the seed's fix (it calls aio_notify()).
 *
 * Why the notify: add_sqe only queues; the home thread submits in its next
 * GSource prepare or aio_poll wait.  A BQL holder (a vCPU emulating an MMIO
 * write) queues on the *main* context while the main-loop thread sleeps in
 * ppoll() with bit 0 of notify_me set; without the kick the SQE waits for an
 * unrelated wakeup (up to 499 ms in the seed report).
 *
 * Full ring: the home thread submits to make room (it may enter its own
 * ring).  Any other thread does not enter the ring: the request waits on
 * ctx->sqe_overflow and the home thread moves it into the ring before its
 * next sleep (one issuer per ring, as the io_uring maintainers ask).
 */
#include "aio-internal.h"

void aio_cqe_ready_push(aio_context_t *ctx, aio_cqe_handler_t *h)
{
    h->next = NULL;
    *ctx->ready_cqes_tail = h;
    ctx->ready_cqes_tail = &h->next;
}

/* Runs CQE handlers one at a time from the shared list, so a nested
 * aio_poll() inside a handler continues with the ones the outer reaped. */
bool aio_dispatch_ready_cqes(aio_context_t *ctx)
{
    bool progress = false;
    aio_cqe_handler_t *h;

    while ((h = ctx->ready_cqes)) {
        ctx->ready_cqes = h->next;
        if (!ctx->ready_cqes) {
            ctx->ready_cqes_tail = &ctx->ready_cqes;
        }
        h->next = NULL;
        h->cb(h);
        progress = true;
    }
    return progress;
}

static void queue_overflow(aio_context_t *ctx, aio_sqe_prep_fn_t *prep, void *opaque,
                           aio_cqe_handler_t *handler)
{
    aio_sqe_overflow_t *o = g_new0(aio_sqe_overflow_t, 1);
    o->prep = prep;
    o->opaque = opaque;
    o->handler = handler;
    os_mutex_lock(&ctx->list_lock);
    *ctx->sqe_overflow_tail = o;
    ctx->sqe_overflow_tail = &o->next;
    os_mutex_unlock(&ctx->list_lock);
}

int aio_add_sqe(aio_sqe_prep_fn_t *prep, void *opaque, aio_cqe_handler_t *handler)
{
    aio_context_t *ctx = aio_current_context();

    if (!ctx) {
        return -EPERM;
    }
    if (!aio_context_has_sqe(ctx)) {
        return -ENOTSUP;
    }

    bool home = ctx->home_thread == os_thread_self();
    struct io_uring_sqe *sqe = home ? aio_uring_get_sqe(ctx) : io_uring_get_sqe(&ctx->ring);
    if (sqe) {
        aio_uring_prep_user_sqe(sqe, prep, opaque, handler);
    } else {
        queue_overflow(ctx, prep, opaque, handler);
    }

    if (!aio_mutant_on(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE)) {
        aio_notify(ctx);
    }
    return 0;
}

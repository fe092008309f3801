/*
 * leftovers.c - loop/'s end-of-run leftovers: what a quiescent context
 * still holds, counted from loop/'s private state for the hygiene monitor
 * (sim/harness/hygiene.h).
 *
 * Why private state: leftovers are exactly what the public API cannot see
 * (a BH scheduled but never run, an SQE in ring memory that nobody entered
 * the kernel for), and aio_context_free() would free them silently.  The
 * user/internal split of SQEs and CQEs follows fdmon-io_uring.c: user
 * requests carry bit 0 in user_data.
 */
#include "leftovers.h"
#include "aio-internal.h"
#include "hygiene.h"

#define USER_TAG ((uint64_t)1)

static unsigned bhs_scheduled_in(aio_bh_t *list)
{
    unsigned n = 0;
    for (aio_bh_t *bh = list; bh; bh = bh->next) {
        n += (bh->flags & (AIO_BH_SCHEDULED | AIO_BH_DELETED)) == AIO_BH_SCHEDULED;
    }
    return n;
}

static unsigned bhs_scheduled(aio_context_t *ctx)
{
    unsigned n = bhs_scheduled_in(ctx->bh_list);
    for (aio_bh_slice_t *s = ctx->bh_slices; s; s = s->next) {
        n += bhs_scheduled_in(s->head);
    }
    return n;
}

/* User SQEs written into the SQ ring that the kernel has not consumed:
 * from the kernel's head, not liburing's sqe_head, which moves to the tail
 * when liburing flushes, so a partial submit's rest (flushed, not consumed)
 * would go uncounted.  The same range io_uring_sq_ready() measures. */
static unsigned user_sqes_unsubmitted(aio_context_t *ctx)
{
    struct io_uring_sq *sq = &ctx->ring.sq;
    unsigned head = __atomic_load_n(sq->khead, __ATOMIC_ACQUIRE), n = 0;
    for (unsigned i = head; i != sq->sqe_tail; i++) {
        n += (sq->sqes[i & sq->ring_mask].user_data & USER_TAG) != 0;
    }
    return n;
}

static unsigned user_cqes_unreaped(aio_context_t *ctx)
{
    struct io_uring_cqe *cqe;
    unsigned head, n = 0;
    io_uring_for_each_cqe(&ctx->ring, head, cqe)
    {
        n += (cqe->user_data & USER_TAG) != 0;
    }
    return n;
}

/* Handlers besides the context's own notifier, and timers: every one left
 * is a leftover (the loop threads remove what they registered first). */
static void count_registrations(aio_context_t *ctx, wk_leftovers_t *left)
{
    for (aio_handler_t *h = ctx->handlers; h; h = h->next) {
        left->fd_handlers += !h->deleted && h->fd != ctx->notifier_fd;
    }
    for (aio_timer_t *t = ctx->timers; t; t = t->next) {
        left->armed_timers++;
    }
}

void loop_check_leftovers(wk_ctx_t *wctx, struct wk_monitor_s *mon, struct sim_world *w,
                          const char *owner)
{
    aio_context_t *ctx = (aio_context_t *)wctx;
    wk_leftovers_t left = { 0 };
    unsigned overflow = 0;
    count_registrations(ctx, &left);
    for (aio_sqe_overflow_t *o = ctx->sqe_overflow; o; o = o->next) {
        overflow++;
    }
    for (aio_cqe_handler_t *h = ctx->ready_cqes; h; h = h->next) {
        left.cqes_unhandled++;
    }
    left.blk_requests = ctx->blk_reqs != NULL; /* the list's layout is aio-blk.c's */
    left.bhs_scheduled = bhs_scheduled(ctx);
    left.user_sqes_unsubmitted = overflow + (ctx->ring_ok ? user_sqes_unsubmitted(ctx) : 0);
    left.user_cqes_unreaped = ctx->ring_ok ? user_cqes_unreaped(ctx) : 0;
    wk_hygiene_report_leftovers(mon, w, owner, &left);
}

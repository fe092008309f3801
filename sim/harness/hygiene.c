/*
 * hygiene.c - the end-of-run hygiene monitor (see hygiene.h).
 *
 * Why it reads loop/'s private state: leftovers are exactly what the public
 * API cannot see (a BH scheduled but never run, an SQE in ring memory that
 * nobody entered the kernel for), and aio_context_free() would free them
 * silently.  The user/internal split of SQEs and CQEs follows
 * fdmon-io_uring.c: user requests carry bit 0 in user_data.
 */
#include <inttypes.h>
#include "aio-internal.h"
#include "hygiene.h"
#include "invariant.h"

#define USER_TAG ((uint64_t)1)

static bool fd_kept(int fd, const int *keep, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (keep[i] == fd) {
            return true;
        }
    }
    return false;
}

static bool timer_kept(const aio_timer_t *t, aio_timer_t *const *keep, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        if (keep[i] == t) {
            return true;
        }
    }
    return false;
}

static unsigned bhs_scheduled(aio_context_t *ctx)
{
    unsigned n = 0;
    for (aio_bh_t *bh = ctx->bh_list; bh; bh = bh->next) {
        n += (bh->flags & (AIO_BH_SCHEDULED | AIO_BH_DELETED)) == AIO_BH_SCHEDULED;
    }
    for (aio_bh_slice_t *s = ctx->bh_slices; s; s = s->next) {
        for (aio_bh_t *bh = s->head; bh; bh = bh->next) {
            n += (bh->flags & (AIO_BH_SCHEDULED | AIO_BH_DELETED)) == AIO_BH_SCHEDULED;
        }
    }
    return n;
}

/* User SQEs written into the SQ ring and not yet handed to the kernel. */
static unsigned user_sqes_unsubmitted(aio_context_t *ctx)
{
    struct io_uring_sq *sq = &ctx->ring.sq;
    unsigned n = 0;
    for (unsigned i = sq->sqe_head; i != sq->sqe_tail; i++) {
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

void wk_hygiene_check_context(wk_monitor_t *mon, sim_world_t *w, aio_context_t *ctx,
                              const char *who, const int *keep_fds, unsigned n_keep_fds,
                              aio_timer_t *const *keep_timers, unsigned n_keep_timers)
{
    unsigned handlers = 0, timers = 0, overflow = 0, ready = 0, blk = 0;
    for (aio_handler_t *h = ctx->handlers; h; h = h->next) {
        handlers += !h->deleted && h->fd != ctx->notifier_fd &&
                    !fd_kept(h->fd, keep_fds, n_keep_fds);
    }
    for (aio_timer_t *t = ctx->timers; t; t = t->next) {
        timers += !timer_kept(t, keep_timers, n_keep_timers);
    }
    for (aio_sqe_overflow_t *o = ctx->sqe_overflow; o; o = o->next) {
        overflow++;
    }
    for (aio_cqe_handler_t *h = ctx->ready_cqes; h; h = h->next) {
        ready++;
    }
    blk = ctx->blk_reqs != NULL; /* the list's layout is aio-blk.c's */
    unsigned bhs = bhs_scheduled(ctx);
    unsigned sqes = ctx->ring_ok ? user_sqes_unsubmitted(ctx) + overflow : overflow;
    unsigned cqes = ctx->ring_ok ? user_cqes_unreaped(ctx) : 0;
    if (bhs || sqes || cqes || ready || handlers || timers || blk) {
        wk_monitor_violation(
            mon, w, WK_INV_HYGIENE,
            "%s's context at the end of the run: %u BH(s) still scheduled, %u user "
            "SQE(s) unsubmitted, %u user CQE(s) unreaped, %u reaped CQE(s) unhandled, "
            "%u fd handler(s) and %u armed timer(s) left registered, %s block request(s) "
            "in flight",
            who, bhs, sqes, cqes, ready, handlers, timers, blk ? "some" : "no");
    }
}

void wk_hygiene_check_threads(wk_monitor_t *mon, sim_world_t *w)
{
    int live = sim_world_live_threads(w);
    if (live > 1) {
        wk_monitor_violation(mon, w, WK_INV_HYGIENE,
                             "%d simulated thread(s) besides main still alive at the end "
                             "of the run",
                             live - 1);
    }
}

/*
 * aio-poll-mode.c - adaptive busy polling before aio_poll() sleeps.
 * Mirrors QEMU's aio_context_set_poll_params(), try_poll_mode(),
 * run_poll_handlers() and adjust_polling_time() in util/aio-posix.c.
 *
 * loop/ has one poll handler, the notifier's, and like QEMU's
 * aio_context_notifier_poll() it trusts "notified" alone: seeing it set, the
 * poll phase ends with a zero timeout and aio_poll() accepts the notification
 * and looks at the work.  Nothing else orders that work against "notified"
 * here, so the two fences that do are load-bearing while a context polls:
 * the smp_wmb in aio_notify() (the work is visible before "notified") and
 * the smp_mb in aio_notify_accept() (clearing "notified" is visible before
 * the work is looked at).  The poll phase never raises notify_me: producers
 * do not write the eventfd for a polling thread.
 *
 * Every read of "notified" is a scheduling point in the simulated build, and
 * time is read through the OS layer, so a poll window costs its length in
 * virtual time and ends by itself.  All of this runs on the home thread
 * (the parameters are set there too), so the fields are plain.
 */
#include "aio-internal.h"

/* QEMU starts a window at 4 us and doubles it unless told otherwise. */
#define AIO_POLL_START_NS 4000
#define AIO_POLL_GROW_DEFAULT 2

void aio_context_set_poll_params(aio_context_t *ctx, int64_t max_ns, int64_t grow,
                                 int64_t shrink)
{
    ctx->poll_ns = 0;
    ctx->poll_max_ns = max_ns;
    ctx->poll_grow = grow;
    ctx->poll_shrink = shrink;
    aio_notify(ctx);
}

/* QEMU's qemu_soonest_timeout(): -1 is infinite. */
static int64_t soonest(int64_t a, int64_t b)
{
    return (uint64_t)a < (uint64_t)b ? a : b;
}

/* Whether the wait must enter the kernel anyway: CQEs to reap, SQEs to
 * submit, or work a refused submit left behind.  Mirrors QEMU's
 * fdmon_io_uring_need_wait(); the ppoll back end has no userspace view of
 * its fds, so it never polls (QEMU's poll_disable_cnt). */
static bool need_wait(aio_context_t *ctx)
{
    if (ctx->backend == AIO_BACKEND_POLL || !ctx->ring_ok) {
        return true;
    }
    return io_uring_cq_ready(&ctx->ring) || io_uring_sq_ready(&ctx->ring) ||
           ctx->sqe_left_behind;
}

void aio_poll_mode_try(aio_context_t *ctx, int64_t *timeout_ns)
{
    if (!ctx->poll_ns || *timeout_ns == 0 || need_wait(ctx)) {
        return;
    }
    int64_t max_ns = soonest(*timeout_ns, ctx->poll_ns);
    int64_t start = os_clock_ns(), elapsed;
    do {
        /* The notifier's poll handler. */
        if (aio_atomic_read(&ctx->notified)) {
            ctx->poll_notified = true;
            *timeout_ns = 0;
        }
        elapsed = os_clock_ns() - start;
        /* QEMU 993ed89f35: leave the window as soon as the timeout is 0. */
        if (!aio_mutant_on(AIO_MUTANT_POLL_IGNORES_NOTIFY)) {
            max_ns = soonest(*timeout_ns, max_ns);
        }
        if (need_wait(ctx)) {
            *timeout_ns = 0;
            break;
        }
    } while (elapsed < max_ns);
    if (*timeout_ns > 0) {
        *timeout_ns -= elapsed < *timeout_ns ? elapsed : *timeout_ns;
    }
}

void aio_poll_mode_adjust(aio_context_t *ctx, int64_t block_ns)
{
    if (block_ns <= ctx->poll_ns) {
        return; /* the sweet spot */
    }
    if (block_ns > ctx->poll_max_ns) {
        ctx->poll_ns = ctx->poll_shrink ? ctx->poll_ns / ctx->poll_shrink : 0;
    } else if (ctx->poll_ns < ctx->poll_max_ns) {
        int64_t grow = ctx->poll_grow ? ctx->poll_grow : AIO_POLL_GROW_DEFAULT;
        ctx->poll_ns = ctx->poll_ns ? ctx->poll_ns * grow : AIO_POLL_START_NS;
        if (ctx->poll_ns > ctx->poll_max_ns) {
            ctx->poll_ns = ctx->poll_max_ns;
        }
    }
}

/*
 * aio-notify.c - the notify_me / notified handshake.
 *
 * Producers (any thread) publish work, then call aio_notify().  The home
 * thread raises notify_me before it may sleep and re-reads its work after.
 * Invariant: if the home thread is about to sleep (notify_me != 0 seen by the
 * producer after its full fence) the producer writes the eventfd; otherwise
 * the home thread's re-check after its own full fence sees the work or
 * "notified".  Either fence missing allows store buffering to lose a wakeup.
 */
#include "aio-internal.h"

/* Mirrors QEMU's aio_notify(). */
void aio_notify(aio_context_t *ctx)
{
    /* Publish the work (BH link, SQE, flag) before "notified"; pairs with
     * the fence in aio_notify_accept(). */
    if (!aio_mutant_on(AIO_MUTANT_NOTIFY_SKIPS_WRITE_FENCE)) {
        aio_smp_wmb();
    }
    aio_atomic_set(&ctx->notified, true);

    /* Store "notified", then load notify_me: pairs with the full fence after
     * notify_me is raised in aio_poll() and the GSource prepare. */
    if (!aio_mutant_on(AIO_MUTANT_NOTIFY_SKIPS_FULL_FENCE)) {
        aio_smp_mb();
    }
    if (aio_atomic_read(&ctx->notify_me)) {
        os_eventfd_signal(ctx->notifier_fd);
    }
}

/* Mirrors QEMU's aio_notify_accept().  It does not drain the eventfd: the
 * notifier's own fd handler does, when it fires.  Clearing must precede the
 * home thread's look at the work, hence the full fence. */
void aio_notify_accept(aio_context_t *ctx)
{
    aio_atomic_set(&ctx->notified, false);
    if (!aio_mutant_on(AIO_MUTANT_ACCEPT_SKIPS_FENCE)) {
        aio_smp_mb();
    }
}

/*
 * repro-rearm.c - "a BQL holder's aio_poll leaves the notifier's re-arm
 * unsubmitted" (docs/qemu.md), on real threads.
 *
 * The schedule of the finding: the main-loop thread has run glib's prepare
 * (fdmon_io_uring_gsource_prepare submitted what was queued) and dropped the
 * BQL to ppoll the ring fd with no timeout.  A vCPU thread schedules a BH on
 * the main context (aio_notify: the notifier's POLL_ADD completes), takes
 * the BQL and polls the main context without blocking, as a BQL holder may:
 * process_cq_ring() reaps the notifier's CQE and queues its POLL_ADD re-arm
 * in the SQ ring, after this call's io_uring_enter.  Later a vCPU queues
 * work on the main context with aio_add_sqe() (a NOP here) and aio_notify()
 * writes the eventfd, which no armed POLL_ADD watches.  The bug is the NOP's
 * CQE handler not running within the watchdog; the iteration then recovers
 * with g_main_context_wakeup(), whose next prepare submits both SQEs.
 *
 * The program's own thread plays both vCPUs, one after the other.  Nudges
 * (--nudge), all in this program's threads, none in QEMU's code:
 *   forced   the main-loop thread, between dropping the BQL and ppoll, waits
 *            for the vCPU's poll to finish (the interleaving of the finding,
 *            made certain);
 *   none     no timing help: the vCPU repeats its poll for 20 ms while the
 *            main loop runs;
 *   yield    as none, and the main-loop thread calls sched_yield() before
 *            ppoll;
 *   sleep    as none, and the main-loop thread sleeps 20 us before ppoll.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include <liburing.h>

#include "qemu-real.h"

typedef struct {
    AioContext *ctx;
    QEMUBH *bh;
    volatile bool at_poll, go;
    CqeHandler nop;
    volatile bool nop_done;
} rearm_t;

static void bh_cb(void *opaque)
{
    (void)opaque;
}

static void prep_nop(struct io_uring_sqe *sqe, void *opaque)
{
    (void)opaque;
    io_uring_prep_nop(sqe);
}

static void nop_done(CqeHandler *h)
{
    rearm_t *s = container_of(h, rearm_t, nop);
    __atomic_store_n(&s->nop_done, true, __ATOMIC_RELEASE);
}

/* The vCPU's poll: make the notifier's POLL_ADD complete, then reap it
 * with a non-blocking aio_poll on the main context while holding the BQL.
 * Whether the CQE was there to reap. */
static bool vcpu_poll_main(rearm_t *s, bool wait_for_cqe)
{
    qemu_bh_schedule(s->bh);
    int64_t end = real_now_ns() + 5000000;
    while (wait_for_cqe && !io_uring_cq_ready(&s->ctx->fdmon_io_uring) &&
           real_now_ns() < end) {
        sched_yield();
    }
    bool reaped = io_uring_cq_ready(&s->ctx->fdmon_io_uring) > 0;
    bql_lock();
    aio_poll(s->ctx, false);
    bql_unlock();
    return reaped;
}

static void hook_forced(int timeout_ms, void *opaque)
{
    rearm_t *s = opaque;
    (void)timeout_ms;
    real_main_loop_set_hook(NULL, NULL);
    __atomic_store_n(&s->at_poll, true, __ATOMIC_RELEASE);
    real_wait_flag(&s->go, 1000);
}

static void hook_yield(int timeout_ms, void *opaque)
{
    (void)timeout_ms;
    (void)opaque;
    sched_yield();
}

static void hook_sleep(int timeout_ms, void *opaque)
{
    (void)timeout_ms;
    (void)opaque;
    real_sleep_us(20);
}

/* The first vCPU's part: whether the schedule was reached (forced only). */
static bool first_vcpu(rearm_t *s, const char *nudge)
{
    if (strcmp(nudge, "forced") == 0) {
        s->at_poll = s->go = false;
        real_main_loop_set_hook(hook_forced, s);
        real_main_loop_kick(); /* a fresh prepare, then the hook */
        if (!real_wait_flag(&s->at_poll, 1000)) {
            real_main_loop_set_hook(NULL, NULL);
            return false;
        }
        bool reaped = vcpu_poll_main(s, true);
        __atomic_store_n(&s->go, true, __ATOMIC_RELEASE);
        return reaped;
    }
    real_main_loop_set_hook(strcmp(nudge, "yield") == 0   ? hook_yield
                            : strcmp(nudge, "sleep") == 0 ? hook_sleep
                                                          : NULL,
                            s);
    int64_t end = real_now_ns() + 20000000;
    while (real_now_ns() < end) {
        vcpu_poll_main(s, false);
        real_sleep_us(rand() % 200);
    }
    real_main_loop_set_hook(NULL, NULL);
    return true;
}

static real_outcome_t rearm_iter(const real_opts_t *o, int iter, void *state)
{
    rearm_t *s = state;
    bool reached = first_vcpu(s, o->nudge);
    real_sleep_us(2000); /* the main loop settles in ppoll */

    s->nop_done = false;
    bql_lock();
    aio_add_sqe(prep_nop, NULL, &s->nop);
    bql_unlock();
    bool ran = real_wait_flag(&s->nop_done, o->watchdog_ms);
    if (!ran && o->verbose) {
        printf("  hung: sq_ready=%u cq_ready=%u notify_me=%u notified=%d\n",
               io_uring_sq_ready(&s->ctx->fdmon_io_uring),
               io_uring_cq_ready(&s->ctx->fdmon_io_uring), s->ctx->notify_me,
               s->ctx->notified);
    }
    if (!ran) {
        real_main_loop_kick();
        if (!real_wait_flag(&s->nop_done, 1000)) {
            fprintf(stderr, "rearm: iteration %d: no recovery after a kick\n", iter);
            exit(1);
        }
    }
    if (o->verbose) {
        printf("iteration %d: %s%s\n", iter, ran ? "ran" : "HUNG",
               reached ? "" : " (schedule not reached)");
    }
    return !ran ? REAL_BUG : reached ? REAL_OK : REAL_SKIP;
}

int repro_rearm(const real_opts_t *o)
{
    static rearm_t s;
    s.ctx = real_main_loop_start();
    s.nop.cb = nop_done;
    bql_lock();
    s.bh = aio_bh_new(s.ctx, bh_cb, NULL);
    bql_unlock();
    int rc = real_run("rearm", o, rearm_iter, &s);
    real_main_loop_stop();
    return rc;
}

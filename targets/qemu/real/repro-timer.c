/*
 * repro-timer.c - "a BQL holder's aio_poll takes the main loop's timer
 * wakeup" (docs/qemu.md), on real threads.
 *
 * The main loop sleeps in ppoll with a long timeout (a main-context timer
 * 500 ms ahead stands for the main loop's own idle timers).  A vCPU thread,
 * holding the BQL, arms a main-context timer 1 ms ahead (timerlist_rearm ->
 * aio_notify writes the notifier), queues a READ on the main context
 * (aio_add_sqe; a helper thread makes it complete 300 us later) and waits
 * for it with aio_poll(main, true), as a synchronous read under the BQL
 * does.  If the vCPU reaps the notifier's CQE and drains the eventfd before
 * the main loop has seen the ring readable, the main loop sleeps on with its
 * old timeout and the 1 ms timer fires up to 500 ms late.  The bug is a
 * timer fired more than LATE_MS after it was due.
 *
 * Nudges, in this program's threads only:
 *   forced  the main-loop thread, between dropping the BQL and ppoll (its
 *           timeout already computed), waits for the vCPU to finish;
 *   none    no timing help: the main loop is in ppoll when the vCPU starts.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "block/aio.h"
#include <liburing.h>

#include "qemu-real.h"

enum { LATE_MS = 50 };

typedef struct {
    AioContext *ctx;
    QEMUTimer *near, *far;
    int64_t due_ns, fired_ns;
    int pipe[2];
    char buf[8];
    CqeHandler read;
    volatile bool read_done, at_poll, go, far_armed, hook_done;
} timer_t_;

static void near_cb(void *opaque)
{
    timer_t_ *s = opaque;
    __atomic_store_n(&s->fired_ns, real_now_ns(), __ATOMIC_RELEASE);
}

static void far_cb(void *opaque)
{
    (void)opaque;
}

static void prep_read(struct io_uring_sqe *sqe, void *opaque)
{
    timer_t_ *s = opaque;
    io_uring_prep_read(sqe, s->pipe[0], s->buf, sizeof(s->buf), 0);
}

static void read_done(CqeHandler *h)
{
    timer_t_ *s = container_of(h, timer_t_, read);
    __atomic_store_n(&s->read_done, true, __ATOMIC_RELEASE);
}

static void *late_writer(void *opaque)
{
    timer_t_ *s = opaque;
    real_sleep_us(300);
    ssize_t n = write(s->pipe[1], "x", 1);
    (void)n;
    return NULL;
}

/* The vCPU: arm the near timer, then a synchronous read under the BQL. */
static void vcpu_timer_then_read(timer_t_ *s)
{
    pthread_t writer;
    s->read_done = false;
    bql_lock();
    s->due_ns = qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 1000000;
    timer_mod(s->near, s->due_ns);
    aio_add_sqe(prep_read, s, &s->read);
    pthread_create(&writer, NULL, late_writer, s);
    while (!__atomic_load_n(&s->read_done, __ATOMIC_ACQUIRE)) {
        aio_poll(s->ctx, true);
    }
    bql_unlock();
    pthread_join(writer, NULL);
}

/* Only a pass whose prepare saw the far timer: an earlier pass already
 * past its prepare would sleep with its own, older timeout. */
static void hook_forced(int timeout_ms, void *opaque)
{
    timer_t_ *s = opaque;
    if (!__atomic_load_n(&s->far_armed, __ATOMIC_ACQUIRE) || timeout_ms < 400) {
        return;
    }
    real_main_loop_set_hook(NULL, NULL);
    __atomic_store_n(&s->at_poll, true, __ATOMIC_RELEASE);
    real_wait_flag(&s->go, 1000);
    __atomic_store_n(&s->hook_done, true, __ATOMIC_RELEASE);
}

static real_outcome_t timer_iter(const real_opts_t *o, int iter, void *state)
{
    timer_t_ *s = state;
    bool forced = strcmp(o->nudge, "forced") == 0;
    s->fired_ns = 0;
    s->at_poll = s->go = s->far_armed = s->hook_done = false;
    /* A clean start: the previous iteration's aio_poll may have left the
     * notifier's re-arm unsubmitted (the finding above); a glib wakeup makes
     * the main loop's next prepare submit it. */
    real_main_loop_kick();
    real_sleep_us(2000);
    if (forced) {
        real_main_loop_set_hook(hook_forced, s);
    }
    bql_lock();
    timer_mod(s->far, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 500000000);
    __atomic_store_n(&s->far_armed, true, __ATOMIC_RELEASE);
    bql_unlock(); /* the timer's aio_notify: the main loop re-prepares */
    if (forced && !real_wait_flag(&s->at_poll, 1000)) {
        real_main_loop_set_hook(NULL, NULL);
        if (o->verbose) {
            printf("iteration %d: the main loop did not reach ppoll with the far timer "
                   "(sq_ready=%u cq_ready=%u)\n",
                   iter, io_uring_sq_ready(&s->ctx->fdmon_io_uring),
                   io_uring_cq_ready(&s->ctx->fdmon_io_uring));
        }
        return REAL_SKIP;
    }
    if (!forced) {
        real_sleep_us(2000); /* the main loop settles in ppoll */
    }
    vcpu_timer_then_read(s);
    /* SQEs the vCPU left behind (the notifier's re-arm, if it reaped it). */
    unsigned left = io_uring_sq_ready(&s->ctx->fdmon_io_uring);
    __atomic_store_n(&s->go, true, __ATOMIC_RELEASE);
    int64_t end = real_now_ns() + (int64_t)o->watchdog_ms * 1000000;
    while (!__atomic_load_n(&s->fired_ns, __ATOMIC_ACQUIRE) && real_now_ns() < end) {
        real_sleep_us(100);
    }
    int64_t fired = __atomic_load_n(&s->fired_ns, __ATOMIC_ACQUIRE);
    if (forced) {
        /* The vCPU may have run the timer itself: the main loop must still
         * leave the hook before the next iteration resets its flags. */
        real_wait_flag(&s->hook_done, 1000);
    }
    double late_ms = fired ? (fired - s->due_ns) / 1e6 : o->watchdog_ms;
    if (o->verbose || late_ms > LATE_MS) {
        printf(
            "iteration %d: timer %s %.3f ms after it was due (SQEs left by the vCPU: %u)\n",
            iter, fired ? "fired" : "not fired", late_ms, left);
    }
    return late_ms > LATE_MS ? REAL_BUG : REAL_OK;
}

int repro_timer(const real_opts_t *o)
{
    static timer_t_ s;
    s.ctx = real_main_loop_start();
    s.read.cb = read_done;
    if (pipe(s.pipe) != 0) {
        return 1;
    }
    bql_lock();
    s.near = aio_timer_new(s.ctx, QEMU_CLOCK_REALTIME, SCALE_NS, near_cb, &s);
    s.far = aio_timer_new(s.ctx, QEMU_CLOCK_REALTIME, SCALE_NS, far_cb, &s);
    bql_unlock();
    int rc = real_run("timer", o, timer_iter, &s);
    real_main_loop_stop();
    return rc;
}

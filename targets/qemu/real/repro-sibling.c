/*
 * repro-sibling.c - "a CQE handler's blocking aio_poll sleeps over a
 * sibling already reaped" (docs/qemu.md), on real threads.
 *
 * A vCPU thread, holding the BQL, queues two READs on the main context
 * (aio_add_sqe).  Each one's CQE handler, run by the main-loop thread in
 * fdmon_io_uring_dispatch() with the BQL held, marks itself done and, if its
 * sibling is not done yet, waits for it with aio_poll(main, true) (the
 * contract of aio_poll: block until progress).  When both CQEs were reaped
 * in one process_cq_ring() batch, the sibling's handler is already on
 * ctx->cqe_handler_ready_list, which only the dispatch after the wait runs:
 * the wait sleeps in io_uring_enter with nothing else in flight.  The bug is
 * the pair not finishing within the watchdog; the iteration then recovers
 * with an aio_notify() from this program's thread (the notifier's CQE ends
 * the wait and its dispatch runs the sibling).
 *
 * Nudges, in this program's threads only:
 *   forced  both pipes hold data before the READs are queued, so both
 *           complete during the main loop's submit and land in one batch;
 *   none    a helper thread writes both pipes, back to back, 1 ms after
 *           the READs are queued.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include <liburing.h>

#include "qemu-real.h"

typedef struct sibling sibling_t;
typedef struct {
    sibling_t *s;
    int pipe[2];
    char buf[8];
    CqeHandler cqe;
    volatile bool done;
} read_t;

struct sibling {
    AioContext *ctx;
    read_t r[2];
    volatile bool waited; /* a handler blocked in aio_poll for its sibling */
};

static void prep_read(struct io_uring_sqe *sqe, void *opaque)
{
    read_t *r = opaque;
    io_uring_prep_read(sqe, r->pipe[0], r->buf, sizeof(r->buf), 0);
}

static void read_handler(CqeHandler *h)
{
    read_t *r = container_of(h, read_t, cqe);
    sibling_t *s = r->s;
    read_t *other = &s->r[r == &s->r[0]];
    __atomic_store_n(&r->done, true, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&other->done, __ATOMIC_ACQUIRE)) {
        s->waited = true;
        aio_poll(s->ctx, true);
    }
}

static void write_both(sibling_t *s)
{
    for (int i = 0; i < 2; i++) {
        ssize_t n = write(s->r[i].pipe[1], "x", 1);
        (void)n;
    }
}

static void *late_writer(void *opaque)
{
    real_sleep_us(1000);
    write_both(opaque);
    return NULL;
}

static bool both_done(sibling_t *s)
{
    return __atomic_load_n(&s->r[0].done, __ATOMIC_ACQUIRE) &&
           __atomic_load_n(&s->r[1].done, __ATOMIC_ACQUIRE);
}

static real_outcome_t sibling_iter(const real_opts_t *o, int iter, void *state)
{
    sibling_t *s = state;
    bool forced = strcmp(o->nudge, "forced") == 0;
    pthread_t writer;
    s->r[0].done = s->r[1].done = s->waited = false;
    if (forced) {
        write_both(s);
    }
    bql_lock();
    aio_add_sqe(prep_read, &s->r[0], &s->r[0].cqe);
    aio_add_sqe(prep_read, &s->r[1], &s->r[1].cqe);
    bql_unlock();
    if (!forced) {
        pthread_create(&writer, NULL, late_writer, s);
    }
    int64_t end = real_now_ns() + (int64_t)o->watchdog_ms * 1000000;
    while (!both_done(s) && real_now_ns() < end) {
        real_sleep_us(100);
    }
    bool hung = !both_done(s);
    while (!both_done(s)) {
        aio_notify(s->ctx); /* recovery: end the handler's wait */
        real_sleep_us(1000);
    }
    if (!forced) {
        pthread_join(writer, NULL);
    }
    if (o->verbose) {
        printf("iteration %d: %s%s\n", iter, hung ? "HUNG" : "both ran",
               s->waited ? " (a handler waited for its sibling)" : "");
    }
    return hung ? REAL_BUG : REAL_OK;
}

int repro_sibling(const real_opts_t *o)
{
    static sibling_t s;
    s.ctx = real_main_loop_start();
    for (int i = 0; i < 2; i++) {
        s.r[i].s = &s;
        s.r[i].cqe.cb = read_handler;
        if (pipe(s.r[i].pipe) != 0) {
            return 1;
        }
    }
    int rc = real_run("sibling", o, sibling_iter, &s);
    real_main_loop_stop();
    return rc;
}

/*
 * genload.c - the generated workload (see genload.h, docs/workloads.md).
 *
 * Threads (simulated fibers):
 *   main       draws the run's features, starts the loops and the actors,
 *              joins the actors, waits a quiet period, checks that every
 *              hand-off was served, cleans up, stops the loops.
 *   main-loop  the main context on a GMainContext, BQL held except around
 *              ppoll() (threads.c, as for the scenario machine).
 *   iothread   (feature) its own context, poll(ctx, true) (threads.c).
 *   vcpuN      actors that may take the BQL: everything a worker does, plus
 *              block reads on the main context under the BQL, synchronous
 *              reads that poll the main context, non-blocking polls.
 *   workerN    (feature) actors without the BQL.
 *
 * Every object an actor acts on is its own (its BH, timer and fd per
 * context, its one-shot and read slots), so each hand-off record has one
 * writer besides the thread that serves it (handoff.h).  Which operation,
 * on which context, with which delay: sim_choose().  Every event-loop call
 * goes through the selected target's ops (target.h).
 */
#include <inttypes.h>
#include <string.h>
#include "genload-int.h"
#include "hygiene.h"
#include "invariant.h"

const char *const gen_ctx_names[CTX_N] = { "main", "iothread" };

/* The operations of a program (docs/workloads.md has the contract). */
typedef enum {
    OP_THINK,
    OP_BH_SCHEDULE,
    OP_BH_CANCEL,
    OP_BH_DELETE_RENEW,
    OP_BH_ONESHOT,
    OP_BH_RESCHEDULE, /* schedule, cancel, think, schedule again */
    OP_TIMER_MOD,
    OP_TIMER_DEL,
    OP_TIMER_MOVE,    /* far ahead, then earlier, later, deleted, re-armed */
    OP_TIMER_CLUSTER, /* several due close together, out of arming order */
    OP_FD_SIGNAL,
    OP_FD_SET,
    OP_FD_REMOVE,
    OP_READ_IOTHREAD,    /* a one-shot BH on the iothread submits a read there */
    OP_READ_MAIN,        /* BQL holder: add_sqe on the main context */
    OP_READ_SYNC,        /* BQL holder: read, then aio_poll(main) until done */
    OP_POLL_NONBLOCKING, /* BQL holder: aio_poll(main, false) */
    OP_READ_NO_CONTEXT,  /* no context, no BQL: add_sqe must refuse (-EPERM) */
    OP_SURFACE,          /* [workload] surface = qemu: one of genload-qemu.c's */
    OP_MAIN_LOOP,        /* [workload] main-loop-ops: one of genload-mainloop.c's */
    OP_COUNT
} gen_op_t;

/* ---- callbacks, run on a context's home thread (or a BQL holder polling
 * the main context) ---- */

static void bh_cb(void *opaque)
{
    gen_bh_t *r = opaque;
    r->a->g->in_cb[r->ctx]++;
    r->a->g->cb_runs[r->ctx]++;
    wk_handoff_done(&r->ho, &r->a->g->mon, r->a->g->w);
    gen_nest_step(r->a->g, r->ctx);
    r->a->g->in_cb[r->ctx]--;
}

static void oneshot_cb(void *opaque)
{
    gen_oneshot_t *r = opaque;
    int ctx = r->ctx;
    gen_t *g = r->a->g;
    g->in_cb[ctx]++;
    g->cb_runs[ctx]++;
    wk_handoff_done(&r->ho, &g->mon, g->w);
    r->busy = false;
    gen_nest_step(g, ctx);
    g->in_cb[ctx]--;
}

static void timer_cb(void *opaque)
{
    gen_timer_t *r = opaque;
    gen_t *g = r->a->g;
    int64_t clock = g->ops->clock_ns();
    g->in_cb[r->ctx]++;
    g->cb_runs[r->ctx]++;
    wk_monitor_progress(&g->mon);
    wk_timer_watch_fired(&r->watch, clock, &g->mon, g->w);
    gen_timer_fired(r, clock);
    gen_nest_step(g, r->ctx);
    g->in_cb[r->ctx]--;
}

static void fd_served(gen_fd_t *r)
{
    gen_t *g = r->a->g;
    g->in_cb[r->ctx]++;
    g->cb_runs[r->ctx]++;
    if (r->readable) {
        wk_handoff_t ho;
        char what[48];
        g_snprintf(what, sizeof(what), "fd of %s@%s", r->a->name, gen_ctx_names[r->ctx]);
        wk_handoff_init(&ho, what);
        wk_handoff_start_at(&ho, MAX(r->readable_since, r->added_at));
        wk_handoff_done(&ho, &g->mon, g->w);
    }
    os_eventfd_drain(r->fd);
    gen_nest_step(g, r->ctx);
    g->in_cb[r->ctx]--;
}

static void fd_cb_a(void *opaque)
{
    fd_served(opaque);
}

static void fd_cb_b(void *opaque)
{
    fd_served(opaque);
}

/* The CQE handler's completion (or a refused submit's).  A read submitted
 * with a sibling waits for it first, as a device model waiting for the
 * other half of a request does (genload-nest.c). */
static void read_done(void *opaque, ssize_t ret)
{
    gen_read_t *r = opaque;
    actor_t *a = r->a;
    gen_t *g = a->g;
    int ctx = r->ctx;
    gen_read_t *sibling = r->sibling;
    g->in_cb[ctx]++;
    g->cb_runs[ctx]++;
    if (sibling) {
        gen_nest_wait_sibling(r);
    }
    os_mutex_lock(&a->lock);
    r->ret = ret;
    r->done = true;
    if (sibling) {
        sibling->held = false;
        r->sibling = NULL;
    }
    sim_cond_broadcast(&a->cond);
    os_mutex_unlock(&a->lock);
    if (r->self_check) {
        gen_read_check(r);
    }
    gen_nest_step(g, ctx);
    g->in_cb[ctx]--;
}

void gen_read_submit(gen_read_t *r)
{
    gen_t *g = r->a->g;
    gen_cov(g, COV_BLK_READ, r->ctx);
    int ret =
        g->ops->blk_read(g->devfd[r->band], r->buf, GEN_CHUNK, r->offset, read_done, r);
    if (ret < 0) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_DATA,
                             "%s: aio_blk_read on %s failed: %s", r->a->name,
                             gen_ctx_names[r->ctx], g_strerror(-ret));
        read_done(r, ret);
    }
}

/* The iothread path: a one-shot BH submits on the iothread's own ring
 * (the sibling first: the read waits for it). */
static void read_bh_cb(void *opaque)
{
    gen_read_t *r = opaque;
    r->a->g->in_cb[CTX_IO]++;
    r->a->g->cb_runs[CTX_IO]++;
    wk_handoff_done(&r->ho, &r->a->g->mon, r->a->g->w);
    if (r->sibling) {
        gen_read_submit(r->sibling);
    }
    gen_read_submit(r);
    r->a->g->in_cb[CTX_IO]--;
}

/* ---- reads: slots, data check ---- */

/* A free read slot, on a device of a latency decade of the run. */
gen_read_t *gen_read_slot(actor_t *a, int ctx)
{
    for (unsigned i = 0; i < GEN_READS; i++) {
        gen_read_t *r = &a->reads[i];
        if (!r->busy) {
            r->busy = true;
            if (!r->buf_used) { /* zeroed as gen_t's own array was */
                memset(r->buf, 0, GEN_CHUNK);
                r->buf_used = true;
            }
            r->done = false;
            r->ctx = ctx;
            r->ret = -1;
            r->sibling = NULL;
            r->held = false;
            r->self_check = false;
            r->band = (int)gen_read_band(a->g);
            r->offset = ((uint64_t)a->index * GEN_READS_PER_ACTOR +
                         a->reads_issued++ % GEN_READS_PER_ACTOR) *
                        GEN_CHUNK;
            return r;
        }
    }
    return NULL;
}

void gen_read_check(gen_read_t *r)
{
    gen_t *g = r->a->g;
    if (r->ret == -EIO && wk_faults_fail_reads(&g->faults)) {
        /* an injected I/O error, as the guest would see it */
    } else if (r->ret != (ssize_t)GEN_CHUNK) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_DATA,
                             "%s: read at %" PRIu64 " returned %zd", r->a->name, r->offset,
                             r->ret);
    } else {
        if (sim_blkdev_verify(g->w, g->devfd[r->band], r->offset, r->buf, GEN_CHUNK) != 0) {
            wk_monitor_violation(&g->mon, g->w, WK_INV_DATA,
                                 "%s: read at %" PRIu64 " returned wrong bytes", r->a->name,
                                 r->offset);
        }
    }
    r->busy = false;
}

/* Frees the slots whose reads completed; with wait, first waits for all. */
static void reads_collect(actor_t *a, bool wait)
{
    os_mutex_lock(&a->lock);
    for (unsigned i = 0; i < GEN_READS; i++) {
        gen_read_t *r = &a->reads[i];
        while (wait && r->busy && !r->done) {
            sim_cond_wait(&a->cond, (struct os_mutex *)&a->lock);
        }
    }
    os_mutex_unlock(&a->lock);
    for (unsigned i = 0; i < GEN_READS; i++) {
        if (a->reads[i].busy && a->reads[i].done && !a->reads[i].held) {
            gen_read_check(&a->reads[i]);
        }
    }
}

/* ---- the operations ---- */

/* The BQL, and whether the actor holds it (coverage map). */
static void gen_bql(actor_t *a, bool lock)
{
    if (lock) {
        a->g->ops->bql_lock();
    } else {
        a->g->ops->bql_unlock();
    }
    a->bql = lock;
}

int gen_pick_ctx(gen_t *g)
{
    return g->loops.ctx[CTX_IO] ? (int)sim_choose(CTX_N) : CTX_MAIN;
}

/* Now, or a log-uniform delay up to the run's span. */
static void op_timer_mod(actor_t *a, int ctx)
{
    int64_t delay = sim_choose(5) == 0 ? 0 : gen_delay(a->g);
    gen_timer_mod(a, ctx, 0, delay);
}

void gen_fd_set(actor_t *a, int ctx)
{
    gen_t *g = a->g;
    gen_fd_t *f = &a->fd[ctx];
    int which = 1 + (int)sim_choose(2);
    if (!f->handler) {
        f->added_at = sim_now_ns();
    }
    f->handler = which;
    gen_cov(g, COV_FD_SET, ctx);
    g->ops->set_fd_handler(g->loops.ctx[ctx], f->fd, which == 1 ? fd_cb_a : fd_cb_b, f);
}

void gen_fd_remove(actor_t *a, int ctx)
{
    gen_fd_t *f = &a->fd[ctx];
    gen_cov(a->g, COV_FD_REMOVE, ctx);
    a->g->ops->set_fd_handler(a->g->loops.ctx[ctx], f->fd, NULL, NULL);
    f->handler = 0;
}

void gen_bh_schedule(actor_t *a, int ctx)
{
    wk_handoff_start(&a->bhrec[ctx].ho);
    gen_cov(a->g, COV_BH_SCHEDULE, ctx);
    a->g->ops->bh_schedule(a->bh[ctx]);
}

void gen_bh_cancel(actor_t *a, int ctx)
{
    gen_cov(a->g, COV_BH_CANCEL, ctx);
    a->g->ops->bh_cancel(a->bh[ctx]);
    wk_handoff_cancel(&a->bhrec[ctx].ho);
}

/* The pattern of the issue that motivated this workload: the loop may see
 * the BH queued but cancelled, go to sleep, and must wake for the second
 * schedule. */
static void op_bh_reschedule(actor_t *a, int ctx)
{
    gen_bh_schedule(a, ctx);
    gen_bh_cancel(a, ctx);
    gen_think_short(); /* maybe under the BQL: never a pause here */
    gen_bh_schedule(a, ctx);
}

void gen_bh_delete_renew(actor_t *a, int ctx)
{
    wk_handoff_cancel(&a->bhrec[ctx].ho);
    /* The delete hands the BH to the context (freed by its home thread or
     * by aio_context_free) and is a scheduling point where a finished run
     * unwinds this thread: drop our pointer first, or gen_cleanup would
     * free it a second time. */
    const wk_target_ops_t *ops = a->g->ops;
    wk_bh_t *old = a->bh[ctx];
    a->bh[ctx] = NULL;
    gen_cov(a->g, COV_BH_DELETE, ctx);
    ops->bh_delete(old);
    gen_cov(a->g, COV_BH_NEW, ctx);
    a->bh[ctx] = ops->bh_new(a->g->loops.ctx[ctx], bh_cb, &a->bhrec[ctx]);
}

void gen_bh_oneshot(actor_t *a, int ctx)
{
    for (unsigned i = 0; i < GEN_ONESHOTS; i++) {
        gen_oneshot_t *o = &a->oneshot[i];
        if (!o->busy) {
            o->busy = true;
            o->ctx = ctx;
            wk_handoff_start(&o->ho);
            gen_cov(a->g, COV_ONESHOT, ctx);
            a->g->ops->bh_schedule_oneshot(a->g->loops.ctx[ctx], oneshot_cb, o);
            return;
        }
    }
}

/* Two reads from the scenario's device, the first to complete waiting for
 * the other in its CQE handler (nest feature), or NULL. */
static gen_read_t *read_pair(actor_t *a, int ctx)
{
    if (!a->g->feat[FEAT_NEST] || sim_choose(2) != 0) {
        return NULL;
    }
    gen_read_t *r = gen_read_slot(a, ctx);
    gen_read_t *s = r ? gen_read_slot(a, ctx) : NULL;
    if (!s) {
        if (r) {
            r->busy = false;
        }
        return NULL;
    }
    r->band = s->band = 0; /* a wait in a callback: see gen_nest_wait_sibling */
    r->sibling = s;
    s->held = true;
    return r;
}

static void op_read_iothread(actor_t *a)
{
    gen_read_t *r = read_pair(a, CTX_IO);
    if (!r) {
        r = gen_read_slot(a, CTX_IO);
    }
    if (r) {
        wk_handoff_start(&r->ho);
        gen_cov(a->g, COV_ONESHOT, CTX_IO);
        a->g->ops->bh_schedule_oneshot(a->g->loops.ctx[CTX_IO], read_bh_cb, r);
    }
}

/* ---- the aio_poll contract (docs/workloads.md) ---- */

/* Every aio_poll() the workload makes.  "true if progress was made" means a
 * handler was called (a no-op one counts; the notifier's own handler does
 * not, QEMU 70232b5253): progress with none of the workload's callbacks run
 * on ctx during the call, and no block I/O completion reaped by the caller
 * (the loop's handler resubmits a short or refused read without calling
 * back), breaks the contract.  ctx's callbacks run only on
 * the caller meanwhile (its home thread, or the BQL holder for the main
 * context).  A notify during the call excuses it: QEMU 10.2.2's last poll
 * on leaving poll mode (poll_set_started) still counts the notifier's poll
 * handler, so a notify racing with the end of the window is reported as
 * progress; a notify from before the call is not excused.  On QEMU's wider
 * surface its own BHs (thread pool, coroutine wake-ups) are handlers too,
 * so the check is off there, and so is it on the main context with
 * main-loop-ops (qemu_notify_event's BH is one). */
bool gen_poll(gen_t *g, int ctx, bool blocking)
{
    uint64_t runs = g->cb_runs[ctx], ops = g->ctx_ops[ctx];
    uint64_t signals = g->notifier_signals;
    uint64_t reaps = wk_monitor_io_reaps(&g->mon, sim_thread_self());
    bool progress = g->ops->poll(g->loops.ctx[ctx], blocking);
    if (progress && runs == g->cb_runs[ctx] && ops == g->ctx_ops[ctx] &&
        signals == g->notifier_signals &&
        reaps == wk_monitor_io_reaps(&g->mon, sim_thread_self()) && !g->surf &&
        !(g->mloop && ctx == CTX_MAIN)) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_CONTRACT,
                             "aio_poll(%s, %s) reported progress but ran no callback, "
                             "with no notify during the call",
                             gen_ctx_names[ctx], blocking ? "blocking" : "non-blocking");
    }
    return progress;
}

/* What could excuse a blocking aio_poll that made no progress, as counts:
 * a notify (any operation on the context, any eventfd written) or a
 * signal (an injected ppoll EINTR: QEMU's fdmon-poll returns on it). */
typedef struct {
    uint64_t ops, notifier_signals, eintr;
    uint64_t timeout_expiries;
    bool notifier_pending; /* a loop's eventfd written and not yet drained */
} poll_excuses_t;

static poll_excuses_t poll_excuses(const gen_t *g, int ctx)
{
    poll_excuses_t e = { g->ctx_ops[ctx], g->notifier_signals,
                         sim_world_faults_injected(g->w, SIM_FAULT_PPOLL_EINTR),
                         g->timeout_expiries, false };
    for (unsigned i = 0; i < GEN_NOTIFIERS; i++) {
        e.notifier_pending |= g->notifier_pending[i] >= 0;
    }
    return e;
}

/* aio_poll(ctx, true) returned progress.  prev was taken when the
 * previous call of the same wait began (a notify that call did not accept
 * may end this one), start when this one began (a notifier still readable
 * may end it).  A TIMEOUT that expired during the call excuses it too: a
 * wait that ends on a CQE already posted leaves its TIMEOUT armed (its
 * count only counts later CQEs), and that stale TIMEOUT may end the next
 * wait, in QEMU's fdmon-io_uring as in loop/.  With the BQL held
 * throughout, nobody else runs the main context's work meanwhile. */
static void poll_blocking_checked(actor_t *a, bool progress, const poll_excuses_t *prev,
                                  const poll_excuses_t *start)
{
    gen_t *g = a->g;
    poll_excuses_t now = poll_excuses(g, CTX_MAIN);
    if (!progress && now.ops == prev->ops &&
        now.notifier_signals == prev->notifier_signals && now.eintr == prev->eintr &&
        !start->notifier_pending && now.timeout_expiries == start->timeout_expiries) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_CONTRACT,
                             "%s (BQL held): aio_poll(main, blocking) returned no progress "
                             "with no notify since its previous call (no operation on the "
                             "context, no loop's eventfd written or left readable, no "
                             "signal, no io_uring TIMEOUT expired)",
                             a->name);
    }
}

/* Under the BQL: the current context is the main one.  A synchronous read
 * polls until its completion ran; every call after the first (which the
 * submit's own notify may end) is held to the blocking contract. */
static void op_read_main(actor_t *a, bool sync)
{
    gen_t *g = a->g;
    gen_bql(a, true);
    gen_read_t *r = sync ? NULL : read_pair(a, CTX_MAIN);
    if (r) {
        gen_read_submit(r->sibling);
    } else {
        r = gen_read_slot(a, CTX_MAIN);
    }
    if (r) {
        if (sync) {
            /* The scenario's own latency: on loop/, a BQL holder's
             * aio_poll(main, true) hands a wakeup on to glib while the main
             * loop waits for the BQL, and returns at once; a synchronous
             * read of a second would spin for a second. */
            r->band = 0;
        }
        gen_read_submit(r);
        poll_excuses_t prev = { 0 };
        for (unsigned call = 0; sync && !r->done; call++) {
            poll_excuses_t start = poll_excuses(g, CTX_MAIN);
            gen_cov(g, COV_POLL_BLOCKING, CTX_MAIN);
            bool progress = gen_poll(g, CTX_MAIN, true);
            if (call > 0) {
                poll_blocking_checked(a, progress, &prev, &start);
            }
            prev = start;
        }
    }
    gen_bql(a, false);
}

/* The contract's negative case: a thread with no context of its own and
 * without the BQL has no current context, so it may not queue I/O. */
static void op_read_no_context(actor_t *a)
{
    gen_t *g = a->g;
    gen_read_t *r = gen_read_slot(a, CTX_MAIN);
    if (!r) {
        return;
    }
    gen_cov(g, COV_BLK_READ, CTX_MAIN);
    int ret =
        g->ops->blk_read(g->devfd[r->band], r->buf, GEN_CHUNK, r->offset, read_done, r);
    if (ret != -EPERM) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_CONTRACT,
                             "%s (no context, no BQL): aio_blk_read returned %d, expected "
                             "-EPERM",
                             a->name, ret);
    }
    if (ret < 0) {
        r->busy = false; /* refused: nothing in flight */
    }
}

/* A BH of the actor's own on the main context, scheduled and not yet run
 * (its hand-off is open), or NULL. */
static const wk_handoff_t *own_bh_pending_on_main(const actor_t *a)
{
    if (a->bh[CTX_MAIN] && a->bhrec[CTX_MAIN].ho.since_ns >= 0) {
        return &a->bhrec[CTX_MAIN].ho;
    }
    for (unsigned i = 0; i < GEN_ONESHOTS; i++) {
        const gen_oneshot_t *o = &a->oneshot[i];
        if (o->busy && o->ctx == CTX_MAIN && o->ho.since_ns >= 0) {
            return &o->ho;
        }
    }
    return NULL;
}

/* With the BQL held, only this call can run the main context's BHs: one
 * of the actor's own still pending when it takes the BQL is work ready,
 * which aio_poll(main, false) must run and report as progress. */
static void op_poll_nonblocking(actor_t *a)
{
    gen_t *g = a->g;
    gen_bql(a, true);
    const wk_handoff_t *ready = own_bh_pending_on_main(a);
    gen_cov(g, COV_POLL_NB, CTX_MAIN);
    bool progress = gen_poll(g, CTX_MAIN, false);
    if (ready && (!progress || ready->since_ns >= 0)) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_CONTRACT,
                             "%s (BQL held): aio_poll(main, non-blocking) with %s ready "
                             "returned %s and %s it",
                             a->name, ready->what, progress ? "progress" : "no progress",
                             ready->since_ns >= 0 ? "did not run" : "ran");
    }
    gen_bql(a, false);
}

/* The operations this actor may do in this run: the contract (who may call
 * what) and the run's features. */
static unsigned allowed_ops(actor_t *a, gen_op_t *ops)
{
    gen_t *g = a->g;
    unsigned n = 0;
    ops[n++] = OP_THINK;
    if (g->feat[FEAT_BH]) {
        ops[n++] = OP_BH_SCHEDULE;
        ops[n++] = OP_BH_SCHEDULE;
        ops[n++] = OP_BH_CANCEL;
        ops[n++] = OP_BH_DELETE_RENEW;
        ops[n++] = OP_BH_RESCHEDULE;
    }
    if (g->feat[FEAT_ONESHOT]) {
        ops[n++] = OP_BH_ONESHOT;
    }
    if (g->feat[FEAT_TIMER]) {
        ops[n++] = OP_TIMER_MOD;
        ops[n++] = OP_TIMER_MOD;
        ops[n++] = OP_TIMER_DEL;
        ops[n++] = OP_TIMER_MOVE;
        ops[n++] = OP_TIMER_CLUSTER;
    }
    if (g->feat[FEAT_FD]) {
        ops[n++] = OP_FD_SIGNAL;
        ops[n++] = OP_FD_SIGNAL;
        ops[n++] = OP_FD_SET;
        ops[n++] = OP_FD_REMOVE;
    }
    if (g->feat[FEAT_SQE] && g->ring[CTX_IO]) {
        ops[n++] = OP_READ_IOTHREAD;
    }
    if (a->vcpu && g->feat[FEAT_SQE] && g->ring[CTX_MAIN]) {
        ops[n++] = OP_READ_MAIN;
    }
    if (g->feat[FEAT_SQE]) {
        ops[n++] = OP_READ_NO_CONTEXT;
    }
    if (a->vcpu && g->feat[FEAT_SYNC_POLL] && !g->scn->gen_no_bql_polls) {
        if (g->ring[CTX_MAIN]) {
            ops[n++] = OP_READ_SYNC;
        }
        ops[n++] = OP_POLL_NONBLOCKING;
    }
    if (g->surf) {
        ops[n++] = OP_SURFACE;
        ops[n++] = OP_SURFACE;
    }
    if (g->mloop) {
        for (int k = 0; k < 4; k++) {
            ops[n++] = OP_MAIN_LOOP;
        }
    }
    return n;
}

/* An operation on context ctx (or a think). */
static void run_ctx_op(actor_t *a, gen_op_t op, int ctx)
{
    switch (op) {
    case OP_THINK:
        gen_think(a);
        break;
    case OP_BH_SCHEDULE:
        gen_bh_schedule(a, ctx);
        break;
    case OP_BH_CANCEL:
        gen_bh_cancel(a, ctx);
        break;
    case OP_BH_DELETE_RENEW:
        gen_bh_delete_renew(a, ctx);
        break;
    case OP_BH_ONESHOT:
        gen_bh_oneshot(a, ctx);
        break;
    case OP_BH_RESCHEDULE:
        op_bh_reschedule(a, ctx);
        break;
    case OP_TIMER_MOD:
        op_timer_mod(a, ctx);
        break;
    case OP_TIMER_DEL:
        gen_timer_del(a, ctx, 0);
        break;
    case OP_TIMER_MOVE:
        gen_timer_move(a, ctx);
        break;
    case OP_TIMER_CLUSTER:
        gen_timer_cluster(a, ctx);
        break;
    case OP_FD_SIGNAL:
        gen_cov(a->g, COV_FD_SIGNAL, ctx);
        os_eventfd_signal(a->fd[ctx].fd);
        break;
    case OP_FD_SET:
        gen_fd_set(a, ctx);
        break;
    default:
        gen_fd_remove(a, ctx);
        break;
    }
}

/* The reads and polls, which choose their context (and the BQL) themselves. */
static void run_io_op(actor_t *a, gen_op_t op)
{
    switch (op) {
    case OP_READ_IOTHREAD:
        op_read_iothread(a);
        break;
    case OP_READ_MAIN:
        op_read_main(a, false);
        break;
    case OP_READ_SYNC:
        op_read_main(a, true);
        break;
    case OP_POLL_NONBLOCKING:
        op_poll_nonblocking(a);
        break;
    case OP_SURFACE:
        wk_gensurf_op(a->g->surf, (unsigned)a->index);
        break;
    case OP_MAIN_LOOP:
        wk_genml_op(a->g->mloop, (unsigned)a->index, gen_delay(a->g));
        break;
    default:
        op_read_no_context(a);
        break;
    }
}

static void run_op(actor_t *a, gen_op_t op)
{
    gen_t *g = a->g;
    /* A vCPU may do the context operations while holding the BQL, as device
     * emulation does; the BQL-only operations take it themselves. */
    bool hold = a->vcpu && g->feat[FEAT_BQL_HOLD] && op < OP_READ_IOTHREAD &&
                op != OP_THINK && sim_choose(2) == 0;
    int ctx = op < OP_READ_IOTHREAD ? gen_pick_ctx(g) : CTX_MAIN;
    /* The poll contract's notifies: an operation on a context counts from
     * its start to its end. */
    int touched = op == OP_READ_IOTHREAD ? CTX_IO : ctx;
    g->ctx_ops[touched]++;
    if (hold) {
        gen_bql(a, true);
    }
    if (op < OP_READ_IOTHREAD) {
        run_ctx_op(a, op, ctx);
    } else {
        run_io_op(a, op);
    }
    if (hold) {
        gen_bql(a, false);
    }
    g->ctx_ops[touched]++;
}

static void *actor_main(void *arg)
{
    actor_t *a = arg;
    a->thread = sim_thread_self();
    gen_op_t ops[32];
    unsigned n = allowed_ops(a, ops);
    for (unsigned i = 0; i < a->g->scn->gen_ops; i++) {
        run_op(a, ops[sim_choose(n)]);
        if (sim_choose(2) == 0) {
            gen_think(a);
        }
        reads_collect(a, false);
    }
    if (a->g->surf) {
        wk_gensurf_collect(a->g->surf, (unsigned)a->index);
    }
    reads_collect(a, true);
    return NULL;
}

/* ---- the loops (threads.c) ---- */

/* The home thread frees its context's timers (a timer is freed where it
 * cannot be firing), after the hygiene check saw them disarmed. */
static void free_timers_of(gen_t *g, int ctx)
{
    for (unsigned i = 0; i < g->nall; i++) {
        for (unsigned k = 0; k < GEN_TIMERS; k++) {
            g->ops->timer_free(g->actors[i].timer[ctx][k].timer);
            g->actors[i].timer[ctx][k].timer = NULL;
        }
    }
}

static void loop_checked(void *opaque, int which, wk_ctx_t *ctx)
{
    gen_t *g = opaque;
    (void)ctx;
    free_timers_of(g, which);
    if (which == CTX_MAIN) {
        wk_genml_free_timers(g->mloop);
    }
}

/* Before each main_loop_wait(): main-loop-ops' event flags. */
static void loop_iterate(void *opaque)
{
    gen_t *g = opaque;
    wk_genml_iterate(g->mloop);
}

/* ---- main ---- */

static void actor_name(gen_t *g, actor_t *a)
{
    unsigned i = (unsigned)a->index;
    if (a->kit >= 0) {
        g_snprintf(a->name, sizeof(a->name), "cb-%s", gen_ctx_names[a->kit]);
    } else if (a->vcpu) {
        g_snprintf(a->name, sizeof(a->name), "vcpu%u", i);
    } else {
        g_snprintf(a->name, sizeof(a->name), "worker%u", i - g->scn->vcpus);
    }
}

/* The hand-off records of the actor's one-shot BHs and reads. */
static void actor_init_slots(actor_t *a)
{
    char what[48];
    for (unsigned k = 0; k < GEN_ONESHOTS; k++) {
        a->oneshot[k].a = a;
        g_snprintf(what, sizeof(what), "one-shot BH %u of %s", k, a->name);
        wk_handoff_init(&a->oneshot[k].ho, what);
    }
    for (unsigned k = 0; k < GEN_READS; k++) {
        a->reads[k].a = a;
        a->reads[k].buf = a->g->read_bufs + ((size_t)a->index * GEN_READS + k) * GEN_CHUNK;
        g_snprintf(what, sizeof(what), "read BH %u of %s", k, a->name);
        wk_handoff_init(&a->reads[k].ho, what);
    }
}

/* The actor's own BH, timer and eventfd on context c. */
static void actor_init_on(actor_t *a, int c)
{
    gen_t *g = a->g;
    wk_ctx_t *ctx = g->loops.ctx[c];
    char what[48];
    a->bhrec[c].a = a;
    a->bhrec[c].ctx = c;
    g_snprintf(what, sizeof(what), "BH of %s@%s", a->name, gen_ctx_names[c]);
    wk_handoff_init(&a->bhrec[c].ho, what);
    a->bh[c] = g->ops->bh_new(ctx, bh_cb, &a->bhrec[c]);
    for (unsigned k = 0; k < GEN_TIMERS; k++) {
        gen_timer_t *t = &a->timer[c][k];
        t->a = a;
        t->ctx = c;
        gen_timer_init(t);
        if (k) {
            g_snprintf(what, sizeof(what), "timer %u of %s@%s", k, a->name,
                       gen_ctx_names[c]);
        } else {
            g_snprintf(what, sizeof(what), "timer of %s@%s", a->name, gen_ctx_names[c]);
        }
        wk_timer_watch_init(&t->watch, what);
        t->timer = g->ops->timer_new(ctx, timer_cb, t);
    }
    a->fd[c].a = a;
    a->fd[c].ctx = c;
    a->fd[c].fd = os_eventfd_new();
}

static void actor_init(gen_t *g, unsigned i, int kit)
{
    actor_t *a = &g->actors[i];
    a->g = g;
    a->index = (int)i;
    a->kit = kit;
    a->vcpu = kit < 0 && i < g->scn->vcpus;
    a->think_ns = MIN(2000000000, g->scn->deadline_ns / 8);
    actor_name(g, a);
    os_mutex_init(&a->lock);
    sim_cond_init(&a->cond);
    actor_init_slots(a);
    for (int c = 0; c < CTX_N; c++) {
        if (g->loops.ctx[c]) {
            actor_init_on(a, c);
        }
    }
}

/* The programs' actors, then (nest feature) a callback actor per context. */
static void actors_init(gen_t *g)
{
    unsigned workers = g->feat[FEAT_WORKERS] ? 1 + sim_choose(2) : 0;
    g->nactors = MIN(g->scn->vcpus + workers, GEN_MAX_ACTORS);
    g->nall = g->nactors;
    for (unsigned i = 0; i < g->nactors; i++) {
        actor_init(g, i, -1);
    }
    gen_nest_init(g);
    for (int c = 0; c < CTX_N && g->feat[FEAT_NEST]; c++) {
        if (g->loops.ctx[c]) {
            actor_init(g, g->nall, c);
            g->kit[c].a = &g->actors[g->nall++];
        }
    }
}

/* An fd of the actor readable with a handler for longer than the bound. */
static void check_stale_fd(gen_t *g, actor_t *a, int c, int64_t now)
{
    gen_fd_t *f = &a->fd[c];
    int64_t since = MAX(f->readable_since, f->added_at);
    if (f->handler && f->readable) {
        char what[48];
        g_snprintf(what, sizeof(what), "fd of %s@%s", a->name, gen_ctx_names[c]);
        wk_monitor_handoff_open(&g->mon, g->w, what, since, g->mon.bound_handoff_ns, now);
    }
}

/* After the quiet period every hand-off must have been served. */
static void check_stale(gen_t *g)
{
    int64_t clock = g->ops->clock_ns();
    int64_t now = sim_now_ns();
    for (unsigned i = 0; i < g->nall; i++) {
        actor_t *a = &g->actors[i];
        for (unsigned k = 0; k < GEN_ONESHOTS; k++) {
            wk_handoff_check_stale(&a->oneshot[k].ho, &g->mon, g->w);
        }
        for (unsigned k = 0; k < GEN_READS; k++) {
            wk_handoff_check_stale(&a->reads[k].ho, &g->mon, g->w);
        }
        for (int c = 0; c < CTX_N; c++) {
            if (!g->loops.ctx[c]) {
                continue;
            }
            wk_handoff_check_stale(&a->bhrec[c].ho, &g->mon, g->w);
            for (unsigned k = 0; k < GEN_TIMERS; k++) {
                wk_timer_watch_check_stale(&a->timer[c][k].watch, clock, &g->mon, g->w);
            }
            check_stale_fd(g, a, c, now);
        }
    }
}

/* Undo what the programs left registered, as a well-behaved user does
 * before stopping its loops: what is still left then is a leak. */
static void actors_cleanup(gen_t *g)
{
    for (unsigned i = 0; i < g->nall; i++) {
        actor_t *a = &g->actors[i];
        for (int c = 0; c < CTX_N; c++) {
            if (!g->loops.ctx[c]) {
                continue;
            }
            if (a->fd[c].handler) {
                gen_fd_remove(a, c);
            }
            for (unsigned k = 0; k < GEN_TIMERS; k++) {
                g->ops->timer_del(a->timer[c][k].timer);
            }
            wk_bh_t *bh = a->bh[c];
            a->bh[c] = NULL; /* before the scheduling point: see gen_bh_delete_renew */
            g->ops->bh_delete(bh);
        }
    }
}

/* Runs after the run ended, on no simulated thread: frees what killed
 * threads left behind. */
static void gen_cleanup(void *arg)
{
    gen_t *g = arg;
    for (int c = 0; c < CTX_N; c++) {
        if (g->loops.ctx[c]) {
            free_timers_of(g, c);
        }
    }
    if (g->loops.ctx[CTX_MAIN]) {
        wk_genml_free_timers(g->mloop);
    }
    wk_loops_free_contexts(&g->loops);
    for (unsigned i = 0; i < g->nall; i++) {
        /* Reusable BHs are their owner's: with the contexts gone nobody
         * else holds them (a queued one was unlinked by the free). */
        for (int c = 0; c < CTX_N; c++) {
            if (g->actors[i].bh[c]) {
                g->ops->bh_free_after_context(g->actors[i].bh[c]);
            }
            g->actors[i].bh[c] = NULL;
        }
    }
    for (unsigned i = 0; i < g->nall; i++) {
        for (int c = 0; c < CTX_N; c++) {
            if (g->actors[i].fd[c].fd > 0) {
                os_fd_close(g->actors[i].fd[c].fd);
            }
        }
    }
    wk_loops_close(&g->loops);
}

/* Per context, the scenario's fd-monitor back end or (one time in four)
 * the other of ppoll and io_uring; a scenario that lets the kernel choose
 * (uring-init faults) keeps its choice.  A target may have a fixed one:
 * what each context got is what gen_main reads back (g->ring). */
static void draw_backends(gen_t *g)
{
    aio_backend_t own = g->scn->backend;
    for (int c = 0; c < CTX_N; c++) {
        bool other = sim_choose(4) == 3;
        if (other && own != AIO_BACKEND_AUTO) {
            g->loops.backend[c] =
                own == AIO_BACKEND_IO_URING ? AIO_BACKEND_POLL : AIO_BACKEND_IO_URING;
        }
    }
}

/* Each run draws its features, and says which in the event log. */
static void draw_features(gen_t *g)
{
    for (int f = 0; f < FEAT_COUNT; f++) {
        g->feat[f] = sim_choose(4) != 3;
    }
    gen_time_draw(g);
    draw_backends(g);
    char line[128];
    int len = g_snprintf(line, sizeof(line), "features");
    for (int f = 0; f < FEAT_COUNT; f++) {
        len += g_snprintf(line + len, sizeof(line) - (size_t)len, "%c",
                          g->feat[f] ? '1' : '0');
    }
    g_snprintf(line + len, sizeof(line) - (size_t)len, " span %.3f ms backends %d %d",
               gen_time_longest(g) / 2 / NS_PER_MS, g->loops.backend[CTX_MAIN],
               g->loops.backend[CTX_IO]);
    sim_monitor_event(g->w, line, 0, 0);
}

static void run_actors(gen_t *g)
{
    const char *names[GEN_MAX_ACTORS];
    void *args[GEN_MAX_ACTORS];
    for (unsigned i = 0; i < g->nactors; i++) {
        names[i] = g->actors[i].name;
        args[i] = &g->actors[i];
    }
    wk_threads_run_all(g->w, g->nactors, names, actor_main, args);
}

/* The program actors' names and roles, for the optional operation sets;
 * false (a hygiene violation) when the target lacks an op the set needs
 * (missing, the first of them; key, the scenario line asking for it). */
static bool actor_roles(gen_t *g, const char *missing, const char *key, const char *names[],
                        bool vcpu[])
{
    if (missing) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_HYGIENE,
                             "%s needs the target op %s, which %s lacks", key, missing,
                             g->ops->name);
        return false;
    }
    for (unsigned i = 0; i < g->nactors; i++) {
        names[i] = g->actors[i].name;
        vcpu[i] = g->actors[i].vcpu;
    }
    return true;
}

/* surface = qemu: the actors' operations on QEMU's wider surface;
 * main-loop-ops = yes: their main-loop timers and events. */
static bool optional_ops_init(gen_t *g)
{
    const char *names[GEN_MAX_ACTORS];
    bool vcpu[GEN_MAX_ACTORS];
    const scn_t *s = g->scn;
    if (s->gen_surface == SCN_SURFACE_QEMU) {
        if (!actor_roles(g, wk_gensurf_missing_op(g->ops), "surface = qemu", names, vcpu)) {
            return false;
        }
        g->surf = wk_gensurf_new(g->ops, g->w, &g->mon, g->loops.ctx, g->nactors, names,
                                 vcpu, !s->gen_no_bql_polls);
    }
    if (s->gen_main_loop_ops) {
        if (!actor_roles(g, wk_genml_missing_op(g->ops), "main-loop-ops = yes", names,
                         vcpu)) {
            return false;
        }
        g->mloop = wk_genml_new(g->ops, g->w, &g->mon, g->nactors, names, vcpu);
    }
    return true;
}

static void *gen_main(void *arg)
{
    gen_t *g = arg;
    const scn_t *s = g->scn;

    wk_loops_begin(&g->loops);
    sim_defer(g->w, gen_cleanup, g);
    draw_features(g);
    gen_devices_create(g);
    wk_loops_open_stop_fds(&g->loops);
    if (!wk_loops_start(&g->loops,
                        g->feat[FEAT_IOTHREAD] || s->target == SCN_TARGET_IOTHREAD)) {
        return NULL;
    }
    for (int c = 0; c < CTX_N; c++) {
        g->ring[c] = g->loops.ctx[c] && g->ops->context_has_sqe(g->loops.ctx[c]);
    }
    actors_init(g);
    if (!optional_ops_init(g)) {
        return NULL;
    }
    run_actors(g);
    gen_nest_stop(g);
    int64_t done_at = sim_now_ns();

    /* Quiet period: the longest delay plus twice the bound. */
    sim_sleep_ns(gen_time_longest(g) + 2 * g->mon.bound_handoff_ns);
    check_stale(g);
    if (g->surf) {
        wk_gensurf_check_stale(g->surf);
    }
    if (g->mloop) {
        wk_genml_check_stale(g->mloop);
        wk_genml_cleanup(g->mloop);
    }
    actors_cleanup(g);
    wk_loops_stop(&g->loops);
    if (g->surf) {
        wk_gensurf_after_stop(g->surf);
    }
    wk_hygiene_check_threads(&g->mon, g->w);
    if (done_at > s->deadline_ns) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_DEADLINE,
                             "workload finished at %.3f ms, deadline %.3f ms",
                             done_at / NS_PER_MS, s->deadline_ns / NS_PER_MS);
    }
    return NULL;
}

/* The loops' eventfds (any that is not an actor's): written, drained. */
static void notifier_event(gen_t *g, const sim_event_t *ev)
{
    int free_slot = -1;
    for (int i = 0; i < GEN_NOTIFIERS; i++) {
        if (g->notifier_pending[i] == ev->object) {
            if (ev->kind == SIM_EV_EVENTFD_DRAIN) {
                g->notifier_pending[i] = -1;
            }
            return;
        }
        if (g->notifier_pending[i] < 0 && free_slot < 0) {
            free_slot = i;
        }
    }
    if (ev->kind == SIM_EV_EVENTFD_SIGNAL && free_slot >= 0) {
        g->notifier_pending[free_slot] = ev->object;
    }
}

/* Readable edges of the actors' fds, from the simulated eventfd itself;
 * the others are the loops'. */
static void gen_fd_event(gen_t *g, const sim_event_t *ev)
{
    for (unsigned i = 0; i < g->nall; i++) {
        for (int c = 0; c < CTX_N; c++) {
            gen_fd_t *f = &g->actors[i].fd[c];
            if (f->a && f->fd == ev->object) {
                if (ev->kind == SIM_EV_EVENTFD_DRAIN) {
                    f->readable = false;
                } else if (!f->readable) {
                    f->readable = true;
                    f->readable_since = ev->time_ns;
                }
                return;
            }
        }
    }
    g->notifier_signals += ev->kind == SIM_EV_EVENTFD_SIGNAL;
    notifier_event(g, ev);
}

static void gen_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    gen_t *g = opaque;
    wk_monitor_on_event(w, ev, &g->mon);
    gen_cov_event(g, ev);
    if (ev->kind == SIM_EV_EVENTFD_SIGNAL || ev->kind == SIM_EV_EVENTFD_DRAIN) {
        gen_fd_event(g, ev);
    } else if (ev->kind == SIM_EV_CQE_REAP && ev->value == -ETIME) {
        g->timeout_expiries++;
    }
    if (g->user_on_event) {
        g->user_on_event(w, ev, g->user_opaque);
    }
}

/* What the actors call on the target, besides what their loop threads
 * need (wk_loops_missing_op). */
static const wk_target_op_t needed_ops[] = {
    WK_TARGET_OP(bh_schedule_oneshot), WK_TARGET_OP(bh_new),
    WK_TARGET_OP(bh_schedule),         WK_TARGET_OP(bh_cancel),
    WK_TARGET_OP(bh_delete),           WK_TARGET_OP(bh_free_after_context),
    WK_TARGET_OP(timer_del),           WK_TARGET_OP(blk_read),
    WK_TARGET_OP(context_has_sqe),
};

const char *wk_genload_missing_op(const wk_target_ops_t *ops)
{
    const char *missing = wk_loops_missing_op(ops);
    return missing ? missing
                   : wk_target_first_missing(ops, needed_ops, G_N_ELEMENTS(needed_ops));
}

void wk_genload_run(const scn_t *scn, const sim_options_t *o, wk_outcome_t *out)
{
    gen_t *g = g_new0(gen_t, 1);
    sim_options_t opts = *o;

    g->scn = scn;
    g->ops = wk_target_selected();
    g->read_bufs = g_malloc((size_t)GEN_ALL * GEN_READS * GEN_CHUNK);
    for (unsigned i = 0; i < GEN_NOTIFIERS; i++) {
        g->notifier_pending[i] = -1;
    }
    wk_monitor_init(&g->mon, scn->bound_sqe_submit_ns, scn->bound_cqe_reap_ns,
                    scn->bound_handoff_ns);
    wk_monitor_set_busy_loop(&g->mon, scn->busy_loop_n, scn->busy_loop_window_ns);
    g->user_on_event = o->on_event;
    g->user_opaque = o->event_opaque;
    opts.on_event = gen_on_event;
    opts.event_opaque = g;
    wk_machine_apply_scenario(&opts, scn);
    g->faults = opts.faults;

    g->w = sim_world_new(&opts);
    wk_loops_init(&g->loops, g->ops, scn, g->w, &g->mon);
    g->loops.hooks.checked = loop_checked;
    if (scn->gen_main_loop_ops) {
        g->loops.hooks.iterate = loop_iterate;
    }
    g->loops.opaque = g;
    sim_result_t r = sim_world_run(g->w, gen_main, g);
    wk_monitor_finish(&g->mon, g->w);
    wk_outcome_fill(out, g->w, r, &g->mon, opts.log_enabled);
    out->memory_model = opts.memory_model;
    sim_world_free(g->w);
    wk_monitor_destroy(&g->mon);
    if (g->surf) {
        wk_gensurf_free(g->surf);
    }
    if (g->mloop) {
        wk_genml_free(g->mloop);
    }
    g_free(g->read_bufs);
    g_free(g);
}

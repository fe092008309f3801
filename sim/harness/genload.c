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
#include "aio-os.h"
#include "genload.h"
#include "genload-qemu.h"
#include "handoff.h"
#include "hygiene.h"
#include "invariant.h"
#include "monitor.h"
#include "threads.h"

#define GEN_MAX_ACTORS 8
#define GEN_ONESHOTS 3
#define GEN_READS 3
#define GEN_CHUNK 4096u
#define GEN_READS_PER_ACTOR 4096u /* device space per actor, in chunks */
#define GEN_NOTIFIERS 8           /* eventfds of the loops, at most */

enum { CTX_MAIN = WK_LOOP_MAIN, CTX_IO = WK_LOOP_IO, CTX_N = WK_LOOP_N };
static const char *const ctx_names[CTX_N] = { "main", "iothread" };

/* Swarm switches: each run turns a random subset on (value 0 = on, so an
 * empty fuzzer input enables everything). */
enum {
    FEAT_BH,
    FEAT_ONESHOT,
    FEAT_TIMER,
    FEAT_FD,
    FEAT_SQE,
    FEAT_SYNC_POLL,
    FEAT_IOTHREAD,
    FEAT_WORKERS,
    FEAT_BQL_HOLD,
    FEAT_PAUSES,
    FEAT_COUNT
};

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
    OP_FD_SIGNAL,
    OP_FD_SET,
    OP_FD_REMOVE,
    OP_READ_IOTHREAD,    /* a one-shot BH on the iothread submits a read there */
    OP_READ_MAIN,        /* BQL holder: add_sqe on the main context */
    OP_READ_SYNC,        /* BQL holder: read, then aio_poll(main) until done */
    OP_POLL_NONBLOCKING, /* BQL holder: aio_poll(main, false) */
    OP_READ_NO_CONTEXT,  /* no context, no BQL: add_sqe must refuse (-EPERM) */
    OP_SURFACE,          /* [workload] surface = qemu: one of genload-qemu.c's */
    OP_COUNT
} gen_op_t;

typedef struct gen gen_t;
typedef struct actor actor_t;

typedef struct {
    actor_t *a;
    int ctx;
    wk_handoff_t ho;
} gen_bh_t;

typedef struct {
    actor_t *a;
    bool busy;
    int ctx;
    wk_handoff_t ho;
} gen_oneshot_t;

typedef struct {
    actor_t *a;
    wk_timer_t *timer;
    wk_timer_watch_t watch;
} gen_timer_t;

typedef struct {
    actor_t *a;
    int ctx;
    int fd;
    int handler;      /* 0 none, 1 or 2: which callback is set */
    int64_t added_at; /* sim time the handler was (re)added */
    bool readable;    /* from the eventfd's own events */
    int64_t readable_since;
} gen_fd_t;

typedef struct {
    actor_t *a;
    bool busy, done;
    int ctx;
    uint64_t offset;
    ssize_t ret;
    char buf[GEN_CHUNK];
    wk_handoff_t ho; /* iothread path: the BH that submits */
} gen_read_t;

struct actor {
    gen_t *g;
    int index;
    bool vcpu;
    char name[16];
    os_mutex_t lock;
    sim_cond_t cond;
    wk_bh_t *bh[CTX_N];
    gen_bh_t bhrec[CTX_N];
    gen_oneshot_t oneshot[GEN_ONESHOTS];
    gen_timer_t timer[CTX_N];
    gen_fd_t fd[CTX_N];
    gen_read_t reads[GEN_READS];
    unsigned reads_issued;
};

struct gen {
    sim_faults_t faults; /* the run's injected faults */
    const scn_t *scn;
    const wk_target_ops_t *ops; /* the event loop under test */
    sim_world_t *w;
    wk_monitor_t mon;
    sim_event_fn_t *user_on_event;
    void *user_opaque;
    bool feat[FEAT_COUNT];
    int devfd;
    char expected[GEN_CHUNK];

    wk_loops_t loops; /* main-loop, iothread: their contexts in loops.ctx[CTX_*] */

    /* What may make a blocking aio_poll return without progress (the poll
     * contract, poll_blocking_checked): operations on each context, bumped
     * before and after each; writes to the eventfds that are not the
     * actors' (the loops' notifiers), and which of those are still
     * undrained, from the event stream. */
    uint64_t ctx_ops[CTX_N];
    uint64_t notifier_signals;
    int64_t notifier_pending[GEN_NOTIFIERS]; /* fds written and not drained; -1 */
    uint64_t timeout_expiries; /* CQEs of io_uring TIMEOUTs that expired, reaped */

    unsigned nactors;
    actor_t actors[GEN_MAX_ACTORS];
    wk_gensurf_t *surf; /* surface = qemu: the thread pool, AIO_WAIT_WHILE */
};

#define NS_PER_MS 1000000.0

/* ---- think times: from zero up, so other threads act inside the short
 * window between a loop's prepare and its poll as well as while it sleeps */

static const int64_t think_ns[] = { 0, 0, 0, 0, 1000, 5000, 20000, 100000, 1000000 };

/* With the pauses feature, one think in four is a pause of half to three
 * times the hand-off bound.  Without pauses, the next operation of some
 * actor usually wakes a loop within the bound anyway, and a lost wakeup
 * before it goes unseen; a pause gives the monitor time to see it. */
static const int pause_per_mille_of_bound[] = { 500, 1200, 3000 };

static void think_short(void)
{
    int64_t ns = think_ns[sim_choose(G_N_ELEMENTS(think_ns))];
    if (ns) {
        sim_sleep_ns(ns);
    } else {
        sim_yield();
    }
}

/* Between operations, holding nothing, so a pause delays nobody else. */
static void think(const gen_t *g)
{
    if (g->feat[FEAT_PAUSES] && sim_choose(4) == 0) {
        int k =
            pause_per_mille_of_bound[sim_choose(G_N_ELEMENTS(pause_per_mille_of_bound))];
        sim_sleep_ns(g->mon.bound_handoff_ns / 1000 * k);
    } else {
        think_short();
    }
}

/* ---- callbacks, run on a context's home thread (or a BQL holder polling
 * the main context) ---- */

static void bh_cb(void *opaque)
{
    gen_bh_t *r = opaque;
    wk_handoff_done(&r->ho, &r->a->g->mon, r->a->g->w);
}

static void oneshot_cb(void *opaque)
{
    gen_oneshot_t *r = opaque;
    wk_handoff_done(&r->ho, &r->a->g->mon, r->a->g->w);
    r->busy = false;
}

static void timer_cb(void *opaque)
{
    gen_timer_t *r = opaque;
    wk_monitor_progress(&r->a->g->mon);
    wk_timer_watch_fired(&r->watch, r->a->g->ops->clock_ns(), &r->a->g->mon, r->a->g->w);
}

static void fd_served(gen_fd_t *r)
{
    gen_t *g = r->a->g;
    if (r->readable) {
        wk_handoff_t ho;
        char what[48];
        g_snprintf(what, sizeof(what), "fd of %s@%s", r->a->name, ctx_names[r->ctx]);
        wk_handoff_init(&ho, what);
        wk_handoff_start_at(&ho, MAX(r->readable_since, r->added_at));
        wk_handoff_done(&ho, &g->mon, g->w);
    }
    os_eventfd_drain(r->fd);
}

static void fd_cb_a(void *opaque)
{
    fd_served(opaque);
}

static void fd_cb_b(void *opaque)
{
    fd_served(opaque);
}

static void read_done(void *opaque, ssize_t ret)
{
    gen_read_t *r = opaque;
    actor_t *a = r->a;
    os_mutex_lock(&a->lock);
    r->ret = ret;
    r->done = true;
    sim_cond_broadcast(&a->cond);
    os_mutex_unlock(&a->lock);
}

static void read_submit(gen_read_t *r)
{
    gen_t *g = r->a->g;
    int ret = g->ops->blk_read(g->devfd, r->buf, GEN_CHUNK, r->offset, read_done, r);
    if (ret < 0) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_DATA,
                             "%s: aio_blk_read on %s failed: %s", r->a->name,
                             ctx_names[r->ctx], g_strerror(-ret));
        read_done(r, ret);
    }
}

/* The iothread path: a one-shot BH submits on the iothread's own ring. */
static void read_bh_cb(void *opaque)
{
    gen_read_t *r = opaque;
    wk_handoff_done(&r->ho, &r->a->g->mon, r->a->g->w);
    read_submit(r);
}

/* ---- reads: slots, data check ---- */

static gen_read_t *read_slot(actor_t *a, int ctx)
{
    for (unsigned i = 0; i < GEN_READS; i++) {
        gen_read_t *r = &a->reads[i];
        if (!r->busy) {
            r->busy = true;
            r->done = false;
            r->ctx = ctx;
            r->ret = -1;
            r->offset = ((uint64_t)a->index * GEN_READS_PER_ACTOR +
                         a->reads_issued++ % GEN_READS_PER_ACTOR) *
                        GEN_CHUNK;
            return r;
        }
    }
    return NULL;
}

static void read_check(gen_read_t *r)
{
    gen_t *g = r->a->g;
    if (r->ret == -EIO && wk_faults_fail_reads(&g->faults)) {
        /* an injected I/O error, as the guest would see it */
    } else if (r->ret != (ssize_t)GEN_CHUNK) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_DATA,
                             "%s: read at %" PRIu64 " returned %zd", r->a->name, r->offset,
                             r->ret);
    } else {
        sim_blkdev_expected(g->w, g->devfd, r->offset, g->expected, GEN_CHUNK);
        if (memcmp(g->expected, r->buf, GEN_CHUNK) != 0) {
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
        if (a->reads[i].busy && a->reads[i].done) {
            read_check(&a->reads[i]);
        }
    }
}

/* ---- the operations ---- */

static int pick_ctx(gen_t *g)
{
    return g->loops.ctx[CTX_IO] ? (int)sim_choose(CTX_N) : CTX_MAIN;
}

static const int64_t timer_delay_ns[] = { 0, 20000, 200000, 1000000, 3000000 };

static void op_timer_mod(actor_t *a, int ctx)
{
    const wk_target_ops_t *ops = a->g->ops;
    gen_timer_t *t = &a->timer[ctx];
    int64_t deadline =
        ops->clock_ns() + timer_delay_ns[sim_choose(G_N_ELEMENTS(timer_delay_ns))];
    wk_timer_watch_arm(&t->watch, deadline);
    ops->timer_mod_ns(t->timer, deadline);
}

static void op_timer_del(actor_t *a, int ctx)
{
    gen_timer_t *t = &a->timer[ctx];
    wk_timer_watch_disarm(&t->watch);
    a->g->ops->timer_del(t->timer);
}

static void op_fd_set(actor_t *a, int ctx)
{
    gen_t *g = a->g;
    gen_fd_t *f = &a->fd[ctx];
    int which = 1 + (int)sim_choose(2);
    if (!f->handler) {
        f->added_at = sim_now_ns();
    }
    f->handler = which;
    g->ops->set_fd_handler(g->loops.ctx[ctx], f->fd, which == 1 ? fd_cb_a : fd_cb_b, f);
}

static void op_fd_remove(actor_t *a, int ctx)
{
    gen_fd_t *f = &a->fd[ctx];
    a->g->ops->set_fd_handler(a->g->loops.ctx[ctx], f->fd, NULL, NULL);
    f->handler = 0;
}

static void op_bh_schedule(actor_t *a, int ctx)
{
    wk_handoff_start(&a->bhrec[ctx].ho);
    a->g->ops->bh_schedule(a->bh[ctx]);
}

static void op_bh_cancel(actor_t *a, int ctx)
{
    a->g->ops->bh_cancel(a->bh[ctx]);
    wk_handoff_cancel(&a->bhrec[ctx].ho);
}

/* The pattern of the issue that motivated this workload: the loop may see
 * the BH queued but cancelled, go to sleep, and must wake for the second
 * schedule. */
static void op_bh_reschedule(actor_t *a, int ctx)
{
    op_bh_schedule(a, ctx);
    op_bh_cancel(a, ctx);
    think_short(); /* maybe under the BQL: never a pause here */
    op_bh_schedule(a, ctx);
}

static void op_bh_delete_renew(actor_t *a, int ctx)
{
    wk_handoff_cancel(&a->bhrec[ctx].ho);
    /* The delete hands the BH to the context (freed by its home thread or
     * by aio_context_free) and is a scheduling point where a finished run
     * unwinds this thread: drop our pointer first, or gen_cleanup would
     * free it a second time. */
    const wk_target_ops_t *ops = a->g->ops;
    wk_bh_t *old = a->bh[ctx];
    a->bh[ctx] = NULL;
    ops->bh_delete(old);
    a->bh[ctx] = ops->bh_new(a->g->loops.ctx[ctx], bh_cb, &a->bhrec[ctx]);
}

static void op_bh_oneshot(actor_t *a, int ctx)
{
    for (unsigned i = 0; i < GEN_ONESHOTS; i++) {
        gen_oneshot_t *o = &a->oneshot[i];
        if (!o->busy) {
            o->busy = true;
            o->ctx = ctx;
            wk_handoff_start(&o->ho);
            a->g->ops->bh_schedule_oneshot(a->g->loops.ctx[ctx], oneshot_cb, o);
            return;
        }
    }
}

static void op_read_iothread(actor_t *a)
{
    gen_read_t *r = read_slot(a, CTX_IO);
    if (r) {
        wk_handoff_start(&r->ho);
        a->g->ops->bh_schedule_oneshot(a->g->loops.ctx[CTX_IO], read_bh_cb, r);
    }
}

/* ---- the aio_poll contract (docs/workloads.md) ---- */

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
    g->ops->bql_lock();
    gen_read_t *r = read_slot(a, CTX_MAIN);
    if (r) {
        read_submit(r);
        poll_excuses_t prev = { 0 };
        for (unsigned call = 0; sync && !r->done; call++) {
            poll_excuses_t start = poll_excuses(g, CTX_MAIN);
            bool progress = g->ops->poll(g->loops.ctx[CTX_MAIN], true);
            if (call > 0) {
                poll_blocking_checked(a, progress, &prev, &start);
            }
            prev = start;
        }
    }
    g->ops->bql_unlock();
}

/* The contract's negative case: a thread with no context of its own and
 * without the BQL has no current context, so it may not queue I/O. */
static void op_read_no_context(actor_t *a)
{
    gen_t *g = a->g;
    gen_read_t *r = read_slot(a, CTX_MAIN);
    if (!r) {
        return;
    }
    int ret = g->ops->blk_read(g->devfd, r->buf, GEN_CHUNK, r->offset, read_done, r);
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
    g->ops->bql_lock();
    const wk_handoff_t *ready = own_bh_pending_on_main(a);
    bool progress = g->ops->poll(g->loops.ctx[CTX_MAIN], false);
    if (ready && (!progress || ready->since_ns >= 0)) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_CONTRACT,
                             "%s (BQL held): aio_poll(main, non-blocking) with %s ready "
                             "returned %s and %s it",
                             a->name, ready->what, progress ? "progress" : "no progress",
                             ready->since_ns >= 0 ? "did not run" : "ran");
    }
    g->ops->bql_unlock();
}

/* The operations this actor may do in this run: the contract (who may call
 * what) and the run's features. */
static unsigned allowed_ops(actor_t *a, gen_op_t *ops)
{
    gen_t *g = a->g;
    bool uring = g->scn->backend == AIO_BACKEND_IO_URING;
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
    }
    if (g->feat[FEAT_FD]) {
        ops[n++] = OP_FD_SIGNAL;
        ops[n++] = OP_FD_SIGNAL;
        ops[n++] = OP_FD_SET;
        ops[n++] = OP_FD_REMOVE;
    }
    if (g->feat[FEAT_SQE] && uring && g->loops.ctx[CTX_IO]) {
        ops[n++] = OP_READ_IOTHREAD;
    }
    if (a->vcpu && g->feat[FEAT_SQE] && uring) {
        ops[n++] = OP_READ_MAIN;
    }
    if (!a->vcpu && g->feat[FEAT_SQE]) {
        ops[n++] = OP_READ_NO_CONTEXT;
    }
    if (a->vcpu && g->feat[FEAT_SYNC_POLL]) {
        if (uring) {
            ops[n++] = OP_READ_SYNC;
        }
        ops[n++] = OP_POLL_NONBLOCKING;
    }
    if (g->surf) {
        ops[n++] = OP_SURFACE;
        ops[n++] = OP_SURFACE;
    }
    return n;
}

static void run_op(actor_t *a, gen_op_t op)
{
    gen_t *g = a->g;
    /* A vCPU may do the context operations while holding the BQL, as device
     * emulation does; the BQL-only operations take it themselves. */
    bool hold = a->vcpu && g->feat[FEAT_BQL_HOLD] && op < OP_READ_IOTHREAD &&
                op != OP_THINK && sim_choose(2) == 0;
    int ctx = op < OP_READ_IOTHREAD ? pick_ctx(g) : CTX_MAIN;
    /* The poll contract's notifies: an operation on a context counts from
     * its start to its end. */
    int touched = op == OP_READ_IOTHREAD ? CTX_IO : ctx;
    g->ctx_ops[touched]++;
    if (hold) {
        g->ops->bql_lock();
    }
    switch (op) {
    case OP_THINK:
        think(g);
        break;
    case OP_BH_SCHEDULE:
        op_bh_schedule(a, ctx);
        break;
    case OP_BH_CANCEL:
        op_bh_cancel(a, ctx);
        break;
    case OP_BH_DELETE_RENEW:
        op_bh_delete_renew(a, ctx);
        break;
    case OP_BH_ONESHOT:
        op_bh_oneshot(a, ctx);
        break;
    case OP_BH_RESCHEDULE:
        op_bh_reschedule(a, ctx);
        break;
    case OP_TIMER_MOD:
        op_timer_mod(a, ctx);
        break;
    case OP_TIMER_DEL:
        op_timer_del(a, ctx);
        break;
    case OP_FD_SIGNAL:
        os_eventfd_signal(a->fd[ctx].fd);
        break;
    case OP_FD_SET:
        op_fd_set(a, ctx);
        break;
    case OP_FD_REMOVE:
        op_fd_remove(a, ctx);
        break;
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
    case OP_READ_NO_CONTEXT:
        op_read_no_context(a);
        break;
    case OP_SURFACE:
        wk_gensurf_op(g->surf, (unsigned)a->index);
        break;
    default:
        break;
    }
    if (hold) {
        g->ops->bql_unlock();
    }
    g->ctx_ops[touched]++;
}

static void *actor_main(void *arg)
{
    actor_t *a = arg;
    gen_op_t ops[32];
    unsigned n = allowed_ops(a, ops);
    for (unsigned i = 0; i < a->g->scn->gen_ops; i++) {
        run_op(a, ops[sim_choose(n)]);
        if (sim_choose(2) == 0) {
            think(a->g);
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
    for (unsigned i = 0; i < g->nactors; i++) {
        g->ops->timer_free(g->actors[i].timer[ctx].timer);
        g->actors[i].timer[ctx].timer = NULL;
    }
}

static void loop_checked(void *opaque, int which, wk_ctx_t *ctx)
{
    (void)ctx;
    free_timers_of(opaque, which);
}

/* ---- main ---- */

static void actor_name(gen_t *g, actor_t *a)
{
    unsigned i = (unsigned)a->index;
    if (a->vcpu) {
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
    g_snprintf(what, sizeof(what), "BH of %s@%s", a->name, ctx_names[c]);
    wk_handoff_init(&a->bhrec[c].ho, what);
    a->bh[c] = g->ops->bh_new(ctx, bh_cb, &a->bhrec[c]);
    a->timer[c].a = a;
    g_snprintf(what, sizeof(what), "timer of %s@%s", a->name, ctx_names[c]);
    wk_timer_watch_init(&a->timer[c].watch, what);
    a->timer[c].timer = g->ops->timer_new(ctx, timer_cb, &a->timer[c]);
    a->fd[c].a = a;
    a->fd[c].ctx = c;
    a->fd[c].fd = os_eventfd_new();
}

static void actors_init(gen_t *g)
{
    unsigned workers = g->feat[FEAT_WORKERS] ? 1 + sim_choose(2) : 0;
    g->nactors = MIN(g->scn->vcpus + workers, GEN_MAX_ACTORS);
    for (unsigned i = 0; i < g->nactors; i++) {
        actor_t *a = &g->actors[i];
        a->g = g;
        a->index = (int)i;
        a->vcpu = i < g->scn->vcpus;
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
}

/* An fd of the actor readable with a handler for longer than the bound. */
static void check_stale_fd(gen_t *g, actor_t *a, int c, int64_t now)
{
    gen_fd_t *f = &a->fd[c];
    int64_t since = MAX(f->readable_since, f->added_at);
    if (f->handler && f->readable) {
        char what[48];
        g_snprintf(what, sizeof(what), "fd of %s@%s", a->name, ctx_names[c]);
        wk_monitor_handoff_open(&g->mon, g->w, what, since, g->mon.bound_handoff_ns, now);
    }
}

/* After the quiet period every hand-off must have been served. */
static void check_stale(gen_t *g)
{
    int64_t clock = g->ops->clock_ns();
    int64_t now = sim_now_ns();
    for (unsigned i = 0; i < g->nactors; i++) {
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
            wk_timer_watch_check_stale(&a->timer[c].watch, clock, &g->mon, g->w);
            check_stale_fd(g, a, c, now);
        }
    }
}

/* Undo what the programs left registered, as a well-behaved user does
 * before stopping its loops: what is still left then is a leak. */
static void actors_cleanup(gen_t *g)
{
    for (unsigned i = 0; i < g->nactors; i++) {
        actor_t *a = &g->actors[i];
        for (int c = 0; c < CTX_N; c++) {
            if (!g->loops.ctx[c]) {
                continue;
            }
            if (a->fd[c].handler) {
                op_fd_remove(a, c);
            }
            g->ops->timer_del(a->timer[c].timer);
            wk_bh_t *bh = a->bh[c];
            a->bh[c] = NULL; /* before the scheduling point: see op_bh_delete_renew */
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
    wk_loops_free_contexts(&g->loops);
    for (unsigned i = 0; i < g->nactors; i++) {
        /* Reusable BHs are their owner's: with the contexts gone nobody
         * else holds them (a queued one was unlinked by the free). */
        for (int c = 0; c < CTX_N; c++) {
            if (g->actors[i].bh[c]) {
                g->ops->bh_free_after_context(g->actors[i].bh[c]);
            }
            g->actors[i].bh[c] = NULL;
        }
    }
    for (unsigned i = 0; i < g->nactors; i++) {
        for (int c = 0; c < CTX_N; c++) {
            if (g->actors[i].fd[c].fd > 0) {
                os_fd_close(g->actors[i].fd[c].fd);
            }
        }
    }
    wk_loops_close(&g->loops);
}

/* Each run draws its features, and says which in the event log. */
static void draw_features(gen_t *g)
{
    for (int f = 0; f < FEAT_COUNT; f++) {
        g->feat[f] = sim_choose(4) != 3;
    }
    char line[128];
    int len = g_snprintf(line, sizeof(line), "features");
    for (int f = 0; f < FEAT_COUNT; f++) {
        len += g_snprintf(line + len, sizeof(line) - (size_t)len, "%c",
                          g->feat[f] ? '1' : '0');
    }
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

/* surface = qemu: the actors' operations on QEMU's wider surface. */
static bool surface_init(gen_t *g)
{
    const char *missing = wk_gensurf_missing_op(g->ops);
    if (missing) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_HYGIENE,
                             "surface = qemu needs the target op %s, which %s lacks",
                             missing, g->ops->name);
        return false;
    }
    const char *names[GEN_MAX_ACTORS];
    bool vcpu[GEN_MAX_ACTORS];
    for (unsigned i = 0; i < g->nactors; i++) {
        names[i] = g->actors[i].name;
        vcpu[i] = g->actors[i].vcpu;
    }
    g->surf = wk_gensurf_new(g->ops, g->w, &g->mon, g->loops.ctx, g->nactors, names, vcpu);
    return true;
}

static void *gen_main(void *arg)
{
    gen_t *g = arg;
    const scn_t *s = g->scn;

    wk_loops_begin(&g->loops);
    sim_defer(g->w, gen_cleanup, g);
    draw_features(g);
    g->devfd =
        sim_blkdev_create(g->w, (uint64_t)GEN_MAX_ACTORS * GEN_READS_PER_ACTOR * GEN_CHUNK,
                          s->latency_min_ns, s->latency_max_ns);
    wk_loops_open_stop_fds(&g->loops);
    if (!wk_loops_start(&g->loops,
                        g->feat[FEAT_IOTHREAD] || s->target == SCN_TARGET_IOTHREAD)) {
        return NULL;
    }
    actors_init(g);
    if (s->gen_surface == SCN_SURFACE_QEMU && !surface_init(g)) {
        return NULL;
    }
    run_actors(g);
    int64_t done_at = sim_now_ns();

    /* Quiet period: the longest timer delay plus twice the bound. */
    sim_sleep_ns(timer_delay_ns[G_N_ELEMENTS(timer_delay_ns) - 1] +
                 2 * g->mon.bound_handoff_ns);
    check_stale(g);
    if (g->surf) {
        wk_gensurf_check_stale(g->surf);
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
    for (unsigned i = 0; i < g->nactors; i++) {
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
    g_free(g);
}

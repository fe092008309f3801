/*
 * genload.c - the generated workload (see genload.h, docs/workloads.md).
 *
 * Threads (simulated fibers):
 *   main       draws the run's features, starts the loops and the actors,
 *              joins the actors, waits a quiet period, checks that every
 *              hand-off was served, cleans up, stops the loops.
 *   main-loop  the main context on a GMainContext, BQL held except around
 *              ppoll() (as in machine.c).
 *   iothread   (feature) its own context, aio_poll(ctx, true).
 *   vcpuN      actors that may take the BQL: everything a worker does, plus
 *              block reads on the main context under the BQL, synchronous
 *              reads that poll the main context, non-blocking polls.
 *   workerN    (feature) actors without the BQL.
 *
 * Every object an actor acts on is its own (its BH, timer and fd per
 * context, its one-shot and read slots), so each hand-off record has one
 * writer besides the thread that serves it (handoff.h).  Which operation,
 * on which context, with which delay: sim_choose().
 */
#include <inttypes.h>
#include <string.h>
#include "aio.h"
#include "aio-os.h"
#include "genload.h"
#include "handoff.h"
#include "hygiene.h"
#include "invariant.h"
#include "monitor.h"

#define GEN_MAX_ACTORS 8
#define GEN_ONESHOTS 3
#define GEN_READS 3
#define GEN_CHUNK 4096u
#define GEN_READS_PER_ACTOR 4096u /* device space per actor, in chunks */

enum { CTX_MAIN, CTX_IO, CTX_N };
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
    wk_handoff_t ho;
} gen_oneshot_t;

typedef struct {
    actor_t *a;
    aio_timer_t *timer;
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
    aio_bh_t *bh[CTX_N];
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
    sim_world_t *w;
    wk_monitor_t mon;
    sim_event_fn_t *user_on_event;
    void *user_opaque;
    bool feat[FEAT_COUNT];
    int devfd;
    char expected[GEN_CHUNK];

    os_mutex_t lock;
    sim_cond_t cond;
    bool main_ready, io_ready;
    int main_stop_fd, io_stop_fd;
    bool main_stop, io_stop;

    aio_context_t *ctx[CTX_N];
    aio_main_loop_t *ml;
    aio_timer_t *idle_timer;

    unsigned nactors;
    actor_t actors[GEN_MAX_ACTORS];
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
    wk_timer_watch_fired(&r->watch, aio_clock_ns(), &r->a->g->mon, r->a->g->w);
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
    int ret = aio_blk_read(g->devfd, r->buf, GEN_CHUNK, r->offset, read_done, r);
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
    return g->ctx[CTX_IO] ? (int)sim_choose(CTX_N) : CTX_MAIN;
}

static const int64_t timer_delay_ns[] = { 0, 20000, 200000, 1000000, 3000000 };

static void op_timer_mod(actor_t *a, int ctx)
{
    gen_timer_t *t = &a->timer[ctx];
    int64_t deadline =
        aio_clock_ns() + timer_delay_ns[sim_choose(G_N_ELEMENTS(timer_delay_ns))];
    wk_timer_watch_arm(&t->watch, deadline);
    aio_timer_mod_ns(t->timer, deadline);
}

static void op_timer_del(actor_t *a, int ctx)
{
    gen_timer_t *t = &a->timer[ctx];
    wk_timer_watch_disarm(&t->watch);
    aio_timer_del(t->timer);
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
    aio_set_fd_handler(g->ctx[ctx], f->fd, which == 1 ? fd_cb_a : fd_cb_b, NULL, f);
}

static void op_fd_remove(actor_t *a, int ctx)
{
    gen_fd_t *f = &a->fd[ctx];
    aio_set_fd_handler(a->g->ctx[ctx], f->fd, NULL, NULL, NULL);
    f->handler = 0;
}

static void op_bh_schedule(actor_t *a, int ctx)
{
    wk_handoff_start(&a->bhrec[ctx].ho);
    aio_bh_schedule(a->bh[ctx]);
}

static void op_bh_cancel(actor_t *a, int ctx)
{
    aio_bh_cancel(a->bh[ctx]);
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
    aio_bh_t *old = a->bh[ctx];
    a->bh[ctx] = NULL;
    aio_bh_delete(old);
    a->bh[ctx] = aio_bh_new(a->g->ctx[ctx], bh_cb, &a->bhrec[ctx]);
}

static void op_bh_oneshot(actor_t *a, int ctx)
{
    for (unsigned i = 0; i < GEN_ONESHOTS; i++) {
        gen_oneshot_t *o = &a->oneshot[i];
        if (!o->busy) {
            o->busy = true;
            wk_handoff_start(&o->ho);
            aio_bh_schedule_oneshot(a->g->ctx[ctx], oneshot_cb, o);
            return;
        }
    }
}

static void op_read_iothread(actor_t *a)
{
    gen_read_t *r = read_slot(a, CTX_IO);
    if (r) {
        wk_handoff_start(&r->ho);
        aio_bh_schedule_oneshot(a->g->ctx[CTX_IO], read_bh_cb, r);
    }
}

/* Under the BQL: the current context is the main one. */
static void op_read_main(actor_t *a, bool sync)
{
    gen_t *g = a->g;
    aio_bql_lock();
    gen_read_t *r = read_slot(a, CTX_MAIN);
    if (r) {
        read_submit(r);
        while (sync && !r->done) {
            aio_poll(g->ctx[CTX_MAIN], true);
        }
    }
    aio_bql_unlock();
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
    int ret = aio_blk_read(g->devfd, r->buf, GEN_CHUNK, r->offset, read_done, r);
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

static void op_poll_nonblocking(actor_t *a)
{
    aio_bql_lock();
    aio_poll(a->g->ctx[CTX_MAIN], false);
    aio_bql_unlock();
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
    if (g->feat[FEAT_SQE] && uring && g->ctx[CTX_IO]) {
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
    if (hold) {
        aio_bql_lock();
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
    default:
        break;
    }
    if (hold) {
        aio_bql_unlock();
    }
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
    reads_collect(a, true);
    return NULL;
}

/* ---- the loops ---- */

static void stop_read(void *opaque)
{
    bool *flag = opaque;
    *flag = true;
}

static void idle_timer_fire(void *opaque)
{
    gen_t *g = opaque;
    aio_timer_mod_ns(g->idle_timer, aio_clock_ns() + g->scn->main_timer_ns);
}

static void signal_ready(gen_t *g, bool *flag)
{
    os_mutex_lock(&g->lock);
    *flag = true;
    sim_cond_broadcast(&g->cond);
    os_mutex_unlock(&g->lock);
}

static void wait_ready(gen_t *g, bool *flag)
{
    os_mutex_lock(&g->lock);
    while (!*flag) {
        sim_cond_wait(&g->cond, (struct os_mutex *)&g->lock);
    }
    os_mutex_unlock(&g->lock);
}

static aio_context_t *context_new_or_fail(gen_t *g)
{
    int err = 0;
    aio_context_t *ctx = aio_context_new_ring(g->scn->backend, g->scn->ring_entries, &err);
    if (!ctx) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_HYGIENE, "aio_context_new failed: %s",
                             g_strerror(-err));
    }
    return ctx;
}

/* The home thread frees its context's timers (a timer is freed where it
 * cannot be firing), after the hygiene check saw them disarmed. */
static void free_timers_of(gen_t *g, int ctx)
{
    for (unsigned i = 0; i < g->nactors; i++) {
        aio_timer_free(g->actors[i].timer[ctx].timer);
        g->actors[i].timer[ctx].timer = NULL;
    }
}

static void *main_loop_main(void *arg)
{
    gen_t *g = arg;
    aio_context_t *ctx = context_new_or_fail(g);
    if (!ctx) {
        signal_ready(g, &g->main_ready);
        return NULL;
    }
    g->ctx[CTX_MAIN] = ctx;
    g->ml = aio_main_loop_new(ctx);
    if (g->scn->main_timer_ns) {
        g->idle_timer = aio_timer_new(ctx, idle_timer_fire, g);
        aio_timer_mod_ns(g->idle_timer, aio_clock_ns() + g->scn->main_timer_ns);
    }
    aio_set_fd_handler(ctx, g->main_stop_fd, stop_read, NULL, &g->main_stop);
    aio_bql_lock();
    signal_ready(g, &g->main_ready);
    while (!g->main_stop) {
        wk_stop_if_livelocked(&g->mon, g->w);
        aio_main_loop_wait(g->ml, false);
    }
    aio_set_fd_handler(ctx, g->main_stop_fd, NULL, NULL, NULL);
    aio_timer_free(g->idle_timer);
    g->idle_timer = NULL;
    wk_hygiene_check_context(&g->mon, g->w, ctx, "main-loop", NULL, 0, NULL, 0);
    free_timers_of(g, CTX_MAIN);
    aio_context_free(ctx);
    aio_main_loop_free(g->ml);
    g->ctx[CTX_MAIN] = NULL;
    g->ml = NULL;
    aio_main_context_set(NULL);
    aio_bql_unlock();
    return NULL;
}

static void *iothread_main(void *arg)
{
    gen_t *g = arg;
    aio_context_t *ctx = context_new_or_fail(g);
    if (!ctx) {
        signal_ready(g, &g->io_ready);
        return NULL;
    }
    g->ctx[CTX_IO] = ctx;
    aio_thread_context_set(ctx);
    aio_set_fd_handler(ctx, g->io_stop_fd, stop_read, NULL, &g->io_stop);
    signal_ready(g, &g->io_ready);
    while (!g->io_stop) {
        aio_poll(ctx, true);
    }
    aio_set_fd_handler(ctx, g->io_stop_fd, NULL, NULL, NULL);
    wk_hygiene_check_context(&g->mon, g->w, ctx, "iothread", NULL, 0, NULL, 0);
    free_timers_of(g, CTX_IO);
    aio_context_free(ctx);
    g->ctx[CTX_IO] = NULL;
    aio_thread_context_set(NULL);
    return NULL;
}

/* ---- main ---- */

static void actors_init(gen_t *g)
{
    unsigned workers = g->feat[FEAT_WORKERS] ? 1 + sim_choose(2) : 0;
    g->nactors = MIN(g->scn->vcpus + workers, GEN_MAX_ACTORS);
    for (unsigned i = 0; i < g->nactors; i++) {
        actor_t *a = &g->actors[i];
        a->g = g;
        a->index = (int)i;
        a->vcpu = i < g->scn->vcpus;
        if (a->vcpu) {
            g_snprintf(a->name, sizeof(a->name), "vcpu%u", i);
        } else {
            g_snprintf(a->name, sizeof(a->name), "worker%u", i - g->scn->vcpus);
        }
        os_mutex_init(&a->lock);
        sim_cond_init(&a->cond);
        for (unsigned k = 0; k < GEN_ONESHOTS; k++) {
            char what[48];
            a->oneshot[k].a = a;
            g_snprintf(what, sizeof(what), "one-shot BH %u of %s", k, a->name);
            wk_handoff_init(&a->oneshot[k].ho, what);
        }
        for (unsigned k = 0; k < GEN_READS; k++) {
            char what[48];
            a->reads[k].a = a;
            g_snprintf(what, sizeof(what), "read BH %u of %s", k, a->name);
            wk_handoff_init(&a->reads[k].ho, what);
        }
        for (int c = 0; c < CTX_N; c++) {
            char what[48];
            if (!g->ctx[c]) {
                continue;
            }
            a->bhrec[c].a = a;
            a->bhrec[c].ctx = c;
            g_snprintf(what, sizeof(what), "BH of %s@%s", a->name, ctx_names[c]);
            wk_handoff_init(&a->bhrec[c].ho, what);
            a->bh[c] = aio_bh_new(g->ctx[c], bh_cb, &a->bhrec[c]);
            a->timer[c].a = a;
            g_snprintf(what, sizeof(what), "timer of %s@%s", a->name, ctx_names[c]);
            wk_timer_watch_init(&a->timer[c].watch, what);
            a->timer[c].timer = aio_timer_new(g->ctx[c], timer_cb, &a->timer[c]);
            a->fd[c].a = a;
            a->fd[c].ctx = c;
            a->fd[c].fd = os_eventfd_new();
        }
    }
}

/* After the quiet period every hand-off must have been served. */
static void check_stale(gen_t *g)
{
    int64_t clock = aio_clock_ns();
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
            if (!g->ctx[c]) {
                continue;
            }
            wk_handoff_check_stale(&a->bhrec[c].ho, &g->mon, g->w);
            wk_timer_watch_check_stale(&a->timer[c].watch, clock, &g->mon, g->w);
            gen_fd_t *f = &a->fd[c];
            int64_t since = MAX(f->readable_since, f->added_at);
            if (f->handler && f->readable) {
                char what[48];
                g_snprintf(what, sizeof(what), "fd of %s@%s", a->name, ctx_names[c]);
                wk_monitor_handoff_open(&g->mon, g->w, what, since, g->mon.bound_handoff_ns,
                                        now);
            }
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
            if (!g->ctx[c]) {
                continue;
            }
            if (a->fd[c].handler) {
                op_fd_remove(a, c);
            }
            aio_timer_del(a->timer[c].timer);
            aio_bh_t *bh = a->bh[c];
            a->bh[c] = NULL; /* before the scheduling point: see op_bh_delete_renew */
            aio_bh_delete(bh);
        }
    }
}

static void gen_cleanup(void *arg)
{
    gen_t *g = arg;
    for (int c = 0; c < CTX_N; c++) {
        if (g->ctx[c]) {
            free_timers_of(g, c);
        }
    }
    aio_timer_free(g->idle_timer);
    if (g->ctx[CTX_IO]) {
        aio_context_free(g->ctx[CTX_IO]);
    }
    if (g->ctx[CTX_MAIN]) {
        aio_context_free(g->ctx[CTX_MAIN]);
        aio_main_loop_free(g->ml);
    }
    for (unsigned i = 0; i < g->nactors; i++) {
        /* Reusable BHs are their owner's: with the contexts gone nobody
         * else holds them (a queued one was unlinked by the free). */
        for (int c = 0; c < CTX_N; c++) {
            g_free(g->actors[i].bh[c]);
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
    if (g->main_stop_fd >= 0) {
        os_fd_close(g->main_stop_fd);
    }
    if (g->io_stop_fd >= 0) {
        os_fd_close(g->io_stop_fd);
    }
    aio_main_context_set(NULL);
    aio_bql_destroy();
}

static void *gen_main(void *arg)
{
    gen_t *g = arg;
    const scn_t *s = g->scn;
    sim_thread_t *threads[GEN_MAX_ACTORS];

    aio_bql_init();
    os_mutex_init(&g->lock);
    sim_cond_init(&g->cond);
    sim_defer(g->w, gen_cleanup, g);
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
    g->devfd =
        sim_blkdev_create(g->w, (uint64_t)GEN_MAX_ACTORS * GEN_READS_PER_ACTOR * GEN_CHUNK,
                          s->latency_min_ns, s->latency_max_ns);
    g->main_stop_fd = os_eventfd_new();
    g->io_stop_fd = os_eventfd_new();

    sim_thread_t *main_loop = sim_thread_create(g->w, "main-loop", main_loop_main, g);
    wait_ready(g, &g->main_ready);
    sim_thread_t *iothread = NULL;
    if (g->feat[FEAT_IOTHREAD] || s->target == SCN_TARGET_IOTHREAD) {
        iothread = sim_thread_create(g->w, "iothread", iothread_main, g);
        wait_ready(g, &g->io_ready);
    }
    if (!g->ctx[CTX_MAIN]) {
        return NULL;
    }
    actors_init(g);
    for (unsigned i = 0; i < g->nactors; i++) {
        threads[i] = sim_thread_create(g->w, g->actors[i].name, actor_main, &g->actors[i]);
    }
    for (unsigned i = 0; i < g->nactors; i++) {
        sim_thread_join(threads[i]);
    }
    int64_t done_at = sim_now_ns();

    /* Quiet period: the longest timer delay plus twice the bound. */
    sim_sleep_ns(timer_delay_ns[G_N_ELEMENTS(timer_delay_ns) - 1] +
                 2 * g->mon.bound_handoff_ns);
    check_stale(g);
    actors_cleanup(g);

    if (iothread) {
        os_eventfd_signal(g->io_stop_fd);
        sim_thread_join(iothread);
    }
    os_eventfd_signal(g->main_stop_fd);
    sim_thread_join(main_loop);
    wk_hygiene_check_threads(&g->mon, g->w);
    if (done_at > s->deadline_ns) {
        wk_monitor_violation(&g->mon, g->w, WK_INV_DEADLINE,
                             "workload finished at %.3f ms, deadline %.3f ms",
                             done_at / NS_PER_MS, s->deadline_ns / NS_PER_MS);
    }
    return NULL;
}

/* Readable edges of the actors' fds, from the simulated eventfd itself. */
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
}

static void gen_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    gen_t *g = opaque;
    wk_monitor_on_event(w, ev, &g->mon);
    if (ev->kind == SIM_EV_EVENTFD_SIGNAL || ev->kind == SIM_EV_EVENTFD_DRAIN) {
        gen_fd_event(g, ev);
    }
    if (g->user_on_event) {
        g->user_on_event(w, ev, g->user_opaque);
    }
}

void wk_genload_run(const scn_t *scn, const sim_options_t *o, wk_outcome_t *out)
{
    gen_t *g = g_new0(gen_t, 1);
    sim_options_t opts = *o;

    g->scn = scn;
    g->main_stop_fd = g->io_stop_fd = -1;
    wk_monitor_init(&g->mon, scn->bound_sqe_submit_ns, scn->bound_cqe_reap_ns,
                    scn->bound_handoff_ns);
    g->user_on_event = o->on_event;
    g->user_opaque = o->event_opaque;
    opts.on_event = gen_on_event;
    opts.event_opaque = g;
    wk_machine_apply_scenario(&opts, scn);
    g->faults = opts.faults;

    g->w = sim_world_new(&opts);
    sim_result_t r = sim_world_run(g->w, gen_main, g);
    wk_monitor_finish(&g->mon, g->w);
    wk_outcome_fill(out, g->w, r, &g->mon, opts.log_enabled);
    out->memory_model = opts.memory_model;
    sim_world_free(g->w);
    wk_monitor_destroy(&g->mon);
    g_free(g);
}

/*
 * genload-nest.c - callbacks that act.  QEMU's callbacks are not leaves: a
 * BH or timer callback does synchronous I/O with a nested aio_poll(), a
 * CQE handler waits for a sibling request reaped in the same batch, device
 * code schedules, cancels and deletes other BHs, adds and removes handlers
 * and arms timers during dispatch.  A loop bug that only such a path
 * reaches is invisible to programs that act only from their own threads.
 *
 * With the nest feature, each context has a callback actor: an actor with
 * no thread of its own whose steps run inside the callbacks the generated
 * workload registers on that context (BH, one-shot BH, timer, fd handler,
 * CQE completion).  A callback takes a step with probability 1/3.  The
 * contract (docs/workloads.md) lets a callback do what its thread may: every
 * BH, timer and fd operation on either context, and on its own context,
 * which is its thread's current context, a block read followed by
 * aio_poll(ctx, true) until it completes, or aio_poll(ctx, false).
 *
 * A context's callbacks are serialised (the main context's run under the
 * BQL, the iothread's on the iothread), so the callback actor's records
 * have one writer.  A callback run by a step's nested poll may take a step
 * of its own (depth: at most two, so polls nest at most three deep); a
 * budget of steps per run bounds chains of callbacks that schedule
 * callbacks.
 */
#include "genload-int.h"

enum {
    NEST_BH_SCHEDULE,
    NEST_BH_CANCEL,
    NEST_BH_DELETE_RENEW,
    NEST_ONESHOT,
    NEST_TIMER_MOD,
    NEST_TIMER_MOVE,
    NEST_TIMER_DEL,
    NEST_FD_SIGNAL,
    NEST_FD_SET,
    NEST_FD_REMOVE,
    NEST_READ,      /* read on own ctx, checked by its completion */
    NEST_POLL,      /* aio_poll(own ctx, false) */
    NEST_SYNC_READ, /* read on own ctx, aio_poll(own ctx, true) until done */
    NEST_COUNT
};

void gen_nest_init(gen_t *g)
{
    for (int c = 0; c < CTX_N; c++) {
        gen_kit_t *k = &g->kit[c];
        k->budget = 2 * g->scn->gen_ops;
        os_mutex_init(&k->lock);
    }
}

/* aio_poll() of ctx from one of its callbacks: while it runs, the
 * context's loop is in the nested phase (coverage map). */
static void nested_poll(gen_t *g, int ctx, bool blocking)
{
    gen_cov(g, blocking ? COV_POLL_BLOCKING : COV_POLL_NB, ctx);
    g->nested[ctx]++;
    gen_poll(g, ctx, blocking);
    g->nested[ctx]--;
}

/* A read on the callback's own context, on the scenario's device (its
 * completion must come within the quiet period); the completion checks
 * it and frees the slot (read_done). */
static void nest_read(actor_t *a, int ctx)
{
    gen_read_t *r = gen_read_slot(a, ctx);
    if (r) {
        r->band = 0;
        r->self_check = true;
        gen_read_submit(r);
    }
}

/* A synchronous read on the callback's own context: its thread's current
 * context (the iothread's, or the main one for a BQL holder). */
static void nest_sync_read(actor_t *a, int ctx)
{
    gen_t *g = a->g;
    gen_read_t *r = gen_read_slot(a, ctx);
    if (!r) {
        return;
    }
    r->band = 0; /* the scenario's latency: see gen_read_slot */
    gen_read_submit(r);
    while (!r->done) {
        nested_poll(g, ctx, true);
    }
    gen_read_check(r);
}

static void nest_do(actor_t *a, int home, unsigned step)
{
    gen_t *g = a->g;
    int ctx = step < NEST_READ ? gen_pick_ctx(g) : home;
    switch (step) {
    case NEST_BH_SCHEDULE:
        gen_bh_schedule(a, ctx);
        break;
    case NEST_BH_CANCEL:
        gen_bh_cancel(a, ctx);
        break;
    case NEST_BH_DELETE_RENEW:
        gen_bh_delete_renew(a, ctx);
        break;
    case NEST_ONESHOT:
        gen_bh_oneshot(a, ctx);
        break;
    case NEST_TIMER_MOD:
        gen_timer_mod(a, ctx, sim_choose(GEN_TIMERS), gen_delay(g));
        break;
    case NEST_TIMER_MOVE:
        gen_timer_move(a, ctx);
        break;
    case NEST_TIMER_DEL:
        gen_timer_del(a, ctx, sim_choose(GEN_TIMERS));
        break;
    case NEST_FD_SIGNAL:
        gen_cov(g, COV_FD_SIGNAL, ctx);
        os_eventfd_signal(a->fd[ctx].fd);
        break;
    case NEST_FD_SET:
        gen_fd_set(a, ctx);
        break;
    case NEST_FD_REMOVE:
        gen_fd_remove(a, ctx);
        break;
    case NEST_READ:
        nest_read(a, home);
        break;
    case NEST_POLL:
        nested_poll(g, home, false);
        break;
    default:
        nest_sync_read(a, home);
        break;
    }
}

/* The operations of a step count as notifies of the contexts they touch
 * (the poll contract's excuses, genload.c), from start to end. */
static void nest_counted(gen_t *g, actor_t *a, int home, unsigned step)
{
    g->ctx_ops[CTX_MAIN]++;
    g->ctx_ops[CTX_IO]++;
    nest_do(a, home, step);
    g->ctx_ops[CTX_MAIN]++;
    g->ctx_ops[CTX_IO]++;
}

/* Which step (without a ring, no read). */
static unsigned nest_pick(const gen_t *g, int ctx)
{
    if (g->ring[ctx]) {
        return sim_choose(NEST_COUNT);
    }
    unsigned step = sim_choose(NEST_READ + 1);
    return step == NEST_READ ? NEST_POLL : step;
}

/* At depth 0 the step takes the kit lock (gen_nest_stop); deeper, the
 * step under way on this context holds it, or a read's sibling wait, which
 * ends before the programs do. */
void gen_nest_step(gen_t *g, int ctx)
{
    gen_kit_t *k = &g->kit[ctx];
    if (!g->feat[FEAT_NEST] || !k->a || k->depth > 1 || k->stop || !k->budget ||
        sim_choose(3) != 0) {
        return;
    }
    unsigned depth = k->depth;
    unsigned step = nest_pick(g, ctx);
    k->depth++;
    if (!depth) {
        os_mutex_lock(&k->lock);
    }
    if (!k->stop && k->budget) {
        k->budget--;
        nest_counted(g, k->a, ctx, step);
    }
    if (!depth) {
        os_mutex_unlock(&k->lock);
    }
    k->depth--;
}

/* A CQE handler waiting for its sibling, reaped in the same batch or
 * later, with aio_poll(ctx, true) on its own context.  Not inside a step
 * (one nested poll at a time per context).  On a target whose blocking
 * poll sleeps before it runs handlers already reaped (QEMU 10.2.2,
 * docs/qemu.md), a sibling reaped in the same batch would never be run:
 * a non-blocking poll first runs it, unless the scenario asks for the
 * blocking wait alone (sibling-wait = blocking, the finding's
 * reproducer). */
void gen_nest_wait_sibling(gen_read_t *r)
{
    gen_t *g = r->a->g;
    gen_read_t *s = r->sibling;
    gen_kit_t *k = &g->kit[r->ctx];
    if (k->depth) {
        return;
    }
    k->depth++;
    if (g->ops->blocking_poll_skips_reaped_cqes &&
        g->scn->gen_sibling_wait == SCN_SIBLING_WAIT_AUTO && !s->done) {
        nested_poll(g, r->ctx, false);
    }
    while (!s->done) {
        nested_poll(g, r->ctx, true);
    }
    k->depth--;
}

void gen_nest_stop(gen_t *g)
{
    for (int c = 0; c < CTX_N; c++) {
        gen_kit_t *k = &g->kit[c];
        if (k->a) {
            os_mutex_lock(&k->lock);
            k->stop = true;
            os_mutex_unlock(&k->lock);
        }
    }
}

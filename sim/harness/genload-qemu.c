/*
 * genload-qemu.c - the generated workload on QEMU's wider surface (see
 * genload-qemu.h and the contract table of docs/workloads.md).
 *
 * Who may call what (QEMU's rules):
 *   thread pool   submitted from a context's home thread: a vCPU under the
 *                 BQL submits to the main context; anyone reaches the
 *                 iothread's pool through a one-shot BH run there.  The
 *                 completion callback runs on that home thread (or a BQL
 *                 holder polling main) and may itself aio_poll() its
 *                 context, as synchronous block-layer code does.
 *   AIO_WAIT_WHILE  a vCPU under the BQL, or the main loop thread (in a
 *                 one-shot BH any actor schedules on main), on the main
 *                 context or NULL; the flag is set and kicked by a pool
 *                 worker.
 *   aio_wait_bh_oneshot  the same threads, its BH on the iothread.
 *
 * Hand-offs, each bounded by [bounds] handoff: submit (or the BH that
 * submits) -> completion callback; flag set + kick -> AIO_WAIT_WHILE
 * returned; aio_wait_bh_oneshot called -> its BH ran -> the call returned.
 * One writer besides the serving thread per record, as in handoff.h.
 */
#include <string.h>
#include <glib.h>
#include "aio-os.h"
#include "genload-qemu.h"
#include "handoff.h"
#include "invariant.h"

#define SURF_MAX_ACTORS 8
#define SURF_JOBS 4
enum { SURF_MAIN, SURF_IO };
enum {
    SF_POOL,
    SF_POOL_NESTED,
    SF_WAIT_KICK,
    SF_WAIT_BH,
    SF_COROUTINE,
    SF_IOTHREAD,
    SF_COUNT
};
/* What a coroutine does before it takes the shared CoMutex. */
enum { CO_WAKE, CO_RESCHEDULE, CO_POOL, CO_KINDS };
static const char *const surf_ctx_names[] = { "main", "iothread" };

typedef struct surf_actor surf_actor_t;

/* Two jobs whose completions each wait, with a nested aio_poll, until the
 * other's ran: the first to complete polls until the second has. */
typedef struct {
    int completed;
} surf_pair_t;

typedef struct {
    surf_actor_t *a;
    bool busy, done;
    bool refused; /* thread_pool_submit_aio refused it: nothing will run */
    bool direct;  /* no job: the actor sets the flag and kicks itself */
    int ctx;
    int expect, ret;
    int64_t work_ns;
    bool kick;            /* the worker sets flag and kicks */
    int flag;             /* AIO_WAIT_WHILE's condition */
    wk_handoff_t kick_ho; /* set + kick -> AIO_WAIT_WHILE returned */
    surf_pair_t *pair;    /* nested completion when non-NULL */
    wk_handoff_t ho;      /* submit (or the BH that submits) -> completion */
} surf_job_t;

/* An IOThread this actor has the main loop thread create (object-add) and,
 * after queueing work to it, destroy (object-del): QEMU's iothread_stop()
 * protocol with work still queued.  The main loop thread drains first (QEMU
 * stops an iothread only after its users moved away or drained: a pool
 * request completing on a stopped context would never run, and finalising
 * the context asserts that none is left), then iothread_stop(); the BHs
 * queued before the stop must have run by the time the iothread exits. */
#define IOT_BHS 2
typedef struct {
    surf_actor_t *a;
    bool ran;
    wk_handoff_t ho; /* queued on the iothread -> ran */
} iot_bh_t;

typedef struct {
    bool busy;    /* from the request to create it until it is freed */
    bool running; /* created; the actor may queue work */
    bool gcontext;
    unsigned nbh, cycle;
    wk_iothread_t *it;
    wk_ctx_t *ctx;
    iot_bh_t bh[IOT_BHS];
    bool job_queued;
    int job_flag;          /* set + kicked by the completion (bdrv_dec_in_flight) */
    wk_handoff_t job_ho;   /* the BH that submits -> the completion */
    wk_handoff_t drain_ho; /* the completion's kick -> the drain returned */
    wk_handoff_t start_ho; /* object-add BH on main -> ran */
    wk_handoff_t del_ho;   /* object-del BH on main -> ran */
    wk_handoff_t stop_ho;  /* iothread_stop() -> its thread exited (join) */
} surf_iot_t;

struct surf_actor {
    wk_gensurf_t *s;
    unsigned index;
    bool vcpu;
    char name[16];
    os_mutex_t lock;
    sim_cond_t cond;
    surf_job_t jobs[SURF_JOBS];
    surf_pair_t pair[SURF_JOBS / 2];
    wk_handoff_t bh_ho, bh_ret_ho; /* aio_wait_bh_oneshot: BH ran; returned */
    /* A wait handed to the main loop thread (one at a time). */
    bool ml_busy;
    surf_job_t *ml_job; /* AIO_WAIT_WHILE for this job's flag; NULL: BH */
    wk_ctx_t *ml_wait_ctx;
    wk_handoff_t ml_ho; /* the BH that runs it -> ran */
    /* One coroutine at a time. */
    bool co_busy;
    int co_ctx, co_kind;
    bool co_sleep;        /* qemu_co_sleep_ns while holding the CoMutex */
    int co_at;            /* the context it runs on now */
    const char *co_waits; /* suspended: for what (deadlock reports); NULL: running */
    wk_co_t *co;
    wk_handoff_t co_enter_ho; /* aio_co_enter -> running */
    wk_handoff_t co_wake_ho;  /* aio_co_wake from the other context -> running */
    wk_handoff_t co_move_ho;  /* aio_co_reschedule_self -> running there */
    wk_handoff_t co_pool_ho;  /* thread_pool_submit_co -> resumed */
    surf_iot_t iot;
};

struct wk_gensurf {
    const wk_target_ops_t *ops;
    sim_world_t *w;
    wk_monitor_t *mon;
    wk_ctx_t *ctx[2];
    bool feat[SF_COUNT];
    bool bql_polls;         /* a vCPU may wait under the BQL (polling main) */
    wk_co_mutex_t *comutex; /* shared by every actor's coroutines */
    unsigned nactors;
    surf_actor_t actors[SURF_MAX_ACTORS];
};

/* Work times: from nothing up to 1 ms, well inside the hand-off bound. */
static const int64_t work_ns[] = { 0, 0, 2000, 50000, 1000000 };

/* ---- the pool's side: the worker runs the job, the home thread its
 * completion ---- */

static int job_fn(void *arg)
{
    surf_job_t *j = arg;
    if (j->work_ns) {
        sim_sleep_ns(j->work_ns);
    } else {
        sim_yield();
    }
    if (j->kick) {
        wk_handoff_start(&j->kick_ho);
        j->a->s->ops->set_and_kick(&j->flag);
    }
    return j->expect;
}

static void job_done(void *opaque, int ret)
{
    surf_job_t *j = opaque;
    surf_actor_t *a = j->a;
    wk_gensurf_t *s = a->s;
    wk_handoff_done(&j->ho, s->mon, s->w);
    wk_monitor_progress(s->mon);
    sim_monitor_event(s->w, j->pair ? "pool-completion nested" : "pool-completion",
                      a->index, ret);
    j->ret = ret;
    if (ret != j->expect) {
        wk_monitor_violation(s->mon, s->w, WK_INV_DATA,
                             "%s: thread-pool job on %s completed with %d, its function "
                             "returned %d",
                             a->name, surf_ctx_names[j->ctx], ret, j->expect);
    }
    if (j->pair && ++j->pair->completed == 1) {
        while (j->pair->completed < 2) {
            s->ops->poll(s->ctx[j->ctx], true);
        }
    }
    os_mutex_lock(&a->lock);
    j->done = true;
    sim_cond_broadcast(&a->cond);
    os_mutex_unlock(&a->lock);
}

/* On the job's context's home thread, or a vCPU under the BQL for main. */
static void job_submit_here(surf_job_t *j)
{
    wk_gensurf_t *s = j->a->s;
    int ret = s->ops->pool_submit(job_fn, j, job_done, j);
    if (ret < 0) {
        wk_monitor_violation(s->mon, s->w, WK_INV_CONTRACT,
                             "%s: thread_pool_submit_aio on %s refused: %s", j->a->name,
                             surf_ctx_names[j->ctx], g_strerror(-ret));
        wk_handoff_cancel(&j->ho);
        j->refused = true;
        j->done = true;
    }
}

static void job_submit_bh(void *opaque)
{
    job_submit_here(opaque);
}

static void pair_submit_bh(void *opaque)
{
    surf_job_t *first = opaque;
    job_submit_here(first);
    job_submit_here(first + 1);
}

/* ---- slots ---- */

static surf_job_t *job_slot(surf_actor_t *a, int ctx, unsigned from, unsigned step)
{
    for (unsigned k = from; k < SURF_JOBS; k += step) {
        surf_job_t *j = &a->jobs[k];
        if (j->busy && j->done) {
            j->busy = false; /* completed: its record is closed */
        }
        if (!j->busy && (step == 1 || (!a->jobs[k + 1].busy || a->jobs[k + 1].done))) {
            j->busy = true;
            j->done = false;
            j->ctx = ctx;
            j->expect = (int)(a->index * 1000 + k);
            j->ret = -1;
            j->work_ns = work_ns[sim_choose(G_N_ELEMENTS(work_ns))];
            j->kick = false;
            j->refused = false;
            j->direct = false;
            j->pair = NULL;
            return j;
        }
    }
    return NULL;
}

/* ---- the operations ---- */

static void op_pool(surf_actor_t *a, int ctx)
{
    wk_gensurf_t *s = a->s;
    surf_job_t *j = job_slot(a, ctx, 0, 1);
    if (!j) {
        return;
    }
    wk_handoff_start(&j->ho);
    if (ctx == SURF_MAIN) {
        s->ops->bql_lock();
        job_submit_here(j);
        s->ops->bql_unlock();
    } else {
        s->ops->bh_schedule_oneshot(s->ctx[SURF_IO], job_submit_bh, j);
    }
}

/* Two jobs submitted together (slots 2k and 2k+1), completions nested. */
static void op_pool_nested(surf_actor_t *a, int ctx)
{
    wk_gensurf_t *s = a->s;
    surf_job_t *first = job_slot(a, ctx, 0, 2);
    if (!first) {
        return;
    }
    surf_job_t *second = first + 1;
    second->busy = true;
    second->done = false;
    second->ctx = ctx;
    second->expect = first->expect + 1;
    second->ret = -1;
    second->work_ns = work_ns[sim_choose(G_N_ELEMENTS(work_ns))];
    second->kick = false;
    second->refused = false;
    second->direct = false;
    surf_pair_t *pair = &a->pair[(first - a->jobs) / 2];
    pair->completed = 0;
    first->pair = second->pair = pair;
    wk_handoff_start(&first->ho);
    wk_handoff_start(&second->ho);
    if (ctx == SURF_MAIN) {
        s->ops->bql_lock();
        job_submit_here(first);
        job_submit_here(second);
        s->ops->bql_unlock();
    } else {
        s->ops->bh_schedule_oneshot(s->ctx[SURF_IO], pair_submit_bh, first);
    }
}

/* AIO_WAIT_WHILE(ctx, !*flag), then closes ho (set + kick -> returned).
 * Bounded from when both the kick was made and the wait began: a kick made
 * before this thread got here is late through no fault of the wakeup. */
static void wait_for_kick(wk_gensurf_t *s, wk_ctx_t *ctx, int *flag, wk_handoff_t *ho)
{
    int64_t waiting_since = sim_now_ns();
    s->ops->wait_while_unset(ctx, flag);
    if (ho->since_ns >= 0 && ho->since_ns < waiting_since) {
        ho->since_ns = waiting_since;
    }
    wk_handoff_done(ho, s->mon, s->w);
}

/* Under the BQL on the main context (a vCPU, or the main loop thread in
 * a BH): waits for a flag that a pool worker sets and kicks (the job's
 * completion comes later, through the pool's BH on main or, for a job on
 * the iothread's pool submitted by a BH there, on the iothread). */
static void wait_kick_body(surf_actor_t *a, surf_job_t *j, wk_ctx_t *wait_ctx)
{
    wk_gensurf_t *s = a->s;
    if (j->direct) {
        wait_for_kick(s, wait_ctx, &j->flag, &j->kick_ho);
        sim_monitor_event(s->w, "aio-wait-while returned", a->index, j->expect);
        j->done = true;
        return;
    }
    j->flag = 0;
    j->kick = true;
    wk_handoff_start(&j->ho);
    if (j->ctx == SURF_IO) {
        s->ops->bh_schedule_oneshot(s->ctx[SURF_IO], job_submit_bh, j);
    } else {
        job_submit_here(j);
    }
    /* Not j->done: the job may have completed already (on the iothread's
     * pool), and its kick must still end this wait at once. */
    if (!j->refused) {
        wait_for_kick(s, wait_ctx, &j->flag, &j->kick_ho);
        sim_monitor_event(s->w, "aio-wait-while returned", a->index, j->expect);
    }
}

static void wait_bh_cb(void *opaque)
{
    surf_actor_t *a = opaque;
    wk_handoff_done(&a->bh_ho, a->s->mon, a->s->w);
    wk_handoff_start(&a->bh_ret_ho);
}

/* Under the BQL on the main context: aio_wait_bh_oneshot on the iothread. */
static void wait_bh_body(surf_actor_t *a)
{
    wk_gensurf_t *s = a->s;
    wk_handoff_start(&a->bh_ho);
    s->ops->wait_bh_oneshot(s->ctx[SURF_IO], wait_bh_cb, a);
    wk_handoff_done(&a->bh_ret_ho, s->mon, s->w);
    sim_monitor_event(s->w, "aio-wait-bh-oneshot returned", a->index, 0);
}

/* The main loop thread's turn: a one-shot BH on main runs the wait, as
 * QEMU's monitor commands and drains do from the main loop. */
static void ml_wait_cb(void *opaque)
{
    surf_actor_t *a = opaque;
    wk_gensurf_t *s = a->s;
    wk_handoff_done(&a->ml_ho, s->mon, s->w);
    if (a->ml_job) {
        wait_kick_body(a, a->ml_job, a->ml_wait_ctx);
    } else {
        wait_bh_body(a);
    }
    os_mutex_lock(&a->lock);
    a->ml_busy = false;
    sim_cond_broadcast(&a->cond);
    os_mutex_unlock(&a->lock);
}

/* One of the two waits, by this vCPU under the BQL or by the main loop
 * thread (any actor may hand it one).  job: AIO_WAIT_WHILE for it; NULL:
 * aio_wait_bh_oneshot. */
static void op_wait(surf_actor_t *a, surf_job_t *job)
{
    wk_gensurf_t *s = a->s;
    wk_ctx_t *wait_ctx = sim_choose(2) ? s->ctx[SURF_MAIN] : NULL;
    if (!a->vcpu || !s->bql_polls || sim_choose(2)) {
        if (a->ml_busy) {
            if (job) {
                job->busy = false;
            }
            return;
        }
        a->ml_busy = true;
        a->ml_job = job;
        a->ml_wait_ctx = wait_ctx;
        wk_handoff_start(&a->ml_ho);
        s->ops->bh_schedule_oneshot(s->ctx[SURF_MAIN], ml_wait_cb, a);
        return;
    }
    s->ops->bql_lock();
    if (job) {
        wait_kick_body(a, job, wait_ctx);
    } else {
        wait_bh_body(a);
    }
    s->ops->bql_unlock();
}

/* AIO_WAIT_WHILE in the main loop thread for a flag this actor sets and
 * kicks itself (any thread may: aio_wait_kick), after 0 to 47 scheduling
 * points, so the kick lands anywhere on the waiter's way into the wait. */
static void op_wait_direct(surf_actor_t *a)
{
    wk_gensurf_t *s = a->s;
    surf_job_t *j = a->ml_busy ? NULL : job_slot(a, SURF_MAIN, 0, 1);
    if (!j) {
        return;
    }
    j->direct = true;
    j->flag = 0;
    a->ml_busy = true;
    a->ml_job = j;
    a->ml_wait_ctx = sim_choose(2) ? s->ctx[SURF_MAIN] : NULL;
    wk_handoff_start(&a->ml_ho);
    s->ops->bh_schedule_oneshot(s->ctx[SURF_MAIN], ml_wait_cb, a);
    for (uint32_t k = sim_choose(48); k; k--) {
        sim_yield();
    }
    wk_handoff_start(&j->kick_ho);
    s->ops->set_and_kick(&j->flag);
}

/* ---- coroutines ---- */

static void co_wake_bh(void *opaque)
{
    surf_actor_t *a = opaque;
    wk_handoff_start(&a->co_wake_ho);
    a->s->ops->co_wake(a->co);
}

static int co_job_fn(void *arg)
{
    surf_actor_t *a = arg;
    sim_sleep_ns(work_ns[3]);
    return (int)a->index;
}

/* Before the CoMutex: yield until a BH on the other context wakes us,
 * move to the other context, or wait for a pool job in the coroutine. */
static void co_first_part(surf_actor_t *a)
{
    wk_gensurf_t *s = a->s;
    int other = s->ctx[SURF_IO] ? 1 - a->co_ctx : a->co_ctx;
    if (a->co_kind == CO_WAKE) {
        a->co = s->ops->co_self();
        a->co_waits =
            other ? "aio_co_wake from a BH on iothread" : "aio_co_wake from a BH on main";
        s->ops->bh_schedule_oneshot(s->ctx[other], co_wake_bh, a);
        s->ops->co_yield ();
        a->co_waits = NULL;
        wk_handoff_done(&a->co_wake_ho, s->mon, s->w);
        sim_monitor_event(s->w, "coroutine woken", a->index, other);
    } else if (a->co_kind == CO_RESCHEDULE) {
        wk_handoff_start(&a->co_move_ho);
        a->co_waits =
            other ? "aio_co_reschedule_self to iothread" : "aio_co_reschedule_self to main";
        s->ops->co_reschedule_self(s->ctx[other]);
        a->co_waits = NULL;
        a->co_at = other;
        wk_handoff_done(&a->co_move_ho, s->mon, s->w);
        sim_monitor_event(s->w, "coroutine moved", a->index, other);
    } else {
        wk_handoff_start(&a->co_pool_ho);
        a->co_waits = "thread_pool_submit_co (its pool job)";
        int ret = s->ops->co_pool_submit(co_job_fn, a);
        a->co_waits = NULL;
        wk_handoff_done(&a->co_pool_ho, s->mon, s->w);
        if (ret != (int)a->index) {
            wk_monitor_violation(s->mon, s->w, WK_INV_DATA,
                                 "%s: thread_pool_submit_co returned %d, its function %u",
                                 a->name, ret, a->index);
        }
        sim_monitor_event(s->w, "coroutine pool job", a->index, ret);
    }
}

static void co_body(void *opaque)
{
    surf_actor_t *a = opaque;
    wk_gensurf_t *s = a->s;
    wk_handoff_done(&a->co_enter_ho, s->mon, s->w);
    a->co_waits = NULL;
    co_first_part(a);
    sim_monitor_event(s->w, "coroutine locks", a->index, 0);
    a->co_waits = "the CoMutex (qemu_co_mutex_lock)";
    s->ops->co_mutex_lock(s->comutex);
    a->co_waits = NULL;
    if (a->co_sleep) {
        a->co_waits = "its qemu_co_sleep_ns timer";
        s->ops->co_sleep_ns(work_ns[2]);
        a->co_waits = NULL;
    }
    s->ops->co_mutex_unlock(s->comutex);
    sim_monitor_event(s->w, "coroutine done", a->index, 0);
    os_mutex_lock(&a->lock);
    a->co_busy = false;
    sim_cond_broadcast(&a->cond);
    os_mutex_unlock(&a->lock);
}

/* Any actor, holding nothing: aio_co_enter on a context not its own, so
 * QEMU schedules the coroutine there (co_schedule_bh). */
static void op_coroutine(surf_actor_t *a)
{
    wk_gensurf_t *s = a->s;
    if (a->co_busy) {
        return;
    }
    a->co_busy = true;
    a->co_ctx = s->ctx[SURF_IO] ? (int)sim_choose(2) : SURF_MAIN;
    a->co_kind = (int)sim_choose(CO_KINDS);
    a->co_sleep = sim_choose(2) == 0;
    a->co_at = a->co_ctx;
    a->co_waits = "its first run (aio_co_enter scheduled it)";
    wk_handoff_start(&a->co_enter_ho);
    sim_monitor_event(s->w, "coroutine start", a->index, a->co_ctx * 10 + a->co_kind);
    s->ops->co_start(s->ctx[a->co_ctx], co_body, a);
}

/* ---- IOThread objects created and destroyed during the run ---- */

static void iot_bh_cb(void *opaque)
{
    iot_bh_t *b = opaque;
    wk_handoff_done(&b->ho, b->a->s->mon, b->a->s->w);
    b->ran = true;
    sim_monitor_event(b->a->s->w, "iothread BH ran", b->a->index, (int64_t)b->a->iot.cycle);
}

static int iot_job_fn(void *arg)
{
    surf_actor_t *a = arg;
    sim_sleep_ns(work_ns[3]);
    return (int)a->index;
}

/* On the iothread (its pool's completion BH): the request leaves the
 * in-flight count and kicks AIO_WAIT_WHILE, as bdrv_dec_in_flight() does. */
static void iot_job_done(void *opaque, int ret)
{
    surf_actor_t *a = opaque;
    wk_gensurf_t *s = a->s;
    wk_handoff_done(&a->iot.job_ho, s->mon, s->w);
    sim_monitor_event(s->w, "iothread pool-completion", a->index, ret);
    if (ret != (int)a->index) {
        wk_monitor_violation(s->mon, s->w, WK_INV_DATA,
                             "%s: thread-pool job on its iothread completed with %d, its "
                             "function returned %u",
                             a->name, ret, a->index);
    }
    wk_handoff_start(&a->iot.drain_ho);
    s->ops->set_and_kick(&a->iot.job_flag);
}

static void iot_submit_bh(void *opaque)
{
    surf_actor_t *a = opaque;
    wk_gensurf_t *s = a->s;
    int ret = s->ops->pool_submit(iot_job_fn, a, iot_job_done, a);
    if (ret < 0) {
        wk_monitor_violation(s->mon, s->w, WK_INV_CONTRACT,
                             "%s: thread_pool_submit_aio on its iothread refused: %s",
                             a->name, g_strerror(-ret));
    }
}

static void iot_set_state(surf_actor_t *a, bool busy, bool running)
{
    os_mutex_lock(&a->lock);
    a->iot.busy = busy;
    a->iot.running = running;
    sim_cond_broadcast(&a->cond);
    os_mutex_unlock(&a->lock);
}

/* Main loop thread: object-add. */
static void iot_start_cb(void *opaque)
{
    surf_actor_t *a = opaque;
    wk_gensurf_t *s = a->s;
    surf_iot_t *t = &a->iot;
    char id[24];
    wk_handoff_done(&t->start_ho, s->mon, s->w);
    g_snprintf(id, sizeof(id), "%s.io%u#", a->name,
               t->cycle); /* "#": qemu_thread_create's count follows */
    t->it = s->ops->iothread_new(id, 0, 0, 0);
    if (!t->it) {
        wk_monitor_violation(s->mon, s->w, WK_INV_HYGIENE, "%s: iothread %s not created",
                             a->name, id);
        iot_set_state(a, false, false);
        return;
    }
    t->ctx = s->ops->iothread_ctx(t->it);
    if (t->gcontext) {
        s->ops->iothread_gcontext(t->it);
    }
    sim_monitor_event(s->w, "iothread started", a->index, t->gcontext);
    iot_set_state(a, true, true);
}

/* Main loop thread: object-del, after draining what was submitted. */
static void iot_del_cb(void *opaque)
{
    surf_actor_t *a = opaque;
    wk_gensurf_t *s = a->s;
    surf_iot_t *t = &a->iot;
    wk_handoff_done(&t->del_ho, s->mon, s->w);
    if (t->job_queued) {
        wait_for_kick(s, s->ctx[SURF_MAIN], &t->job_flag, &t->drain_ho);
    }
    wk_handoff_start(&t->stop_ho);
    s->ops->iothread_stop(t->it);
    wk_handoff_done(&t->stop_ho, s->mon, s->w);
    sim_monitor_event(s->w, "iothread stopped", a->index, t->nbh);
    for (unsigned k = 0; k < t->nbh; k++) {
        if (!t->bh[k].ran) {
            wk_monitor_violation(
                s->mon, s->w, WK_INV_HANDOFF,
                "%s: BH %u queued on iothread %u before iothread_stop() never "
                "ran, and the iothread exited",
                a->name, k, t->cycle);
            return; /* finalising the context would abort on it */
        }
    }
    s->ops->iothread_free(t->it);
    t->it = NULL;
    t->ctx = NULL;
    iot_set_state(a, false, false);
}

/* Any actor, as a management client: has the main loop create an
 * iothread, queues BHs and a pool request to it, maybe waits a little,
 * and has the main loop destroy it, work still queued or running. */
static void op_iothread(surf_actor_t *a)
{
    wk_gensurf_t *s = a->s;
    surf_iot_t *t = &a->iot;
    if (t->busy) {
        return;
    }
    t->cycle++;
    t->gcontext = sim_choose(4) == 0;
    iot_set_state(a, true, false);
    wk_handoff_start(&t->start_ho);
    s->ops->bh_schedule_oneshot(s->ctx[SURF_MAIN], iot_start_cb, a);
    os_mutex_lock(&a->lock);
    while (t->busy && !t->running) {
        sim_cond_wait(&a->cond, (struct os_mutex *)&a->lock);
    }
    os_mutex_unlock(&a->lock);
    if (!t->busy) {
        return; /* not created: said */
    }
    t->nbh = sim_choose(IOT_BHS + 1);
    for (unsigned k = 0; k < t->nbh; k++) {
        t->bh[k].ran = false;
        wk_handoff_start(&t->bh[k].ho);
        s->ops->bh_schedule_oneshot(t->ctx, iot_bh_cb, &t->bh[k]);
    }
    t->job_queued = sim_choose(2) == 0;
    if (t->job_queued) {
        t->job_flag = 0;
        wk_handoff_start(&t->job_ho);
        s->ops->bh_schedule_oneshot(t->ctx, iot_submit_bh, a);
    }
    if (sim_choose(2)) {
        sim_sleep_ns(work_ns[sim_choose(G_N_ELEMENTS(work_ns))]);
    }
    wk_handoff_start(&t->del_ho);
    s->ops->bh_schedule_oneshot(s->ctx[SURF_MAIN], iot_del_cb, a);
}

/* The contexts this actor may reach the pool on: main under the BQL (a
 * vCPU), the iothread's through a BH (anyone). */
static int pick_pool_ctx(surf_actor_t *a)
{
    bool io = a->s->ctx[SURF_IO] != NULL;
    if (a->vcpu && io) {
        return (int)sim_choose(2);
    }
    return a->vcpu ? SURF_MAIN : io ? SURF_IO : -1;
}

void wk_gensurf_op(wk_gensurf_t *s, unsigned i)
{
    surf_actor_t *a = &s->actors[i];
    int ops[SF_COUNT], n = 0;
    bool pool = a->vcpu || s->ctx[SURF_IO];
    if (s->feat[SF_POOL] && pool) {
        ops[n++] = SF_POOL;
    }
    if (s->feat[SF_POOL_NESTED] && pool) {
        ops[n++] = SF_POOL_NESTED;
    }
    if (s->feat[SF_WAIT_KICK]) {
        ops[n++] = SF_WAIT_KICK;
    }
    if (s->feat[SF_WAIT_BH] && s->ctx[SURF_IO]) {
        ops[n++] = SF_WAIT_BH;
    }
    if (s->feat[SF_COROUTINE] && s->comutex) {
        ops[n++] = SF_COROUTINE;
    }
    if (s->feat[SF_IOTHREAD] && s->ops->iothread_new) {
        ops[n++] = SF_IOTHREAD;
    }
    if (!n) {
        sim_yield();
        return;
    }
    switch (ops[sim_choose((uint32_t)n)]) {
    case SF_POOL:
        op_pool(a, pick_pool_ctx(a));
        break;
    case SF_POOL_NESTED:
        op_pool_nested(a, pick_pool_ctx(a));
        break;
    case SF_WAIT_KICK: {
        /* On the iothread's pool, only the kick can end the wait: the
         * completion BH runs there, not on main. */
        if (sim_choose(3) == 0) {
            op_wait_direct(a);
            break;
        }
        int ctx = s->ctx[SURF_IO] && sim_choose(2) ? SURF_IO : SURF_MAIN;
        surf_job_t *j = job_slot(a, ctx, 0, 1);
        if (j) {
            op_wait(a, j);
        }
        break;
    }
    case SF_WAIT_BH:
        op_wait(a, NULL);
        break;
    case SF_IOTHREAD:
        op_iothread(a);
        break;
    default:
        op_coroutine(a);
        break;
    }
}

/* ---- run life cycle ---- */

/* For a deadlock or limit verdict (monitor.h): each coroutine suspended
 * for good, whose it is, its context and what it waits for. */
static char *describe_coroutines(void *opaque)
{
    wk_gensurf_t *s = opaque;
    GString *g = g_string_new(NULL);
    for (unsigned i = 0; i < s->nactors; i++) {
        const surf_actor_t *a = &s->actors[i];
        if (a->co_busy && a->co_waits) {
            g_string_append_printf(g, "%s%s's coroutine on %s waits for %s",
                                   g->len ? ", " : "", a->name, surf_ctx_names[a->co_at],
                                   a->co_waits);
        }
    }
    return g_string_free(g, g->len == 0);
}

static void iot_init(surf_actor_t *a)
{
    char what[48];
    surf_iot_t *t = &a->iot;
    for (unsigned k = 0; k < IOT_BHS; k++) {
        t->bh[k].a = a;
        g_snprintf(what, sizeof(what), "BH %u on %s's iothread", k, a->name);
        wk_handoff_init(&t->bh[k].ho, what);
    }
    g_snprintf(what, sizeof(what), "pool job on %s's iothread", a->name);
    wk_handoff_init(&t->job_ho, what);
    g_snprintf(what, sizeof(what), "kick -> drain of %s's iothread", a->name);
    wk_handoff_init(&t->drain_ho, what);
    g_snprintf(what, sizeof(what), "object-add BH of %s's iothread", a->name);
    wk_handoff_init(&t->start_ho, what);
    g_snprintf(what, sizeof(what), "object-del BH of %s's iothread", a->name);
    wk_handoff_init(&t->del_ho, what);
    g_snprintf(what, sizeof(what), "iothread_stop -> exit of %s's", a->name);
    wk_handoff_init(&t->stop_ho, what);
}

static void iot_check_stale(surf_actor_t *a)
{
    wk_gensurf_t *s = a->s;
    surf_iot_t *t = &a->iot;
    for (unsigned k = 0; k < IOT_BHS; k++) {
        wk_handoff_check_stale(&t->bh[k].ho, s->mon, s->w);
    }
    wk_handoff_check_stale(&t->job_ho, s->mon, s->w);
    wk_handoff_check_stale(&t->drain_ho, s->mon, s->w);
    wk_handoff_check_stale(&t->start_ho, s->mon, s->w);
    wk_handoff_check_stale(&t->del_ho, s->mon, s->w);
    wk_handoff_check_stale(&t->stop_ho, s->mon, s->w);
}

static void actor_init(wk_gensurf_t *s, surf_actor_t *a, unsigned i, const char *name,
                       bool vcpu)
{
    char what[48];
    a->s = s;
    a->index = i;
    a->vcpu = vcpu;
    g_strlcpy(a->name, name, sizeof(a->name));
    os_mutex_init(&a->lock);
    sim_cond_init(&a->cond);
    for (unsigned k = 0; k < SURF_JOBS; k++) {
        a->jobs[k].a = a;
        g_snprintf(what, sizeof(what), "pool job %u of %s", k, name);
        wk_handoff_init(&a->jobs[k].ho, what);
        g_snprintf(what, sizeof(what), "set+kick %u -> AIO_WAIT_WHILE of %s", k, name);
        wk_handoff_init(&a->jobs[k].kick_ho, what);
    }
    g_snprintf(what, sizeof(what), "aio_wait_bh_oneshot BH of %s", name);
    wk_handoff_init(&a->bh_ho, what);
    g_snprintf(what, sizeof(what), "aio_wait_bh_oneshot return of %s", name);
    wk_handoff_init(&a->bh_ret_ho, what);
    g_snprintf(what, sizeof(what), "main-loop wait BH of %s", name);
    wk_handoff_init(&a->ml_ho, what);
    g_snprintf(what, sizeof(what), "aio_co_enter of %s's coroutine", name);
    wk_handoff_init(&a->co_enter_ho, what);
    g_snprintf(what, sizeof(what), "aio_co_wake of %s's coroutine", name);
    wk_handoff_init(&a->co_wake_ho, what);
    g_snprintf(what, sizeof(what), "aio_co_reschedule_self of %s's", name);
    wk_handoff_init(&a->co_move_ho, what);
    g_snprintf(what, sizeof(what), "thread_pool_submit_co of %s's", name);
    wk_handoff_init(&a->co_pool_ho, what);
    iot_init(a);
}

wk_gensurf_t *wk_gensurf_new(const wk_target_ops_t *ops, sim_world_t *w, wk_monitor_t *mon,
                             wk_ctx_t *const ctx[2], unsigned nactors,
                             const char *const names[], const bool vcpu[], bool bql_polls)
{
    wk_gensurf_t *s = g_new0(wk_gensurf_t, 1);
    s->bql_polls = bql_polls;
    s->ops = ops;
    s->w = w;
    s->mon = mon;
    s->ctx[SURF_MAIN] = ctx[SURF_MAIN];
    s->ctx[SURF_IO] = ctx[SURF_IO];
    s->nactors = MIN(nactors, SURF_MAX_ACTORS);
    char line[32] = "surface features ";
    size_t len = strlen(line);
    for (int f = 0; f < SF_COUNT; f++) {
        s->feat[f] = sim_choose(4) != 3;
        line[len++] = s->feat[f] ? '1' : '0';
    }
    line[len] = '\0';
    sim_monitor_event(w, line, 0, 0);
    for (unsigned i = 0; i < s->nactors; i++) {
        actor_init(s, &s->actors[i], i, names[i], vcpu[i]);
    }
    if (ops->co_start) {
        s->comutex = ops->co_mutex_new();
        mon->describe_suspended = describe_coroutines;
        mon->describe_opaque = s;
    } else {
        sim_monitor_event(w, "surface without coroutines", 0, 0);
    }
    return s;
}

void wk_gensurf_collect(wk_gensurf_t *s, unsigned i)
{
    surf_actor_t *a = &s->actors[i];
    os_mutex_lock(&a->lock);
    for (unsigned k = 0; k < SURF_JOBS; k++) {
        while (a->jobs[k].busy && !a->jobs[k].done) {
            sim_cond_wait(&a->cond, (struct os_mutex *)&a->lock);
        }
    }
    while (a->ml_busy || a->co_busy || a->iot.busy) {
        sim_cond_wait(&a->cond, (struct os_mutex *)&a->lock);
    }
    os_mutex_unlock(&a->lock);
}

void wk_gensurf_check_stale(wk_gensurf_t *s)
{
    for (unsigned i = 0; i < s->nactors; i++) {
        surf_actor_t *a = &s->actors[i];
        for (unsigned k = 0; k < SURF_JOBS; k++) {
            wk_handoff_check_stale(&a->jobs[k].ho, s->mon, s->w);
            wk_handoff_check_stale(&a->jobs[k].kick_ho, s->mon, s->w);
        }
        wk_handoff_check_stale(&a->bh_ho, s->mon, s->w);
        wk_handoff_check_stale(&a->bh_ret_ho, s->mon, s->w);
        wk_handoff_check_stale(&a->ml_ho, s->mon, s->w);
        wk_handoff_check_stale(&a->co_enter_ho, s->mon, s->w);
        wk_handoff_check_stale(&a->co_wake_ho, s->mon, s->w);
        wk_handoff_check_stale(&a->co_move_ho, s->mon, s->w);
        wk_handoff_check_stale(&a->co_pool_ho, s->mon, s->w);
        iot_check_stale(a);
    }
}

/* A freed pool's workers have said they stopped, under the pool's lock,
 * and return right after: a few scheduling points let them.  Sleeping, not
 * yielding: under PCT a yield leaves main the highest-priority runnable
 * thread, and an exiting worker of low priority would never run. */
void wk_gensurf_after_stop(wk_gensurf_t *s)
{
    for (int k = 0; k < 64 && sim_world_live_threads(s->w) > 1; k++) {
        sim_sleep_ns(1000);
    }
}

void wk_gensurf_free(wk_gensurf_t *s)
{
    for (unsigned i = 0; i < s->nactors; i++) {
        if (s->actors[i].iot.it) { /* a cut-short run: its thread was unwound */
            s->ops->iothread_abandon(s->actors[i].iot.it);
        }
    }
    if (s->comutex) {
        s->ops->co_mutex_free(s->comutex);
    }
    g_free(s);
}

static const wk_target_op_t needed_ops[] = {
    WK_TARGET_OP(pool_submit),
    WK_TARGET_OP(wait_while_unset),
    WK_TARGET_OP(set_and_kick),
    WK_TARGET_OP(wait_bh_oneshot),
};
/* Optional too (all or none): IOThread objects. */
static const wk_target_op_t iot_ops[] = {
    WK_TARGET_OP(iothread_new),      WK_TARGET_OP(iothread_ctx),
    WK_TARGET_OP(iothread_gcontext), WK_TARGET_OP(iothread_stop),
    WK_TARGET_OP(iothread_free),     WK_TARGET_OP(iothread_abandon),
};
/* Optional (the QEMU target's sanitizer build has no coroutines): all of
 * them or none. */
static const wk_target_op_t co_ops[] = {
    WK_TARGET_OP(co_start),           WK_TARGET_OP(co_self),
    WK_TARGET_OP(co_yield ),          WK_TARGET_OP(co_wake),
    WK_TARGET_OP(co_reschedule_self), WK_TARGET_OP(co_pool_submit),
    WK_TARGET_OP(co_sleep_ns),        WK_TARGET_OP(co_mutex_new),
    WK_TARGET_OP(co_mutex_free),      WK_TARGET_OP(co_mutex_lock),
    WK_TARGET_OP(co_mutex_unlock),
};

const char *wk_gensurf_missing_op(const wk_target_ops_t *ops)
{
    const char *missing =
        wk_target_first_missing(ops, needed_ops, G_N_ELEMENTS(needed_ops));
    if (!missing && ops->co_start) {
        missing = wk_target_first_missing(ops, co_ops, G_N_ELEMENTS(co_ops));
    }
    if (!missing && ops->iothread_new) {
        missing = wk_target_first_missing(ops, iot_ops, G_N_ELEMENTS(iot_ops));
    }
    return missing;
}

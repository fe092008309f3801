/*
 * machine.c - the simulated machine a scenario describes, run in one world.
 *
 * The event loop under test is a target (target.h): loop/ by default, or
 * QEMU's own util/ code (targets/qemu/); every loop call goes through its ops.
 *
 * Threads (all simulated fibers):
 *   main       creates the others, joins the vCPUs, stops the loops, checks
 *              the deadline; its exit ends the run.
 *   main-loop  the main context on a real GMainContext: the target's
 *              main_loop_wait with the BQL held except around ppoll(), plus
 *              the idle timer (threads.c).
 *   iothread   (target = iothread) its own context, poll(ctx, true)
 *              (threads.c).
 *   vcpuN      the workload: per batch, think, hand the requests to the
 *              target by the scenario's submission path, then take each
 *              completion, check its data, think again.
 *
 * Loop objects are freed by their home threads on the way out; if a run is
 * cut short (violation, deadlock) sim_defer() frees what is left, so no run
 * leaks into the next.
 */
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "aio-os.h"
#include "genload.h"
#include "hygiene.h"
#include "invariant.h"
#include "keyed.h"
#include "machine.h"
#include "monitor.h"
#include "target.h"
#include "threads.h"

#define MAX_VCPUS 16

typedef struct machine machine_t;

typedef struct {
    struct vcpu *vcpu;
    uint64_t offset;
    char *buf;
    ssize_t ret;
} request_t;

typedef struct vcpu {
    machine_t *m;
    int index;
    char name[16];
    os_mutex_t lock;
    sim_cond_t cond;
    request_t *reqs;    /* the current batch */
    unsigned completed; /* in the current batch, under lock */
    bool handed_over;   /* batch handed, not yet taken by the target */
    int64_t handed_at_ns;
    int kick_fd;       /* ioeventfd path */
    wk_timer_t *timer; /* timer path */
} vcpu_t;

struct machine {
    const scn_t *scn;
    const wk_target_ops_t *ops; /* the event loop under test */
    sim_world_t *w;
    wk_monitor_t mon;
    sim_event_fn_t *user_on_event; /* the caller's hook, after the monitors */
    void *user_opaque;
    int devfd;
    wk_loops_t loops; /* main-loop, iothread (threads.c) */
    wk_ctx_t *target; /* the context serving the devices, once up */

    unsigned nvcpus;
    vcpu_t vcpus[MAX_VCPUS];
    sim_faults_t faults; /* injected in this run */
};

/* ---- completions and submission (run on the target's home thread) ---- */

static void request_done(void *opaque, ssize_t ret)
{
    request_t *r = opaque;
    vcpu_t *v = r->vcpu;
    os_mutex_lock(&v->lock);
    r->ret = ret;
    v->completed++;
    sim_cond_signal(&v->cond);
    os_mutex_unlock(&v->lock);
}

static void request_submit(machine_t *m, request_t *r)
{
    const scn_t *s = m->scn;
    wk_ctx_t *ctx = m->ops->current_context();
    if (ctx && m->ops->context_has_sqe(ctx)) {
        int ret =
            m->ops->blk_read(m->devfd, r->buf, s->chunk_bytes, r->offset, request_done, r);
        if (ret < 0) {
            wk_monitor_violation(&m->mon, m->w, WK_INV_DATA, "aio_blk_read failed: %s",
                                 g_strerror(-ret));
        }
        return;
    }
    /* ppoll back end: no I/O ring; the hand-off itself is what is checked. */
    sim_blkdev_expected(m->w, m->devfd, r->offset, r->buf, s->chunk_bytes);
    request_done(r, (ssize_t)s->chunk_bytes);
}

/* The target took the batch: check the hand-off latency, then submit. */
static void take_batch(vcpu_t *v, const char *what)
{
    machine_t *m = v->m;
    os_mutex_lock(&v->lock);
    bool pending = v->handed_over;
    v->handed_over = false;
    int64_t handed_at = v->handed_at_ns;
    os_mutex_unlock(&v->lock);
    if (!pending) {
        return;
    }
    wk_monitor_handoff(&m->mon, m->w, what, v->index, handed_at);
    for (unsigned i = 0; i < m->scn->batch_size; i++) {
        request_submit(m, &v->reqs[i]);
    }
}

static void kick_read(void *opaque)
{
    vcpu_t *v = opaque;
    os_eventfd_drain(v->kick_fd);
    take_batch(v, "ioeventfd kick");
}

static void bh_run(void *opaque)
{
    take_batch(opaque, "bottom half");
}

static void timer_fire(void *opaque)
{
    take_batch(opaque, "timer");
}

/* ---- vCPUs ---- */

static unsigned batch_completed(vcpu_t *v)
{
    os_mutex_lock(&v->lock);
    unsigned n = v->completed;
    os_mutex_unlock(&v->lock);
    return n;
}

static void hand_over_batch(vcpu_t *v)
{
    machine_t *m = v->m;
    const scn_t *s = m->scn;

    if (s->submit == SCN_SUBMIT_MMIO_INLINE || s->submit == SCN_SUBMIT_MMIO_SYNC) {
        /* AHCI: the register write is emulated under the BQL and the
         * request starts inline, on the main context (current-context rule). */
        m->ops->bql_lock();
        for (unsigned i = 0; i < s->batch_size; i++) {
            request_submit(m, &v->reqs[i]);
        }
        /* Synchronous I/O from device emulation: the BQL holder polls the
         * main context itself, and so enters the main ring. */
        while (s->submit == SCN_SUBMIT_MMIO_SYNC && batch_completed(v) < s->batch_size) {
            m->ops->poll(m->loops.ctx[WK_LOOP_MAIN], true);
        }
        m->ops->bql_unlock();
        return;
    }
    os_mutex_lock(&v->lock);
    v->handed_over = true;
    v->handed_at_ns = sim_now_ns();
    os_mutex_unlock(&v->lock);
    switch (s->submit) {
    case SCN_SUBMIT_IOEVENTFD:
        os_eventfd_signal(v->kick_fd);
        break;
    case SCN_SUBMIT_BH:
        m->ops->bh_schedule_oneshot(m->target, bh_run, v);
        break;
    case SCN_SUBMIT_TIMER:
        m->ops->timer_mod_ns(v->timer, m->ops->clock_ns());
        break;
    default:
        break;
    }
}

bool wk_faults_fail_reads(const sim_faults_t *f)
{
    return f->permille[SIM_FAULT_READ_EIO] ||
           (f->countdown_n && f->countdown_kind == SIM_FAULT_READ_EIO);
}

static void check_data(vcpu_t *v, request_t *r)
{
    machine_t *m = v->m;
    uint64_t len = m->scn->chunk_bytes;
    if (r->ret == -EIO && wk_faults_fail_reads(&m->faults)) {
        return;
    }
    if (r->ret != (ssize_t)len) {
        wk_monitor_violation(&m->mon, m->w, WK_INV_DATA,
                             "%s: read at offset %" G_GUINT64_FORMAT " returned %zd, "
                             "expected %" G_GUINT64_FORMAT,
                             v->name, r->offset, r->ret, len);
        return;
    }
    if (sim_blkdev_verify(m->w, m->devfd, r->offset, r->buf, len) != 0) {
        wk_monitor_violation(&m->mon, m->w, WK_INV_DATA,
                             "%s: read at offset %" G_GUINT64_FORMAT
                             " returned wrong bytes",
                             v->name, r->offset);
    }
}

/* Think time plus a jitter drawn from the decision source, so that hand-offs
 * land at varied points of the loops' iterations. */
static void think(const scn_t *s, int64_t ns)
{
    if (s->think_jitter_ns) {
        ns += (int64_t)sim_choose(17) * (s->think_jitter_ns / 16);
    }
    if (ns) {
        sim_sleep_ns(ns);
    }
}

static void *vcpu_main(void *arg)
{
    vcpu_t *v = arg;
    machine_t *m = v->m;
    const scn_t *s = m->scn;

    for (unsigned b = 0; b < s->batches; b++) {
        think(s, s->think_before_batch_ns);
        for (unsigned i = 0; i < s->batch_size; i++) {
            request_t *r = &v->reqs[i];
            uint64_t index = ((uint64_t)v->index * s->batches + b) * s->batch_size + i;
            r->offset = index * s->chunk_bytes;
            r->ret = -1;
        }
        v->completed = 0;
        hand_over_batch(v);

        /* Take completions one at a time, in the order they arrive. */
        for (unsigned taken = 0; taken < s->batch_size; taken++) {
            os_mutex_lock(&v->lock);
            while (v->completed <= taken) {
                sim_cond_wait(&v->cond, (struct os_mutex *)&v->lock);
            }
            os_mutex_unlock(&v->lock);
            think(s, s->think_after_completion_ns);
        }
        for (unsigned i = 0; i < s->batch_size; i++) {
            check_data(v, &v->reqs[i]);
        }
    }
    return NULL;
}

/* ---- the devices on their loop (threads.c hooks) ---- */

static void register_devices(machine_t *m, wk_ctx_t *ctx)
{
    for (unsigned i = 0; i < m->nvcpus; i++) {
        vcpu_t *v = &m->vcpus[i];
        if (m->scn->submit == SCN_SUBMIT_IOEVENTFD) {
            m->ops->set_fd_handler(ctx, v->kick_fd, kick_read, v);
        } else if (m->scn->submit == SCN_SUBMIT_TIMER) {
            v->timer = m->ops->timer_new(ctx, timer_fire, v);
        }
    }
}

static void unregister_devices(machine_t *m, wk_ctx_t *ctx)
{
    for (unsigned i = 0; i < m->nvcpus; i++) {
        vcpu_t *v = &m->vcpus[i];
        if (m->scn->submit == SCN_SUBMIT_IOEVENTFD) {
            m->ops->set_fd_handler(ctx, v->kick_fd, NULL, NULL);
        }
        m->ops->timer_free(v->timer);
        v->timer = NULL;
    }
}

/* The context the scenario puts the devices on: their handlers and timers
 * are registered there, on its own thread, and removed before it is freed. */
static bool serves_devices(const machine_t *m, int which)
{
    return (which == WK_LOOP_MAIN) == (m->scn->target == SCN_TARGET_MAIN);
}

static void loop_attach(void *opaque, int which, wk_ctx_t *ctx)
{
    machine_t *m = opaque;
    if (serves_devices(m, which)) {
        m->target = ctx;
        register_devices(m, ctx);
    }
}

static void loop_detach(void *opaque, int which, wk_ctx_t *ctx)
{
    machine_t *m = opaque;
    if (serves_devices(m, which)) {
        unregister_devices(m, ctx);
    }
}

/* Runs after the run ended, on no simulated thread: frees what killed
 * threads left behind. */
static void machine_cleanup(void *arg)
{
    machine_t *m = arg;
    for (unsigned i = 0; i < m->nvcpus; i++) {
        m->ops->timer_free(m->vcpus[i].timer);
        m->vcpus[i].timer = NULL;
    }
    wk_loops_free_contexts(&m->loops);
    for (unsigned i = 0; i < m->nvcpus; i++) {
        if (m->vcpus[i].kick_fd >= 0) {
            os_fd_close(m->vcpus[i].kick_fd);
        }
    }
    wk_loops_close(&m->loops);
}

static void vcpus_init(machine_t *m)
{
    const scn_t *s = m->scn;
    m->nvcpus = s->vcpus;
    for (unsigned i = 0; i < m->nvcpus; i++) {
        vcpu_t *v = &m->vcpus[i];
        v->m = m;
        v->index = (int)i;
        g_snprintf(v->name, sizeof(v->name), "vcpu%u", i);
        char name[40];
        memcpy(name, v->name, strlen(v->name));
        strcpy(name + strlen(v->name), " lock");
        sim_name_next(SIM_OBJ_MUTEX, name);
        os_mutex_init(&v->lock);
        sim_cond_init(&v->cond);
        v->reqs = g_new0(request_t, s->batch_size);
        for (unsigned j = 0; j < s->batch_size; j++) {
            v->reqs[j].vcpu = v;
            v->reqs[j].buf = g_malloc(s->chunk_bytes);
        }
        if (s->submit == SCN_SUBMIT_IOEVENTFD) {
            strcpy(name + strlen(v->name), " ioeventfd");
            sim_name_next(SIM_OBJ_EVENTFD, name);
        }
        v->kick_fd = s->submit == SCN_SUBMIT_IOEVENTFD ? os_eventfd_new() : -1;
    }
}

static void vcpus_free(machine_t *m)
{
    for (unsigned i = 0; i < m->nvcpus; i++) {
        vcpu_t *v = &m->vcpus[i];
        for (unsigned j = 0; j < m->scn->batch_size; j++) {
            g_free(v->reqs[j].buf);
        }
        g_free(v->reqs);
    }
}

static void run_vcpus(machine_t *m)
{
    const char *names[MAX_VCPUS];
    void *args[MAX_VCPUS];
    for (unsigned i = 0; i < m->nvcpus; i++) {
        names[i] = m->vcpus[i].name;
        args[i] = &m->vcpus[i];
    }
    wk_threads_run_all(m->w, m->nvcpus, names, vcpu_main, args);
}

static void *machine_main(void *arg)
{
    machine_t *m = arg;
    const scn_t *s = m->scn;

    wk_loops_begin(&m->loops);
    sim_defer(m->w, machine_cleanup, m);
    uint64_t size = (uint64_t)s->vcpus * s->batches * s->batch_size * s->chunk_bytes;
    m->devfd = sim_blkdev_create(m->w, size, s->latency_min_ns, s->latency_max_ns);
    vcpus_init(m);
    wk_loops_open_stop_fds(&m->loops);
    /* A context that could not be created is already a violation; with no
     * context to serve them, the vCPUs have nothing to do. */
    if (!wk_loops_start(&m->loops, s->target == SCN_TARGET_IOTHREAD) || !m->target) {
        return NULL;
    }
    run_vcpus(m);
    int64_t done_at = sim_now_ns();

    wk_loops_stop(&m->loops);
    wk_hygiene_check_threads(&m->mon, m->w);

    if (done_at > s->deadline_ns) {
        wk_monitor_violation(&m->mon, m->w, WK_INV_DEADLINE,
                             "workload finished at %.3f ms, deadline %.3f ms",
                             done_at / 1e6, s->deadline_ns / 1e6);
    }
    return NULL;
}

/* The world's hook: the monitors first, then the caller's observer. */
static void machine_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    machine_t *m = opaque;
    wk_monitor_on_event(w, ev, &m->mon);
    if (m->user_on_event) {
        m->user_on_event(w, ev, m->user_opaque);
    }
}

void wk_outcome_fill(wk_outcome_t *out, sim_world_t *w, sim_result_t r,
                     const wk_monitor_t *mon, bool log_enabled)
{
    memset(out, 0, sizeof(*out));
    out->result = r;
    out->steps = sim_world_steps(w);
    out->end_ns = sim_world_now_ns(w);
    out->log_hash = sim_world_log_hash(w);
    if (log_enabled) {
        out->log = g_strdup(sim_world_log(w, NULL));
    }
    const uint32_t *values, *bounds;
    out->n_decisions = sim_world_decisions(w, &values, &bounds);
    out->decisions = g_memdup2(values, out->n_decisions * sizeof(uint32_t));
    out->bounds = g_memdup2(bounds, out->n_decisions * sizeof(uint32_t));
    out->info = g_memdup2(sim_world_decision_info(w),
                          out->n_decisions * sizeof(sim_decision_info_t));
    out->sqes_queued_while_main_loop_slept = mon->sqes_queued_while_main_loop_slept;
    out->late_start_ns = mon->late_start_ns;
    out->late_end_ns = mon->late_end_ns;
    /* Only failing runs become reproducers: passing ones skip the work. */
    if (log_enabled) { /* the legend goes with a log */
        char *legend = sim_world_names_legend(w);
        out->names = g_strdup(legend);
        free(legend);
    }
    out->keyed = r != SIM_RESULT_OK || mon->invariant ? wk_keyed_encode(w) : NULL;
    out->states_at_start = g_strdup(mon->states_at_start);
    out->states_at_detection = g_strdup(mon->states_at_detection);
    for (int k = 0; k < SIM_FAULT_COUNT; k++) {
        out->fault_sites[k] = sim_world_fault_sites(w, k);
        out->faults_injected[k] = sim_world_faults_injected(w, k);
    }
    /* wk_monitor_finish() has made a deadlock or a limit the monitor's
     * verdict; what is left is a replay error or a misuse. */
    if (mon->invariant) {
        r = out->result = SIM_RESULT_VIOLATION;
        out->message = g_strdup(mon->message);
        out->invariant = g_strdup(mon->invariant);
    } else if (r != SIM_RESULT_OK) {
        out->message = g_strdup_printf("%s: %s", sim_result_name(r), sim_world_message(w));
        out->invariant = g_strdup(sim_result_name(r));
    }
}

void wk_machine_apply_scenario(sim_options_t *opts, const scn_t *scn)
{
    bool caller_faults = opts->faults.countdown_n != 0;
    for (int k = 0; k < SIM_FAULT_COUNT; k++) {
        caller_faults |= opts->faults.permille[k] != 0;
    }
    if (!caller_faults) {
        opts->faults = scn->faults;
    }
    if (opts->max_time_ns <= 0 || opts->max_time_ns > scn->deadline_ns * 2) {
        opts->max_time_ns = scn->deadline_ns * 2;
    }
    opts->fair_ns = scn->fair_ns;
}

/* What the vCPUs and the devices call on the target, besides what the loop
 * threads need (wk_loops_missing_op). */
static const wk_target_op_t needed_ops[] = {
    WK_TARGET_OP(context_has_sqe),
    WK_TARGET_OP(current_context),
    WK_TARGET_OP(bh_schedule_oneshot),
    WK_TARGET_OP(blk_read),
};

const char *wk_machine_missing_op(const scn_t *scn, const wk_target_ops_t *ops)
{
    if (scn_polls(scn) && !ops->context_set_poll_params) {
        return "context_set_poll_params";
    }
    if (scn->workload == SCN_WORKLOAD_GENERATED) {
        return wk_genload_missing_op(ops);
    }
    const char *missing = wk_loops_missing_op(ops);
    return missing ? missing
                   : wk_target_first_missing(ops, needed_ops, G_N_ELEMENTS(needed_ops));
}

int wk_machine_check_target(const char *prog, const scn_t *scn)
{
    const wk_target_ops_t *ops = wk_target_selected();
    const char *missing = wk_machine_missing_op(scn, ops);
    if (!missing) {
        return 0;
    }
    fprintf(stderr, "%s: target %s lacks operation %s, which the %s workload needs\n", prog,
            ops->name, missing,
            scn->workload == SCN_WORKLOAD_GENERATED ? "generated" : "batches");
    return 2;
}

void wk_machine_run(const scn_t *scn, const sim_options_t *o, wk_outcome_t *out)
{
    /* Drivers check up front (wk_machine_check_target); one that did not
     * still never runs a target without the operations the workload uses. */
    if (wk_machine_check_target("wakesim", scn) != 0) {
        exit(2);
    }
    if (scn->workload == SCN_WORKLOAD_GENERATED) {
        wk_genload_run(scn, o, out);
        return;
    }
    machine_t *m = g_new0(machine_t, 1);
    sim_options_t opts = *o;

    m->scn = scn;
    m->ops = wk_target_selected();
    wk_monitor_init(&m->mon, scn->bound_sqe_submit_ns, scn->bound_cqe_reap_ns,
                    scn->bound_handoff_ns);
    wk_monitor_set_busy_loop(&m->mon, scn->busy_loop_n, scn->busy_loop_window_ns);
    m->user_on_event = o->on_event;
    m->user_opaque = o->event_opaque;
    opts.on_event = machine_on_event;
    opts.event_opaque = m;
    wk_machine_apply_scenario(&opts, scn);
    m->faults = opts.faults;

    m->w = sim_world_new(&opts);
    wk_loops_init(&m->loops, m->ops, scn, m->w, &m->mon);
    m->loops.hooks.attach = loop_attach;
    m->loops.hooks.detach = loop_detach;
    m->loops.opaque = m;
    m->loops.name_objects = true;
    m->loops.tell_monitor_main_loop = true;
    sim_result_t r = sim_world_run(m->w, machine_main, m);
    wk_monitor_finish(&m->mon, m->w);

    wk_outcome_fill(out, m->w, r, &m->mon, opts.log_enabled);
    out->memory_model = opts.memory_model;

    sim_world_free(m->w);
    vcpus_free(m);
    wk_monitor_destroy(&m->mon);
    g_free(m);
}

void wk_outcome_clear(wk_outcome_t *out)
{
    g_free(out->invariant);
    g_free(out->message);
    g_free(out->log);
    g_free(out->decisions);
    g_free(out->bounds);
    g_free(out->info);
    g_free(out->keyed);
    g_free(out->names);
    g_free(out->states_at_start);
    g_free(out->states_at_detection);
    memset(out, 0, sizeof(*out));
}

const char *wk_outcome_verdict(const wk_outcome_t *out)
{
    return out->result == SIM_RESULT_OK ? "pass" : out->invariant;
}

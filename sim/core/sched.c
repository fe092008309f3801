/*
 * sched.c - simulated threads and the scheduler.
 *
 * Every simulated thread is a fiber.  The host (sim_world_run's stack) runs
 * the scheduler loop: it resumes one runnable thread, which runs until it
 * blocks, exits, or yields at a scheduling point in favour of another thread
 * (chosen there by the decision source, or forced by the fairness bound of
 * fair.c, and left in w->next).  Only one decision is taken per switch, and
 * none when a single thread is runnable or the bound forces the pick.
 *
 * Ending a run: w->stopping is set (violation, limit, finish...).  A thread
 * that reaches a scheduling point or a block then parks in the host, and the
 * host unwinds every live thread: it resumes it with t->killed set, and the
 * thread leaves its fiber for good from inside the call it was blocked in
 * (sim_fiber_exit: its frames are abandoned, its ASan fake stack freed).
 */
#include "sim-int.h"

#include <stdlib.h>
#include <string.h>

_Thread_local sim_world_t *sim__current_world;

const char *sim_wait_kind_name(sim_wait_kind_t k)
{
    static const char *const names[] = {
        [SIM_WAIT_NONE] = "none",        [SIM_WAIT_PPOLL] = "ppoll",
        [SIM_WAIT_MUTEX] = "mutex",      [SIM_WAIT_COND] = "cond",
        [SIM_WAIT_SLEEP] = "sleep",      [SIM_WAIT_JOIN] = "join",
        [SIM_WAIT_URING] = "uring-wait", [SIM_WAIT_FUTEX] = "futex",
    };
    return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

void sim_stop(sim_world_t *w, sim_result_t r, const char *msg)
{
    if (w->stopping)
        return;
    w->stopping = true;
    w->result = r;
    free(w->message);
    w->message = strdup(msg ? msg : "");
}

/* ---- leaving a fiber ---- */

/* Not declared _Noreturn on purpose: ASan instruments every call to a
 * noreturn function with __asan_handle_no_return, which makes a sigaltstack
 * system call; a thread exit must cost no syscall.  It does not return. */
static void thread_die(sim_world_t *w, sim_thread_t *t)
{
    if (t->state == SIM_T_RUNNABLE)
        w->n_runnable--;
    if (t->state != SIM_T_EXITED && !t->daemon)
        w->live_nondaemon--;
    t->state = SIM_T_EXITED;
    sim_fiber_exit(&t->fiber, &w->host);
}

/* Switches from thread t to the host; returns when t is resumed, unless the
 * run is ending, in which case t is unwound here. */
static void to_host(sim_world_t *w, sim_thread_t *t)
{
    if (t->plain_addr)
        sim_memory_settle(w, t); /* nobody else may see it unbuffered */
    sim_fiber_switch(&t->fiber, &w->host);
    if (t->killed)
        thread_die(w, t);
}

/* A thread that notices the run is ending waits in the host to be unwound. */
static void park_if_stopping(sim_world_t *w, sim_thread_t *t)
{
    while (w->stopping) {
        w->next = NULL;
        to_host(w, t);
    }
}

/* ---- scheduling points ---- */

/* Work done at every scheduling point, whoever runs: virtual time, timers,
 * limits, the higher layers' hooks (ring observation). */
static void step(sim_world_t *w)
{
    w->steps++;
    if (w->opt.max_steps && w->steps > w->opt.max_steps) {
        sim_stop(w, SIM_RESULT_STEP_LIMIT, "step limit reached");
        return;
    }
    w->now += w->opt.ns_per_step;
    if (w->opt.max_time_ns > 0 && w->now > w->opt.max_time_ns) {
        sim_stop(w, SIM_RESULT_TIME_LIMIT, "virtual time limit reached");
        return;
    }
    if (w->n_timers && w->timers[0].when <= w->now)
        sim_timers_fire_due(w);
    for (unsigned i = 0; i < w->n_step_hooks; i++)
        w->step_hooks[i](w);
    sim_decide_step(w);
    sim_hold_step(w);
}

/* The scheduling point itself.  Buffered stores (tso, pso, arm) are the other
 * threads' and, for a seam access, the caller's own: committing one of them
 * is a decision taken here, before the thread decision, and only when
 * another thread could observe it now (at least two runnable threads). */
static void sched_point(sim_world_t *w, sim_thread_t *t, const sim_site_t *site)
{
    if (t->plain_addr)
        sim_memory_settle(w, t); /* before timers, the kernel, other threads */
    step(w);
    park_if_stopping(w, t);
    if (w->n_runnable <= 1)
        return;     /* fast path: no decision */
    w->site = site; /* what the decisions taken here are keyed to */
    if (w->mem && sim_memory_pending(w)) {
        sim_memory_commit_choice(w);
        park_if_stopping(w, t); /* a replay may have failed */
    }
    sim_thread_t *next = sim_fair_starved(w);
    if (!next) {
        next = sim_decide_thread(w);
        park_if_stopping(w, t); /* a replay may have failed */
    }
    if (next == t)
        return;
    w->next = next;
    sim_fair_ready(w, t);
    to_host(w, t);
    park_if_stopping(w, t);
}

/* Every scheduling point that is not a seam access (system calls, locks,
 * thread operations, sim_yield) drains the caller's store buffer: a real
 * CPU's system call, lock and unlock are serializing.  The drain follows the
 * point because the point stands for the time before the call: other
 * threads may still run (and see memory without these stores) there.  Calls
 * that publish something before their point drain explicitly (mutex unlock,
 * thread creation, waking a thread). */
void sim_sched_point_at(const sim_site_t *site)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current)
        return; /* outside a run, or on the host */
    sched_point(w, w->current, site);
    if (w->mem)
        sim_memory_drain(w, w->current);
}

void sim_sched_point(void)
{
    static const sim_site_t point = { NULL, "point", NULL };
    sim_sched_point_at(&point);
}

/* The scheduling point of a seam access (memory.c): no drain. */
void sim_mem_sched_point(const sim_site_t *site)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current)
        return;
    sched_point(w, w->current, site);
}

void sim_yield(void)
{
    static const sim_site_t yield = { NULL, "yield", NULL };
    sim_sched_point_at(&yield);
}

void sim_yield_to_others(void)
{
    sim_world_t *w = sim__current_world;
    if (w)
        sim_decide_yielded(w);
    sim_yield();
}

/* ---- blocking ---- */

static void block_timeout(sim_world_t *w, void *obj, uint64_t gen)
{
    sim_thread_t *t = obj;
    if (t->state == SIM_T_BLOCKED && t->wait_gen == (uint32_t)gen)
        sim_wake(w, t, -ETIMEDOUT);
}

int sim_block(sim_world_t *w, sim_wait_kind_t kind, const void *obj, uint64_t arg,
              int64_t deadline)
{
    return sim_block_described(w, kind, obj, arg, deadline, NULL);
}

int sim_block_described(sim_world_t *w, sim_wait_kind_t kind, const void *obj, uint64_t arg,
                        int64_t deadline, sim_wait_describe_fn *describe)
{
    sim_thread_t *t = w->current;
    if (!t)
        return -EDEADLK; /* the host never blocks */
    if (w->mem)
        sim_memory_drain(w, t); /* a blocked thread buffers nothing */
    park_if_stopping(w, t);
    t->state = SIM_T_BLOCKED;
    w->n_runnable--;
    t->wait = kind;
    t->wait_obj = obj;
    t->wait_arg = arg;
    t->wait_describe = describe;
    t->wait_seq = ++w->wait_seq;
    t->wake_res = 0;
    sim_emit(w, SIM_EV_THREAD_BLOCK, t->id, 0, kind, deadline, sim_wait_kind_name(kind));
    if (deadline >= 0)
        sim_timer_add(w, deadline, block_timeout, t, t->wait_gen);
    w->next = NULL;
    to_host(w, t);
    park_if_stopping(w, t);
    return t->wake_res;
}

void sim_wake(sim_world_t *w, sim_thread_t *t, int res)
{
    if (t->state != SIM_T_BLOCKED)
        return;
    if (w->mem && w->current && !w->kernel_acting)
        sim_memory_drain(w, w->current); /* the waker's stores come first */
    t->state = SIM_T_RUNNABLE;
    w->n_runnable++;
    t->wake_res = res;
    t->wait = SIM_WAIT_NONE;
    t->wait_obj = NULL;
    t->wait_describe = NULL;
    t->wait_gen++;
    sim_fair_ready(w, t);
    sim_emit(w, SIM_EV_THREAD_WAKE, t->id, 0, res, 0, t->name);
    if (w->kernel_acting || !w->current)
        sim_thread_clock_anchor(t); /* woken when the clock said so */
}

void sim_thread_clock_anchor(sim_thread_t *t)
{
    t->clock_anchors++;
    t->prog_events = t->n_events;
}

int sim_wake_all(sim_world_t *w, sim_wait_kind_t kind, const void *obj)
{
    int n = 0;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state == SIM_T_BLOCKED && t->wait == kind && t->wait_obj == obj) {
            sim_wake(w, t, 0);
            n++;
        }
    }
    return n;
}

/* ---- threads ---- */

/* Does not return (see thread_die). */
static void thread_finish(sim_world_t *w, sim_thread_t *t, void *ret)
{
    t->ret = ret;
    if (t->plain_addr)
        sim_memory_settle(w, t);
    if (sim_memory_thread_pending(w, t)) {
        /* Exit is a system call: others may run before it, then it drains.
         * (Only with stores buffered, so that sc runs take no extra point.) */
        static const sim_site_t exit_site = { NULL, "thread_exit", NULL };
        sched_point(w, t, &exit_site);
        sim_memory_drain(w, t);
    }
    sim_emit(w, SIM_EV_THREAD_EXIT, t->id, 0, 0, 0, t->name);
    sim_wake_all(w, SIM_WAIT_JOIN, t);
    thread_die(w, t);
}

static void thread_entry(void *arg)
{
    sim_thread_t *t = arg;
    void *ret = t->fn(t->arg);
    thread_finish(t->w, t, ret);
}

static sim_thread_t *thread_new(sim_world_t *w, const char *name, sim_thread_fn_t *fn,
                                void *arg)
{
    sim_thread_t *t = calloc(1, sizeof(*t));
    if (!t || sim_fiber_create(&t->fiber, &w->host, thread_entry, t) < 0)
        sim_fatal("out of memory creating thread %s", name);
    sim_grow((void **)&w->threads, &w->cap_threads, (size_t)w->n_threads + 1,
             sizeof(*w->threads));
    w->threads[w->n_threads++] = t;
    t->w = w;
    t->id = w->n_threads;
    snprintf(t->name, sizeof(t->name), "%s", name ? name : "thread");
    t->fn = fn;
    t->arg = arg;
    t->state = SIM_T_RUNNABLE;
    w->n_runnable++;
    w->live_nondaemon++;
    sim_fair_ready(w, t);
    sim_decide_thread_created(w, t);
    sim_emit(w, SIM_EV_THREAD_START, t->id, 0, 0, 0, t->name);
    return t;
}

sim_thread_t *sim_thread_spawn(sim_world_t *w, const char *name, sim_thread_fn_t *fn,
                               void *arg)
{
    if (!w || !w->running)
        sim_fatal("sim_thread_spawn outside a run");
    return thread_new(w, name, fn, arg);
}

sim_thread_t *sim_thread_create(sim_world_t *w, const char *name, sim_thread_fn_t *fn,
                                void *arg)
{
    if (!w || !w->running)
        sim_fatal("sim_thread_create outside a run");
    if (w->mem && w->current)
        sim_memory_drain(w, w->current); /* the child sees its creator's stores */
    sim_thread_t *t = thread_new(w, name, fn, arg);
    static const sim_site_t create_site = { NULL, "thread_create", NULL };
    sim_sched_point_at(&create_site);
    return t;
}

void *sim_thread_join(sim_thread_t *t)
{
    sim_world_t *w = t->w;
    static const sim_site_t join_site = { NULL, "thread_join", NULL };
    sim_sched_point_at(&join_site);
    while (t->state != SIM_T_EXITED) {
        if (sim_block(w, SIM_WAIT_JOIN, t, 0, -1) == -EDEADLK)
            return NULL;
    }
    return t->ret;
}

_Noreturn void sim_thread_exit(void *retval)
{
    sim_world_t *w = sim__current_world;
    if (!w || !w->current)
        sim_fatal("sim_thread_exit outside a simulated thread");
    thread_finish(w, w->current, retval);
    __builtin_unreachable();
}

sim_thread_t *sim_thread_self(void)
{
    sim_world_t *w = sim__current_world;
    return w ? w->current : NULL;
}

const char *sim_thread_name(const sim_thread_t *t)
{
    return t ? t->name : "kernel";
}

int sim_thread_id(const sim_thread_t *t)
{
    return t ? t->id : 0;
}

void sim_thread_set_daemon(sim_thread_t *t, bool daemon)
{
    if (t->daemon == daemon || t->state == SIM_T_EXITED) {
        t->daemon = daemon;
        return;
    }
    t->daemon = daemon;
    t->w->live_nondaemon += daemon ? -1 : 1;
}

/* ---- the host loop ---- */

static void resume(sim_world_t *w, sim_thread_t *t)
{
    w->current = t;
    w->last_run = t;
    t->started = true;
    sim_fiber_switch(&w->host, &t->fiber);
    w->current = NULL;
    if (t->state == SIM_T_EXITED)
        sim_fiber_release(&t->fiber);
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
    size_t n = strlen(s);
    sim_grow((void **)buf, cap, *len + n + 1, 1);
    memcpy(*buf + *len, s, n + 1);
    *len += n;
}

/* " name: state;" for one thread: what a blocked thread waits for. */
static void describe_thread(const sim_thread_t *t, char *item, size_t size)
{
    const char *d = t->daemon ? " (daemon)" : "";
    if (t->state == SIM_T_RUNNABLE)
        snprintf(item, size, " %s%s: runnable;", t->name, d);
    else if (t->wait == SIM_WAIT_JOIN)
        snprintf(item, size, " %s%s: join(%s);", t->name, d,
                 ((const sim_thread_t *)t->wait_obj)->name);
    else {
        char what[112]; /* fits item[160] after the longest name */
        if (t->wait_describe)
            t->wait_describe(t, what, sizeof(what));
        else
            snprintf(what, sizeof(what), "%s", sim_wait_kind_name(t->wait));
        snprintf(item, size, " %s%s: %s;", t->name, d, what);
    }
}

char *sim_world_thread_states(const sim_world_t *w)
{
    char *buf = NULL, item[160];
    size_t len = 0, cap = 0;
    append(&buf, &len, &cap, "threads:");
    for (int i = 0; i < w->n_threads; i++) {
        if (w->threads[i]->state == SIM_T_EXITED)
            continue;
        describe_thread(w->threads[i], item, sizeof(item));
        append(&buf, &len, &cap, item);
    }
    return buf;
}

int sim_world_live_threads(const sim_world_t *w)
{
    int n = 0;
    for (int i = 0; i < w->n_threads; i++) {
        n += w->threads[i]->state != SIM_T_EXITED;
    }
    return n;
}

/* "name: what it waits for; ..." for every blocked thread. */
static void report_deadlock(sim_world_t *w)
{
    char *buf = NULL, item[160];
    size_t len = 0, cap = 0;
    append(&buf, &len, &cap, "all threads blocked, nothing pending:");
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state != SIM_T_BLOCKED)
            continue;
        describe_thread(t, item, sizeof(item));
        append(&buf, &len, &cap, item);
    }
    sim_emit(w, SIM_EV_DEADLOCK, 0, 0, 0, 0, buf);
    sim_stop(w, SIM_RESULT_DEADLOCK, buf);
    free(buf);
}

/* Nobody can run: jump to the next deadline.  False if there is none. */
static bool advance_idle(sim_world_t *w)
{
    int64_t when;
    if (!sim_timer_next(w, &when))
        return false;
    if (w->opt.max_time_ns > 0 && when > w->opt.max_time_ns) {
        w->now = w->opt.max_time_ns;
        sim_stop(w, SIM_RESULT_TIME_LIMIT, "virtual time limit reached");
        return true;
    }
    if (when > w->now)
        w->now = when;
    sim_timers_fire_due(w);
    return true;
}

static void unwind_all(sim_world_t *w)
{
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state == SIM_T_EXITED)
            continue;
        if (!t->started) {
            /* Never ran: no frames, no fake stack; just retire it. */
            if (t->state == SIM_T_RUNNABLE)
                w->n_runnable--;
            if (!t->daemon)
                w->live_nondaemon--;
            t->state = SIM_T_EXITED;
            sim_fiber_release(&t->fiber);
            continue;
        }
        t->killed = true;
        resume(w, t);
    }
}

/* The site of a pick the host makes because no thread named the next one:
 * after the last thread to run blocked (by what it waits for), exited, or
 * at the start.  Keyed decisions name it like any scheduling point. */
static const sim_site_t *host_pick_site(const sim_thread_t *last)
{
    static const sim_site_t start = { NULL, "start", NULL };
    static const sim_site_t exited = { NULL, "after_exit", NULL };
    static const sim_site_t other = { NULL, "host_pick", NULL };
    static const sim_site_t blocked[] = {
        [SIM_WAIT_NONE] = { NULL, "after_block", "none" },
        [SIM_WAIT_PPOLL] = { NULL, "after_block", "ppoll" },
        [SIM_WAIT_MUTEX] = { NULL, "after_block", "mutex" },
        [SIM_WAIT_COND] = { NULL, "after_block", "cond" },
        [SIM_WAIT_SLEEP] = { NULL, "after_block", "sleep" },
        [SIM_WAIT_JOIN] = { NULL, "after_block", "join" },
        [SIM_WAIT_URING] = { NULL, "after_block", "uring_wait" },
        [SIM_WAIT_FUTEX] = { NULL, "after_block", "futex" },
    };
    if (!last)
        return &start;
    if (last->state == SIM_T_EXITED)
        return &exited;
    if (last->state == SIM_T_BLOCKED &&
        (unsigned)last->wait < sizeof(blocked) / sizeof(blocked[0]))
        return &blocked[last->wait];
    return &other;
}

sim_result_t sim_sched_run(sim_world_t *w, sim_thread_fn_t *entry, void *arg)
{
    thread_new(w, "main", entry, arg);
    while (!w->stopping) {
        if (w->live_nondaemon == 0) {
            sim_stop(w, SIM_RESULT_OK, NULL);
            break;
        }
        if (w->n_runnable == 0) {
            if (!advance_idle(w))
                report_deadlock(w);
            continue;
        }
        sim_thread_t *t = w->next;
        w->next = NULL;
        if (!t || t->state != SIM_T_RUNNABLE) {
            w->site = host_pick_site(w->last_run);
            t = sim_fair_starved(w);
            if (!t && w->n_runnable > 1)
                t = sim_decide_thread(w);
        }
        if (!t) {
            for (int i = 0; i < w->n_threads && !t; i++)
                if (w->threads[i]->state == SIM_T_RUNNABLE)
                    t = w->threads[i];
        }
        if (w->stopping)
            break;
        resume(w, t);
    }
    /* Cleanups (sim_defer) see every store: commit what is still buffered. */
    sim_memory_drain_all(w);
    unwind_all(w);
    return w->result;
}

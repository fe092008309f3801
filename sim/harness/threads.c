/*
 * threads.c - the loop threads' life cycle (see threads.h).
 *
 * Shutdown: main writes a loop's stop eventfd, whose fd handler (on the
 * loop's own thread) sets its flag.  A bare notify would not do: the
 * GSource prepare does not read "notified", so a notify that lands before
 * the loop raises notify_me is lost unless there is work to see (QEMU pairs
 * every notify with work).  And main never touches a context another thread
 * may be freeing.
 *
 * The order of the calls below is part of every recorded run (each loop
 * call may be a scheduling point): reproducers replay only if it stays.
 */
#include "threads.h"
#include "hygiene.h"
#include "invariant.h"

static const char *const loop_names[WK_LOOP_N] = { "main-loop", "iothread" };

void wk_loops_init(wk_loops_t *l, const wk_target_ops_t *ops, const scn_t *scn,
                   sim_world_t *w, wk_monitor_t *mon)
{
    l->ops = ops;
    l->scn = scn;
    l->w = w;
    l->mon = mon;
    for (int i = 0; i < WK_LOOP_N; i++) {
        l->stop_fd[i] = -1;
        l->backend[i] = (int)scn->backend;
    }
}

void wk_loops_begin(wk_loops_t *l)
{
    if (l->name_objects && l->ops->name_run_objects) {
        l->ops->name_run_objects();
    }
    l->ops->run_begin();
    sim_name_forget_pending(); /* a name the target's run_begin left unused */
    if (l->name_objects) {
        sim_name_next(SIM_OBJ_MUTEX, "machine lock");
    }
    os_mutex_init(&l->lock);
    sim_cond_init(&l->cond);
}

void wk_loops_open_stop_fds(wk_loops_t *l)
{
    for (int i = 0; i < WK_LOOP_N; i++) {
        if (l->name_objects) {
            char name[32];
            g_snprintf(name, sizeof(name), "%s stop", loop_names[i]);
            sim_name_next(SIM_OBJ_EVENTFD, name);
        }
        l->stop_fd[i] = os_eventfd_new();
    }
}

static void signal_ready(wk_loops_t *l, int which)
{
    os_mutex_lock(&l->lock);
    l->ready[which] = true;
    sim_cond_broadcast(&l->cond);
    os_mutex_unlock(&l->lock);
}

static void wait_ready(wk_loops_t *l, int which)
{
    os_mutex_lock(&l->lock);
    while (!l->ready[which]) {
        sim_cond_wait(&l->cond, (struct os_mutex *)&l->lock);
    }
    os_mutex_unlock(&l->lock);
}

static wk_ctx_t *context_new_or_fail(wk_loops_t *l, int which)
{
    int err = 0;
    if (l->name_objects && l->ops->name_context_objects) {
        l->ops->name_context_objects(which == WK_LOOP_MAIN);
    }
    wk_ctx_t *ctx = l->ops->context_new(l->backend[which], l->scn->ring_entries, &err);
    sim_name_forget_pending(); /* the ppoll back end has no ring */
    if (!ctx) {
        wk_monitor_violation(l->mon, l->w, WK_INV_HYGIENE, "aio_context_new failed: %s",
                             g_strerror(-err));
    }
    return ctx;
}

static void stop_read(void *opaque)
{
    bool *flag = opaque;
    *flag = true;
}

static void idle_timer_fire(void *opaque)
{
    wk_loops_t *l = opaque;
    l->ops->timer_mod_ns(l->idle_timer, l->ops->clock_ns() + l->scn->main_timer_ns);
}

static void call_hook(wk_loops_t *l, void (*hook)(void *, int, wk_ctx_t *), int which)
{
    if (hook) {
        hook(l->opaque, which, l->ctx[which]);
    }
}

/* The end of a loop thread, its loop stopped: what it registered goes, the
 * target looks for leftovers, the context is freed. */
static void loop_teardown(wk_loops_t *l, int which)
{
    wk_ctx_t *ctx = l->ctx[which];
    l->ops->set_fd_handler(ctx, l->stop_fd[which], NULL, NULL);
    call_hook(l, l->hooks.detach, which);
    if (which == WK_LOOP_MAIN) {
        l->ops->timer_free(l->idle_timer);
        l->idle_timer = NULL;
    }
    if (l->ops->check_leftovers) {
        l->ops->check_leftovers(ctx, l->mon, l->w, loop_names[which]);
    }
    call_hook(l, l->hooks.checked, which);
    l->ops->context_free(ctx);
    l->ctx[which] = NULL;
}

static void main_loop_setup(wk_loops_t *l, wk_ctx_t *ctx)
{
    l->ml = l->ops->main_loop_new(ctx);
    if (l->scn->main_timer_ns) {
        l->idle_timer = l->ops->timer_new(ctx, idle_timer_fire, l);
        l->ops->timer_mod_ns(l->idle_timer, l->ops->clock_ns() + l->scn->main_timer_ns);
    }
}

static void *main_loop_main(void *arg)
{
    wk_loops_t *l = arg;
    if (l->tell_monitor_main_loop) {
        /* The monitor knows the main loop by thread id, set before it can poll. */
        l->mon->main_loop_tid = sim_thread_id(sim_thread_self());
    }
    wk_ctx_t *ctx = context_new_or_fail(l, WK_LOOP_MAIN);
    if (!ctx) {
        signal_ready(l, WK_LOOP_MAIN);
        return NULL;
    }
    l->ctx[WK_LOOP_MAIN] = ctx;
    main_loop_setup(l, ctx);
    call_hook(l, l->hooks.attach, WK_LOOP_MAIN);
    l->ops->set_fd_handler(ctx, l->stop_fd[WK_LOOP_MAIN], stop_read,
                           &l->stop[WK_LOOP_MAIN]);
    l->ops->bql_lock();
    signal_ready(l, WK_LOOP_MAIN);
    while (!l->stop[WK_LOOP_MAIN]) {
        wk_stop_if_livelocked(l->mon, l->w);
        if (l->hooks.iterate) {
            l->hooks.iterate(l->opaque);
        }
        l->ops->main_loop_wait(l->ml);
    }
    loop_teardown(l, WK_LOOP_MAIN);
    l->ops->main_loop_free(l->ml);
    l->ml = NULL;
    l->ops->main_context_clear();
    l->ops->bql_unlock();
    return NULL;
}

static void *iothread_main(void *arg)
{
    wk_loops_t *l = arg;
    wk_ctx_t *ctx = context_new_or_fail(l, WK_LOOP_IO);
    if (!ctx) {
        signal_ready(l, WK_LOOP_IO);
        return NULL;
    }
    l->ctx[WK_LOOP_IO] = ctx;
    l->ops->thread_context_set(ctx);
    if (scn_polls(l->scn)) {
        /* As QEMU's iothread_init() does, before the loop starts. */
        l->ops->context_set_poll_params(ctx, l->scn->poll_max_ns, l->scn->poll_grow,
                                        l->scn->poll_shrink);
    }
    call_hook(l, l->hooks.attach, WK_LOOP_IO);
    l->ops->set_fd_handler(ctx, l->stop_fd[WK_LOOP_IO], stop_read, &l->stop[WK_LOOP_IO]);
    signal_ready(l, WK_LOOP_IO);
    while (!l->stop[WK_LOOP_IO]) {
        l->ops->poll(ctx, true);
    }
    loop_teardown(l, WK_LOOP_IO);
    l->ops->thread_context_set(NULL);
    return NULL;
}

bool wk_loops_start(wk_loops_t *l, bool with_iothread)
{
    static void *(*const bodies[WK_LOOP_N])(void *) = { main_loop_main, iothread_main };
    for (int i = 0; i < WK_LOOP_N; i++) {
        if (i == WK_LOOP_IO && !with_iothread) {
            break;
        }
        l->thread[i] = sim_thread_create(l->w, loop_names[i], bodies[i], l);
        wait_ready(l, i);
    }
    return l->ctx[WK_LOOP_MAIN] != NULL;
}

void wk_loops_stop(wk_loops_t *l)
{
    for (int i = WK_LOOP_N; i-- > 0;) {
        if (l->thread[i]) {
            os_eventfd_signal(l->stop_fd[i]);
            sim_thread_join(l->thread[i]);
            l->thread[i] = NULL;
        }
    }
}

void wk_loops_free_contexts(wk_loops_t *l)
{
    l->ops->timer_free(l->idle_timer);
    l->idle_timer = NULL;
    if (l->ctx[WK_LOOP_IO]) {
        l->ops->context_free(l->ctx[WK_LOOP_IO]);
        l->ctx[WK_LOOP_IO] = NULL;
    }
    if (l->ctx[WK_LOOP_MAIN]) {
        l->ops->context_free(l->ctx[WK_LOOP_MAIN]);
        l->ops->main_loop_free(l->ml);
        l->ctx[WK_LOOP_MAIN] = NULL;
        l->ml = NULL;
    }
}

void wk_loops_close(wk_loops_t *l)
{
    for (int i = 0; i < WK_LOOP_N; i++) {
        if (l->stop_fd[i] >= 0) {
            os_fd_close(l->stop_fd[i]);
            l->stop_fd[i] = -1;
        }
    }
    l->ops->run_end();
}

static const wk_target_op_t needed_ops[] = {
    WK_TARGET_OP(run_begin),          WK_TARGET_OP(run_end),
    WK_TARGET_OP(context_new),        WK_TARGET_OP(context_free),
    WK_TARGET_OP(thread_context_set), WK_TARGET_OP(main_context_clear),
    WK_TARGET_OP(main_loop_new),      WK_TARGET_OP(main_loop_wait),
    WK_TARGET_OP(main_loop_free),     WK_TARGET_OP(poll),
    WK_TARGET_OP(set_fd_handler),     WK_TARGET_OP(timer_new),
    WK_TARGET_OP(timer_mod_ns),       WK_TARGET_OP(timer_free),
    WK_TARGET_OP(clock_ns),           WK_TARGET_OP(bql_lock),
    WK_TARGET_OP(bql_unlock),
};

const char *wk_loops_missing_op(const wk_target_ops_t *ops)
{
    return wk_target_first_missing(ops, needed_ops, G_N_ELEMENTS(needed_ops));
}

void wk_threads_run_all(sim_world_t *w, unsigned n, const char *const *names,
                        void *(*fn)(void *), void *const *args)
{
    sim_thread_t *threads[n ? n : 1];
    for (unsigned i = 0; i < n; i++) {
        threads[i] = sim_thread_create(w, names[i], fn, args[i]);
    }
    for (unsigned i = 0; i < n; i++) {
        sim_thread_join(threads[i]);
    }
}

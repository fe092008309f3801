/*
 * threads.h - the life cycle of a workload's loop threads, shared by the
 * scenario machine (machine.c) and the generated workload (genload.c):
 *
 *   main-loop  the target's main context on a GMainContext, the BQL held
 *              except around the poll, plus the scenario's idle timer;
 *   iothread   (optional) its own context, poll(ctx, true).
 *
 * Each loop thread creates its context (a failure is a hygiene violation,
 * and the thread still says it is ready, so the run's main thread never
 * waits for a loop that will not come), signals ready, loops until its stop
 * eventfd fires, removes what it registered, has the target check its
 * context for leftovers, and frees it.  A workload adds its own objects to
 * a context through the hooks, on the loop's own thread.
 *
 * Every loop call goes through the target's ops (target.h).
 */
#ifndef WAKESIM_THREADS_H
#define WAKESIM_THREADS_H

#include "aio-os.h"
#include "monitor.h"
#include "scenario.h"
#include "target.h"

enum { WK_LOOP_MAIN, WK_LOOP_IO, WK_LOOP_N };

/* Each hook is optional; which is WK_LOOP_MAIN or WK_LOOP_IO. */
typedef struct wk_loop_hooks {
    /* The context is up; before the stop handler and the ready signal. */
    void (*attach)(void *opaque, int which, wk_ctx_t *ctx);
    /* The loop stopped and its stop handler is gone; before the idle
     * timer is freed and the hygiene check. */
    void (*detach)(void *opaque, int which, wk_ctx_t *ctx);
    /* After the hygiene check, before the context is freed. */
    void (*checked)(void *opaque, int which, wk_ctx_t *ctx);
    /* Main loop only: before each iteration, on its thread with the BQL
     * held (where vl.c's main_loop_should_exit() looks at its flags). */
    void (*iterate)(void *opaque);
} wk_loop_hooks_t;

typedef struct wk_loops {
    /* Set by wk_loops_init. */
    const wk_target_ops_t *ops;
    const scn_t *scn;
    sim_world_t *w;
    wk_monitor_t *mon;
    wk_loop_hooks_t hooks;
    void *opaque; /* passed to the hooks */
    /* Name the readiness lock, the stop eventfds and the contexts' objects
     * for reports, and tell the monitor which thread is the main loop. */
    bool name_objects;
    bool tell_monitor_main_loop;

    os_mutex_t lock; /* readiness */
    sim_cond_t cond;
    bool ready[WK_LOOP_N];
    int stop_fd[WK_LOOP_N]; /* -1 until opened */
    bool stop[WK_LOOP_N];   /* set by the stop fd's handler, on the loop's thread */
    wk_ctx_t *ctx[WK_LOOP_N];
    /* The back end each context is created with (aio_backend_t values):
     * the scenario's unless the workload draws its own before the start. */
    int backend[WK_LOOP_N];
    sim_thread_t *thread[WK_LOOP_N];
    wk_main_loop_t *ml;
    wk_timer_t *idle_timer;
} wk_loops_t;

/* On the host, before the run. */
void wk_loops_init(wk_loops_t *l, const wk_target_ops_t *ops, const scn_t *scn,
                   sim_world_t *w, wk_monitor_t *mon);

/* On the run's main thread, first: the target's per-run state (its BQL),
 * then the readiness lock. */
void wk_loops_begin(wk_loops_t *l);
/* Creates the stop eventfds (their fd numbers follow the workload's own). */
void wk_loops_open_stop_fds(wk_loops_t *l);
/* Starts main-loop, then (with_iothread) the iothread, each waited for
 * until ready.  Returns whether the main context is up; ctx[WK_LOOP_IO] is
 * NULL when the iothread's context could not be created. */
bool wk_loops_start(wk_loops_t *l, bool with_iothread);
/* Stops and joins the iothread, then main-loop. */
void wk_loops_stop(wk_loops_t *l);

/* sim_defer side, on the host after the run: frees the idle timer and
 * the contexts that cut-short threads left; then, after the workload freed
 * its own objects, closes the stop fds and ends the target's run. */
void wk_loops_free_contexts(wk_loops_t *l);
void wk_loops_close(wk_loops_t *l);

/* The first operation the loop threads need that ops lacks, or NULL. */
const char *wk_loops_missing_op(const wk_target_ops_t *ops);

/* Starts one simulated thread per name (fn(args[i])) and joins them all. */
void wk_threads_run_all(sim_world_t *w, unsigned n, const char *const *names,
                        void *(*fn)(void *), void *const *args);

#endif

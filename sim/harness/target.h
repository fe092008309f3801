/*
 * target.h - the event loop a workload drives, as a small ops table: create
 * a context, attach it to glib, bottom halves, timers, fd handlers, an SQE
 * with a CQE handler, the BQL and the current-context rule.  The scenario
 * machine (machine.c), the generated workload (genload.c) and their loop
 * threads (threads.c) only talk to a target through this table, so the
 * same workloads drive loop/ (targets/loop/target-loop.c) and QEMU's own
 * util/ code (targets/qemu/target-qemu.c, built when a QEMU tree is
 * configured).
 *
 * Handles are opaque: each target casts them to its own types.  An
 * operation a target lacks is NULL; each workload lists the operations it
 * needs (WK_TARGET_OP), and a run asking a target for one it lacks is
 * refused before it starts (wk_machine_check_target).
 */
#ifndef WAKESIM_TARGET_H
#define WAKESIM_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct sim_world;
struct wk_monitor_s;
typedef struct wk_ctx wk_ctx_t;
typedef struct wk_main_loop wk_main_loop_t;
typedef struct wk_timer wk_timer_t;
typedef struct wk_bh wk_bh_t;
typedef struct wk_co wk_co_t;
typedef struct wk_co_mutex wk_co_mutex_t;
typedef struct wk_iothread wk_iothread_t;
typedef void wk_cb_t(void *opaque);
typedef void wk_done_t(void *opaque, ssize_t ret);
typedef int wk_pool_fn_t(void *arg);
typedef void wk_pool_done_t(void *opaque, int ret);

typedef struct wk_target_ops {
    const char *name; /* "loop", "qemu": what scenarios list */
    /* A build-time mutation baked into this target ("" for none). */
    const char *build_mutation;
    /* The code this target was built from, for reproducers ("" when it is
     * this build's own, loop/): QEMU's version and a hash of its files as
     * compiled (targets/qemu/identity.cmake). */
    const char *build_identity;

    /* Per run: set up and tear down process-wide state of the target (its
     * BQL, ...).  run_end runs on the host after every thread is unwound. */
    void (*run_begin)(void);
    /* Optional: names, for reports, the simulated objects the next
     * run_begin creates (sim_name_next). */
    void (*name_run_objects)(void);
    void (*run_end)(void);

    /* Contexts.  backend is the scenario's (loop/'s aio_backend_t values),
     * ring_entries its ring size; a target may have fixed ones.  Returns
     * NULL and -errno in *err on failure. */
    wk_ctx_t *(*context_new)(int backend, unsigned ring_entries, int *err);
    void (*context_free)(wk_ctx_t *ctx);
    /* Optional: names, for reports, the simulated objects the next
     * context_new creates (sim_name_next, in creation order), when the
     * target knows that order. */
    void (*name_context_objects)(bool main_ctx);
    /* Optional: the end-of-run hygiene check of a context before it is
     * freed (owner names it in the report); NULL leaves leftovers to the
     * loop-agnostic monitors. */
    void (*check_leftovers)(wk_ctx_t *ctx, struct wk_monitor_s *mon, struct sim_world *w,
                            const char *owner);
    bool (*context_has_sqe)(wk_ctx_t *ctx);
    /* Optional (needed by a scenario that sets poll-max-ns, poll-grow or
     * poll-shrink): the context's adaptive-polling parameters, QEMU's
     * aio_context_set_poll_params(); called on its home thread. */
    void (*context_set_poll_params)(wk_ctx_t *ctx, int64_t max_ns, int64_t grow,
                                    int64_t shrink);
    /* The current-context rule: the calling thread's home context, else the
     * main context for a BQL holder, else NULL. */
    wk_ctx_t *(*current_context)(void);
    /* Makes ctx the calling thread's home context (an iothread). */
    void (*thread_context_set)(wk_ctx_t *ctx);
    /* Forgets the main context at the end of a run. */
    void (*main_context_clear)(void);

    /* glib: a GMainContext with ctx attached; one iteration with the BQL
     * released around the poll; main_loop_free after context_free. */
    wk_main_loop_t *(*main_loop_new)(wk_ctx_t *ctx);
    void (*main_loop_wait)(wk_main_loop_t *ml);
    void (*main_loop_free)(wk_main_loop_t *ml);
    /* aio_poll(ctx, blocking) from the context's home thread or a BQL
     * holder on the main context. */
    bool (*poll)(wk_ctx_t *ctx, bool blocking);
    /* Whether poll(ctx, true) from a CQE handler may block although the
     * handlers of CQEs reaped in the same batch have not run yet (QEMU
     * 10.2.2: aio_poll's timeout ignores ctx->cqe_handler_ready_list, which
     * only the dispatch after the wait runs; docs/qemu.md).  A caller
     * waiting for such a sibling polls with blocking false first. */
    bool blocking_poll_skips_reaped_cqes;

    /* io_read NULL removes fd's handler. */
    void (*set_fd_handler)(wk_ctx_t *ctx, int fd, wk_cb_t *io_read, void *opaque);
    void (*bh_schedule_oneshot)(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque);
    /* A reusable bottom half of ctx, run on ctx's home thread. */
    wk_bh_t *(*bh_new)(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque);
    void (*bh_schedule)(wk_bh_t *bh);
    void (*bh_cancel)(wk_bh_t *bh);
    /* Hands bh to its context, which frees it; may be a scheduling point. */
    void (*bh_delete)(wk_bh_t *bh);
    /* On the host after a cut-short run: frees a BH that was never deleted,
     * once its context is freed (which unlinked it). */
    void (*bh_free_after_context)(wk_bh_t *bh);
    wk_timer_t *(*timer_new)(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque);
    void (*timer_mod_ns)(wk_timer_t *t, int64_t expire_ns);
    void (*timer_del)(wk_timer_t *t);
    void (*timer_free)(wk_timer_t *t); /* NULL is allowed */
    int64_t (*clock_ns)(void);
    /* Reads len bytes at offset of a block device fd through an SQE on the
     * current context's ring; done(opaque, res) runs from its CQE handler.
     * Returns 0, -EPERM when the caller has no current context, -ENOTSUP
     * when that context has no ring, or another -errno. */
    int (*blk_read)(int fd, void *buf, size_t len, uint64_t offset, wk_done_t *done,
                    void *opaque);

    void (*bql_lock)(void);
    void (*bql_unlock)(void);

    /* ---- QEMU's wider surface: optional, NULL in loop/ (a workload that
     * needs them lists them, and is refused elsewhere) ---- */
    /* thread_pool_submit_aio() on the calling thread's current context (an
     * iothread's own, or main for a BQL holder): fn(arg) runs on one of the
     * context's pool workers, done(opaque, fn's result) later from the
     * pool's completion BH on the context's home thread (or a BQL holder
     * polling main).  -EPERM without a current context. */
    int (*pool_submit)(wk_pool_fn_t *fn, void *arg, wk_pool_done_t *done, void *opaque);
    /* AIO_WAIT_WHILE(ctx, !*flag): ctx's home thread, or a BQL holder with
     * ctx the main context or NULL.  *flag is read atomically. */
    void (*wait_while_unset)(wk_ctx_t *ctx, int *flag);
    /* *flag = 1 (an atomic store), then aio_wait_kick(): any thread. */
    void (*set_and_kick)(int *flag);
    /* aio_wait_bh_oneshot(ctx, cb, opaque): cb runs on ctx's home thread
     * while the caller, a BQL holder, waits with AIO_WAIT_WHILE. */
    void (*wait_bh_oneshot)(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque);
    /* Coroutines (QEMU's coroutine core).  co_start: qemu_coroutine_create
     * + aio_co_enter(ctx): fn(opaque) runs as a coroutine on ctx's home
     * thread (at once when that is the caller), from any thread.  The rest
     * but co_wake are called inside a coroutine: co_self, co_yield
     * (qemu_coroutine_yield), co_reschedule_self (aio_co_reschedule_self:
     * continue on ctx's home thread), co_pool_submit (thread_pool_submit_co
     * on the current context; fn's result), co_sleep_ns (qemu_co_sleep_ns,
     * realtime clock), CoMutex lock and unlock.  co_wake (aio_co_wake): any
     * thread, for a coroutine that yielded, or will before its context's
     * home thread polls again. */
    void (*co_start)(wk_ctx_t *ctx, wk_cb_t *fn, void *opaque);
    wk_co_t *(*co_self)(void);
    void (*co_yield )(void);
    void (*co_wake)(wk_co_t *co);
    void (*co_reschedule_self)(wk_ctx_t *ctx);
    int (*co_pool_submit)(wk_pool_fn_t *fn, void *arg);
    void (*co_sleep_ns)(int64_t ns);
    wk_co_mutex_t *(*co_mutex_new)(void);
    void (*co_mutex_free)(wk_co_mutex_t *m);
    void (*co_mutex_lock)(wk_co_mutex_t *m);
    void (*co_mutex_unlock)(wk_co_mutex_t *m);
    /* QEMU's IOThread object (iothread.c), from the main loop thread as
     * object-add/object-del do: iothread_new starts one (its thread runs
     * iothread_run until its stop BH ran) and returns once it runs, NULL if
     * its context cannot be created; iothread_ctx is its AioContext;
     * iothread_gcontext asks for its GMainContext, after which it also runs
     * a glib loop (iothread_get_g_main_context); iothread_stop is
     * iothread_stop() (the stop BH, then the join); iothread_free
     * finalises it.  iothread_abandon: on the host after a cut-short run,
     * keeps one whose thread was unwound, unfinalised. */
    wk_iothread_t *(*iothread_new)(const char *id, int64_t poll_max_ns, int64_t grow,
                                   int64_t shrink);
    wk_ctx_t *(*iothread_ctx)(wk_iothread_t *it);
    void (*iothread_gcontext)(wk_iothread_t *it);
    void (*iothread_stop)(wk_iothread_t *it);
    void (*iothread_free)(wk_iothread_t *it);
    void (*iothread_abandon)(wk_iothread_t *it);
    /* ---- QEMU's main loop (util/main-loop.c): optional, NULL in loop/ ----
     * ml_timer_new: a timer on the main loop's own clocks (main_loop_tlg,
     * QEMU's timer_new_ns() as device models arm it): clock 0
     * QEMU_CLOCK_REALTIME, 1 QEMU_CLOCK_VIRTUAL.  timer_mod_ns, timer_del
     * and timer_free above take it, from any thread (free: where it cannot
     * be firing); cb runs on the main loop thread, BQL held, when
     * main_loop_wait() runs the main-loop timers.  ml_clock_ns reads that
     * clock.  notify_event: qemu_notify_event(), any thread (a signal
     * handler's or a vCPU's request for the main loop to look at its
     * flags: the next main_loop_wait() must not block). */
    wk_timer_t *(*ml_timer_new)(int clock, wk_cb_t *cb, void *opaque);
    int64_t (*ml_clock_ns)(int clock);
    void (*notify_event)(void);
    /* ---- the generated workload's coverage map (genload-cov.c) ---- */
    /* Optional: whether ctx's loop announced that it is about to wait
     * (QEMU's notify_me set, by the GSource's prepare or a blocking
     * aio_poll), read plainly: no scheduling point, no memory-model
     * access. */
    bool (*loop_prepared)(wk_ctx_t *ctx);
} wk_target_ops_t;

/* One operation of the table, by name, for a workload's list of the
 * operations it needs. */
typedef struct {
    const char *name;
    size_t offset; /* of its pointer in wk_target_ops_t */
} wk_target_op_t;
#define WK_TARGET_OP(field)                                                                \
    {                                                                                      \
#field, offsetof(wk_target_ops_t, field)                                           \
    }

/* The name of the first of needed[0..n) that ops lacks (NULL), or NULL. */
const char *wk_target_first_missing(const wk_target_ops_t *ops,
                                    const wk_target_op_t *needed, size_t n);

/* The target every following wk_machine_run() drives; selecting none
 * before a run is a programming error (reported, exit 2). */
void wk_target_select(const wk_target_ops_t *ops);
const wk_target_ops_t *wk_target_selected(void);

#endif

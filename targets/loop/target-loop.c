/*
 * target-loop.c - the machine's target ops over loop/.  Thin
 * casts onto loop/'s API: no call here is a scheduling point of its own, so
 * the decision stream is the one the machine had when it called loop/
 * directly (the corpus replays unchanged).
 */
#include <glib.h>
#include "aio.h"
#include "aio-internal.h" /* notify_me, for loop_prepared */
#include "leftovers.h"
#include "sim.h"
#include "targets.h"

static void loop_name_run_objects(void)
{
    sim_name_next(SIM_OBJ_MUTEX, "BQL");
}

static void loop_run_end(void)
{
    aio_main_context_set(NULL);
    aio_bql_destroy();
}

static wk_ctx_t *loop_context_new(int backend, unsigned ring_entries, int *err)
{
    return (wk_ctx_t *)aio_context_new_ring((aio_backend_t)backend, ring_entries, err);
}

static void loop_context_free(wk_ctx_t *ctx)
{
    aio_context_free((aio_context_t *)ctx);
}

/* What aio_context_new() creates, in its order (aio-context.c): the timer
 * and list locks, the notifier eventfd, then the ring.  Literals: this runs
 * in every run, fuzzing included. */
static void loop_name_context_objects(bool main_ctx)
{
    static const struct {
        sim_obj_kind_t kind;
        const char *name[2];
    } objs[] = {
        { SIM_OBJ_MUTEX, { "main-ctx timer lock", "iothread-ctx timer lock" } },
        { SIM_OBJ_MUTEX, { "main-ctx list lock", "iothread-ctx list lock" } },
        { SIM_OBJ_EVENTFD, { "main-ctx notifier", "iothread-ctx notifier" } },
        { SIM_OBJ_RING, { "main-ctx ring", "iothread-ctx ring" } },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(objs); i++) {
        sim_name_next(objs[i].kind, objs[i].name[main_ctx ? 0 : 1]);
    }
}

static void loop_context_set_poll_params(wk_ctx_t *ctx, int64_t max_ns, int64_t grow,
                                         int64_t shrink)
{
    aio_context_set_poll_params((aio_context_t *)ctx, max_ns, grow, shrink);
}

static bool loop_context_has_sqe(wk_ctx_t *ctx)
{
    return aio_context_has_sqe((aio_context_t *)ctx);
}

static wk_ctx_t *loop_current_context(void)
{
    return (wk_ctx_t *)aio_current_context();
}

static void loop_thread_context_set(wk_ctx_t *ctx)
{
    aio_thread_context_set((aio_context_t *)ctx);
}

static void loop_main_context_clear(void)
{
    aio_main_context_set(NULL);
}

static wk_main_loop_t *loop_main_loop_new(wk_ctx_t *ctx)
{
    return (wk_main_loop_t *)aio_main_loop_new((aio_context_t *)ctx);
}

static void loop_main_loop_wait(wk_main_loop_t *ml)
{
    aio_main_loop_wait((aio_main_loop_t *)ml, false);
}

static void loop_main_loop_free(wk_main_loop_t *ml)
{
    aio_main_loop_free((aio_main_loop_t *)ml);
}

static bool loop_poll(wk_ctx_t *ctx, bool blocking)
{
    return aio_poll((aio_context_t *)ctx, blocking);
}

static void loop_set_fd_handler(wk_ctx_t *ctx, int fd, wk_cb_t *io_read, void *opaque)
{
    aio_set_fd_handler((aio_context_t *)ctx, fd, io_read, NULL, opaque);
}

static void loop_bh_schedule_oneshot(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque)
{
    aio_bh_schedule_oneshot((aio_context_t *)ctx, cb, opaque);
}

static wk_bh_t *loop_bh_new(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque)
{
    return (wk_bh_t *)aio_bh_new((aio_context_t *)ctx, cb, opaque);
}

static void loop_bh_schedule(wk_bh_t *bh)
{
    aio_bh_schedule((aio_bh_t *)bh);
}

static void loop_bh_cancel(wk_bh_t *bh)
{
    aio_bh_cancel((aio_bh_t *)bh);
}

static void loop_bh_delete(wk_bh_t *bh)
{
    aio_bh_delete((aio_bh_t *)bh);
}

/* aio_context_free() unlinks the BHs still on its list without freeing the
 * reusable ones (their owners hold them): what is left is plain memory. */
static void loop_bh_free_after_context(wk_bh_t *bh)
{
    g_free(bh);
}

static wk_timer_t *loop_timer_new(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque)
{
    return (wk_timer_t *)aio_timer_new((aio_context_t *)ctx, cb, opaque);
}

static void loop_timer_mod_ns(wk_timer_t *t, int64_t expire_ns)
{
    aio_timer_mod_ns((aio_timer_t *)t, expire_ns);
}

static void loop_timer_del(wk_timer_t *t)
{
    aio_timer_del((aio_timer_t *)t);
}

static void loop_timer_free(wk_timer_t *t)
{
    aio_timer_free((aio_timer_t *)t);
}

static int loop_blk_read(int fd, void *buf, size_t len, uint64_t offset, wk_done_t *done,
                         void *opaque)
{
    return aio_blk_read(fd, buf, len, offset, done, opaque);
}

/* A plain read (no aio_atomic_*): not a scheduling point, not a memory
 * model access, so the coverage map does not change the run. */
static bool loop_loop_prepared(wk_ctx_t *ctx)
{
    return ((volatile aio_context_t *)ctx)->notify_me != 0;
}

const wk_target_ops_t wk_target_loop = {
    .name = "loop",
    .build_mutation = "",
    .build_identity = "",
    .name_run_objects = loop_name_run_objects,
    .run_begin = aio_bql_init,
    .run_end = loop_run_end,
    .context_new = loop_context_new,
    .context_free = loop_context_free,
    .name_context_objects = loop_name_context_objects,
    .check_leftovers = loop_check_leftovers,
    .context_has_sqe = loop_context_has_sqe,
    .context_set_poll_params = loop_context_set_poll_params,
    .current_context = loop_current_context,
    .thread_context_set = loop_thread_context_set,
    .main_context_clear = loop_main_context_clear,
    .main_loop_new = loop_main_loop_new,
    .main_loop_wait = loop_main_loop_wait,
    .main_loop_free = loop_main_loop_free,
    .poll = loop_poll,
    .set_fd_handler = loop_set_fd_handler,
    .bh_schedule_oneshot = loop_bh_schedule_oneshot,
    .bh_new = loop_bh_new,
    .bh_schedule = loop_bh_schedule,
    .bh_cancel = loop_bh_cancel,
    .bh_delete = loop_bh_delete,
    .bh_free_after_context = loop_bh_free_after_context,
    .timer_new = loop_timer_new,
    .timer_mod_ns = loop_timer_mod_ns,
    .timer_del = loop_timer_del,
    .timer_free = loop_timer_free,
    .clock_ns = aio_clock_ns,
    .blk_read = loop_blk_read,
    .bql_lock = aio_bql_lock,
    .bql_unlock = aio_bql_unlock,
    .loop_prepared = loop_loop_prepared,
};

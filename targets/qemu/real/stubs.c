/*
 * stubs.c - native stand-ins for what the simulated QEMU target gets from
 * its seam-bound glue (../main-loop-glue.c, ../trace-events.c): the big
 * QEMU lock, the main AioContext and the trace hook, over real pthreads.
 *
 * The BQL is a pthread mutex plus a thread-local "held" flag, as QEMU's
 * system/cpus.c keeps one (bql_locked() answers for the calling thread).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include "block/thread-pool.h"
#include "qemu/coroutine.h"

#include "qemu-real.h"

static pthread_mutex_t bql = PTHREAD_MUTEX_INITIALIZER;
static __thread bool bql_held;
static AioContext *main_ctx;

void real_set_main_context(AioContext *ctx)
{
    main_ctx = ctx;
}

AioContext *qemu_get_aio_context(void)
{
    return main_ctx;
}

/* QEMU's iohandler_ctx is not created; no context compares equal to NULL. */
AioContext *iohandler_get_aio_context(void)
{
    return NULL;
}

void qemu_notify_event(void)
{
    if (main_ctx) {
        aio_notify(main_ctx);
    }
}

void bql_lock_impl(const char *file, int line)
{
    (void)file;
    (void)line;
    assert(!bql_held);
    pthread_mutex_lock(&bql);
    bql_held = true;
}

void bql_unlock(void)
{
    assert(bql_held);
    bql_held = false;
    pthread_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return bql_held;
}

/* gen-trace-stubs.awk sends the polling trace points here: dropped. */
void wk_qemu_trace(const char *name, int64_t a, int64_t b);
void wk_qemu_trace(const char *name, int64_t a, int64_t b)
{
    (void)name;
    (void)a;
    (void)b;
}

/* system/cpus.c: QEMU's BQL is a QemuMutex that qemu-thread-posix.c reports
 * to; ours is a plain pthread mutex, never a QemuMutex. */
bool mutex_is_bql(QemuMutex *mutex)
{
    (void)mutex;
    return false;
}

void bql_update_status(bool locked)
{
    (void)locked;
}

/* util/qsp.c without the profiler: the lock functions are the plain ones. */
QemuMutexLockFunc bql_mutex_lock_func = qemu_mutex_lock_impl;
QemuMutexLockFunc qemu_mutex_lock_func = qemu_mutex_lock_impl;
QemuMutexTrylockFunc qemu_mutex_trylock_func = qemu_mutex_trylock_impl;
QemuRecMutexLockFunc qemu_rec_mutex_lock_func = qemu_rec_mutex_lock_impl;
QemuRecMutexTrylockFunc qemu_rec_mutex_trylock_func = qemu_rec_mutex_trylock_impl;
QemuCondWaitFunc qemu_cond_wait_func = qemu_cond_wait_impl;
QemuCondTimedWaitFunc qemu_cond_timedwait_func = qemu_cond_timedwait_impl;

/* The thread pool and coroutines: async.c references them, no reproducer
 * uses them. */
static G_NORETURN void not_used(const char *what)
{
    fprintf(stderr, "qemu-real: %s is not used by the reproducers\n", what);
    abort();
}

ThreadPoolAio *thread_pool_new_aio(struct AioContext *ctx)
{
    not_used("thread_pool_new_aio");
}

void thread_pool_free_aio(ThreadPoolAio *pool)
{
    if (pool) {
        not_used("thread_pool_free_aio");
    }
}

void thread_pool_update_params(ThreadPoolAio *pool, struct AioContext *ctx)
{
    if (pool) {
        not_used("thread_pool_update_params");
    }
}

void qemu_aio_coroutine_enter(AioContext *ctx, Coroutine *co)
{
    not_used("qemu_aio_coroutine_enter");
}

Coroutine *qemu_coroutine_self(void)
{
    not_used("qemu_coroutine_self");
}

bool qemu_in_coroutine(void)
{
    return false;
}

void qemu_coroutine_yield(void)
{
    not_used("qemu_coroutine_yield");
}

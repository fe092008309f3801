/*
 * main-loop.c - the main-loop thread, in the shape of QEMU's
 * util/main-loop.c os_host_main_loop_wait() (not compiled here: it brings in
 * the system emulator): with the BQL held, glib's prepare and query over a
 * GMainContext holding the main AioContext's GSource; drop the BQL; ppoll
 * the fds glib asked for (the ring fd of the context's io_uring and glib's
 * own wakeup fd) with glib's timeout; take the BQL; check and dispatch.
 * QEMU's main loop also merges its own main_loop_tlg timers and slirp fds
 * into the timeout and the fd set; none are armed here, so the timeout is
 * the AioContext's own (its BHs and timers).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/main-loop.h"
#include "block/aio.h"

#include "qemu-real.h"

static struct {
    GMainContext *gctx;
    AioContext *ctx;
    pthread_t thread;
    pid_t tid;
    volatile bool ready, stop;
    real_before_poll_fn *hook;
    void *hook_opaque;
} ml;

static int ppoll_ms(GPollFD *fds, int n, int timeout_ms)
{
    struct timespec ts = { timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000 };
    return ppoll((struct pollfd *)fds, n, timeout_ms < 0 ? NULL : &ts, NULL);
}

static void main_loop_iteration(void)
{
    GPollFD fds[16];
    gint max_priority, timeout;

    bql_lock();
    g_main_context_prepare(ml.gctx, &max_priority);
    int n = g_main_context_query(ml.gctx, max_priority, &timeout, fds, 16);
    assert(n <= 16);
    bql_unlock();

    real_before_poll_fn *hook = __atomic_load_n(&ml.hook, __ATOMIC_ACQUIRE);
    if (hook) {
        hook(timeout, ml.hook_opaque);
    }
    ppoll_ms(fds, n, timeout);

    bql_lock();
    if (g_main_context_check(ml.gctx, max_priority, fds, n)) {
        g_main_context_dispatch(ml.gctx);
    }
    bql_unlock();
}

static void *main_loop_thread(void *arg)
{
    (void)arg;
    ml.tid = (pid_t)syscall(SYS_gettid);
    ml.gctx = g_main_context_new();
    g_main_context_acquire(ml.gctx);
    ml.ctx = aio_context_new(&error_fatal);
    qemu_set_current_aio_context(ml.ctx);
    real_set_main_context(ml.ctx);
    g_source_attach(aio_get_g_source(ml.ctx), ml.gctx);
    __atomic_store_n(&ml.ready, true, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&ml.stop, __ATOMIC_ACQUIRE)) {
        main_loop_iteration();
    }
    return NULL;
}

AioContext *real_main_loop_start(void)
{
    pthread_create(&ml.thread, NULL, main_loop_thread, NULL);
    if (!real_wait_flag(&ml.ready, 5000)) {
        fprintf(stderr, "qemu-real: the main loop did not start\n");
        exit(1);
    }
    real_sleep_us(2000); /* its first prepare submits the notifier's POLL_ADD */
    return ml.ctx;
}

void real_main_loop_set_hook(real_before_poll_fn *fn, void *opaque)
{
    ml.hook_opaque = opaque;
    __atomic_store_n(&ml.hook, fn, __ATOMIC_RELEASE);
}

void real_main_loop_kick(void)
{
    g_main_context_wakeup(ml.gctx);
}

void real_main_loop_stop(void)
{
    __atomic_store_n(&ml.stop, true, __ATOMIC_RELEASE);
    real_main_loop_kick();
    pthread_join(ml.thread, NULL);
}

pid_t real_main_loop_tid(void)
{
    return ml.tid;
}

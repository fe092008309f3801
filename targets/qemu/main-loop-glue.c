/*
 * main-loop-glue.c - the pieces of QEMU's main-loop.c and cpus.c that the
 * event loop calls back into: the big QEMU lock (BQL), the main AioContext
 * and qemu_notify_event().  Ours, because QEMU's main-loop.c brings in the
 * whole system emulator.
 *
 * The BQL is a simulated mutex plus its holder, so bql_locked() answers for
 * the calling simulated thread (QEMU keeps a thread-local flag; thread-locals
 * are shared by all fibers here).  The main context is set by the QEMU
 * target for the length of one run and cleared after it.
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "block/aio.h"

#include "aio-os.h"
#include "sim.h"
#include "main-loop-glue.h"

static os_mutex_t bql;
static sim_thread_t *bql_holder;
static AioContext *main_aio_context;

void wk_qemu_main_context_set(AioContext *ctx)
{
    main_aio_context = ctx;
}

void wk_qemu_bql_reset(void)
{
    os_mutex_init(&bql);
    bql_holder = NULL;
}

AioContext *qemu_get_aio_context(void)
{
    return main_aio_context;
}

/* iohandler_ctx (QEMU's second main-thread context for legacy handlers) is
 * not created; no context compares equal to NULL. */
AioContext *iohandler_get_aio_context(void)
{
    return NULL;
}

/* QEMU: wake the main loop so it re-reads its timers and handlers. */
void qemu_notify_event(void)
{
    if (main_aio_context) {
        aio_notify(main_aio_context);
    }
}

void bql_lock_impl(const char *file, int line)
{
    (void)file;
    (void)line;
    assert(bql_holder != sim_thread_self() || !sim_thread_self());
    os_mutex_lock(&bql);
    bql_holder = sim_thread_self();
}

void bql_unlock(void)
{
    assert(bql_holder == sim_thread_self());
    bql_holder = NULL;
    os_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return sim_thread_self() && bql_holder == sim_thread_self();
}

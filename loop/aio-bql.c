/*
 * aio-bql.c - the big lock and the current-context rule.  Mirrors QEMU's
 * bql_lock()/bql_unlock()/bql_locked() (system/cpus.c) and
 * qemu_get_current_aio_context() (util/async.c).
 *
 * This is process state, as in QEMU: one BQL and one main context.  A
 * harness that runs many simulated worlds calls aio_bql_init() and
 * aio_main_context_set() at the start of each and aio_bql_destroy() and
 * aio_main_context_set(NULL) at the end, so nothing leaks between runs.
 */
#include "aio-internal.h"

static os_mutex_t bql;
static uintptr_t bql_owner; /* atomic: thread id, 0 when free */
static aio_context_t *main_context;

void aio_bql_init(void)
{
    os_mutex_init(&bql);
    bql_owner = 0;
}

void aio_bql_destroy(void)
{
    os_mutex_destroy(&bql);
}

void aio_bql_lock(void)
{
    os_mutex_lock(&bql);
    aio_atomic_set(&bql_owner, os_thread_self());
}

void aio_bql_unlock(void)
{
    aio_atomic_set(&bql_owner, (uintptr_t)0);
    os_mutex_unlock(&bql);
}

bool aio_bql_locked(void)
{
    return aio_atomic_read(&bql_owner) == os_thread_self();
}

void aio_main_context_set(aio_context_t *ctx)
{
    main_context = ctx;
}

aio_context_t *aio_main_context(void)
{
    return main_context;
}

void aio_thread_context_set(aio_context_t *ctx)
{
    os_thread_ctx_set(ctx);
    if (ctx) {
        ctx->home_thread = os_thread_self();
    }
}

aio_context_t *aio_current_context(void)
{
    aio_context_t *ctx = os_thread_ctx_get();
    if (ctx) {
        return ctx;
    }
    return aio_bql_locked() || aio_mutant_on(AIO_MUTANT_CURRENT_CONTEXT_IGNORES_BQL)
               ? main_context
               : NULL;
}

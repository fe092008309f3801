/*
 * target-qemu-wide.h - the QEMU target's ops for the thread pool and
 * AIO_WAIT_WHILE (target-qemu-wide.c), for target-qemu.c's ops table.
 */
#ifndef WAKESIM_TARGET_QEMU_WIDE_H
#define WAKESIM_TARGET_QEMU_WIDE_H

#include "target.h"

struct AioContext;

int wk_qemu_pool_submit(wk_pool_fn_t *fn, void *arg, wk_pool_done_t *done, void *opaque);
void wk_qemu_wait_while_unset(wk_ctx_t *ctx, int *flag);
void wk_qemu_set_and_kick(int *flag);
void wk_qemu_wait_bh_oneshot(wk_ctx_t *ctx, wk_cb_t *cb, void *opaque);
void wk_qemu_co_start(wk_ctx_t *ctx, wk_cb_t *fn, void *opaque);
wk_co_t *wk_qemu_co_self(void);
void wk_qemu_co_yield(void);
void wk_qemu_co_wake(wk_co_t *co);
void wk_qemu_co_reschedule_self(wk_ctx_t *ctx);
int wk_qemu_co_pool_submit(wk_pool_fn_t *fn, void *arg);
void wk_qemu_co_sleep_ns(int64_t ns);
wk_co_mutex_t *wk_qemu_co_mutex_new(void);
void wk_qemu_co_mutex_free(wk_co_mutex_t *m);
void wk_qemu_co_mutex_lock(wk_co_mutex_t *m);
void wk_qemu_co_mutex_unlock(wk_co_mutex_t *m);
wk_iothread_t *wk_qemu_iothread_new(const char *id, int64_t poll_max_ns, int64_t grow,
                                    int64_t shrink);
wk_ctx_t *wk_qemu_iothread_ctx(wk_iothread_t *it);
void wk_qemu_iothread_gcontext(wk_iothread_t *it);
void wk_qemu_iothread_stop(wk_iothread_t *it);
void wk_qemu_iothread_free(wk_iothread_t *it);
void wk_qemu_iothread_abandon(wk_iothread_t *it);
/* On the host after a cut-short run, before ctx is finalised: its pool's
 * workers are gone, so the pool is detached and kept instead of freed. */
void wk_qemu_pool_abandon(struct AioContext *ctx);

/* The coroutine ops are left out (NULL) in sanitizer builds: see
 * targets/qemu/CMakeLists.txt. */
#ifdef WAKESIM_QEMU_NO_COROUTINES
#define WK_QEMU_CO_OPS .co_start = NULL
#else
#define WK_QEMU_CO_OPS                                                                     \
    .co_start = wk_qemu_co_start, .co_self = wk_qemu_co_self,                              \
    .co_yield = wk_qemu_co_yield, .co_wake = wk_qemu_co_wake,                              \
    .co_reschedule_self = wk_qemu_co_reschedule_self,                                      \
    .co_pool_submit = wk_qemu_co_pool_submit, .co_sleep_ns = wk_qemu_co_sleep_ns,          \
    .co_mutex_new = wk_qemu_co_mutex_new, .co_mutex_free = wk_qemu_co_mutex_free,          \
    .co_mutex_lock = wk_qemu_co_mutex_lock, .co_mutex_unlock = wk_qemu_co_mutex_unlock
#endif

#define WK_QEMU_WIDE_OPS                                                                   \
    .pool_submit = wk_qemu_pool_submit, .wait_while_unset = wk_qemu_wait_while_unset,      \
    .set_and_kick = wk_qemu_set_and_kick, .wait_bh_oneshot = wk_qemu_wait_bh_oneshot,      \
    .iothread_new = wk_qemu_iothread_new, .iothread_ctx = wk_qemu_iothread_ctx,            \
    .iothread_gcontext = wk_qemu_iothread_gcontext,                                        \
    .iothread_stop = wk_qemu_iothread_stop, .iothread_free = wk_qemu_iothread_free,        \
    .iothread_abandon = wk_qemu_iothread_abandon, WK_QEMU_CO_OPS

#endif

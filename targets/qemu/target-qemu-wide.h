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
/* On the host after a cut-short run, before ctx is finalised: its pool's
 * workers are gone, so the pool is detached and kept instead of freed. */
void wk_qemu_pool_abandon(struct AioContext *ctx);

#define WK_QEMU_WIDE_OPS                                                                   \
    .pool_submit = wk_qemu_pool_submit, .wait_while_unset = wk_qemu_wait_while_unset,      \
    .set_and_kick = wk_qemu_set_and_kick, .wait_bh_oneshot = wk_qemu_wait_bh_oneshot

#endif

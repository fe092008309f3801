/*
 * genload-qemu.h - the generated workload's operations on QEMU's wider
 * surface ([workload] surface = qemu; the qemu target's optional ops):
 * work submitted to a context's thread pool, with and without a nested
 * aio_poll in its completion; AIO_WAIT_WHILE for a flag a pool worker sets
 * and kicks; aio_wait_bh_oneshot on the iothread.  genload.c owns the
 * actors and calls in here for one operation (wk_gensurf_op); each actor's
 * records here are its own.
 */
#ifndef WAKESIM_GENLOAD_QEMU_H
#define WAKESIM_GENLOAD_QEMU_H

#include <stdbool.h>
#include "monitor.h"
#include "target.h"

typedef struct wk_gensurf wk_gensurf_t;

/* The run's state, after the loops started (ctx[0] main, ctx[1] iothread
 * or NULL); draws the run's surface features (decisions).  names[i] is
 * actor i's, vcpu[i] whether it may take the BQL; bql_polls whether a
 * vCPU may also wait under it (AIO_WAIT_WHILE polls the main context). */
wk_gensurf_t *wk_gensurf_new(const wk_target_ops_t *ops, sim_world_t *w, wk_monitor_t *mon,
                             wk_ctx_t *const ctx[2], unsigned nactors,
                             const char *const names[], const bool vcpu[], bool bql_polls);
/* One operation of actor i, chosen here (think if none applies). */
void wk_gensurf_op(wk_gensurf_t *s, unsigned i);
/* End of actor i's program: waits until its submitted work completed. */
void wk_gensurf_collect(wk_gensurf_t *s, unsigned i);
/* After the quiet period: every hand-off served? */
void wk_gensurf_check_stale(wk_gensurf_t *s);
/* After the loops stopped (their pools freed): lets the pools' exiting
 * workers finish, so the thread hygiene check sees only main. */
void wk_gensurf_after_stop(wk_gensurf_t *s);
void wk_gensurf_free(wk_gensurf_t *s);
/* What the operations call on the target. */
const char *wk_gensurf_missing_op(const wk_target_ops_t *ops);

#endif

/*
 * genload-mainloop.h - the generated workload on QEMU's main loop itself
 * ([workload] main-loop-ops = yes; the qemu target's ml_* ops): timers on
 * the main loop's own clocks (main_loop_tlg, as device models arm them with
 * timer_new_ns()) and external events raised with qemu_notify_event() for a
 * flag the main loop looks at between iterations (vl.c's
 * main_loop_should_exit()).  genload.c owns the actors and calls in here for
 * one operation (wk_genml_op); each actor's records here are its own.
 */
#ifndef WAKESIM_GENLOAD_MAINLOOP_H
#define WAKESIM_GENLOAD_MAINLOOP_H

#include <stdbool.h>
#include <stdint.h>
#include "monitor.h"
#include "target.h"

typedef struct wk_genml wk_genml_t;

/* The run's state, after the loops started; creates each actor's main-loop
 * timers.  names[i] is actor i's, vcpu[i] whether it may take the BQL. */
wk_genml_t *wk_genml_new(const wk_target_ops_t *ops, sim_world_t *w, wk_monitor_t *mon,
                         unsigned nactors, const char *const names[], const bool vcpu[]);
/* One operation of actor i (decisions drawn here); delay_ns is the run's
 * draw for a timer's distance. */
void wk_genml_op(wk_genml_t *m, unsigned i, int64_t delay_ns);
/* The main loop thread, BQL held, before each main_loop_wait(): serves the
 * events raised so far.  m may be NULL (not created yet). */
void wk_genml_iterate(wk_genml_t *m);
/* After the quiet period: every timer fired, every event seen? */
void wk_genml_check_stale(wk_genml_t *m);
/* Before the loops stop: deletes the timers, as a well-behaved user does. */
void wk_genml_cleanup(wk_genml_t *m);
/* Frees the timers where none can be firing (the main loop stopped, or on
 * the host after a cut-short run), before the main context is freed: its
 * end frees the main-loop timer lists, which must be empty. */
void wk_genml_free_timers(wk_genml_t *m);
void wk_genml_free(wk_genml_t *m);
/* What the operations call on the target. */
const char *wk_genml_missing_op(const wk_target_ops_t *ops);

#endif

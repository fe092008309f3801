/*
 * main-loop-glue.h - the QEMU target's main loop: QEMU's util/main-loop.c
 * run per run (main-loop-qemu.c) and what it calls that lives elsewhere in
 * QEMU (main-loop-glue.c: the BQL, the signal fd).
 */
#ifndef WAKESIM_QEMU_MAIN_LOOP_GLUE_H
#define WAKESIM_QEMU_MAIN_LOOP_GLUE_H

#include <glib.h>
#include <stdbool.h>

struct AioContext;
struct Error;

/* main-loop-qemu.c.  On the main-loop thread at the start of its run: QEMU's
 * qemu_init_main_loop(); returns the main context (NULL, *errp set, on
 * failure).  The run's GMainContext it attached the GSources to. */
struct AioContext *wk_qemu_main_loop_init(struct Error **errp);
GMainContext *wk_qemu_main_loop_gcontext(void);
/* Before the main context is freed (on its thread, or on the host after a
 * cut-short run): takes down what qemu_init_main_loop built but the main
 * context itself.  main_bh_list_empty: whether the main context's BH list
 * is empty (host only); release frees a context (the iohandler one). */
void wk_qemu_main_loop_end(bool main_bh_list_empty,
                           void (*release)(struct AioContext *ctx));
/* After the main context is freed: the run's GMainContext. */
void wk_qemu_main_loop_gcontext_free(void);

/* main-loop-glue.c.  A fresh, unheld BQL: call at the start of every run. */
void wk_qemu_bql_reset(void);
/* The fd qemu_signalfd() gave this run (-1: none), forgotten. */
int wk_qemu_signalfd_take(void);

#endif

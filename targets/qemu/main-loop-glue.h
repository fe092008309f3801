/*
 * main-loop-glue.h - how the QEMU target sets the state main-loop-glue.c
 * keeps for one run (the main AioContext, the BQL).
 */
#ifndef WAKESIM_QEMU_MAIN_LOOP_GLUE_H
#define WAKESIM_QEMU_MAIN_LOOP_GLUE_H

struct AioContext;
/* qemu_get_aio_context() returns ctx from now on (NULL: none). */
void wk_qemu_main_context_set(struct AioContext *ctx);
/* A fresh, unheld BQL: call at the start of every run. */
void wk_qemu_bql_reset(void);

#endif

/*
 * genload-cov.c - the generated workload's coverage map: which operation
 * was called from which kind of thread while the loop of the context it
 * acts on was in which phase, counted over every run since it was enabled
 * (`wakesim run ... --coverage`), so a blind spot of the workload shows as
 * an empty cell instead of as a missed bug.
 *
 * Phases (of the target context's loop thread, seen from the workload):
 *   before-prepare  running, not in a callback, not announced a wait
 *   prepared        announced its wait (notify_me set: glib prepare or a
 *                   blocking aio_poll) and not yet in it (target op
 *                   loop_prepared; a target without it never shows this)
 *   asleep          inside its ppoll or io_uring wait
 *   dispatching     one of the workload's callbacks on it is running
 *   nested          an aio_poll() of it nested in one of its callbacks is
 *                   under way
 * Recording reads state only (no decision, no scheduling point), so the
 * runs are the same with the map on or off.
 */
#include <stdio.h>
#include "genload-int.h"

static const char *const op_names[COV_OP_COUNT] = {
    "bh_schedule", "bh_cancel", "bh_delete", "bh_new",    "oneshot",
    "timer_mod",   "timer_del", "fd_set",    "fd_remove", "fd_signal",
    "blk_read",    "poll(nb)",  "poll(blk)",
};
static const char *const thr_names[COV_THR_COUNT] = { "vcpu+bql", "vcpu", "worker",
                                                      "main-loop", "iothread" };
static const char *const phase_names[COV_PHASE_COUNT] = { "before-prep", "prepared",
                                                          "asleep", "dispatching",
                                                          "nested" };

static bool cov_on;
static uint64_t cov_count[COV_OP_COUNT][COV_THR_COUNT][COV_PHASE_COUNT];
void (*wk_genload_coverage_hook)(unsigned cell);

void wk_genload_coverage_enable(bool on)
{
    cov_on = on;
}

unsigned wk_genload_coverage_cells(void)
{
    return COV_OP_COUNT * COV_THR_COUNT * COV_PHASE_COUNT;
}

static int cov_thread(const gen_t *g)
{
    sim_thread_t *self = sim_thread_self();
    if (self == g->loops.thread[CTX_MAIN]) {
        return COV_THR_MAIN_LOOP;
    }
    if (self == g->loops.thread[CTX_IO]) {
        return COV_THR_IOTHREAD;
    }
    for (unsigned i = 0; i < g->nactors; i++) {
        const actor_t *a = &g->actors[i];
        if (a->thread == self) {
            return !a->vcpu ? COV_THR_WORKER : a->bql ? COV_THR_VCPU_BQL : COV_THR_VCPU;
        }
    }
    return -1; /* main, cleaning up: not the programs' */
}

static int cov_phase(const gen_t *g, int ctx)
{
    if (g->nested[ctx]) {
        return COV_PHASE_NESTED;
    }
    if (g->in_cb[ctx]) {
        return COV_PHASE_DISPATCHING;
    }
    if (g->in_wait[ctx]) {
        return COV_PHASE_ASLEEP;
    }
    if (g->ops->loop_prepared && g->loops.ctx[ctx] &&
        g->ops->loop_prepared(g->loops.ctx[ctx])) {
        return COV_PHASE_PREPARED;
    }
    return COV_PHASE_BEFORE;
}

void gen_cov(const gen_t *g, int op, int ctx)
{
    if (!cov_on && !wk_genload_coverage_hook) {
        return;
    }
    int thr = cov_thread(g);
    if (thr < 0) {
        return;
    }
    int phase = cov_phase(g, ctx);
    cov_count[op][thr][phase]++;
    if (wk_genload_coverage_hook) {
        wk_genload_coverage_hook(
            (unsigned)((op * COV_THR_COUNT + thr) * COV_PHASE_COUNT + phase));
    }
}

/* The loop thread of a context waits from its ppoll or waiting
 * io_uring_enter (whose own events are its submits and its blocking) until
 * its next event. */
void gen_cov_event(gen_t *g, const sim_event_t *ev)
{
    for (int c = 0; c < CTX_N; c++) {
        if (!ev->thread || ev->thread != g->loops.thread[c]) {
            continue;
        }
        if (ev->kind == SIM_EV_PPOLL_ENTER ||
            (ev->kind == SIM_EV_URING_ENTER && ev->value2 > 0)) {
            g->in_wait[c] = true;
        } else if (ev->kind != SIM_EV_THREAD_BLOCK && ev->kind != SIM_EV_SQE_SUBMIT) {
            g->in_wait[c] = false;
        }
    }
}

void wk_genload_coverage_print(FILE *f)
{
    unsigned filled = 0, total = wk_genload_coverage_cells();
    fprintf(f,
            "coverage: operation x calling thread x phase of the target context's loop\n");
    fprintf(f, "%-11s %-10s", "operation", "thread");
    for (int p = 0; p < COV_PHASE_COUNT; p++) {
        fprintf(f, " %12s", phase_names[p]);
    }
    fprintf(f, "\n");
    for (int o = 0; o < COV_OP_COUNT; o++) {
        for (int t = 0; t < COV_THR_COUNT; t++) {
            fprintf(f, "%-11s %-10s", op_names[o], thr_names[t]);
            for (int p = 0; p < COV_PHASE_COUNT; p++) {
                uint64_t n = cov_count[o][t][p];
                filled += n > 0;
                fprintf(f, " %12" PRIu64, n);
            }
            fprintf(f, "\n");
        }
    }
    fprintf(f, "coverage: %u of %u cells hit\n", filled, total);
}

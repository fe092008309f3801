/*
 * main-loop-qemu.c - QEMU's util/main-loop.c, compiled unmodified (the file
 * is included whole below, from the tree or a mutation's copy:
 * WK_QEMU_MAIN_LOOP_C), and the life cycle of its process-wide state.
 *
 * QEMU initialises its main loop once per process (qemu_init_main_loop) and
 * never takes it down; wakesim runs many runs in one process, each in a new
 * simulated kernel.  So each run's main-loop thread calls QEMU's
 * qemu_init_main_loop() (clocks, signal fd, the main AioContext, the notify
 * BH, the iohandler context, both GSources), and the end of the run takes
 * down what it built.  main-loop.c keeps that state in file-scope statics;
 * this file is their translation unit, which is why it includes the .c
 * rather than linking it: the functions after the #include are the only
 * code here that touches them.
 *
 * Three names are redirected for main-loop.c alone (stand-ins, docs/qemu.md):
 *   g_main_context_default()   the run's GMainContext (glib's default
 *   g_source_attach(s, NULL)   context is process-wide: its wakeup fd and
 *                              sources would outlive the run's kernel)
 *   pthread_sigmask()          no-op (the simulated kernel sends no signal;
 *                              the mask would only block the host's own
 *                              SIGALRM/SIGBUS handlers on the OS thread)
 *
 * Compiled like QEMU's other files (atomic instrumentation, names header).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/cutils.h"
#include "qemu/timer.h"
#include "system/cpu-timers.h"
#include "exec/icount.h"
#include "system/replay.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include "block/thread-pool.h"
#include "qemu/error-report.h"
#include "qemu/queue.h"
#include "qom/object.h"
#include <sys/wait.h>

#include "main-loop-glue.h"
#include "sim.h"

static GMainContext *wk_run_gcontext(void);
static int wk_no_sigmask(int how, const sigset_t *set, sigset_t *old);

#define g_main_context_default() wk_run_gcontext()
#define g_source_attach(src, gctx)                                                         \
    g_source_attach((src), (gctx) ? (gctx) : wk_run_gcontext())
#define pthread_sigmask(how, set, old) wk_no_sigmask((how), (set), (old))

#include WK_QEMU_MAIN_LOOP_C

#undef g_main_context_default
#undef g_source_attach
#undef pthread_sigmask

/* The run's GMainContext: created by qemu_init_main_loop's first
 * g_source_attach, on the main-loop thread; qemu_poll_ns() polls its fds
 * through the seam's ppoll, and glib's own poll (never used by main-loop.c)
 * goes through the simulator too. */
static GMainContext *run_gcontext;

static GMainContext *wk_run_gcontext(void)
{
    if (!run_gcontext) {
        run_gcontext = g_main_context_new();
        g_main_context_set_poll_func(run_gcontext, (GPollFunc)sim_g_poll_func);
    }
    return run_gcontext;
}

static int wk_no_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    (void)how;
    (void)set;
    if (old) {
        sigemptyset(old);
    }
    return 0;
}

AioContext *wk_qemu_main_loop_init(Error **errp)
{
    /* A run's first: nothing is left from the previous run. */
    assert(!qemu_aio_context && !iohandler_ctx && !run_gcontext && !gpollfds);
    glib_n_poll_fds = 0;
    if (qemu_init_main_loop(errp) < 0) {
        return NULL;
    }
    return qemu_aio_context;
}

GMainContext *wk_qemu_main_loop_gcontext(void)
{
    return run_gcontext;
}

/* The notify BH (it belongs to the main context): deleted the QEMU way on
 * the main-loop thread; on the host after a cut-short run, freed when no
 * list holds it (the context's BH list is empty) and otherwise kept
 * reachable with the context it is queued on (tq_context_free keeps such a
 * context), as target-qemu.c does with other BHs. */
static void notify_bh_end(bool host, bool main_bh_list_empty)
{
    static GPtrArray *kept;
    if (!qemu_notify_bh) {
        return;
    }
    if (!host) {
        qemu_bh_delete(qemu_notify_bh);
    } else if (main_bh_list_empty) {
        g_free(qemu_notify_bh);
    } else {
        if (!kept) {
            kept = g_ptr_array_new();
        }
        g_ptr_array_add(kept, qemu_notify_bh);
    }
    qemu_notify_bh = NULL;
}

void wk_qemu_main_loop_end(bool main_bh_list_empty, void (*release)(AioContext *ctx))
{
    bool host = !sim_thread_self();
    notify_bh_end(host, main_bh_list_empty);
    int sigfd = wk_qemu_signalfd_take();
    if (sigfd >= 0 && !host) {
        qemu_set_fd_handler(sigfd, NULL, NULL, NULL);
    }
    if (iohandler_ctx) {
        release(iohandler_ctx); /* on the host, also drops the sigfd handler */
        iohandler_ctx = NULL;
    }
    if (sigfd >= 0) {
        close(sigfd);
    }
    qemu_aio_context = NULL; /* the caller frees it */
    if (gpollfds) {
        g_array_free(gpollfds, TRUE);
        gpollfds = NULL;
    }
    /* qemu_init_clocks() asserts the main-loop timer lists are not there. */
    if (main_loop_tlg.tl[0]) {
        timerlistgroup_deinit(&main_loop_tlg);
        for (int type = 0; type < QEMU_CLOCK_MAX; type++) {
            main_loop_tlg.tl[type] = NULL;
        }
    }
}

void wk_qemu_main_loop_gcontext_free(void)
{
    if (run_gcontext) {
        g_main_context_unref(run_gcontext);
        run_gcontext = NULL;
    }
}

/*
 * repro-refused.c - "the GSource sleeps with the SQEs unsubmitted" after
 * io_uring_enter refuses a submit (docs/qemu.md, faults on the QEMU
 * target), on real threads and a real kernel.
 *
 * The main-loop thread is the only thread of the process in a memory cgroup
 * at its limit with the OOM killer disabled (memcg.c); a main-context timer
 * 500 ms ahead stands for the main loop's idle timers.  A vCPU thread, with
 * the BQL, registers fd handlers on the main context (pipes) until the
 * main loop's fdmon_io_uring_gsource_prepare() gets -EAGAIN from
 * io_uring_submit(): its POLL_ADDs stay in the SQ ring (retried on -EINTR
 * only) and glib sleeps.  Then memory comes back (the limit is lifted) and
 * the last pipe becomes readable: its handler runs only once something
 * wakes the main loop, whose next prepare submits the POLL_ADD.  The bug is
 * the handler running more than LATE_MS after the pipe was written.  Each
 * iteration is a child process (exit 0: on time, 1: late, 3: no refusal).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/timer.h"
#include "block/aio.h"
#include <liburing.h>

#include "qemu-real.h"

enum { PIPES = 300, HEADROOM = 16384, LATE_MS = 50 };

static volatile int64_t handled_ns;

static void pipe_readable(void *opaque)
{
    int fd = (int)(intptr_t)opaque;
    char c;
    ssize_t n = read(fd, &c, 1);
    (void)n;
    __atomic_store_n(&handled_ns, real_now_ns(), __ATOMIC_RELEASE);
}

static void far_cb(void *opaque)
{
    (void)opaque;
}

/* Registers handlers until the main loop's prepare is refused: the write
 * end of the last pipe registered, or -1. */
static int register_until_refused(AioContext *ctx)
{
    for (int i = 0; i < PIPES; i++) {
        int p[2];
        if (pipe2(p, O_NONBLOCK) != 0) {
            return -1;
        }
        bql_lock();
        aio_set_fd_handler(ctx, p[0], pipe_readable, NULL, NULL, NULL,
                           (void *)(intptr_t)p[0]);
        bql_unlock();
        real_sleep_us(1000); /* the main loop's prepare has run */
        if (io_uring_sq_ready(&ctx->fdmon_io_uring) > 0) {
            return p[1];
        }
    }
    return -1;
}

static G_NORETURN void child_main(bool verbose)
{
    AioContext *ctx = real_main_loop_start();
    bql_lock();
    QEMUTimer *far = aio_timer_new(ctx, QEMU_CLOCK_REALTIME, SCALE_NS, far_cb, NULL);
    timer_mod(far, qemu_clock_get_ns(QEMU_CLOCK_REALTIME) + 500000000);
    bql_unlock();
    if (!real_memcg_confine(real_main_loop_tid(), HEADROOM)) {
        _exit(4);
    }
    int last = register_until_refused(ctx);
    real_memcg_lift();
    if (last < 0) {
        _exit(3);
    }
    int64_t written = real_now_ns();
    ssize_t n = write(last, "x", 1);
    (void)n;
    while (!__atomic_load_n(&handled_ns, __ATOMIC_ACQUIRE)) {
        real_sleep_us(100);
    }
    double late_ms = (handled_ns - written) / 1e6;
    if (verbose) {
        printf("  handler ran %.3f ms after its pipe was written\n", late_ms);
    }
    fflush(stdout);
    _exit(late_ms > LATE_MS ? 1 : 0);
}

static real_outcome_t refused_iter(const real_opts_t *o, int iter, void *state)
{
    (void)state;
    fflush(stdout);
    if (real_memcg_create()) {
        return REAL_SKIP;
    }
    pid_t pid = fork();
    if (pid == 0) {
        child_main(o->verbose);
    }
    int status = real_reap_child(pid, o->watchdog_ms);
    real_memcg_remove(); /* a fresh group each time: no slab left over */
    int code = status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    if (o->verbose || (code != 0 && code != 1 && code != 3)) {
        printf("iteration %d: %s (child status %d)\n", iter,
               code == 0   ? "on time"
               : code == 1 ? "LATE"
               : code == 3 ? "no refusal"
                           : "failed",
               status);
    }
    return code == 1 ? REAL_BUG : code == 0 ? REAL_OK : REAL_SKIP;
}

int repro_refused(const real_opts_t *o)
{
    if (!real_memcg_probe("refused", "the main loop")) {
        return 77;
    }
    return real_run("refused", o, refused_iter, NULL);
}

/*
 * not-modelled.c - stand-ins for what QEMU's event-loop files reference
 * from the rest of QEMU, each saying why it cannot change a wakeup.
 */
#include "qemu/osdep.h"
#include "qemu/coroutine-core.h"
#include "qemu/coroutine-tls.h"
#include "qemu/rcu.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qemu/defer-call.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include "block/graph-lock.h"
#include "exec/replay-core.h"
#include "system/cpu-timers.h"
#include "system/replay.h"

/* defer_call() batches work done by CQE handlers until the dispatch loop
 * ends; with nobody calling defer_call(), begin/end have nothing to flush. */
void defer_call_begin(void)
{
}

void defer_call_end(void)
{
}

/* The block layer's registry of AioContexts for its graph lock: there is no
 * block layer here. */
void register_aiocontext(AioContext *ctx)
{
    (void)ctx;
}

void unregister_aiocontext(AioContext *ctx)
{
    (void)ctx;
}

/* Record/replay of the guest: off. */
ReplayMode replay_mode = REPLAY_MODE_NONE;

bool replay_checkpoint(ReplayCheckpoint checkpoint)
{
    (void)checkpoint;
    return true;
}

/* The guest's virtual clocks (QEMU_CLOCK_VIRTUAL*) come from the vCPU
 * accelerator.  Here they read the host monotonic clock (virtual under the
 * simulator): a guest that runs for the whole run, without icount or a VM
 * stop, whose virtual clock advances with real time (the generated
 * workload's main-loop timers on QEMU_CLOCK_VIRTUAL rely on this). */
int64_t cpu_get_clock(void)
{
    return get_clock();
}

int64_t cpus_get_virtual_clock(void)
{
    return get_clock();
}

void cpus_set_virtual_clock(int64_t new_time)
{
    (void)new_time;
}

/* qemu-timer-common.c: whether CLOCK_MONOTONIC works (it does, virtually). */
int use_rt_clock = 1;

/* util/oslib-posix.c: main-loop.c makes its signal fd non-blocking.  The
 * flag is set with fcntl, which the seam answers for simulated fds. */
bool qemu_set_blocking(int fd, bool block, Error **errp)
{
    int flags = fcntl(fd, F_GETFL);
    if (flags < 0 ||
        fcntl(fd, F_SETFL, block ? flags & ~O_NONBLOCK : flags | O_NONBLOCK) < 0) {
        error_setg_errno(errp, errno, "Can't set file descriptor %d %s", fd,
                         block ? "blocking" : "non-blocking");
        return false;
    }
    return true;
}

/* util/error-report.c: only main-loop.c's signal fd handler reports, after
 * a short read from the fd; the fd is never readable (main-loop-glue.c). */
void error_report(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("wakesim qemu target: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* rcu.h: the reader state of a thread (per simulated thread, see our
 * qemu/coroutine-tls.h) and the grace-period machinery.  Read sections run
 * (rcu_read_lock/unlock are inline), but nothing in these files waits for a
 * grace period (no synchronize_rcu/call_rcu), so the counter and event only
 * need to exist. */
unsigned long rcu_gp_ctr;
QemuEvent rcu_gp_event;
QEMU_DEFINE_CO_TLS(struct rcu_reader_data, rcu_reader)

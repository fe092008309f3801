/*
 * not-modelled.c - stubs for what QEMU's event-loop files reference but a
 * wakesim machine never uses.  Each says why it is safe; the ones that must
 * never run abort with a message naming themselves, so a scenario that
 * reaches them fails loudly instead of silently doing nothing.
 */
#include "qemu/osdep.h"
#include "qemu/coroutine-core.h"
#include "qemu/coroutine-tls.h"
#include "qemu/rcu.h"
#include "qemu/defer-call.h"
#include "qemu/main-loop.h"
#include "block/aio.h"
#include "block/graph-lock.h"
#include "exec/replay-core.h"
#include "system/cpu-timers.h"
#include "system/replay.h"

static G_NORETURN void not_modelled(const char *what)
{
    fprintf(stderr, "wakesim qemu target: %s is not modelled (no scenario uses it)\n",
            what);
    abort();
}

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
 * accelerator.  The machine only arms QEMU_CLOCK_REALTIME timers; reading
 * the others gives the host monotonic clock (virtual under the simulator). */
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

/* Only the pipe fallback of EventNotifier (no eventfd) calls this. */
bool qemu_set_blocking(int fd, bool block, Error **errp)
{
    (void)fd;
    (void)block;
    (void)errp;
    not_modelled("qemu_set_blocking (EventNotifier over a pipe)");
}

/* rcu.h: the reader state of a thread (per simulated thread, see our
 * qemu/coroutine-tls.h) and the grace-period machinery.  Read sections run
 * (rcu_read_lock/unlock are inline), but nothing in these files waits for a
 * grace period (no synchronize_rcu/call_rcu), so the counter and event only
 * need to exist. */
unsigned long rcu_gp_ctr;
QemuEvent rcu_gp_event;
QEMU_DEFINE_CO_TLS(struct rcu_reader_data, rcu_reader)

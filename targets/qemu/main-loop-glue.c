/*
 * main-loop-glue.c - what QEMU's util/main-loop.c (compiled, see
 * main-loop-qemu.c) calls that lives elsewhere in QEMU: the big QEMU lock
 * (system/cpus.c), the timer notify callback (system/cpus.c), the signal fd
 * (util/compatfd.c), the record/replay lock (replay/), and the QOM and
 * module registration its main-loop object type needs (qom/, util/module.c).
 *
 * The BQL is a simulated mutex plus its holder, so bql_locked() answers for
 * the calling simulated thread (QEMU keeps a thread-local flag; thread-locals
 * are shared by all fibers here).
 */
#include "qemu/osdep.h"
#include "qemu/main-loop.h"
#include "qemu/module.h"
#include "qom/object.h"
#include "system/cpu-timers.h"
#include "system/replay.h"
#include "block/aio.h"
#include <sys/eventfd.h>

#include "aio-os.h"
#include "sim.h"
#include "main-loop-glue.h"

static os_mutex_t bql;
static sim_thread_t *bql_holder;

void wk_qemu_bql_reset(void)
{
    os_mutex_init(&bql);
    bql_holder = NULL;
}

void bql_lock_impl(const char *file, int line)
{
    (void)file;
    (void)line;
    assert(bql_holder != sim_thread_self() || !sim_thread_self());
    os_mutex_lock(&bql);
    bql_holder = sim_thread_self();
}

void bql_unlock(void)
{
    assert(bql_holder == sim_thread_self());
    bql_holder = NULL;
    os_mutex_unlock(&bql);
}

bool bql_locked(void)
{
    return sim_thread_self() && bql_holder == sim_thread_self();
}

/* system/cpus.c without icount: any clock's new deadline wakes the main
 * loop. */
void qemu_timer_notify_cb(void *opaque, QEMUClockType type)
{
    (void)opaque;
    (void)type;
    qemu_notify_event();
}

/* util/compatfd.c: a signalfd for the signals main-loop.c blocks (SIGIO,
 * SIGALRM, SIGBUS).  The simulated kernel delivers no signal, so a real
 * signalfd would never become readable either: an eventfd nobody writes
 * is the same fd to the loop (polled, never ready). */
static int run_signalfd = -1;

int qemu_signalfd(const sigset_t *mask)
{
    (void)mask;
    assert(run_signalfd < 0);
    run_signalfd = eventfd(0, EFD_CLOEXEC);
    return run_signalfd;
}

int wk_qemu_signalfd_take(void)
{
    int fd = run_signalfd;
    run_signalfd = -1;
    return fd;
}

/* util/oslib-posix.c: sigfd_handler() runs a handler for a signal read from
 * the signal fd, which never has one (above). */
void sigaction_invoke(struct sigaction *action, struct qemu_signalfd_siginfo *info)
{
    (void)action;
    (void)info;
    fprintf(stderr, "wakesim qemu target: sigaction_invoke: no signal is delivered\n");
    abort();
}

/* replay/: record/replay of the guest is off (replay_mode is NONE), where
 * QEMU's own lock is a no-op too. */
void replay_mutex_lock(void)
{
}

void replay_mutex_unlock(void)
{
}

/* QOM registration (main-loop.c's type_init) is iothread-qom.c's. */

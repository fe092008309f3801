/*
 * qemu-thread.c - the parts of QEMU's thread API (include/qemu/thread.h)
 * that the event loop calls, implemented by wakesim over simulated locks.
 *
 * QEMU's util/qemu-thread-posix.c wraps pthreads; under the simulator every
 * thread is a fiber of one OS thread, so a pthread mutex held by one fiber
 * and wanted by another would block the whole process.  Instead a QemuMutex
 * holds a simulated mutex (os_mutex_t) in the storage of its pthread_mutex_t,
 * and a QemuEvent waits with QEMU's own futex helpers, which the simulator's
 * libc seam (sim/seam/futex.c) answers on simulated threads.  Only what the seven event
 * loop files reference is here.
 */
#include "qemu/osdep.h"
#include "qemu/thread.h"
#include "qemu/notify.h"

#include "aio-os.h"
#include "qemu/futex.h"

_Static_assert(sizeof(os_mutex_t) <= sizeof(pthread_mutex_t),
               "a simulated mutex must fit in QemuMutex's pthread_mutex_t");

static os_mutex_t *sim_mutex_of(QemuMutex *mutex)
{
    return (os_mutex_t *)(void *)&mutex->lock;
}

void qemu_mutex_init(QemuMutex *mutex)
{
    memset(&mutex->lock, 0, sizeof(mutex->lock));
    os_mutex_init(sim_mutex_of(mutex));
    mutex->initialized = true;
}

void qemu_mutex_destroy(QemuMutex *mutex)
{
    assert(mutex->initialized);
    mutex->initialized = false;
    os_mutex_destroy(sim_mutex_of(mutex));
}

static void sim_qemu_mutex_lock(QemuMutex *mutex, const char *file, int line)
{
    (void)file;
    (void)line;
    assert(mutex->initialized);
    os_mutex_lock(sim_mutex_of(mutex));
}

/* QEMU lets a profiler swap this pointer; nothing here does. */
QemuMutexLockFunc qemu_mutex_lock_func = sim_qemu_mutex_lock;

void qemu_mutex_unlock_impl(QemuMutex *mutex, const char *file, int line)
{
    (void)file;
    (void)line;
    assert(mutex->initialized);
    os_mutex_unlock(sim_mutex_of(mutex));
}

/* AioContext.lock is only initialised and destroyed by the event loop
 * (nobody takes it since QEMU 9.0), so recursion is not implemented. */
void qemu_rec_mutex_init(QemuRecMutex *mutex)
{
    qemu_mutex_init(&mutex->m);
}

void qemu_rec_mutex_destroy(QemuRecMutex *mutex)
{
    qemu_mutex_destroy(&mutex->m);
}

/* ---- QemuEvent: value 0 = set, 1 = free (our encoding, private here) ---- */
enum { EVENT_SET = 0, EVENT_FREE = 1 };

void qemu_event_init(QemuEvent *ev, bool init)
{
    ev->value = init ? EVENT_SET : EVENT_FREE;
    ev->initialized = true;
}

void qemu_event_destroy(QemuEvent *ev)
{
    ev->initialized = false;
}

void qemu_event_set(QemuEvent *ev)
{
    assert(ev->initialized);
    __atomic_store_n(&ev->value, EVENT_SET, __ATOMIC_SEQ_CST);
    qemu_futex_wake_all(&ev->value);
}

void qemu_event_reset(QemuEvent *ev)
{
    assert(ev->initialized);
    __atomic_store_n(&ev->value, EVENT_FREE, __ATOMIC_SEQ_CST);
}

void qemu_event_wait(QemuEvent *ev)
{
    assert(ev->initialized);
    while (__atomic_load_n(&ev->value, __ATOMIC_SEQ_CST) != EVENT_SET) {
        qemu_futex_wait(&ev->value, EVENT_FREE);
    }
}

/* Thread-exit notifiers: simulated threads end by unwinding, and nothing
 * the event loop registers here needs to run at the end of a run. */
void qemu_thread_atexit_add(Notifier *notifier)
{
    (void)notifier;
}

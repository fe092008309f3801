/*
 * qemu-thread.c - the parts of QEMU's thread API (include/qemu/thread.h)
 * that the event loop calls, implemented by wakesim over simulated locks.
 *
 * QEMU's util/qemu-thread-posix.c wraps pthreads; under the simulator every
 * thread is a fiber of one OS thread, so a pthread mutex held by one fiber
 * and wanted by another would block the whole process.  Instead a QemuMutex
 * holds a simulated mutex (os_mutex_t) in the storage of its pthread_mutex_t,
 * and a QemuEvent waits with QEMU's own futex helpers, which the simulator's
 * libc seam (sim/seam/futex.c) answers on simulated threads.  A QemuCond is a
 * simulated condition variable, and qemu_thread_create() starts a simulated
 * thread (the thread pool's workers).  Only what the compiled QEMU files
 * reference is here.
 */
#include "qemu/osdep.h"
#include "qemu/thread.h"
#include "qemu/notify.h"

#include "aio-os.h"
#include "qemu/futex.h"
#include "sim.h"

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

/* ---- QemuCond: a simulated condition variable in the pthread_cond_t ---- */

_Static_assert(sizeof(sim_cond_t) <= sizeof(pthread_cond_t),
               "a simulated condition variable must fit in QemuCond's pthread_cond_t");

static sim_cond_t *sim_cond_of(QemuCond *cond)
{
    return (sim_cond_t *)(void *)&cond->cond;
}

void qemu_cond_init(QemuCond *cond)
{
    memset(&cond->cond, 0, sizeof(cond->cond));
    sim_cond_init(sim_cond_of(cond));
    cond->initialized = true;
}

void qemu_cond_destroy(QemuCond *cond)
{
    assert(cond->initialized);
    cond->initialized = false;
}

void qemu_cond_signal(QemuCond *cond)
{
    assert(cond->initialized);
    sim_cond_signal(sim_cond_of(cond));
}

void qemu_cond_broadcast(QemuCond *cond)
{
    assert(cond->initialized);
    sim_cond_broadcast(sim_cond_of(cond));
}

static void sim_qemu_cond_wait(QemuCond *cond, QemuMutex *mutex, const char *file, int line)
{
    (void)file;
    (void)line;
    assert(cond->initialized);
    sim_cond_wait(sim_cond_of(cond), (struct os_mutex *)sim_mutex_of(mutex));
}

/* QEMU: true when signalled, false when ms passed (virtual time here). */
static bool sim_qemu_cond_timedwait(QemuCond *cond, QemuMutex *mutex, int ms,
                                    const char *file, int line)
{
    (void)file;
    (void)line;
    assert(cond->initialized);
    return sim_cond_timedwait(sim_cond_of(cond), (struct os_mutex *)sim_mutex_of(mutex),
                              (int64_t)ms * 1000000) == 0;
}

/* Like qemu_mutex_lock_func: a profiler's hook, left alone. */
QemuCondWaitFunc qemu_cond_wait_func = sim_qemu_cond_wait;
QemuCondTimedWaitFunc qemu_cond_timedwait_func = sim_qemu_cond_timedwait;

/* ---- threads: simulated threads of the current run ---- */

/* The thread pool's workers (the only QEMU threads created inside a run)
 * are detached and live until their pool is freed or they idle out, as in
 * QEMU: daemons, so an idle one does not keep a finished run alive.  Named
 * "qemu-<name><n>" in creation order within the run, for the event log
 * (QEMU names them all "worker", as the generated workload names actors). */
void qemu_thread_create(QemuThread *thread, const char *name,
                        void *(*start_routine)(void *), void *arg, int mode)
{
    static uint64_t gen;
    static unsigned created;
    sim_world_t *w = sim_world_current();
    if (!w || !sim_thread_self()) {
        fprintf(stderr,
                "wakesim qemu target: qemu_thread_create(%s) outside a simulated "
                "thread\n",
                name);
        abort();
    }
    if (gen != sim_world_generation(w)) {
        gen = sim_world_generation(w);
        created = 0;
    }
    char tname[32];
    snprintf(tname, sizeof(tname), "qemu-%s%u", name, created++);
    sim_thread_t *t = sim_thread_create(w, tname, start_routine, arg);
    sim_thread_set_daemon(t, mode == QEMU_THREAD_DETACHED);
    memset(thread, 0, sizeof(*thread));
    memcpy(&thread->thread, &t, sizeof(t));
}

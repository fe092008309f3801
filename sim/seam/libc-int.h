/*
 * libc-int.h - shared by the libc seam's sources (sim/seam/) only.
 *
 * The seam defines libc entry points (read, poll, pthread_mutex_lock...) in
 * the program that links the simulator.  The executable's definition is the
 * one every caller reaches through the PLT, shared libraries such as glib
 * included, so each definition covers the whole process.  The gate keeps it
 * honest: a call acts on the simulated kernel only when it comes from a
 * simulated thread of the world running on this OS thread; every other call
 * (libFuzzer, the sanitizers, the host's scheduler loop, other OS threads,
 * signal handlers, code before or after a run) goes to the next definition in the lookup
 * order, normally the C library's.
 *
 * Invariants:
 *  - No run state outside struct sim_world (w->libc) and struct sim_thread
 *    (t->libc).  The process-wide things are the resolved real functions
 *    (constant for the process) and the pthread key destructor table, a
 *    mirror of the C library's own process-wide key table.
 *  - A simulated call returns the libc convention (-1 and errno), setting
 *    errno only after its last scheduling point: fibers share errno.
 */
#ifndef WAKESIM_LIBC_INT_H
#define WAKESIM_LIBC_INT_H

#include "kernel.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

/* Host signal handlers running on this OS thread (signal.c). */
extern _Thread_local unsigned sim_libc_signal_depth;

/* The world whose simulated thread is calling, or NULL: forward.  A signal
 * handler is the host's even on a simulated thread's stack (signal.c). */
static inline sim_world_t *sim_libc_world(void)
{
    sim_world_t *w = sim__current_world;
    return w && w->current && !sim_libc_signal_depth ? w : NULL;
}

/* Was the call made by a sanitizer runtime (ASan, LSan, UBSan...)?  Its
 * own bookkeeping (sched_yield in a lock's back-off, pthread_self, close,
 * thread-specific data) concerns the OS thread, which every simulated
 * thread shares, and must reach the C library even on a simulated thread:
 * a scheduling point inside the allocator would unwind a thread holding
 * its lock.  Answers are cached by return address (code does not move). */
bool sim_libc_caller_is_runtime(const void *ret_addr);

/* The gate of every seam entry point: the world to act on, or NULL to
 * forward.  A macro, so that the return address is the entry point's. */
#define SIM_LIBC_GATE() sim_libc_gate_(__builtin_return_address(0))
static inline sim_world_t *sim_libc_gate_(const void *ret_addr)
{
    sim_world_t *w = sim_libc_world();
    return w && !sim_libc_caller_is_runtime(ret_addr) ? w : NULL;
}

/* The definition that the seam's name hides.  A sanitizer runtime linked
 * statically into the executable (clang's ASan) defines its interceptors
 * weakly under the same names, which ours override: reach them through
 * their "__interceptor_" alias first, so they still see every real call. */
void *sim_libc_resolve(const char *name, const char *version);

/* Every function the seam forwards, resolved once by a constructor
 * (state.c): resolving lazily would call dlsym, which allocates, from
 * inside whatever called us, and a sanitizer runtime calls sched_yield or
 * nanosleep while holding its allocator's lock. */
/* One X-macro list, wrapped by hand. */
/* clang-format off */
#define SIM_LIBC_FORWARDED(X, XV) \
    X(read) X(write) X(close) X(fcntl) X(poll) X(ppoll) X(eventfd) \
    X(epoll_create) X(epoll_create1) X(epoll_ctl) X(epoll_wait) X(epoll_pwait) \
    X(syscall) X(clock_gettime) X(nanosleep) X(clock_nanosleep) X(usleep) \
    X(sleep) X(sched_yield) X(sigaction) X(malloc_usable_size) \
    X(sem_wait) X(sem_trywait) X(sem_timedwait) X(sem_post) \
    X(pthread_key_create) X(pthread_key_delete) X(pthread_getspecific) \
    X(pthread_setspecific) X(pthread_create) X(pthread_join) X(pthread_detach) \
    X(pthread_self) X(pthread_exit) X(pthread_setname_np) \
    X(pthread_mutex_init) X(pthread_mutex_destroy) X(pthread_mutex_lock) \
    X(pthread_mutex_trylock) X(pthread_mutex_unlock) \
    XV(pthread_cond_init, "GLIBC_2.3.2") XV(pthread_cond_destroy, "GLIBC_2.3.2") \
    XV(pthread_cond_wait, "GLIBC_2.3.2") XV(pthread_cond_timedwait, "GLIBC_2.3.2") \
    XV(pthread_cond_signal, "GLIBC_2.3.2") XV(pthread_cond_broadcast, "GLIBC_2.3.2")
/* clang-format on */

#define SIM_LIBC_PTR_(fn) __typeof__(fn) *fn;
#define SIM_LIBC_PTRV_(fn, v) __typeof__(fn) *fn;
typedef struct {
    SIM_LIBC_FORWARDED(SIM_LIBC_PTR_, SIM_LIBC_PTRV_)
} sim_libc_real_t;
#undef SIM_LIBC_PTR_
#undef SIM_LIBC_PTRV_

/* Written by the constructor before main (and by the fallback below for a
 * call that comes first, from another constructor), then only read. */
extern sim_libc_real_t sim_libc_real;

#define SIM_LIBC_REAL_V(fn, version)                                                       \
    __extension__({                                                                        \
        __typeof__(fn) *r_ = __atomic_load_n(&sim_libc_real.fn, __ATOMIC_RELAXED);         \
        if (__builtin_expect(!r_, 0)) {                                                    \
            r_ = (__typeof__(fn) *)sim_libc_resolve(#fn, version);                         \
            __atomic_store_n(&sim_libc_real.fn, r_, __ATOMIC_RELAXED);                     \
        }                                                                                  \
        r_;                                                                                \
    })
#define SIM_LIBC_REAL(fn) SIM_LIBC_REAL_V(fn, NULL)

/* -errno to the libc convention. */
static inline long sim_libc_ret(long r)
{
    if (r < 0) {
        errno = (int)-r;
        return -1;
    }
    return r;
}

/* syscall(SYS_futex, ...) on a simulated thread, its arguments after the
 * number in ap; -errno on failure (futex.c). */
long sim_libc_futex(sim_world_t *w, va_list ap);
/* FUTEX_WAIT(_BITSET) and FUTEX_WAKE(_BITSET) on a simulated thread (the
 * word is the program's; semaphores use them too, sem.c): 0 or -errno,
 * the number woken. */
int sim_libc_futex_wait(sim_world_t *w, uint32_t *uaddr, uint32_t val,
                        const struct timespec *ts, bool absolute, uint32_t bitset);
int sim_libc_futex_wake(sim_world_t *w, uint32_t *uaddr, int n, uint32_t bitset);

/* ---- per-world state (state.c) ---- */

/* A simulated object found by the address of the program's own object
 * (pthread_mutex_t, pthread_cond_t, futex word): the program's memory is
 * never written, so an object used by both the host and simulated threads
 * stays valid for the C library. */
typedef enum {
    SIM_LIBC_OBJ_MUTEX = 1,
    SIM_LIBC_OBJ_COND,
    SIM_LIBC_OBJ_FUTEX
} sim_libc_obj_kind_t;

typedef struct sim_libc_obj {
    const void *addr;
    sim_libc_obj_kind_t kind;
    uint32_t id; /* run-stable name: first use order, per kind */
    union {
        struct {
            sim_mutex_t m;
            int type;
            unsigned depth;
        } mutex;
        sim_cond_t cond;
    } u;
} sim_libc_obj_t;

typedef struct sim_libc {
    sim_libc_obj_t **slots; /* open addressing on addr; NULL = empty */
    size_t n_slots, n_objs;
    uint32_t next_id[4];           /* per kind */
    unsigned n_pthreads;           /* threads created through pthread_create */
    struct sim_libc_start *starts; /* their start records, freed with the
                                      world (a thread unwound before it
                                      started never reads its own) */
} sim_libc_t;

struct sim_libc_start {
    void *(*fn)(void *);
    void *arg;
    struct sim_libc_start *next;
};
void sim_libc_starts_free(sim_libc_t *l);

sim_libc_t *sim_libc_of(sim_world_t *w);
/* The object for addr, created (zeroed, with a fresh id) on first use.
 * A kind mismatch (memory reused for another kind) re-creates it. */
sim_libc_obj_t *sim_libc_obj(sim_world_t *w, const void *addr, sim_libc_obj_kind_t kind);

/* ---- per-thread state (thread.c) ---- */
typedef struct sim_libc_thread {
    struct {
        pthread_key_t key;
        const void *value;
    } * keys;
    size_t n_keys, cap_keys;
} sim_libc_thread_t;

/* Runs the pthread key destructors of t's values (thread exit, world end). */
void sim_libc_thread_keys_destroy(sim_thread_t *t);

/* ---- blocking on files (fd.c) ---- */
/* Blocks the calling simulated thread until fd may have changed (or the
 * absolute deadline, -1 = none): a one-fd ppoll wait. */
int sim_libc_wait_fd(sim_world_t *w, int fd, short events, int64_t deadline);

/* ---- time (clock.c) ---- */
/* Virtual ns on every clock: clock_base_ns + now. */
int64_t sim_libc_clock_ns(sim_world_t *w);
/* An absolute timespec on the virtual clock as a run deadline (>= now). */
int64_t sim_libc_deadline_abs(sim_world_t *w, const struct timespec *ts);
/* A relative timespec as a run deadline (-1 for NULL). */
int64_t sim_libc_deadline_rel(sim_world_t *w, const struct timespec *ts);

#endif

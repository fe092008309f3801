/*
 * aio-atomic.h - the shared-memory seam of loop/ (simulated build).
 *
 * Same macro names as loop/os/aio-atomic.h.  Each one first calls a
 * scheduling point, where the simulator may switch to another simulated
 * thread, then performs the access.  Every simulated thread runs on one OS
 * thread, so the memory order of the builtin does not matter: interleavings
 * between accesses are what the simulator explores (a sequentially
 * consistent model; store buffering is not simulated).
 */
#ifndef AIO_ATOMIC_H
#define AIO_ATOMIC_H

void sim_sched_point(void);

#define aio_atomic_read(ptr) \
    (sim_sched_point(), __atomic_load_n((ptr), __ATOMIC_SEQ_CST))
#define aio_atomic_set(ptr, val) \
    (sim_sched_point(), __atomic_store_n((ptr), (val), __ATOMIC_SEQ_CST))
#define aio_atomic_load_acquire(ptr) \
    (sim_sched_point(), __atomic_load_n((ptr), __ATOMIC_SEQ_CST))
#define aio_atomic_store_release(ptr, val) \
    (sim_sched_point(), __atomic_store_n((ptr), (val), __ATOMIC_SEQ_CST))
#define aio_atomic_xchg(ptr, val) \
    (sim_sched_point(), __atomic_exchange_n((ptr), (val), __ATOMIC_SEQ_CST))
#define aio_atomic_fetch_add(ptr, n) \
    (sim_sched_point(), __atomic_fetch_add((ptr), (n), __ATOMIC_SEQ_CST))
#define aio_atomic_fetch_sub(ptr, n) \
    (sim_sched_point(), __atomic_fetch_sub((ptr), (n), __ATOMIC_SEQ_CST))
#define aio_atomic_fetch_or(ptr, n) \
    (sim_sched_point(), __atomic_fetch_or((ptr), (n), __ATOMIC_SEQ_CST))
#define aio_atomic_fetch_and(ptr, n) \
    (sim_sched_point(), __atomic_fetch_and((ptr), (n), __ATOMIC_SEQ_CST))
/* Returns the value found; the swap happened iff it equals "expected". */
#define aio_atomic_cmpxchg(ptr, expected, desired) __extension__ ({ \
    sim_sched_point(); \
    __typeof__(*(ptr)) aio_cmpxchg_old_ = (expected); \
    __atomic_compare_exchange_n((ptr), &aio_cmpxchg_old_, (desired), 0, \
                                __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST); \
    aio_cmpxchg_old_; })

/* Fences order nothing on one OS thread, but they are where a real CPU's
 * store buffer drains: keep them as scheduling points. */
#define aio_smp_mb()   (sim_sched_point(), __atomic_thread_fence(__ATOMIC_SEQ_CST))
#define aio_smp_wmb()  (sim_sched_point(), __atomic_thread_fence(__ATOMIC_RELEASE))
#define aio_smp_rmb()  (sim_sched_point(), __atomic_thread_fence(__ATOMIC_ACQUIRE))

#endif

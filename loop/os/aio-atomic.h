/*
 * aio-atomic.h - the shared-memory seam of loop/ (real build).
 *
 * Every access that another thread may race with, and every fence, in loop/
 * goes through these macros.  This file is the real-hardware version; the
 * simulator puts its own aio-atomic.h first on the include path, with the same
 * macros, so that each access becomes a scheduling point.  loop/ never uses
 * __atomic builtins or <stdatomic.h> directly.
 */
#ifndef AIO_ATOMIC_H
#define AIO_ATOMIC_H

#define aio_atomic_read(ptr) __atomic_load_n((ptr), __ATOMIC_RELAXED)
#define aio_atomic_set(ptr, val) __atomic_store_n((ptr), (val), __ATOMIC_RELAXED)
#define aio_atomic_load_acquire(ptr) __atomic_load_n((ptr), __ATOMIC_ACQUIRE)
#define aio_atomic_store_release(ptr, val) __atomic_store_n((ptr), (val), __ATOMIC_RELEASE)
#define aio_atomic_xchg(ptr, val) __atomic_exchange_n((ptr), (val), __ATOMIC_SEQ_CST)
#define aio_atomic_fetch_add(ptr, n) __atomic_fetch_add((ptr), (n), __ATOMIC_SEQ_CST)
#define aio_atomic_fetch_sub(ptr, n) __atomic_fetch_sub((ptr), (n), __ATOMIC_SEQ_CST)
#define aio_atomic_fetch_or(ptr, n) __atomic_fetch_or((ptr), (n), __ATOMIC_SEQ_CST)
#define aio_atomic_fetch_and(ptr, n) __atomic_fetch_and((ptr), (n), __ATOMIC_SEQ_CST)
/* Returns the value found; the swap happened iff it equals "expected". */
#define aio_atomic_cmpxchg(ptr, expected, desired)                                         \
    __extension__({                                                                        \
        __typeof__(*(ptr)) aio_cmpxchg_old_ = (expected);                                  \
        __atomic_compare_exchange_n((ptr), &aio_cmpxchg_old_, (desired), 0,                \
                                    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);                   \
        aio_cmpxchg_old_;                                                                  \
    })

#define aio_smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define aio_smp_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#define aio_smp_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

#endif

/*
 * aio-atomic.h - the shared-memory seam of loop/ (simulated build).
 *
 * Same macro names as loop/os/aio-atomic.h, with the same memory orders.
 * Each one is a call into the simulator's memory model (sim/core/sim-memory.h):
 * a scheduling point, where the simulator may switch to another simulated
 * thread, then the access under the run's model: sequentially consistent
 * (sc, the default), x86-TSO store buffers (tso) or TSO with store-store
 * reordering (pso).  Values cross the call as their bytes in a uint64_t.
 * Each access also passes its site (sim_site_t: the enclosing function,
 * the macro's operation and the object as written), a static constant per
 * call site, so that keyed decisions name the point they were taken at.
 */
#ifndef AIO_ATOMIC_H
#define AIO_ATOMIC_H

#include <stdint.h>
#include "sim-memory.h"

/* The unqualified type of *ptr (a comma expression is not an lvalue). */
#define AIO_SIM_TYPE_(ptr) __typeof__((void)0, *(ptr))

/* The call site of one seam access: a static constant, so passing it
 * costs one pointer. */
#define AIO_SIM_SITE_(opname, ptr)                                                         \
    __extension__({                                                                        \
        static const sim_site_t aio_site_ = { __func__, opname, #ptr };                    \
        &aio_site_;                                                                        \
    })

#define aio_sim_load_(opname, ptr, order)                                                  \
    __extension__({                                                                        \
        AIO_SIM_TYPE_(ptr) aio_ld_v_;                                                      \
        uint64_t aio_ld_b_ =                                                               \
            sim_mem_load_at(AIO_SIM_SITE_(opname, ptr), (ptr), sizeof(*(ptr)), (order));   \
        __builtin_memcpy(&aio_ld_v_, &aio_ld_b_, sizeof(aio_ld_v_));                       \
        aio_ld_v_;                                                                         \
    })

#define aio_sim_store_(opname, ptr, val, order)                                            \
    __extension__({                                                                        \
        AIO_SIM_TYPE_(ptr) aio_st_v_ = (val);                                              \
        uint64_t aio_st_b_ = 0;                                                            \
        __builtin_memcpy(&aio_st_b_, &aio_st_v_, sizeof(aio_st_v_));                       \
        sim_mem_store_at(AIO_SIM_SITE_(opname, ptr), (ptr), aio_st_b_, sizeof(aio_st_v_),  \
                         (order));                                                         \
    })

#define aio_sim_rmw_(opname, ptr, op, val)                                                 \
    __extension__({                                                                        \
        AIO_SIM_TYPE_(ptr) aio_rmw_v_ = (val), aio_rmw_old_;                               \
        uint64_t aio_rmw_b_ = 0;                                                           \
        __builtin_memcpy(&aio_rmw_b_, &aio_rmw_v_, sizeof(aio_rmw_v_));                    \
        aio_rmw_b_ = sim_mem_rmw_at(AIO_SIM_SITE_(opname, ptr), (ptr), (op), aio_rmw_b_,   \
                                    sizeof(aio_rmw_v_), __ATOMIC_SEQ_CST);                 \
        __builtin_memcpy(&aio_rmw_old_, &aio_rmw_b_, sizeof(aio_rmw_old_));                \
        aio_rmw_old_;                                                                      \
    })

#define aio_atomic_read(ptr) aio_sim_load_("read", ptr, __ATOMIC_RELAXED)
#define aio_atomic_set(ptr, val) aio_sim_store_("set", ptr, (val), __ATOMIC_RELAXED)
#define aio_atomic_load_acquire(ptr) aio_sim_load_("load_acquire", ptr, __ATOMIC_ACQUIRE)
#define aio_atomic_store_release(ptr, val)                                                 \
    aio_sim_store_("store_release", ptr, (val), __ATOMIC_RELEASE)
#define aio_atomic_xchg(ptr, val) aio_sim_rmw_("xchg", ptr, SIM_RMW_XCHG, (val))
#define aio_atomic_fetch_add(ptr, n) aio_sim_rmw_("fetch_add", ptr, SIM_RMW_ADD, (n))
#define aio_atomic_fetch_sub(ptr, n) aio_sim_rmw_("fetch_sub", ptr, SIM_RMW_SUB, (n))
#define aio_atomic_fetch_or(ptr, n) aio_sim_rmw_("fetch_or", ptr, SIM_RMW_OR, (n))
#define aio_atomic_fetch_and(ptr, n) aio_sim_rmw_("fetch_and", ptr, SIM_RMW_AND, (n))
/* Returns the value found; the swap happened iff it equals "expected". */
#define aio_atomic_cmpxchg(ptr, expected, desired)                                         \
    __extension__({                                                                        \
        AIO_SIM_TYPE_(ptr) aio_cx_e_ = (expected), aio_cx_d_ = (desired), aio_cx_old_;     \
        uint64_t aio_cx_eb_ = 0, aio_cx_db_ = 0;                                           \
        __builtin_memcpy(&aio_cx_eb_, &aio_cx_e_, sizeof(aio_cx_e_));                      \
        __builtin_memcpy(&aio_cx_db_, &aio_cx_d_, sizeof(aio_cx_d_));                      \
        aio_cx_eb_ = sim_mem_cmpxchg_at(AIO_SIM_SITE_("cmpxchg", ptr), (ptr), aio_cx_eb_,  \
                                        aio_cx_db_, sizeof(aio_cx_e_), __ATOMIC_SEQ_CST);  \
        __builtin_memcpy(&aio_cx_old_, &aio_cx_eb_, sizeof(aio_cx_old_));                  \
        aio_cx_old_;                                                                       \
    })

/* Fences: a full fence drains the caller's store buffer; a write barrier
 * orders its stores (pso); all three remain scheduling points. */
#define aio_smp_mb() sim_mem_fence_at(AIO_SIM_SITE_("smp_mb", ), __ATOMIC_SEQ_CST)
#define aio_smp_wmb() sim_mem_fence_at(AIO_SIM_SITE_("smp_wmb", ), __ATOMIC_RELEASE)
#define aio_smp_rmb() sim_mem_fence_at(AIO_SIM_SITE_("smp_rmb", ), __ATOMIC_ACQUIRE)

#endif

/*
 * wakesim/sync-barrier.h - the legacy __sync_* builtins keep the meaning GCC
 * documents for them, a full barrier, under wakesim's weak memory models.
 *
 * Compiled with ThreadSanitizer's hooks, __sync_fetch_and_add and
 * __atomic_fetch_add(..., __ATOMIC_SEQ_CST) reach the simulator as the same
 * seq_cst read-modify-write (the hooks cannot tell them apart), and under
 * the `arm` model a seq_cst RMW is not a full fence: later loads may pass
 * its store, as C11 allows.  GCC emits a full barrier after a __sync RMW on
 * ARM (dmb ish); clang does not.  This header, force-included by
 * wakesim_add_simulated_executable(... INSTRUMENT_ATOMICS SYNC_FULL_BARRIER)
 * (-include wakesim/sync-barrier.h), wraps each full-barrier __sync builtin
 * in wakesim_sync_fence() calls (a seq_cst fence of the simulator, from
 * libwakesim-tsan; a call, so gcc, which does not hook fences, sees it too):
 * the model then follows GCC's guarantee.  Without it the model follows
 * clang's code.  __sync_lock_test_and_set and __sync_lock_release are only
 * acquire and release barriers and are left alone.
 */
#ifndef WAKESIM_SYNC_BARRIER_H
#define WAKESIM_SYNC_BARRIER_H

#ifdef __cplusplus
extern "C" {
#endif
void wakesim_sync_fence(void);
#ifdef __cplusplus
}
#endif

#define WAKESIM_SYNC_FULL_(call)                                                           \
    __extension__({                                                                        \
        wakesim_sync_fence();                                                              \
        __typeof__(call) wakesim_sync_r_ = (call);                                         \
        wakesim_sync_fence();                                                              \
        wakesim_sync_r_;                                                                   \
    })

#define __sync_fetch_and_add(p, v) WAKESIM_SYNC_FULL_(__sync_fetch_and_add(p, v))
#define __sync_fetch_and_sub(p, v) WAKESIM_SYNC_FULL_(__sync_fetch_and_sub(p, v))
#define __sync_fetch_and_or(p, v) WAKESIM_SYNC_FULL_(__sync_fetch_and_or(p, v))
#define __sync_fetch_and_and(p, v) WAKESIM_SYNC_FULL_(__sync_fetch_and_and(p, v))
#define __sync_fetch_and_xor(p, v) WAKESIM_SYNC_FULL_(__sync_fetch_and_xor(p, v))
#define __sync_fetch_and_nand(p, v) WAKESIM_SYNC_FULL_(__sync_fetch_and_nand(p, v))
#define __sync_add_and_fetch(p, v) WAKESIM_SYNC_FULL_(__sync_add_and_fetch(p, v))
#define __sync_sub_and_fetch(p, v) WAKESIM_SYNC_FULL_(__sync_sub_and_fetch(p, v))
#define __sync_or_and_fetch(p, v) WAKESIM_SYNC_FULL_(__sync_or_and_fetch(p, v))
#define __sync_and_and_fetch(p, v) WAKESIM_SYNC_FULL_(__sync_and_and_fetch(p, v))
#define __sync_xor_and_fetch(p, v) WAKESIM_SYNC_FULL_(__sync_xor_and_fetch(p, v))
#define __sync_nand_and_fetch(p, v) WAKESIM_SYNC_FULL_(__sync_nand_and_fetch(p, v))
#define __sync_val_compare_and_swap(p, o, n)                                               \
    WAKESIM_SYNC_FULL_(__sync_val_compare_and_swap(p, o, n))
#define __sync_bool_compare_and_swap(p, o, n)                                              \
    WAKESIM_SYNC_FULL_(__sync_bool_compare_and_swap(p, o, n))
#define __sync_synchronize() wakesim_sync_fence()

#endif

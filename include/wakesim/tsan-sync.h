/*
 * wakesim/tsan-sync.h - gives the __sync_* read-modify-writes of foreign
 * code the full-barrier meaning GCC documents for them ("these builtins
 * are considered a full barrier").
 *
 * Force-included (-include) into every unit compiled with wakesim's TSan
 * hooks (wakesim_atomics_compile_options).  Why a header: under
 * -fsanitize=thread, gcc 12 and clang 14 both turn __sync_fetch_and_add
 * and __atomic_fetch_add(..., __ATOMIC_SEQ_CST) into the same call,
 * __tsan_atomic32_fetch_add(p, v, 5), so the hooks cannot tell them apart.
 * The difference is real on arm64: gcc ends a __sync RMW with `dmb ish`
 * (ldxr/stlxr, then the barrier), while a C11 seq_cst RMW is
 * ldaxr/stlxr alone, which a later load may pass (the `arm` memory
 * model).  Each macro below runs the builtin itself (a macro's own name is
 * not expanded again inside it) and then sim_mem_sync_barrier: the
 * thread's buffered stores commit, as after the dmb.
 *
 * __sync_synchronize already reaches the hooks as a seq_cst fence;
 * __sync_lock_test_and_set (acquire) and __sync_lock_release (release)
 * are documented as half barriers and arrive with those orders.
 */
#ifndef WAKESIM_TSAN_SYNC_H
#define WAKESIM_TSAN_SYNC_H

#ifdef __cplusplus
extern "C" {
#endif
/* In libwakesim-tsan.a: calls sim_mem_sync_barrier(). */
void __wakesim_sync_barrier(void);
#ifdef __cplusplus
}
#endif

#define WAKESIM_SYNC_FULL_(call)                                                           \
    __extension__({                                                                        \
        __typeof__(call) wakesim_sync_r_ = (call);                                         \
        __wakesim_sync_barrier();                                                          \
        wakesim_sync_r_;                                                                   \
    })

#define __sync_fetch_and_add(...) WAKESIM_SYNC_FULL_(__sync_fetch_and_add(__VA_ARGS__))
#define __sync_fetch_and_sub(...) WAKESIM_SYNC_FULL_(__sync_fetch_and_sub(__VA_ARGS__))
#define __sync_fetch_and_or(...) WAKESIM_SYNC_FULL_(__sync_fetch_and_or(__VA_ARGS__))
#define __sync_fetch_and_and(...) WAKESIM_SYNC_FULL_(__sync_fetch_and_and(__VA_ARGS__))
#define __sync_fetch_and_xor(...) WAKESIM_SYNC_FULL_(__sync_fetch_and_xor(__VA_ARGS__))
#define __sync_fetch_and_nand(...) WAKESIM_SYNC_FULL_(__sync_fetch_and_nand(__VA_ARGS__))
#define __sync_add_and_fetch(...) WAKESIM_SYNC_FULL_(__sync_add_and_fetch(__VA_ARGS__))
#define __sync_sub_and_fetch(...) WAKESIM_SYNC_FULL_(__sync_sub_and_fetch(__VA_ARGS__))
#define __sync_or_and_fetch(...) WAKESIM_SYNC_FULL_(__sync_or_and_fetch(__VA_ARGS__))
#define __sync_and_and_fetch(...) WAKESIM_SYNC_FULL_(__sync_and_and_fetch(__VA_ARGS__))
#define __sync_xor_and_fetch(...) WAKESIM_SYNC_FULL_(__sync_xor_and_fetch(__VA_ARGS__))
#define __sync_nand_and_fetch(...) WAKESIM_SYNC_FULL_(__sync_nand_and_fetch(__VA_ARGS__))
#define __sync_bool_compare_and_swap(...)                                                  \
    WAKESIM_SYNC_FULL_(__sync_bool_compare_and_swap(__VA_ARGS__))
#define __sync_val_compare_and_swap(...)                                                   \
    WAKESIM_SYNC_FULL_(__sync_val_compare_and_swap(__VA_ARGS__))

/* wakesim_atomics_compile_options(... PLAIN_STORES): the executable asks
 * the hook runtime to buffer plain stores under tso, pso and arm (weak, so
 * that every unit may define it; libwakesim-tsan.a reads it). */
#ifdef WAKESIM_PLAIN_STORES
__attribute__((weak)) extern const int wakesim_plain_stores_marker;
__attribute__((weak)) const int wakesim_plain_stores_marker = 1;
#endif

#endif

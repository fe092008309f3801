/*
 * tsan-atomics.c - wakesim's runtime for the compiler's atomic
 * instrumentation (the __tsan_atomic* hooks), used by foreign code such as
 * QEMU's event loop.
 *
 * QEMU's qatomic_*() macros and smp_mb() expand to compiler builtins, not to
 * a header we could replace.  Compiled with
 *     -fsanitize=thread -mllvm -tsan-instrument-memory-accesses=0
 *     -mllvm -tsan-instrument-func-entry-exit=0
 * clang turns every atomic builtin and fence into a call of the functions
 * below and leaves plain loads and stores alone (they are neither counted
 * nor scheduling points: a data race on a plain access is outside what this
 * target looks for, and instrumenting them would cost a call per access).
 * The objects are linked WITHOUT -fsanitize=thread, so these definitions are
 * the only ones: the real TSan runtime never loads.
 *
 * Each hook is a scheduling point of the simulator, then the access itself.
 * All simulated threads share one OS thread, so performing the access with
 * sequential consistency is exact for the interleavings the simulator
 * explores (it models no store buffer, like sim/shim/aio-atomic.h).  The
 * memory-order argument is therefore ignored.  Outside a simulated thread
 * sim_sched_point() returns at once and the hook is a plain atomic.
 */
#include <stdint.h>
#include "sim.h"

typedef int tsan_morder;

#define SC __ATOMIC_SEQ_CST

#define TSAN_ATOMIC_OPS(bits, T)                                                   \
    T __tsan_atomic##bits##_load(const volatile T *a, tsan_morder mo);              \
    T __tsan_atomic##bits##_load(const volatile T *a, tsan_morder mo)               \
    { (void)mo; sim_sched_point(); return __atomic_load_n(a, SC); }                \
    void __tsan_atomic##bits##_store(volatile T *a, T v, tsan_morder mo);           \
    void __tsan_atomic##bits##_store(volatile T *a, T v, tsan_morder mo)            \
    { (void)mo; sim_sched_point(); __atomic_store_n(a, v, SC); }                   \
    T __tsan_atomic##bits##_exchange(volatile T *a, T v, tsan_morder mo);           \
    T __tsan_atomic##bits##_exchange(volatile T *a, T v, tsan_morder mo)            \
    { (void)mo; sim_sched_point(); return __atomic_exchange_n(a, v, SC); }         \
    T __tsan_atomic##bits##_fetch_add(volatile T *a, T v, tsan_morder mo);          \
    T __tsan_atomic##bits##_fetch_add(volatile T *a, T v, tsan_morder mo)           \
    { (void)mo; sim_sched_point(); return __atomic_fetch_add(a, v, SC); }          \
    T __tsan_atomic##bits##_fetch_sub(volatile T *a, T v, tsan_morder mo);          \
    T __tsan_atomic##bits##_fetch_sub(volatile T *a, T v, tsan_morder mo)           \
    { (void)mo; sim_sched_point(); return __atomic_fetch_sub(a, v, SC); }          \
    T __tsan_atomic##bits##_fetch_and(volatile T *a, T v, tsan_morder mo);          \
    T __tsan_atomic##bits##_fetch_and(volatile T *a, T v, tsan_morder mo)           \
    { (void)mo; sim_sched_point(); return __atomic_fetch_and(a, v, SC); }          \
    T __tsan_atomic##bits##_fetch_or(volatile T *a, T v, tsan_morder mo);           \
    T __tsan_atomic##bits##_fetch_or(volatile T *a, T v, tsan_morder mo)            \
    { (void)mo; sim_sched_point(); return __atomic_fetch_or(a, v, SC); }           \
    T __tsan_atomic##bits##_fetch_xor(volatile T *a, T v, tsan_morder mo);          \
    T __tsan_atomic##bits##_fetch_xor(volatile T *a, T v, tsan_morder mo)           \
    { (void)mo; sim_sched_point(); return __atomic_fetch_xor(a, v, SC); }          \
    T __tsan_atomic##bits##_fetch_nand(volatile T *a, T v, tsan_morder mo);         \
    T __tsan_atomic##bits##_fetch_nand(volatile T *a, T v, tsan_morder mo)          \
    { (void)mo; sim_sched_point(); return __atomic_fetch_nand(a, v, SC); }         \
    /* Strong and weak alike: a weak CAS that never fails spuriously is legal. */  \
    int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, T v,     \
                                                      tsan_morder mo,               \
                                                      tsan_morder fmo);             \
    int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, T v,     \
                                                      tsan_morder mo,               \
                                                      tsan_morder fmo)              \
    {                                                                              \
        (void)mo; (void)fmo; sim_sched_point();                                     \
        return __atomic_compare_exchange_n(a, c, v, 0, SC, SC);                     \
    }                                                                              \
    int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, T v,       \
                                                    tsan_morder mo,                 \
                                                    tsan_morder fmo);               \
    int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, T v,       \
                                                    tsan_morder mo,                 \
                                                    tsan_morder fmo)                \
    {                                                                              \
        (void)mo; (void)fmo; sim_sched_point();                                     \
        return __atomic_compare_exchange_n(a, c, v, 0, SC, SC);                     \
    }                                                                              \
    T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v,           \
                                                 tsan_morder mo, tsan_morder fmo);  \
    T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v,           \
                                                 tsan_morder mo, tsan_morder fmo)   \
    {                                                                              \
        (void)mo; (void)fmo; sim_sched_point();                                     \
        __atomic_compare_exchange_n(a, &c, v, 0, SC, SC);                           \
        return c;                                                                  \
    }

TSAN_ATOMIC_OPS(8, uint8_t)
TSAN_ATOMIC_OPS(16, uint16_t)
TSAN_ATOMIC_OPS(32, uint32_t)
TSAN_ATOMIC_OPS(64, uint64_t)

/* A fence is where a real CPU drains its store buffer: a scheduling point. */
void __tsan_atomic_thread_fence(tsan_morder mo);
void __tsan_atomic_thread_fence(tsan_morder mo)
{
    (void)mo;
    sim_sched_point();
    __atomic_thread_fence(SC);
}

/* A compiler-only barrier: nothing another thread can observe. */
void __tsan_atomic_signal_fence(tsan_morder mo);
void __tsan_atomic_signal_fence(tsan_morder mo)
{
    (void)mo;
}

/* The instrumentation calls this from a constructor of each object; the real
 * runtime sets up its shadow memory there.  We have none. */
void __tsan_init(void);
void __tsan_init(void)
{
}

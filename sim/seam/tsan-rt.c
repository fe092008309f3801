/*
 * tsan-rt.c - wakesim's runtime for ThreadSanitizer's compiler hooks.
 *
 * Foreign code (QEMU's qatomic_* macros, C11 <stdatomic.h>, __atomic
 * builtins) is compiled with -fsanitize=thread but linked with this library
 * instead of the TSan runtime, the way the Linux kernel's KCSAN reuses the
 * same instrumentation.  With clang and
 *   -fsanitize=thread -mllvm -tsan-instrument-func-entry-exit=0
 *   -mllvm -tsan-instrument-memintrinsics=0
 * (cmake/WakesimAtomics.cmake) the compiler emits the atomic hooks,
 * __tsan_atomic_*_fence, __tsan_init and the plain-access hooks (below):
 * each atomic hook becomes one call of atomic-model.h (a
 * scheduling point, then the access), so every atomic access and fence of
 * the foreign code is a place where the simulator may switch threads.
 *
 * Plain loads and stores are not scheduling points: a race between plain
 * accesses is only explored at the atomics, calls and fences around it.
 * They are instrumented all the same (__tsan_readN / __tsan_writeN), for
 * one reason: foreign code may read or write plainly a location it has
 * just stored atomically (QEMU's RCU list macros publish a head with
 * qatomic_rcu_set and later unlink with plain writes).  Under a weak
 * memory model that store may still be in the thread's buffer, so the
 * hook commits it first (sim_mem_plain): no decision is taken, and under
 * sc the hook returns at once.
 *
 * In an executable built with PLAIN_STORES (a unit compiled with
 * WAKESIM_PLAIN_STORES defines the marker below: wakesim/tsan-sync.h), the
 * write hooks also buffer the plain store itself under tso, pso and arm
 * (sim_mem_plain_store); memcpy, memmove and memset, wrapped at link time
 * (interface link options of wakesim_tsan), commit the thread's buffered
 * stores to their ranges first, and the libc seam's free and realloc its
 * whole buffer (sim_mem_retire_plain).  docs/memory-model.md "Plain stores".
 *
 * 128-bit atomics are not provided: code using them fails to link.
 */
#include "atomic-model.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint8_t a8;
typedef uint16_t a16;
typedef uint32_t a32;
typedef uint64_t a64;

/* The instrumented module's constructor calls it: nothing to set up. */
void __tsan_init(void)
{
}

#define TSAN_ATOMIC_SIZE(N)                                                                \
    a##N __tsan_atomic##N##_load(const volatile a##N *a, int mo)                           \
    {                                                                                      \
        return (a##N)sim_atomic_load(a, sizeof(a##N), mo);                                 \
    }                                                                                      \
    void __tsan_atomic##N##_store(volatile a##N *a, a##N v, int mo)                        \
    {                                                                                      \
        sim_atomic_store(a, sizeof(a##N), v, mo);                                          \
    }                                                                                      \
    a##N __tsan_atomic##N##_exchange(volatile a##N *a, a##N v, int mo)                     \
    {                                                                                      \
        return (a##N)sim_atomic_rmw(a, sizeof(a##N), SIM_RMW_XCHG, v, mo);                 \
    }                                                                                      \
    a##N __tsan_atomic##N##_fetch_add(volatile a##N *a, a##N v, int mo)                    \
    {                                                                                      \
        return (a##N)sim_atomic_rmw(a, sizeof(a##N), SIM_RMW_ADD, v, mo);                  \
    }                                                                                      \
    a##N __tsan_atomic##N##_fetch_sub(volatile a##N *a, a##N v, int mo)                    \
    {                                                                                      \
        return (a##N)sim_atomic_rmw(a, sizeof(a##N), SIM_RMW_SUB, v, mo);                  \
    }                                                                                      \
    a##N __tsan_atomic##N##_fetch_and(volatile a##N *a, a##N v, int mo)                    \
    {                                                                                      \
        return (a##N)sim_atomic_rmw(a, sizeof(a##N), SIM_RMW_AND, v, mo);                  \
    }                                                                                      \
    a##N __tsan_atomic##N##_fetch_or(volatile a##N *a, a##N v, int mo)                     \
    {                                                                                      \
        return (a##N)sim_atomic_rmw(a, sizeof(a##N), SIM_RMW_OR, v, mo);                   \
    }                                                                                      \
    a##N __tsan_atomic##N##_fetch_xor(volatile a##N *a, a##N v, int mo)                    \
    {                                                                                      \
        return (a##N)sim_atomic_rmw(a, sizeof(a##N), SIM_RMW_XOR, v, mo);                  \
    }                                                                                      \
    a##N __tsan_atomic##N##_fetch_nand(volatile a##N *a, a##N v, int mo)                   \
    {                                                                                      \
        return (a##N)sim_atomic_rmw(a, sizeof(a##N), SIM_RMW_NAND, v, mo);                 \
    }                                                                                      \
    int __tsan_atomic##N##_compare_exchange_strong(volatile a##N *a, a##N *c, a##N v,      \
                                                   int mo, int fmo)                        \
    {                                                                                      \
        uint64_t e = *c;                                                                   \
        int ok = sim_atomic_cas(a, sizeof(a##N), &e, v, mo, fmo);                          \
        *c = (a##N)e;                                                                      \
        return ok;                                                                         \
    }                                                                                      \
    int __tsan_atomic##N##_compare_exchange_weak(volatile a##N *a, a##N *c, a##N v,        \
                                                 int mo, int fmo)                          \
    {                                                                                      \
        return __tsan_atomic##N##_compare_exchange_strong(a, c, v, mo, fmo);               \
    }                                                                                      \
    a##N __tsan_atomic##N##_compare_exchange_val(volatile a##N *a, a##N c, a##N v, int mo, \
                                                 int fmo)                                  \
    {                                                                                      \
        uint64_t e = c;                                                                    \
        sim_atomic_cas(a, sizeof(a##N), &e, v, mo, fmo);                                   \
        return (a##N)e;                                                                    \
    }

/* Each definition is preceded by its prototype to satisfy -Wmissing-prototypes
 * users; the hooks have no header (the compiler declares them). */
#define TSAN_DECLARE_SIZE(N)                                                               \
    a##N __tsan_atomic##N##_load(const volatile a##N *a, int mo);                          \
    void __tsan_atomic##N##_store(volatile a##N *a, a##N v, int mo);                       \
    a##N __tsan_atomic##N##_exchange(volatile a##N *a, a##N v, int mo);                    \
    a##N __tsan_atomic##N##_fetch_add(volatile a##N *a, a##N v, int mo);                   \
    a##N __tsan_atomic##N##_fetch_sub(volatile a##N *a, a##N v, int mo);                   \
    a##N __tsan_atomic##N##_fetch_and(volatile a##N *a, a##N v, int mo);                   \
    a##N __tsan_atomic##N##_fetch_or(volatile a##N *a, a##N v, int mo);                    \
    a##N __tsan_atomic##N##_fetch_xor(volatile a##N *a, a##N v, int mo);                   \
    a##N __tsan_atomic##N##_fetch_nand(volatile a##N *a, a##N v, int mo);                  \
    int __tsan_atomic##N##_compare_exchange_strong(volatile a##N *a, a##N *c, a##N v,      \
                                                   int mo, int fmo);                       \
    int __tsan_atomic##N##_compare_exchange_weak(volatile a##N *a, a##N *c, a##N v,        \
                                                 int mo, int fmo);                         \
    a##N __tsan_atomic##N##_compare_exchange_val(volatile a##N *a, a##N c, a##N v, int mo, \
                                                 int fmo);

TSAN_DECLARE_SIZE(8)
TSAN_DECLARE_SIZE(16)
TSAN_DECLARE_SIZE(32)
TSAN_DECLARE_SIZE(64)
void __tsan_init(void);
void __tsan_atomic_thread_fence(int mo);
void __tsan_atomic_signal_fence(int mo);

TSAN_ATOMIC_SIZE(8)
TSAN_ATOMIC_SIZE(16)
TSAN_ATOMIC_SIZE(32)
TSAN_ATOMIC_SIZE(64)

void __tsan_atomic_thread_fence(int mo)
{
    sim_atomic_fence(mo);
}

/* Orders the compiler against a signal handler on the same thread: no
 * other thread can observe anything, so it is not a scheduling point. */
void __tsan_atomic_signal_fence(int mo)
{
    __atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* ---- plain-access hooks (see the file comment) ---- */

/* Defined (weak, value 1) by every unit compiled with WAKESIM_PLAIN_STORES;
 * absent otherwise. */
extern const int wakesim_plain_stores_marker __attribute__((weak));
void wakesim_tsan_plain_stores(int on);
void *__real_memcpy(void *d, const void *s, size_t n);
void *__wrap_memcpy(void *d, const void *s, size_t n);
void *__real_memmove(void *d, const void *s, size_t n);
void *__wrap_memmove(void *d, const void *s, size_t n);
void *__real_memset(void *d, int c, size_t n);
void *__wrap_memset(void *d, int c, size_t n);

/* -1 until the first plain store asks; then whether plain stores are
 * buffered.  Per executable, so a reproducer replays in the program that
 * recorded it with the same setting. */
static int plain_mode = -1;

void wakesim_tsan_plain_stores(int on)
{
    /* Struct copies must commit the thread's buffered stores first: with
     * the wrap, this file's reference to memcpy is __wrap_memcpy (the
     * volatile keeps the compiler from folding the comparison). */
    void *(*volatile copier)(void *, const void *, size_t) = memcpy;
    if (on && copier != __wrap_memcpy) {
        fprintf(stderr, "wakesim: PLAIN_STORES needs memcpy, memmove and memset wrapped "
                        "(-Wl,--wrap=...: interface link options of wakesim_tsan)\n");
        abort();
    }
    plain_mode = on != 0;
    sim_mem_plain_stores_set(plain_mode);
}

static int plain_stores(void)
{
    if (__builtin_expect(plain_mode < 0, 0))
        wakesim_tsan_plain_stores(&wakesim_plain_stores_marker &&
                                  wakesim_plain_stores_marker);
    return plain_mode;
}

/* A plain access of the thread's own buffered location: sim_mem_plain
 * commits the buffered store first, so the plain read sees it and a plain
 * write is not overwritten by it later (same-thread coherence). */
#define TSAN_PLAIN_ACCESS(name, size)                                                      \
    void name(void *addr);                                                                 \
    void name(void *addr)                                                                  \
    {                                                                                      \
        sim_mem_plain(addr, size);                                                         \
    }
/* A plain store: buffered (PLAIN_STORES), else as any plain access. */
#define TSAN_PLAIN_STORE(name, size)                                                       \
    void name(void *addr);                                                                 \
    void name(void *addr)                                                                  \
    {                                                                                      \
        if (plain_stores())                                                                \
            sim_mem_plain_store(addr, size);                                               \
        else                                                                               \
            sim_mem_plain(addr, size);                                                     \
    }
TSAN_PLAIN_ACCESS(__tsan_read1, 1)
TSAN_PLAIN_ACCESS(__tsan_read2, 2)
TSAN_PLAIN_ACCESS(__tsan_read4, 4)
TSAN_PLAIN_ACCESS(__tsan_read8, 8)
TSAN_PLAIN_ACCESS(__tsan_read16, 16)
TSAN_PLAIN_STORE(__tsan_write1, 1)
TSAN_PLAIN_STORE(__tsan_write2, 2)
TSAN_PLAIN_STORE(__tsan_write4, 4)
TSAN_PLAIN_STORE(__tsan_write8, 8)
TSAN_PLAIN_STORE(__tsan_write16, 16)
TSAN_PLAIN_ACCESS(__tsan_unaligned_read2, 2)
TSAN_PLAIN_ACCESS(__tsan_unaligned_read4, 4)
TSAN_PLAIN_ACCESS(__tsan_unaligned_read8, 8)
TSAN_PLAIN_ACCESS(__tsan_unaligned_read16, 16)
TSAN_PLAIN_STORE(__tsan_unaligned_write2, 2)
TSAN_PLAIN_STORE(__tsan_unaligned_write4, 4)
TSAN_PLAIN_STORE(__tsan_unaligned_write8, 8)
TSAN_PLAIN_STORE(__tsan_unaligned_write16, 16)

/* Under a sanitizer the libc seam leaves the heap to the sanitizer's
 * allocator, so its free and realloc cannot commit the buffer
 * (sim_mem_retire_plain): the program's own calls are wrapped at link time
 * too (with the seam's heap on, the seam's commit finds nothing left). */
void __real_free(void *p);
void __wrap_free(void *p);
void *__real_realloc(void *p, size_t n);
void *__wrap_realloc(void *p, size_t n);

void __wrap_free(void *p)
{
    if (p)
        sim_mem_retire_plain(p);
    __real_free(p);
}

void *__wrap_realloc(void *p, size_t n)
{
    if (p)
        sim_mem_retire_plain(p);
    return __real_realloc(p, n);
}

/* Memory intrinsics: PLAIN_STORES units are compiled without
 * -tsan-instrument-memintrinsics=0, so clang calls memcpy, memmove and
 * memset for struct copies and clears instead of inlining moves the hooks
 * would not see.  The thread's own buffered stores to both ranges commit
 * first, as for any plain access.  The simulator's own calls land here
 * too: the guard keeps the model's calls from re-entering it. */
static _Thread_local int in_intrinsic;

static void intrinsic_access(const void *d, const void *s, size_t n)
{
    if (plain_mode <= 0 || in_intrinsic)
        return;
    in_intrinsic = 1;
    if (s)
        sim_mem_plain(s, n);
    sim_mem_plain(d, n);
    in_intrinsic = 0;
}

void *__wrap_memcpy(void *d, const void *s, size_t n)
{
    intrinsic_access(d, s, n);
    return __real_memcpy(d, s, n);
}

void *__wrap_memmove(void *d, const void *s, size_t n)
{
    intrinsic_access(d, s, n);
    return __real_memmove(d, s, n);
}

void *__wrap_memset(void *d, int c, size_t n)
{
    intrinsic_access(d, NULL, n);
    return __real_memset(d, c, n);
}

#define TSAN_PLAIN(name)                                                                   \
    void name(void *addr);                                                                 \
    void name(void *addr)                                                                  \
    {                                                                                      \
        (void)addr;                                                                        \
    }
TSAN_PLAIN(__tsan_func_entry)
void __tsan_func_exit(void);
void __tsan_func_exit(void)
{
}
void __tsan_read_range(void *addr, size_t n);
void __tsan_read_range(void *addr, size_t n)
{
    sim_mem_plain(addr, n);
}
void __tsan_write_range(void *addr, size_t n);
void __tsan_write_range(void *addr, size_t n)
{
    sim_mem_plain(addr, n);
}
void __tsan_vptr_update(void **vptr, void *val);
void __tsan_vptr_update(void **vptr, void *val)
{
}
void __tsan_vptr_read(void **vptr);
void __tsan_vptr_read(void **vptr)
{
}

/* ThreadSanitizer's system-call hooks, which code that detects TSan calls
 * around raw system calls so that the TSan runtime sees them: libuv wraps
 * syscall(SYS_close) in __sanitizer_syscall_pre_close/post_close (macros of
 * <sanitizer/linux_syscall_hooks.h> for these functions).  The call itself
 * reaches the seam (syscall.c); the hooks have nothing to record.  Weak:
 * a program that also links a sanitizer runtime (ASan defines every such
 * hook) keeps the runtime's. */
void __sanitizer_syscall_pre_impl_close(long fd);
__attribute__((weak)) void __sanitizer_syscall_pre_impl_close(long fd)
{
    (void)fd;
}
void __sanitizer_syscall_post_impl_close(long res, long fd);
__attribute__((weak)) void __sanitizer_syscall_post_impl_close(long res, long fd)
{
    (void)res;
    (void)fd;
}

/* The full barrier after a __sync_* RMW (include/wakesim/tsan-sync.h,
 * force-included into instrumented code). */
void __wakesim_sync_barrier(void);
void __wakesim_sync_barrier(void)
{
    sim_mem_sync_barrier();
}

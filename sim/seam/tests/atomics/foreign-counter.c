/* foreign-counter.c - "foreign" code: atomics written QEMU's way, on
 * compiler builtins and C11 <stdatomic.h>, with no wakesim header.  Built
 * with ThreadSanitizer's atomic hooks (see CMakeLists.txt). */
#include <stdatomic.h>
#include <stdint.h>

#define qatomic_read(ptr) __atomic_load_n(ptr, __ATOMIC_RELAXED)
#define qatomic_set(ptr, i) __atomic_store_n(ptr, i, __ATOMIC_RELAXED)
#define qatomic_cmpxchg(ptr, old, new)                                                     \
    ({                                                                                     \
        __typeof__(*ptr) old_ = (old);                                                     \
        __atomic_compare_exchange_n(ptr, &old_, new, 0, __ATOMIC_SEQ_CST,                  \
                                    __ATOMIC_SEQ_CST);                                     \
        old_;                                                                              \
    })
#define smp_mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)

void foreign_racy_increment(uint32_t *p);
void foreign_cas_increment(uint64_t *p);
void foreign_c11_increment(_Atomic uint16_t *p);
void foreign_fence(void);

/* Load, then store: an update can be lost between them. */
void foreign_racy_increment(uint32_t *p)
{
    uint32_t v = qatomic_read(p);
    qatomic_set(p, v + 1);
}

/* A compare-and-swap loop never loses one. */
void foreign_cas_increment(uint64_t *p)
{
    uint64_t old = qatomic_read(p), seen;
    while ((seen = qatomic_cmpxchg(p, old, old + 1)) != old)
        old = seen;
}

void foreign_c11_increment(_Atomic uint16_t *p)
{
    atomic_fetch_add(p, 1);
}

void foreign_fence(void)
{
    smp_mb();
}

/* What libuv's uv__close_nocancel does in a TSan build: the raw close
 * between ThreadSanitizer's system-call hooks (the macros of
 * <sanitizer/linux_syscall_hooks.h>, which gcc does not ship, expand to
 * these calls). */
#include <sys/syscall.h>
#include <unistd.h>
void __sanitizer_syscall_pre_impl_close(long fd);
void __sanitizer_syscall_post_impl_close(long res, long fd);
int foreign_raw_close(int fd);
int foreign_raw_close(int fd)
{
    __sanitizer_syscall_pre_impl_close((long)fd);
    long rc = syscall(SYS_close, fd);
    __sanitizer_syscall_post_impl_close(rc, (long)fd);
    return (int)rc;
}

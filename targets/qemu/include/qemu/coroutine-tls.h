/*
 * qemu/coroutine-tls.h - wakesim's replacement for QEMU's header of the same
 * name (it comes first on the include path of the QEMU target).
 *
 * QEMU keeps per-thread state such as the current AioContext of an iothread
 * (util/async.c's my_aiocontext) and the RCU reader state in variables
 * declared with these macros, which QEMU expands to __thread variables.
 * Under the simulator every simulated thread is a fiber of one OS thread, so
 * __thread would be shared by all of them: an iothread's context would
 * become every thread's "current context".  Here each variable is an array
 * with one slot per simulated thread (wk_fiber_tls_slot(), fiber-tls.c),
 * zeroed for each new run, with the same get_/set_/get_ptr_ accessors.
 */
#ifndef QEMU_COROUTINE_TLS_H
#define QEMU_COROUTINE_TLS_H

#include <stddef.h>
#include <stdint.h>

/* Simulated thread ids (1 = main) must stay below this; the host is 0. */
#define WK_FIBER_TLS_SLOTS 64

/* The calling simulated thread's slot of a variable stored as "slots" (an
 * array of WK_FIBER_TLS_SLOTS elements of "size" bytes) with "gens" (which
 * run last wrote each slot).  A slot from an earlier run reads as zero. */
void *wk_fiber_tls_slot(void *slots, uint64_t *gens, size_t size);

#define WK_CO_TLS_STORAGE(type, var)                                                       \
    static type co_tls_##var[WK_FIBER_TLS_SLOTS];                                          \
    static uint64_t co_tls_gen_##var[WK_FIBER_TLS_SLOTS];

#define WK_CO_TLS_ACCESSORS(storage, type, var)                                            \
    storage type *get_ptr_##var(void)                                                      \
    {                                                                                      \
        return wk_fiber_tls_slot(co_tls_##var, co_tls_gen_##var, sizeof(type));            \
    }                                                                                      \
    storage type get_##var(void)                                                           \
    {                                                                                      \
        return *get_ptr_##var();                                                           \
    }                                                                                      \
    storage void set_##var(type v)                                                         \
    {                                                                                      \
        *get_ptr_##var() = v;                                                              \
    }

#define QEMU_DECLARE_CO_TLS(type, var)                                                     \
    type get_##var(void);                                                                  \
    void set_##var(type v);                                                                \
    type *get_ptr_##var(void);

#define QEMU_DEFINE_CO_TLS(type, var)                                                      \
    WK_CO_TLS_STORAGE(type, var)                                                           \
    WK_CO_TLS_ACCESSORS(, type, var)

#define QEMU_DEFINE_STATIC_CO_TLS(type, var)                                               \
    WK_CO_TLS_STORAGE(type, var)                                                           \
    WK_CO_TLS_ACCESSORS(static __attribute__((unused)), type, var)

#endif

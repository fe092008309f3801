/*
 * fiber.c - stackful fibers: a hand-written x86_64 context switch, pooled
 * stacks and the AddressSanitizer fiber protocol.
 *
 * Why not swapcontext: it makes two rt_sigprocmask syscalls per switch
 * (~2.5 us here); saving the six callee-saved registers and rsp costs ~20 ns,
 * and the simulator switches at every scheduling point.  The signal mask and
 * the x87/MXCSR control words are not switched: nothing in a run changes them.
 *
 * ASan protocol (toolchain-notes.md): __sanitizer_start_switch_fiber before
 * every switch and __sanitizer_finish_switch_fiber right after it; a new
 * fiber calls finish first, to learn the host's stack bounds; a fiber that
 * ends for good passes NULL as its fake-stack slot (ASan frees its fake
 * stack); a pooled stack is unpoisoned before reuse (an abandoned fiber
 * leaves poisoned redzones behind).
 */
#include "sim-int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SIM_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) && !defined(SIM_ASAN)
#define SIM_ASAN 1
#endif

#ifdef SIM_ASAN
#include <sanitizer/asan_interface.h>
#include <sanitizer/common_interface_defs.h>
#endif

#if !defined(__x86_64__)
#error "sim/core/fiber.c: only the x86_64 context switch is written"
#endif

enum {
    SIM_STACK_SIZE = 256 * 1024,
    SIM_GUARD_SIZE = 4096,
    SIM_POOL_MAX = 64,
};

/* sim__fiber_swap(void **save_sp, void *load_sp): pushes the callee-saved
 * registers, saves rsp, loads the other rsp, pops, returns into the other
 * fiber.  sim__fiber_start: a new fiber's first "return address"; r13 holds
 * the C entry, r12 its argument (placed by sim_fiber_create). */
void sim__fiber_swap(void **save_sp, void *load_sp);
void sim__fiber_start(void);
__asm__(".text\n"
        ".globl sim__fiber_swap\n"
        ".hidden sim__fiber_swap\n"
        ".type sim__fiber_swap,@function\n"
        "sim__fiber_swap:\n"
        "    pushq %rbp\n"
        "    pushq %rbx\n"
        "    pushq %r12\n"
        "    pushq %r13\n"
        "    pushq %r14\n"
        "    pushq %r15\n"
        "    movq %rsp, (%rdi)\n"
        "    movq %rsi, %rsp\n"
        "    popq %r15\n"
        "    popq %r14\n"
        "    popq %r13\n"
        "    popq %r12\n"
        "    popq %rbx\n"
        "    popq %rbp\n"
        "    ret\n"
        ".size sim__fiber_swap, .-sim__fiber_swap\n"
        ".globl sim__fiber_start\n"
        ".hidden sim__fiber_start\n"
        ".type sim__fiber_start,@function\n"
        "sim__fiber_start:\n"
        "    .cfi_startproc\n"
        "    .cfi_undefined rip\n" /* unwinders stop here */
        "    movq %r12, %rdi\n"
        "    andq $-16, %rsp\n"
        "    call *%r13\n"
        "    ud2\n"
        "    .cfi_endproc\n"
        ".size sim__fiber_start, .-sim__fiber_start\n");

/* ---- the stack cache: memory only, no simulation state ---- */
static struct {
    bool locked;
    void *maps[SIM_POOL_MAX];
    int n;
} stack_pool;

/* A spin lock, not a pthread mutex: the libc seam defines
 * pthread_mutex_lock in the program, and a simulated thread creating a
 * thread reaches the pool.  The section is one push or pop; contention
 * needs two worlds on two OS threads creating threads at once. */
static void pool_lock(void)
{
    while (__atomic_test_and_set(&stack_pool.locked, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&stack_pool.locked, __ATOMIC_RELAXED))
            ;
}

static void pool_unlock(void)
{
    __atomic_clear(&stack_pool.locked, __ATOMIC_RELEASE);
}

static void *stack_acquire(void)
{
    void *map = NULL;
    pool_lock();
    if (stack_pool.n > 0)
        map = stack_pool.maps[--stack_pool.n];
    pool_unlock();
    if (map) {
#ifdef SIM_ASAN
        __asan_unpoison_memory_region((char *)map + SIM_GUARD_SIZE, SIM_STACK_SIZE);
#endif
        return map;
    }
    map = mmap(NULL, SIM_GUARD_SIZE + SIM_STACK_SIZE, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    /* The guard page turns a stack overflow into a clean SIGSEGV. */
    mprotect(map, SIM_GUARD_SIZE, PROT_NONE);
    return map;
}

static void stack_release(void *map)
{
    pool_lock();
    if (stack_pool.n < SIM_POOL_MAX) {
        stack_pool.maps[stack_pool.n++] = map;
        map = NULL;
    }
    pool_unlock();
    if (map)
        munmap(map, SIM_GUARD_SIZE + SIM_STACK_SIZE);
}

/* First C code on a new fiber. */
static void fiber_main(void *arg)
{
    sim_fiber_t *f = arg;
#ifdef SIM_ASAN
    __sanitizer_finish_switch_fiber(NULL, &f->host->stack_bottom, &f->host->stack_size);
#endif
    f->fn(f->arg);
    sim_fatal("fiber entry returned");
}

int sim_fiber_create(sim_fiber_t *f, sim_fiber_t *host, void (*fn)(void *), void *arg)
{
    memset(f, 0, sizeof(*f));
    f->mapping = stack_acquire();
    if (!f->mapping)
        return -ENOMEM;
    f->stack_bottom = (char *)f->mapping + SIM_GUARD_SIZE;
    f->stack_size = SIM_STACK_SIZE;
    f->host = host;
    f->fn = fn;
    f->arg = arg;

    uintptr_t top = ((uintptr_t)f->stack_bottom + SIM_STACK_SIZE) & ~(uintptr_t)15;
    void **sp = (void **)top - 8;
    sp[0] = NULL;                     /* r15 */
    sp[1] = NULL;                     /* r14 */
    sp[2] = (void *)fiber_main;       /* r13: entry */
    sp[3] = f;                        /* r12: its argument */
    sp[4] = NULL;                     /* rbx */
    sp[5] = NULL;                     /* rbp */
    sp[6] = (void *)sim__fiber_start; /* return address of the first swap */
    sp[7] = NULL;                     /* padding: start sees rsp = top - 8 */
    f->sp = sp;
    return 0;
}

void sim_fiber_switch(sim_fiber_t *from, sim_fiber_t *to)
{
#ifdef SIM_ASAN
    __sanitizer_start_switch_fiber(&from->fake_stack, to->stack_bottom, to->stack_size);
#endif
    sim__fiber_swap(&from->sp, to->sp);
#ifdef SIM_ASAN
    __sanitizer_finish_switch_fiber(from->fake_stack, NULL, NULL);
#endif
}

void sim_fiber_exit(sim_fiber_t *from, sim_fiber_t *to)
{
#ifdef SIM_ASAN
    __sanitizer_start_switch_fiber(NULL, to->stack_bottom, to->stack_size);
#endif
    sim__fiber_swap(&from->sp, to->sp);
    sim_fatal("a fiber that exited was resumed");
}

void sim_fiber_release(sim_fiber_t *f)
{
    if (f->mapping)
        stack_release(f->mapping);
    f->mapping = NULL;
}

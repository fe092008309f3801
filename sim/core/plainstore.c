/*
 * plainstore.c - plain (non-atomic) stores of instrumented foreign code in
 * the store buffers of tso, pso and arm (sim_mem_plain_store).
 *
 * ThreadSanitizer's __tsan_writeN hook runs before the store and is given
 * the address only, so the hook cannot hold the value back.  Instead it
 * records the address and the bytes there (the thread's "pending" plain
 * store), the store then writes memory, and at the thread's next hook or
 * scheduling point the store is settled: the new bytes are read from
 * memory and enter the thread's buffer like a relaxed store, and memory
 * gets the old bytes back.  Invariants:
 *  - Only the running thread has a pending store, and it is settled before
 *    any other thread, the host or the kernel model runs (sched.c settles
 *    at every scheduling point, block, exit and switch; storebuf.c before
 *    any drain or own commit), so no other thread ever sees its bytes
 *    early.  Until it settles, the thread's own uninstrumented code (libc,
 *    the seam) sees the new bytes, as it should.
 *  - After it settles, the thread's own instrumented reads of it commit it
 *    first (sim_mem_plain), and its seam loads forward from the buffer.
 *    What the thread reads without a hook (memcpy/memset calls, glib,
 *    inline assembly) sees memory: docs/memory-model.md says which code
 *    this opt-in suits.
 *  - Freeing or reallocating memory settles and drains first (the
 *    allocator's own writes must come after the thread's stores:
 *    sim_mem_retire, reached from free/realloc wraps in sim/seam/tsan-rt.c).
 *  - Stores to the thread's own stack are never buffered: a frame dies
 *    without a free, and the seam and libc reuse it at once.  Nor is errno
 *    (one per OS thread, so shared by every simulated thread).
 */
#include "sim-int.h"

#include <errno.h>

static bool on_own_stack(const sim_thread_t *t, const volatile void *p)
{
    uintptr_t a = (uintptr_t)p, lo = (uintptr_t)t->fiber.stack_bottom;
    return a - lo < t->fiber.stack_size;
}

static bool bufferable(const sim_thread_t *t, const volatile void *p, size_t n)
{
    if (n != 1 && n != 2 && n != 4 && n != 8)
        return false; /* 16-byte stores: not in a uint64_t entry */
    return !on_own_stack(t, p) && p != (const volatile void *)&errno;
}

void sim_mem_plain_store(volatile void *p, size_t n)
{
    sim_world_t *w = sim__current_world;
    sim_thread_t *t = w && w->mem ? w->current : NULL;
    if (!t)
        return;
    sim_memory_settle(w, t);
    if (t->mem_unbuffered || !bufferable(t, p, n)) {
        /* Straight to memory, after the thread's own stores to it. */
        sim_memory_commit_own(w, t, p, n);
        return;
    }
    t->plain_addr = p;
    t->plain_size = (uint8_t)n;
    t->plain_old = sim_memory_read(p, (unsigned)n);
}

void sim_memory_settle(sim_world_t *w, sim_thread_t *t)
{
    volatile void *p = t->plain_addr;
    if (!p)
        return;
    t->plain_addr = NULL;
    unsigned n = t->plain_size;
    uint64_t bits = sim_memory_read(p, n);
    /* A store of the value already there, with nothing older buffered, may
     * commit at once: no thread can tell, and the buffer stays free. */
    if (bits == t->plain_old && !sim_memory_thread_pending(w, t))
        return;
    sim_memory_write(p, t->plain_old, n);
    /* arm: another thread's buffered RMW of p has read the value before
     * it; this store may not fall between that read and its write. */
    sim_memory_claim(w, t, p, n, true);
    sim_memory_buffer(w, t, p, bits, n);
}

/*
 * memory.c - one shared-memory access under the world's memory model (the
 * API of sim-memory.h).  Every access is first a scheduling point, exactly
 * as the sequentially consistent seam always was, so under sc the decision
 * stream and the event log are the same as before the models existed.
 *
 * Under tso, pso and arm, plain stores of the seam enter the calling
 * thread's store buffer (storebuf.c); loads forward from it; locked
 * read-modify-writes and full fences drain it first, as x86 does.  Under
 * arm a read-modify-write buffers its write instead (rmw_prologue,
 * rmw_write).  Every other scheduling point
 * (system calls, locks, thread operations, blocking, exit) drains it too:
 * see sim_sched_point() in sched.c.
 */
#include "sim-int.h"

#include <string.h>

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "values travel as the low bytes of a uint64_t: little-endian only");

const char *sim_memory_model_name(sim_memory_model_t m)
{
    static const char *const names[SIM_MEMORY_COUNT] = {
        [SIM_MEMORY_SC] = "sc",
        [SIM_MEMORY_TSO] = "tso",
        [SIM_MEMORY_PSO] = "pso",
        [SIM_MEMORY_ARM] = "arm",
    };
    return (unsigned)m < SIM_MEMORY_COUNT ? names[m] : "?";
}

int sim_memory_model_parse(const char *name)
{
    for (int m = 0; name && m < SIM_MEMORY_COUNT; m++)
        if (strcmp(name, sim_memory_model_name((sim_memory_model_t)m)) == 0)
            return m;
    return -1;
}

/* The thread whose access this is, after its scheduling point, if the
 * world buffers stores; else NULL (sc, outside a run, on the host, or while
 * the thread releases memory inside glib: see retire.c). */
static sim_thread_t *weak_thread(sim_world_t *w)
{
    return w && w->mem && w->current && !w->current->mem_unbuffered ? w->current : NULL;
}

/* Sites of accesses made through the unlabelled API (tests, the libc
 * seam's atomics): named by their operation only. */
static const sim_site_t load_site = { NULL, "load", NULL };
static const sim_site_t store_site = { NULL, "store", NULL };
static const sim_site_t rmw_site = { NULL, "rmw", NULL };
static const sim_site_t cmpxchg_site = { NULL, "cmpxchg", NULL };
static const sim_site_t fence_site = { NULL, "fence", NULL };

uint64_t sim_mem_load(const volatile void *p, unsigned size, int order)
{
    return sim_mem_load_at(&load_site, p, size, order);
}

void sim_mem_store(volatile void *p, uint64_t v, unsigned size, int order)
{
    sim_mem_store_at(&store_site, p, v, size, order);
}

uint64_t sim_mem_rmw(volatile void *p, sim_rmw_op_t op, uint64_t v, unsigned size,
                     int order)
{
    return sim_mem_rmw_at(&rmw_site, p, op, v, size, order);
}

uint64_t sim_mem_cmpxchg(volatile void *p, uint64_t expected, uint64_t desired,
                         unsigned size, int order)
{
    return sim_mem_cmpxchg_at(&cmpxchg_site, p, expected, desired, size, order);
}

void sim_mem_fence(int order)
{
    sim_mem_fence_at(&fence_site, order);
}

uint64_t sim_mem_load_at(const sim_site_t *site, const volatile void *p, unsigned size,
                         int order)
{
    sim_world_t *w = sim__current_world;
    sim_mem_sched_point(site);
    sim_thread_t *t = weak_thread(w);
    uint64_t bits;
    /* Loads are never reordered with each other.  Under arm a seq_cst load
     * (ldar) may not pass an earlier release store or RMW; draining is the
     * simple, stronger form of that rule.  Under tso/pso the store side
     * already carries the fence. */
    if (t && order == __ATOMIC_SEQ_CST && sim_memory_model(w) == SIM_MEMORY_ARM)
        sim_memory_drain(w, t);
    if (t && t->hold_armed)
        sim_hold_loaded(w, t); /* the read of a store-buffering pattern */
    if (t && sim_memory_forward(w, t, p, size, &bits))
        return bits;
    return sim_memory_read(p, size);
}

void sim_mem_store_at(const sim_site_t *site, volatile void *p, uint64_t v, unsigned size,
                      int order)
{
    sim_world_t *w = sim__current_world;
    sim_mem_sched_point(site);
    sim_thread_t *t = weak_thread(w);
    if (!t) {
        sim_memory_write(p, v, size);
        return;
    }
    if (order == __ATOMIC_RELEASE || order == __ATOMIC_ACQ_REL || order == __ATOMIC_SEQ_CST)
        sim_memory_write_barrier(w, t);
    /* arm: another thread's buffered RMW of p has already read the value
     * before it; this store may not come between that read and its write. */
    sim_memory_claim(w, t, p, size, true);
    sim_memory_buffer(w, t, p, v, size);
    if (order == __ATOMIC_SEQ_CST)
        sim_memory_drain(w, t);
}

/* Locked instructions drain the store buffer before they execute
 * (tso/pso).  Returns the thread if the RMW is to be buffered (arm). */
static sim_thread_t *rmw_prologue(sim_world_t *w, const sim_site_t *site)
{
    sim_mem_sched_point(site);
    sim_thread_t *t = weak_thread(w);
    if (!t)
        return NULL;
    if (sim_memory_model(w) != SIM_MEMORY_ARM) {
        sim_memory_drain(w, t);
        return NULL;
    }
    /* arm: the RMW is a release (stores before it commit first: a write
     * barrier) and atomic: no other thread's store to the location may
     * commit between its read and its write, so rmw_read commits those
     * before it reads. */
    sim_memory_write_barrier(w, t);
    return t;
}

/* The value an RMW of t reads: its own newest buffered store, else memory
 * (after rmw_prologue, no other thread holds a store to p). */
static uint64_t rmw_read(sim_world_t *w, sim_thread_t *t, volatile void *p, unsigned size)
{
    uint64_t bits;
    if (t) {
        if (t->hold_armed)
            sim_hold_loaded(w, t);
        sim_memory_claim(w, t, p, size, false);
        if (sim_memory_forward(w, t, p, size, &bits))
            return bits;
    }
    return sim_memory_read(p, size);
}

/* The write half: to memory (tso/pso, sc), or into t's buffer (arm).  No
 * barrier after it: later stores to other locations may commit first, as
 * they may pass the store-release half of an ldaxr/stlxr pair (C11 orders
 * them only after the RMW's read, which has happened). */
static void rmw_write(sim_world_t *w, sim_thread_t *t, volatile void *p, uint64_t bits,
                      unsigned size)
{
    if (!t) {
        sim_memory_write(p, bits, size);
        return;
    }
    sim_memory_buffer_rmw(w, t, p, bits, size);
}

static uint64_t truncate_bits(uint64_t v, unsigned size)
{
    return size >= 8 ? v : v & ((UINT64_C(1) << (size * 8)) - 1);
}

uint64_t sim_mem_rmw_at(const sim_site_t *site, volatile void *p, sim_rmw_op_t op,
                        uint64_t v, unsigned size, int order)
{
    (void)order;
    sim_world_t *w = sim__current_world;
    sim_thread_t *t = rmw_prologue(w, site);
    uint64_t old = rmw_read(w, t, p, size), nv = v;
    switch (op) {
    case SIM_RMW_XCHG:
        nv = v;
        break;
    case SIM_RMW_ADD:
        nv = old + v;
        break;
    case SIM_RMW_SUB:
        nv = old - v;
        break;
    case SIM_RMW_OR:
        nv = old | v;
        break;
    case SIM_RMW_AND:
        nv = old & v;
        break;
    case SIM_RMW_XOR:
        nv = old ^ v;
        break;
    case SIM_RMW_NAND:
        nv = ~(old & v);
        break;
    }
    rmw_write(w, t, p, truncate_bits(nv, size), size);
    return old;
}

uint64_t sim_mem_cmpxchg_at(const sim_site_t *site, volatile void *p, uint64_t expected,
                            uint64_t desired, unsigned size, int order)
{
    (void)order;
    sim_world_t *w = sim__current_world;
    sim_thread_t *t = rmw_prologue(w, site);
    uint64_t old = rmw_read(w, t, p, size);
    if (old == truncate_bits(expected, size))
        rmw_write(w, t, p, desired, size);
    return old;
}

void sim_mem_fence_at(const sim_site_t *site, int order)
{
    sim_world_t *w = sim__current_world;
    sim_mem_sched_point(site);
    sim_thread_t *t = weak_thread(w);
    if (!t)
        return;
    if (order == __ATOMIC_SEQ_CST || order == __ATOMIC_ACQ_REL)
        sim_memory_drain(w, t);
    else if (order == __ATOMIC_RELEASE)
        sim_memory_write_barrier(w, t); /* only pso reorders across it */
}

void sim_mem_sync_barrier(void)
{
    sim_world_t *w = sim__current_world;
    sim_thread_t *t = weak_thread(w);
    if (t)
        sim_memory_drain(w, t);
}

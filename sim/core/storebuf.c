/*
 * storebuf.c - per-thread store buffers of the tso, pso and arm memory
 * models.
 *
 * Each simulated thread owns a bounded buffer of stores that other threads
 * cannot see yet.  Invariants:
 *  - Entries are kept in program order (e[0] oldest).  Under tso only e[0]
 *    may commit; under pso and arm an entry may commit when no older entry
 *    of the same thread overlaps it (same-address stores never reorder:
 *    coherence) and no write barrier separates it from e[0] (same epoch as
 *    e[0]).
 *  - Under arm an entry may be the write half of a read-modify-write
 *    (rmw).  Its read saw memory with no other thread's store to the
 *    location pending, and no other thread's store to it enters a buffer
 *    while it is pending (sim_memory_claim): so no write can come between
 *    the read and the write in the location's order, which is what makes
 *    the RMW atomic.
 *  - Memory always holds the committed value; the owner's loads look at its
 *    own buffer first (store forwarding), every other thread reads memory.
 *  - mem->pending counts the entries of all buffers: 0 means no commit
 *    choice is offered, so a run that never buffers anything takes exactly
 *    the decisions of the sequentially consistent model.
 *  - Every buffer is empty when its thread blocks or exits and at the end of
 *    a run (drained in program order, which TSO always allows).
 *  - Entries come from seam stores, RMW writes (arm) and settled plain
 *    stores of instrumented code (plainstore.c); all are alike here.
 *  - A held entry (hold.c) differs only in the random commit draws, which
 *    pass it over while its thread's hold lasts; b->n_held counts them.
 *    Every drain and forced commit treats it like any other entry.
 */
#include "sim-int.h"

#include <stdlib.h>
#include <string.h>

/* A bounded buffer, as on real CPUs (x86 cores have 40-70 entries): a store
 * into a full buffer first commits the oldest entry. */
#define SIM_STOREBUF_CAP 32

typedef struct {
    volatile void *addr;
    uint64_t bits;
    uint32_t epoch; /* write-barrier epoch when stored (pso, arm) */
    uint8_t size;
    bool rmw;  /* the write half of a read-modify-write (arm) */
    bool held; /* drawn to be held (hold.c) */
} sim_sb_entry_t;

typedef struct {
    sim_sb_entry_t e[SIM_STOREBUF_CAP];
    unsigned n;
    unsigned n_held; /* entries with held set */
    uint32_t epoch;  /* bumped by each write barrier */
} sim_storebuf_t;

struct sim_memory {
    sim_memory_model_t model;
    sim_storebuf_t *bufs; /* indexed by thread id - 1, grown on demand */
    size_t n_bufs;
    unsigned pending; /* entries in all buffers */
};

int sim_memory_init(sim_world_t *w)
{
    sim_memory_model_t m = w->opt.memory_model;
    if ((unsigned)m >= SIM_MEMORY_COUNT)
        return -1;
    if (m == SIM_MEMORY_SC)
        return 0; /* no buffers: w->mem stays NULL */
    /* A buffered store must commit before its thread frees the memory
     * (retire.c), which needs this executable linked with the interface
     * option of wakesim_sim; without it, weak-memory runs would write into
     * freed memory. */
    if (!sim_mem_retire_linked())
        sim_fatal("weak memory model %s: this executable was not linked with "
                  "-Wl,--wrap=g_free (interface link options of wakesim_sim)",
                  sim_memory_model_name(m));
    w->mem = calloc(1, sizeof(*w->mem));
    if (!w->mem)
        return -1;
    w->mem->model = m;
    return 0;
}

void sim_memory_free(sim_world_t *w)
{
    if (w->mem)
        free(w->mem->bufs);
    free(w->mem);
    w->mem = NULL;
}

sim_memory_model_t sim_memory_model(const sim_world_t *w)
{
    return w->mem ? w->mem->model : SIM_MEMORY_SC;
}

static sim_storebuf_t *buf_of(sim_memory_t *mem, const sim_thread_t *t)
{
    size_t i = (size_t)t->id - 1;
    if (i >= mem->n_bufs) {
        size_t n = mem->n_bufs ? mem->n_bufs : 4;
        while (n <= i)
            n *= 2;
        sim_storebuf_t *b = realloc(mem->bufs, n * sizeof(*b));
        if (!b)
            sim_fatal("out of memory for store buffers");
        memset(b + mem->n_bufs, 0, (n - mem->n_bufs) * sizeof(*b));
        mem->bufs = b;
        mem->n_bufs = n;
    }
    return &mem->bufs[i];
}

/* Commits entry i of b (which must be allowed to commit) to memory. */
static void commit_at(sim_memory_t *mem, sim_storebuf_t *b, unsigned i)
{
    sim_memory_write(b->e[i].addr, b->e[i].bits, b->e[i].size);
    b->n_held -= b->e[i].held;
    memmove(&b->e[i], &b->e[i + 1], (b->n - i - 1) * sizeof(b->e[0]));
    b->n--;
    mem->pending--;
}

void sim_memory_drain(sim_world_t *w, sim_thread_t *t)
{
    sim_memory_t *mem = w->mem;
    if (mem)
        sim_memory_settle(w, t); /* its pending plain store drains too */
    if (!mem || !mem->pending || (size_t)t->id > mem->n_bufs)
        return;
    sim_storebuf_t *b = &mem->bufs[t->id - 1];
    for (unsigned i = 0; i < b->n; i++)
        sim_memory_write(b->e[i].addr, b->e[i].bits, b->e[i].size);
    mem->pending -= b->n;
    b->n = 0;
    b->n_held = 0;
}

void sim_memory_drain_all(sim_world_t *w)
{
    for (int i = 0; w->mem && i < w->n_threads; i++)
        sim_memory_drain(w, w->threads[i]);
}

static bool overlaps(const sim_sb_entry_t *e, const volatile void *p, size_t size)
{
    uintptr_t a = (uintptr_t)e->addr, b = (uintptr_t)p;
    return a < b + size && b < a + e->size;
}

/* Commits b's entries up to and including its newest one overlapping
 * [p, p+size) (only RMW writes if rmw_only).  Committing a prefix of a
 * buffer, in program order, is always allowed. */
static void commit_through(sim_memory_t *mem, sim_storebuf_t *b, const volatile void *p,
                           size_t size, bool rmw_only)
{
    unsigned last = 0;
    for (unsigned j = 0; j < b->n; j++)
        if ((!rmw_only || b->e[j].rmw) && overlaps(&b->e[j], p, size))
            last = j + 1;
    while (last-- > 0)
        commit_at(mem, b, 0);
}

bool sim_memory_forward(sim_world_t *w, sim_thread_t *t, const volatile void *p,
                        unsigned size, uint64_t *bits)
{
    sim_memory_t *mem = w->mem;
    if (!mem->pending || (size_t)t->id > mem->n_bufs)
        return false;
    sim_storebuf_t *b = &mem->bufs[t->id - 1];
    for (unsigned i = b->n; i-- > 0;) {
        if (!overlaps(&b->e[i], p, size))
            continue;
        if (b->e[i].addr == p && b->e[i].size == size) {
            *bits = b->e[i].bits;
            return true;
        }
        /* A partial overlap (mixed-size access): stop buffering rather than
         * assemble bytes from several entries. */
        sim_memory_drain(w, t);
        return false;
    }
    return false;
}

static void buffer_entry(sim_world_t *w, sim_thread_t *t, volatile void *p, uint64_t bits,
                         unsigned size, bool rmw)
{
    sim_memory_t *mem = w->mem;
    sim_storebuf_t *b = buf_of(mem, t);
    if (b->n == SIM_STOREBUF_CAP)
        commit_at(mem, b, 0);
    bool held = sim_hold_draw(w, t);
    b->e[b->n++] = (sim_sb_entry_t){ .addr = p,
                                     .bits = bits,
                                     .epoch = b->epoch,
                                     .size = (uint8_t)size,
                                     .rmw = rmw,
                                     .held = held };
    b->n_held += held;
    mem->pending++;
}

void sim_memory_buffer(sim_world_t *w, sim_thread_t *t, volatile void *p, uint64_t bits,
                       unsigned size)
{
    buffer_entry(w, t, p, bits, size, false);
}

void sim_memory_buffer_rmw(sim_world_t *w, sim_thread_t *t, volatile void *p, uint64_t bits,
                           unsigned size)
{
    buffer_entry(w, t, p, bits, size, true);
}

void sim_memory_claim(sim_world_t *w, sim_thread_t *t, const volatile void *p,
                      unsigned size, bool rmw_only)
{
    sim_memory_t *mem = w->mem;
    if (!mem || mem->model != SIM_MEMORY_ARM || !mem->pending)
        return;
    for (size_t i = 0; i < mem->n_bufs; i++)
        if (i != (size_t)t->id - 1)
            commit_through(mem, &mem->bufs[i], p, size, rmw_only);
}

void sim_memory_commit_own(sim_world_t *w, sim_thread_t *t, const volatile void *p,
                           size_t n)
{
    sim_memory_t *mem = w->mem;
    sim_memory_settle(w, t);
    if (!mem->pending || (size_t)t->id > mem->n_bufs)
        return;
    commit_through(mem, &mem->bufs[t->id - 1], p, n, false);
}

void sim_memory_write_barrier(sim_world_t *w, sim_thread_t *t)
{
    sim_storebuf_t *b = buf_of(w->mem, t);
    if (b->n)
        b->epoch++; /* later stores wait for earlier ones */
}

/* Entry i of b may commit now (see the file comment). */
static bool may_commit(sim_memory_model_t m, const sim_storebuf_t *b, unsigned i)
{
    if (i == 0)
        return true;
    if (m == SIM_MEMORY_TSO || b->e[i].epoch != b->e[0].epoch)
        return false;
    for (unsigned j = 0; j < i; j++)
        if (overlaps(&b->e[j], b->e[i].addr, b->e[i].size))
            return false;
    return true;
}

/* Whether a hold keeps e (of the thread with index ti) from the random
 * commit draws (hold.c). */
static bool kept(const sim_world_t *w, size_t ti, const sim_sb_entry_t *e)
{
    return e->held && (int)ti < w->n_threads && sim_hold_active(w->threads[ti]);
}

/* Visits the entries that may commit, in (thread id, program order)
 * order, counting them all (returned) and, in *n_free, those no hold
 * keeps.  With want >= 0, stops at the want-th of them (of the free ones
 * if free_only), commits it if commit, and returns its position among
 * them all. */
static unsigned visit_options(sim_world_t *w, long want, bool free_only, bool commit,
                              unsigned *n_free)
{
    sim_memory_t *mem = w->mem;
    unsigned k = 0, f = 0;
    for (size_t t = 0; t < mem->n_bufs; t++) {
        sim_storebuf_t *b = &mem->bufs[t];
        for (unsigned i = 0; i < b->n; i++) {
            if (!may_commit(mem->model, b, i))
                continue;
            bool is_free = !free_only || !kept(w, t, &b->e[i]);
            if (is_free && (long)(free_only ? f : k) == want) {
                if (commit)
                    commit_at(mem, b, i);
                return k;
            }
            f += is_free;
            k++;
        }
    }
    if (n_free)
        *n_free = f;
    return k;
}

/* Value 1 + the position of the i-th candidate no hold keeps. */
static uint32_t free_value(sim_world_t *w, uint32_t i)
{
    return 1 + visit_options(w, (long)i, true, false, NULL);
}

bool sim_memory_pending(const sim_world_t *w)
{
    return w->mem && w->mem->pending;
}

bool sim_memory_thread_pending(const sim_world_t *w, const sim_thread_t *t)
{
    return sim_memory_pending(w) && (size_t)t->id <= w->mem->n_bufs &&
           w->mem->bufs[t->id - 1].n > 0;
}

void sim_memory_commit_choice(sim_world_t *w)
{
    bool holds = sim_hold_enabled(w);
    unsigned n_free = 0, n = visit_options(w, -1, holds, false, &n_free);
    /* Value 0 keeps every buffer as it is (also what exhausted fuzzer bytes
     * give), value k commits the k-th candidate.  The random draws pick
     * among the candidates no hold keeps. */
    uint32_t v = sim_decide_commit(w, n + 1, n_free, holds ? free_value : NULL);
    if (v > 0)
        visit_options(w, (long)v - 1, false, true, NULL);
}

unsigned sim_memory_thread_held(const sim_world_t *w, const sim_thread_t *t)
{
    const sim_memory_t *mem = w->mem;
    return mem && (size_t)t->id <= mem->n_bufs ? mem->bufs[t->id - 1].n_held : 0;
}

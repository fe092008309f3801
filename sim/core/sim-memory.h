/*
 * sim-memory.h - the simulator's shared-memory model: the function API that
 * every seam atomic (sim/seam/shim/aio-atomic.h) and any other instrumentation
 * (e.g. a __tsan_atomic* runtime) calls for one access.
 *
 * Each call is a scheduling point, then the access under the world's memory
 * model (sim_options_t.memory_model):
 *
 *   sc   every access goes straight to memory: sequential consistency.
 *   tso  x86-TSO: each simulated thread has a FIFO store buffer; see
 *        sim/core/storebuf.c and docs/memory-model.md.
 *   pso  TSO plus store-store reordering: buffered stores to different
 *        addresses may commit out of order unless a write barrier
 *        (a release fence or release store) separates them.
 *   arm  PSO, and a read-modify-write is not a full fence: its write
 *        enters the buffer like a store, so later loads may pass it, as
 *        they pass the store half of an ARMv8 ldaxr/stlxr pair or a C11
 *        seq_cst RMW followed by a relaxed load.
 *
 * Values travel as uint64_t holding the object's bytes as memcpy puts them
 * (little-endian hosts only, see the static assertion in memory.c): the low
 * `size` bytes, so an unsigned value is simply zero-extended.  size is 1, 2,
 * 4 or 8; order is a C11 __ATOMIC_* constant.  Outside a run, or on the
 * host (sim_defer callbacks), accesses are plain and not scheduling points.
 */
#ifndef WAKESIM_SIM_MEMORY_H
#define WAKESIM_SIM_MEMORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
    SIM_MEMORY_SC, /* the default: every existing input replays as before */
    SIM_MEMORY_TSO,
    SIM_MEMORY_PSO,
    SIM_MEMORY_ARM,
    SIM_MEMORY_COUNT
} sim_memory_model_t;

/* "sc", "tso", "pso", "arm" ("?" if out of range). */
const char *sim_memory_model_name(sim_memory_model_t m);
/* The model for a name, or -1. */
int sim_memory_model_parse(const char *name);

/* What a scheduling point is, so that a decision taken there can be keyed
 * to it (keyed decisions, sim.h): the seam operation and the object it
 * touches, and for seam accesses the enclosing function.  Never a line
 * number, which moves with every edit.  Sites are static constants (one
 * per call site); decisions keep a pointer to theirs, and the label text
 * (sim_site_label()) is only built when keyed decisions are written or
 * replayed, never on the hot path. */
typedef struct sim_site {
    const char *func; /* enclosing function (__func__), or NULL */
    const char *op;   /* "read", "fetch_or", "os_mutex_lock", "blk_latency"... */
    const char *obj;  /* the object as written ("&ctx->notified"), or NULL */
} sim_site_t;

typedef enum {
    SIM_RMW_XCHG,
    SIM_RMW_ADD,
    SIM_RMW_SUB,
    SIM_RMW_OR,
    SIM_RMW_AND,
    SIM_RMW_XOR,
    SIM_RMW_NAND,
} sim_rmw_op_t;

/* A load; the calling thread sees its own newest buffered store. */
uint64_t sim_mem_load(const volatile void *p, unsigned size, int order);
/* A store: buffered under tso, pso and arm.  A release store is preceded by a write
 * barrier (pso); a seq_cst store is followed by a full fence, as x86
 * compilers emit it (xchg, or mov + mfence). */
void sim_mem_store(volatile void *p, uint64_t v, unsigned size, int order);
/* A read-modify-write.  tso/pso: locked, it drains the caller's buffer,
 * then updates memory at once.  arm: it reads the caller's view (its own
 * buffer, else memory) after other threads' pending stores to the same
 * location commit, and buffers its write after a write barrier.
 * Returns the old value. */
uint64_t sim_mem_rmw(volatile void *p, sim_rmw_op_t op, uint64_t v, unsigned size,
                     int order);
/* Compare-and-swap (strong), like sim_mem_rmw (a failed one writes
 * nothing).  Returns the value found; the swap happened iff it equals
 * expected. */
uint64_t sim_mem_cmpxchg(volatile void *p, uint64_t expected, uint64_t desired,
                         unsigned size, int order);
/* seq_cst (and acq_rel) fences drain the caller's buffer; release fences
 * are write barriers under pso; acquire fences order nothing more than
 * these models already do. */
void sim_mem_fence(int order);

/* The calling simulated thread is about to free p: its buffered stores
 * commit first (coherence orders them before the allocator's writes).  Not
 * a scheduling point.  g_free calls it (sim/core/retire.c). */
void sim_mem_retire(const void *p);

/* A plain (non-atomic) access of [p, p+n) by the calling simulated thread:
 * its own buffered stores overlapping it commit first, with every older
 * entry, so the access sees them and is not overwritten by them later.
 * Not a scheduling point; a no-op under sc.  Instrumented foreign code
 * calls it (sim/seam/tsan-rt.c). */
void sim_mem_plain(const volatile void *p, size_t n);

/* A plain store of [p, p+n) by the calling simulated thread is about to
 * happen (ThreadSanitizer's __tsan_writeN hook runs before the store, with
 * the address only).  Under tso, pso and arm the store is buffered like a
 * relaxed store: the bytes it overwrites are kept, and at the thread's next
 * hook or scheduling point (before any other thread runs) the new bytes
 * move into its store buffer and memory gets the old ones back.  Stores of
 * 16 bytes or to the thread's own stack or errno are not buffered (they
 * commit the thread's own overlapping stores first, like sim_mem_plain).
 * Not a scheduling point; a no-op under sc.  Opt-in: the TSan-hook runtime
 * calls it only in executables built with PLAIN_STORES (sim/seam/tsan-rt.c,
 * docs/memory-model.md). */
void sim_mem_plain_store(volatile void *p, size_t n);

/* Whether this process buffers plain stores (the hook runtime says so
 * once, from the executable's PLAIN_STORES marker).  With it on, the libc
 * seam's free and realloc, which every free of the process reaches (glib's
 * own too), call sim_mem_retire_plain: the thread's buffered stores commit
 * before the allocator writes into the block or copies it.  Off, they do
 * nothing, so other executables keep their decisions. */
void sim_mem_plain_stores_set(bool on);
void sim_mem_retire_plain(const void *p);

/* A full barrier right after a __sync_* read-modify-write of foreign code
 * (GCC documents those builtins as full barriers; see
 * include/wakesim/tsan-sync.h): the calling simulated thread's buffered
 * stores, the RMW's own write among them, commit.  Not a scheduling point
 * (the RMW's hook was one).  Only arm changes: under tso and pso the RMW
 * has drained the buffer already, under sc there is none. */
void sim_mem_sync_barrier(void);

/* The same accesses at a named site (the seam passes its call site). */
uint64_t sim_mem_load_at(const sim_site_t *site, const volatile void *p, unsigned size,
                         int order);
void sim_mem_store_at(const sim_site_t *site, volatile void *p, uint64_t v, unsigned size,
                      int order);
uint64_t sim_mem_rmw_at(const sim_site_t *site, volatile void *p, sim_rmw_op_t op,
                        uint64_t v, unsigned size, int order);
uint64_t sim_mem_cmpxchg_at(const sim_site_t *site, volatile void *p, uint64_t expected,
                            uint64_t desired, unsigned size, int order);
void sim_mem_fence_at(const sim_site_t *site, int order);

#ifdef __cplusplus
}
#endif
#endif

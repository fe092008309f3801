/*
 * heap-check.h - heap errors of the code under test as verdicts in the
 * plain build (sim/seam/heap.c; the invariant "heap-error",
 * docs/invariants.md).
 *
 * The seam defines malloc, calloc, realloc, reallocarray, free and
 * malloc_usable_size.  While a simulated thread runs, a block gets a
 * header (its size, the step and thread that allocated and freed it), and
 * a freed block is kept in a quarantine, filled with poison, instead of
 * going back to the C library: every pointer-sized word of it points into
 * a reserved, inaccessible address range whose position names the block,
 * so following a pointer read from freed memory faults with an address
 * that says which block it came from.  The checks:
 *   - free of a block already freed: double-free;
 *   - free of a misaligned pointer, or one the C library's allocator
 *     rejects (it aborts): invalid-free;
 *   - the allocator aborting in malloc/realloc (its metadata overwritten):
 *     heap-corruption;
 *   - a fault in the poison range: use-after-free, naming the block;
 *   - a poisoned block found written when it leaves the quarantine or at
 *     the end of the run: write-after-free.
 * A check that fails prints one line to stderr and calls abort(); the
 * crash catcher (cli/crash.c) asks sim_heap_error_take() what happened and
 * reports the heap error instead of the signal.  Every other call (the
 * host, other OS threads, signal handlers, outside runs) goes to the C
 * library, as do blocks that were not allocated by a simulated thread.
 *
 * In a sanitized build (ASan, TSan, MSan) the sanitizer owns malloc: this
 * check is compiled out and ASan's own report is the crash verdict.
 */
#ifndef WAKESIM_HEAP_CHECK_H
#define WAKESIM_HEAP_CHECK_H

#include <stdbool.h>
#include <stdint.h>

typedef enum {
    SIM_HEAP_NONE,
    SIM_HEAP_USE_AFTER_FREE,
    SIM_HEAP_WRITE_AFTER_FREE,
    SIM_HEAP_DOUBLE_FREE,
    SIM_HEAP_INVALID_FREE,
    SIM_HEAP_CORRUPTION,
} sim_heap_kind_t;

/* What a failed check found: plain data, filled in signal context. */
typedef struct {
    int32_t kind;  /* sim_heap_kind_t */
    int32_t known; /* the block is identified (the alloc_/free_ fields) */
    int32_t libc;  /* the C library's allocator aborted inside op */
    int32_t reserved;
    char thread[32]; /* where it was found: a simulated thread, or "" */
    uint64_t step;   /* the world's scheduling points when found */
    uint64_t size;   /* the block's size in bytes */
    int64_t offset;  /* use-after-free: the offset added to the stale
                          pointer; write-after-free: the first byte written */
    char op[16];     /* invalid-free, heap-corruption: the C library call */
    uint64_t alloc_step, free_step;
    char alloc_thread[32], free_thread[32];
} sim_heap_error_t;

/* Whether this build checks the heap (false in a sanitized build). */
bool sim_heap_check_enabled(void);

/* Async-signal-safe.  Was the fatal signal signo (fault address addr, NULL
 * for none) a heap error?  Fills *e and returns true when a check failed
 * (and aborted), when the C library's allocator aborted inside a call made
 * for a simulated thread, or when addr lies in the poison range. */
bool sim_heap_error_take(int signo, const void *addr, sim_heap_error_t *e);

/* "use-after-free", "double-free"...; "" for SIM_HEAP_NONE. */
const char *sim_heap_kind_name(int kind);

#endif

/*
 * heap.c - the heap check (heap-check.h): malloc and free of simulated
 * threads, with a header per block and a poisoned quarantine.
 *
 * Why this way (docs/invariants.md, "heap-error"): the build users run has
 * no sanitizer, and a freed block the C library hands out again makes a use
 * after free read whatever the process did before, so the run neither names
 * the error nor replays.  Here nothing freed by a simulated thread is reused
 * during its run (up to QUARANTINE_BYTES / SLOTS blocks), its contents are
 * the same in every process, and a pointer read from it names it when
 * followed.  The cost is on allocation only: a 64-byte header, a fill of the
 * freed bytes and a check of them when they leave the quarantine.
 *
 * Invariants:
 *  - a block is ours iff the 8 bytes before it hold TAG_LIVE or TAG_FREED
 *    xor its address: for any other block those bytes are the C library's
 *    chunk size field, which never has the top bit set;
 *  - the quarantine belongs to one run of one world (q.w, q.gen) on this OS
 *    thread, and is emptied by a sim_defer() callback at the end of that run;
 *  - word i of a quarantined block holds poison_word(slot of the block): an
 *    address in the reserved range, unmapped, so following it faults.
 */
#include "libc-int.h"
#include "heap-check.h"
#include "sim-memory.h"

#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define HEAP_CHECK 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                 \
    __has_feature(memory_sanitizer)
#define HEAP_CHECK 0
#endif
#endif
#ifndef HEAP_CHECK
#define HEAP_CHECK 1
#endif

void sim_libc_heap_link(void)
{
}

const char *sim_heap_kind_name(int kind)
{
    switch (kind) {
    case SIM_HEAP_USE_AFTER_FREE:
        return "use-after-free";
    case SIM_HEAP_WRITE_AFTER_FREE:
        return "write-after-free";
    case SIM_HEAP_DOUBLE_FREE:
        return "double-free";
    case SIM_HEAP_INVALID_FREE:
        return "invalid-free";
    case SIM_HEAP_CORRUPTION:
        return "heap-corruption";
    default:
        return "";
    }
}

#if !HEAP_CHECK

bool sim_heap_check_enabled(void)
{
    return false;
}

bool sim_heap_error_take(int signo, const void *addr, sim_heap_error_t *e)
{
    (void)signo;
    (void)addr;
    (void)e;
    return false;
}

#else

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

#define TAG_LIVE 0xa110c8ed5eedb10cull
#define TAG_FREED 0xf4eeda110c8d0dd5ull

typedef struct {
    uint64_t size;
    uint64_t alloc_step, free_step;
    uint64_t gen; /* the world that allocated it */
    uint32_t alloc_tid, free_tid;
    const void *alloc_site, *free_site; /* callers' return addresses, for a debugger */
    uint64_t tag;                       /* last: the 8 bytes before the block */
} hdr_t;
_Static_assert(sizeof(hdr_t) % 16 == 0, "blocks keep malloc's 16-byte alignment");

/* The poison range: SLOTS slots of STRIDE bytes; a block in slot s holds
 * base + s * STRIDE + STRIDE / 2, so a field offset within +-32 KiB of the
 * stale pointer still names the slot.  Reserved once, at a fixed address
 * when free (poison read as data is then the same in every process). */
#define SLOTS 65536u
#define STRIDE (64ull << 10)
#define RANGE ((uint64_t)SLOTS * STRIDE)
#define RANGE_HINT 0x200000000000ull
#define QUARANTINE_BYTES (32ull << 20)
#define POISON_MAX (64u << 10) /* bytes poisoned of a larger block */
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static uintptr_t poison_base; /* 0: not reserved (the fill is then a
                                 non-canonical address: still a fault) */

typedef struct {
    sim_world_t *w;
    uint64_t gen;
    hdr_t **ring; /* SLOTS entries, by sequence number modulo SLOTS */
    uint64_t head, tail;
    uint64_t bytes;
} quarantine_t;

static _Thread_local quarantine_t q;
/* The C library call in progress for a simulated thread: its abort is a
 * heap error (sim_heap_error_take). */
static _Thread_local const char *volatile in_libc_op;
static _Thread_local sim_heap_error_t pending;
static _Thread_local volatile int pending_set;

bool sim_heap_check_enabled(void)
{
    return true;
}

static void reserve_range(void)
{
    if (__atomic_load_n(&poison_base, __ATOMIC_ACQUIRE)) {
        return;
    }
    int flags = MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE;
    void *m =
        mmap((void *)RANGE_HINT, RANGE, PROT_NONE, flags | MAP_FIXED_NOREPLACE, -1, 0);
    if (m == MAP_FAILED) {
        m = mmap(NULL, RANGE, PROT_NONE, flags, -1, 0);
    }
    uintptr_t expected = 0;
    if (m == MAP_FAILED ||
        !__atomic_compare_exchange_n(&poison_base, &expected, (uintptr_t)m, false,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        if (m != MAP_FAILED) {
            munmap(m, RANGE); /* another OS thread reserved it first */
        }
    }
}

static uint64_t poison_word(uint64_t slot)
{
    uintptr_t b = __atomic_load_n(&poison_base, __ATOMIC_RELAXED);
    return b ? b + slot * STRIDE + STRIDE / 2 : 0xdfdfdfdfdfdfdfdfull;
}

static size_t poisoned_len(const hdr_t *h)
{
    return h->size < POISON_MAX ? (size_t)h->size : POISON_MAX;
}

static void poison(hdr_t *h, uint64_t slot)
{
    uint64_t word = poison_word(slot);
    unsigned char *p = (unsigned char *)(h + 1);
    size_t n = poisoned_len(h), i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(p + i, &word, 8);
    }
    memcpy(p + i, &word, n - i);
}

/* The first byte written since the fill, or -1. */
static int64_t poison_broken(const hdr_t *h, uint64_t slot)
{
    uint64_t word = poison_word(slot), v;
    const unsigned char *p = (const unsigned char *)(h + 1);
    size_t n = poisoned_len(h), i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&v, p + i, 8);
        if (v != word) {
            break;
        }
    }
    const unsigned char *wb = (const unsigned char *)&word;
    for (; i < n; i++) { /* from a word boundary: the word's bytes in order */
        if (p[i] != wb[i % 8]) {
            return (int64_t)i;
        }
    }
    return -1;
}

/* ---- reports (also read in signal context) ---- */

static void copy_name(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < size; i++) {
        dst[i] = src[i];
    }
    dst[i] = '\0';
}

/* Where the check runs: the world, its steps and its simulated thread. */
static void fill_where(sim_heap_error_t *e, int kind)
{
    sim_world_t *w = sim__current_world;
    e->kind = kind;
    if (w) {
        e->step = w->steps;
        copy_name(e->thread, sizeof(e->thread), w->current ? w->current->name : "");
    }
}

static void fill_block(sim_heap_error_t *e, const hdr_t *h)
{
    sim_world_t *w = sim__current_world;
    e->known = 1;
    e->size = h->size;
    e->alloc_step = h->alloc_step;
    e->free_step = h->free_step;
    bool same = w && h->gen == w->gen;
    copy_name(e->alloc_thread, sizeof(e->alloc_thread),
              same ? sim_world_thread_name_of(w, (int)h->alloc_tid) : "an earlier run");
    copy_name(e->free_thread, sizeof(e->free_thread),
              w ? sim_world_thread_name_of(w, (int)h->free_tid) : "");
}

/* A check failed: say so on stderr (the process may have no crash
 * catcher) without stdio's locks, and abort; the catcher takes the error
 * from here. */
static _Noreturn void fail(int kind, const hdr_t *h, int64_t offset, const char *op)
{
    sim_heap_error_t *e = &pending;
    memset(e, 0, sizeof(*e));
    fill_where(e, kind);
    e->offset = offset;
    copy_name(e->op, sizeof(e->op), op);
    if (h) {
        fill_block(e, h);
    }
    pending_set = 1;
    char line[384];
    int n = snprintf(line, sizeof(line),
                     "wakesim heap check: %s (%s) on simulated thread '%s' at step %llu",
                     sim_heap_kind_name(kind), op, e->thread, (unsigned long long)e->step);
    if (h && n > 0 && (size_t)n < sizeof(line)) {
        n += snprintf(line + n, sizeof(line) - (size_t)n,
                      "; block of %llu bytes allocated at step %llu on '%s', freed at step "
                      "%llu on '%s'",
                      (unsigned long long)e->size, (unsigned long long)e->alloc_step,
                      e->alloc_thread, (unsigned long long)e->free_step, e->free_thread);
    }
    if (n > 0 && (size_t)n < sizeof(line) - 1) {
        line[n++] = '\n';
        /* the C library's write: the seam's would be the simulated kernel's */
        __typeof__(write) *wr = SIM_LIBC_REAL(write);
        wr(2, line, (size_t)n);
    }
    abort();
}

/* ---- blocks ---- */

static hdr_t *ours(void *p)
{
    if ((uintptr_t)p & 15) {
        return NULL;
    }
    uint64_t tag = ((const uint64_t *)p)[-1];
    if (tag == (TAG_LIVE ^ (uintptr_t)p) || tag == (TAG_FREED ^ (uintptr_t)p)) {
        return (hdr_t *)p - 1;
    }
    return NULL;
}

static bool is_freed(const hdr_t *h)
{
    return h->tag == (TAG_FREED ^ (uintptr_t)(h + 1));
}

static void *block_new(sim_world_t *w, size_t n, bool zero, const void *site)
{
    if (n > SIZE_MAX - sizeof(hdr_t)) {
        errno = ENOMEM;
        return NULL;
    }
    in_libc_op = zero ? "calloc" : "malloc";
    hdr_t *h =
        zero ? __libc_calloc(1, sizeof(hdr_t) + n) : __libc_malloc(sizeof(hdr_t) + n);
    in_libc_op = NULL;
    if (!h) {
        return NULL;
    }
    *h = (hdr_t){ .size = n,
                  .alloc_step = w->steps,
                  .gen = w->gen,
                  .alloc_tid = (uint32_t)w->current->id,
                  .alloc_site = site,
                  .tag = TAG_LIVE ^ (uintptr_t)(h + 1) };
    return h + 1;
}

static void libc_free(void *p, const char *op)
{
    in_libc_op = op;
    __libc_free(p);
    in_libc_op = NULL;
}

/* ---- the quarantine ---- */

static void quarantine_end_of_run(void *arg);

/* The run's quarantine, opened at its first free.  One left by a run that
 * never reached its end-of-run callbacks is dropped (its blocks leak). */
static void quarantine_open(sim_world_t *w)
{
    if (q.w == w && q.gen == w->gen) {
        return;
    }
    reserve_range();
    if (!q.ring && !(q.ring = __libc_calloc(SLOTS, sizeof(*q.ring)))) {
        return;
    }
    q.w = w;
    q.gen = w->gen;
    q.head = q.tail = q.bytes = 0;
    sim_defer(w, quarantine_end_of_run, NULL);
}

/* The oldest block leaves: checked, then really freed. */
static void quarantine_evict(void)
{
    uint64_t slot = q.head % SLOTS;
    hdr_t *h = q.ring[slot];
    int64_t off = poison_broken(h, slot);
    if (off >= 0) {
        fail(SIM_HEAP_WRITE_AFTER_FREE, h, off, "quarantine");
    }
    q.ring[slot] = NULL;
    q.bytes -= h->size;
    q.head++;
    h->tag = 0;
    libc_free(h, "free");
}

static void quarantine_end_of_run(void *arg)
{
    (void)arg;
    while (q.head != q.tail) {
        quarantine_evict();
    }
    q.w = NULL;
}

static void quarantine_put(sim_world_t *w, hdr_t *h, const void *site)
{
    void *p = h + 1;
    if (is_freed(h)) {
        fail(SIM_HEAP_DOUBLE_FREE, h, 0, "free");
    }
    sim_mem_retire(p); /* the freeing thread's buffered stores land first */
    h->free_step = w->steps;
    h->free_tid = (uint32_t)w->current->id;
    h->free_site = site;
    h->tag = TAG_FREED ^ (uintptr_t)p;
    quarantine_open(w);
    if (!q.ring) { /* no memory for the ring: no quarantine */
        h->tag = 0;
        libc_free(h, "free");
        return;
    }
    while (q.head != q.tail && (q.tail - q.head >= SLOTS || q.bytes > QUARANTINE_BYTES)) {
        quarantine_evict();
    }
    uint64_t slot = q.tail++ % SLOTS;
    poison(h, slot);
    q.ring[slot] = h;
    q.bytes += h->size;
}

/* A free that no simulated thread makes (the host, another OS thread, after
 * the run) of one of our blocks. */
static void release_outside(hdr_t *h)
{
    if (is_freed(h)) {
        fail(SIM_HEAP_DOUBLE_FREE, h, 0, "free");
    }
    h->tag = 0;
    __libc_free(h);
}

/* A simulated thread frees a block the C library allocated. */
static void foreign_free(void *p, const char *op)
{
    if ((uintptr_t)p & 15) {
        fail(SIM_HEAP_INVALID_FREE, NULL, 0, op);
    }
    libc_free(p, op);
}

static void free_at(void *p, const void *site)
{
    sim_world_t *w = sim_libc_world();
    if (!w) {
        hdr_t *h = ours(p);
        h ? release_outside(h) : __libc_free(p);
        return;
    }
    sim_mem_retire_plain(p); /* buffered plain stores to it land first */
    in_libc_op = "free";     /* reading p[-1] of a wild pointer may fault */
    hdr_t *h = ours(p);
    in_libc_op = NULL;
    h ? quarantine_put(w, h, site) : foreign_free(p, "free");
}

/* ---- the interposed entry points ---- */

void *malloc(size_t n)
{
    sim_world_t *w = sim_libc_world();
    return w ? block_new(w, n, false, __builtin_return_address(0)) : __libc_malloc(n);
}

void *calloc(size_t n, size_t size)
{
    sim_world_t *w = sim_libc_world();
    if (!w) {
        return __libc_calloc(n, size);
    }
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return block_new(w, total, true, __builtin_return_address(0));
}

void free(void *p)
{
    if (p) {
        free_at(p, __builtin_return_address(0));
    }
}

static void *realloc_at(void *p, size_t n, const void *site)
{
    sim_world_t *w = sim_libc_world();
    if (!p) {
        return w ? block_new(w, n, false, site) : __libc_malloc(n);
    }
    if (w)
        sim_mem_retire_plain(p); /* the copy reads committed memory */
    in_libc_op = w ? "realloc" : NULL;
    hdr_t *h = ours(p);
    in_libc_op = NULL;
    if (!h) {
        if (w && ((uintptr_t)p & 15)) {
            foreign_free(p, "realloc");
        }
        in_libc_op = w ? "realloc" : NULL;
        void *r = __libc_realloc(p, n);
        in_libc_op = NULL;
        return r;
    }
    if (is_freed(h)) {
        fail(SIM_HEAP_DOUBLE_FREE, h, 0, "realloc");
    }
    if (n == 0) { /* glibc: frees, returns NULL */
        free_at(p, site);
        return NULL;
    }
    void *np = w ? block_new(w, n, false, site) : __libc_malloc(n);
    if (np) {
        memcpy(np, p, h->size < n ? (size_t)h->size : n);
        free_at(p, site);
    }
    return np;
}

void *realloc(void *p, size_t n)
{
    return realloc_at(p, n, __builtin_return_address(0));
}

void *reallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    if (__builtin_mul_overflow(n, size, &total)) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc_at(p, total, __builtin_return_address(0));
}

size_t malloc_usable_size(void *p)
{
    hdr_t *h = p ? ours(p) : NULL;
    return h ? (size_t)h->size : SIM_LIBC_REAL(malloc_usable_size)(p);
}

/* ---- the crash catcher's question (async-signal-safe) ---- */

static bool in_poison_range(const void *addr, uint64_t *slot, int64_t *off)
{
    uintptr_t b = __atomic_load_n(&poison_base, __ATOMIC_RELAXED);
    uintptr_t a = (uintptr_t)addr;
    if (!b || a < b || a - b >= RANGE) {
        return false;
    }
    *slot = (a - b) / STRIDE;
    *off = (int64_t)(a - (b + *slot * STRIDE + STRIDE / 2));
    return true;
}

bool sim_heap_error_take(int signo, const void *addr, sim_heap_error_t *e)
{
    memset(e, 0, sizeof(*e));
    if (pending_set) {
        *e = pending;
        return true;
    }
    const char *op = in_libc_op;
    if (op && (signo == SIGABRT || signo == SIGSEGV || signo == SIGBUS)) {
        bool f = strcmp(op, "free") == 0 || strcmp(op, "realloc") == 0;
        fill_where(e, f ? SIM_HEAP_INVALID_FREE : SIM_HEAP_CORRUPTION);
        copy_name(e->op, sizeof(e->op), op);
        e->libc = 1;
        return true;
    }
    uint64_t slot;
    int64_t off;
    if ((signo != SIGSEGV && signo != SIGBUS) || !in_poison_range(addr, &slot, &off)) {
        return false;
    }
    fill_where(e, SIM_HEAP_USE_AFTER_FREE);
    e->offset = off;
    copy_name(e->op, sizeof(e->op), "access");
    sim_world_t *w = sim__current_world;
    hdr_t *h = q.ring && w && q.w == w && q.gen == w->gen ? q.ring[slot] : NULL;
    if (h) {
        fill_block(e, h);
    }
    return true;
}

#endif

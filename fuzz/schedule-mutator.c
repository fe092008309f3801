/*
 * schedule-mutator.c - libFuzzer moves that know what a schedule is.
 *
 * With SIM_DECIDE_BYTES each input byte is one scheduling decision (an index
 * into the runnable threads, mod their number), so libFuzzer's generic
 * moves (bit flips, byte inserts, cross-over) mostly shift every later
 * decision at once.  The bugs we look for need one context switch at the
 * right point, which is how PCT finds them with few runs.  Half of the
 * time this mutator makes one PCT-like move instead:
 *   - move a preemption: where the choice changes from one value to
 *     another, move that change a few decisions earlier or later;
 *   - swap two threads' next steps: exchange two neighbouring decisions;
 *   - insert a priority change: from a random point, repeat one value for a
 *     run of decisions (one thread keeps running);
 *   - preempt: flip a single decision to another value.
 * The other half it defers to LLVMFuzzerMutate.  Harness-specific prefix
 * bytes (fuzz_swarm's shape, fuzz_api's machine byte) are left alone.
 *
 * And once in WK_MUTATOR_PCT_ODDS calls it does what PCT does, for real:
 * runs the input's scenario once under the simulator's PCT source (depth 2
 * or 3, a seed from this mutator's randomness) and returns that run's
 * decisions as the input (wkf_pct_input), so libFuzzer executes, and its
 * coverage judges, a PCT schedule that the moves above then vary.  Those
 * internal runs are counted (wkf_internal_runs()) and printed at exit and
 * with a crash, since they cost as much as an execution.
 *
 * Linked into the default fuzz_<harness> and the fuzz_<harness>_mut
 * variants (fuzz/README.md has the measurements).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "wakesim-fuzz.h"

#ifndef WK_MUTATOR_SKIP
#define WK_MUTATOR_SKIP 0
#endif
/* 0 turns the PCT move off. */
#ifndef WK_MUTATOR_PCT_ODDS
#define WK_MUTATOR_PCT_ODDS 2
#endif

size_t LLVMFuzzerMutate(uint8_t *data, size_t size, size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed);

static uint32_t next_rand(uint32_t *s)
{
    /* xorshift32: the mutator's own randomness comes from libFuzzer's seed. */
    uint32_t x = *s ? *s : 0x9e3779b9u;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *s = x;
    return x;
}

/* Grows the input to at least n decisions (new ones keep the last value). */
static size_t grow(uint8_t *data, size_t size, size_t n, size_t max_size)
{
    if (n > max_size) {
        n = max_size;
    }
    uint8_t fill = size ? data[size - 1] : 0;
    for (size_t i = size; i < n; i++) {
        data[i] = fill;
    }
    return n > size ? n : size;
}

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
                               unsigned int seed)
{
    uint32_t r = seed;
    const size_t skip = WK_MUTATOR_SKIP;
    if (WK_MUTATOR_PCT_ODDS && next_rand(&r) % WK_MUTATOR_PCT_ODDS == 0) {
        uint64_t pct_seed = (uint64_t)next_rand(&r) << 32 | next_rand(&r);
        unsigned depth = 2 + next_rand(&r) % 2;
        size_t n = wkf_pct_input(data, size, depth, pct_seed, data, max_size);
        if (n > 0) {
            return n;
        }
    }
    if (max_size <= skip + 2 || (next_rand(&r) & 1)) {
        return LLVMFuzzerMutate(data, size, max_size);
    }
    size = grow(data, size, skip + 2 + next_rand(&r) % 64, max_size);
    size_t n = size - skip;
    uint8_t *d = data + skip;

    switch (next_rand(&r) % 4) {
    case 0: { /* move a preemption */
        size_t start = next_rand(&r) % n, i;
        for (i = start + 1; i < n && d[i] == d[i - 1]; i++) {
        }
        if (i >= n) {
            i = 1 + next_rand(&r) % (n - 1);
        }
        long li = (long)i + (long)(next_rand(&r) % 9) - 4;
        size_t to = li < 1 ? 1 : (size_t)li;
        if (to >= n) {
            to = n - 1;
        }
        uint8_t before = d[i - 1], after = d[i];
        if (to < i) {
            memset(d + to, after, i - to);
        } else {
            memset(d + i, before, to - i);
        }
        break;
    }
    case 1: { /* swap two threads' next steps */
        size_t i = next_rand(&r) % (n - 1);
        uint8_t t = d[i];
        d[i] = d[i + 1];
        d[i + 1] = t;
        break;
    }
    case 2: { /* a priority change: one value for a run of decisions */
        size_t i = next_rand(&r) % n;
        size_t len = 1 + next_rand(&r) % 32;
        if (i + len > n) {
            len = n - i;
        }
        memset(d + i, (int)(next_rand(&r) % 8), len);
        break;
    }
    default: { /* preempt once */
        size_t i = next_rand(&r) % n;
        d[i] = (uint8_t)(d[i] + 1 + next_rand(&r) % 7);
        break;
    }
    }
    return size;
}

/*
 * litmus-walk.h - runs a small program under every sequence of decisions
 * (thread choices and store-buffer commits): a depth-first walk over
 * fuzzer bytes, one byte per decision, the bytes after the prefix 0.
 * Shared by the litmus tests (sim/tests/test-litmus.c,
 * sim/seam/tests/atomics/test-foreign-litmus.c and test-plain-litmus.c),
 * with the two-thread program the foreign-code tests walk (litmus_pair_t).
 * Include after sim-test.h.
 */
#ifndef WAKESIM_LITMUS_WALK_H
#define WAKESIM_LITMUS_WALK_H

#define LITMUS_MAX_DECISIONS 256
#define LITMUS_MAX_RUNS 2000000

/* Runs fn(arg) under model m once per decision sequence, calling seen(ctx)
 * after each run; returns the number of runs. */
static inline uint64_t litmus_walk(sim_memory_model_t m, sim_thread_fn_t *fn, void *arg,
                                   void (*seen)(void *ctx), void *ctx)
{
    static uint8_t bytes[LITMUS_MAX_DECISIONS];
    memset(bytes, 0, sizeof(bytes));
    for (uint64_t runs = 1;; runs++) {
        sim_options_t o;
        sim_options_init(&o);
        o.log_enabled = false;
        o.memory_model = m;
        o.decide.kind = SIM_DECIDE_BYTES;
        o.decide.bytes = bytes;
        o.decide.bytes_len = sizeof(bytes);
        sim_world_t *w = sim_world_new(&o);
        ASSERT(w);
        sim_result_t r = sim_world_run(w, fn, arg);
        if (r != SIM_RESULT_OK)
            TEST_FAIL_("under %s: run %" PRIu64 " ended %s: %s", sim_memory_model_name(m),
                       runs, sim_result_name(r), sim_world_message(w));
        seen(ctx);
        const uint32_t *v, *b;
        size_t n = sim_world_decisions(w, &v, &b);
        ASSERT_LE(n, LITMUS_MAX_DECISIONS);
        for (size_t i = 0; i < n; i++) {
            ASSERT_LE(b[i], 256);      /* one byte per decision */
            ASSERT_EQ(v[i], bytes[i]); /* bytes are the decisions, as given */
        }
        /* The next sequence: bump the last decision that has an untried
         * alternative, zero everything after it. */
        size_t i = n;
        while (i > 0 && v[i - 1] + 1 >= b[i - 1])
            i--;
        if (i > 0) {
            bytes[i - 1] = (uint8_t)(v[i - 1] + 1);
            memset(bytes + i, 0, sizeof(bytes) - i);
        }
        sim_world_free(w); /* v and b live in the world: used above */
        if (i == 0)
            return runs;
        ASSERT_LT(runs, LITMUS_MAX_RUNS);
    }
}

/* A two-thread litmus program of foreign code: the run's main thread
 * zeroes the shared cells (plain stores of uninstrumented code: memory at
 * once, published to the threads by their creation), sets both registers
 * to init, then starts first and second in that order and joins them; the
 * threads write the registers.  After each run litmus_pair_note records
 * the outcome in seen[r0 * n + r1] (both registers below n). */
typedef struct {
    sim_thread_fn_t *first, *second;
    volatile unsigned *cells[2];
    unsigned *r0, *r1;
    unsigned init, n;
    bool *seen;
} litmus_pair_t;

static inline void *litmus_pair_main(void *arg)
{
    const litmus_pair_t *p = arg;
    sim_world_t *w = sim_world_current();
    *p->cells[0] = *p->cells[1] = 0;
    *p->r0 = *p->r1 = p->init;
    sim_thread_t *t0 = sim_thread_create(w, "first", p->first, NULL);
    sim_thread_t *t1 = sim_thread_create(w, "second", p->second, NULL);
    sim_thread_join(t0);
    sim_thread_join(t1);
    return NULL;
}

static inline void litmus_pair_note(void *ctx)
{
    const litmus_pair_t *p = ctx;
    ASSERT(*p->r0 < p->n && *p->r1 < p->n);
    p->seen[*p->r0 * p->n + *p->r1] = true;
}

/* Walks every decision sequence of p under m (litmus_walk), seen[]
 * cleared first; returns the number of runs. */
static inline uint64_t litmus_pair_walk(sim_memory_model_t m, litmus_pair_t *p)
{
    memset(p->seen, 0, (size_t)p->n * p->n * sizeof(bool));
    return litmus_walk(m, litmus_pair_main, p, litmus_pair_note, p);
}

#endif

/*
 * litmus-walk.h - runs a small program under every sequence of decisions
 * (thread choices and store-buffer commits): a depth-first walk over
 * fuzzer bytes, one byte per decision, the bytes after the prefix 0.
 * Shared by the litmus tests (sim/tests/test-litmus.c,
 * sim/seam/tests/atomics/test-foreign-litmus.c).  Include after
 * sim-test.h.
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

#endif

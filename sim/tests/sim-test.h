/*
 * sim-test.h - assertions for the simulator tests (libuv task.h style):
 * each failure prints the expression, both values and file:line, and exits 1.
 * Exit codes: 0 pass, 1 fail, 77 skip.
 */
#ifndef WAKESIM_SIM_TEST_H
#define WAKESIM_SIM_TEST_H

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim.h"

#define TEST_FAIL_(...)                                                                    \
    do {                                                                                   \
        fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);                                    \
        fprintf(stderr, __VA_ARGS__);                                                      \
        fputc('\n', stderr);                                                               \
        exit(1);                                                                           \
    } while (0)

#define ASSERT(expr)                                                                       \
    do {                                                                                   \
        if (!(expr))                                                                       \
            TEST_FAIL_("assertion failed: %s", #expr);                                     \
    } while (0)

#define ASSERT_CMP_(a, op, b)                                                              \
    do {                                                                                   \
        long long a_ = (long long)(a), b_ = (long long)(b);                                \
        if (!(a_ op b_))                                                                   \
            TEST_FAIL_("ASSERT(%s %s %s): %lld vs %lld", #a, #op, #b, a_, b_);             \
    } while (0)

#define ASSERT_EQ(a, b) ASSERT_CMP_(a, ==, b)
#define ASSERT_NE(a, b) ASSERT_CMP_(a, !=, b)
#define ASSERT_LT(a, b) ASSERT_CMP_(a, <, b)
#define ASSERT_LE(a, b) ASSERT_CMP_(a, <=, b)
#define ASSERT_GT(a, b) ASSERT_CMP_(a, >, b)
#define ASSERT_GE(a, b) ASSERT_CMP_(a, >=, b)

#define ASSERT_STR_EQ(a, b)                                                                \
    do {                                                                                   \
        const char *a_ = (a), *b_ = (b);                                                   \
        if (strcmp(a_, b_) != 0)                                                           \
            TEST_FAIL_("ASSERT_STR_EQ(%s, %s):\n--- %s\n+++ %s", #a, #b, a_, b_);          \
    } while (0)

#define ASSERT_CONTAINS(hay, needle)                                                       \
    do {                                                                                   \
        const char *h_ = (hay), *n_ = (needle);                                            \
        if (!strstr(h_, n_))                                                               \
            TEST_FAIL_("ASSERT_CONTAINS(%s, %s): \"%s\" not in \"%s\"", #hay, #needle, n_, \
                       h_);                                                                \
    } while (0)

#define ASSERT_RESULT(w, want)                                                             \
    do {                                                                                   \
        sim_result_t r_ = sim_world_result(w);                                             \
        if (r_ != (want))                                                                  \
            TEST_FAIL_("run result %s, expected %s (message: %s)", sim_result_name(r_),    \
                       sim_result_name(want), sim_world_message(w));                       \
    } while (0)

/* Options for tests: deterministic seed, log on. */
static inline sim_options_t test_options(uint64_t seed)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_SEED;
    o.decide.seed = seed;
    return o;
}

/* Runs fn(arg) in a new world; the caller frees it. */
static inline sim_world_t *test_run(const sim_options_t *o, sim_thread_fn_t *fn, void *arg)
{
    sim_world_t *w = sim_world_new(o);
    ASSERT(w != NULL);
    sim_world_run(w, fn, arg);
    ASSERT(sim_world_current() == NULL);
    return w;
}

#endif

/*
 * test-check.h - the non-fatal check of sim/harness's unit tests: a failed
 * CHECK prints file:line and its message and counts, and the test goes on,
 * so one run lists every failure; main() exits non-zero when failures > 0.
 */
#ifndef WAKESIM_TEST_CHECK_H
#define WAKESIM_TEST_CHECK_H

#include <stdio.h>

static int failures;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);                                    \
            printf(__VA_ARGS__);                                                           \
            printf("\n");                                                                  \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

#endif

/*
 * test-assert.h - assertions for loop/tests, in the style of libuv's
 * test/task.h: each failure prints the expression, both values and
 * file:line, then exits 1 (CTest: 0 pass, 1 fail, 77 skip).
 */
#ifndef TEST_ASSERT_H
#define TEST_ASSERT_H

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_SKIP_CODE 77

#define TEST_FAIL_(...)                                                                    \
    do {                                                                                   \
        fprintf(stderr, __VA_ARGS__);                                                      \
        fflush(stderr);                                                                    \
        exit(1);                                                                           \
    } while (0)

#define ASSERT_BASE_(a, op, b, type, fmt)                                                  \
    do {                                                                                   \
        type a_ = (type)(a);                                                               \
        type b_ = (type)(b);                                                               \
        if (!(a_ op b_)) {                                                                 \
            TEST_FAIL_("%s:%d: assertion failed: %s %s %s\n"                               \
                       "  left:  " fmt "\n  right: " fmt "\n",                             \
                       __FILE__, __LINE__, #a, #op, #b, a_, b_);                           \
        }                                                                                  \
    } while (0)

#define ASSERT_EQ(a, b) ASSERT_BASE_(a, ==, b, int64_t, "%" PRId64)
#define ASSERT_NE(a, b) ASSERT_BASE_(a, !=, b, int64_t, "%" PRId64)
#define ASSERT_GE(a, b) ASSERT_BASE_(a, >=, b, int64_t, "%" PRId64)
#define ASSERT_GT(a, b) ASSERT_BASE_(a, >, b, int64_t, "%" PRId64)
#define ASSERT_LE(a, b) ASSERT_BASE_(a, <=, b, int64_t, "%" PRId64)
#define ASSERT_LT(a, b) ASSERT_BASE_(a, <, b, int64_t, "%" PRId64)
#define ASSERT_UINT_EQ(a, b) ASSERT_BASE_(a, ==, b, uint64_t, "%" PRIu64)

#define ASSERT_PTR_EQ(a, b) ASSERT_BASE_(a, ==, b, const void *, "%p")
#define ASSERT_PTR_NE(a, b) ASSERT_BASE_(a, !=, b, const void *, "%p")
#define ASSERT_NULL(a) ASSERT_PTR_EQ(a, NULL)
#define ASSERT_NOT_NULL(a) ASSERT_PTR_NE(a, NULL)

#define ASSERT_TRUE(expr)                                                                  \
    do {                                                                                   \
        if (!(expr)) {                                                                     \
            TEST_FAIL_("%s:%d: assertion failed: %s\n  expected true, "                    \
                       "got false\n",                                                      \
                       __FILE__, __LINE__, #expr);                                         \
        }                                                                                  \
    } while (0)
#define ASSERT_FALSE(expr)                                                                 \
    do {                                                                                   \
        if (expr) {                                                                        \
            TEST_FAIL_("%s:%d: assertion failed: !(%s)\n  expected false, "                \
                       "got true\n",                                                       \
                       __FILE__, __LINE__, #expr);                                         \
        }                                                                                  \
    } while (0)
/* A negative-errno return that must be 0 (the loop/ convention). */
#define ASSERT_OK(a) ASSERT_EQ(a, 0)

#define ASSERT_STR_EQ(a, b)                                                                \
    do {                                                                                   \
        const char *a_ = (a), *b_ = (b);                                                   \
        if (!a_ || !b_ || strcmp(a_, b_) != 0) {                                           \
            TEST_FAIL_("%s:%d: assertion failed: %s == %s\n"                               \
                       "  left:  \"%s\"\n  right: \"%s\"\n",                               \
                       __FILE__, __LINE__, #a, #b, a_ ? a_ : "(null)",                     \
                       b_ ? b_ : "(null)");                                                \
        }                                                                                  \
    } while (0)
#define ASSERT_STR_CONTAINS(hay, needle)                                                   \
    do {                                                                                   \
        const char *h_ = (hay), *n_ = (needle);                                            \
        if (!h_ || !strstr(h_, n_)) {                                                      \
            TEST_FAIL_("%s:%d: assertion failed: %s contains %s\n"                         \
                       "  haystack: \"%s\"\n  needle:   \"%s\"\n",                         \
                       __FILE__, __LINE__, #hay, #needle, h_ ? h_ : "(null)", n_);         \
        }                                                                                  \
    } while (0)

/* Prints the first differing byte offset and both bytes. */
#define ASSERT_MEM_EQ(a, b, len)                                                           \
    do {                                                                                   \
        const unsigned char *a_ = (const void *)(a), *b_ = (const void *)(b);              \
        size_t n_ = (len);                                                                 \
        for (size_t i_ = 0; i_ < n_; i_++) {                                               \
            if (a_[i_] != b_[i_]) {                                                        \
                TEST_FAIL_("%s:%d: assertion failed: memcmp(%s, %s, %s)\n"                 \
                           "  first difference at offset %zu: 0x%02x vs "                  \
                           "0x%02x\n",                                                     \
                           __FILE__, __LINE__, #a, #b, #len, i_, a_[i_], b_[i_]);          \
            }                                                                              \
        }                                                                                  \
    } while (0)

#endif

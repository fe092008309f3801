/*
 * test-util.h - helpers shared by loop/tests: the back end from argv, a
 * context that skips (exit 77) when io_uring is unavailable, wall-clock
 * time, and bounded waiting on a condition.  Tests run on real pthreads.
 */
#ifndef TEST_UTIL_H
#define TEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <unistd.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include "aio-internal.h"
#include "test-assert.h"

#define MS 1000000LL

static inline int64_t test_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static inline void test_sleep_ms(int64_t ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * MS };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* How long a test waits for a wakeup before its fallback timer declares it
 * lost: 10 s, or WAKESIM_TEST_FALLBACK_MS.  The canaries (a mutant that
 * loses the wakeup for sure, loop/tests/CMakeLists.txt) set it to 1 s, so
 * they need not sit out 10 s each; passing tests never reach it. */
static inline int64_t test_fallback_ns(void)
{
    const char *s = getenv("WAKESIM_TEST_FALLBACK_MS");
    char *end;
    long long ms = s && *s ? strtoll(s, &end, 10) : 10000;
    if (s && *s && (*end || ms <= 0)) {
        fprintf(stderr, "WAKESIM_TEST_FALLBACK_MS must be a positive integer, not '%s'\n",
                s);
        exit(2);
    }
    return (int64_t)ms * MS;
}

/* argv[1]: "ppoll" or "io_uring". */
static inline aio_backend_t test_backend_from_argv(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s ppoll|io_uring\n", argv[0]);
        exit(2);
    }
    if (strcmp(argv[1], "ppoll") == 0 || strcmp(argv[1], "poll") == 0) {
        return AIO_BACKEND_POLL;
    }
    if (strcmp(argv[1], "io_uring") == 0) {
        return AIO_BACKEND_IO_URING;
    }
    fprintf(stderr, "%s: unknown back end '%s'\n", argv[0], argv[1]);
    exit(2);
}

/* argv[1]: "fixed" (false) or "mutant" (true), for tests run both ways. */
static inline bool test_mutant_from_argv(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "fixed") == 0) {
        return false;
    }
    if (argc >= 2 && strcmp(argv[1], "mutant") == 0) {
        return true;
    }
    fprintf(stderr, "usage: %s fixed|mutant\n", argv[0]);
    exit(2);
}

/* A fresh file under $TMPDIR (or /tmp), already unlinked: gone with its
 * last fd.  tag names it while it exists. */
static inline int test_tmpfile(const char *tag)
{
    const char *tmpdir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *path = g_strdup_printf("%s/wakesim-%s-XXXXXX", tmpdir, tag);
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    unlink(path);
    g_free(path);
    return fd;
}

/* A context on the requested back end; exits 77 if io_uring is denied.
 * WAKESIM_MUTANTS applies, so a test can be shown to catch a mutant. */
static inline aio_context_t *test_context_new(aio_backend_t backend)
{
    int err = 0;
    if (aio_mutants_from_env() < 0) {
        exit(2);
    }
    aio_context_t *ctx = aio_context_new(backend, &err);
    if (!ctx && backend == AIO_BACKEND_IO_URING &&
        (err == -ENOSYS || err == -EPERM || err == -EINVAL)) {
        fprintf(stderr, "SKIP: io_uring unavailable here: %s\n", strerror(-err));
        exit(TEST_SKIP_CODE);
    }
    if (!ctx) {
        TEST_FAIL_("aio_context_new(%s) failed: %s\n", aio_backend_name(backend),
                   strerror(-err));
    }
    ASSERT_EQ(aio_context_backend(ctx), backend);
    return ctx;
}

/* Polls "cond" every millisecond for up to timeout_ms; yields its value. */
#define WAIT_UNTIL(cond, timeout_ms)                                                       \
    __extension__({                                                                        \
        int64_t wu_deadline_ = test_now_ns() + (int64_t)(timeout_ms)*MS;                   \
        bool wu_ok_;                                                                       \
        while (!(wu_ok_ = (cond)) && test_now_ns() < wu_deadline_) {                       \
            test_sleep_ms(1);                                                              \
        }                                                                                  \
        wu_ok_;                                                                            \
    })

static inline unsigned test_notify_me(aio_context_t *ctx)
{
    return __atomic_load_n(&ctx->notify_me, __ATOMIC_SEQ_CST);
}

static inline bool test_notified(aio_context_t *ctx)
{
    return __atomic_load_n(&ctx->notified, __ATOMIC_SEQ_CST);
}

static inline pthread_t test_thread_start(void *(*fn)(void *), void *arg)
{
    pthread_t t;
    int ret = pthread_create(&t, NULL, fn, arg);
    ASSERT_OK(ret);
    return t;
}

static inline void test_thread_join(pthread_t t)
{
    ASSERT_OK(pthread_join(t, NULL));
}

/* Makes ctx this thread's own context; returns it for chaining. */
static inline aio_context_t *test_context_home(aio_context_t *ctx)
{
    aio_thread_context_set(ctx);
    return ctx;
}

static inline void test_context_free(aio_context_t *ctx)
{
    if (os_thread_ctx_get() == ctx) {
        aio_thread_context_set(NULL);
    }
    aio_context_free(ctx);
}

#endif

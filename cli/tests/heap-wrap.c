/*
 * heap-wrap.c - plants heap errors in the code under test, for the
 * heap-error verdict's tests only (cli-test-heapy-wakesim: wakesim linked
 * with -Wl,--wrap=aio_blk_read).  Every read's completion goes through a
 * record this wrapper allocates on the submitting simulated thread and
 * frees on the completing one; WAKESIM_TEST_HEAP chooses the error, made
 * at every completion:
 *   uaf      the record freed, then its callback read from it and called
 *   double   the record freed twice
 *   write    a field of the freed record written (found when the
 *            quarantine is checked at the end of the run)
 *   invalid  free of a pointer into the middle of the record (misaligned)
 *   wild     free of a stack address (the C library's allocator aborts)
 *   unset    none: the completions as loop/ makes them.
 * loop/ itself is untouched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "aio.h"

/* The errors are the point: gcc sees some of them. */
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ >= 12
#pragma GCC diagnostic ignored "-Wuse-after-free"
#pragma GCC diagnostic ignored "-Wfree-nonheap-object"
#endif

int __real_aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                        void *opaque);
int __wrap_aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                        void *opaque);

typedef struct {
    aio_blk_cb_t *cb;
    void *opaque;
    uint64_t seq;
} call_t;

static void plant(call_t *c, ssize_t ret)
{
    const char *mode = getenv("WAKESIM_TEST_HEAP");
    mode = mode ? mode : "";
    if (strcmp(mode, "uaf") == 0) {
        free(c);
        c->cb(c->opaque, ret); /* the callback pointer is read from freed memory */
        return;
    }
    call_t keep = *c;
    if (strcmp(mode, "invalid") == 0) {
        free((char *)c + 8);
    } else if (strcmp(mode, "wild") == 0) {
        _Alignas(16) char on_stack[64];
        void *volatile p = on_stack + 16;
        free(p);
    }
    free(c);
    if (strcmp(mode, "double") == 0) {
        free(c);
    } else if (strcmp(mode, "write") == 0) {
        ((volatile call_t *)c)->seq = 0;
    }
    keep.cb(keep.opaque, ret);
}

static void heapy_done(void *opaque, ssize_t ret)
{
    plant(opaque, ret);
}

int __wrap_aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                        void *opaque)
{
    call_t *c = malloc(sizeof(*c));
    c->cb = cb;
    c->opaque = opaque;
    c->seq = offset;
    int ret = __real_aio_blk_read(fd, buf, len, offset, heapy_done, c);
    if (ret < 0) {
        free(c); /* refused (no context): no completion */
    }
    return ret;
}

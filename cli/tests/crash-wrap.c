/*
 * crash-wrap.c - makes the code under test crash, for the crash verdict's
 * tests only (cli-test-crashy-wakesim: wakesim linked with
 * -Wl,--wrap=aio_blk_read).  The loop target's blk_read reaches loop/ through
 * this wrapper, which hands loop/ a completion callback that dereferences
 * NULL when the completion is handled at a chosen point of the run: a
 * crash inside loop/'s dispatch, on whichever simulated thread reaps the
 * CQE, in some schedules and not others.  loop/ itself is untouched.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include "aio.h"
#include "sim.h"

int __real_aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                        void *opaque);
int __wrap_aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                        void *opaque);

/* Early completions: a few percent of the seed scenario's schedules. */
#define CRASH_BEFORE_NS 1100000

typedef struct {
    aio_blk_cb_t *cb;
    void *opaque;
} call_t;

static void crashy_done(void *opaque, ssize_t ret)
{
    call_t c = *(call_t *)opaque;
    free(opaque);
    if (sim_now_ns() < CRASH_BEFORE_NS) {
        volatile int *nothing = NULL;
        *nothing = 1;
    }
    c.cb(c.opaque, ret);
}

int __wrap_aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                        void *opaque)
{
    call_t *c = malloc(sizeof(*c));
    c->cb = cb;
    c->opaque = opaque;
    return __real_aio_blk_read(fd, buf, len, offset, crashy_done, c);
}

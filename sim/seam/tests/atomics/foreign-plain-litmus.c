/* foreign-plain-litmus.c - litmus-test threads whose shared accesses are
 * all plain C (volatile, so the compiler keeps their program order; the
 * hooks see volatile accesses as plain ones), compiled with wakesim's TSan
 * hooks and PLAIN_STORES (CMakeLists.txt): the hook runtime buffers these
 * stores under tso, pso and arm.  Nothing here is a scheduling point: the
 * threads interleave only where they start, exit and are joined. */
#include <stdlib.h>

volatile unsigned pl_x, pl_y;

unsigned pl_sb(volatile unsigned *mine, volatile unsigned *other);
void pl_mp_write(int rel);
unsigned pl_mp_read(unsigned *r1);
unsigned pl_own_read(void);
void pl_free_after_store(void);

/* SB: store mine, then load other. */
unsigned pl_sb(volatile unsigned *mine, volatile unsigned *other)
{
    *mine = 1;
    return *other;
}

/* MP writer: data (x), then flag (y), plain or, if rel, a release store
 * (a write barrier first: gcc's TSan does not instrument fences). */
void pl_mp_write(int rel)
{
    pl_x = 1;
    if (rel)
        __atomic_store_n(&pl_y, 1, __ATOMIC_RELEASE);
    else
        pl_y = 1;
}

/* MP reader: flag, then data. */
unsigned pl_mp_read(unsigned *r1)
{
    unsigned r0 = pl_y;
    *r1 = pl_x;
    return r0;
}

/* A thread reads back its own buffered plain store, after a hook that
 * settled it (the relaxed load is a scheduling point). */
unsigned pl_own_read(void)
{
    pl_x = 2;
    (void)__atomic_load_n(&pl_y, __ATOMIC_RELAXED);
    return pl_x;
}

/* A buffered plain store to a block, then free: the store must commit
 * before the allocator reuses the block (ASan builds report it if not). */
void pl_free_after_store(void)
{
    volatile unsigned *p = malloc(4 * sizeof(unsigned));
    if (!p)
        abort();
    p[1] = 7;
    (void)__atomic_load_n(&pl_y, __ATOMIC_RELAXED);
    free((void *)p);
}

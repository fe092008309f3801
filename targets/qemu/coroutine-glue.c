/*
 * coroutine-glue.c - what QEMU's coroutine core (util/qemu-coroutine*.c,
 * util/coroutine-ucontext.c, compiled unmodified) needs from util/oslib-posix.c
 * and util/cutils.c, which bring much more with them.  None of it takes part
 * in a wakeup: a coroutine stack is memory, and the number parser only reads
 * the limit of a coroutine pool that is compiled out (CONFIG_COROUTINE_POOL
 * is not set, so every coroutine is created and freed).
 */
#include "qemu/osdep.h"
#include "qemu/cutils.h"

#include <sys/mman.h>

/* QEMU's: the size rounded up to pages, plus a guard page at the bottom. */
void *qemu_alloc_stack(size_t *sz)
{
    size_t pagesz = (size_t)sysconf(_SC_PAGESIZE);
    *sz = ROUND_UP(*sz, pagesz) + pagesz;
    void *ptr = mmap(NULL, *sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ptr == MAP_FAILED) {
        perror("wakesim qemu target: coroutine stack");
        abort();
    }
    if (mprotect(ptr, pagesz, PROT_NONE) != 0) {
        perror("wakesim qemu target: coroutine stack guard page");
        abort();
    }
    return ptr;
}

void qemu_free_stack(void *stack, size_t sz)
{
    munmap(stack, sz);
}

/* QEMU's contract: 0 and *result on a whole int (trailing text allowed
 * only with endptr, so "65530\n" without one is -EINVAL, as in QEMU),
 * -EINVAL or -ERANGE otherwise. */
int qemu_strtoi(const char *nptr, const char **endptr, int base, int *result)
{
    char *end;
    if (!nptr) {
        return -EINVAL;
    }
    errno = 0;
    long v = strtol(nptr, &end, base);
    if (end == nptr) {
        return -EINVAL;
    }
    if (endptr) {
        *endptr = end;
    } else if (*end) {
        return -EINVAL;
    }
    if (errno == ERANGE || v > INT_MAX || v < INT_MIN) {
        return -ERANGE;
    }
    *result = (int)v;
    return 0;
}

/*
 * syscall.c - syscall(NR, ...): raw system calls.  Code that bypasses the C
 * library's wrappers (libuv closes every fd with syscall(SYS_close), glib
 * waits on futexes) must reach the same simulated kernel as the wrappers do.
 *
 * On a simulated thread the numbers the seam simulates go to its own entry
 * points: futex (futex.c), read, write, close (fd.c), eventfd2/eventfd
 * (eventfd.c), epoll_create1/create/ctl/wait/pwait (epoll.c), io_uring_setup,
 * io_uring_enter and io_uring_register (liburing-compat.c), clock_gettime
 * (clock.c).  A few numbers that touch no simulated state are forwarded
 * (the allowed list of docs/libc-seam.md: gettid, getpid, getppid,
 * sched_yield, getrandom, statx).  Any other number on a simulated thread
 * is an error, not a silent trip to the real kernel with simulated fds or
 * memory: the run ends with the violation "unsupported-syscall" naming it,
 * and the call fails with ENOSYS.
 *
 * syscall() is variadic and its callers pass only the arguments their
 * system call takes, so arguments are decoded by number, never read six at
 * a time (that reads past what the caller passed, which ASan reports).
 * Calls that are not from a simulated thread go to the C library; numbers
 * the seam does not know are forwarded with six arguments by an
 * uninstrumented helper, as the C library's own syscall() reads them.
 */
#include "libc-int.h"

#include <liburing.h>
#include <stdarg.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

void sim_libc_syscall_link(void)
{
}

__attribute__((no_sanitize("address"))) static long forward6(long nr, va_list ap)
{
    long a[6];
    for (int i = 0; i < 6; i++)
        a[i] = va_arg(ap, long);
    return SIM_LIBC_REAL(syscall)(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
}

/* The numbers that take no simulated object: forwarded from anywhere. */
static bool allowed(long nr)
{
    return nr == SYS_gettid || nr == SYS_getpid || nr == SYS_getppid ||
           nr == SYS_sched_yield || nr == SYS_getrandom || nr == SYS_statx;
}

/* A file-table or epoll call through the seam's wrapper (libc convention,
 * as syscall() returns).  *handled is false for a number it does not take. */
static long fd_call(long nr, va_list ap, bool *handled)
{
    *handled = nr == SYS_close || nr == SYS_read || nr == SYS_write ||
               nr == SYS_epoll_ctl || nr == SYS_epoll_wait || nr == SYS_epoll_pwait;
    if (!*handled)
        return 0;
    int fd = va_arg(ap, int);
    switch (nr) {
    case SYS_close:
        return close(fd);
    case SYS_read: {
        void *buf = va_arg(ap, void *);
        return read(fd, buf, va_arg(ap, size_t));
    }
    case SYS_write: {
        const void *buf = va_arg(ap, const void *);
        return write(fd, buf, va_arg(ap, size_t));
    }
    case SYS_epoll_ctl: {
        int op = va_arg(ap, int), target = va_arg(ap, int);
        return epoll_ctl(fd, op, target, va_arg(ap, struct epoll_event *));
    }
    case SYS_epoll_wait:
    case SYS_epoll_pwait: {
        struct epoll_event *ev = va_arg(ap, struct epoll_event *);
        int max = va_arg(ap, int), timeout = va_arg(ap, int);
        return epoll_wait(fd, ev, max, timeout); /* the seam ignores signal masks */
    }
    }
    return 0;
}

/* Calls that create an object, and the clock. */
static long other_call(long nr, va_list ap, bool *handled)
{
    *handled = true;
    switch (nr) {
    case SYS_eventfd2: {
        unsigned init = va_arg(ap, unsigned);
        return eventfd(init, va_arg(ap, int));
    }
    case SYS_eventfd:
        return eventfd(va_arg(ap, unsigned), 0);
    case SYS_epoll_create1:
        return epoll_create1(va_arg(ap, int));
    case SYS_epoll_create:
        return epoll_create(va_arg(ap, int));
    case SYS_clock_gettime: {
        clockid_t id = va_arg(ap, clockid_t);
        return clock_gettime(id, va_arg(ap, struct timespec *));
    }
    case SYS_io_uring_setup: {
        unsigned entries = va_arg(ap, unsigned);
        return sim_libc_ret(io_uring_setup(entries, va_arg(ap, struct io_uring_params *)));
    }
    case SYS_io_uring_enter:
    case SYS_io_uring_register:
        /* liburing-compat.c's raw wrappers: the simulated ring is entered
         * through liburing's entry points only. */
        return sim_libc_ret(-ENOSYS);
    }
    *handled = false;
    return 0;
}

static long simulated(sim_world_t *w, long nr, va_list ap)
{
    if (nr == SYS_futex)
        return sim_libc_ret(sim_libc_futex(w, ap));
    bool handled;
    long r = fd_call(nr, ap, &handled);
    if (!handled)
        r = other_call(nr, ap, &handled);
    if (handled)
        return r;
    sim_violation(w,
                  "unsupported-syscall: syscall(%ld) on a simulated thread: the seam does "
                  "not simulate it, and the real kernel must not see simulated fds or "
                  "memory (docs/libc-seam.md lists the numbers it handles)",
                  nr);
    return sim_libc_ret(-ENOSYS);
}

long syscall(long nr, ...)
{
    va_list ap;
    va_start(ap, nr);
    sim_world_t *w = SIM_LIBC_GATE();
    long r;
    if (w && !allowed(nr)) {
        r = simulated(w, nr, ap);
    } else if (nr == SYS_gettid || nr == SYS_getpid || nr == SYS_sched_yield) {
        r = SIM_LIBC_REAL(syscall)(nr);
    } else {
        r = forward6(nr, ap);
    }
    va_end(ap);
    return r;
}

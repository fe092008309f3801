/*
 * libc-seam.c - the C library calls QEMU's event loop makes, answered by the
 * simulated kernel when a simulated thread makes them.
 *
 * QEMU's util/ files call eventfd(), read(), write(), close(), ppoll() and
 * syscall(SYS_futex) directly.  Definitions in the executable take the place
 * of the C library's for the whole process, so each one checks who is
 * calling: a simulated thread (or a simulated fd, >= SIM_FD_BASE) goes to the
 * simulator, everything else (the host, libFuzzer, sanitizers, glib on the
 * host) is forwarded to the C library through dlsym(RTLD_NEXT), the pattern
 * sim/glib-clock.c uses for clock_gettime (which QEMU's clock also reaches).
 *
 * This is the subset of a libc-level seam the QEMU target needs; a general
 * one is issue 11's deliverable and should replace this file when it lands.
 */
#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>

#include "aio-os.h"
#include "sim.h"
#include "libc-seam.h"

/* Resolves the C library's definition once (constant for the process). */
#define REAL(name, type) \
    static type *real_##name; \
    if (!real_##name) { \
        real_##name = (type *)dlsym(RTLD_NEXT, #name); \
    }

/* > 0 while wakesim's own code calls into a library whose file
 * descriptors should stay real (see wk_libc_seam_bypass()). */
static int bypass_depth;

void wk_libc_seam_bypass(int delta)
{
    bypass_depth += delta;
}

static int on_simulated_thread(void)
{
    return !bypass_depth && sim_world_current() && sim_thread_self();
}

static int is_simulated_fd(int fd)
{
    return fd >= SIM_FD_BASE && sim_world_current();
}

/* Returns -1 with errno set from a negative errno, else ret. */
static long errno_ret(long ret)
{
    if (ret < 0) {
        errno = (int)-ret;
        return -1;
    }
    return ret;
}

typedef int eventfd_fn_t(unsigned int, int);
int eventfd(unsigned int initval, int flags)
{
    if (on_simulated_thread()) {
        /* Simulated eventfds are always non-blocking (QEMU asks for
         * EFD_NONBLOCK | EFD_CLOEXEC); the counter only counts signals. */
        int fd = os_eventfd_new();
        if (fd >= 0 && initval) {
            os_eventfd_signal(fd);
        }
        return (int)errno_ret(fd);
    }
    REAL(eventfd, eventfd_fn_t);
    return real_eventfd(initval, flags);
}

typedef ssize_t read_fn_t(int, void *, size_t);
ssize_t read(int fd, void *buf, size_t count)
{
    if (is_simulated_fd(fd)) {
        if (count < sizeof(uint64_t)) {
            return errno_ret(-EINVAL);
        }
        int64_t v = os_eventfd_drain(fd);
        if (v < 0) {
            return errno_ret(v);
        }
        if (v == 0) {
            return errno_ret(-EAGAIN); /* non-blocking and not signalled */
        }
        uint64_t u = (uint64_t)v;
        memcpy(buf, &u, sizeof(u));
        return sizeof(u);
    }
    REAL(read, read_fn_t);
    return real_read(fd, buf, count);
}

typedef ssize_t write_fn_t(int, const void *, size_t);
ssize_t write(int fd, const void *buf, size_t count)
{
    if (is_simulated_fd(fd)) {
        uint64_t u;
        if (count < sizeof(u)) {
            return errno_ret(-EINVAL);
        }
        memcpy(&u, buf, sizeof(u));
        if (u == UINT64_MAX) {
            return errno_ret(-EINVAL);
        }
        int ret = u ? os_eventfd_signal(fd) : 0;
        return ret < 0 ? errno_ret(ret) : (ssize_t)sizeof(u);
    }
    REAL(write, write_fn_t);
    return real_write(fd, buf, count);
}

typedef int close_fn_t(int);
int close(int fd)
{
    if (is_simulated_fd(fd)) {
        os_fd_close(fd);
        return 0;
    }
    REAL(close, close_fn_t);
    return real_close(fd);
}

typedef int ppoll_fn_t(struct pollfd *, nfds_t, const struct timespec *, const sigset_t *);
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *ts, const sigset_t *sigmask)
{
    if (on_simulated_thread()) {
        int64_t ns = ts ? (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec : -1;
        return (int)errno_ret(os_ppoll(fds, nfds, ns));
    }
    REAL(ppoll, ppoll_fn_t);
    return real_ppoll(fds, nfds, ts, sigmask);
}

/* ---- futex ----
 * Waiters block on one of a few condition variables chosen by address; a
 * wake broadcasts the bucket, so a waiter on another address of the bucket
 * wakes spuriously, which futex users must (and QEMU's do) tolerate.  The
 * lock and the conditions are tagged with the world that last used them and
 * reset themselves in a new world: nothing carries over between runs. */
#define FUTEX_BUCKETS 16
static os_mutex_t futex_lock;
static sim_cond_t futex_conds[FUTEX_BUCKETS];

static sim_cond_t *futex_bucket(const void *addr)
{
    return &futex_conds[((uintptr_t)addr >> 2) % FUTEX_BUCKETS];
}

long wk_sim_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout)
{
    switch (op & FUTEX_CMD_MASK) {
    case FUTEX_WAIT:
    case FUTEX_WAIT_BITSET: {
        os_mutex_lock(&futex_lock);
        if (__atomic_load_n(uaddr, __ATOMIC_SEQ_CST) != val) {
            os_mutex_unlock(&futex_lock);
            return -EAGAIN;
        }
        int ret = 0;
        if (timeout) {
            /* FUTEX_WAIT's timeout is relative (BITSET's is absolute, which
             * QEMU does not use). */
            int64_t ns = (int64_t)timeout->tv_sec * 1000000000 + timeout->tv_nsec;
            ret = sim_cond_timedwait(futex_bucket(uaddr), &futex_lock, ns);
        } else {
            sim_cond_wait(futex_bucket(uaddr), &futex_lock);
        }
        os_mutex_unlock(&futex_lock);
        return ret;
    }
    case FUTEX_WAKE:
    case FUTEX_WAKE_BITSET:
        os_mutex_lock(&futex_lock);
        sim_cond_broadcast(futex_bucket(uaddr));
        os_mutex_unlock(&futex_lock);
        return 0; /* callers do not rely on the count */
    default:
        return -ENOSYS;
    }
}

typedef long syscall_fn_t(long, ...);
long syscall(long number, ...)
{
    va_list ap;
    va_start(ap, number);
    /* Read only as many arguments as the call has: reading absent varargs
     * past the register area trips ASan. */
    if (number == SYS_futex) {
        uint32_t *uaddr = va_arg(ap, uint32_t *);
        int op = va_arg(ap, int);
        uint32_t val = va_arg(ap, uint32_t);
        const struct timespec *timeout = va_arg(ap, const struct timespec *);
        if (on_simulated_thread()) {
            va_end(ap);
            return errno_ret(wk_sim_futex(uaddr, op, val, timeout));
        }
        /* uaddr2 and val3 only matter for requeue, wake-op and bitset ops. */
        uint32_t *uaddr2 = NULL;
        uint32_t val3 = 0;
        int cmd = op & FUTEX_CMD_MASK;
        if (cmd == FUTEX_REQUEUE || cmd == FUTEX_CMP_REQUEUE || cmd == FUTEX_WAKE_OP ||
            cmd == FUTEX_WAIT_BITSET || cmd == FUTEX_WAKE_BITSET ||
            cmd == FUTEX_CMP_REQUEUE_PI || cmd == FUTEX_WAIT_REQUEUE_PI) {
            uaddr2 = va_arg(ap, uint32_t *);
            val3 = va_arg(ap, uint32_t);
        }
        va_end(ap);
        REAL(syscall, syscall_fn_t);
        return real_syscall(number, uaddr, op, val, timeout, uaddr2, val3);
    }
    /* Any other system call: at most five arguments, all in registers. */
    long a1 = va_arg(ap, long), a2 = va_arg(ap, long), a3 = va_arg(ap, long);
    long a4 = va_arg(ap, long), a5 = va_arg(ap, long);
    va_end(ap);
    REAL(syscall, syscall_fn_t);
    return real_syscall(number, a1, a2, a3, a4, a5);
}

/*
 * aio-os.h - the operating-system seam of loop/ (real build).
 *
 * loop/'s .c files make no system call, clock read, lock operation or liburing entry
 * call except through this header.  The simulator replaces it on the include
 * path (sim/seam/shim/aio-os.h declares the same names), so the same loop/ sources
 * run against a simulated kernel.  The liburing *inline* helpers (get_sqe,
 * prep_*, peek_cqe, cqe_seen...) touch ring memory only and are used directly.
 *
 * Conventions: functions return >= 0 on success and -errno on failure;
 * timeouts are nanoseconds, -1 meaning "no timeout".
 */
#ifndef AIO_OS_H
#define AIO_OS_H

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <liburing.h>

/* ---- clock ---- */
static inline int64_t os_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- eventfd ---- */
static inline int os_eventfd_new(void)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static inline int os_eventfd_signal(int fd)
{
    uint64_t one = 1;
    ssize_t n;
    do {
        n = write(fd, &one, sizeof(one));
    } while (n < 0 && errno == EINTR);
    /* EAGAIN means the counter is saturated: it is readable anyway. */
    return (n < 0 && errno != EAGAIN) ? -errno : 0;
}

/* Reads the counter to zero; returns the value read (0 if already zero). */
static inline int64_t os_eventfd_drain(int fd)
{
    uint64_t value = 0;
    ssize_t n;
    do {
        n = read(fd, &value, sizeof(value));
    } while (n < 0 && errno == EINTR);
    return n < 0 ? (errno == EAGAIN ? 0 : -errno) : (int64_t)value;
}

static inline void os_fd_close(int fd)
{
    close(fd);
}

/* ---- ppoll ---- */
static inline int os_ppoll(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns)
{
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tsp = &ts;
    }
    int n = ppoll(fds, nfds, tsp, NULL);
    return n < 0 ? -errno : n;
}

/* ---- io_uring entry points (the exported, kernel-entering part of liburing) ---- */
static inline int os_uring_init(unsigned entries, struct io_uring *ring, unsigned flags)
{
    return io_uring_queue_init(entries, ring, flags);
}

static inline void os_uring_exit(struct io_uring *ring)
{
    io_uring_queue_exit(ring);
}

static inline int os_uring_submit(struct io_uring *ring)
{
    return io_uring_submit(ring);
}

static inline int os_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
{
    return io_uring_submit_and_wait(ring, wait_nr);
}

/* Enters with GETEVENTS: overflowed CQEs move into the CQ ring. */
static inline int os_uring_get_events(struct io_uring *ring)
{
    return io_uring_get_events(ring);
}

/* ---- locks ---- */
typedef pthread_mutex_t os_mutex_t;

static inline void os_mutex_init(os_mutex_t *m)
{
    pthread_mutex_init(m, NULL);
}
static inline void os_mutex_destroy(os_mutex_t *m)
{
    pthread_mutex_destroy(m);
}
static inline void os_mutex_lock(os_mutex_t *m)
{
    pthread_mutex_lock(m);
}
static inline void os_mutex_unlock(os_mutex_t *m)
{
    pthread_mutex_unlock(m);
}

/* ---- thread identity and the per-thread home context ---- */
static inline uintptr_t os_thread_self(void)
{
    return (uintptr_t)pthread_self();
}

/* The context whose home thread the caller is (NULL if none). */
void *os_thread_ctx_get(void);
void os_thread_ctx_set(void *ctx);

#endif

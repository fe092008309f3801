/*
 * aio-os.h - the operating-system seam of loop/ (simulated build).
 *
 * Declares exactly the names and signatures of loop/os/aio-os.h, as ordinary
 * functions implemented by the simulator core (the sim/ sources) against the current
 * world (sim_world_current()).  File descriptors returned here are simulated
 * (>= SIM_FD_BASE); real fds passed to os_ppoll are never ready.  Calls that
 * block or publish are scheduling points.  Conventions as in the real header:
 * >= 0 success, -errno failure, timeouts in ns with -1 = none.
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

/* ---- clock: virtual, clock_base_ns + time since the run started ---- */
int64_t os_clock_ns(void);

/* ---- eventfd (non-blocking, as EFD_NONBLOCK) ---- */
int os_eventfd_new(void);
int os_eventfd_signal(int fd);
int64_t os_eventfd_drain(int fd);
void os_fd_close(int fd);

/* ---- ppoll ---- */
int os_ppoll(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns);

/* ---- io_uring entry points ---- */
int os_uring_init(unsigned entries, struct io_uring *ring, unsigned flags);
void os_uring_exit(struct io_uring *ring);
int os_uring_submit(struct io_uring *ring);
int os_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr);
/* io_uring_get_events(): moves overflowed CQEs into the CQ. */
int os_uring_get_events(struct io_uring *ring);

/* ---- locks: owner is a simulated thread; waiters block their fiber ---- */
typedef struct os_mutex {
    uint64_t world_gen; /* world that last used it; a stale owner is dropped */
    int32_t owner;      /* simulated thread id, 0 = free, -1 = host */
    uint32_t id;        /* for the log, assigned by the world on first use */
} os_mutex_t;

void os_mutex_init(os_mutex_t *m);
void os_mutex_destroy(os_mutex_t *m);
void os_mutex_lock(os_mutex_t *m);
void os_mutex_unlock(os_mutex_t *m);

/* ---- thread identity and the per-thread home context ---- */
uintptr_t os_thread_self(void);
void *os_thread_ctx_get(void);
void os_thread_ctx_set(void *ctx);

#endif

/*
 * kernel.h - the simulated kernel's internal types (sim/kernel/): the fd
 * table and file operations, eventfd, ppoll, mutexes and condition
 * variables, block devices, injected faults and io_uring.  Built on the
 * core (sim-int.h) only; the seam (sim/seam/) builds on it.
 *
 * Invariants:
 *  - The kernel's per-world state is w->kernel (struct sim_kernel), created
 *    by the first call that needs it (sim_kernel) and freed with the world.
 *  - Kernel code never blocks the host: a wait is sim_block on a
 *    simulated thread, and the host only ever gets -EDEADLK.
 */
#ifndef WAKESIM_KERNEL_H
#define WAKESIM_KERNEL_H

#include "sim-int.h"

#include <liburing.h>
#include <poll.h>
#include <sys/uio.h>

/* ---- injected faults (fault.c) ---- */
/* One call of kind k: true if it must fail now (logged).  Takes a decision
 * only when k's rate is non-zero. */
bool sim_fault(sim_world_t *w, sim_fault_kind_t k);

/* ---- files (fd.c) ---- */
typedef enum {
    SIM_FILE_EVENTFD = 1,
    SIM_FILE_URING,
    SIM_FILE_BLKDEV,
    SIM_FILE_EPOLL
} sim_file_kind_t;
typedef struct sim_file sim_file_t;

/* What a kind of file does, like the kernel's file_operations: the fd table,
 * ppoll, epoll and the libc seam only go through this table, so none of them
 * needs to know what a ring or a block device is.  NULL entries: the
 * operation is not supported (read/write give -EINVAL). */
typedef struct sim_file_ops {
    const char *name;
    /* Current readiness (POLLIN, POLLOUT...). */
    unsigned (*poll_mask)(sim_world_t *w, sim_file_t *f);
    /* Non-blocking transfer: bytes done, or -errno (-EAGAIN: would block). */
    int64_t (*read)(sim_world_t *w, sim_file_t *f, void *buf, size_t len);
    int64_t (*write)(sim_world_t *w, sim_file_t *f, const void *buf, size_t len);
    /* close(fd): 0, or -errno to refuse (the fd stays open).  NULL: any
     * file may be closed. */
    int (*release)(sim_world_t *w, sim_file_t *f);
    /* Frees the object when the world is freed (NULL: free(f)). */
    void (*destroy)(sim_file_t *f);
} sim_file_ops_t;

struct sim_file {
    sim_file_kind_t kind;
    int fd;
    bool closed;
    sim_file_t *next_all; /* every file of the world, freed at the end */
    const sim_file_ops_t *ops;
    int status_flags;                /* O_NONBLOCK (libc seam: read/write block?) */
    bool fd_reserved;                /* its number is held in the real kernel */
    struct sim_file_watch *watchers; /* files whose readiness follows this
                                        one's (epoll instances watching it) */
};

/* Makes watcher "changed" whenever f is (the kernel's epoll wait-queue
 * callback): a thread polling an epoll fd wakes when a watched fd changes. */
typedef struct sim_file_watch {
    sim_file_t *watcher;
    struct sim_file_watch *next;
} sim_file_watch_t;
void sim_file_watch(sim_file_t *f, sim_file_t *watcher);
void sim_file_unwatch(sim_file_t *f, sim_file_t *watcher);

int sim_fd_install(sim_world_t *w, sim_file_t *f, sim_file_kind_t kind,
                   const sim_file_ops_t *ops);
sim_file_t *sim_fd_lookup(sim_world_t *w, int fd);
/* Is fd a number of this world's simulated kernel (open or closed: numbers
 * are never reused within a run)?  Every other fd is the process's own, for
 * the C library.  Any fd >= SIM_FD_BASE is simulated; below it, the numbers
 * a low fd_base world has handed out (sim_options_t.fd_base). */
bool sim_fd_is_sim(sim_world_t *w, int fd);
/* What keeps a low fd_base world's numbers out of the real kernel: the libc
 * seam reserves each number in the process (a placeholder dup'ed there)
 * when a simulated file takes it, until the world is freed.  reserve()
 * returns false when the number is already a real fd.  Process-wide, set
 * once before any run (sim/seam/fd-reserve.c); without it (a program that
 * does not link the seam) nothing is reserved. */
typedef struct {
    bool (*reserve)(int fd);
    void (*release)(int fd);
} sim_fd_reserver_t;
void sim_fd_set_reserver(const sim_fd_reserver_t *r);
/* Closes fd (its object stays until the world is freed): 0, -EBADF, or
 * the kind's refusal (sim_file_ops_t.release). */
int sim_fd_close(sim_world_t *w, int fd);
/* Takes fd out of the table without asking its kind (a ring's own exit). */
void sim_fd_forget(sim_world_t *w, int fd);
/* Current poll mask of a file (POLLIN...). */
unsigned sim_file_poll_mask(sim_world_t *w, sim_file_t *f);
/* Called when f may have become ready: wakes ppoll waiters, completes
 * POLL_ADD requests. */
void sim_file_changed(sim_world_t *w, sim_file_t *f);

/* ---- eventfd (eventfd.c) ---- */
/* A new simulated eventfd with counter initval: its fd or -errno. */
int sim_eventfd_create(sim_world_t *w, uint64_t initval, bool semaphore, bool nonblock);

/* ---- io_uring (uring.c, uring-ops.c) ---- */
typedef struct sim_ring sim_ring_t;
typedef struct sim_req sim_req_t;

struct sim_ring {
    sim_file_t file;
    struct io_uring *user; /* the loop's struct, valid until exit */
    bool live;
    sim_ring_t *next_live;
    unsigned sq_entries, cq_entries;
    /* "kernel" words the user-side pointers point at */
    unsigned sq_khead, sq_ktail, sq_kflags, sq_kdropped;
    unsigned cq_khead, cq_ktail, cq_kflags, cq_koverflow;
    unsigned *sq_array;
    struct io_uring_sqe *sqes;
    struct io_uring_cqe *cqes;
    unsigned seen_sqe_tail; /* user sqe_tail already reported queued */
    unsigned seen_cq_head;  /* CQEs reaped already reported */
    int64_t *queued_at;     /* per SQ slot: virtual time first seen queued */
    struct io_uring_cqe *overflow;
    size_t n_overflow, cap_overflow;
    uint64_t completions;       /* non-timeout CQEs posted (TIMEOUT counts) */
    uint64_t batch_completions; /* completions when the current batch began */
    uint64_t cq_timeouts;       /* TIMEOUT CQEs posted (they end any wait) */
    bool in_batch;              /* submitting: CQEs wait in deferred until the end */
    struct {
        uint64_t user_data;
        int32_t res;
        uint32_t flags;
        bool is_timeout;
    } * deferred;
    size_t n_deferred, cap_deferred;
    bool flushing_batch; /* posting them: ring-fd polls wait for the end */
    /* Per CQE in posting order (= reaping order), not yet seen reaped:
     * was it posted when the clock said so (kernel: a device, a timer)?
     * A thread reaping one is anchored like a kernel wake (keys). */
    bool *by_clock;
    size_t by_clock_cap, by_clock_head, by_clock_tail;
};

struct sim_req {
    sim_req_t *next, *prev; /* pending list of the world, or free list */
    uint32_t gen;           /* bumped when done: stale timers ignore it */
    uint8_t opcode;
    bool pending;
    bool tw_queued; /* POLL_ADD: a delayed completion is queued */
    sim_ring_t *ring;
    sim_thread_t *submitter; /* whose task_work posts its CQE */
    uint64_t user_data;
    sim_file_t *target;      /* POLL_ADD, READ/WRITE */
    unsigned poll_mask;      /* POLL_ADD */
    uint64_t timeout_target; /* TIMEOUT with count: ring->completions goal */
    int32_t fault_res;       /* READ: injected result (-EIO, -EAGAIN), or 0 */
    /* READ/WRITE: a single buffer or an iovec array (both user memory) */
    const struct iovec *iov;
    unsigned iov_n;
    void *buf;
    size_t len;
    uint64_t offset;
};

/* Reports newly queued SQEs and reaped CQEs of every live ring: the
 * world's step hook once a ring exists (sim_world_add_step_hook).
 * Overflowed CQEs stay in the kernel (lazy flush). */
void sim_uring_observe_all(sim_world_t *w);
void sim_uring_post_cqe(sim_world_t *w, sim_ring_t *r, uint64_t user_data, int32_t res,
                        uint32_t flags, bool is_timeout);
bool sim_ring_cq_ready(const sim_ring_t *r);
/* Ring fd readability: CQEs in the CQ, or overflowed CQEs waiting. */
bool sim_ring_pollin(const sim_ring_t *r);
/* uring-ops.c */
void sim_uring_issue(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe);
/* The error an SQE fails with before it is issued (0 if none): such an SQE
 * ends the submit batch, as io_init_req's failures do on Linux. */
int sim_uring_prep_error(const struct io_uring_sqe *sqe);
void sim_uring_poll_wake(sim_world_t *w, sim_file_t *f);
void sim_uring_cancel_ring(sim_world_t *w, sim_ring_t *r);
void sim_uring_count_completion(sim_world_t *w, sim_ring_t *r);
/* Completes (with 0) every TIMEOUT of r whose completion count is reached. */
void sim_uring_flush_timeouts(sim_world_t *w, sim_ring_t *r);
void sim_reqs_free(sim_world_t *w);

/* ---- block devices (blkdev.c) ---- */
typedef struct sim_blkdev sim_blkdev_t;
/* Starts a request on a block device file: returns the completion latency
 * (>= 0) or -errno.  Writes copy the data now; reads copy at completion. */
int64_t sim_blkdev_start(sim_world_t *w, sim_file_t *f, sim_req_t *req, bool write);
/* Completes a request: copies read data; returns the byte count or -errno. */
int64_t sim_blkdev_finish(sim_world_t *w, sim_file_t *f, sim_req_t *req, bool write);
void sim_blkdev_free(sim_file_t *f);

/* ---- mutexes and condition variables (mutex.c) ---- */
/* A mutex as loop/ embeds it (the shim's os_mutex_t has this layout: the
 * seam checks it): the world keeps no list of them. */
typedef struct sim_mutex {
    uint64_t world_gen; /* world that last used it; a stale owner is dropped */
    int32_t owner;      /* simulated thread id, 0 = free, -1 = host */
    uint32_t id;        /* for the log, assigned by the world on first use */
} sim_mutex_t;

/* os_mutex_init and friends; their scheduling points are labelled with the
 * os_mutex_* names (keyed decisions name them so). */
void sim_mutex_init(sim_mutex_t *m);
void sim_mutex_destroy(sim_mutex_t *m);
void sim_mutex_lock(sim_mutex_t *m);
void sim_mutex_unlock(sim_mutex_t *m);
/* The next mutex id of the world (the libc seam's trylock adopts a mutex
 * itself, with no scheduling point between check and take). */
uint32_t sim_mutex_next_id(sim_world_t *w);
/* sim_cond_timedwait on a sim_mutex_t (timeout_ns < 0: none). */
int sim_cond_wait_mutex(sim_cond_t *c, sim_mutex_t *m, int64_t timeout_ns);

/* ---- ppoll (ppoll.c) ---- */
/* Blocks the calling thread as a ppoll on fds does (woken by
 * sim_file_changed on any of them, or at the deadline). */
int sim_ppoll_block(sim_world_t *w, const struct pollfd *fds, nfds_t nfds,
                    int64_t deadline);

/* ---- loop/'s OS entry points implemented here ----
 * Declared for loop/ by the shim (sim/seam/shim/aio-os.h); seam/os.c sees
 * both declarations, so the compiler checks that they agree. */
int os_eventfd_new(void);
int os_eventfd_signal(int fd);
int64_t os_eventfd_drain(int fd);
void os_fd_close(int fd);
int os_ppoll(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns);
int os_uring_init(unsigned entries, struct io_uring *ring, unsigned flags);
void os_uring_exit(struct io_uring *ring);
int os_uring_submit(struct io_uring *ring);
int os_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr);
int os_uring_get_events(struct io_uring *ring);
/* __io_uring_get_cqe's body (the seam's liburing entry points): submit,
 * then wait for wait_nr CQEs until the absolute deadline (-1: none). */
int sim_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned submit,
                      unsigned wait_nr, int64_t deadline);

/* ---- the kernel's per-world state (fd.c) ---- */
typedef struct sim_kernel {
    sim_file_t **fds; /* index fd - base; NULL once closed */
    int base;         /* the first simulated fd (sim_options_t.fd_base) */
    int n_fds;
    size_t cap_fds;
    sim_file_t *all_files; /* every file of the world, freed at the end */
    sim_ring_t *rings;     /* live rings */

    /* io_uring requests (uring-ops.c) */
    sim_req_t *req_pending, *req_free;
    size_t n_req_allocated;

    uint32_t next_mutex_id, next_cond_id, next_blkdev_id;

    /* injected faults (fault.c) */
    uint64_t fault_sites[SIM_FAULT_COUNT];
    uint64_t faults_injected[SIM_FAULT_COUNT];
} sim_kernel_t;

sim_kernel_t *sim_kernel_create(sim_world_t *w);
static inline sim_kernel_t *sim_kernel(sim_world_t *w)
{
    return __builtin_expect(w->kernel != NULL, 1) ? w->kernel : sim_kernel_create(w);
}

#endif

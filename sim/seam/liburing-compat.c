/*
 * liburing-compat.c - the exported liburing entry points a simulated program
 * may reach, defined against the simulated rings.
 *
 * liburing's inline io_uring_peek_cqe / io_uring_wait_cqe call the exported
 * __io_uring_get_cqe when the CQ is empty; scenario code may also use the
 * common exported calls directly.  liburing itself is never linked into a
 * simulator target, so any other entry point is a link error, not a silent
 * trip to the real kernel.
 */
#include "kernel.h"

#include <stdlib.h>

int __io_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
                       unsigned submit, unsigned wait_nr, sigset_t *sigmask)
{
    (void)sigmask;
    return sim_uring_get_cqe(ring, cqe_ptr, submit, wait_nr, -1);
}

int io_uring_queue_init(unsigned entries, struct io_uring *ring, unsigned flags)
{
    return os_uring_init(entries, ring, flags);
}

void io_uring_queue_exit(struct io_uring *ring)
{
    os_uring_exit(ring);
}

int io_uring_submit(struct io_uring *ring)
{
    return os_uring_submit(ring);
}

int io_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
{
    return os_uring_submit_and_wait(ring, wait_nr);
}

int io_uring_wait_cqe_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
                              struct __kernel_timespec *ts)
{
    sim_world_t *w = sim__current_world;
    int64_t deadline = -1;
    if (ts && w)
        deadline = w->now + (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
    return sim_uring_get_cqe(ring, cqe_ptr, 0, 1, deadline);
}

/* The kernel's GETEVENTS: flushes overflowed CQEs into the CQ (uring.c). */
int io_uring_get_events(struct io_uring *ring)
{
    return os_uring_get_events(ring);
}

/* ---- the rest of liburing 2.3's exported functions ---- */

int io_uring_queue_init_params(unsigned entries, struct io_uring *ring,
                               struct io_uring_params *p)
{
    int r = os_uring_init(entries, ring, p ? p->flags : 0);
    if (r == 0 && p) {
        p->sq_entries = ring->sq.ring_entries;
        p->cq_entries = ring->cq.ring_entries;
        p->features = ring->features;
    }
    return r;
}

/* Submits what is queued, then waits (until ts, relative) for wait_nr CQEs. */
static int submit_wait(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
                       unsigned wait_nr, const struct __kernel_timespec *ts)
{
    sim_world_t *w = sim__current_world;
    int64_t deadline = -1;
    if (ts && w)
        deadline = w->now + (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
    int r = sim_uring_get_cqe(ring, cqe_ptr, 1, wait_nr, deadline);
    return r == -EAGAIN && !wait_nr ? 0 : r;
}

int io_uring_submit_and_wait_timeout(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
                                     unsigned wait_nr, struct __kernel_timespec *ts,
                                     sigset_t *sigmask)
{
    (void)sigmask;
    return submit_wait(ring, cqe_ptr, wait_nr, ts);
}

int io_uring_wait_cqes(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
                       unsigned wait_nr, struct __kernel_timespec *ts, sigset_t *sigmask)
{
    (void)sigmask;
    return submit_wait(ring, cqe_ptr, wait_nr, ts);
}

int io_uring_submit_and_get_events(struct io_uring *ring)
{
    return os_uring_submit(ring);
}

unsigned io_uring_peek_batch_cqe(struct io_uring *ring, struct io_uring_cqe **cqes,
                                 unsigned count)
{
    unsigned head = *ring->cq.khead;
    unsigned ready = __atomic_load_n(ring->cq.ktail, __ATOMIC_ACQUIRE) - head;
    unsigned n = ready < count ? ready : count;
    for (unsigned i = 0; i < n; i++)
        cqes[i] = &ring->cq.cqes[(head + i) & ring->cq.ring_mask];
    return n;
}

int __io_uring_sqring_wait(struct io_uring *ring)
{
    (void)ring;
    return 0; /* no SQPOLL: the SQ never waits */
}

/* Raw system-call wrappers and registrations: the simulated kernel has no
 * registered files, buffers or probes.  They fail rather than reach the
 * real kernel. */
int io_uring_enter(unsigned fd, unsigned to_submit, unsigned min_complete, unsigned flags,
                   sigset_t *sig)
{
    return -ENOSYS;
}

int io_uring_enter2(unsigned fd, unsigned to_submit, unsigned min_complete, unsigned flags,
                    sigset_t *sig, size_t sz)
{
    return -ENOSYS;
}

int io_uring_setup(unsigned entries, struct io_uring_params *p)
{
    return -ENOSYS;
}

int io_uring_register(unsigned fd, unsigned opcode, const void *arg, unsigned nr_args)
{
    return -ENOSYS;
}

int io_uring_register_eventfd(struct io_uring *ring, int fd)
{
    return -EOPNOTSUPP;
}

int io_uring_register_eventfd_async(struct io_uring *ring, int fd)
{
    return -EOPNOTSUPP;
}

int io_uring_unregister_eventfd(struct io_uring *ring)
{
    return -EOPNOTSUPP;
}

int io_uring_register_files(struct io_uring *ring, const int *files, unsigned nr)
{
    return -EOPNOTSUPP;
}

int io_uring_unregister_files(struct io_uring *ring)
{
    return -EOPNOTSUPP;
}

int io_uring_register_buffers(struct io_uring *ring, const struct iovec *iovecs,
                              unsigned nr)
{
    return -EOPNOTSUPP;
}

int io_uring_unregister_buffers(struct io_uring *ring)
{
    return -EOPNOTSUPP;
}

int io_uring_register_ring_fd(struct io_uring *ring)
{
    return -EOPNOTSUPP; /* callers fall back to the plain fd */
}

int io_uring_unregister_ring_fd(struct io_uring *ring)
{
    return -EOPNOTSUPP;
}

struct io_uring_probe *io_uring_get_probe_ring(struct io_uring *ring)
{
    return NULL;
}

struct io_uring_probe *io_uring_get_probe(void)
{
    return NULL;
}

void io_uring_free_probe(struct io_uring_probe *probe)
{
    free(probe);
}

int io_uring_ring_dontfork(struct io_uring *ring)
{
    return 0;
}

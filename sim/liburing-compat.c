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
#include "sim-int.h"

int sim_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr,
                      unsigned submit, unsigned wait_nr, int64_t deadline);

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

int sim_uring_get_events(struct io_uring *ring);

int io_uring_get_events(struct io_uring *ring)
{
    return sim_uring_get_events(ring);
}

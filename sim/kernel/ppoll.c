/*
 * ppoll.c - os_ppoll over simulated fds.
 *
 * Level-triggered like the real call: a blocked caller is woken by any
 * change to one of its fds (sim_file_changed) or by its deadline, then
 * re-checks everything.  Fds that are not simulated (glib's own wakeup
 * eventfd, say) are never ready: nothing in a run writes to them.  Closed or
 * unknown simulated fds report POLLNVAL, as the kernel does.
 */
#include "kernel.h"

unsigned sim_file_poll_mask(sim_world_t *w, sim_file_t *f)
{
    return f->ops && f->ops->poll_mask ? f->ops->poll_mask(w, f) : 0;
}

/* Fills revents; returns the number of fds with a non-zero revents. */
static int poll_scan(sim_world_t *w, struct pollfd *fds, nfds_t nfds)
{
    int ready = 0;
    for (nfds_t i = 0; i < nfds; i++) {
        fds[i].revents = 0;
        if (fds[i].fd < 0)
            continue;
        if (!sim_fd_is_sim(w, fds[i].fd))
            continue; /* a real fd: never ready here */
        sim_file_t *f = sim_fd_lookup(w, fds[i].fd);
        unsigned m = f ? sim_file_poll_mask(w, f) : POLLNVAL;
        fds[i].revents =
            (short)(m & ((unsigned)fds[i].events | POLLERR | POLLHUP | POLLNVAL));
        if (fds[i].revents)
            ready++;
    }
    return ready;
}

/* Simulated fds only: a real fd's number (glib's wakeup eventfd) depends
 * on the process, and this text goes into the event log. */
static void describe_ppoll(const sim_thread_t *t, char *buf, size_t size)
{
    const struct pollfd *fds = t->wait_obj;
    int first_sim = -1;
    unsigned long real = 0;
    for (unsigned long i = 0; i < (unsigned long)t->wait_arg; i++) {
        if (!sim_fd_is_sim(t->w, fds[i].fd))
            real++;
        else if (first_sim < 0)
            first_sim = fds[i].fd;
    }
    snprintf(buf, size, "ppoll(nfds=%lu, first simulated fd=%d, %lu real)",
             (unsigned long)t->wait_arg, first_sim, real);
}

int sim_ppoll_block(sim_world_t *w, const struct pollfd *fds, nfds_t nfds, int64_t deadline)
{
    return sim_block_described(w, SIM_WAIT_PPOLL, fds, nfds, deadline, describe_ppoll);
}

int os_ppoll(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns)
{
    sim_world_t *w = sim__current_world;
    if (!w)
        return -ENOSYS;
    SIM_SCHED_POINT_HERE();
    sim_emit(w, SIM_EV_PPOLL_ENTER, (int64_t)nfds, 0, timeout_ns, 0, NULL);
    int64_t deadline = timeout_ns < 0 ? -1 : w->now + timeout_ns;
    int ready;
    for (;;) {
        ready = poll_scan(w, fds, nfds);
        if (ready || timeout_ns == 0 || !w->current)
            break;
        if (deadline >= 0 && w->now >= deadline)
            break;
        /* A signal may end any wait (Linux: -EINTR, nothing reported). */
        if (sim_fault(w, SIM_FAULT_PPOLL_EINTR)) {
            ready = -EINTR;
            break;
        }
        sim_ppoll_block(w, fds, nfds, deadline);
    }
    sim_emit(w, SIM_EV_PPOLL_RETURN, (int64_t)nfds, 0, ready, 0, NULL);
    return ready;
}

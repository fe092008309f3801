/*
 * epoll.c - epoll instances as simulated files.
 *
 * An instance holds an interest list of (fd, events, data).  Readiness is
 * level-triggered and computed from each target's poll mask when asked, so
 * nothing is cached that could go stale; EPOLLET is accepted and treated as
 * level-triggered (a program correct under edge triggering sees extra,
 * harmless reports), EPOLLONESHOT disables an entry after one report.  An
 * instance watches its simulated targets (sim_file_watch), so a thread
 * blocked in epoll_wait, or polling the epoll fd itself (as glib polls
 * QEMU's), wakes when one of them changes.  Real fds may be registered and
 * are never ready, as in ppoll.  Entries of closed fds disappear, as the
 * kernel drops them when the file goes away.
 */
#include "libc-int.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/epoll.h>

void sim_libc_epoll_link(void)
{
}

typedef struct {
    int fd;
    uint32_t events;
    epoll_data_t data;
    bool disabled; /* EPOLLONESHOT after its report */
} epoll_entry_t;

typedef struct {
    sim_file_t file;
    epoll_entry_t *entries;
    size_t n, cap;
} sim_epoll_t;

static sim_epoll_t *epoll_of(sim_world_t *w, int fd)
{
    sim_file_t *f = sim_fd_lookup(w, fd);
    return f && f->kind == SIM_FILE_EPOLL ? (sim_epoll_t *)f : NULL;
}

static unsigned target_mask(sim_world_t *w, const epoll_entry_t *e, bool *gone)
{
    *gone = false;
    if (!sim_fd_is_sim(w, e->fd))
        return 0;
    sim_file_t *f = sim_fd_lookup(w, e->fd);
    if (!f) {
        *gone = true;
        return 0;
    }
    return sim_file_poll_mask(w, f) & (e->events | EPOLLERR | EPOLLHUP);
}

/* Fills up to max events (NULL: only counts); drops entries of closed fds. */
static int epoll_scan(sim_world_t *w, sim_epoll_t *ep, struct epoll_event *out, int max)
{
    int n = 0;
    for (size_t i = 0; i < ep->n && (!out || n < max);) {
        epoll_entry_t *e = &ep->entries[i];
        bool gone;
        unsigned m = e->disabled ? 0 : target_mask(w, e, &gone);
        if (!e->disabled && gone) {
            ep->entries[i] = ep->entries[--ep->n];
            continue;
        }
        if (m) {
            if (out) {
                out[n].events = m;
                out[n].data = e->data;
                if (e->events & EPOLLONESHOT)
                    e->disabled = true;
            }
            n++;
        }
        i++;
    }
    return n;
}

static unsigned epoll_poll_mask(sim_world_t *w, sim_file_t *f)
{
    return epoll_scan(w, (sim_epoll_t *)f, NULL, 0) ? POLLIN : 0;
}

static void epoll_destroy(sim_file_t *f)
{
    sim_epoll_t *ep = (sim_epoll_t *)f;
    free(ep->entries);
    free(ep);
}

static const sim_file_ops_t epoll_ops = {
    .name = "epoll",
    .poll_mask = epoll_poll_mask,
    .destroy = epoll_destroy,
};

int epoll_create1(int flags)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(epoll_create1)(flags);
    if (flags & ~EPOLL_CLOEXEC)
        return (int)sim_libc_ret(-EINVAL);
    sim_epoll_t *ep = calloc(1, sizeof(*ep));
    if (!ep)
        return (int)sim_libc_ret(-ENOMEM);
    SIM_SCHED_POINT_HERE();
    return sim_fd_install(w, &ep->file, SIM_FILE_EPOLL, &epoll_ops);
}

int epoll_create(int size)
{
    if (!SIM_LIBC_GATE())
        return SIM_LIBC_REAL(epoll_create)(size);
    if (size <= 0)
        return (int)sim_libc_ret(-EINVAL);
    return epoll_create1(0);
}

/* Would watching target from ep close a loop of epoll instances? */
static bool epoll_reaches(sim_world_t *w, sim_epoll_t *from, const sim_epoll_t *to,
                          int depth)
{
    if (from == to)
        return true;
    if (depth > 8)
        return true; /* the kernel's nesting limit is 5 */
    for (size_t i = 0; i < from->n; i++) {
        sim_epoll_t *inner = epoll_of(w, from->entries[i].fd);
        if (inner && epoll_reaches(w, inner, to, depth + 1))
            return true;
    }
    return false;
}

int epoll_ctl(int epfd, int op, int fd, struct epoll_event *ev)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(epoll_ctl)(epfd, op, fd, ev);
    SIM_SCHED_POINT_HERE();
    sim_epoll_t *ep = epoll_of(w, epfd);
    if (!ep)
        return (int)sim_libc_ret(sim_fd_lookup(w, epfd) ? -EINVAL : -EBADF);
    bool simulated = sim_fd_is_sim(w, fd);
    sim_file_t *target = simulated ? sim_fd_lookup(w, fd) : NULL;
    if (simulated && !target)
        return (int)sim_libc_ret(-EBADF);
    if (fd == epfd)
        return (int)sim_libc_ret(-EINVAL);
    size_t i = 0;
    while (i < ep->n && ep->entries[i].fd != fd)
        i++;
    bool found = i < ep->n;
    switch (op) {
    case EPOLL_CTL_ADD:
        if (found)
            return (int)sim_libc_ret(-EEXIST);
        if (!ev)
            return (int)sim_libc_ret(-EFAULT);
        if (target && target->kind == SIM_FILE_EPOLL &&
            epoll_reaches(w, (sim_epoll_t *)target, ep, 0))
            return (int)sim_libc_ret(-ELOOP);
        sim_grow((void **)&ep->entries, &ep->cap, ep->n + 1, sizeof(*ep->entries));
        ep->entries[ep->n++] = (epoll_entry_t){ fd, ev->events, ev->data, false };
        if (target)
            sim_file_watch(target, &ep->file);
        break;
    case EPOLL_CTL_MOD:
        if (!found)
            return (int)sim_libc_ret(-ENOENT);
        if (!ev)
            return (int)sim_libc_ret(-EFAULT);
        ep->entries[i] = (epoll_entry_t){ fd, ev->events, ev->data, false };
        break;
    case EPOLL_CTL_DEL:
        if (!found)
            return (int)sim_libc_ret(-ENOENT);
        ep->entries[i] = ep->entries[--ep->n];
        if (target)
            sim_file_unwatch(target, &ep->file);
        return 0;
    default:
        return (int)sim_libc_ret(-EINVAL);
    }
    /* A target that is ready already wakes pollers of this instance. */
    sim_file_changed(w, &ep->file);
    return 0;
}

static int epoll_wait_ns(sim_world_t *w, int epfd, struct epoll_event *events,
                         int maxevents, int64_t timeout_ns)
{
    SIM_SCHED_POINT_HERE();
    sim_epoll_t *ep = epoll_of(w, epfd);
    if (!ep)
        return (int)sim_libc_ret(sim_fd_lookup(w, epfd) ? -EINVAL : -EBADF);
    if (maxevents <= 0 || !events)
        return (int)sim_libc_ret(-EINVAL);
    sim_emit(w, SIM_EV_PPOLL_ENTER, (int64_t)ep->n, 0, timeout_ns, epfd, "epoll_wait");
    int64_t deadline = timeout_ns < 0 ? -1 : w->now + timeout_ns;
    int n;
    for (;;) {
        n = epoll_scan(w, ep, events, maxevents);
        if (n || timeout_ns == 0 || (deadline >= 0 && w->now >= deadline))
            break;
        /* Sleep as a ppoll on the epoll fd: sim_file_changed reaches it
         * through the watch of every target. */
        sim_libc_wait_fd(w, epfd, POLLIN, deadline);
        if (!epoll_of(w, epfd))
            break; /* closed while waiting */
    }
    sim_emit(w, SIM_EV_PPOLL_RETURN, (int64_t)ep->n, 0, n, 0, "epoll_wait");
    return n;
}

int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(epoll_wait)(epfd, events, maxevents, timeout_ms);
    return epoll_wait_ns(w, epfd, events, maxevents,
                         timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}

int epoll_pwait(int epfd, struct epoll_event *events, int maxevents, int timeout_ms,
                const sigset_t *sigmask)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(epoll_pwait)(epfd, events, maxevents, timeout_ms, sigmask);
    return epoll_wait_ns(w, epfd, events, maxevents,
                         timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000);
}

/*
 * eventfd.c - simulated eventfds (non-blocking, counter semantics).
 *
 * Readable while the counter is non-zero; writable while it is below the
 * maximum, UINT64_MAX - 1 (a write that would pass it fails with EAGAIN, the
 * fd being non-blocking).  Signal and drain are scheduling
 * points *before* they act: the interleaving "about to signal" / "about to
 * drain" is exactly where lost wakeups live.
 */
#include "kernel.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    sim_file_t file;
    uint64_t count;
    bool semaphore; /* EFD_SEMAPHORE: a read takes 1 */
} sim_eventfd_t;

#define SIM_EVENTFD_MAX (UINT64_MAX - 1)

static sim_eventfd_t *eventfd_get(sim_world_t *w, int fd)
{
    sim_file_t *f = sim_fd_lookup(w, fd);
    return f && f->kind == SIM_FILE_EVENTFD ? (sim_eventfd_t *)f : NULL;
}

static unsigned eventfd_poll_mask(sim_world_t *w, sim_file_t *f)
{
    const sim_eventfd_t *e = (const sim_eventfd_t *)f;
    return (e->count < SIM_EVENTFD_MAX ? POLLOUT : 0) | (e->count ? POLLIN : 0);
}

/* read(2) on an eventfd: 8 bytes, the counter (or 1 with EFD_SEMAPHORE). */
static int64_t efd_file_read(sim_world_t *w, sim_file_t *f, void *buf, size_t len)
{
    sim_eventfd_t *e = (sim_eventfd_t *)f;
    if (len < sizeof(uint64_t))
        return -EINVAL;
    if (!e->count)
        return -EAGAIN;
    uint64_t value = e->semaphore ? 1 : e->count;
    e->count -= value;
    memcpy(buf, &value, sizeof(value));
    sim_emit(w, SIM_EV_EVENTFD_DRAIN, f->fd, 0, (int64_t)value, 0, NULL);
    return sizeof(value);
}

/* write(2) on an eventfd: adds an 8-byte value; the counter stops at
 * 2^64-2 (the kernel's limit: a write that would pass it blocks). */
static int64_t efd_file_write(sim_world_t *w, sim_file_t *f, const void *buf, size_t len)
{
    sim_eventfd_t *e = (sim_eventfd_t *)f;
    uint64_t value;
    if (len < sizeof(value))
        return -EINVAL;
    memcpy(&value, buf, sizeof(value));
    if (value == UINT64_MAX)
        return -EINVAL;
    if (value > UINT64_MAX - 1 - e->count)
        return -EAGAIN;
    e->count += value;
    sim_emit(w, SIM_EV_EVENTFD_SIGNAL, f->fd, 0, (int64_t)e->count, 0, NULL);
    sim_file_changed(w, f);
    return sizeof(value);
}

static const sim_file_ops_t eventfd_ops = {
    .name = "eventfd",
    .poll_mask = eventfd_poll_mask,
    .read = efd_file_read,
    .write = efd_file_write,
};

int sim_eventfd_create(sim_world_t *w, uint64_t initval, bool semaphore, bool nonblock)
{
    if (!w)
        return -ENOSYS;
    sim_eventfd_t *e = calloc(1, sizeof(*e));
    if (!e)
        return -ENOMEM;
    e->count = initval;
    e->semaphore = semaphore;
    int fd = sim_fd_install(w, &e->file, SIM_FILE_EVENTFD, &eventfd_ops);
    e->file.status_flags = nonblock ? O_NONBLOCK : 0;
    if (fd >= 0)
        sim_name_created(w, SIM_OBJ_EVENTFD, fd);
    return fd;
}

int os_eventfd_new(void)
{
    return sim_eventfd_create(sim__current_world, 0, false, true);
}

int os_eventfd_signal(int fd)
{
    sim_world_t *w = sim__current_world;
    SIM_SCHED_POINT_HERE();
    sim_eventfd_t *e = eventfd_get(w, fd);
    if (!e)
        return -EBADF;
    /* A saturated counter makes write() fail with EAGAIN: the real seam
     * reports success then, the fd being readable anyway. */
    if (sim_fault(w, SIM_FAULT_EVENTFD_EAGAIN))
        e->count = SIM_EVENTFD_MAX; /* injected: as if written to the brim */
    if (e->count < SIM_EVENTFD_MAX)
        e->count++;
    sim_emit(w, SIM_EV_EVENTFD_SIGNAL, fd, 0, (int64_t)e->count, 0, NULL);
    sim_file_changed(w, &e->file);
    return 0;
}

int64_t os_eventfd_drain(int fd)
{
    sim_world_t *w = sim__current_world;
    SIM_SCHED_POINT_HERE();
    sim_eventfd_t *e = eventfd_get(w, fd);
    if (!e)
        return -EBADF;
    uint64_t value = e->count;
    e->count = 0;
    sim_emit(w, SIM_EV_EVENTFD_DRAIN, fd, 0, (int64_t)value, 0, NULL);
    if (value == SIM_EVENTFD_MAX)
        sim_file_changed(w, &e->file); /* writable again */
    return (int64_t)value;
}

int sim_eventfd_new(uint64_t initial)
{
    int fd = os_eventfd_new();
    sim_eventfd_t *e = fd < 0 ? NULL : eventfd_get(sim__current_world, fd);
    if (e)
        e->count = initial > SIM_EVENTFD_MAX ? SIM_EVENTFD_MAX : initial;
    return fd;
}

int sim_eventfd_write(int fd, uint64_t value)
{
    sim_world_t *w = sim__current_world;
    SIM_SCHED_POINT_HERE();
    sim_eventfd_t *e = eventfd_get(w, fd);
    if (!e)
        return -EBADF;
    if (value == UINT64_MAX)
        return -EINVAL;
    if (value > SIM_EVENTFD_MAX - e->count)
        return -EAGAIN;
    e->count += value;
    sim_emit(w, SIM_EV_EVENTFD_SIGNAL, fd, 0, (int64_t)e->count, 0, NULL);
    if (value)
        sim_file_changed(w, &e->file);
    return 0;
}

int sim_eventfd_read(int fd, uint64_t *value)
{
    sim_world_t *w = sim__current_world;
    SIM_SCHED_POINT_HERE();
    sim_eventfd_t *e = eventfd_get(w, fd);
    if (!e)
        return -EBADF;
    if (!e->count)
        return -EAGAIN;
    *value = e->count;
    e->count = 0;
    sim_emit(w, SIM_EV_EVENTFD_DRAIN, fd, 0, (int64_t)*value, 0, NULL);
    if (*value == SIM_EVENTFD_MAX)
        sim_file_changed(w, &e->file); /* writable again */
    return 0;
}

/*
 * fd.c - read, write, close and fcntl on simulated fds.
 *
 * Simulated fds are the numbers the world's kernel hands out
 * (sim_fd_is_sim: >= SIM_FD_BASE, or from a low fd_base); any other fd, even on a simulated
 * thread, is the process's own and goes to the C library (a blocking read
 * of a real fd then blocks the whole process: every simulated thread runs on
 * one OS thread).  Each operation is a scheduling point before it acts (the
 * moment between "about to signal" and "signalled" is where lost wakeups
 * live), then dispatches through the file's ops table.  A blocking fd whose
 * operation would block waits like a one-fd ppoll and retries.
 */
#include "libc-int.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <unistd.h>

void sim_libc_fd_link(void)
{
}

int sim_libc_wait_fd(sim_world_t *w, int fd, short events, int64_t deadline)
{
    struct pollfd p = { .fd = fd, .events = events };
    return sim_ppoll_block(w, &p, 1, deadline);
}

typedef int64_t file_io_fn_t(sim_world_t *w, sim_file_t *f, void *buf, size_t len);

/* One read or write, retried after a wait while it would block. */
static ssize_t file_io(sim_world_t *w, int fd, void *buf, size_t len, bool write)
{
    SIM_SCHED_POINT_HERE();
    for (;;) {
        sim_file_t *f = sim_fd_lookup(w, fd);
        if (!f)
            return sim_libc_ret(-EBADF);
        int64_t r;
        if (write)
            r = f->ops && f->ops->write ? f->ops->write(w, f, buf, len) : -EINVAL;
        else
            r = f->ops && f->ops->read ? f->ops->read(w, f, buf, len) : -EINVAL;
        if (r != -EAGAIN || (f->status_flags & O_NONBLOCK))
            return sim_libc_ret(r);
        sim_libc_wait_fd(w, fd, write ? POLLOUT : POLLIN, -1);
    }
}

ssize_t read(int fd, void *buf, size_t len)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w || !sim_fd_is_sim(w, fd))
        return SIM_LIBC_REAL(read)(fd, buf, len);
    return file_io(w, fd, buf, len, false);
}

ssize_t write(int fd, const void *buf, size_t len)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w || !sim_fd_is_sim(w, fd))
        return SIM_LIBC_REAL(write)(fd, buf, len);
    return file_io(w, fd, (void *)buf, len, true);
}

int close(int fd)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w || !sim_fd_is_sim(w, fd))
        return SIM_LIBC_REAL(close)(fd);
    sim_file_t *f = sim_fd_lookup(w, fd);
    int r = sim_fd_close(w, fd);
    if (r < 0)
        return (int)sim_libc_ret(r);
    /* Waiters on the fd see POLLNVAL, as after a real close. */
    sim_file_changed(w, f);
    return 0;
}

/* fcntl's third argument exists only for some commands: decode by command
 * (reading a vararg the caller did not pass is undefined). */
int fcntl(int fd, int cmd, ...)
{
    sim_world_t *w = SIM_LIBC_GATE();
    bool has_int_arg = cmd == F_SETFL || cmd == F_SETFD || cmd == F_DUPFD ||
                       cmd == F_DUPFD_CLOEXEC || cmd == F_SETOWN || cmd == F_SETSIG ||
                       cmd == F_SETLEASE || cmd == F_NOTIFY || cmd == F_SETPIPE_SZ ||
                       cmd == F_ADD_SEALS;
    bool no_arg = cmd == F_GETFL || cmd == F_GETFD || cmd == F_GETOWN || cmd == F_GETSIG ||
                  cmd == F_GETLEASE || cmd == F_GETPIPE_SZ || cmd == F_GET_SEALS;
    va_list ap;
    va_start(ap, cmd);
    long arg = 0;
    void *parg = NULL;
    if (has_int_arg)
        arg = va_arg(ap, int);
    else if (!no_arg)
        parg = va_arg(ap, void *); /* locks, owner_ex, rw hints: pointers */
    va_end(ap);
    if (!w || !sim_fd_is_sim(w, fd)) {
        if (has_int_arg)
            return SIM_LIBC_REAL(fcntl)(fd, cmd, (int)arg);
        if (no_arg)
            return SIM_LIBC_REAL(fcntl)(fd, cmd);
        return SIM_LIBC_REAL(fcntl)(fd, cmd, parg);
    }
    sim_file_t *f = sim_fd_lookup(w, fd);
    if (!f)
        return (int)sim_libc_ret(-EBADF);
    switch (cmd) {
    case F_GETFL:
        return O_RDWR | f->status_flags;
    case F_SETFL:
        f->status_flags = (int)(arg & O_NONBLOCK);
        return 0;
    case F_GETFD:
        return FD_CLOEXEC; /* exec is not simulated */
    case F_SETFD:
        return 0;
    default:
        return (int)sim_libc_ret(-EINVAL);
    }
}

/* _FORTIFY_SOURCE turns read() into __read_chk, which calls the C library's
 * read internally (not through the PLT): check the size here and forward to
 * the seam's read. */
ssize_t __read_chk(int fd, void *buf, size_t len, size_t buflen)
{
    if (len > buflen) {
        fprintf(stderr, "*** buffer overflow detected ***: read\n");
        abort();
    }
    return read(fd, buf, len);
}

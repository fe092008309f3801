/*
 * fd-reserve.c - keeping a low-numbered world's simulated fds out of the
 * real kernel's hands (sim_fd_reserver_t, sim/kernel/fd.c).
 *
 * A world with a low fd_base hands out numbers a real fd could have.  Each
 * number a simulated file takes is made a real fd of the process too: a
 * duplicate of one placeholder (an eventfd opened once per process), so
 * the real kernel, which always gives the lowest free number, skips it
 * while the world lives; the kernel releases every number when the world
 * is freed.  A number that is already a real fd is not taken (reserve()
 * says so, and the world ends its run with fd-collision).
 *
 * The check and the dup3 are two calls: another OS thread opening a file
 * between them could get the number first and lose it to the dup3.  Every
 * simulated thread runs on one OS thread, and the runner
 * (cli/wakesim-main.c) runs each world in a fresh process of one thread.
 */
#include "libc-int.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <unistd.h>

void sim_libc_fd_reserve_link(void)
{
}

static int placeholder = -1;

static bool reserve(int fd)
{
    if (SIM_LIBC_REAL(fcntl)(fd, F_GETFD) >= 0)
        return false; /* a real fd already */
    if (placeholder < 0)
        placeholder = SIM_LIBC_REAL(eventfd)(0, EFD_CLOEXEC);
    if (placeholder < 0 || placeholder == fd)
        sim_fatal("cannot reserve simulated fd %d: no placeholder fd (%s)", fd,
                  strerror(errno));
    if (dup3(placeholder, fd, O_CLOEXEC) < 0 && errno != EBADF)
        sim_fatal("cannot reserve simulated fd %d: dup3: %s", fd, strerror(errno));
    /* EBADF: fd is beyond RLIMIT_NOFILE, where no real fd can be either. */
    return true;
}

static void release(int fd)
{
    SIM_LIBC_REAL(close)(fd);
}

static const sim_fd_reserver_t seam_reserver = { reserve, release };

__attribute__((constructor)) static void sim_libc_fd_reserve_init(void)
{
    sim_fd_set_reserver(&seam_reserver);
}

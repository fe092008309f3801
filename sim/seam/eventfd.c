/*
 * eventfd.c - eventfd(2) on simulated threads creates a simulated eventfd
 * (sim/kernel/eventfd.c): counter semantics, EFD_SEMAPHORE, EFD_NONBLOCK; read and
 * write reach it through the fd table (fd.c).
 */
#include "libc-int.h"

#include <sys/eventfd.h>

void sim_libc_eventfd_link(void)
{
}

int eventfd(unsigned int initval, int flags)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(eventfd)(initval, flags);
    if (flags & ~(EFD_CLOEXEC | EFD_NONBLOCK | EFD_SEMAPHORE))
        return (int)sim_libc_ret(-EINVAL);
    SIM_SCHED_POINT_HERE();
    return (int)sim_libc_ret(
        sim_eventfd_create(w, initval, flags & EFD_SEMAPHORE, flags & EFD_NONBLOCK));
}

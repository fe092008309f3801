/*
 * poll.c - poll and ppoll on simulated threads go to the simulated ppoll.
 *
 * Any mix of fds is accepted: simulated fds report their file's readiness,
 * real fds are never ready (nothing in a run writes to them), so a thread
 * polling only real fds sleeps until its timeout in virtual time.  ppoll's
 * signal mask is ignored: signals are not simulated.
 */
#include "libc-int.h"

#include <limits.h>
#include <stdlib.h>

void sim_libc_poll_link(void)
{
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(poll)(fds, nfds, timeout_ms);
    int64_t timeout_ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000;
    return (int)sim_libc_ret(os_ppoll(fds, nfds, timeout_ns));
}

int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
          const sigset_t *sigmask)
{
    sim_world_t *w = SIM_LIBC_GATE();
    if (!w)
        return SIM_LIBC_REAL(ppoll)(fds, nfds, timeout, sigmask);
    if (timeout &&
        (timeout->tv_sec < 0 || timeout->tv_nsec < 0 || timeout->tv_nsec >= 1000000000))
        return (int)sim_libc_ret(-EINVAL);
    int64_t timeout_ns = -1;
    if (timeout)
        timeout_ns = timeout->tv_sec > INT64_MAX / 1000000000 - 1
                         ? INT64_MAX / 2
                         : (int64_t)timeout->tv_sec * 1000000000 + timeout->tv_nsec;
    return (int)sim_libc_ret(os_ppoll(fds, nfds, timeout_ns));
}

/* _FORTIFY_SOURCE may turn poll()/ppoll() into these, which call the C
 * library's poll internally (not through the PLT): check the array size
 * here and go through the seam. */
int __poll_chk(struct pollfd *fds, nfds_t nfds, int timeout_ms, size_t fdslen)
{
    if (fdslen / sizeof(*fds) < nfds) {
        fprintf(stderr, "*** buffer overflow detected ***: poll\n");
        abort();
    }
    return poll(fds, nfds, timeout_ms);
}

int __ppoll_chk(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
                const sigset_t *sigmask, size_t fdslen)
{
    if (fdslen / sizeof(*fds) < nfds) {
        fprintf(stderr, "*** buffer overflow detected ***: ppoll\n");
        abort();
    }
    return ppoll(fds, nfds, timeout, sigmask);
}

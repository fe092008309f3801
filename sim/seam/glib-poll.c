/*
 * glib-poll.c - a GPollFunc that polls through the simulated ppoll.
 *
 * Install with g_main_context_set_poll_func(ctx, (GPollFunc)sim_g_poll_func)
 * on the main-loop fiber's context.  GPollFD has the layout of struct pollfd
 * on Linux (glib itself hands it to poll()), checked below.  glib passes its
 * timeout in ms (-1 = infinite); an error returns -1 with errno, like poll().
 * glib's clock follows the virtual one on simulated threads (glib-clock.c),
 * so glib timeout sources fire in virtual time.
 */
#include "kernel.h"

#include <glib.h>

_Static_assert(sizeof(GPollFD) == sizeof(struct pollfd), "GPollFD layout");
_Static_assert(offsetof(GPollFD, fd) == offsetof(struct pollfd, fd), "GPollFD.fd");
_Static_assert(offsetof(GPollFD, events) == offsetof(struct pollfd, events),
               "GPollFD.events");
_Static_assert(offsetof(GPollFD, revents) == offsetof(struct pollfd, revents),
               "GPollFD.revents");

int sim_g_poll_func(struct _GPollFD *ufds, unsigned nfds, int timeout_ms)
{
    int64_t timeout_ns = timeout_ms < 0 ? -1 : (int64_t)timeout_ms * 1000000;
    int n = os_ppoll((struct pollfd *)(void *)ufds, nfds, timeout_ns);
    if (n < 0) {
        errno = -n;
        return -1;
    }
    return n;
}

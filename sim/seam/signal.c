/*
 * signal.c - a signal handler runs as the host, never as a simulated thread.
 *
 * The simulated kernel delivers no signals, so every signal the process
 * receives is the host's: libFuzzer's SIGALRM (its -timeout watchdog), its
 * SIGINT/SIGTERM/SIGABRT/SIGSEGV handlers, a sanitizer's, a user's Ctrl-C.
 * The kernel runs a handler on whatever stack the OS thread is on, which
 * during a run is usually a simulated thread's fiber; without this file the
 * handler's calls would pass the seam's gate as that simulated thread's:
 * libFuzzer's alarm read std::chrono's clocks (clock_gettime) as virtual
 * time, found the unit running for minus 1.8e9 s, reported a timeout, then
 * hung taking a std::mutex that the seam turned into a simulated one.
 *
 * sigaction (and signal, which glibc implements without calling sigaction
 * by name) install sim_libc_host_signal in place of the program's handler;
 * it raises sim_libc_signal_depth, this OS thread's count of host handlers
 * running, for the handler's duration, and the gate (libc-int.h) forwards
 * every call made while it is non-zero.  The program sees its own handler
 * and flags in every oldact.  Nothing a simulated thread does is changed:
 * the wrapper only runs when a real signal arrives.
 *
 * Limits: a handler that leaves by longjmp (not libFuzzer's: they return or
 * _Exit) leaves the depth raised, so this OS thread's later seam calls go to
 * the C library.  Concurrent sigaction calls for one signal from several OS
 * threads may report each other's handler in oldact.
 */
#include "libc-int.h"

#include <signal.h>

void sim_libc_signal_link(void)
{
}

_Thread_local unsigned sim_libc_signal_depth;

/* The program's handler per signal (sa_sigaction or sa_handler), read by
 * the wrapper in signal context, written by sigaction (any OS thread). */
static void *host_handler[_NSIG];
/* Whether the program asked for SA_SIGINFO: reported back in oldact. */
static bool host_siginfo[_NSIG];

typedef void sigaction_fn_t(int, siginfo_t *, void *);

/* The kernel calls every handler with (sig, info, ucontext) in registers,
 * SA_SIGINFO or not (the psABIs of x86-64 and aarch64 let a one-argument
 * handler ignore the other two), so one call serves both kinds. */
static void sim_libc_host_signal(int sig, siginfo_t *si, void *uc)
{
    sim_libc_signal_depth++;
    sigaction_fn_t *fn =
        (sigaction_fn_t *)__atomic_load_n(&host_handler[sig], __ATOMIC_ACQUIRE);
    if (fn)
        fn(sig, si, uc);
    sim_libc_signal_depth--;
}

static bool is_handler(const struct sigaction *act)
{
    if (act->sa_flags & SA_SIGINFO)
        return act->sa_sigaction != NULL;
    return act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN &&
           act->sa_handler != SIG_ERR;
}

/* oldact as the program installed it, not as the kernel holds it. */
static void report_old(struct sigaction *old, void *fn, bool siginfo)
{
    if (siginfo) {
        old->sa_sigaction = (sigaction_fn_t *)fn;
        old->sa_flags |= SA_SIGINFO;
    } else {
        old->sa_handler = (void (*)(int))fn;
        old->sa_flags &= ~SA_SIGINFO;
    }
}

int sigaction(int sig, const struct sigaction *act, struct sigaction *oldact)
{
    if (sig <= 0 || sig >= _NSIG)
        return SIM_LIBC_REAL(sigaction)(sig, act, oldact);
    void *prev_fn = __atomic_load_n(&host_handler[sig], __ATOMIC_ACQUIRE);
    bool prev_siginfo = __atomic_load_n(&host_siginfo[sig], __ATOMIC_RELAXED);
    struct sigaction wrapped;
    bool wrap = act && is_handler(act);
    if (wrap) {
        bool siginfo = act->sa_flags & SA_SIGINFO;
        void *fn = siginfo ? (void *)act->sa_sigaction : (void *)act->sa_handler;
        __atomic_store_n(&host_siginfo[sig], siginfo, __ATOMIC_RELAXED);
        __atomic_store_n(&host_handler[sig], fn, __ATOMIC_RELEASE);
        wrapped = *act;
        wrapped.sa_sigaction = sim_libc_host_signal;
        wrapped.sa_flags |= SA_SIGINFO;
        act = &wrapped;
    }
    int r = SIM_LIBC_REAL(sigaction)(sig, act, oldact);
    if (r != 0 && wrap) {
        __atomic_store_n(&host_siginfo[sig], prev_siginfo, __ATOMIC_RELAXED);
        __atomic_store_n(&host_handler[sig], prev_fn, __ATOMIC_RELEASE);
    }
    if (r == 0 && oldact && (oldact->sa_flags & SA_SIGINFO) &&
        oldact->sa_sigaction == sim_libc_host_signal)
        report_old(oldact, prev_fn, prev_siginfo);
    return r;
}

/* glibc's signal(): BSD semantics (SA_RESTART, the signal blocked in its
 * own handler), through the sigaction above. */
sighandler_t signal(int sig, sighandler_t handler)
{
    if (handler == SIG_ERR || sig <= 0 || sig >= _NSIG) {
        errno = EINVAL;
        return SIG_ERR;
    }
    struct sigaction act = { .sa_handler = handler, .sa_flags = SA_RESTART }, old;
    sigemptyset(&act.sa_mask);
    sigaddset(&act.sa_mask, sig);
    if (sigaction(sig, &act, &old) != 0)
        return SIG_ERR;
    return old.sa_handler;
}

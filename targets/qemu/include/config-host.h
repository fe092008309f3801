/*
 * config-host.h - wakesim's own configuration for compiling QEMU's event
 * loop files (util/async.c, util/aio-posix.c, ...) under the simulator.
 *
 * QEMU's configure/meson would generate this from probing the host.  We only
 * build the event loop, so we state the handful of facts those files and the
 * headers they reach test, and nothing else: an unknown CONFIG_ stays
 * undefined, which selects QEMU's portable fallback.
 */
#ifndef WAKESIM_QEMU_CONFIG_HOST_H
#define WAKESIM_QEMU_CONFIG_HOST_H

#define CONFIG_LINUX 1
#define CONFIG_POSIX 1
#define HOST_X86_64 1
#define CONFIG_ATOMIC64 1
#define CONFIG_IOVEC 1

/* The io_uring fd monitor and aio_add_sqe(): the code under test. */
#define CONFIG_LINUX_IO_URING 1
/* liburing 2.3 has io_uring_cq_has_overflow() (inline) and
 * io_uring_get_events() (the simulator defines it). */
#define HAVE_IO_URING_CQ_HAS_OVERFLOW 1

/* EventNotifier over eventfd, and qemu_poll_ns() over ppoll(): both are
 * calls the simulator's libc seam answers. */
#define CONFIG_EVENTFD 1
#define CONFIG_PPOLL 1

/*
 * Deliberately left undefined:
 * - CONFIG_EPOLL_CREATE1: without it the epoll fd monitor compiles to its
 *   no-op stubs, so a context that cannot get io_uring uses ppoll (the same
 *   two back ends as loop/).
 * - HAVE_FUTEX: QEMU's qemu/futex.h defines it itself on Linux, so lockcnt
 *   and QemuEvent use syscall(SYS_futex), which the simulator's libc seam
 *   answers (sim/seam/futex.c).
 * - CONFIG_LINUX_AIO: no linux-aio back end.
 * - CONFIG_TSAN: QEMU's TSan annotations are for the real TSan runtime; we
 *   only use the compiler's atomic instrumentation.
 * - CONFIG_PRCTL_PR_SET_TIMERSLACK: no prctl() under the simulator.
 */

#define QEMU_VERSION "wakesim-qemu-target"
#define QEMU_VERSION_MAJOR 10
#define QEMU_VERSION_MINOR 2
#define QEMU_VERSION_MICRO 2
#define QEMU_PKGVERSION ""
#define CONFIG_HOST_DSOSUF ".so"
#define QEMU_CONFDIR "/nonexistent"
#define CONFIG_QEMU_CONFDIR "/nonexistent"

#endif

/*
 * libc-seam.h - what the QEMU target's libc seam (libc-seam.c) offers its
 * own code besides the interposed C library functions.
 */
#ifndef WAKESIM_QEMU_LIBC_SEAM_H
#define WAKESIM_QEMU_LIBC_SEAM_H

#include <stdint.h>
#include <time.h>

/* futex(2) on the simulated kernel, from a simulated thread: FUTEX_WAIT
 * (relative timeout or NULL) and FUTEX_WAKE (wakes every waiter of the
 * address).  Returns 0 or -errno (-EAGAIN: *uaddr != val). */
long wk_sim_futex(uint32_t *uaddr, int op, uint32_t val, const struct timespec *timeout);

/* +1 / -1 around a call whose fds must stay real although a simulated
 * thread makes it: glib's GMainContext wakeup eventfd.  The loop target
 * leaves it real too (sim_g_poll_func never reports a real fd ready), and a
 * simulated one would make the first run of a process differ from later
 * ones (glib keeps state across contexts). */
void wk_libc_seam_bypass(int delta);

#endif

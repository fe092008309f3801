/*
 * conf-exec.h - runs a conformance sequence against one world (Linux
 * through liburing, or the simulator) behind a small ops table, and
 * records what it observes as outcome lines.
 *
 * Outcome lines are canonical text, so two worlds compare by string:
 * everything is compared exactly except where Linux leaves a choice, which
 * the line itself makes canonical (the CQEs of one reap are printed sorted:
 * the order in which the kernel posts them is not part of its contract).
 * A sequence's ring-touching steps use liburing's inline helpers on the
 * struct io_uring, which both worlds lay out the same way.
 */
#ifndef WAKESIM_CONF_EXEC_H
#define WAKESIM_CONF_EXEC_H

#include <limits.h>
#include <poll.h>
#include <liburing.h>
#include "conf-seq.h"

/* A wait that does not end within CONF_HANG_NS returns CONF_HANG (Linux:
 * an interval timer interrupts it; the simulator: a deadlock, or a wait that
 * took longer in virtual time).  The sequence stops there: "...: hang". */
#define CONF_HANG INT_MIN
#define CONF_HANG_NS 1000000000LL

typedef struct {
    const char *name;
    int (*ring_init)(unsigned entries, struct io_uring *ring);
    void (*ring_exit)(struct io_uring *ring);
    int (*submit)(struct io_uring *ring);
    int (*submit_wait)(struct io_uring *ring, unsigned n);
    int (*get_events)(struct io_uring *ring);
    int (*eventfd_new)(uint64_t initial);         /* fd or -errno */
    int (*eventfd_write)(int fd, uint64_t value); /* 0 or -errno */
    int (*eventfd_read)(int fd, uint64_t *value); /* 0 or -errno */
    int (*poll)(struct pollfd *fds, unsigned n);  /* timeout 0 */
    int (*file_new)(uint64_t size);               /* fd or -errno */
    void (*close)(int fd);
    void (*sleep_ns)(int64_t ns);
} conf_backend_t;

/* Runs s; appends outcome lines (g_free'd strings) to out.  Returns 0, or
 * the ring_init error (nothing else ran).  *at, if not NULL, holds the index
 * of the operation running (for a world that ends inside one). */
int conf_exec(const conf_backend_t *be, const conf_seq_t *s, GPtrArray *out,
              volatile unsigned *at);
/* The outcome line of an operation that hung. */
char *conf_hang_line(const conf_op_t *op);

/* "-EINVAL" style names for the errors sequences meet ("-22" otherwise). */
const char *conf_errno_text(int64_t v, char buf[24]);

#endif

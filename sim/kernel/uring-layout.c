/*
 * uring-layout.c - build-time check that the installed liburing lays out
 * struct io_uring the way the simulator fills it in (sim/kernel/uring.c).
 *
 * Why: liburing's ring helpers (io_uring_get_sqe, io_uring_peek_cqe,
 * io_uring_for_each_cqe, ...) are static inlines compiled into loop/; in the
 * simulated build they run on memory sim/kernel/uring.c lays out, reading the
 * struct io_uring fields by the installed header's offsets.  A liburing whose
 * struct differs from the one the simulator was written against would make
 * them read the wrong words at run time; this file turns that into a compile
 * error naming the version.
 *
 * The mirror structs below are liburing 2.3's (Debian 12) as the simulator
 * reproduces them.  To move to another liburing: check which fields its
 * inline helpers read, update sim/kernel/uring.c, then these mirrors.
 */
#include <stddef.h>
#include <liburing.h>

#ifndef WAKESIM_LIBURING_VERSION
#define WAKESIM_LIBURING_VERSION "(unknown version)"
#endif

struct sim_uring_sq_2_3 {
    unsigned *khead, *ktail, *kring_mask, *kring_entries, *kflags, *kdropped, *array;
    struct io_uring_sqe *sqes;
    unsigned sqe_head, sqe_tail;
    size_t ring_sz;
    void *ring_ptr;
    unsigned ring_mask, ring_entries;
    unsigned pad[2];
};

struct sim_uring_cq_2_3 {
    unsigned *khead, *ktail, *kring_mask, *kring_entries, *kflags, *koverflow;
    struct io_uring_cqe *cqes;
    size_t ring_sz;
    void *ring_ptr;
    unsigned ring_mask, ring_entries;
    unsigned pad[2];
};

struct sim_uring_2_3 {
    struct sim_uring_sq_2_3 sq;
    struct sim_uring_cq_2_3 cq;
    unsigned flags;
    int ring_fd;
    unsigned features;
    int enter_ring_fd;
    unsigned char int_flags;
    unsigned char pad[3];
    unsigned pad2;
};

/* A test (sim.uring-layout.detects-change) compiles this file with one
 * mirror field moved, and expects the error below. */
#ifdef SIM_URING_LAYOUT_SELFTEST
#define SIM_SQ_KTAIL kflags
#else
#define SIM_SQ_KTAIL ktail
#endif

#define SIM_LAYOUT_MSG(what)                                                               \
    "liburing " WAKESIM_LIBURING_VERSION ": " what " differs from liburing "               \
    "2.3's, whose ring layout the simulator reproduces (sim/kernel/uring.c, "              \
    "sim/kernel/uring-layout.c)"

#define SIM_SAME_FIELD(type, mirror, field, mfield)                                        \
    _Static_assert(offsetof(type, field) == offsetof(mirror, mfield) &&                    \
                       sizeof(((type *)0)->field) == sizeof(((mirror *)0)->mfield),        \
                   SIM_LAYOUT_MSG(#type "." #field))

SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, khead, khead);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, ktail, SIM_SQ_KTAIL);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, kflags, kflags);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, kdropped, kdropped);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, array, array);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, sqes, sqes);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, sqe_head, sqe_head);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, sqe_tail, sqe_tail);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, ring_sz, ring_sz);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, ring_ptr, ring_ptr);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, ring_mask, ring_mask);
SIM_SAME_FIELD(struct io_uring_sq, struct sim_uring_sq_2_3, ring_entries, ring_entries);
_Static_assert(sizeof(struct io_uring_sq) == sizeof(struct sim_uring_sq_2_3),
               SIM_LAYOUT_MSG("sizeof(struct io_uring_sq)"));

SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, khead, khead);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, ktail, ktail);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, kflags, kflags);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, koverflow, koverflow);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, cqes, cqes);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, ring_sz, ring_sz);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, ring_ptr, ring_ptr);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, ring_mask, ring_mask);
SIM_SAME_FIELD(struct io_uring_cq, struct sim_uring_cq_2_3, ring_entries, ring_entries);
_Static_assert(sizeof(struct io_uring_cq) == sizeof(struct sim_uring_cq_2_3),
               SIM_LAYOUT_MSG("sizeof(struct io_uring_cq)"));

SIM_SAME_FIELD(struct io_uring, struct sim_uring_2_3, sq, sq);
SIM_SAME_FIELD(struct io_uring, struct sim_uring_2_3, cq, cq);
SIM_SAME_FIELD(struct io_uring, struct sim_uring_2_3, flags, flags);
SIM_SAME_FIELD(struct io_uring, struct sim_uring_2_3, ring_fd, ring_fd);
SIM_SAME_FIELD(struct io_uring, struct sim_uring_2_3, features, features);
SIM_SAME_FIELD(struct io_uring, struct sim_uring_2_3, enter_ring_fd, enter_ring_fd);
SIM_SAME_FIELD(struct io_uring, struct sim_uring_2_3, int_flags, int_flags);
_Static_assert(sizeof(struct io_uring) == sizeof(struct sim_uring_2_3),
               SIM_LAYOUT_MSG("sizeof(struct io_uring)"));

/* The kernel ABI entries the simulator writes and reads. */
_Static_assert(sizeof(struct io_uring_sqe) == 64,
               SIM_LAYOUT_MSG("sizeof(struct io_uring_sqe)"));
_Static_assert(sizeof(struct io_uring_cqe) == 16,
               SIM_LAYOUT_MSG("sizeof(struct io_uring_cqe)"));

/* ISO C wants a declaration in a translation unit. */
extern const char sim_uring_layout_version[];
const char sim_uring_layout_version[] = WAKESIM_LIBURING_VERSION;

/*
 * aio-internal.h - the context's private state, shared by loop/'s files.
 *
 * Not installed; users include aio.h.  All OS access goes through aio-os.h
 * and all racy memory access through aio-atomic.h (the simulator's seam).
 */
#ifndef AIO_INTERNAL_H
#define AIO_INTERNAL_H

#include <liburing.h>
#include "aio.h"
#include "aio-atomic.h"
#include "aio-mutants.h"
#include "aio-os.h"

/* ---- fd handlers ---- */
typedef struct aio_handler aio_handler_t;

/* A user-data tag for internal SQEs: completes into a callback of ours. */
typedef struct aio_internal_cqe {
    void (*cb)(aio_context_t *ctx, struct aio_internal_cqe *ic, int32_t res);
} aio_internal_cqe_t;

struct aio_handler {
    int fd;
    aio_fd_cb_t *io_read;
    aio_fd_cb_t *io_write;
    void *opaque;
    short events;  /* POLLIN/POLLOUT wanted */
    short revents; /* set by the fd monitor, consumed by dispatch */
    bool deleted;  /* unlinked logically; freed when safe */
    bool on_ready_list;
    aio_handler_t *next;       /* ctx->handlers */
    aio_handler_t *ready_next; /* ctx->ready_handlers */
    GPollFD gpfd;              /* ppoll back end in GSource mode */

    /* io_uring back end: a one-shot POLL_ADD is in flight while poll_armed;
     * a POLL_REMOVE while remove_pending.  The handler may be freed only when
     * neither is set (the ring may still complete for it otherwise). */
    bool poll_armed;
    bool remove_pending;
    bool change_queued; /* on ctx->pending_changes */
    aio_handler_t *change_next;
    aio_internal_cqe_t poll_cqe;
    aio_internal_cqe_t remove_cqe;
};

/* ---- fd monitor back ends (one per file, chosen at creation) ---- */
typedef struct aio_fdmon_ops {
    const char *name;
    int (*init)(aio_context_t *ctx);
    void (*cleanup)(aio_context_t *ctx);
    /* A handler was added, changed (events) or deleted; list lock held. */
    void (*update)(aio_context_t *ctx, aio_handler_t *h, bool deleting);
    /* Wait up to timeout_ns (-1 forever, 0 poll) and move ready handlers to
     * ctx->ready_handlers; reaped user CQEs go to ctx->ready_cqes. */
    int (*wait)(aio_context_t *ctx, int64_t timeout_ns);
    /* GSource hooks: prepare submits queued work; check says if there is any. */
    /* Returns true when it left work the kernel has not taken (a failed or
     * partial submit): the loop must not sleep then. */
    bool (*gsource_prepare)(aio_context_t *ctx);
    bool (*gsource_check)(aio_context_t *ctx);
    void (*gsource_dispatch)(aio_context_t *ctx);
    /* May a handler be freed now (no kernel reference to it)? */
    bool (*can_free)(aio_context_t *ctx, aio_handler_t *h);
} aio_fdmon_ops_t;

extern const aio_fdmon_ops_t aio_fdmon_poll_ops;
extern const aio_fdmon_ops_t aio_fdmon_io_uring_ops;

/* ---- bottom halves ---- */
enum {
    AIO_BH_PENDING = 1 << 0,   /* on the context's list */
    AIO_BH_SCHEDULED = 1 << 1, /* should run when dequeued */
    AIO_BH_DELETED = 1 << 2,   /* free when dequeued */
    AIO_BH_ONESHOT = 1 << 3,   /* free after it runs */
};

struct aio_bh {
    aio_context_t *ctx;
    aio_bh_cb_t *cb;
    void *opaque;
    unsigned flags; /* atomic */
    aio_bh_t *next; /* atomic push onto ctx->bh_list */
};

/* A list of BHs stolen by one aio_bh_poll(); nested polls continue it. */
typedef struct aio_bh_slice {
    aio_bh_t *head;
    struct aio_bh_slice *next;
} aio_bh_slice_t;

/* ---- timers ---- */
struct aio_timer {
    aio_context_t *ctx;
    aio_timer_cb_t *cb;
    void *opaque;
    int64_t expire_ns; /* -1 when not armed */
    aio_timer_t *next; /* ctx->timers, sorted by expire_ns */
};

/* ---- the context ---- */
struct aio_context {
    GSource source; /* first: aio-gsource.c casts between them */
    const aio_fdmon_ops_t *fdmon;
    aio_backend_t backend;

    /* The wakeup handshake (aio-notify.c states the invariants). */
    unsigned notify_me; /* atomic: bit 0 GSource, +2 per blocking aio_poll */
    bool notified;      /* atomic */
    int notifier_fd;    /* eventfd */

    aio_bh_t *bh_list;         /* atomic, lock-free push */
    aio_bh_slice_t *bh_slices; /* home thread only */

    os_mutex_t timer_lock;
    aio_timer_t *timers;

    os_mutex_t list_lock; /* handlers list and walkers */
    aio_handler_t *handlers;
    unsigned list_walkers; /* under list_lock */
    bool list_has_deleted;
    aio_handler_t *ready_handlers; /* home thread only */

    /* io_uring back end */
    struct io_uring ring;
    bool ring_ok;
    aio_handler_t *pending_changes; /* under list_lock: handlers needing SQEs */
    aio_cqe_handler_t *ready_cqes;  /* home thread: reaped user CQEs, FIFO */
    aio_cqe_handler_t **ready_cqes_tail;
    struct __kernel_timespec wait_ts;
    aio_internal_cqe_t timeout_cqe;

    /* SQEs that a non-home thread could not place in a full SQ ring: the
     * home thread moves them into the ring (it alone enters the ring). */
    struct aio_sqe_overflow *sqe_overflow; /* under list_lock, FIFO */
    struct aio_sqe_overflow **sqe_overflow_tail;
    /* Home thread only: the last fill_sq_ring left requests without an SQE
     * (the kernel refused to make room), so the loop must not sleep. */
    bool sqe_left_behind;
    GPollFD ring_gpfd;
    unsigned ring_entries;

    /* ppoll back end: the array handed to ppoll(), rebuilt per wait. */
    struct pollfd *pollfds;
    aio_handler_t **pollfd_handlers;
    unsigned pollfds_cap;

    /* Adaptive polling (aio-poll-mode.c), home thread only: the window
     * (poll_ns), its parameters, and whether the notifier fired during the
     * current aio_poll() (its poll handler or its fd), which is when the
     * window is adjusted. */
    int64_t poll_ns, poll_max_ns, poll_grow, poll_shrink;
    bool poll_notified;

    uintptr_t home_thread;        /* set by aio_thread_context_set() */
    struct aio_blk_req *blk_reqs; /* under list_lock: block I/O in flight */
#ifdef WAKESIM_EXTRA_BH_EVENT
    os_mutex_t bh_stats_lock; /* test builds only: see aio_bh_poll() */
    unsigned long bh_runs;    /* under bh_stats_lock */
#endif
};

typedef struct aio_sqe_overflow {
    aio_sqe_prep_fn_t *prep;
    void *opaque;
    aio_cqe_handler_t *handler;
    struct aio_sqe_overflow *next;
} aio_sqe_overflow_t;

extern GSourceFuncs aio_gsource_funcs;
void aio_uring_prep_user_sqe(struct io_uring_sqe *sqe, aio_sqe_prep_fn_t *prep,
                             void *opaque, aio_cqe_handler_t *handler);

/* aio-handlers.c */
void aio_handlers_walk_begin(aio_context_t *ctx);
void aio_handlers_walk_end(aio_context_t *ctx);
bool aio_dispatch_ready_handlers(aio_context_t *ctx);
void aio_handler_mark_ready(aio_context_t *ctx, aio_handler_t *h, short revents);
void aio_handlers_free_all(aio_context_t *ctx);
void aio_handlers_sweep(aio_context_t *ctx);

/* aio-bh.c */
bool aio_bh_poll(aio_context_t *ctx);
bool aio_bh_any_scheduled(aio_context_t *ctx);
void aio_bh_free_all(aio_context_t *ctx);

/* aio-timer.c */
int64_t aio_timers_deadline_ns(aio_context_t *ctx); /* -1 none, else ns from now (>= 0) */
bool aio_timers_run_expired(aio_context_t *ctx);
void aio_timers_detach_all(aio_context_t *ctx);

/* aio-sqe.c */
void aio_cqe_ready_push(aio_context_t *ctx, aio_cqe_handler_t *h);
bool aio_dispatch_ready_cqes(aio_context_t *ctx);

/* aio-blk.c */
void aio_blk_free_all(aio_context_t *ctx);

/* aio-poll.c */
int64_t aio_compute_timeout_ns(aio_context_t *ctx, bool blocking);

/* aio-poll-mode.c: busy-polls up to the window (less if *timeout_ns is
 * shorter) until the notifier's poll handler sees "notified" (*timeout_ns
 * becomes 0) or the ring needs the kernel; *timeout_ns loses the time
 * spent.  Then, with the time aio_poll() took to get an event: */
void aio_poll_mode_try(aio_context_t *ctx, int64_t *timeout_ns);
void aio_poll_mode_adjust(aio_context_t *ctx, int64_t block_ns);

/* fdmon-io_uring.c helpers used by aio-sqe.c */
struct io_uring_sqe *aio_uring_get_sqe(aio_context_t *ctx);
void aio_uring_process_cqes(aio_context_t *ctx);

#endif

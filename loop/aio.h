/*
 * aio.h - wakesim's AioContext-style event loop: the public API.
 *
 * The design mirrors QEMU's AioContext (util/async.c, util/aio-posix.c,
 * util/fdmon-*.c, util/main-loop.c); docs/protocol.md describes the
 * protocol in our words.  Threads: each context has one home
 * thread that runs aio_poll() or its GSource.  Any thread may schedule bottom
 * halves, arm timers, change fd handlers and call aio_notify().  add_sqe acts
 * on the caller's *current* context (aio_current_context()).
 */
#ifndef AIO_H
#define AIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <glib.h>

struct io_uring_sqe;
struct io_uring_cqe;

typedef struct aio_context aio_context_t;
typedef struct aio_bh aio_bh_t;
typedef struct aio_timer aio_timer_t;

typedef enum {
    AIO_BACKEND_AUTO, /* io_uring if the kernel allows it, else ppoll */
    AIO_BACKEND_POLL,
    AIO_BACKEND_IO_URING, /* fail if unavailable */
} aio_backend_t;

/* ---- context ---- */
/* Returns NULL and sets *err_out (negative errno) on failure. */
aio_context_t *aio_context_new(aio_backend_t backend, int *err_out);
/* Same, with the io_uring ring size (0: the default, 128 entries). */
aio_context_t *aio_context_new_ring(aio_backend_t backend, unsigned ring_entries,
                                    int *err_out);
void aio_context_free(aio_context_t *ctx);
aio_backend_t aio_context_backend(const aio_context_t *ctx);
const char *aio_backend_name(aio_backend_t backend);

/* ---- wakeups (the notify_me / notified handshake, see aio-notify.c) ---- */
void aio_notify(aio_context_t *ctx);
void aio_notify_accept(aio_context_t *ctx);

/* ---- fd handlers ---- */
typedef void aio_fd_cb_t(void *opaque);
/* io_read and io_write both NULL removes the handler.  Safe from inside any
 * callback, including the handler's own. */
void aio_set_fd_handler(aio_context_t *ctx, int fd, aio_fd_cb_t *io_read,
                        aio_fd_cb_t *io_write, void *opaque);

/* ---- bottom halves ---- */
typedef void aio_bh_cb_t(void *opaque);
aio_bh_t *aio_bh_new(aio_context_t *ctx, aio_bh_cb_t *cb, void *opaque);
void aio_bh_schedule(aio_bh_t *bh); /* any thread; wakes the loop */
void aio_bh_cancel(aio_bh_t *bh);
void aio_bh_delete(aio_bh_t *bh); /* frees it, now or after it is dequeued */
void aio_bh_schedule_oneshot(aio_context_t *ctx, aio_bh_cb_t *cb, void *opaque);

/* ---- timers (CLOCK_MONOTONIC nanoseconds, through the OS seam) ---- */
typedef void aio_timer_cb_t(void *opaque);
int64_t aio_clock_ns(void);
aio_timer_t *aio_timer_new(aio_context_t *ctx, aio_timer_cb_t *cb, void *opaque);
void aio_timer_mod_ns(aio_timer_t *timer, int64_t expire_ns); /* absolute */
void aio_timer_del(aio_timer_t *timer);
void aio_timer_free(aio_timer_t *timer);
bool aio_timer_pending(aio_timer_t *timer);

/* ---- polling ---- */
/* One iteration; blocks for work if "blocking".  Returns whether progress was
 * made (a BH, handler, timer or CQE callback ran).  Nestable from callbacks. */
bool aio_poll(aio_context_t *ctx, bool blocking);

/* The context as a GSource: attach it to a GMainContext to drive it. */
GSource *aio_context_gsource(aio_context_t *ctx);

/* ---- io_uring SQEs on the current context ---- */
typedef struct aio_cqe_handler aio_cqe_handler_t;
typedef void aio_cqe_cb_t(aio_cqe_handler_t *handler);
struct aio_cqe_handler {
    aio_cqe_cb_t *cb; /* set by the caller */
    int32_t res;      /* filled in from the CQE before cb runs */
    uint32_t flags;
    aio_cqe_handler_t *next; /* private: the context's ready list */
};
typedef void aio_sqe_prep_fn_t(struct io_uring_sqe *sqe, void *opaque);
/* Queues one SQE on the current context's ring; the context's home thread
 * submits it.  -ENOTSUP without an io_uring back end, -EPERM without a
 * current context. */
int aio_add_sqe(aio_sqe_prep_fn_t *prep, void *opaque, aio_cqe_handler_t *handler);
bool aio_context_has_sqe(const aio_context_t *ctx);

/* ---- block I/O on add_sqe (mirrors QEMU's block/io_uring.c luring_co_submit) ---- */
typedef void aio_blk_cb_t(void *opaque, ssize_t ret);
int aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                 void *opaque);
int aio_blk_write(int fd, const void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                  void *opaque);

/* ---- big lock and the current-context rule ---- */
void aio_bql_init(void);
void aio_bql_destroy(void);
void aio_bql_lock(void);
void aio_bql_unlock(void);
bool aio_bql_locked(void); /* by the calling thread */
void aio_main_context_set(aio_context_t *ctx);
aio_context_t *aio_main_context(void);
/* Makes ctx the calling thread's own context (iothreads, and the main loop). */
void aio_thread_context_set(aio_context_t *ctx);
/* Own context if any; else the main context if the caller holds the BQL;
 * else NULL.  Mirrors qemu_get_current_aio_context(). */
aio_context_t *aio_current_context(void);

/* ---- the main loop (mirrors QEMU's main_loop_wait) ---- */
typedef struct aio_main_loop aio_main_loop_t;
/* Creates a GMainContext with ctx's GSource attached, and makes ctx the main
 * context and the calling thread's own. */
aio_main_loop_t *aio_main_loop_new(aio_context_t *ctx);
/* Call after aio_context_free() of its context (which detaches the GSource). */
void aio_main_loop_free(aio_main_loop_t *ml);
GMainContext *aio_main_loop_gcontext(aio_main_loop_t *ml);
/* One iteration; the caller holds the BQL, which is released only around
 * the ppoll().  Returns the number of ready fds, or -errno. */
int aio_main_loop_wait(aio_main_loop_t *ml, bool nonblocking);

/* ---- mutants: named fault sites that re-introduce real bugs ---- */
typedef enum {
    AIO_MUTANT_MISSING_NOTIFY_ADD_SQE,      /* add_sqe does not aio_notify() (QEMU 10.2) */
    AIO_MUTANT_GSOURCE_CHECK_SKIPS_CQ,      /* check trusts the ring fd's revents only */
    AIO_MUTANT_POLL_SKIPS_NOTIFIED_RECHECK, /* aio_poll sleeps without re-reading notified */
    AIO_MUTANT_BH_SCHEDULE_NO_NOTIFY,       /* scheduling a BH does not wake the loop */
    AIO_MUTANT_TIMER_MOD_NO_NOTIFY,     /* a new earliest deadline does not wake the loop */
    AIO_MUTANT_CQ_OVERFLOW_NOT_FLUSHED, /* reaping never fetches overflowed CQEs */
    AIO_MUTANT_SUBMIT_FAILURE_SLEEPS,   /* sleeps with SQEs a failed submit left queued */
    AIO_MUTANT_NOTIFY_SKIPS_FULL_FENCE, /* aio_notify: no smp_mb between notified and notify_me */
    AIO_MUTANT_NOTIFY_SKIPS_WRITE_FENCE, /* aio_notify: no smp_wmb before storing notified */
    AIO_MUTANT_ACCEPT_SKIPS_FENCE, /* aio_notify_accept: no smp_mb after clearing notified */
    AIO_MUTANT_POLL_SKIPS_FULL_FENCE, /* aio_poll: no smp_mb after raising notify_me */
    AIO_MUTANT_PREPARE_SKIPS_FULL_FENCE, /* GSource prepare: no smp_mb after raising notify_me */
    AIO_MUTANT_FD_HANDLER_SET_NO_NOTIFY, /* set_fd_handler does not wake the loop */
    AIO_MUTANT_BH_PENDING_SKIPS_NOTIFY, /* scheduling an already-queued BH does not notify */
    AIO_MUTANT_BH_FLAGS_CLEARED_AFTER_RUN, /* aio_bh_poll clears PENDING|SCHEDULED after the callback */
    AIO_MUTANT_GSOURCE_PREPARE_SKIPS_NOTIFY_ME, /* the GSource sleeps without raising notify_me */
    AIO_MUTANT_GSOURCE_PREPARE_NO_SUBMIT, /* the GSource prepare does not submit queued SQEs */
    AIO_MUTANT_HANDLER_ADD_DURING_WALK_LOST, /* a foreign handler change during a walk is dropped */
    AIO_MUTANT_CURRENT_CONTEXT_IGNORES_BQL, /* any thread gets the main context as current */
    AIO_MUTANT_COUNT
} aio_mutant_t;

const char *aio_mutant_name(aio_mutant_t m);
const char *aio_mutant_description(aio_mutant_t m);
int aio_mutant_lookup(const char *name); /* -1 if unknown */
void aio_mutant_set(aio_mutant_t m, bool on);
void aio_mutants_clear(void);
/* Comma-separated names.  Returns 0, or -1 with a message naming the bad name
 * and listing the known ones in *err (g_free it). */
int aio_mutants_parse(const char *list, char **err);
/* Reads WAKESIM_MUTANTS; on a bad name prints the message and returns -1. */
int aio_mutants_from_env(void);

extern unsigned aio_mutants_enabled_mask;
/* A disabled site costs one predictable branch. */
#define aio_mutant_on(m) __builtin_expect(!!(aio_mutants_enabled_mask & (1u << (m))), 0)

#endif

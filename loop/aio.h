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
/* Adaptive polling (QEMU's IOThread poll-max-ns, poll-grow, poll-shrink):
 * before it sleeps, aio_poll() busy-polls for notifications for a window
 * that starts at 4 us, grows by "grow" (0: 2) while events come within
 * max_ns, and shrinks by "shrink" (0: to 0) when they do not.  max_ns 0
 * (the default) never polls.  Call on the context's home thread. */
void aio_context_set_poll_params(aio_context_t *ctx, int64_t max_ns, int64_t grow,
                                 int64_t shrink);

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

#endif

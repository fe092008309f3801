/*
 * uring-ops.c - what the simulated kernel does with each consumed SQE.
 *
 * Supported: NOP; POLL_ADD (one-shot, level-triggered: an fd already ready
 * completes at submit); POLL_REMOVE (by user_data; the target completes with
 * -ECANCELED, the remove with 0 or -ENOENT); TIMEOUT (relative or
 * IORING_TIMEOUT_ABS timespec read at submit; off = completion count, 0 =
 * pure timer; 0 when the count is reached, -ETIME at the deadline);
 * TIMEOUT_REMOVE; READ/WRITE/READV/WRITEV on a simulated block device.
 * An unknown opcode or a malformed TIMEOUT fails at prep
 * (sim_uring_prep_error: the batch stops there); any other unsimulated
 * opcode completes with -EINVAL.  SQE links (IOSQE_IO_LINK) are not
 * modelled: linked SQEs run independently.
 *
 * Pending requests live on one world list (few at a time: a linear scan is
 * cheaper than any index).  A finished request's generation is bumped so a
 * timer still queued for it does nothing; request objects are recycled and
 * only freed with the world.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

/* The one opcode-name table: event logs (sqe-submit op=), the monitors and
 * the timeline print these names. */
const char *sim_uring_opcode_name(unsigned op)
{
    switch (op) {
    case IORING_OP_NOP:
        return "NOP";
    case IORING_OP_READV:
        return "READV";
    case IORING_OP_WRITEV:
        return "WRITEV";
    case IORING_OP_POLL_ADD:
        return "POLL_ADD";
    case IORING_OP_POLL_REMOVE:
        return "POLL_REMOVE";
    case IORING_OP_TIMEOUT:
        return "TIMEOUT";
    case IORING_OP_TIMEOUT_REMOVE:
        return "TIMEOUT_REMOVE";
    case IORING_OP_READ:
        return "READ";
    case IORING_OP_WRITE:
        return "WRITE";
    default:
        return "OTHER";
    }
}

/* ---- request objects ---- */

static sim_req_t *req_new(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe)
{
    sim_kernel_t *k = sim_kernel(w);
    sim_req_t *q = k->req_free;
    if (q) {
        k->req_free = q->next;
    } else {
        q = calloc(1, sizeof(*q));
        if (!q)
            sim_fatal("out of memory (io_uring request)");
        k->n_req_allocated++;
    }
    uint32_t gen = q->gen;
    memset(q, 0, sizeof(*q));
    q->gen = gen;
    q->opcode = sqe->opcode;
    q->ring = r;
    q->user_data = sqe->user_data;
    /* pending list: append, so scans see requests in submission order */
    q->pending = true;
    q->next = NULL;
    sim_req_t **p = &k->req_pending;
    sim_req_t *prev = NULL;
    while (*p) {
        prev = *p;
        p = &(*p)->next;
    }
    q->prev = prev;
    *p = q;
    return q;
}

static void req_done(sim_world_t *w, sim_req_t *q)
{
    if (!q->pending)
        return;
    sim_kernel_t *k = sim_kernel(w);
    if (q->prev)
        q->prev->next = q->next;
    else
        k->req_pending = q->next;
    if (q->next)
        q->next->prev = q->prev;
    q->pending = false;
    q->gen++;
    q->next = k->req_free;
    q->prev = NULL;
    k->req_free = q;
}

/* Completes q with res and recycles it. */
static void req_complete(sim_world_t *w, sim_req_t *q, int32_t res)
{
    sim_ring_t *r = q->ring;
    uint64_t ud = q->user_data;
    bool is_timeout = q->opcode == IORING_OP_TIMEOUT;
    req_done(w, q);
    if (r->live)
        sim_uring_post_cqe(w, r, ud, res, 0, is_timeout);
}

static sim_req_t *req_find(sim_world_t *w, sim_ring_t *r, uint8_t opcode, uint64_t ud)
{
    for (sim_req_t *q = sim_kernel(w)->req_pending; q; q = q->next)
        if (q->ring == r && q->opcode == opcode && q->user_data == ud)
            return q;
    return NULL;
}

void sim_reqs_free(sim_world_t *w)
{
    sim_kernel_t *k = sim_kernel(w);
    sim_req_t *lists[2] = { k->req_pending, k->req_free };
    for (int i = 0; i < 2; i++) {
        sim_req_t *q = lists[i];
        while (q) {
            sim_req_t *next = q->next;
            free(q);
            q = next;
        }
    }
    k->req_pending = k->req_free = NULL;
}

/* A ring going away: its requests vanish without CQEs. */
void sim_uring_cancel_ring(sim_world_t *w, sim_ring_t *r)
{
    sim_req_t *q = sim_kernel(w)->req_pending;
    while (q) {
        sim_req_t *next = q->next;
        if (q->ring == r)
            req_done(w, q);
        q = next;
    }
}

/* POLL_REMOVE / TIMEOUT_REMOVE: the target (if found) is cancelled at
 * once, so nothing posted meanwhile can complete it; Linux then posts the
 * remove's own CQE first and the target's -ECANCELED from task_work. */
static void cancel_then_post(sim_world_t *w, sim_ring_t *r, sim_req_t *q,
                             uint64_t remove_ud)
{
    uint64_t target_ud = q ? q->user_data : 0;
    if (q)
        req_done(w, q);
    sim_uring_post_cqe(w, r, remove_ud, q ? 0 : -ENOENT, 0, false);
    /* A cancelled TIMEOUT's CQE is an ordinary one for Linux's counts
     * (only expiry and count completion bump cq_timeouts). */
    if (q && r->live)
        sim_uring_post_cqe(w, r, target_ud, -ECANCELED, 0, false);
}

/* ---- POLL_ADD / POLL_REMOVE ---- */

static unsigned poll_result(sim_world_t *w, sim_req_t *q)
{
    unsigned m = sim_file_poll_mask(w, q->target);
    return m & (q->poll_mask | POLLERR | POLLHUP);
}

/* Linux posts a POLL_ADD's CQE from task_work on the submitting thread:
 * before the waking syscall returns when the submitter itself (or kernel
 * work running as its task_work) made the fd ready, otherwise some time later (24 us to 14 ms measured here).  That
 * delay is a decision: SIM_POLL_TW_STEPS evenly spaced values in
 * [0, SIM_POLL_TW_MAX_NS].  The millisecond tail is cut: it spreads a
 * search's runs over long idle windows and made a depth-2 PCT search need
 * 10x the runs for the same bug (docs/kernel-model.md). */
#define SIM_POLL_TW_STEPS 16
#define SIM_POLL_TW_MAX_NS 100000

static void poll_tw_fire(sim_world_t *w, void *obj, uint64_t gen)
{
    sim_req_t *q = obj;
    if (!q->pending || q->gen != (uint32_t)gen)
        return;
    q->tw_queued = false;
    /* Re-polled as io_poll_check_events does: drained meanwhile, it stays
     * armed without a CQE. */
    unsigned m = poll_result(w, q);
    if (m)
        req_complete(w, q, (int32_t)m);
}

void sim_uring_poll_wake(sim_world_t *w, sim_file_t *f)
{
    for (;;) {
        /* Ready polls whose CQE is posted now; the order among several is
         * the kernel's choice (Linux completed three as 3,2,1): a decision. */
        unsigned k = 0;
        for (sim_req_t *q = sim_kernel(w)->req_pending; q; q = q->next) {
            if (q->opcode != IORING_OP_POLL_ADD || q->target != f || q->tw_queued ||
                !poll_result(w, q))
                continue;
            /* Kernel-side work (a timer, a device completion) posts its
             * CQE from the submitter's task_work too: polls it wakes are
             * completed in the same run, before the submitter sees any. */
            if (!w->current || w->current == q->submitter) {
                k++;
                continue;
            }
            static const sim_site_t tw_delay = { NULL, "poll_tw_delay", NULL };
            int64_t delay = (int64_t)sim_decide_value(w, SIM_POLL_TW_STEPS, &tw_delay) *
                            (SIM_POLL_TW_MAX_NS / (SIM_POLL_TW_STEPS - 1));
            q->tw_queued = true;
            sim_timer_add(w, w->now + delay, poll_tw_fire, q, q->gen);
        }
        if (!k)
            return;
        static const sim_site_t tw_pick = { NULL, "poll_tw_pick", NULL };
        uint32_t pick = sim_decide_value(w, k, &tw_pick);
        for (sim_req_t *q = sim_kernel(w)->req_pending; q; q = q->next) {
            if (q->opcode != IORING_OP_POLL_ADD || q->target != f || q->tw_queued ||
                !poll_result(w, q) || (w->current && w->current != q->submitter))
                continue;
            if (pick-- == 0) {
                /* Posting may complete other requests: rescan. */
                req_complete(w, q, (int32_t)poll_result(w, q));
                break;
            }
        }
    }
}

static void op_poll_add(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe)
{
    sim_file_t *f = sim_fd_lookup(w, sqe->fd);
    if (!f) {
        sim_uring_post_cqe(w, r, sqe->user_data, -EBADF, 0, false);
        return;
    }
    if (sqe->len & (IORING_POLL_ADD_MULTI | IORING_POLL_UPDATE_EVENTS |
                    IORING_POLL_UPDATE_USER_DATA)) {
        sim_uring_post_cqe(w, r, sqe->user_data, -EINVAL, 0, false);
        return;
    }
    sim_req_t *q = req_new(w, r, sqe);
    q->target = f;
    q->poll_mask = sqe->poll32_events;
    q->submitter = w->current;
    unsigned m = poll_result(w, q);
    if (m)
        req_complete(w, q, (int32_t)m); /* level-triggered */
}

static void op_poll_remove(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe)
{
    if (sqe->len) { /* poll update: not simulated */
        sim_uring_post_cqe(w, r, sqe->user_data, -EINVAL, 0, false);
        return;
    }
    cancel_then_post(w, r, req_find(w, r, IORING_OP_POLL_ADD, sqe->addr), sqe->user_data);
}

/* ---- TIMEOUT / TIMEOUT_REMOVE ---- */

static void timeout_fire(sim_world_t *w, void *obj, uint64_t gen)
{
    sim_req_t *q = obj;
    if (q->pending && q->gen == (uint32_t)gen)
        req_complete(w, q, -ETIME);
}

/* A non-timeout CQE was posted: count it for TIMEOUTs waiting on a count. */
void sim_uring_count_completion(sim_world_t *w, sim_ring_t *r)
{
    r->completions++;
    /* Inside a submit batch Linux defers completions to the batch's end,
     * where it flushes count-satisfied TIMEOUTs: a TIMEOUT_REMOVE later in
     * the batch still finds its target (sim_uring_flush_timeouts). */
    if (!r->in_batch)
        sim_uring_flush_timeouts(w, r);
}

void sim_uring_flush_timeouts(sim_world_t *w, sim_ring_t *r)
{
restart:
    for (sim_req_t *q = sim_kernel(w)->req_pending; q; q = q->next) {
        if (q->opcode == IORING_OP_TIMEOUT && q->ring == r && q->timeout_target &&
            r->completions >= q->timeout_target) {
            req_complete(w, q, 0);
            goto restart;
        }
    }
}

/* Prep-time checks (io_timeout_prep); the timespec is read here. */
static int timeout_prep_error(const struct io_uring_sqe *sqe)
{
    const struct __kernel_timespec *ts = (const void *)(uintptr_t)sqe->addr;
    if (sqe->len != 1 || (sqe->timeout_flags & ~IORING_TIMEOUT_ABS))
        return -EINVAL;
    if (!ts)
        return -EFAULT;
    if (ts->tv_sec < 0 || ts->tv_nsec < 0)
        return -EINVAL;
    return 0;
}

static void op_timeout(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe)
{
    const struct __kernel_timespec *ts = (const void *)(uintptr_t)sqe->addr;
    int64_t span = (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
    int64_t when = (sqe->timeout_flags & IORING_TIMEOUT_ABS) ? span - w->opt.clock_base_ns
                                                             : w->now + span;
    sim_req_t *q = req_new(w, r, sqe);
    /* Counted from the start of the batch (see ring_submit); a count
     * already reached completes at the batch's end. */
    q->timeout_target = sqe->off ? r->batch_completions + sqe->off : 0;
    sim_timer_add(w, when, timeout_fire, q, q->gen);
}

static void op_timeout_remove(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe)
{
    if (sqe->timeout_flags) { /* TIMEOUT_UPDATE: not simulated */
        sim_uring_post_cqe(w, r, sqe->user_data, -EINVAL, 0, false);
        return;
    }
    cancel_then_post(w, r, req_find(w, r, IORING_OP_TIMEOUT, sqe->addr), sqe->user_data);
}

/* ---- block I/O ---- */

static bool op_is_write(uint8_t op)
{
    return op == IORING_OP_WRITE || op == IORING_OP_WRITEV;
}

static void io_fire(sim_world_t *w, void *obj, uint64_t gen)
{
    sim_req_t *q = obj;
    if (!q->pending || q->gen != (uint32_t)gen)
        return;
    if (q->fault_res) {
        req_complete(w, q, q->fault_res);
        return;
    }
    int64_t res = sim_blkdev_finish(w, q->target, q, op_is_write(q->opcode));
    req_complete(w, q, (int32_t)res);
}

/* Injected READ faults: an error result, or a short transfer (a plain
 * buffer shrunk to 1/16..15/16 of its length, a decision). */
static void read_faults(sim_world_t *w, sim_req_t *q)
{
    if (sim_fault(w, SIM_FAULT_READ_EIO))
        q->fault_res = -EIO;
    else if (sim_fault(w, SIM_FAULT_READ_EAGAIN))
        q->fault_res = -EAGAIN;
    else if (!q->iov && q->len >= 2 && sim_fault(w, SIM_FAULT_READ_SHORT)) {
        static const sim_site_t short_len = { NULL, "read_short_len", NULL };
        size_t part = q->len * (1 + sim_decide_value(w, 15, &short_len)) / 16;
        q->len = part ? part : 1;
    }
}

static void op_rw(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe)
{
    sim_file_t *f = sim_fd_lookup(w, sqe->fd);
    if (!f || f->kind != SIM_FILE_BLKDEV) {
        sim_uring_post_cqe(w, r, sqe->user_data, f ? -EINVAL : -EBADF, 0, false);
        return;
    }
    sim_req_t *q = req_new(w, r, sqe);
    q->target = f;
    q->offset = sqe->off;
    if (sqe->opcode == IORING_OP_READV || sqe->opcode == IORING_OP_WRITEV) {
        q->iov = (const struct iovec *)(uintptr_t)sqe->addr;
        q->iov_n = sqe->len;
    } else {
        q->buf = (void *)(uintptr_t)sqe->addr;
        q->len = sqe->len;
    }
    if (!op_is_write(sqe->opcode))
        read_faults(w, q);
    int64_t latency = sim_blkdev_start(w, f, q, op_is_write(sqe->opcode));
    if (latency < 0) {
        req_complete(w, q, (int32_t)latency);
        return;
    }
    /* Zero latency is a page-cache hit: Linux completes it inside the
     * submit, before io_uring_enter returns. */
    if (latency == 0) {
        io_fire(w, q, q->gen);
        return;
    }
    sim_timer_add(w, w->now + latency, io_fire, q, q->gen);
}

int sim_uring_prep_error(const struct io_uring_sqe *sqe)
{
    if (sqe->opcode >= IORING_OP_LAST)
        return -EINVAL;
    if (sqe->opcode == IORING_OP_TIMEOUT)
        return timeout_prep_error(sqe);
    if (sqe->opcode == IORING_OP_POLL_ADD && (sqe->addr || sqe->off))
        return -EINVAL;
    return 0;
}

void sim_uring_issue(sim_world_t *w, sim_ring_t *r, const struct io_uring_sqe *sqe)
{
    switch (sqe->opcode) {
    case IORING_OP_NOP:
        sim_uring_post_cqe(w, r, sqe->user_data, 0, 0, false);
        break;
    case IORING_OP_POLL_ADD:
        op_poll_add(w, r, sqe);
        break;
    case IORING_OP_POLL_REMOVE:
        op_poll_remove(w, r, sqe);
        break;
    case IORING_OP_TIMEOUT:
        op_timeout(w, r, sqe);
        break;
    case IORING_OP_TIMEOUT_REMOVE:
        op_timeout_remove(w, r, sqe);
        break;
    case IORING_OP_READ:
    case IORING_OP_WRITE:
    case IORING_OP_READV:
    case IORING_OP_WRITEV:
        op_rw(w, r, sqe);
        break;
    default:
        sim_uring_post_cqe(w, r, sqe->user_data, -EINVAL, 0, false);
        break;
    }
}

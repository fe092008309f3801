/*
 * uring.c - simulated io_uring rings: memory layout, entering, CQE posting.
 *
 * os_uring_init lays out ring memory the way liburing 2.3's inline helpers
 * expect (struct io_uring's sq/cq pointers aim at "kernel" words inside our
 * sim_ring_t), so io_uring_get_sqe, prep_*, peek/for_each/cqe_seen work
 * unchanged.  SQEs are consumed only when a thread enters the ring
 * (os_uring_submit*, __io_uring_get_cqe with submit): then we flush the user
 * tail into ktail as liburing's __io_uring_flush_sq does, and issue each SQE.
 * A CQE is posted by writing the entry, then a release store of the tail; if
 * the CQ is full it waits in an overflow list (IORING_FEAT_NODROP) and
 * IORING_SQ_CQ_OVERFLOW is set.  As on Linux the list is flushed lazily: only
 * by an enter that gets events (wait_nr > 0, or any enter while the flag is
 * set, which is what liburing's submit does, and io_uring_get_events()).
 * Meanwhile the ring fd polls readable with the CQ possibly empty.  Queued
 * SQEs and reaped CQEs happen in user memory without any call:
 * sim_uring_observe_all(), the world's step hook from the first ring on,
 * notices them at every scheduling point and reports them as events.
 */
#include "kernel.h"

#include <stdlib.h>
#include <string.h>

enum { SIM_URING_MAX_ENTRIES = 4096 };

static sim_ring_t *ring_of(sim_world_t *w, const struct io_uring *ring)
{
    sim_file_t *f = sim_fd_lookup(w, ring->ring_fd);
    if (!f || f->kind != SIM_FILE_URING)
        return NULL;
    sim_ring_t *r = (sim_ring_t *)f;
    return r->live && r->user == ring ? r : NULL;
}

bool sim_ring_cq_ready(const sim_ring_t *r)
{
    return __atomic_load_n(&r->cq_ktail, __ATOMIC_ACQUIRE) != r->cq_khead;
}

/* As io_uring_poll(): readable with CQEs to reap or overflowed ones waiting
 * in the kernel (the CQ may then be empty: a reaper that never gets events
 * sees a readable fd and nothing to reap, forever). */
bool sim_ring_pollin(const sim_ring_t *r)
{
    return sim_ring_cq_ready(r) || r->n_overflow;
}

static void describe_uring_wait(const sim_thread_t *t, char *buf, size_t size)
{
    snprintf(buf, size, "io_uring fd=%d wait_nr=%llu",
             ((const sim_ring_t *)t->wait_obj)->file.fd, (unsigned long long)t->wait_arg);
}

static unsigned round_pow2(unsigned n)
{
    unsigned p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

static void ring_point_user(sim_ring_t *r, struct io_uring *ring, unsigned flags)
{
    memset(ring, 0, sizeof(*ring));
    ring->sq.khead = &r->sq_khead;
    ring->sq.ktail = &r->sq_ktail;
    ring->sq.kring_mask = NULL; /* deprecated; 2.3 inlines do not read it */
    ring->sq.kring_entries = NULL;
    ring->sq.kflags = &r->sq_kflags;
    ring->sq.kdropped = &r->sq_kdropped;
    ring->sq.array = r->sq_array;
    ring->sq.sqes = r->sqes;
    ring->sq.ring_mask = r->sq_entries - 1;
    ring->sq.ring_entries = r->sq_entries;
    ring->sq.ring_sz = sizeof(*r);
    ring->sq.ring_ptr = r;
    ring->cq.khead = &r->cq_khead;
    ring->cq.ktail = &r->cq_ktail;
    ring->cq.kflags = &r->cq_kflags;
    ring->cq.koverflow = &r->cq_koverflow;
    ring->cq.cqes = r->cqes;
    ring->cq.ring_mask = r->cq_entries - 1;
    ring->cq.ring_entries = r->cq_entries;
    ring->cq.ring_sz = sizeof(*r);
    ring->cq.ring_ptr = r;
    ring->flags = flags;
    ring->ring_fd = r->file.fd;
    ring->enter_ring_fd = r->file.fd;
    ring->features = IORING_FEAT_SINGLE_MMAP | IORING_FEAT_NODROP |
                     IORING_FEAT_SUBMIT_STABLE | IORING_FEAT_RW_CUR_POS |
                     IORING_FEAT_FAST_POLL | IORING_FEAT_POLL_32BITS | IORING_FEAT_EXT_ARG;
}

static unsigned ring_poll_mask(sim_world_t *w, sim_file_t *f)
{
    return POLLOUT | (sim_ring_pollin((sim_ring_t *)f) ? POLLIN : 0);
}

/* close(2) on a ring fd: refused, io_uring_queue_exit (os_uring_exit) owns
 * it. */
static int ring_release(sim_world_t *w, sim_file_t *f)
{
    return -EINVAL;
}

static void ring_destroy(sim_file_t *f)
{
    sim_ring_t *r = (sim_ring_t *)f;
    free(r->sq_array);
    free(r->sqes);
    free(r->cqes);
    free(r->queued_at);
    free(r->overflow);
    free(r->deferred);
    free(r->by_clock);
    free(r);
}

static const sim_file_ops_t ring_ops = {
    .name = "io_uring",
    .poll_mask = ring_poll_mask,
    .release = ring_release,
    .destroy = ring_destroy,
};

int os_uring_init(unsigned entries, struct io_uring *ring, unsigned flags)
{
    sim_world_t *w = sim__current_world;
    if (!w)
        return -ENOSYS;
    if (w->opt.uring_init_error < 0)
        return w->opt.uring_init_error;
    if (sim_fault(w, SIM_FAULT_URING_INIT))
        return -EPERM; /* io_uring denied, as by seccomp */
    /* Big SQEs/CQEs and a kernel polling thread change the memory layout or
     * the submission model: not simulated. */
    if (flags & (IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | IORING_SETUP_SQPOLL |
                 IORING_SETUP_IOPOLL))
        return -EINVAL;
    if (entries == 0 || entries > SIM_URING_MAX_ENTRIES)
        return -EINVAL;
    sim_ring_t *r = calloc(1, sizeof(*r));
    if (!r)
        return -ENOMEM;
    r->sq_entries = round_pow2(entries);
    r->cq_entries = 2 * r->sq_entries;
    r->sq_array = calloc(r->sq_entries, sizeof(unsigned));
    r->sqes = calloc(r->sq_entries, sizeof(struct io_uring_sqe));
    r->cqes = calloc(r->cq_entries, sizeof(struct io_uring_cqe));
    r->queued_at = calloc(r->sq_entries, sizeof(int64_t));
    if (!r->sq_array || !r->sqes || !r->cqes || !r->queued_at) {
        free(r->sq_array);
        free(r->sqes);
        free(r->cqes);
        free(r->queued_at);
        free(r);
        return -ENOMEM;
    }
    for (unsigned i = 0; i < r->sq_entries; i++)
        r->sq_array[i] = i; /* liburing sets the identity map once */
    sim_fd_install(w, &r->file, SIM_FILE_URING, &ring_ops);
    sim_name_created(w, SIM_OBJ_RING, r->file.fd);
    r->user = ring;
    r->live = true;
    r->next_live = sim_kernel(w)->rings;
    sim_kernel(w)->rings = r;
    sim_world_add_step_hook(w, sim_uring_observe_all);
    ring_point_user(r, ring, flags);
    return 0;
}

static void observe_ring(sim_world_t *w, sim_ring_t *r);

static void ring_unlink(sim_world_t *w, sim_ring_t *r)
{
    for (sim_ring_t **p = &sim_kernel(w)->rings; *p; p = &(*p)->next_live) {
        if (*p == r) {
            *p = r->next_live;
            break;
        }
    }
    r->live = false;
    r->user = NULL;
}

void os_uring_exit(struct io_uring *ring)
{
    sim_world_t *w = sim__current_world;
    sim_ring_t *r = w ? ring_of(w, ring) : NULL;
    if (!r)
        return;
    observe_ring(w, r); /* report the last reaps */
    sim_uring_cancel_ring(w, r);
    ring_unlink(w, r);
    sim_fd_forget(w, r->file.fd);
    r->file.closed = true;
    memset(ring, 0, sizeof(*ring));
    ring->ring_fd = -1;
    ring->enter_ring_fd = -1;
}

/* ---- CQEs ---- */

static void observe_reaps(sim_world_t *w, sim_ring_t *r);
static void by_clock_push(sim_ring_t *r, bool v);

/* Reaps are reported before a CQ slot is reused: the user may have advanced
 * the head with no scheduling point since, and the slot's old entry is the
 * one the reap event must name. */
static bool cq_put(sim_world_t *w, sim_ring_t *r, const struct io_uring_cqe *cqe)
{
    unsigned tail = r->cq_ktail;
    if (tail - __atomic_load_n(&r->cq_khead, __ATOMIC_ACQUIRE) >= r->cq_entries)
        return false;
    observe_reaps(w, r);
    r->cqes[tail & (r->cq_entries - 1)] = *cqe;
    __atomic_store_n(&r->cq_ktail, tail + 1, __ATOMIC_RELEASE);
    return true;
}

static void cq_wake(sim_world_t *w, sim_ring_t *r)
{
    sim_wake_all(w, SIM_WAIT_URING, r);
    /* While a batch's CQEs are posted, polls on the ring fd wait for the
     * whole batch: on Linux their task_work queues behind what the batch
     * already queued (a removed poll's -ECANCELED). */
    if (!r->flushing_batch)
        sim_file_changed(w, &r->file);
}

static void overflow_flush(sim_world_t *w, sim_ring_t *r)
{
    size_t done = 0;
    while (done < r->n_overflow && cq_put(w, r, &r->overflow[done]))
        done++;
    if (!done)
        return;
    memmove(r->overflow, r->overflow + done, (r->n_overflow - done) * sizeof(*r->overflow));
    r->n_overflow -= done;
    if (!r->n_overflow)
        r->sq_kflags &= ~IORING_SQ_CQ_OVERFLOW;
    cq_wake(w, r);
}

void sim_uring_post_cqe(sim_world_t *w, sim_ring_t *r, uint64_t user_data, int32_t res,
                        uint32_t flags, bool is_timeout)
{
    struct io_uring_cqe cqe = { .user_data = user_data, .res = res, .flags = flags };
    /* Inside a submit batch Linux defers the batch's completions and posts
     * them when the batch ends (ring_submit): until then they neither show
     * in the CQ nor make the ring fd readable, nor count for TIMEOUTs. */
    if (r->in_batch) {
        sim_grow((void **)&r->deferred, &r->cap_deferred, r->n_deferred + 1,
                 sizeof(*r->deferred));
        r->deferred[r->n_deferred].user_data = user_data;
        r->deferred[r->n_deferred].res = res;
        r->deferred[r->n_deferred].flags = flags;
        r->deferred[r->n_deferred].is_timeout = is_timeout;
        r->n_deferred++;
        return;
    }
    sim_emit(w, SIM_EV_CQE_POST, r->file.fd, user_data, res, 0, NULL);
    by_clock_push(r, w->kernel_acting || !w->current);
    if (r->n_overflow || !cq_put(w, r, &cqe)) {
        sim_grow((void **)&r->overflow, &r->cap_overflow, r->n_overflow + 1, sizeof(cqe));
        r->overflow[r->n_overflow++] = cqe;
        /* NODROP: kept, not counted in koverflow (that counts drops). */
        r->sq_kflags |= IORING_SQ_CQ_OVERFLOW;
    }
    if (is_timeout)
        r->cq_timeouts++;
    else
        sim_uring_count_completion(w, r);
    cq_wake(w, r);
}

/* ---- observing user-side changes ---- */

static void observe_ring(sim_world_t *w, sim_ring_t *r)
{
    struct io_uring *u = r->user;
    unsigned tail = u->sq.sqe_tail;
    for (; r->seen_sqe_tail != tail; r->seen_sqe_tail++) {
        unsigned idx = r->seen_sqe_tail & (r->sq_entries - 1);
        r->queued_at[idx] = w->now;
        sim_emit(w, SIM_EV_SQE_QUEUED, r->file.fd, r->sqes[idx].user_data, idx, 0, NULL);
    }
    observe_reaps(w, r);
}

static void by_clock_push(sim_ring_t *r, bool v)
{
    size_t n = r->by_clock_tail - r->by_clock_head;
    if (n == r->by_clock_cap) {
        size_t cap = r->by_clock_cap ? 2 * r->by_clock_cap : 16;
        bool *a = malloc(cap * sizeof(bool));
        if (!a)
            sim_fatal("out of memory");
        for (size_t i = 0; i < n; i++)
            a[i] = r->by_clock[(r->by_clock_head + i) & (r->by_clock_cap - 1)];
        free(r->by_clock);
        r->by_clock = a;
        r->by_clock_cap = cap;
        r->by_clock_head = 0;
        r->by_clock_tail = n;
    }
    r->by_clock[r->by_clock_tail++ & (r->by_clock_cap - 1)] = v;
}

static bool by_clock_pop(sim_ring_t *r)
{
    if (r->by_clock_head == r->by_clock_tail)
        return false;
    return r->by_clock[r->by_clock_head++ & (r->by_clock_cap - 1)];
}

/* The CQ head as the calling thread sees it: its own newest buffered store
 * of the head (tso, pso, arm: instrumented code's io_uring_cqe_seen is a
 * release store, and stays in the reaper's buffer), else memory.  So a reap
 * is reported at the reaper's first scheduling point after it, as the
 * reaper's, in its program order.  Reading memory alone reported it when
 * the store left the buffer: later than the reaper's own next operations
 * (a driver that counts reaps during a call saw none), and, when a commit
 * decision let it leave at another thread's point, as that thread's. */
static unsigned reaper_view_of_head(sim_world_t *w, sim_ring_t *r)
{
    uint64_t bits;
    if (w->mem && w->current && !w->kernel_acting &&
        sim_memory_forward(w, w->current, &r->cq_khead, sizeof(r->cq_khead), &bits))
        return (unsigned)bits;
    return __atomic_load_n(&r->cq_khead, __ATOMIC_ACQUIRE);
}

static void observe_reaps(sim_world_t *w, sim_ring_t *r)
{
    unsigned head = reaper_view_of_head(w, r);
    /* A reap already reported from its reaper's view is ahead of memory
     * (and of the other threads' views) until the store commits. */
    for (; (int)(head - r->seen_cq_head) > 0; r->seen_cq_head++) {
        const struct io_uring_cqe *c = &r->cqes[r->seen_cq_head & (r->cq_entries - 1)];
        sim_emit(w, SIM_EV_CQE_REAP, r->file.fd, c->user_data, c->res, 0, NULL);
        if (by_clock_pop(r) && w->current && !w->kernel_acting)
            sim_thread_clock_anchor(w->current); /* it saw a device or timer act */
    }
}

/* Runs at every scheduling point: a ring whose user tail and CQ head are
 * where they were last seen is passed over with two loads (most steps
 * change neither, and the full observation was 6% of the seed scenario's
 * time).  The head is the one observe_reaps reads, the running thread's
 * view: under tso, pso and arm its reap may still sit in its store buffer. */
void sim_uring_observe_all(sim_world_t *w)
{
    for (sim_ring_t *r = sim_kernel(w)->rings; r; r = r->next_live) {
        if (r->user->sq.sqe_tail != r->seen_sqe_tail ||
            reaper_view_of_head(w, r) != r->seen_cq_head)
            observe_ring(w, r);
    }
}

/* ---- entering the ring ---- */

/* Flush (as liburing's __io_uring_flush_sq) then consume the SQEs the user
 * made visible.  As on Linux, an SQE that fails before it is issued (unknown
 * opcode, bad fields: sim_uring_prep_error) completes with that error, counts
 * as submitted, and ends the batch: the SQEs after it stay in the SQ ring.
 * Returns the number consumed. */
static int ring_submit(sim_world_t *w, sim_ring_t *r)
{
    struct io_uring_sq *sq = &r->user->sq;
    unsigned tail = sq->sqe_tail;
    if (sq->sqe_head != tail) {
        sq->sqe_head = tail;
        __atomic_store_n(&r->sq_ktail, tail, __ATOMIC_RELEASE);
    }
    int n = 0;
    /* Injected: Linux may stop early (request allocation failing), leaving
     * the rest in the SQ ring; the count says how many it took. */
    unsigned limit = r->sq_ktail - r->sq_khead;
    static const sim_site_t partial = { NULL, "partial_submit_len", NULL };
    if (limit >= 2 && sim_fault(w, SIM_FAULT_PARTIAL_SUBMIT))
        limit = 1 + sim_decide_value(w, limit - 1, &partial);
    /* TIMEOUT completion counts start from the CQEs posted before this
     * batch: Linux defers the batch's own completions past the TIMEOUT's
     * prep, so they count towards it (sim_uring_issue reads this). */
    r->batch_completions = r->completions;
    r->in_batch = true;
    while (r->sq_khead != r->sq_ktail && (unsigned)n < limit) {
        unsigned slot = r->sq_array[r->sq_khead & (r->sq_entries - 1)];
        struct io_uring_sqe sqe = r->sqes[slot & (r->sq_entries - 1)];
        int64_t queued_at = r->queued_at[slot & (r->sq_entries - 1)];
        /* The slot is free for the user once khead moves (SUBMIT_STABLE:
         * we work from a copy). */
        __atomic_store_n(&r->sq_khead, r->sq_khead + 1, __ATOMIC_RELEASE);
        sim_emit(w, SIM_EV_SQE_SUBMIT, r->file.fd, sqe.user_data, sqe.opcode, queued_at,
                 sim_uring_opcode_name(sqe.opcode));
        n++;
        int err = sim_uring_prep_error(&sqe);
        if (err) {
            sim_uring_post_cqe(w, r, sqe.user_data, err, 0, false);
            break;
        }
        sim_uring_issue(w, r, &sqe);
    }
    r->in_batch = false;
    r->flushing_batch = true;
    for (size_t i = 0; i < r->n_deferred; i++) {
        sim_uring_post_cqe(w, r, r->deferred[i].user_data, r->deferred[i].res,
                           r->deferred[i].flags, r->deferred[i].is_timeout);
    }
    r->flushing_batch = false;
    if (r->n_deferred)
        cq_wake(w, r);
    r->n_deferred = 0;
    sim_uring_flush_timeouts(w, r);
    return n;
}

/* IORING_ENTER_GETEVENTS: overflowed CQEs move into the CQ as far as there
 * is room (the only place they do). */
static void ring_getevents(sim_world_t *w, sim_ring_t *r)
{
    if (r->n_overflow)
        overflow_flush(w, r);
}

/* Whether a waiter that started when cq_timeouts was timeouts_at and wants
 * wait_nr CQEs is done: as Linux's io_should_wake, enough CQEs, or any
 * TIMEOUT completed since the wait began (a TIMEOUT SQE bounds
 * submit_and_wait(n)). */
static bool wait_done(const sim_ring_t *r, unsigned wait_nr, uint64_t timeouts_at)
{
    return r->cq_ktail - r->cq_khead >= wait_nr || r->cq_timeouts != timeouts_at;
}

/* The body of io_uring_enter as liburing's submit calls it: submit, then
 * (GETEVENTS: when waiting, or when IORING_SQ_CQ_OVERFLOW is set, as
 * liburing 2.3's cq_ring_needs_flush asks) flush the overflow and wait for
 * wait_nr CQEs. */
static int ring_enter(sim_world_t *w, sim_ring_t *r, unsigned wait_nr)
{
    SIM_SCHED_POINT_HERE();
    if (!r->live)
        return -EBADF;        /* exited while we were preempted */
    sim_uring_observe_all(w); /* SQEs queued since the last point */
    unsigned to_submit = r->user->sq.sqe_tail - r->sq_khead;
    sim_emit(w, SIM_EV_URING_ENTER, r->file.fd, 0, to_submit, wait_nr, NULL);
    /* Injected: the enter fails before it submits anything. */
    if (sim_fault(w, SIM_FAULT_ENTER_EAGAIN))
        return -EAGAIN;
    if (sim_fault(w, SIM_FAULT_ENTER_EBUSY))
        return -EBUSY;
    /* As io_uring_enter: more CQEs than the CQ holds cannot be awaited. */
    if (wait_nr > r->cq_entries)
        wait_nr = r->cq_entries;
    unsigned queued = r->user->sq.sqe_tail - r->sq_khead;
    int n = ring_submit(w, r);
    /* Read after the submit, as io_cqring_wait does: a TIMEOUT its own
     * batch completed does not end the wait. */
    uint64_t timeouts_at = r->cq_timeouts;
    /* As io_uring_enter: a batch that stopped short returns at once,
     * without waiting. */
    if ((unsigned)n < queued)
        return n;
    if (wait_nr || (r->sq_kflags & IORING_SQ_CQ_OVERFLOW))
        ring_getevents(w, r);
    while (wait_nr && r->live && !wait_done(r, wait_nr, timeouts_at)) {
        /* A signal ends the wait; Linux reports it only if nothing was
         * submitted (else the submitted count). */
        if (w->current && sim_fault(w, SIM_FAULT_ENTER_EINTR))
            return n ? n : -EINTR;
        if (sim_block_described(w, SIM_WAIT_URING, r, wait_nr, -1, describe_uring_wait) ==
            -EDEADLK)
            break;
        if (r->live)
            ring_getevents(w, r);
    }
    return n;
}

/* io_uring_get_events(): an enter with GETEVENTS and nothing to submit. */
int os_uring_get_events(struct io_uring *ring)
{
    sim_world_t *w = sim__current_world;
    sim_ring_t *r = w ? ring_of(w, ring) : NULL;
    if (!r)
        return -EBADF;
    SIM_SCHED_POINT_HERE();
    if (!r->live)
        return -EBADF;
    sim_uring_observe_all(w);
    sim_emit(w, SIM_EV_URING_ENTER, r->file.fd, 0, 0, 0, NULL);
    ring_getevents(w, r);
    return 0;
}

int os_uring_submit(struct io_uring *ring)
{
    return os_uring_submit_and_wait(ring, 0);
}

int os_uring_submit_and_wait(struct io_uring *ring, unsigned wait_nr)
{
    sim_world_t *w = sim__current_world;
    sim_ring_t *r = w ? ring_of(w, ring) : NULL;
    if (!r)
        return -EBADF;
    return ring_enter(w, r, wait_nr);
}

/* What liburing's exported __io_uring_get_cqe does (peek/wait call it when
 * the CQ is empty): optionally submit, then return the first CQE once
 * wait_nr are available; -EAGAIN if none and wait_nr == 0.  A deadline
 * (absolute virtual ns, -1 none) makes it return -ETIME. */
int sim_uring_get_cqe(struct io_uring *ring, struct io_uring_cqe **cqe_ptr, unsigned submit,
                      unsigned wait_nr, int64_t deadline)
{
    sim_world_t *w = sim__current_world;
    sim_ring_t *r = w ? ring_of(w, ring) : NULL;
    *cqe_ptr = NULL;
    if (!r)
        return -EBADF;
    if (submit) {
        int n = ring_enter(w, r, 0);
        if (n < 0)
            return n;
    } else {
        SIM_SCHED_POINT_HERE();
    }
    if (wait_nr > r->cq_entries)
        wait_nr = r->cq_entries; /* as io_uring_enter clamps min_complete */
    if (wait_nr)
        ring_getevents(w, r);
    for (;;) {
        if (!r->live)
            return -EBADF;
        unsigned avail = r->cq_ktail - r->cq_khead;
        if (avail && avail >= wait_nr) {
            *cqe_ptr = &r->cqes[r->cq_khead & (r->cq_entries - 1)];
            return 0;
        }
        if (!wait_nr)
            return -EAGAIN;
        if (deadline >= 0 && w->now >= deadline)
            return -ETIME;
        if (w->current && sim_fault(w, SIM_FAULT_ENTER_EINTR))
            return -EINTR;
        if (sim_block_described(w, SIM_WAIT_URING, r, wait_nr, deadline,
                                describe_uring_wait) == -EDEADLK)
            return -EAGAIN;
        if (r->live)
            ring_getevents(w, r);
    }
}

/* io_uring_enter(fd, 0, 0, IORING_ENTER_GETEVENTS): flushes the CQ overflow
 * into the ring without submitting anything (liburing's
 * io_uring_get_events, which QEMU calls when the CQ has overflowed). */

/* test-uring.c - the simulated io_uring driven by liburing's own inline
 * helpers: SQEs wait for submit, POLL_ADD (one-shot, level-triggered),
 * POLL_REMOVE, TIMEOUT by deadline and by count, TIMEOUT_REMOVE, NOP,
 * cross-thread waits, ppoll on the ring fd, CQ overflow, event hooks, a
 * reap whose CQ-head store is still in the reaper's store buffer. */
#include "sim-test.h"
#include "sim-memory.h"
#include "aio-os.h"

static struct io_uring ring;
static int queued_events, submit_events, reap_events;

static struct io_uring_cqe *expect_cqe(uint64_t ud, int res)
{
    struct io_uring_cqe *cqe = NULL;
    ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), 0);
    ASSERT(cqe != NULL);
    ASSERT_EQ(cqe->user_data, ud);
    ASSERT_EQ(cqe->res, res);
    io_uring_cqe_seen(&ring, cqe);
    return cqe;
}

static void queue_poll(int fd, uint64_t ud)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    ASSERT(sqe != NULL);
    io_uring_prep_poll_add(sqe, fd, POLLIN);
    io_uring_sqe_set_data64(sqe, ud);
}

static void test_poll(int efd)
{
    queue_poll(efd, 1);
    ASSERT_EQ(io_uring_sq_ready(&ring), 1);
    ASSERT_EQ(*ring.sq.khead, 0);
    sim_yield();
    sim_sleep_ns(1000);
    ASSERT_EQ(*ring.sq.khead, 0); /* not consumed until submit */
    ASSERT_EQ(io_uring_cq_ready(&ring), 0);
    ASSERT_EQ(os_uring_submit(&ring), 1);
    ASSERT_EQ(*ring.sq.khead, 1);
    ASSERT_EQ(io_uring_sq_ready(&ring), 0);
    ASSERT_EQ(io_uring_cq_ready(&ring), 0); /* eventfd not readable */
    struct io_uring_cqe *cqe;
    ASSERT_EQ(io_uring_peek_cqe(&ring, &cqe), -EAGAIN);

    ASSERT_EQ(os_eventfd_signal(efd), 0);
    ASSERT_EQ(io_uring_cq_ready(&ring), 1);
    expect_cqe(1, POLLIN);
    ASSERT_EQ(os_eventfd_signal(efd), 0); /* one-shot: no second CQE */
    ASSERT_EQ(io_uring_cq_ready(&ring), 0);

    /* level-triggered: still readable, so a new POLL_ADD completes at submit */
    queue_poll(efd, 2);
    ASSERT_EQ(os_uring_submit(&ring), 1);
    expect_cqe(2, POLLIN);
    ASSERT_EQ(os_eventfd_drain(efd), 2);

    /* POLL_REMOVE */
    queue_poll(efd, 3);
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_poll_remove(sqe, 3);
    io_uring_sqe_set_data64(sqe, 4);
    ASSERT_EQ(os_uring_submit(&ring), 2);
    expect_cqe(4, 0); /* the remove's own CQE first */
    expect_cqe(3, -ECANCELED);
    sqe = io_uring_get_sqe(&ring);
    io_uring_prep_poll_remove(sqe, 99);
    io_uring_sqe_set_data64(sqe, 5);
    ASSERT_EQ(os_uring_submit(&ring), 1);
    expect_cqe(5, -ENOENT);
}

static void test_timeouts(void)
{
    /* deadline: -ETIME after 2 ms of virtual time */
    struct __kernel_timespec ts = { .tv_sec = 0, .tv_nsec = 2000000 };
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_timeout(sqe, &ts, 0, 0);
    io_uring_sqe_set_data64(sqe, 10);
    int64_t t0 = sim_now_ns();
    ASSERT_EQ(os_uring_submit_and_wait(&ring, 1), 1);
    ASSERT_GE(sim_now_ns() - t0, 2000000);
    ASSERT_LT(sim_now_ns() - t0, 2100000);
    expect_cqe(10, -ETIME);

    /* count: completes with 0 after two other CQEs */
    struct __kernel_timespec long_ts = { .tv_sec = 10, .tv_nsec = 0 };
    sqe = io_uring_get_sqe(&ring);
    io_uring_prep_timeout(sqe, &long_ts, 2, 0);
    io_uring_sqe_set_data64(sqe, 11);
    ASSERT_EQ(os_uring_submit(&ring), 1);
    for (uint64_t ud = 12; ud <= 13; ud++) {
        sqe = io_uring_get_sqe(&ring);
        io_uring_prep_nop(sqe);
        io_uring_sqe_set_data64(sqe, ud);
    }
    ASSERT_EQ(os_uring_submit(&ring), 2);
    uint64_t order[3];
    unsigned head, n = 0;
    struct io_uring_cqe *cqe;
    io_uring_for_each_cqe(&ring, head, cqe)
    {
        ASSERT_LT(n, 3);
        order[n++] = cqe->user_data;
        if (cqe->user_data == 11)
            ASSERT_EQ(cqe->res, 0);
    }
    ASSERT_EQ(n, 3);
    io_uring_cq_advance(&ring, n);
    ASSERT_EQ(order[0], 12);
    ASSERT_EQ(order[1], 13);
    ASSERT_EQ(order[2], 11);

    /* TIMEOUT_REMOVE */
    sqe = io_uring_get_sqe(&ring);
    io_uring_prep_timeout(sqe, &long_ts, 0, 0);
    io_uring_sqe_set_data64(sqe, 14);
    sqe = io_uring_get_sqe(&ring);
    io_uring_prep_timeout_remove(sqe, 14, 0);
    io_uring_sqe_set_data64(sqe, 15);
    ASSERT_EQ(os_uring_submit(&ring), 2);
    expect_cqe(15, 0);
    expect_cqe(14, -ECANCELED);

    /* io_uring_wait_cqe (inline, calls __io_uring_get_cqe) blocks */
    ts.tv_nsec = 1000;
    sqe = io_uring_get_sqe(&ring);
    io_uring_prep_timeout(sqe, &ts, 0, 0);
    io_uring_sqe_set_data64(sqe, 16);
    ASSERT_EQ(os_uring_submit(&ring), 1);
    ASSERT_EQ(io_uring_wait_cqe(&ring, &cqe), 0);
    ASSERT_EQ(cqe->user_data, 16);
    ASSERT_EQ(cqe->res, -ETIME);
    io_uring_cqe_seen(&ring, cqe);
}

static int efd2;

static void *cross_waiter(void *arg)
{
    (void)arg;
    /* another thread's ring wait ends when the main thread signals */
    queue_poll(efd2, 20);
    ASSERT_EQ(os_uring_submit_and_wait(&ring, 1), 1);
    expect_cqe(20, POLLIN);
    return NULL;
}

static void *ring_poller(void *arg)
{
    (void)arg;
    struct pollfd p = { .fd = ring.ring_fd, .events = POLLIN };
    ASSERT_EQ(os_ppoll(&p, 1, -1), 1);
    ASSERT_EQ(p.revents, POLLIN);
    return NULL;
}

static void test_threads(void)
{
    sim_world_t *w = sim_world_current();
    efd2 = os_eventfd_new();
    sim_thread_t *t = sim_thread_create(w, "ring-waiter", cross_waiter, NULL);
    sim_sleep_ns(1000000);
    ASSERT_EQ(os_eventfd_signal(efd2), 0);
    sim_thread_join(t);

    t = sim_thread_create(w, "ring-poller", ring_poller, NULL);
    sim_sleep_ns(1000000);
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, 21);
    ASSERT_EQ(os_uring_submit(&ring), 1);
    sim_thread_join(t);
    expect_cqe(21, 0);
    os_fd_close(efd2);
}

static void test_overflow(void)
{
    struct io_uring small;
    ASSERT_EQ(os_uring_init(2, &small, 0), 0);
    ASSERT_EQ(small.sq.ring_entries, 2);
    ASSERT_EQ(small.cq.ring_entries, 4);
    ASSERT(small.features & IORING_FEAT_EXT_ARG);
    ASSERT(small.features & IORING_FEAT_NODROP);
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 2; j++) {
            struct io_uring_sqe *sqe = io_uring_get_sqe(&small);
            ASSERT(sqe != NULL);
            io_uring_prep_nop(sqe);
            io_uring_sqe_set_data64(sqe, 100 + 2 * i + j);
        }
        ASSERT(io_uring_get_sqe(&small) == NULL); /* SQ full */
        ASSERT_EQ(os_uring_submit(&small), 2);
    }
    ASSERT_EQ(io_uring_cq_ready(&small), 4);
    ASSERT(io_uring_cq_has_overflow(&small));
    io_uring_cq_advance(&small, 4);
    sim_yield();
    /* Lazy, as on Linux: the overflow stays in the kernel, the ring fd
     * polls readable over an empty CQ, until an enter gets events. */
    ASSERT_EQ(io_uring_cq_ready(&small), 0);
    ASSERT(io_uring_cq_has_overflow(&small));
    struct pollfd p = { .fd = small.ring_fd, .events = POLLIN };
    ASSERT_EQ(os_ppoll(&p, 1, 0), 1);
    ASSERT_EQ(p.revents, POLLIN);
    ASSERT_EQ(os_uring_get_events(&small), 0);
    ASSERT_EQ(io_uring_cq_ready(&small), 2);
    ASSERT(!io_uring_cq_has_overflow(&small));
    struct io_uring_cqe *cqe;
    ASSERT_EQ(io_uring_peek_cqe(&small, &cqe), 0);
    ASSERT_EQ(cqe->user_data, 104);
    io_uring_cq_advance(&small, 2);
    os_uring_exit(&small);
}

static void *scenario(void *arg)
{
    (void)arg;
    ASSERT_EQ(os_uring_init(8, &ring, 0), 0);
    ASSERT_GE(ring.ring_fd, SIM_FD_BASE);
    int efd = os_eventfd_new();
    test_poll(efd);
    test_timeouts();
    test_threads();
    test_overflow();
    os_fd_close(efd);
    os_uring_exit(&ring);
    return NULL;
}

static void on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    (void)opaque;
    if (ev->kind == SIM_EV_SQE_QUEUED)
        queued_events++;
    if (ev->kind == SIM_EV_SQE_SUBMIT) {
        submit_events++;
        ASSERT_LE(ev->value2, ev->time_ns); /* queued before submitted */
    }
    if (ev->kind == SIM_EV_CQE_REAP)
        reap_events++;
    (void)w;
}

/* ---- a buffered reap (tso) ---- */

static unsigned reap_head; /* the CQ head before the reap */
static bool reap_reported; /* its cqe-reap event seen */
static int ops_after_reap; /* the reaper's seam accesses since its store */

/* io_uring_cqe_seen as instrumented code runs it (QEMU's, through the
 * __tsan_atomic hooks): a release store of the head through the memory
 * model, which leaves it in the reaper's buffer.  Its reap must be reported
 * at the reaper's next scheduling point, by the reaper, while the store is
 * still buffered: a driver counting the reaps its call made (genload's
 * aio_poll contract) reads the count right after the call. */
static void *buffered_reaper(void *arg)
{
    (void)arg;
    ASSERT_EQ(os_uring_init(4, &ring, 0), 0);
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_nop(sqe);
    io_uring_sqe_set_data64(sqe, 50);
    ASSERT_EQ(os_uring_submit(&ring), 1);
    ASSERT_EQ(io_uring_cq_ready(&ring), 1);
    reap_head = *ring.cq.khead;
    static unsigned other;
    sim_mem_store(ring.cq.khead, reap_head + 1, sizeof(unsigned), __ATOMIC_RELEASE);
    (void)sim_mem_load(&other, sizeof(other), __ATOMIC_RELAXED); /* a point, no drain */
    ops_after_reap++;
    ASSERT(reap_reported);
    os_uring_exit(&ring);
    return NULL;
}

static void on_buffered_reap(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    (void)w;
    (void)opaque;
    if (ev->kind != SIM_EV_CQE_REAP)
        return;
    ASSERT_EQ(ev->user_data, 50);
    ASSERT(ev->thread != NULL);
    ASSERT_STR_EQ(sim_thread_name(ev->thread), "main");
    ASSERT_EQ(ops_after_reap, 0);         /* at its first point after the store */
    ASSERT_EQ(*ring.cq.khead, reap_head); /* memory: still in its buffer */
    reap_reported = true;
}

static void test_buffered_reap(void)
{
    sim_options_t o = test_options(1);
    o.memory_model = SIM_MEMORY_TSO;
    o.on_event = on_buffered_reap;
    sim_world_t *w = test_run(&o, buffered_reaper, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT(reap_reported);
    sim_world_free(w);
    memset(&ring, 0, sizeof(ring));
}

int main(void)
{
    test_buffered_reap();
    sim_options_t o = test_options(5);
    o.on_event = on_event;
    sim_world_t *w = test_run(&o, scenario, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_GE(queued_events, 20);
    ASSERT_EQ(queued_events, submit_events);
    ASSERT_GE(reap_events, 20);
    const char *log = sim_world_log(w, NULL);
    ASSERT_CONTAINS(log, "sqe-submit fd=1048576 op=POLL_ADD ud=1 queued_at=");
    ASSERT_CONTAINS(log, "ring-waiter uring-enter fd=1048576 to_submit=1 wait_nr=1");
    ASSERT_CONTAINS(log, "cqe-reap fd=1048576 ud=11 res=0");
    sim_world_free(w);
    printf("ok (%d queued, %d reaped)\n", queued_events, reap_events);
    return 0;
}

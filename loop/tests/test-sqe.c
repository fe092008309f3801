/*
 * test-sqe.c - aio_add_sqe() and CQE handlers on a real ring.
 *
 * Asserts (io_uring): a NOP and a READ queued by the home thread complete
 * and their handlers run on the home thread with the right res and data; a
 * CQE handler can run a nested aio_poll() that both continues the CQEs the
 * outer call reaped and blocks for a new one; more SQEs than the ring has
 * entries all complete.  On ppoll: -ENOTSUP.  Everywhere: -EPERM with no
 * current context.
 */
#include "test-util.h"

static aio_context_t *ctx;
static pthread_t home;

typedef struct {
    aio_cqe_handler_t cqe; /* first: the callback gets this pointer */
    int id;
    int runs;
    bool on_home;
    int depth_seen;
} req_t;

static int depth;
static int done_order[16];
static int done_len;

static void prep_nop(struct io_uring_sqe *sqe, void *opaque)
{
    io_uring_prep_nop(sqe);
}

static void req_done(aio_cqe_handler_t *h)
{
    req_t *r = (req_t *)h;
    r->runs++;
    r->on_home = pthread_equal(pthread_self(), home);
    r->depth_seen = depth;
    if (done_len < 16) {
        done_order[done_len++] = r->id;
    }
}

static void req_init(req_t *r, int id, aio_cqe_cb_t *cb)
{
    *r = (req_t){ .id = id };
    r->cqe.cb = cb;
}

static void poll_until_runs(req_t *r)
{
    int64_t give_up = test_now_ns() + 5000 * MS;
    while (!r->runs && test_now_ns() < give_up) {
        aio_poll(ctx, true);
    }
    ASSERT_EQ(r->runs, 1);
}

static void test_nop(void)
{
    req_t r;
    req_init(&r, 1, req_done);
    ASSERT_OK(aio_add_sqe(prep_nop, NULL, &r.cqe));
    poll_until_runs(&r);
    ASSERT_EQ(r.cqe.res, 0);
    ASSERT_TRUE(r.on_home);
}

/* ---- READ from a pipe ---- */
typedef struct {
    int fd;
    char *buf;
    unsigned len;
} read_args_t;

static void prep_read(struct io_uring_sqe *sqe, void *opaque)
{
    read_args_t *a = opaque;
    io_uring_prep_read(sqe, a->fd, a->buf, a->len, (uint64_t)-1);
}

static void test_read(void)
{
    int fds[2];
    char buf[16] = { 0 };
    ASSERT_OK(pipe(fds));
    read_args_t args = { .fd = fds[0], .buf = buf, .len = sizeof(buf) };
    req_t r;
    req_init(&r, 2, req_done);
    ASSERT_OK(aio_add_sqe(prep_read, &args, &r.cqe));
    /* Submitted by the next wait, and pending until data arrives. */
    aio_poll(ctx, false);
    ASSERT_EQ(r.runs, 0);
    ASSERT_EQ(write(fds[1], "hello", 5), 5);
    poll_until_runs(&r);
    ASSERT_EQ(r.cqe.res, 5);
    ASSERT_TRUE(memcmp(buf, "hello", 5) == 0);
    ASSERT_TRUE(r.on_home);
    close(fds[0]);
    close(fds[1]);
}

/* ---- nested aio_poll from a CQE handler ---- */
static req_t n1, n2, n3;

static void nested_outer_done(aio_cqe_handler_t *h)
{
    req_done(h);
    depth++;
    /* n2 was reaped by the outer call together with n1: the nested call
     * must run it.  n3 is new: the nested call must submit and wait. */
    ASSERT_OK(aio_add_sqe(prep_nop, NULL, &n3.cqe));
    int64_t give_up = test_now_ns() + 5000 * MS;
    while ((!n2.runs || !n3.runs) && test_now_ns() < give_up) {
        aio_poll(ctx, true);
    }
    depth--;
}

static void test_nested_poll_in_handler(void)
{
    req_init(&n1, 11, nested_outer_done);
    req_init(&n2, 12, req_done);
    req_init(&n3, 13, req_done);
    done_len = 0;
    ASSERT_OK(aio_add_sqe(prep_nop, NULL, &n1.cqe));
    ASSERT_OK(aio_add_sqe(prep_nop, NULL, &n2.cqe));
    poll_until_runs(&n1);
    ASSERT_EQ(n2.runs, 1);
    ASSERT_EQ(n3.runs, 1);
    ASSERT_EQ(n2.depth_seen, 1);
    ASSERT_EQ(n3.depth_seen, 1);
    ASSERT_EQ(done_order[0], 11);
    ASSERT_EQ(done_order[1], 12);
    ASSERT_EQ(done_order[2], 13);
    ASSERT_FALSE(aio_poll(ctx, false));
    ASSERT_EQ(n2.runs, 1);
}

/* ---- more SQEs than ring entries (home thread submits to make room) ---- */
static void test_ring_full(void)
{
    enum { N = 300 }; /* ring: 128 entries */
    req_t *rs = g_new0(req_t, N);
    for (int i = 0; i < N; i++) {
        req_init(&rs[i], 100 + i, req_done);
        ASSERT_OK(aio_add_sqe(prep_nop, NULL, &rs[i].cqe));
    }
    int64_t give_up = test_now_ns() + 5000 * MS;
    int done;
    do {
        aio_poll(ctx, true);
        done = 0;
        for (int i = 0; i < N; i++) {
            done += rs[i].runs;
        }
    } while (done < N && test_now_ns() < give_up);
    for (int i = 0; i < N; i++) {
        ASSERT_EQ(rs[i].runs, 1);
    }
    g_free(rs);
}

/* ---- no current context ---- */
static void *no_context_thread(void *arg)
{
    req_t r;
    req_init(&r, 0, req_done);
    ASSERT_NULL(aio_current_context());
    *(int *)arg = aio_add_sqe(prep_nop, NULL, &r.cqe);
    return NULL;
}

static void test_eperm(void)
{
    int ret = 0;
    pthread_t t = test_thread_start(no_context_thread, &ret);
    test_thread_join(t);
    ASSERT_EQ(ret, -EPERM);
}

int main(int argc, char **argv)
{
    aio_backend_t backend = test_backend_from_argv(argc, argv);
    home = pthread_self();
    ctx = test_context_home(test_context_new(backend));
    ASSERT_PTR_EQ(aio_current_context(), ctx);
    test_eperm();

    if (backend == AIO_BACKEND_POLL) {
        req_t r;
        req_init(&r, 0, req_done);
        ASSERT_FALSE(aio_context_has_sqe(ctx));
        ASSERT_EQ(aio_add_sqe(prep_nop, NULL, &r.cqe), -ENOTSUP);
    } else {
        ASSERT_TRUE(aio_context_has_sqe(ctx));
        test_nop();
        test_read();
        test_nested_poll_in_handler();
        test_ring_full();
        for (int i = 0; i < 10; i++) {
            test_nop();
            test_nested_poll_in_handler();
        }
    }

    test_context_free(ctx);
    printf("test-sqe %s: ok\n", argv[1]);
    return 0;
}

/*
 * test-blk.c - block I/O on add_sqe against a real temporary file.
 *
 * Asserts (io_uring): aio_blk_write of a pattern lands in the file (checked
 * with pread), aio_blk_read at several offsets returns exactly those bytes,
 * a read past end of file returns the short count, a bad fd returns
 * -EBADF; completion callbacks run on the home thread.  On ppoll both calls
 * return -ENOTSUP.
 */
#include "test-util.h"

static aio_context_t *ctx;
static pthread_t home;

typedef struct {
    bool done;
    ssize_t ret;
    bool on_home;
} blk_result_t;

static void blk_cb(void *opaque, ssize_t ret)
{
    blk_result_t *r = opaque;
    r->done = true;
    r->ret = ret;
    r->on_home = pthread_equal(pthread_self(), home);
}

static void wait_done(blk_result_t *r)
{
    int64_t give_up = test_now_ns() + 5000 * MS;
    while (!r->done && test_now_ns() < give_up) {
        aio_poll(ctx, true);
    }
    ASSERT_TRUE(r->done);
    ASSERT_TRUE(r->on_home);
}

static void fill_pattern(unsigned char *buf, size_t len, uint64_t offset)
{
    for (size_t i = 0; i < len; i++) {
        uint64_t pos = offset + i;
        buf[i] = (unsigned char)((pos * 131) ^ (pos >> 8));
    }
}

int main(int argc, char **argv)
{
    aio_backend_t backend = test_backend_from_argv(argc, argv);
    home = pthread_self();
    ctx = test_context_home(test_context_new(backend));

    int fd = test_tmpfile("test-blk");

    enum { LEN = 256 * 1024 };
    unsigned char *wbuf = g_malloc(LEN), *rbuf = g_malloc0(LEN);
    fill_pattern(wbuf, LEN, 0);

    if (backend == AIO_BACKEND_POLL) {
        blk_result_t r = { 0 };
        ASSERT_EQ(aio_blk_write(fd, wbuf, LEN, 0, blk_cb, &r), -ENOTSUP);
        ASSERT_EQ(aio_blk_read(fd, rbuf, LEN, 0, blk_cb, &r), -ENOTSUP);
        ASSERT_FALSE(r.done);
    } else {
        blk_result_t w = { 0 };
        ASSERT_OK(aio_blk_write(fd, wbuf, LEN, 0, blk_cb, &w));
        wait_done(&w);
        ASSERT_EQ(w.ret, LEN);

        /* Independent check of what reached the file. */
        ASSERT_EQ(pread(fd, rbuf, LEN, 0), LEN);
        ASSERT_MEM_EQ(rbuf, wbuf, LEN);

        static const struct {
            size_t off, len;
        } reads[] = {
            { 0, LEN },
            { 4096, 8192 },
            { 12345, 777 },
            { LEN - 1, 1 },
        };
        for (size_t i = 0; i < G_N_ELEMENTS(reads); i++) {
            blk_result_t r = { 0 };
            memset(rbuf, 0, LEN);
            ASSERT_OK(aio_blk_read(fd, rbuf, reads[i].len, reads[i].off, blk_cb, &r));
            wait_done(&r);
            ASSERT_EQ(r.ret, (ssize_t)reads[i].len);
            ASSERT_MEM_EQ(rbuf, wbuf + reads[i].off, reads[i].len);
        }

        /* Past end of file: a short transfer, not an error. */
        blk_result_t s = { 0 };
        ASSERT_OK(aio_blk_read(fd, rbuf, 8192, LEN - 100, blk_cb, &s));
        wait_done(&s);
        ASSERT_EQ(s.ret, 100);
        ASSERT_MEM_EQ(rbuf, wbuf + LEN - 100, 100);

        /* An error is the callback's negative errno. */
        blk_result_t e = { 0 };
        ASSERT_OK(aio_blk_read(-1, rbuf, 10, 0, blk_cb, &e));
        wait_done(&e);
        ASSERT_EQ(e.ret, -EBADF);
    }

    close(fd);
    g_free(wbuf);
    g_free(rbuf);
    test_context_free(ctx);
    printf("test-blk %s: ok\n", argv[1]);
    return 0;
}

/*
 * aio-blk.c - asynchronous block reads and writes on add_sqe, on the
 * current context.  Mirrors QEMU's block/io_uring.c (luring_co_submit and
 * its short-read resubmission), without coroutines: completion is a callback
 * run by the context's home thread.
 */
#include "aio-internal.h"

typedef struct aio_blk_req {
    aio_cqe_handler_t cqe; /* first: the CQE handler is the request */
    aio_context_t *ctx;
    struct aio_blk_req *prev, *next; /* ctx->blk_reqs, under list_lock */
    int fd;
    char *buf;
    size_t len;
    uint64_t offset;
    size_t done; /* bytes already transferred */
    bool is_write;
    aio_blk_cb_t *cb;
    void *opaque;
} aio_blk_req_t;

static void blk_prep(struct io_uring_sqe *sqe, void *opaque)
{
    aio_blk_req_t *req = opaque;
    size_t left = req->len - req->done;
    uint64_t off = req->offset + req->done;

    if (req->is_write) {
        io_uring_prep_write(sqe, req->fd, req->buf + req->done, (unsigned)left, off);
    } else {
        io_uring_prep_read(sqe, req->fd, req->buf + req->done, (unsigned)left, off);
    }
}

/* Every request in flight is on its context's list, so that a context torn
 * down with I/O still queued (a harness ending a deadlocked run) frees it. */
static void blk_link(aio_context_t *ctx, aio_blk_req_t *req)
{
    req->ctx = ctx;
    os_mutex_lock(&ctx->list_lock);
    req->next = ctx->blk_reqs;
    if (req->next) {
        req->next->prev = req;
    }
    ctx->blk_reqs = req;
    os_mutex_unlock(&ctx->list_lock);
}

static void blk_unlink(aio_blk_req_t *req)
{
    aio_context_t *ctx = req->ctx;
    os_mutex_lock(&ctx->list_lock);
    if (req->prev) {
        req->prev->next = req->next;
    } else {
        ctx->blk_reqs = req->next;
    }
    if (req->next) {
        req->next->prev = req->prev;
    }
    os_mutex_unlock(&ctx->list_lock);
}

/* At context teardown: requests that never completed are dropped. */
void aio_blk_free_all(aio_context_t *ctx)
{
    while (ctx->blk_reqs) {
        aio_blk_req_t *req = ctx->blk_reqs;
        ctx->blk_reqs = req->next;
        g_free(req);
    }
}

static void blk_complete(aio_cqe_handler_t *h)
{
    aio_blk_req_t *req = (aio_blk_req_t *)h;
    int32_t res = h->res;

    if (res == -EINTR || res == -EAGAIN) {
        res = 0; /* transient: resubmit the rest */
    } else if (res < 0) {
        goto finish;
    } else if (res == 0) {
        goto finish_done; /* end of file: a short transfer */
    }
    req->done += (size_t)res;
    if (req->done < req->len && aio_add_sqe(blk_prep, req, &req->cqe) == 0) {
        return;
    }
finish_done:
    res = (int32_t)req->done;
finish:
    blk_unlink(req);
    req->cb(req->opaque, res);
    g_free(req);
}

static int blk_submit(int fd, void *buf, size_t len, uint64_t offset, bool is_write,
                      aio_blk_cb_t *cb, void *opaque)
{
    aio_blk_req_t *req = g_new0(aio_blk_req_t, 1);
    req->cqe.cb = blk_complete;
    req->fd = fd;
    req->buf = buf;
    req->len = len;
    req->offset = offset;
    req->is_write = is_write;
    req->cb = cb;
    req->opaque = opaque;

    aio_context_t *ctx = aio_current_context();
    if (!ctx) {
        g_free(req);
        return -EPERM;
    }
    blk_link(ctx, req);
    int ret = aio_add_sqe(blk_prep, req, &req->cqe);
    if (ret < 0) {
        blk_unlink(req);
        g_free(req);
    }
    return ret;
}

int aio_blk_read(int fd, void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                 void *opaque)
{
    return blk_submit(fd, buf, len, offset, false, cb, opaque);
}

int aio_blk_write(int fd, const void *buf, size_t len, uint64_t offset, aio_blk_cb_t *cb,
                  void *opaque)
{
    return blk_submit(fd, (void *)buf, len, offset, true, cb, opaque);
}

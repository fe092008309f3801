/* conf-exec.c - one sequence through one world's ops table (see conf-exec.h). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf-exec.h"

#define BAD_OPCODE 250 /* far above any opcode Linux knows */

const char *conf_errno_text(int64_t v, char buf[24])
{
    static const struct {
        int e;
        const char *name;
    } names[] = {
        { EINVAL, "EINVAL" },         { EAGAIN, "EAGAIN" },
        { ETIME, "ETIME" },           { ECANCELED, "ECANCELED" },
        { ENOENT, "ENOENT" },         { EBADF, "EBADF" },
        { EFAULT, "EFAULT" },         { EBUSY, "EBUSY" },
        { EINTR, "EINTR" },           { EIO, "EIO" },
        { EALREADY, "EALREADY" },     { ENOMEM, "ENOMEM" },
        { EOPNOTSUPP, "EOPNOTSUPP" },
    };
    if (v < 0) {
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (-v == names[i].e) {
                snprintf(buf, 24, "-%s", names[i].name);
                return buf;
            }
        }
    }
    snprintf(buf, 24, "%" PRId64, v);
    return buf;
}

static const char *revents_text(unsigned r, char buf[48])
{
    buf[0] = '\0';
    static const struct {
        unsigned bit;
        const char *name;
    } bits[] = {
        { POLLIN, "in" },   { POLLOUT, "out" },   { POLLERR, "err" },
        { POLLHUP, "hup" }, { POLLNVAL, "nval" }, { POLLPRI, "pri" },
    };
    for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]); i++) {
        if (r & bits[i].bit) {
            if (buf[0])
                strcat(buf, "|");
            strcat(buf, bits[i].name);
            r &= ~bits[i].bit;
        }
    }
    if (r)
        snprintf(buf + strlen(buf), 16, "%s0x%x", buf[0] ? "|" : "", r);
    if (!buf[0])
        strcpy(buf, "0");
    return buf;
}

typedef struct {
    const conf_backend_t *be;
    const conf_seq_t *s;
    struct io_uring ring;
    int fds[CONF_MAX_OBJECTS];
    bool open[CONF_MAX_OBJECTS];
    GPtrArray *keep; /* buffers and timespecs the kernel may still use */
    GPtrArray *out;
    bool stopped; /* after a hang */
} exec_t;

char *conf_hang_line(const conf_op_t *op)
{
    return g_strdup_printf("%s %" PRIu64 ": hang", conf_op_name(op->kind), op->value);
}

static void emit(exec_t *x, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void emit(exec_t *x, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_ptr_array_add(x->out, g_strdup_vprintf(fmt, ap));
    va_end(ap);
}

static int fd_of(exec_t *x, int obj)
{
    return obj == CONF_OBJ_RING ? x->ring.ring_fd : x->fds[obj];
}

/* An SQE, or NULL (recorded: the SQ ring is full). */
static struct io_uring_sqe *sqe_for(exec_t *x, const conf_op_t *op)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&x->ring);
    if (!sqe)
        emit(x, "%s %" PRIu64 ": sq full", conf_op_name(op->kind), op->ud);
    return sqe;
}

static int cqe_cmp(const void *a, const void *b)
{
    const struct io_uring_cqe *x = a, *y = b;
    if (x->user_data != y->user_data)
        return x->user_data < y->user_data ? -1 : 1;
    if (x->res != y->res)
        return x->res < y->res ? -1 : 1;
    return x->flags < y->flags ? -1 : x->flags > y->flags;
}

static void reap(exec_t *x)
{
    struct io_uring_cqe *cqe;
    unsigned head, n = 0;
    GArray *all = g_array_new(FALSE, FALSE, sizeof(struct io_uring_cqe));
    io_uring_for_each_cqe(&x->ring, head, cqe)
    {
        g_array_append_val(all, *cqe);
        n++;
    }
    io_uring_cq_advance(&x->ring, n);
    /* A set: Linux's completion order is not part of its contract. */
    g_array_sort(all, cqe_cmp);
    GString *g = g_string_new(NULL);
    g_string_append_printf(g, "reap: n=%u", n);
    for (unsigned i = 0; i < n; i++) {
        const struct io_uring_cqe *c = &g_array_index(all, struct io_uring_cqe, i);
        char buf[24];
        g_string_append_printf(g, " %" PRIu64 ":%s", (uint64_t)c->user_data,
                               conf_errno_text(c->res, buf));
        if (c->flags)
            g_string_append_printf(g, ":f%u", c->flags);
    }
    g_ptr_array_add(x->out, g_string_free(g, FALSE));
    g_array_free(all, TRUE);
}

static void state(exec_t *x)
{
    struct pollfd p = { .fd = x->ring.ring_fd, .events = POLLIN | POLLOUT };
    int n = x->be->poll(&p, 1);
    char buf[48];
    emit(x, "state: cq=%u overflow=%d sq=%u ringfd=%s", io_uring_cq_ready(&x->ring),
         io_uring_cq_has_overflow(&x->ring) ? 1 : 0, io_uring_sq_ready(&x->ring),
         n > 0 ? revents_text((unsigned)p.revents, buf) : "0");
}

static void open_object(exec_t *x, const conf_op_t *op)
{
    char buf[24];
    int fd = op->kind == CONF_OP_EVENTFD ? x->be->eventfd_new(op->value)
                                         : x->be->file_new(op->value);
    if (fd < 0) {
        emit(x, "%s %s: %s", conf_op_name(op->kind), x->s->objects[op->obj].name,
             conf_errno_text(fd, buf));
        fd = -1;
    }
    x->fds[op->obj] = fd;
    x->open[op->obj] = fd >= 0;
}

/* An operation that queues one SQE (NOP, BAD, POLL_ADD, ...); false for any
 * other kind.  With a full SQ nothing is queued (sqe_for reports it). */
static bool queue_sqe_op(exec_t *x, const conf_op_t *op)
{
    struct io_uring_sqe *sqe;
    switch (op->kind) {
    case CONF_OP_NOP:
    case CONF_OP_BAD:
    case CONF_OP_POLL_ADD:
    case CONF_OP_POLL_REMOVE:
    case CONF_OP_TIMEOUT:
    case CONF_OP_TIMEOUT_REMOVE:
    case CONF_OP_READ:
        break;
    default:
        return false;
    }
    if (!(sqe = sqe_for(x, op))) {
        return true;
    }
    if (op->kind == CONF_OP_NOP || op->kind == CONF_OP_BAD) {
        io_uring_prep_nop(sqe);
        if (op->kind == CONF_OP_BAD) {
            sqe->opcode = BAD_OPCODE;
        }
    } else if (op->kind == CONF_OP_POLL_ADD) {
        io_uring_prep_poll_add(sqe, fd_of(x, op->obj), op->events);
    } else if (op->kind == CONF_OP_POLL_REMOVE) {
        io_uring_prep_poll_remove(sqe, op->target_ud);
    } else if (op->kind == CONF_OP_TIMEOUT) {
        struct __kernel_timespec *ts = g_new0(struct __kernel_timespec, 1);
        ts->tv_sec = op->ns / 1000000000;
        ts->tv_nsec = op->ns % 1000000000;
        g_ptr_array_add(x->keep, ts);
        io_uring_prep_timeout(sqe, ts, (unsigned)op->value, 0);
    } else if (op->kind == CONF_OP_TIMEOUT_REMOVE) {
        io_uring_prep_timeout_remove(sqe, op->target_ud, 0);
    } else {
        void *b = g_malloc0(op->value ? op->value : 1);
        g_ptr_array_add(x->keep, b);
        io_uring_prep_read(sqe, fd_of(x, op->obj), b, (unsigned)op->value, op->offset);
    }
    io_uring_sqe_set_data64(sqe, op->ud);
    return true;
}

static void submit_wait(exec_t *x, const conf_op_t *op)
{
    char buf[24];
    int r = x->be->submit_wait(&x->ring, (unsigned)op->value);
    if (r == CONF_HANG) {
        g_ptr_array_add(x->out, conf_hang_line(op));
        x->stopped = true;
    } else {
        emit(x, "submit_wait %" PRIu64 ": ret=%s", op->value, conf_errno_text(r, buf));
    }
}

static void read_eventfd(exec_t *x, const conf_op_t *op)
{
    char buf[24];
    uint64_t v = 0;
    int r = x->be->eventfd_read(x->fds[op->obj], &v);
    if (r < 0)
        emit(x, "read_efd %s: ret=%s", x->s->objects[op->obj].name,
             conf_errno_text(r, buf));
    else
        emit(x, "read_efd %s: value=%" PRIu64, x->s->objects[op->obj].name, v);
}

static void ppoll_objects(exec_t *x, const conf_op_t *op)
{
    char buf[24];
    struct pollfd p[CONF_MAX_POLL];
    for (unsigned i = 0; i < op->n_poll; i++)
        p[i] = (struct pollfd){ .fd = fd_of(x, op->poll_obj[i]),
                                .events = (short)op->poll_events[i] };
    int n = x->be->poll(p, op->n_poll);
    GString *g = g_string_new(NULL);
    g_string_append_printf(g, "ppoll: ret=%s", conf_errno_text(n, buf));
    for (unsigned i = 0; i < op->n_poll; i++) {
        char rb[48];
        g_string_append_printf(g, " %s", revents_text((unsigned)p[i].revents, rb));
    }
    g_ptr_array_add(x->out, g_string_free(g, FALSE));
}

static void run_op(exec_t *x, const conf_op_t *op)
{
    const conf_backend_t *be = x->be;
    char buf[24];

    if (queue_sqe_op(x, op)) {
        return;
    }
    switch (op->kind) {
    case CONF_OP_EVENTFD:
    case CONF_OP_FILE:
        open_object(x, op);
        break;
    case CONF_OP_SUBMIT:
        emit(x, "submit: ret=%s", conf_errno_text(be->submit(&x->ring), buf));
        break;
    case CONF_OP_SUBMIT_WAIT:
        submit_wait(x, op);
        break;
    case CONF_OP_GET_EVENTS:
        emit(x, "get_events: ret=%s", conf_errno_text(be->get_events(&x->ring), buf));
        break;
    case CONF_OP_REAP:
        reap(x);
        break;
    case CONF_OP_STATE:
        state(x);
        break;
    case CONF_OP_WRITE:
        emit(x, "write %s %" PRIu64 ": ret=%s", x->s->objects[op->obj].name, op->value,
             conf_errno_text(be->eventfd_write(x->fds[op->obj], op->value), buf));
        break;
    case CONF_OP_READ_EFD:
        read_eventfd(x, op);
        break;
    case CONF_OP_PPOLL:
        ppoll_objects(x, op);
        break;
    case CONF_OP_CLOSE:
        if (op->obj >= 0 && x->open[op->obj]) {
            be->close(x->fds[op->obj]);
            x->open[op->obj] = false;
        }
        break;
    case CONF_OP_SLEEP:
        be->sleep_ns(op->ns);
        break;
    default:
        break;
    }
}

int conf_exec(const conf_backend_t *be, const conf_seq_t *s, GPtrArray *out,
              volatile unsigned *at)
{
    exec_t x = {
        .be = be, .s = s, .out = out, .keep = g_ptr_array_new_with_free_func(g_free)
    };
    for (unsigned i = 0; i < CONF_MAX_OBJECTS; i++)
        x.fds[i] = -1;
    int ret = be->ring_init(s->ring_entries, &x.ring);
    if (ret < 0) {
        g_ptr_array_free(x.keep, TRUE);
        return ret;
    }
    emit(&x, "ring: sq=%u cq=%u", x.ring.sq.ring_entries, x.ring.cq.ring_entries);
    for (guint i = 0; i < s->ops->len && !x.stopped; i++) {
        if (at)
            *at = i;
        run_op(&x, &g_array_index(s->ops, conf_op_t, i));
    }
    /* The ring goes first: it may still point at the other objects. */
    be->ring_exit(&x.ring);
    for (unsigned i = 0; i < s->n_objects; i++)
        if (x.open[i])
            be->close(x.fds[i]);
    g_ptr_array_free(x.keep, TRUE);
    return 0;
}

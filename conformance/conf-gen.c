/* conf-gen.c - bytes to a conformance sequence (see conf-gen.h). */
#include <poll.h>
#include <string.h>
#include "conf-gen.h"

typedef struct {
    const uint8_t *p, *end;
} reader_t;

static unsigned take(reader_t *r, unsigned n)
{
    return r->p < r->end ? *r->p++ % n : 0;
}

static void add(conf_seq_t *s, conf_op_t op)
{
    g_array_append_val(s->ops, op);
}

static void add_object(conf_seq_t *s, conf_obj_kind_t kind, const char *name,
                       uint64_t value)
{
    conf_op_t op = { .kind = kind == CONF_OBJ_FILE ? CONF_OP_FILE : CONF_OP_EVENTFD,
                     .obj = (int)s->n_objects,
                     .value = value };
    s->objects[s->n_objects].kind = kind;
    strcpy(s->objects[s->n_objects].name, name);
    s->n_objects++;
    add(s, op);
}

#define FILE_SIZE 16384

/* Timers that may fire get distinct durations, 20 ms + 15 ms * i: two of
 * them never expire within microseconds of each other, where Linux's
 * hrtimer interrupt may post both before a waiter returns, and a thread
 * descheduled for a few ms on a loaded machine does not see the next one
 * fire early (timing, not contract).  Sleeps are 97 ms. */
static int64_t timer_ns(unsigned *timers)
{
    return 20000000 + 15000000 * (int64_t)(*timers)++;
}

/* What the generator carries from one operation to the next. */
typedef struct {
    reader_t r;
    uint64_t next_ud;
    unsigned timers;
} gen_t;

/* The objects every sequence opens first: eventfds e and g, file f. */
enum { OBJ_E = 0, OBJ_G = 1, OBJ_F = 2 };

static const unsigned poll_events[] = { POLLIN, POLLOUT, POLLIN | POLLOUT };

/* Choices 0..6: one SQE (NOP, POLL_ADD, POLL_REMOVE, TIMEOUT,
 * TIMEOUT_REMOVE, READ, a bad opcode). */
static void gen_sqe(gen_t *g, unsigned choice, conf_op_t *op)
{
    static const uint64_t lens[] = { 512, 4096, 16384 };
    static const uint64_t offs[] = { 0, 8192, 15000, 20000 };
    static const conf_op_kind_t kinds[] = {
        CONF_OP_NOP,     CONF_OP_POLL_ADD,       CONF_OP_POLL_REMOVE,
        CONF_OP_TIMEOUT, CONF_OP_TIMEOUT_REMOVE, CONF_OP_READ,
        CONF_OP_BAD
    };
    op->kind = kinds[choice];
    op->ud = g->next_ud++;
    switch (op->kind) {
    case CONF_OP_POLL_ADD: {
        unsigned which = take(&g->r, 3);
        op->obj = which == 2 ? CONF_OBJ_RING : which == 1 ? OBJ_G : OBJ_E;
        op->events = op->obj == CONF_OBJ_RING ? POLLIN : poll_events[take(&g->r, 3)];
        break;
    }
    case CONF_OP_POLL_REMOVE:
    case CONF_OP_TIMEOUT_REMOVE:
        op->target_ud = 1 + take(&g->r, (unsigned)g->next_ud);
        break;
    case CONF_OP_TIMEOUT:
        op->ns = take(&g->r, 2) ? timer_ns(&g->timers) : 10000000000LL;
        op->value = take(&g->r, 3);
        break;
    case CONF_OP_READ:
        op->obj = OBJ_F;
        op->value = lens[take(&g->r, 3)];
        op->offset = offs[take(&g->r, 4)];
        break;
    default:
        break;
    }
}

/* Choice 15: a 97 ms sleep, or a ppoll of e, g and the ring. */
static void gen_sleep_or_ppoll(gen_t *g, conf_op_t *op)
{
    if (take(&g->r, 2)) {
        op->kind = CONF_OP_SLEEP;
        op->ns = 97000000;
        return;
    }
    op->kind = CONF_OP_PPOLL;
    op->n_poll = 3;
    op->poll_obj[0] = OBJ_E;
    op->poll_obj[1] = OBJ_G;
    op->poll_obj[2] = CONF_OBJ_RING;
    for (unsigned j = 0; j < 3; j++)
        op->poll_events[j] = poll_events[take(&g->r, 3)];
}

/* Choices 7..15: entering the ring, reaping, looking, the eventfds, time. */
static void gen_other(gen_t *g, conf_seq_t *s, unsigned choice, conf_op_t *op)
{
    static const uint64_t values[] = {
        1, 2, 7, UINT64_MAX - 2, UINT64_MAX - 1, UINT64_MAX
    };
    switch (choice) {
    case 7:
    case 8:
        op->kind = CONF_OP_SUBMIT;
        break;
    case 9: {
        /* Bounded: a 20 ms pure timer first (a TIMEOUT CQE ends any
         * wait), unless the SQ is full, when the wait is skipped. */
        conf_op_t t = { .kind = CONF_OP_TIMEOUT,
                        .ud = g->next_ud++,
                        .ns = timer_ns(&g->timers) };
        add(s, t);
        op->kind = CONF_OP_SUBMIT_WAIT;
        op->value = 1 + take(&g->r, 3);
        break;
    }
    case 10:
        op->kind = CONF_OP_GET_EVENTS;
        break;
    case 11:
        op->kind = CONF_OP_REAP;
        break;
    case 12:
        op->kind = CONF_OP_STATE;
        break;
    case 13:
        op->kind = CONF_OP_WRITE;
        op->obj = take(&g->r, 2) ? OBJ_G : OBJ_E;
        op->value = values[take(&g->r, 6)];
        break;
    case 14:
        op->kind = CONF_OP_READ_EFD;
        op->obj = take(&g->r, 2) ? OBJ_G : OBJ_E;
        break;
    default:
        gen_sleep_or_ppoll(g, op);
        break;
    }
}

conf_seq_t *conf_gen_from_bytes(const uint8_t *data, size_t size)
{
    gen_t g = { .r = { data, data + size }, .next_ud = 1 };
    static const unsigned ring_sizes[] = { 1, 2, 4, 8 };
    conf_seq_t *s = conf_seq_new(ring_sizes[take(&g.r, 4)]);
    add_object(s, CONF_OBJ_EVENTFD, "e", take(&g.r, 2) ? 0 : 3);
    add_object(s, CONF_OBJ_EVENTFD, "g", 0);
    add_object(s, CONF_OBJ_FILE, "f", FILE_SIZE);

    for (unsigned i = 0; i < CONF_GEN_MAX_OPS && g.r.p < g.r.end; i++) {
        conf_op_t op = { 0 };
        unsigned choice = take(&g.r, 16);
        if (choice <= 6) {
            gen_sqe(&g, choice, &op);
        } else {
            gen_other(&g, s, choice, &op);
        }
        add(s, op);
    }
    /* Always end by looking: what is left in the CQ and the ring's state. */
    add(s, (conf_op_t){ .kind = CONF_OP_STATE });
    add(s, (conf_op_t){ .kind = CONF_OP_REAP });
    return s;
}

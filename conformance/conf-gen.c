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

conf_seq_t *conf_gen_from_bytes(const uint8_t *data, size_t size)
{
    reader_t r = { data, data + size };
    static const unsigned ring_sizes[] = { 1, 2, 4, 8 };
    conf_seq_t *s = conf_seq_new(ring_sizes[take(&r, 4)]);
    static const uint64_t values[] = {
        1, 2, 7, UINT64_MAX - 2, UINT64_MAX - 1, UINT64_MAX
    };
    add_object(s, CONF_OBJ_EVENTFD, "e", take(&r, 2) ? 0 : 3);
    add_object(s, CONF_OBJ_EVENTFD, "g", 0);
    add_object(s, CONF_OBJ_FILE, "f", FILE_SIZE);
    const int e = 0, g = 1, f = 2;
    uint64_t next_ud = 1;
    unsigned timers = 0;
    static const unsigned evs[] = { POLLIN, POLLOUT, POLLIN | POLLOUT };
    static const uint64_t lens[] = { 512, 4096, 16384 };
    static const uint64_t offs[] = { 0, 8192, 15000, 20000 };

    for (unsigned i = 0; i < CONF_GEN_MAX_OPS && r.p < r.end; i++) {
        conf_op_t op = { 0 };
        switch (take(&r, 16)) {
        case 0:
            op.kind = CONF_OP_NOP;
            op.ud = next_ud++;
            break;
        case 1: {
            op.kind = CONF_OP_POLL_ADD;
            op.ud = next_ud++;
            unsigned which = take(&r, 3);
            op.obj = which == 2 ? CONF_OBJ_RING : which == 1 ? g : e;
            op.events = op.obj == CONF_OBJ_RING ? POLLIN : evs[take(&r, 3)];
            break;
        }
        case 2:
            op.kind = CONF_OP_POLL_REMOVE;
            op.ud = next_ud++;
            op.target_ud = 1 + take(&r, (unsigned)next_ud);
            break;
        case 3:
            op.kind = CONF_OP_TIMEOUT;
            op.ud = next_ud++;
            op.ns = take(&r, 2) ? timer_ns(&timers) : 10000000000LL;
            op.value = take(&r, 3);
            break;
        case 4:
            op.kind = CONF_OP_TIMEOUT_REMOVE;
            op.ud = next_ud++;
            op.target_ud = 1 + take(&r, (unsigned)next_ud);
            break;
        case 5:
            op.kind = CONF_OP_READ;
            op.ud = next_ud++;
            op.obj = f;
            op.value = lens[take(&r, 3)];
            op.offset = offs[take(&r, 4)];
            break;
        case 6:
            op.kind = CONF_OP_BAD;
            op.ud = next_ud++;
            break;
        case 7:
        case 8:
            op.kind = CONF_OP_SUBMIT;
            break;
        case 9: {
            /* Bounded: a 20 ms pure timer first (a TIMEOUT CQE ends any
             * wait), unless the SQ is full, when the wait is skipped. */
            conf_op_t t = { .kind = CONF_OP_TIMEOUT,
                            .ud = next_ud++,
                            .ns = timer_ns(&timers) };
            add(s, t);
            op.kind = CONF_OP_SUBMIT_WAIT;
            op.value = 1 + take(&r, 3);
            break;
        }
        case 10:
            op.kind = CONF_OP_GET_EVENTS;
            break;
        case 11:
            op.kind = CONF_OP_REAP;
            break;
        case 12:
            op.kind = CONF_OP_STATE;
            break;
        case 13:
            op.kind = CONF_OP_WRITE;
            op.obj = take(&r, 2) ? g : e;
            op.value = values[take(&r, 6)];
            break;
        case 14:
            op.kind = CONF_OP_READ_EFD;
            op.obj = take(&r, 2) ? g : e;
            break;
        default:
            if (take(&r, 2)) {
                op.kind = CONF_OP_SLEEP;
                op.ns = 97000000;
            } else {
                op.kind = CONF_OP_PPOLL;
                op.n_poll = 3;
                op.poll_obj[0] = e;
                op.poll_obj[1] = g;
                op.poll_obj[2] = CONF_OBJ_RING;
                for (unsigned j = 0; j < 3; j++)
                    op.poll_events[j] = evs[take(&r, 3)];
            }
            break;
        }
        add(s, op);
    }
    /* Always end by looking: what is left in the CQ and the ring's state. */
    add(s, (conf_op_t){ .kind = CONF_OP_STATE });
    add(s, (conf_op_t){ .kind = CONF_OP_REAP });
    return s;
}

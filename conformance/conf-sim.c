/* conf-sim.c - the conformance ops table over the simulated kernel. */
#include <errno.h>
#include "aio-os.h"
#include "sim.h"
#include "conf-sim.h"

static int sim_ring_init(unsigned entries, struct io_uring *ring)
{
    return os_uring_init(entries, ring, 0);
}

/* A wait longer than CONF_HANG_NS of virtual time counts as a hang, as
 * Linux's is cut there (one that never ends is a deadlock: conf_sim_run). */
static int sim_submit_wait(struct io_uring *ring, unsigned n)
{
    int64_t t0 = sim_now_ns();
    int r = os_uring_submit_and_wait(ring, n);
    return sim_now_ns() - t0 > CONF_HANG_NS ? CONF_HANG : r;
}

static int sim_poll(struct pollfd *fds, unsigned n)
{
    return os_ppoll(fds, n, 0);
}

/* Zero latency: a page-cache hit, completed inside the submit. */
static int sim_file_new(uint64_t size)
{
    return sim_blkdev_create(sim_world_current(), size, 0, 0);
}

static void sim_close(int fd)
{
    os_fd_close(fd);
}

static const conf_backend_t sim_backend = {
    .name = "sim",
    .ring_init = sim_ring_init,
    .ring_exit = os_uring_exit,
    .submit = os_uring_submit,
    .submit_wait = sim_submit_wait,
    .get_events = os_uring_get_events,
    .eventfd_new = sim_eventfd_new,
    .eventfd_write = sim_eventfd_write,
    .eventfd_read = sim_eventfd_read,
    .poll = sim_poll,
    .file_new = sim_file_new,
    .close = sim_close,
    .sleep_ns = sim_sleep_ns,
};

typedef struct {
    const conf_seq_t *s;
    GPtrArray *out;
    int ret;
    volatile unsigned at;
} run_t;

static void *sequence_thread(void *arg)
{
    run_t *r = arg;
    r->ret = conf_exec(&sim_backend, r->s, r->out, &r->at);
    return NULL;
}

int conf_sim_run(const conf_seq_t *s, uint64_t seed, GPtrArray *out, char **log)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_SEED;
    o.decide.seed = seed;
    o.log_enabled = log != NULL;
    sim_world_t *w = sim_world_new(&o);
    run_t r = { .s = s, .out = out };
    sim_result_t res = sim_world_run(w, sequence_thread, &r);
    const conf_op_t *op =
        r.at < s->ops->len ? &g_array_index(s->ops, conf_op_t, r.at) : NULL;
    if (res == SIM_RESULT_DEADLOCK && op && op->kind == CONF_OP_SUBMIT_WAIT) {
        g_ptr_array_add(out, conf_hang_line(op));
    } else if (res != SIM_RESULT_OK) {
        g_ptr_array_add(out, g_strdup_printf("sim: run ended %s: %s", sim_result_name(res),
                                             sim_world_message(w)));
    }
    if (log)
        *log = g_strdup(sim_world_log(w, NULL));
    sim_world_free(w);
    return r.ret;
}

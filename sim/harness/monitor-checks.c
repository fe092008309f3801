/*
 * monitor-checks.c - the checks the monitor makes on the event stream
 * alone (see monitor.h): SQE queued -> submitted, CQE posted -> reaped,
 * annotated hand-off begun -> ended, woken thread -> acting, and at the end
 * of a run what was never submitted or ended.
 *
 * Open items wait in one array, in the order they were opened: SQEs keyed
 * by ring (submission takes a ring's SQEs in queue order), CQEs by (ring,
 * user_data), annotated hand-offs by (name, key), and block I/O (READ,
 * READV, WRITE, WRITEV) from submission to its CQE's post by (ring,
 * user_data), which marks that CQE as block I/O for the per-thread count of
 * such CQEs reaped (wk_monitor_io_reaps).  Closing one takes the
 * oldest of its key.  Few are open at a time (at most what the rings and
 * the program hold), so a scan beats a hash table, and the array's memory
 * is reused from event to event: the monitor runs on every event of every
 * run.  Messages print no pointers: they change from process to process,
 * and the log must replay byte for byte.
 */
#include <inttypes.h>
#include <string.h>
#include "monitor.h"
#include "invariant.h"

#define NS_PER_MS 1000000.0

typedef enum { OPEN_SQE, OPEN_CQE, OPEN_HANDOFF, OPEN_IO } open_kind_t;

typedef struct {
    open_kind_t kind;
    int64_t object;   /* ring fd, or a hand-off's key */
    uint64_t ud;      /* a CQE's user_data */
    const char *name; /* a hand-off's name (owned by the table) */
} open_key_t;

typedef struct {
    int64_t at;    /* queued, posted, begun */
    int64_t bound; /* a hand-off's own bound */
    char by[32];   /* who began a hand-off */
    bool block_io; /* a CQE of a block I/O SQE */
} open_item_t;

typedef struct {
    int tid;
    int64_t at;
    char waker[32];
} woken_t;

typedef struct {
    open_key_t key;
    open_item_t item;
} open_entry_t;

static bool same_key(const open_key_t *x, const open_key_t *y)
{
    return x->kind == y->kind && x->object == y->object && x->ud == y->ud &&
           g_strcmp0(x->name, y->name) == 0;
}

void wk_monitor_pending_init(wk_monitor_t *m)
{
    m->pending = g_array_new(FALSE, FALSE, sizeof(open_entry_t));
    m->woken = g_array_new(FALSE, FALSE, sizeof(woken_t));
    m->io_reaps = g_array_new(FALSE, TRUE, sizeof(uint64_t));
}

void wk_monitor_pending_destroy(wk_monitor_t *m)
{
    for (guint i = 0; i < m->pending->len; i++) {
        g_free((char *)g_array_index(m->pending, open_entry_t, i).key.name);
    }
    g_array_free(m->pending, TRUE);
    g_array_free(m->woken, TRUE);
    g_array_free(m->io_reaps, TRUE);
}

/* Opens an item of key at time at; the pointer is valid until the next
 * push or pop. */
static open_item_t *open_push(wk_monitor_t *m, const open_key_t *key, int64_t at)
{
    open_entry_t e = { .key = *key, .item = { .at = at } };
    e.key.name = g_strdup(key->name);
    g_array_append_val(m->pending, e);
    return &g_array_index(m->pending, open_entry_t, m->pending->len - 1).item;
}

/* Closes the oldest open item of key into *out; false if none is open. */
static bool open_pop(wk_monitor_t *m, const open_key_t *key, open_item_t *out)
{
    for (guint i = 0; i < m->pending->len; i++) {
        open_entry_t *e = &g_array_index(m->pending, open_entry_t, i);
        if (same_key(&e->key, key)) {
            *out = e->item;
            g_free((char *)e->key.name);
            g_array_remove_index(m->pending, i);
            return true;
        }
    }
    return false;
}

static const char *ring_name(sim_world_t *w, int64_t fd)
{
    const char *n = sim_world_object_name(w, SIM_OBJ_RING, fd);
    return n ? n : "a ring";
}

static const char *actor(const sim_event_t *ev)
{
    return ev->thread ? sim_thread_name(ev->thread) : "kernel";
}

static bool block_io_opcode(const char *name)
{
    return name && (!strcmp(name, "READ") || !strcmp(name, "READV") ||
                    !strcmp(name, "WRITE") || !strcmp(name, "WRITEV"));
}

void wk_monitor_on_sqe(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    open_key_t key = { .kind = OPEN_SQE, .object = ev->object };
    if (ev->kind == SIM_EV_SQE_QUEUED) {
        open_push(m, &key, ev->time_ns);
        return;
    }
    open_item_t queued;
    open_pop(m, &key, &queued);
    if (block_io_opcode(ev->text)) {
        open_key_t io = { .kind = OPEN_IO, .object = ev->object, .ud = ev->user_data };
        open_push(m, &io, ev->time_ns);
        m->io_open++;
    }
    int64_t latency = ev->time_ns - ev->value2;
    m->sqes_submitted++;
    if (m->bound_sqe_submit_ns > 0 && latency > m->bound_sqe_submit_ns) {
        wk_monitor_late(
            m, w, WK_INV_SQE_SUBMIT, ev->value2,
            "SQE #%u (%s) on %s (ring fd %" PRId64
            ") queued at %.3f ms, submitted at %.3f ms by %s: %.3f ms > bound %.3f ms",
            m->sqes_submitted, sim_uring_opcode_name((unsigned)ev->value),
            ring_name(w, ev->object), ev->object, ev->value2 / NS_PER_MS,
            ev->time_ns / NS_PER_MS, actor(ev), latency / NS_PER_MS,
            m->bound_sqe_submit_ns / NS_PER_MS);
    }
}

/* The count of block I/O CQEs reaped by t (the kernel's, NULL: slot 0). */
static uint64_t *io_reaps_of(wk_monitor_t *m, const sim_thread_t *t)
{
    guint tid = t ? (guint)sim_thread_id(t) : 0;
    if (tid >= m->io_reaps->len) {
        g_array_set_size(m->io_reaps, tid + 1);
    }
    return &g_array_index(m->io_reaps, uint64_t, tid);
}

uint64_t wk_monitor_io_reaps(const wk_monitor_t *m, const sim_thread_t *t)
{
    guint tid = t ? (guint)sim_thread_id(t) : 0;
    return tid < m->io_reaps->len ? g_array_index(m->io_reaps, uint64_t, tid) : 0;
}

void wk_monitor_on_cqe(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    open_key_t key = { .kind = OPEN_CQE, .object = ev->object, .ud = ev->user_data };
    if (ev->kind == SIM_EV_CQE_POST) {
        open_key_t io = { .kind = OPEN_IO, .object = ev->object, .ud = ev->user_data };
        open_item_t submitted;
        bool block_io = m->io_open && open_pop(m, &io, &submitted);
        m->io_open -= block_io;
        open_push(m, &key, ev->time_ns)->block_io = block_io;
        return;
    }
    open_item_t posted;
    if (!open_pop(m, &key, &posted)) {
        return;
    }
    if (posted.block_io) {
        (*io_reaps_of(m, ev->thread))++;
    }
    int64_t at = posted.at, latency = ev->time_ns - at;
    m->cqes_reaped++;
    if (m->bound_cqe_reap_ns > 0 && latency > m->bound_cqe_reap_ns) {
        wk_monitor_late(
            m, w, WK_INV_CQE_REAP, at,
            "CQE #%u (res=%" PRId64 ") on %s (ring fd %" PRId64
            ") posted at %.3f ms, reaped at %.3f ms by %s: %.3f ms > bound %.3f ms",
            m->cqes_reaped, ev->value, ring_name(w, ev->object), ev->object, at / NS_PER_MS,
            ev->time_ns / NS_PER_MS, actor(ev), latency / NS_PER_MS,
            m->bound_cqe_reap_ns / NS_PER_MS);
    }
}

/* "<name> key <key>", what a hand-off annotation is called in messages. */
static char *annotation_what(const char *name, int64_t key, const char *by)
{
    return g_strdup_printf("hand-off %s key %" PRId64 " (begun by %s)", name, key, by);
}

/* wakesim_handoff_begin/_end (monitor-handoff.c) log the monitor events
 * "handoff-begin:<name>" / "handoff-end:<name>", key as object, bound as
 * value; any other monitor event is not an annotation. */
/* "ring-discard" (object = ring fd): the ring is being destroyed with
 * SQEs queued and not submitted, which its owner dropped on purpose (a
 * QEMU context finalised after its thread's last aio_poll). */
static void discard_ring_sqes(wk_monitor_t *m, int64_t ring_fd)
{
    open_key_t key = { .kind = OPEN_SQE, .object = ring_fd };
    open_item_t it;
    while (open_pop(m, &key, &it)) {
    }
}

void wk_monitor_on_annotation(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    const char *text = ev->text ? ev->text : "";
    if (strcmp(text, "ring-discard") == 0) {
        discard_ring_sqes(m, ev->object);
        return;
    }
    bool begin = g_str_has_prefix(text, "handoff-begin:");
    if (!begin && !g_str_has_prefix(text, "handoff-end:")) {
        return;
    }
    open_key_t key = { .kind = OPEN_HANDOFF,
                       .object = ev->object,
                       .name = strchr(text, ':') + 1 };
    if (begin) {
        open_item_t *it = open_push(m, &key, ev->time_ns);
        it->bound = ev->value;
        g_strlcpy(it->by, actor(ev), sizeof(it->by));
        return;
    }
    open_item_t it;
    if (open_pop(m, &key, &it)) {
        char *what = annotation_what(key.name, key.object, it.by);
        wk_monitor_handoff_ran(m, w, what, it.at, it.bound);
        g_free(what);
    }
}

/* A thread woken by a signal "acts" at its next event; the earliest wake
 * counts.  Off (nothing tracked) while bound_wake_ns <= 0. */
void wk_monitor_on_wake(wk_monitor_t *m, sim_world_t *w, const sim_event_t *ev)
{
    if (m->bound_wake_ns <= 0) {
        return;
    }
    GArray *a = m->woken;
    if (ev->kind == SIM_EV_THREAD_WAKE && ev->value == 0) {
        for (guint i = 0; i < a->len; i++) {
            if (g_array_index(a, woken_t, i).tid == (int)ev->object) {
                return;
            }
        }
        woken_t p = { .tid = (int)ev->object, .at = ev->time_ns };
        g_strlcpy(p.waker, actor(ev), sizeof(p.waker));
        g_array_append_val(a, p);
        return;
    }
    int tid = ev->thread ? sim_thread_id(ev->thread) : 0;
    for (guint i = 0; tid && i < a->len; i++) {
        woken_t p = g_array_index(a, woken_t, i);
        if (p.tid != tid) {
            continue;
        }
        g_array_remove_index_fast(a, i);
        int64_t latency = ev->time_ns - p.at;
        if (latency > m->bound_wake_ns) {
            wk_monitor_late(m, w, WK_INV_WAKE, p.at,
                            "%s woken at %.3f ms by %s, acted at %.3f ms: %.1f us > bound "
                            "%.1f us",
                            actor(ev), p.at / NS_PER_MS, p.waker, ev->time_ns / NS_PER_MS,
                            latency / 1e3, m->bound_wake_ns / 1e3);
        }
        return;
    }
}

/* The oldest open item of one kind that is overdue at now. */
typedef struct {
    wk_monitor_t *m;
    open_kind_t kind;
    int64_t now;
    const open_key_t *key;
    const open_item_t *item;
} oldest_t;

static bool overdue(const oldest_t *o, const open_item_t *it)
{
    int64_t bound = o->kind == OPEN_SQE ? o->m->bound_sqe_submit_ns : it->bound;
    return bound > 0 && o->now - it->at > bound;
}

/* Ordered by time, then by key, so the table's order never decides. */
static bool older(const open_key_t *ka, const open_item_t *a, const open_key_t *kb,
                  const open_item_t *b)
{
    if (a->at != b->at) {
        return a->at < b->at;
    }
    if (ka->object != kb->object) {
        return ka->object < kb->object;
    }
    return g_strcmp0(ka->name, kb->name) < 0;
}

static oldest_t oldest_overdue(wk_monitor_t *m, open_kind_t kind, int64_t now)
{
    oldest_t o = { .m = m, .kind = kind, .now = now };
    for (guint i = 0; i < m->pending->len; i++) {
        const open_entry_t *e = &g_array_index(m->pending, open_entry_t, i);
        if (e->key.kind == kind && overdue(&o, &e->item) &&
            (!o.item || older(&e->key, &e->item, o.key, o.item))) {
            o.key = &e->key;
            o.item = &e->item;
        }
    }
    return o;
}

void wk_monitor_check_left_open(wk_monitor_t *m, sim_world_t *w)
{
    int64_t now = sim_world_now_ns(w);
    oldest_t h = oldest_overdue(m, OPEN_HANDOFF, now);
    if (h.item) {
        char *what = annotation_what(h.key->name, h.key->object, h.item->by);
        wk_monitor_handoff_open(m, w, what, h.item->at, h.item->bound, now);
        g_free(what);
    }
    oldest_t s = oldest_overdue(m, OPEN_SQE, now);
    if (s.item) {
        wk_monitor_late(m, w, WK_INV_SQE_SUBMIT, s.item->at,
                        "SQE on %s (ring fd %" PRId64
                        ") queued at %.3f ms, never submitted (run ended at %.3f ms, bound "
                        "%.3f ms)",
                        ring_name(w, s.key->object), s.key->object, s.item->at / NS_PER_MS,
                        now / NS_PER_MS, m->bound_sqe_submit_ns / NS_PER_MS);
    }
}

static gint older_entry(gconstpointer a, gconstpointer b)
{
    const open_entry_t *x = *(const open_entry_t *const *)a;
    const open_entry_t *y = *(const open_entry_t *const *)b;
    return older(&x->key, &x->item, &y->key, &y->item)   ? -1
           : older(&y->key, &y->item, &x->key, &x->item) ? 1
                                                         : 0;
}

char *wk_monitor_open_handoffs(wk_monitor_t *m)
{
    GPtrArray *open = g_ptr_array_new();
    for (guint i = 0; i < m->pending->len; i++) {
        open_entry_t *e = &g_array_index(m->pending, open_entry_t, i);
        if (e->key.kind == OPEN_HANDOFF) {
            g_ptr_array_add(open, e);
        }
    }
    g_ptr_array_sort(open, older_entry);
    GString *s = g_string_new("");
    for (guint i = 0; i < open->len; i++) {
        const open_entry_t *e = g_ptr_array_index(open, i);
        char *what = annotation_what(e->key.name, e->key.object, e->item.by);
        g_string_append_printf(s, "%s%s at %.3f ms (bound %.3f ms)", i ? "; " : "", what,
                               e->item.at / NS_PER_MS, e->item.bound / NS_PER_MS);
        g_free(what);
    }
    g_ptr_array_free(open, TRUE);
    return g_string_free(s, FALSE);
}

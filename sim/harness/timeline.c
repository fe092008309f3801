/*
 * timeline.c - lanes of spans built from a run's events, written as a
 * Chrome Trace Event file (json-glib) or an SVG picture.
 *
 * Lanes: one per simulated thread (its states from thread-history.c; the
 * thread acting at a virtual time is drawn "running" over the steps it
 * takes), then SQ and CQ of each io_uring ring (an SQE from queued to
 * submitted, a CQE from posted to reaped), then the violation.
 *
 * The SVG's time axis is piecewise: gaps up to LINEAR_NS between events
 * keep their length, longer ones (a loop asleep for 498 ms) are drawn
 * logarithmically shorter and marked with their real length, so the busy
 * microseconds and the long sleep both fit in one picture.
 */
#include <inttypes.h>
#include <math.h>
#include <string.h>
#include <liburing.h>
#include <json-glib/json-glib.h>
#include "thread-history.h"
#include "monitor.h"
#include "timeline.h"

#define LINEAR_NS 20000.0

typedef struct {
    int64_t t0, t1;
    unsigned lane;
    const char *state; /* css class and legend: static string */
    char *label;
} span_t;

typedef struct {
    char *name;
    bool is_thread;
} lane_t;

struct wk_timeline {
    int64_t step_ns;
    wk_history_t hist;
    GArray *acts;          /* (time, thread index) of every acting event */
    GArray *spans;         /* span_t: rings and the violation */
    GArray *lanes;         /* lane_t: threads first, added at finish */
    GArray *rings;         /* ring fds in order of appearance (int64_t) */
    GPtrArray *ring_names; /* and their names (sim_world_object_name) */
    GHashTable *sq_queued; /* fd -> GQueue of queued times not yet submitted */
    GHashTable *cq_posted; /* (fd, ud) key -> GQueue of post times */
    GArray *times;         /* every event time, for the axis */
    int64_t end_ns;
    char *title, *verdict, *message;
    int64_t late0, late1;
};

typedef struct {
    int64_t t;
    int thread;
} act_t;
typedef struct {
    int64_t t;
    char *label;
} posted_t;

static void posted_queue_free(gpointer q)
{
    for (GList *l = ((GQueue *)q)->head; l; l = l->next) {
        g_free(((posted_t *)l->data)->label);
        g_free(l->data);
    }
    g_queue_free(q);
}

wk_timeline_t *wk_timeline_new(int64_t ns_per_step)
{
    wk_timeline_t *tl = g_new0(wk_timeline_t, 1);
    tl->step_ns = ns_per_step > 0 ? ns_per_step : 100;
    wk_history_init(&tl->hist);
    tl->acts = g_array_new(FALSE, FALSE, sizeof(act_t));
    tl->spans = g_array_new(FALSE, FALSE, sizeof(span_t));
    tl->lanes = g_array_new(FALSE, FALSE, sizeof(lane_t));
    tl->rings = g_array_new(FALSE, FALSE, sizeof(int64_t));
    tl->ring_names = g_ptr_array_new_with_free_func(g_free);
    tl->sq_queued = g_hash_table_new_full(g_int64_hash, g_int64_equal, g_free,
                                          (GDestroyNotify)g_queue_free);
    tl->cq_posted =
        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, posted_queue_free);
    tl->times = g_array_new(FALSE, FALSE, sizeof(int64_t));
    tl->late0 = tl->late1 = -1;
    return tl;
}

void wk_timeline_free(wk_timeline_t *tl)
{
    if (!tl) {
        return;
    }
    wk_history_destroy(&tl->hist);
    g_array_free(tl->acts, TRUE);
    for (guint i = 0; i < tl->spans->len; i++) {
        g_free(g_array_index(tl->spans, span_t, i).label);
    }
    g_array_free(tl->spans, TRUE);
    for (guint i = 0; i < tl->lanes->len; i++) {
        g_free(g_array_index(tl->lanes, lane_t, i).name);
    }
    g_array_free(tl->lanes, TRUE);
    g_array_free(tl->rings, TRUE);
    g_ptr_array_free(tl->ring_names, TRUE);
    g_hash_table_destroy(tl->sq_queued);
    g_hash_table_destroy(tl->cq_posted);
    g_array_free(tl->times, TRUE);
    g_free(tl->title);
    g_free(tl->verdict);
    g_free(tl->message);
    g_free(tl);
}

/* Ring lanes are numbered after the threads at finish: until then a span's
 * lane is the ring's position * 2 (SQ) or * 2 + 1 (CQ). */
static unsigned ring_slot(wk_timeline_t *tl, sim_world_t *w, int64_t fd)
{
    for (guint i = 0; i < tl->rings->len; i++) {
        if (g_array_index(tl->rings, int64_t, i) == fd) {
            return i;
        }
    }
    g_array_append_val(tl->rings, fd);
    const char *name = w ? sim_world_object_name(w, SIM_OBJ_RING, fd) : NULL;
    g_ptr_array_add(tl->ring_names, g_strdup(name ? name : "ring"));
    return tl->rings->len - 1;
}

static void add_span(wk_timeline_t *tl, int64_t t0, int64_t t1, unsigned lane,
                     const char *state, char *label)
{
    span_t s = { t0, t1 > t0 ? t1 : t0, lane, state, label };
    g_array_append_val(tl->spans, s);
}

static GQueue *queue_of(GHashTable *h, gpointer key, bool int_key)
{
    GQueue *q = g_hash_table_lookup(h, key);
    if (!q) {
        q = g_queue_new();
        g_hash_table_insert(h, int_key ? g_memdup2(key, sizeof(int64_t)) : g_strdup(key),
                            q);
    }
    return q;
}

void wk_timeline_on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    wk_timeline_t *tl = opaque;
    char ud[24];
    wk_history_on_event(&tl->hist, ev);
    g_array_append_val(tl->times, ev->time_ns);
    if (ev->thread) {
        act_t a = { ev->time_ns,
                    wk_history_thread(&tl->hist, sim_thread_name(ev->thread)) };
        if (a.thread >= 0) {
            g_array_append_val(tl->acts, a);
        }
    }
    switch (ev->kind) {
    case SIM_EV_SQE_QUEUED: {
        ring_slot(tl, w, ev->object);
        int64_t fd = ev->object;
        g_queue_push_tail(queue_of(tl->sq_queued, &fd, true),
                          GSIZE_TO_POINTER(ev->time_ns));
        break;
    }
    case SIM_EV_SQE_SUBMIT: {
        int64_t fd = ev->object;
        GQueue *q = queue_of(tl->sq_queued, &fd, true);
        g_queue_remove(q, GSIZE_TO_POINTER((gsize)ev->value2));
        add_span(tl, ev->value2, ev->time_ns, ring_slot(tl, w, fd) * 2, "sqe",
                 g_strdup_printf("SQE %s ud=%s", sim_uring_opcode_name((unsigned)ev->value),
                                 sim_world_ud_name(w, ev->user_data, ud)));
        break;
    }
    case SIM_EV_CQE_POST: {
        /* Named now: the log retires a user_data's name at reap. */
        char *key = g_strdup_printf("%" PRId64 "/%" PRIu64, ev->object, ev->user_data);
        ring_slot(tl, w, ev->object);
        posted_t *p = g_new(posted_t, 1);
        p->t = ev->time_ns;
        p->label = g_strdup_printf("CQE ud=%s res=%" PRId64,
                                   sim_world_ud_name(w, ev->user_data, ud), ev->value);
        g_queue_push_tail(queue_of(tl->cq_posted, key, false), p);
        g_free(key);
        break;
    }
    case SIM_EV_CQE_REAP: {
        char *key = g_strdup_printf("%" PRId64 "/%" PRIu64, ev->object, ev->user_data);
        GQueue *q = g_hash_table_lookup(tl->cq_posted, key);
        if (q && !g_queue_is_empty(q)) {
            posted_t *p = g_queue_pop_head(q);
            add_span(tl, p->t, ev->time_ns, ring_slot(tl, w, ev->object) * 2 + 1, "cqe",
                     p->label);
            g_free(p);
        }
        g_free(key);
        break;
    }
    default:
        break;
    }
}

static void add_lane(wk_timeline_t *tl, char *name, bool is_thread)
{
    lane_t l = { name, is_thread };
    g_array_append_val(tl->lanes, l);
}

void wk_timeline_finish(wk_timeline_t *tl, const wk_outcome_t *out, const char *title)
{
    unsigned nthreads = tl->hist.names->len;
    tl->end_ns = out->end_ns;
    tl->title = g_strdup(title);
    tl->verdict = g_strdup(wk_outcome_verdict(out));
    tl->message = g_strdup(out->message ? out->message : "");
    tl->late0 = out->late_start_ns;
    tl->late1 = out->late_end_ns;
    g_array_append_val(tl->times, tl->end_ns);

    for (unsigned i = 0; i < nthreads; i++) {
        add_lane(tl, g_strdup(tl->hist.names->pdata[i]), true);
    }
    /* Ring spans: from slot numbers to lanes after the threads; what is
     * still queued or posted at the end runs to the end. */
    for (guint i = 0; i < tl->spans->len; i++) {
        g_array_index(tl->spans, span_t, i).lane += nthreads;
    }
    for (guint r = 0; r < tl->rings->len; r++) {
        int64_t fd = g_array_index(tl->rings, int64_t, r);
        const char *rn = tl->ring_names->pdata[r];
        add_lane(tl, g_strdup_printf("SQ %s (fd %" PRId64 ")", rn, fd), false);
        add_lane(tl, g_strdup_printf("CQ %s (fd %" PRId64 ")", rn, fd), false);
        GQueue *q = g_hash_table_lookup(tl->sq_queued, &fd);
        for (GList *l = q ? q->head : NULL; l; l = l->next) {
            add_span(tl, (int64_t)GPOINTER_TO_SIZE(l->data), tl->end_ns, nthreads + r * 2,
                     "sqe-stuck", g_strdup("SQE never submitted"));
        }
    }
    GHashTableIter it;
    gpointer key, val;
    g_hash_table_iter_init(&it, tl->cq_posted);
    while (g_hash_table_iter_next(&it, &key, &val)) {
        int64_t fd = g_ascii_strtoll(key, NULL, 10);
        for (GList *l = ((GQueue *)val)->head; l; l = l->next) {
            add_span(tl, ((posted_t *)l->data)->t, tl->end_ns,
                     nthreads + ring_slot(tl, NULL, fd) * 2 + 1, "cqe-stuck",
                     g_strdup("CQE never reaped"));
        }
    }
    if (tl->late0 >= 0) {
        add_lane(tl, g_strdup("violation"), false);
        add_span(tl, tl->late0, tl->late1, tl->lanes->len - 1, "violation",
                 g_strdup_printf("%s: late hand-off", tl->verdict));
    }
}

/* Every span to draw, thread states and running included (caller frees
 * the array; labels are borrowed or NULL). */
static GArray *all_spans(const wk_timeline_t *tl)
{
    GArray *a = g_array_new(FALSE, FALSE, sizeof(span_t));
    const GArray *ch = tl->hist.changes;
    for (guint i = 0; i < ch->len; i++) {
        const wk_state_change_t *c = &g_array_index(ch, wk_state_change_t, i);
        if (strcmp(c->state, "exited") == 0) {
            continue;
        }
        int64_t t1 = tl->end_ns;
        for (guint j = i + 1; j < ch->len; j++) {
            const wk_state_change_t *n = &g_array_index(ch, wk_state_change_t, j);
            if (n->thread == c->thread) {
                t1 = n->time_ns;
                break;
            }
        }
        span_t s = { c->time_ns, t1, c->thread, c->state, NULL };
        g_array_append_val(a, s);
    }
    /* Running: each stretch of consecutive events by one thread, plus the
     * step its last scheduling point cost.  A stretch ends where virtual
     * time jumped (the thread slept or waited and nobody else acted). */
    for (guint i = 0; i < tl->acts->len;) {
        const act_t *first = &g_array_index(tl->acts, act_t, i);
        guint j = i;
        while (j + 1 < tl->acts->len &&
               g_array_index(tl->acts, act_t, j + 1).thread == first->thread &&
               g_array_index(tl->acts, act_t, j + 1).t -
                       g_array_index(tl->acts, act_t, j).t <=
                   10 * tl->step_ns) {
            j++;
        }
        span_t s = { first->t, g_array_index(tl->acts, act_t, j).t + tl->step_ns,
                     (unsigned)first->thread, "running", NULL };
        g_array_append_val(a, s);
        i = j + 1;
    }
    g_array_append_vals(a, tl->spans->data, tl->spans->len);
    return a;
}

static const char *state_desc(const char *state)
{
    static const char *const names[][2] = {
        { "running", "running" },
        { "runnable", "runnable (waiting for a CPU)" },
        { "ppoll", "asleep in ppoll" },
        { "mutex", "waiting for a lock" },
        { "cond", "waiting on a condition" },
        { "sleep", "sleeping (think time)" },
        { "join", "joining a thread" },
        { "uring-wait", "waiting in io_uring_enter" },
        { "sqe", "SQE queued -> submitted" },
        { "cqe", "CQE posted -> reaped" },
        { "sqe-stuck", "SQE never submitted" },
        { "cqe-stuck", "CQE never reaped" },
        { "violation", "the late hand-off" },
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(names); i++) {
        if (strcmp(names[i][0], state) == 0) {
            return names[i][1];
        }
    }
    return state;
}

/* ---- Chrome Trace Event format ---- */

/* The metadata events that name and order lane i (a Trace Event "thread"). */
static void chrome_lane_meta(JsonBuilder *b, const wk_timeline_t *tl, guint i)
{
    const char *meta[] = { "thread_name", "thread_sort_index" };
    for (unsigned k = 0; k < 2; k++) {
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "ph");
        json_builder_add_string_value(b, "M");
        json_builder_set_member_name(b, "name");
        json_builder_add_string_value(b, meta[k]);
        json_builder_set_member_name(b, "pid");
        json_builder_add_int_value(b, 1);
        json_builder_set_member_name(b, "tid");
        json_builder_add_int_value(b, i + 1);
        json_builder_set_member_name(b, "args");
        json_builder_begin_object(b);
        if (k == 0) {
            json_builder_set_member_name(b, "name");
            json_builder_add_string_value(b, g_array_index(tl->lanes, lane_t, i).name);
        } else {
            json_builder_set_member_name(b, "sort_index");
            json_builder_add_int_value(b, i);
        }
        json_builder_end_object(b);
        json_builder_end_object(b);
    }
}

/* One span as a complete ("X") event. */
static void chrome_span(JsonBuilder *b, const wk_timeline_t *tl, const span_t *s)
{
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "ph");
    json_builder_add_string_value(b, "X");
    json_builder_set_member_name(b, "name");
    json_builder_add_string_value(b, s->label ? s->label : state_desc(s->state));
    json_builder_set_member_name(b, "cat");
    json_builder_add_string_value(b, s->state);
    json_builder_set_member_name(b, "pid");
    json_builder_add_int_value(b, 1);
    json_builder_set_member_name(b, "tid");
    json_builder_add_int_value(b, s->lane + 1);
    /* Trace Event times are microseconds; fractions keep the ns. */
    json_builder_set_member_name(b, "ts");
    json_builder_add_double_value(b, s->t0 / 1000.0);
    json_builder_set_member_name(b, "dur");
    json_builder_add_double_value(b, (s->t1 - s->t0) / 1000.0);
    if (strcmp(s->state, "violation") == 0) {
        json_builder_set_member_name(b, "args");
        json_builder_begin_object(b);
        json_builder_set_member_name(b, "message");
        json_builder_add_string_value(b, tl->message);
        json_builder_end_object(b);
    }
    json_builder_end_object(b);
}

gboolean wk_timeline_write_chrome(const wk_timeline_t *tl, const char *path, GError **err)
{
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "displayTimeUnit");
    json_builder_add_string_value(b, "ns");
    json_builder_set_member_name(b, "otherData");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "title");
    json_builder_add_string_value(b, tl->title);
    json_builder_set_member_name(b, "verdict");
    json_builder_add_string_value(b, tl->verdict);
    json_builder_set_member_name(b, "message");
    json_builder_add_string_value(b, tl->message);
    json_builder_end_object(b);
    json_builder_set_member_name(b, "traceEvents");
    json_builder_begin_array(b);
    for (guint i = 0; i < tl->lanes->len; i++) {
        chrome_lane_meta(b, tl, i);
    }
    GArray *spans = all_spans(tl);
    for (guint i = 0; i < spans->len; i++) {
        chrome_span(b, tl, &g_array_index(spans, span_t, i));
    }
    g_array_free(spans, TRUE);
    json_builder_end_array(b);
    json_builder_end_object(b);

    JsonGenerator *g = json_generator_new();
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(g, root);
    gboolean ok = json_generator_to_file(g, path, err);
    json_node_unref(root);
    g_object_unref(g);
    g_object_unref(b);
    return ok;
}

/* ---- SVG ---- */

typedef struct {
    int64_t *t; /* sorted distinct times */
    double *u;  /* axis units at each */
    size_t n;
    double scale; /* px per unit */
    double x0;
} axis_t;

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

static double gap_units(int64_t gap)
{
    return gap <= LINEAR_NS ? gap / 1000.0
                            : LINEAR_NS / 1000.0 + 40.0 * log10(gap / LINEAR_NS);
}

static void axis_init(axis_t *ax, const wk_timeline_t *tl, double x0, double width)
{
    int64_t *t = g_memdup2(tl->times->data, tl->times->len * sizeof(int64_t));
    size_t n = tl->times->len;
    qsort(t, n, sizeof(int64_t), cmp_i64);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (k == 0 || t[i] != t[k - 1]) {
            t[k++] = t[i];
        }
    }
    ax->t = t;
    ax->n = k;
    ax->u = g_new(double, k ? k : 1);
    for (size_t i = 0; i < k; i++) {
        ax->u[i] = i ? ax->u[i - 1] + gap_units(t[i] - t[i - 1]) : 0;
    }
    double total = k ? ax->u[k - 1] : 1;
    ax->scale = width / (total > 0 ? total : 1);
    ax->x0 = x0;
}

static double axis_x(const axis_t *ax, int64_t t)
{
    if (ax->n == 0 || t <= ax->t[0]) {
        return ax->x0;
    }
    size_t lo = 0, hi = ax->n - 1;
    if (t >= ax->t[hi]) {
        return ax->x0 + ax->u[hi] * ax->scale;
    }
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (ax->t[mid] <= t) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    double f = (double)(t - ax->t[lo]) / (double)(ax->t[hi] - ax->t[lo]);
    double du = ax->u[hi] - ax->u[lo];
    /* Inside a compressed gap keep the mapping monotonic and linear. */
    return ax->x0 + (ax->u[lo] + f * du) * ax->scale;
}

#define LANE_H 24
#define LABEL_W 210
#define PLOT_W 1300
#define TOP 70

static const char *const css =
    "text{font:12px sans-serif}"
    ".title{font:bold 14px sans-serif}"
    ".running{fill:#2ca02c}.runnable{fill:#ffe08a}.ppoll{fill:#4c78d8}"
    ".mutex{fill:#d62728}.cond,.join{fill:#b0b0b0}.sleep{fill:#d9d9d9}"
    ".uring-wait{fill:#9467bd}.sqe{fill:#ff7f0e}.cqe{fill:#17becf}"
    ".sqe-stuck,.cqe-stuck{fill:#8c564b}.violation{fill:#e41a1c}"
    ".late{fill:#e41a1c;fill-opacity:0.15;stroke:#e41a1c;stroke-width:2}"
    ".gap{stroke:#888;stroke-dasharray:3,3}";

static void svg_header(GString *s, const wk_timeline_t *tl, int width, int height)
{
    g_string_append_printf(
        s,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
        "viewBox=\"0 0 %d %d\">\n<style>%s</style>\n"
        "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n",
        width, height, width, height, css, width, height);
    char *title = g_markup_printf_escaped("%s", tl->title);
    char *verdict = g_markup_printf_escaped("verdict: %s", tl->verdict);
    g_string_append_printf(s,
                           "<text class=\"title\" x=\"10\" y=\"20\">%s</text>\n"
                           "<text x=\"10\" y=\"40\">%s</text>\n",
                           title, verdict);
    g_free(title);
    g_free(verdict);
}

/* Lanes and their labels. */
static void svg_lanes(GString *s, const wk_timeline_t *tl)
{
    for (unsigned i = 0; i < tl->lanes->len; i++) {
        const lane_t *l = &g_array_index(tl->lanes, lane_t, i);
        int y = TOP + (int)i * LANE_H;
        char *name = g_markup_printf_escaped("%s", l->name);
        g_string_append_printf(
            s,
            "<g class=\"lane\" data-lane=\"%s\">"
            "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
            "<text x=\"10\" y=\"%d\">%s</text></g>\n",
            name, LABEL_W, y, PLOT_W, LANE_H, i % 2 ? "#fafafa" : "#f0f0f0", y + 16, name);
        g_free(name);
    }
}

/* Compressed gaps: dashed line and their real length. */
static void svg_gaps(GString *s, const axis_t *ax, unsigned nl)
{
    for (size_t i = 1; i < ax->n; i++) {
        int64_t gap = ax->t[i] - ax->t[i - 1];
        if (gap <= 1000000) {
            continue;
        }
        double xa = axis_x(ax, ax->t[i - 1]), xb = axis_x(ax, ax->t[i]);
        double xm = (xa + xb) / 2;
        g_string_append_printf(
            s,
            "<line class=\"gap\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" "
            "y2=\"%d\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">"
            "&#8943; %.1f ms &#8943;</text>\n",
            xm, TOP - 12, xm, TOP + (int)nl * LANE_H, xm, TOP - 14, gap / 1e6);
    }
}

static void svg_spans(GString *s, const wk_timeline_t *tl, const axis_t *ax)
{
    GArray *spans = all_spans(tl);
    for (guint i = 0; i < spans->len; i++) {
        const span_t *sp = &g_array_index(spans, span_t, i);
        double x0 = axis_x(ax, sp->t0), x1 = axis_x(ax, sp->t1);
        double w = x1 - x0 < 1 ? 1 : x1 - x0;
        int y = TOP + (int)sp->lane * LANE_H;
        bool thin = strcmp(sp->state, "running") == 0;
        const lane_t *l = &g_array_index(tl->lanes, lane_t, sp->lane);
        char *lane = g_markup_printf_escaped("%s", l->name);
        char *tip = g_markup_printf_escaped("%s: %s, %.6f - %.6f ms", l->name,
                                            sp->label ? sp->label : state_desc(sp->state),
                                            sp->t0 / 1e6, sp->t1 / 1e6);
        g_string_append_printf(s,
                               "<rect class=\"%s\" data-lane=\"%s\" data-state=\"%s\" "
                               "data-t0=\"%" PRId64 "\" data-t1=\"%" PRId64
                               "\" x=\"%.2f\" y=\"%d\" "
                               "width=\"%.2f\" height=\"%d\"><title>%s</title></rect>\n",
                               sp->state, lane, sp->state, sp->t0, sp->t1, x0,
                               y + (thin ? 2 : 4), w, LANE_H - (thin ? 4 : 8), tip);
        g_free(lane);
        g_free(tip);
    }
    g_array_free(spans, TRUE);
}

/* The late hand-off across every lane, queued -> picked up. */
static void svg_late_handoff(GString *s, const wk_timeline_t *tl, const axis_t *ax)
{
    unsigned nl = tl->lanes->len;
    double x0 = axis_x(ax, tl->late0), x1 = axis_x(ax, tl->late1);
    char *msg = g_markup_printf_escaped("%s", tl->message);
    g_string_append_printf(
        s,
        "<rect class=\"late\" data-kind=\"late-handoff\" "
        "data-t0=\"%" PRId64 "\" data-t1=\"%" PRId64 "\" x=\"%.2f\" y=\"%d\" "
        "width=\"%.2f\" height=\"%d\"><title>%s</title></rect>\n"
        "<text x=\"%.1f\" y=\"%d\" fill=\"#e41a1c\">late hand-off: "
        "%.3f ms -&gt; %.3f ms"
        "</text>\n",
        tl->late0, tl->late1, x0, TOP - 4, x1 - x0 < 2 ? 2 : x1 - x0, (int)nl * LANE_H + 8,
        msg, x0, TOP + (int)nl * LANE_H + 20, tl->late0 / 1e6, tl->late1 / 1e6);
    g_free(msg);
}

/* Axis ends and legend. */
static void svg_legend(GString *s, const wk_timeline_t *tl)
{
    static const char *const legend[] = { "running", "runnable", "ppoll",    "mutex",
                                          "cond",    "sleep",    "join",     "uring-wait",
                                          "sqe",     "cqe",      "violation" };
    int ly = TOP + (int)tl->lanes->len * LANE_H + 45;
    g_string_append_printf(
        s,
        "<text x=\"%d\" y=\"%d\">0 ms</text>"
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.3f ms (virtual; gaps over 20 us "
        "drawn shorter)</text>\n",
        LABEL_W, ly - 10, LABEL_W + PLOT_W, ly - 10, tl->end_ns / 1e6);
    for (unsigned i = 0; i < G_N_ELEMENTS(legend); i++) {
        int x = 10 + (int)(i % 6) * 230, y = ly + (int)(i / 6) * 20;
        g_string_append_printf(s,
                               "<rect class=\"%s\" x=\"%d\" y=\"%d\" width=\"14\" "
                               "height=\"12\"/><text x=\"%d\" y=\"%d\">%s</text>\n",
                               legend[i], x, y, x + 20, y + 11, state_desc(legend[i]));
    }
}

gboolean wk_timeline_write_svg(const wk_timeline_t *tl, const char *path, GError **err)
{
    axis_t ax;
    axis_init(&ax, tl, LABEL_W, PLOT_W);
    unsigned nl = tl->lanes->len;
    GString *s = g_string_new(NULL);
    svg_header(s, tl, LABEL_W + PLOT_W + 30, TOP + (int)nl * LANE_H + 90);
    svg_lanes(s, tl);
    svg_gaps(s, &ax, nl);
    svg_spans(s, tl, &ax);
    if (tl->late0 >= 0) {
        svg_late_handoff(s, tl, &ax);
    }
    svg_legend(s, tl);
    g_string_append(s, "</svg>\n");
    g_free(ax.t);
    g_free(ax.u);
    gboolean ok = g_file_set_contents(path, s->str, (gssize)s->len, err);
    g_string_free(s, TRUE);
    return ok;
}

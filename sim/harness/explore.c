/*
 * explore.c - bounded-exhaustive search with sleep sets (explore.h).
 *
 * Each node of the search is a decision prefix: the run replays it (as
 * SIM_DECIDE_BYTES, which takes the default once the bytes run out) and
 * goes on with default decisions to its end.  Every decision past the
 * prefix is then a branching point: each other value there, within the
 * bound, is a new prefix (the run's decisions up to it, then that value).
 * Every schedule within the bound is the run of exactly one prefix.
 */
#include "explore.h"
#include <string.h>

enum { MAX_TID = 64 };

/* What a step touches: up to FP_KEYS objects (a key and whether it only
 * reads), or everything (all). */
enum { FP_KEYS = 6 };
typedef struct {
    bool all;
    uint8_t n;
    bool read[FP_KEYS];
    uint64_t key[FP_KEYS];
} fp_t;

/* A sleeping thread: its id and what its next step touches. */
typedef struct {
    int tid;
    fp_t f;
} sleeper_t;

/* A prefix to run: its decisions encoded as SIM_DECIDE_BYTES reads them,
 * its cost against the bound, and the sleep set at its last decision
 * (before that decision's step: the walk filters it). */
typedef struct {
    uint8_t *bytes;
    size_t n_bytes, len;
    unsigned cost;
    sleeper_t *sleep;
    size_t n_sleep;
} node_t;

/* The search state: the stack of prefixes, and one run's records. */
typedef struct {
    const wk_explore_opts_t *eo;
    wk_explore_result_t *r;
    GArray *stack;   /* node_t */
    GArray *masks;   /* uint64_t per decision: runnable thread ids */
    GByteArray *enc; /* the run's decisions encoded */
    GArray *offsets; /* size_t per decision: its offset in enc */
    const sim_site_t *pending[MAX_TID];
    GArray *events; /* ev_t: what each step's events touched */
    fp_t *steps;    /* per decision: the step that followed it, seen */
    size_t steps_cap;
    bool reduce;
} search_t;

/* An event's object, with the number of decisions taken before it. */
typedef struct {
    size_t at;
    uint64_t key; /* 0: it touches everything */
    bool read;
} ev_t;

static void node_free(node_t *n)
{
    g_free(n->bytes);
    g_free(n->sleep);
}

static size_t width_of(uint32_t bound)
{
    return bound <= 256 ? 1 : bound <= 65536 ? 2 : 4;
}

static void encode(GByteArray *a, uint32_t v, uint32_t bound)
{
    uint8_t b[4] = { v & 0xff, v >> 8 & 0xff, v >> 16 & 0xff, v >> 24 & 0xff };
    g_byte_array_append(a, b, (guint)width_of(bound));
}

static void on_pick(void *arg, size_t index, uint64_t runnable)
{
    GArray *masks = arg;
    if (masks->len <= index) {
        g_array_set_size(masks, (guint)index + 1);
    }
    g_array_index(masks, uint64_t, index) = runnable;
}

/* A site's op that only reads. */
static bool is_read(const char *op)
{
    return strncmp(op, "read", 4) == 0 || strncmp(op, "load", 4) == 0;
}

static void fp_add(fp_t *f, uint64_t key, bool read)
{
    for (unsigned i = 0; i < f->n; i++) {
        if (f->key[i] == key) {
            f->read[i] = f->read[i] && read;
            return;
        }
    }
    if (f->n == FP_KEYS) {
        f->all = true;
        return;
    }
    f->key[f->n] = key;
    f->read[f->n++] = read;
}

static uint64_t key_of(uint64_t kind, int64_t object)
{
    return (kind << 56) ^ (uint64_t)object ^ 0x9e3779b97f4a7c15ull;
}

/* The access a step starts with, by its scheduling point's label: a seam
 * atomic (func set) on its object; a fence, nothing under sc; a lock or
 * unlock, what its events say (when they are seen, else everything);
 * anything else, everything. */
static fp_t fp_of_site(const sim_site_t *site, bool events_seen)
{
    fp_t f = { 0 };
    if (!site || !site->op) {
        f.all = true;
    } else if (site->func && site->obj && site->obj[0]) {
        fp_add(&f, g_str_hash(site->obj) | 1ull << 63, is_read(site->op));
    } else if (site->func && strncmp(site->op, "smp_", 4) == 0) {
        /* a fence: orders nothing more under sequential consistency */
    } else if (!events_seen || (strcmp(site->op, "os_mutex_lock") != 0 &&
                                strcmp(site->op, "os_mutex_unlock") != 0)) {
        f.all = true;
    }
    return f;
}

static bool independent(const fp_t *a, const fp_t *b)
{
    if (a->all || b->all) {
        return false;
    }
    for (unsigned i = 0; i < a->n; i++) {
        for (unsigned k = 0; k < b->n; k++) {
            if (a->key[i] == b->key[k] && !(a->read[i] && b->read[k])) {
                return false;
            }
        }
    }
    return true;
}

/* What an event touches (0: everything): mutexes, eventfds, rings and
 * woken or blocking threads by id; ppoll (timeouts, many fds), thread
 * start and exit, faults and anything the kernel does on its own (timer
 * expiry, device completions, at a step count, not a thread's step) touch
 * everything. */
static uint64_t event_key(const sim_event_t *ev)
{
    if (!ev->thread) {
        return 0;
    }
    switch (ev->kind) {
    case SIM_EV_MUTEX_LOCK:
    case SIM_EV_MUTEX_UNLOCK:
        return key_of(1, ev->object);
    case SIM_EV_EVENTFD_SIGNAL:
    case SIM_EV_EVENTFD_DRAIN:
        return key_of(2, ev->object);
    case SIM_EV_URING_ENTER:
    case SIM_EV_SQE_QUEUED:
    case SIM_EV_SQE_SUBMIT:
    case SIM_EV_CQE_POST:
    case SIM_EV_CQE_REAP:
        return key_of(3, ev->object);
    case SIM_EV_THREAD_BLOCK:
        /* a deadline is read off the clock, which every step moves */
        return ev->value2 >= 0 ? 0 : key_of(4, ev->object);
    case SIM_EV_THREAD_WAKE:
        return key_of(4, ev->object);
    case SIM_EV_MONITOR:
        return key_of(5, ev->object);
    default:
        return 0;
    }
}

static void on_event(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    search_t *s = opaque;
    ev_t e = { .at = sim_world_decisions(w, NULL, NULL), .key = event_key(ev) };
    g_array_append_val(s->events, e);
}

/* The footprint of the step after each thread decision of the run: its
 * first access and its events. */
static void steps_seen(search_t *s, const wk_outcome_t *out)
{
    if (s->steps_cap < out->n_decisions + 1) {
        s->steps_cap = out->n_decisions + 1;
        s->steps = g_renew(fp_t, s->steps, s->steps_cap);
    }
    const sim_site_t *pending[MAX_TID] = { 0 };
    size_t e = 0, last = SIZE_MAX;
    for (size_t j = 0; j < out->n_decisions; j++) {
        const sim_decision_info_t *in = &out->info[j];
        s->steps[j] = (fp_t){ .all = true };
        if (!in->thread) {
            continue;
        }
        for (; e < s->events->len && g_array_index(s->events, ev_t, e).at <= j; e++) {
            const ev_t *ev = &g_array_index(s->events, ev_t, e);
            if (last != SIZE_MAX && ev->key) {
                fp_add(&s->steps[last], ev->key, false);
            } else if (last != SIZE_MAX) {
                s->steps[last].all = true;
            }
        }
        int t = in->key_thread, c = in->chosen;
        if (t > 0 && t < MAX_TID) {
            pending[t] = in->current_runnable ? in->site : NULL;
        }
        last = j;
        s->steps[j] =
            c > 0 && c < MAX_TID ? fp_of_site(pending[c], true) : (fp_t){ .all = true };
    }
    if (last != SIZE_MAX) {
        s->steps[last].all = true; /* runs to the end: not followed */
    }
}

static bool asleep(const sleeper_t *z, size_t n, int tid)
{
    for (size_t i = 0; i < n; i++) {
        if (z[i].tid == tid) {
            return true;
        }
    }
    return false;
}

/* The sleepers that stay asleep across a step labelled f by thread tid. */
static size_t sleep_filter(sleeper_t *z, size_t n, int tid, const fp_t *f)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (z[i].tid != tid && independent(&z[i].f, f)) {
            z[k++] = z[i];
        }
    }
    return k;
}

/* The id of the v-th runnable thread (ids in ascending order). */
static int nth_id(uint64_t mask, uint32_t v)
{
    for (int id = 0; id < MAX_TID; id++) {
        if ((mask >> id & 1) && v-- == 0) {
            return id;
        }
    }
    return -1;
}

/* Pushes the prefix: the run's decisions before j, then v. */
static void push(search_t *s, size_t j, uint32_t v, uint32_t bound, unsigned cost,
                 const sleeper_t *z, size_t nz)
{
    size_t off = g_array_index(s->offsets, size_t, j);
    node_t n = { .len = j + 1, .cost = cost, .n_sleep = nz };
    GByteArray *b = g_byte_array_sized_new((guint)off + 4);
    g_byte_array_append(b, s->enc->data, (guint)off);
    encode(b, v, bound);
    n.n_bytes = b->len;
    n.bytes = g_byte_array_free(b, FALSE);
    n.sleep = nz ? g_memdup2(z, nz * sizeof(*z)) : NULL;
    g_array_append_val(s->stack, n);
}

/* The other thread choices at thread decision j of the run, whose default
 * chose a thread whose step was seen: each within the bound and not
 * asleep is a prefix, with the choices before it (the default first)
 * asleep; its run drops those its own step does not commute with. */
static void branch_threads(search_t *s, const wk_outcome_t *out, size_t j, unsigned cost,
                           const sleeper_t *z, size_t nz)
{
    const sim_decision_info_t *in = &out->info[j];
    uint64_t mask = j < s->masks->len ? g_array_index(s->masks, uint64_t, j) : 0;
    uint32_t n = out->bounds[j];
    sleeper_t *done = g_new(sleeper_t, nz + n);
    memcpy(done, z, nz * sizeof(*z));
    size_t nd = nz;
    done[nd++] = (sleeper_t){ in->chosen, s->steps[j] };
    for (uint32_t v = 0; v < n; v++) {
        int t = nth_id(mask, v);
        unsigned c = cost + (in->current_runnable && v != in->dflt);
        if (v == out->decisions[j]) {
            continue;
        }
        if (t < 0 || c > s->eo->bound) {
            s->r->cut++;
            continue;
        }
        if (s->reduce && asleep(z, nz, t)) {
            s->r->pruned++;
            continue;
        }
        push(s, j, v, n, c, done, s->reduce ? nd : 0);
        /* not run yet: known by its label only */
        done[nd++] =
            (sleeper_t){ t, fp_of_site(t < MAX_TID ? s->pending[t] : NULL, false) };
    }
    g_free(done);
}

/* The other values at value decision j: each costs one. */
static void branch_values(search_t *s, const wk_outcome_t *out, size_t j, unsigned cost,
                          const sleeper_t *z, size_t nz)
{
    uint32_t n = out->bounds[j];
    if (cost + 1 > s->eo->bound) {
        s->r->cut += n - 1;
        return;
    }
    for (uint32_t v = 0; v < n; v++) {
        if (v != out->decisions[j]) {
            push(s, j, v, n, cost + 1, z, s->reduce ? nz : 0);
        }
    }
}

/* One run of node nd: branches at every decision past its prefix, with
 * the sleep set carried along the run's steps. */
static void walk(search_t *s, const wk_outcome_t *out, const node_t *nd)
{
    sleeper_t *z = g_new(sleeper_t, nd->n_sleep + 1);
    size_t nz = nd->n_sleep;
    if (nz) {
        memcpy(z, nd->sleep, nz * sizeof(*z)); /* nd->sleep is NULL when empty */
    }
    memset(s->pending, 0, sizeof(s->pending));
    for (size_t j = 0; j < out->n_decisions; j++) {
        const sim_decision_info_t *in = &out->info[j];
        if (!in->thread) {
            if (j >= nd->len) {
                branch_values(s, out, j, nd->cost, z, nz);
            }
            continue;
        }
        int t = in->key_thread, c = in->chosen;
        if (t > 0 && t < MAX_TID) {
            /* the thread at the point is about to do its label's access;
             * one that blocked or exited resumes unknown */
            s->pending[t] = in->current_runnable ? in->site : NULL;
        }
        if (c <= 0 || c >= MAX_TID) {
            nz = 0; /* not tracked: nothing may sleep */
            continue;
        }
        if (j >= nd->len) {
            branch_threads(s, out, j, nd->cost, z, nz);
        }
        if (j >= nd->len && s->reduce && asleep(z, nz, c)) {
            /* the default went on with a sleeping thread: the rest of
             * this run reorders one already made (its siblings at j are
             * branched above) */
            s->r->redundant++;
            break;
        }
        if (j + 1 >= nd->len) {
            nz = sleep_filter(z, nz, c, &s->steps[j]);
        }
    }
    g_free(z);
}

/* FNV-1a of a string. */
static uint64_t fnv(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h = (h ^ (uint8_t)p[i]) * 0x100000001b3ull;
    }
    return h;
}

/* An event's text without the virtual times in it (queued_at=, until=):
 * a reordering of independent steps moves each by a step's time. */
static void append_untimed(GString *g, const char *text)
{
    static const char *timed[] = { "queued_at=", "until=" };
    for (const char *p = text; *p;) {
        size_t skip = 0;
        for (size_t i = 0; i < G_N_ELEMENTS(timed); i++) {
            size_t n = strlen(timed[i]);
            if ((p == text || p[-1] == ' ') && strncmp(p, timed[i], n) == 0) {
                skip = n + strspn(p + n, "-0123456789");
                g_string_append_len(g, p, (gssize)n);
            }
        }
        if (skip) {
            p += skip;
        } else {
            g_string_append_c(g, *p++);
        }
    }
}

static gint name_cmp(gconstpointer a, gconstpointer b, gpointer unused)
{
    (void)unused;
    return strcmp(a, b);
}

char *wk_explore_end_state(const wk_outcome_t *out)
{
    /* "TIME THREAD EVENT..." lines: per thread, its events in order */
    GTree *per = g_tree_new_full(name_cmp, NULL, g_free, NULL);
    char **lines = g_strsplit(out->log ? out->log : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        char *sp = strchr(*l, ' ');
        char *sp2 = sp ? strchr(sp + 1, ' ') : NULL;
        if (!sp2) {
            continue;
        }
        char *who = g_strndup(sp + 1, (gsize)(sp2 - sp - 1));
        GString *g = g_tree_lookup(per, who);
        if (!g) {
            g = g_string_new(NULL);
            g_tree_insert(per, g_strdup(who), g);
        }
        g_string_append_c(g, ' ');
        append_untimed(g, sp2 + 1);
        g_string_append_c(g, ';');
        g_free(who);
    }
    g_strfreev(lines);
    GString *all = g_string_new(wk_outcome_verdict(out));
    GTreeNode *n;
    for (n = g_tree_node_first(per); n; n = g_tree_node_next(n)) {
        GString *g = g_tree_node_value(n);
        g_string_append_printf(all, "\n%s:%s", (char *)g_tree_node_key(n), g->str);
        g_string_free(g, TRUE);
    }
    g_tree_destroy(per);
    return g_string_free(all, FALSE);
}

/* Runs node nd; the violation, the end state, the branches. */
static void run_node(search_t *s, const scn_t *scn, sim_options_t *o, const node_t *nd,
                     bool *stop)
{
    wk_outcome_t out;
    o->decide.kind = SIM_DECIDE_BYTES;
    o->decide.bytes = nd->bytes;
    o->decide.bytes_len = nd->n_bytes;
    g_array_set_size(s->masks, 0);
    g_array_set_size(s->events, 0);
    wk_machine_run(scn, o, &out);
    steps_seen(s, &out);
    s->r->runs++;
    s->r->max_depth = MAX(s->r->max_depth, out.n_decisions);
    g_byte_array_set_size(s->enc, 0);
    g_array_set_size(s->offsets, 0);
    for (size_t j = 0; j < out.n_decisions; j++) {
        size_t off = s->enc->len;
        g_array_append_val(s->offsets, off);
        encode(s->enc, out.decisions[j], out.bounds[j]);
    }
    if (s->eo->end_states) {
        char *e = wk_explore_end_state(&out);
        g_hash_table_add(s->r->end_states,
                         g_strdup_printf("%016" G_GINT64_MODIFIER "x", fnv(e, strlen(e))));
        g_free(e);
    }
    walk(s, &out, nd);
    bool bad = out.result != SIM_RESULT_OK;
    s->r->violations += bad;
    if (bad && !s->r->found) {
        s->r->found = true;
        s->r->first = out; /* kept: the caller reports it */
        *stop = s->eo->stop_at_first;
        return;
    }
    wk_outcome_clear(&out);
}

void wk_explore(const scn_t *scn, const sim_options_t *base, const wk_explore_opts_t *eo,
                wk_explore_result_t *r)
{
    *r = (wk_explore_result_t){ 0 };
    r->end_states = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    search_t s = { .eo = eo, .r = r };
    s.reduce = eo->reduce && base->memory_model == SIM_MEMORY_SC;
    r->reduced = s.reduce;
    s.stack = g_array_new(FALSE, FALSE, sizeof(node_t));
    s.masks = g_array_new(FALSE, TRUE, sizeof(uint64_t));
    s.enc = g_byte_array_new();
    s.offsets = g_array_new(FALSE, FALSE, sizeof(size_t));
    s.events = g_array_new(FALSE, FALSE, sizeof(ev_t));
    sim_options_t o = *base;
    if (s.reduce && !o.on_event) {
        o.on_event = on_event;
        o.event_opaque = &s;
    } else {
        s.reduce = r->reduced = false; /* the hook is someone else's */
    }
    o.log_enabled = eo->end_states;
    o.decide.on_thread_pick = on_pick;
    o.decide.on_thread_pick_arg = s.masks;
    node_t root = { 0 };
    g_array_append_val(s.stack, root);
    bool stop = false;
    while (s.stack->len > 0 && !stop) {
        if (eo->budget && r->runs >= eo->budget) {
            break;
        }
        node_t nd = g_array_index(s.stack, node_t, s.stack->len - 1);
        g_array_set_size(s.stack, s.stack->len - 1);
        run_node(&s, scn, &o, &nd, &stop);
        node_free(&nd);
    }
    r->complete = s.stack->len == 0 && !stop;
    for (guint i = 0; i < s.stack->len; i++) {
        node_free(&g_array_index(s.stack, node_t, i));
    }
    g_array_free(s.stack, TRUE);
    g_array_free(s.masks, TRUE);
    g_byte_array_free(s.enc, TRUE);
    g_array_free(s.offsets, TRUE);
    g_array_free(s.events, TRUE);
    g_free(s.steps);
}

void wk_explore_result_clear(wk_explore_result_t *r)
{
    if (r->found) {
        wk_outcome_clear(&r->first);
    }
    if (r->end_states) {
        g_hash_table_destroy(r->end_states);
    }
    *r = (wk_explore_result_t){ 0 };
}

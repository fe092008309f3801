/*
 * decide.c - the decision source: every nondeterministic choice of a run.
 *
 * Two kinds of choices: which runnable thread runs next (an index into the
 * runnable threads in id order) and values (device latency, sim_choose()).
 * Each one is recorded as (value, bound) so that any run, whatever its
 * source, can be replayed exactly by SIM_DECIDE_REPLAY.  A replay that does
 * not fit (exhausted, value >= bound, or a recorded bound that differs from
 * the current one) stops the run with SIM_RESULT_REPLAY_ERROR; the choice
 * returned meanwhile is a valid one, so the caller never sees garbage.
 */
#include "sim-int.h"
#include "prng.h"

#include <stdlib.h>
#include <string.h>

enum { PCT_MAX_THREADS = 4096 };

/* info says what the default policy would have picked, so that a shrinker
 * can tell a preemption or a non-default choice from a free one. */
static void record(sim_world_t *w, uint32_t value, uint32_t bound, sim_decision_info_t info)
{
    sim_decider_t *d = &w->dec;
    if (d->n == d->cap) {
        /* The three arrays share one capacity: the first grow picks it
         * (its start depends on the element size), the others follow. */
        size_t cap = d->cap, icap = d->cap;
        sim_grow((void **)&d->values, &cap, d->n + 1, sizeof(uint32_t));
        sim_grow((void **)&d->info, &icap, cap, sizeof(sim_decision_info_t));
        sim_grow((void **)&d->bounds, &d->cap, cap, sizeof(uint32_t));
    }
    d->values[d->n] = value;
    d->bounds[d->n] = bound;
    d->info[d->n] = info;
    d->n++;
}

static void replay_fail(sim_world_t *w, const char *fmt, size_t i, uint64_t a, uint64_t b)
{
    char msg[200];
    snprintf(msg, sizeof(msg), fmt, i, (unsigned long long)a, (unsigned long long)b);
    sim_stop(w, SIM_RESULT_REPLAY_ERROR, msg);
}

/* REPLAY: the next recorded value, checked against bound n. */
static uint32_t replay_next(sim_world_t *w, uint32_t n)
{
    sim_decider_t *d = &w->dec;
    size_t i = d->pos;
    if (i >= d->o.replay_len) {
        replay_fail(w,
                    "replay: ran out of decisions at #%zu (needed a choice among "
                    "%llu, record holds %llu)",
                    i, n, d->o.replay_len);
        return 0;
    }
    d->pos++;
    uint32_t v = d->o.replay[i];
    if (d->o.replay_bounds && d->o.replay_bounds[i] != n) {
        replay_fail(w,
                    "replay: decision #%zu diverged: recorded among %llu, "
                    "now among %llu",
                    i, d->o.replay_bounds[i], n);
        return 0;
    }
    if (v >= n) {
        replay_fail(w, "replay: decision #%zu value %llu out of range (< %llu)", i, v, n);
        return 0;
    }
    return v;
}

/* BYTES: 1, 2 or 4 little-endian bytes depending on n; -1 when exhausted. */
static int64_t bytes_next(sim_decider_t *d, uint32_t n)
{
    size_t need = n <= 256 ? 1 : n <= 65536 ? 2 : 4;
    if (d->pos + need > d->o.bytes_len) {
        d->pos = d->o.bytes_len;
        return -1;
    }
    uint32_t v = 0;
    for (size_t i = 0; i < need; i++)
        v |= (uint32_t)d->o.bytes[d->pos + i] << (8 * i);
    d->pos += need;
    return v % n;
}

/* ---- threads ---- */

static int runnable_index_of(sim_world_t *w, const sim_thread_t *want)
{
    int idx = 0;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t == want)
            return t->state == SIM_T_RUNNABLE ? idx : -1;
        if (t->state == SIM_T_RUNNABLE)
            idx++;
    }
    return -1;
}

static sim_thread_t *runnable_at(sim_world_t *w, uint32_t idx)
{
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state == SIM_T_RUNNABLE && idx-- == 0)
            return t;
    }
    sim_fatal("runnable index out of range");
}

/* The ids of the runnable threads, bit i for id i (below 64). */
static uint64_t runnable_ids(sim_world_t *w)
{
    uint64_t m = 0;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state == SIM_T_RUNNABLE && t->id >= 0 && t->id < 64)
            m |= 1ull << t->id;
    }
    return m;
}

/* Default policy: stay on the current thread, else the lowest id. */
static uint32_t default_pick(sim_world_t *w)
{
    int cur = w->current ? runnable_index_of(w, w->current) : -1;
    return cur >= 0 ? (uint32_t)cur : 0;
}

/* The runnable index of the highest-priority thread, ties by thread order,
 * passing over threads held off by a store hold (hold.c; sim_hold_pick has
 * ended every hold first when only held-off threads can run). */
static uint32_t pct_pick(sim_world_t *w)
{
    uint32_t idx = 0, best = 0;
    uint64_t best_prio = 0;
    bool have = false;
    for (int i = 0; i < w->n_threads; i++) {
        sim_thread_t *t = w->threads[i];
        if (t->state != SIM_T_RUNNABLE)
            continue;
        if (!t->hold_off && (!have || t->pct_prio > best_prio)) {
            best = idx;
            best_prio = t->pct_prio;
            have = true;
        }
        idx++;
    }
    return best;
}

/* ---- keys (what a decision is about) ---- */

/* The key of the decision about to be taken: the thread at the scheduling
 * point (or, on the host, the one that ran last) and its event count; the
 * ordinals count decisions at the same key. */
static void key_advance(sim_world_t *w, bool thread_pick)
{
    sim_decider_t *d = &w->dec;
    const sim_thread_t *t = w->current ? w->current : w->last_run;
    uint64_t ev = t ? t->n_events : 0;
    if (t != d->key_thread || ev != d->key_events) {
        d->key_thread = t;
        d->key_events = ev;
        d->key_thread_ord = d->key_value_ord = 0;
    }
    d->key_prog = t ? (uint32_t)t->prog_steps : 0;
    d->key_wakes = t ? t->clock_anchors : 0;
    d->key_since = t ? (uint32_t)(t->n_events - t->prog_events) : 0;
    (void)thread_pick;
}

static sim_decision_info_t key_info(sim_world_t *w, bool thread_pick,
                                    const sim_site_t *site)
{
    sim_decider_t *d = &w->dec;
    return (sim_decision_info_t){
        .key_thread = d->key_thread ? d->key_thread->id : 0,
        .key_events = d->key_events,
        .key_ordinal = thread_pick ? d->key_thread_ord : d->key_value_ord,
        .key_prog = d->key_prog,
        .key_wakes = d->key_wakes,
        .key_since = d->key_since,
        .thread = thread_pick,
        .site = site,
    };
}

/* KEYED only: the label of the decision about to be taken and its ordinal
 * among decisions with that label at its key, counted exactly as
 * wk_keyed_encode() counts them after a run (sim_label_ords_t). */
typedef struct {
    const char *label;
    uint32_t ord;
} label_key_t;

static label_key_t label_key(sim_world_t *w, const sim_site_t *site, bool commit)
{
    sim_decider_t *d = &w->dec;
    const char *label = sim_label_ords_label(d->label_ords, site, commit);
    uint32_t ord = sim_label_ords_take(d->label_ords, d->key_thread ? d->key_thread->id : 0,
                                       d->key_prog, d->key_wakes, d->key_since, label);
    return (label_key_t){ label, ord };
}

static bool key_matches(sim_world_t *w, const sim_keyed_decision_t *k,
                        const label_key_t *lk)
{
    const sim_decider_t *d = &w->dec;
    if (!d->key_thread || strcmp(k->thread, d->key_thread->name) != 0)
        return false;
    if (!k->label)
        return k->events == d->key_events; /* first form */
    return k->prog == d->key_prog && k->wakes == d->key_wakes &&
           k->events == d->key_since && strcmp(k->label, lk->label) == 0;
}

/* The ordinal an entry is compared with: per label, or (first form) per
 * key. */
static uint32_t key_ord(const sim_decider_t *d, const sim_keyed_decision_t *k,
                        const label_key_t *lk, bool thread_pick)
{
    if (k->label)
        return lk->ord;
    return thread_pick ? d->key_thread_ord : d->key_value_ord;
}

/* KEYED thread pick: the first unused entry at this key (and label) whose
 * ordinal has been reached and whose thread can run; else the default. */
static uint32_t keyed_thread(sim_world_t *w, const label_key_t *lk)
{
    sim_decider_t *d = &w->dec;
    for (size_t i = 0; i < d->o.keyed_len; i++) {
        const sim_keyed_decision_t *k = &d->o.keyed[i];
        if (d->keyed_used[i] || !k->is_thread || !key_matches(w, k, lk) ||
            k->ordinal > key_ord(d, k, lk, true))
            continue;
        int idx = 0;
        for (int j = 0; j < w->n_threads; j++) {
            sim_thread_t *t = w->threads[j];
            if (t->state != SIM_T_RUNNABLE)
                continue;
            if (strcmp(t->name, k->chosen) == 0) {
                d->keyed_used[i] = true;
                return (uint32_t)idx;
            }
            idx++;
        }
    }
    return default_pick(w);
}

/* KEYED value: the entry at this key (and label) with this ordinal and
 * bound, else 0. */
static uint32_t keyed_value(sim_world_t *w, uint32_t n, const label_key_t *lk)
{
    sim_decider_t *d = &w->dec;
    for (size_t i = 0; i < d->o.keyed_len; i++) {
        const sim_keyed_decision_t *k = &d->o.keyed[i];
        if (!d->keyed_used[i] && !k->is_thread && key_matches(w, k, lk) &&
            k->ordinal == key_ord(d, k, lk, false) && k->bound == n && k->value < n) {
            d->keyed_used[i] = true;
            return k->value;
        }
    }
    return 0;
}

sim_thread_t *sim_decide_thread(sim_world_t *w)
{
    sim_decider_t *d = &w->dec;
    uint32_t n = (uint32_t)w->n_runnable, v = 0;
    int64_t b, h;
    key_advance(w, true);
    const sim_site_t *site = w->site;
    switch (d->o.kind) {
    case SIM_DECIDE_BYTES:
        b = bytes_next(d, n);
        v = b < 0 ? default_pick(w) : (uint32_t)b;
        break;
    case SIM_DECIDE_SEED:
        h = sim_hold_pick(w, false);
        v = h >= 0 ? (uint32_t)h : (uint32_t)sim_rng_below(d->rng, n);
        break;
    case SIM_DECIDE_PCT:
        h = sim_hold_pick(w, true);
        v = h >= 0 ? (uint32_t)h : pct_pick(w);
        break;
    case SIM_DECIDE_REPLAY:
        v = replay_next(w, n);
        break;
    case SIM_DECIDE_KEYED: {
        label_key_t lk = label_key(w, site, false);
        v = keyed_thread(w, &lk);
        break;
    }
    }
    int cur = w->current ? runnable_index_of(w, w->current) : -1;
    sim_decision_info_t info = key_info(w, true, site);
    info.dflt = cur >= 0 ? (uint32_t)cur : 0; /* default_pick(), computed once */
    info.current_runnable = cur >= 0;
    sim_thread_t *next = runnable_at(w, v);
    info.chosen = next->id;
    if (d->o.on_thread_pick)
        d->o.on_thread_pick(d->o.on_thread_pick_arg, d->n, runnable_ids(w));
    record(w, v, n, info);
    d->key_thread_ord++;
    return next;
}

/* A value choice taken from a recording rather than drawn (BYTES, REPLAY,
 * KEYED; 0 for the drawing kinds); commit says whether it is a store-buffer
 * commit, which keys differently. */
static uint32_t value_replayed(sim_world_t *w, uint32_t n, const sim_site_t *site,
                               bool commit)
{
    sim_decider_t *d = &w->dec;
    switch (d->o.kind) {
    case SIM_DECIDE_BYTES: {
        int64_t b = bytes_next(d, n);
        return b < 0 ? 0 : (uint32_t)b;
    }
    case SIM_DECIDE_REPLAY:
        return replay_next(w, n);
    case SIM_DECIDE_KEYED: {
        label_key_t lk = label_key(w, site, commit);
        return keyed_value(w, n, &lk);
    }
    default:
        return 0;
    }
}

uint32_t sim_decide_value(sim_world_t *w, uint32_t n, const sim_site_t *site)
{
    sim_decider_t *d = &w->dec;
    uint32_t v;
    if (n <= 1)
        return 0; /* no choice: nothing to record */
    key_advance(w, false);
    if (d->o.kind == SIM_DECIDE_SEED || d->o.kind == SIM_DECIDE_PCT) {
        v = (uint32_t)sim_rng_below(d->rng, n);
    } else {
        v = value_replayed(w, n, site, false);
    }
    record(w, v, n, key_info(w, false, site));
    d->key_value_ord++;
    return v;
}

/* A store-buffer commit choice, replayed (REPLAY, BYTES, KEYED): keyed to
 * the scheduling point it is taken at, marked as a commit. */
static uint32_t decide_commit_replayed(sim_world_t *w, uint32_t n)
{
    sim_decider_t *d = &w->dec;
    key_advance(w, false);
    uint32_t v = value_replayed(w, n, w->site, true);
    sim_decision_info_t info = key_info(w, false, w->site);
    info.commit = true;
    record(w, v, n, info);
    d->key_value_ord++;
    return v;
}

uint32_t sim_decide_commit(sim_world_t *w, uint32_t n, uint32_t n_free,
                           uint32_t (*free_value)(sim_world_t *w, uint32_t i))
{
    sim_decider_t *d = &w->dec;
    if (n <= 1)
        return 0; /* no choice: nothing to record */
    if (d->o.kind != SIM_DECIDE_SEED && d->o.kind != SIM_DECIDE_PCT)
        return decide_commit_replayed(w, n);
    /* A store buffer drains within nanoseconds, but a lost wakeup needs a
     * store to stay buffered across several of the other thread's accesses;
     * so the random strategies keep the buffers with probability
     * (SIM_COMMIT_ODDS-1)/SIM_COMMIT_ODDS at each point.  The value and its
     * bound are recorded as for any value choice: replay does not care how
     * a value was drawn. */
    key_advance(w, false);
    uint32_t v = 0;
    if (sim_rng_below(d->rng, SIM_COMMIT_ODDS) == 0) {
        if (!free_value)
            v = 1 + (uint32_t)sim_rng_below(d->rng, n - 1);
        else if (n_free)
            v = free_value(w, (uint32_t)sim_rng_below(d->rng, n_free));
    }
    sim_decision_info_t info = key_info(w, false, w->site);
    info.commit = true;
    record(w, v, n, info);
    d->key_value_ord++;
    return v;
}

uint32_t sim_choose(uint32_t n)
{
    static const sim_site_t choose = { NULL, "choose", NULL };
    sim_world_t *w = sim__current_world;
    if (!w)
        return 0;
    if (w->current) {
        /* A program step: labelled keys count the thread's events from
         * here, and this choice itself is keyed as "step P, 0 events on". */
        w->current->prog_steps++;
        w->current->clock_anchors = 0;
        w->current->prog_events = w->current->n_events;
    }
    return sim_decide_value(w, n, &choose);
}

/* ---- PCT ---- */

void sim_decide_thread_created(sim_world_t *w, sim_thread_t *t)
{
    sim_decider_t *d = &w->dec;
    if (d->o.kind != SIM_DECIDE_PCT)
        return;
    /* Initial priorities are d .. d+k-1 in random order; threads beyond the
     * estimate k rank above them, in creation order (still >= d). */
    unsigned i = d->pct_created++;
    unsigned k = d->o.pct_threads;
    t->pct_prio = d->o.pct_depth + (i < k ? d->pct_slots[i] : i);
}

void sim_decide_step(sim_world_t *w)
{
    sim_decider_t *d = &w->dec;
    if (d->o.kind != SIM_DECIDE_PCT || !w->current)
        return;
    /* At the i-th change point the running thread drops to priority
     * d-1-i, below every initial priority. */
    for (unsigned i = 0; i + 1 < d->o.pct_depth; i++)
        if (d->pct_change[i] == w->steps)
            w->current->pct_prio = d->o.pct_depth - 1 - i;
}

void sim_decide_yielded(sim_world_t *w)
{
    if (w->dec.o.kind != SIM_DECIDE_PCT || !w->current)
        return;
    /* 0 is below every initial priority (>= d) and ties at worst with the
     * lowest change-point priority; pct_pick breaks ties by thread order. */
    w->current->pct_prio = 0;
}

static int pct_init(sim_decider_t *d)
{
    if (d->o.pct_depth < 1)
        d->o.pct_depth = 1;
    if (d->o.pct_threads < 1)
        d->o.pct_threads = 2;
    if (d->o.pct_threads > PCT_MAX_THREADS)
        d->o.pct_threads = PCT_MAX_THREADS;
    if (d->o.pct_steps < 1)
        d->o.pct_steps = 1;
    unsigned k = d->o.pct_threads;
    d->pct_slots = malloc(k * sizeof(uint32_t));
    d->pct_change = malloc(d->o.pct_depth * sizeof(uint64_t));
    if (!d->pct_slots || !d->pct_change)
        return -ENOMEM;
    for (unsigned i = 0; i < k; i++)
        d->pct_slots[i] = i;
    for (unsigned i = k; i > 1; i--) { /* Fisher-Yates */
        unsigned j = (unsigned)sim_rng_below(d->rng, i);
        uint32_t tmp = d->pct_slots[i - 1];
        d->pct_slots[i - 1] = d->pct_slots[j];
        d->pct_slots[j] = tmp;
    }
    for (unsigned i = 0; i + 1 < d->o.pct_depth; i++)
        d->pct_change[i] = 1 + sim_rng_below(d->rng, d->o.pct_steps);
    return 0;
}

int sim_decider_init(sim_world_t *w)
{
    sim_decider_t *d = &w->dec;
    memset(d, 0, sizeof(*d));
    d->o = w->opt.decide;
    sim_rng_seed(d->rng, d->o.seed);
    if (d->o.kind == SIM_DECIDE_PCT)
        return pct_init(d);
    if (d->o.kind == SIM_DECIDE_KEYED) {
        d->keyed_used = calloc(d->o.keyed_len + 1, sizeof(bool));
        if (!d->keyed_used)
            return -ENOMEM;
        d->label_ords = sim_label_ords_new();
    }
    return 0;
}

void sim_decider_fini(sim_decider_t *d)
{
    free(d->values);
    free(d->bounds);
    free(d->info);
    free(d->keyed_used);
    sim_label_ords_free(d->label_ords);
    free(d->pct_slots);
    free(d->pct_change);
    memset(d, 0, sizeof(*d));
}

void sim_pct_bound(uint64_t n, unsigned k, unsigned d, uint64_t *num, uint64_t *den)
{
    uint64_t r = n ? n : 1;
    for (unsigned i = 1; i < d; i++) {
        if (k && r > UINT64_MAX / k) {
            r = UINT64_MAX;
            break;
        }
        r *= k ? k : 1;
    }
    *num = 1;
    *den = r;
}

void sim_pct_bound_print(FILE *f, uint64_t n, unsigned k, unsigned d)
{
    uint64_t num, den;
    sim_pct_bound(n, k, d, &num, &den);
    fprintf(f, "PCT n=%llu k=%u d=%u: p(find a depth-%u bug) >= %llu/%llu%s\n",
            (unsigned long long)n, k, d, d, (unsigned long long)num,
            (unsigned long long)den, den == UINT64_MAX ? " (saturated)" : "");
}

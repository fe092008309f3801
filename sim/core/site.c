/*
 * site.c - what a scheduling point is called, and how many decisions with
 * that name a thread has taken since its last event: the two halves of a
 * labelled key (sim_keyed_decision_t in sim.h).
 *
 * Nothing here runs on the hot path of an ordinary run: decisions only keep
 * a pointer to their static site.  Labels are built and counted when keyed
 * decisions are written (after a run) or replayed (SIM_DECIDE_KEYED), by the
 * same counter in both cases, so the two always agree.
 */
#include "sim-int.h"

#include <stdlib.h>
#include <string.h>

static bool ident_char(char c, bool first)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
           (!first && c >= '0' && c <= '9');
}

/* The last C identifier of an expression ("&ctx->ring.sq[0]" -> "sq"):
 * how the code names the object, whatever the path to it. */
static void last_ident(const char *expr, const char **start, size_t *len)
{
    *start = NULL;
    *len = 0;
    for (const char *p = expr; *p;) {
        if (ident_char(*p, true) && (p == expr || !ident_char(p[-1], false))) {
            const char *q = p;
            while (ident_char(*q, false))
                q++;
            *start = p;
            *len = (size_t)(q - p);
            p = q;
        } else {
            p++;
        }
    }
}

/* Appends part (len bytes) to buf at *at, after a ':' unless first; keeps
 * only the characters a keyed token may hold. */
static void put_part(char *buf, size_t size, size_t *at, const char *part, size_t len)
{
    if (!part || !len || size == 0)
        return;
    if (*at > 0 && *at + 1 < size)
        buf[(*at)++] = ':';
    for (size_t i = 0; i < len && *at + 1 < size; i++) {
        char c = part[i];
        bool ok = ident_char(c, false) || c == '-' || c == '.';
        buf[(*at)++] = ok ? c : '_';
    }
    buf[*at] = '\0';
}

char *sim_site_label(const sim_site_t *site, bool commit, char *buf, size_t size)
{
    size_t at = 0;
    if (size)
        buf[0] = '\0';
    if (commit)
        put_part(buf, size, &at, "commit", 6);
    if (site) {
        put_part(buf, size, &at, site->func, site->func ? strlen(site->func) : 0);
        put_part(buf, size, &at, site->op, site->op ? strlen(site->op) : 0);
        if (site->obj) {
            const char *o;
            size_t n;
            last_ident(site->obj, &o, &n);
            put_part(buf, size, &at, o, n);
        }
    }
    if (at == 0)
        put_part(buf, size, &at, "point", 5);
    return buf;
}

/* ---- interned labels and per-thread ordinals ---- */

typedef struct {
    const sim_site_t *site;
    bool commit;
    const char *label;
} site_entry_t;

typedef struct {
    const char *label;
    uint32_t n;
} label_count_t;

typedef struct {
    uint64_t prog, events; /* the counts below are since this key */
    uint32_t wakes;
    bool valid;
    label_count_t *counts;
    size_t n_counts, cap_counts;
} thread_ords_t;

struct sim_label_ords {
    site_entry_t *sites; /* site -> interned label (linear: a few dozen) */
    size_t n_sites, cap_sites;
    char **labels; /* distinct label texts */
    size_t n_labels, cap_labels;
    thread_ords_t *threads; /* by thread id (0: none) */
    size_t n_threads;
};

sim_label_ords_t *sim_label_ords_new(void)
{
    sim_label_ords_t *o = calloc(1, sizeof(*o));
    if (!o)
        sim_fatal("out of memory");
    return o;
}

void sim_label_ords_free(sim_label_ords_t *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->n_labels; i++)
        free(o->labels[i]);
    for (size_t i = 0; i < o->n_threads; i++)
        free(o->threads[i].counts);
    free(o->labels);
    free(o->sites);
    free(o->threads);
    free(o);
}

const char *sim_label_ords_label(sim_label_ords_t *o, const sim_site_t *site, bool commit)
{
    for (size_t i = 0; i < o->n_sites; i++)
        if (o->sites[i].site == site && o->sites[i].commit == commit)
            return o->sites[i].label;
    /* First sight of this site: several sites may share a label (two reads
     * of one object in one function), and then they count together. */
    char text[160];
    sim_site_label(site, commit, text, sizeof(text));
    const char *label = NULL;
    for (size_t i = 0; i < o->n_labels && !label; i++)
        if (strcmp(o->labels[i], text) == 0)
            label = o->labels[i];
    if (!label) {
        sim_grow((void **)&o->labels, &o->cap_labels, o->n_labels + 1, sizeof(char *));
        if (!(o->labels[o->n_labels] = strdup(text)))
            sim_fatal("out of memory");
        label = o->labels[o->n_labels++];
    }
    sim_grow((void **)&o->sites, &o->cap_sites, o->n_sites + 1, sizeof(site_entry_t));
    o->sites[o->n_sites++] = (site_entry_t){ site, commit, label };
    return label;
}

uint32_t sim_label_ords_take(sim_label_ords_t *o, int thread, uint64_t prog, uint32_t wakes,
                             uint64_t events, const char *label)
{
    size_t id = thread > 0 ? (size_t)thread : 0;
    if (id >= o->n_threads) {
        size_t cap = o->n_threads;
        sim_grow((void **)&o->threads, &cap, id + 1, sizeof(thread_ords_t));
        memset(o->threads + o->n_threads, 0, (cap - o->n_threads) * sizeof(thread_ords_t));
        o->n_threads = cap;
    }
    thread_ords_t *t = &o->threads[id];
    /* Invariant: counts hold only decisions since the thread's key last
     * changed; a new event or program step starts every label at 0. */
    if (!t->valid || t->events != events || t->prog != prog || t->wakes != wakes) {
        t->valid = true;
        t->prog = prog;
        t->wakes = wakes;
        t->events = events;
        t->n_counts = 0;
    }
    for (size_t i = 0; i < t->n_counts; i++)
        if (t->counts[i].label == label)
            return t->counts[i].n++;
    sim_grow((void **)&t->counts, &t->cap_counts, t->n_counts + 1, sizeof(label_count_t));
    t->counts[t->n_counts++] = (label_count_t){ label, 1 };
    return 0;
}

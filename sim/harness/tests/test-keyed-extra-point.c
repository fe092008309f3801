/*
 * test-keyed-extra-point.c - keyed decisions survive a scheduling point
 * added elsewhere, without a second build.
 *
 * Two simulated threads run the same small program: per iteration a
 * program step (sim_choose), then labelled scheduling points A and B, each
 * followed by a note of "thread:iteration" in the run's order.  A random run is
 * recorded, its keyed decisions written (wk_keyed_encode), then replayed
 * by key on a changed program: an extra point X with its own label right
 * after A, and an extra event at the end of each iteration (what a changed
 * loop does to a thread's event count).  The replay must interleave the
 * iterations exactly as the recording did.  As a control, the same
 * decisions keyed the first way (no labels, all of a thread's events)
 * must lose at least one of the recordings: otherwise this test could not
 * tell the two apart.
 */
#include <stdio.h>
#include <string.h>
#include "keyed.h"
#include "test-check.h"

enum { ITERATIONS = 6, SEEDS = 20 };

static const sim_site_t site_a = { "worker", "read", "&shared->a" };
static const sim_site_t site_b = { "worker", "fetch_or", "&shared->b" };
static const sim_site_t site_x = { "worker", "read", "&shared->added" };

typedef struct {
    bool changed; /* the program with the extra point and event */
    int efd;
    GString *order; /* "name:iX " per note, in run order */
} prog_t;

/* A note in the run's order, taken right after a point returns: a thread
 * picked one point too early or too late shows as notes out of order. */
static void note(prog_t *p, int i, const char *what)
{
    g_string_append_printf(p->order, "%s:%d%s ", sim_thread_name(sim_thread_self()), i,
                           what);
}

static void *worker(void *arg)
{
    prog_t *p = arg;
    for (int i = 0; i < ITERATIONS; i++) {
        (void)sim_choose(3);
        sim_sched_point_at(&site_a);
        if (p->changed) {
            /* Before A's note: a pick recorded at B that the extra point
             * took instead would run the other thread before the note. */
            sim_sched_point_at(&site_x);
        }
        note(p, i, "a");
        sim_sched_point_at(&site_b);
        note(p, i, "b");
        if (p->changed) {
            (void)sim_eventfd_write(p->efd, 1); /* one more event of this thread */
        }
    }
    return NULL;
}

static void *scenario(void *arg)
{
    prog_t *p = arg;
    p->efd = sim_eventfd_new(0);
    sim_thread_t *t = sim_thread_create(sim_world_current(), "other", worker, p);
    worker(p);
    sim_thread_join(t);
    return NULL;
}

/* One run; returns the iteration order (g_free) and, if keyed_out, the
 * keyed decisions of the run. */
static char *run(bool changed, const sim_decide_opts_t *d, char **keyed_out)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide = *d;
    o.log_enabled = false;
    prog_t p = { .changed = changed, .order = g_string_new(NULL) };
    sim_world_t *w = sim_world_new(&o);
    sim_result_t r = sim_world_run(w, scenario, &p);
    CHECK(r == SIM_RESULT_OK, "run ended %s: %s", sim_result_name(r), sim_world_message(w));
    if (keyed_out) {
        *keyed_out = wk_keyed_encode(w);
    }
    sim_world_free(w);
    return g_string_free(p.order, FALSE);
}

/* The recorded run's non-default decisions in the first key form
 * ("thread@events#ordinal"), as files written before labels hold them. */
static char *first_form(uint64_t seed)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_SEED;
    o.decide.seed = seed;
    o.log_enabled = false;
    prog_t p = { .order = g_string_new(NULL) };
    sim_world_t *w = sim_world_new(&o);
    sim_world_run(w, scenario, &p);
    const uint32_t *values, *bounds;
    size_t n = sim_world_decisions(w, &values, &bounds);
    const sim_decision_info_t *info = sim_world_decision_info(w);
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        if (values[i] == info[i].dflt || !info[i].key_thread) {
            continue;
        }
        g_string_append_printf(s, "%s%s@%llu#%u", s->len ? " " : "",
                               sim_world_thread_name_of(w, info[i].key_thread),
                               (unsigned long long)info[i].key_events, info[i].key_ordinal);
        if (info[i].thread) {
            g_string_append_printf(s, ">%s", sim_world_thread_name_of(w, info[i].chosen));
        } else {
            g_string_append_printf(s, "=%u/%u", values[i], bounds[i]);
        }
    }
    sim_world_free(w);
    g_string_free(p.order, TRUE);
    return g_string_free(s, FALSE);
}

/* Replays keyed text on the changed program; true if the order matches. */
static bool keyed_replay_matches(const char *text, const char *want, uint64_t seed,
                                 const char *form)
{
    wk_keyed_t k;
    GError *err = NULL;
    if (!wk_keyed_parse(text, &k, &err)) {
        CHECK(false, "seed %llu: %s keyed text rejected: %s", (unsigned long long)seed,
              form, err->message);
        g_clear_error(&err);
        return false;
    }
    sim_decide_opts_t d = { .kind = SIM_DECIDE_KEYED, .keyed = k.items, .keyed_len = k.n };
    char *got = run(true, &d, NULL);
    bool same = strcmp(got, want) == 0;
    g_free(got);
    wk_keyed_clear(&k);
    return same;
}

int main(void)
{
    int first_form_lost = 0, picks = 0;
    for (uint64_t seed = 1; seed <= SEEDS; seed++) {
        sim_decide_opts_t d = { .kind = SIM_DECIDE_SEED, .seed = seed };
        char *keyed = NULL;
        char *want = run(false, &d, &keyed);
        for (const char *p = keyed; (p = strchr(p, '>')); p++) {
            picks++;
        }
        CHECK(keyed_replay_matches(keyed, want, seed, "labelled"),
              "seed %llu: labelled keyed replay lost the interleaving with an extra point "
              "and an extra event\n  recorded: %s\n  keyed: %s",
              (unsigned long long)seed, want, keyed);
        char *old = first_form(seed);
        first_form_lost += !keyed_replay_matches(old, want, seed, "first-form");
        g_free(old);
        g_free(keyed);
        g_free(want);
    }
    CHECK(picks >= SEEDS, "only %d recorded thread picks in %d runs: nothing tested", picks,
          SEEDS);
    CHECK(first_form_lost > 0,
          "control: the unlabelled keys survived the extra point in all %d runs, so this "
          "test cannot tell labelled keys from them",
          SEEDS);
    printf("%d runs, %d recorded thread picks; labelled keys kept every run, the first key "
           "form lost %d of %d\n",
           SEEDS, picks, first_form_lost, SEEDS);
    if (failures) {
        printf("%d failure(s); rerun: sim-run-test-keyed-extra-point\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}

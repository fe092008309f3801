/*
 * shrink.c - delta debugging over a failing run's decisions and workload.
 *
 * A candidate is the current decision list with some decisions set back to
 * what the default policy would have picked there (or a smaller workload).
 * It is replayed leniently, as fuzzer bytes (SIM_DECIDE_BYTES): a decision
 * whose number of alternatives changed is taken modulo the new number, and
 * when the list runs out the default policy goes on.  The run a candidate
 * gives is then recorded exactly, so what is kept always replays byte for
 * byte under SIM_DECIDE_REPLAY.
 *
 * Setting decision i to its default keeps decisions 0..i-1 and therefore the
 * state at i, so the recorded default is still right there; the decisions
 * after i are applied by position and may mean something else, which is why
 * every candidate is replayed and judged on what it actually did.
 */
#include <inttypes.h>
#include <limits.h>
#include <string.h>
#include "invariant.h"
#include "keyed.h"
#include "shrink.h"

void wk_figures_of(const scn_t *scn, const wk_outcome_t *out, wk_figures_t *f)
{
    memset(f, 0, sizeof(*f));
    for (size_t i = 0; i < out->n_decisions; i++) {
        const sim_decision_info_t *in = &out->info[i];
        if (out->decisions[i] == in->dflt) {
            continue;
        }
        f->nondefault++;
        if (in->thread && in->current_runnable) {
            f->preemptions++;
        }
    }
    f->threads = scn->vcpus + 2 + (scn->target == SCN_TARGET_IOTHREAD);
    f->items = scn->vcpus * scn->batches * scn->batch_size;
    f->steps = out->steps;
    f->decisions = out->n_decisions;
}

void wk_figures_print(FILE *f, const char *label, const wk_figures_t *fig)
{
    fprintf(f,
            "%s: %u preemption%s, %u non-default decision%s (of %zu), %u threads, "
            "%u workload item%s, %" PRIu64 " steps\n",
            label, fig->preemptions, fig->preemptions == 1 ? "" : "s", fig->nondefault,
            fig->nondefault == 1 ? "" : "s", fig->decisions, fig->threads, fig->items,
            fig->items == 1 ? "" : "s", fig->steps);
}

/* Lexicographic: is a strictly simpler than b? */
static bool simpler(const wk_figures_t *a, const wk_figures_t *b)
{
    uint64_t ka[] = { a->preemptions, a->nondefault, a->threads, a->items, a->steps };
    uint64_t kb[] = { b->preemptions, b->nondefault, b->threads, b->items, b->steps };
    for (unsigned i = 0; i < G_N_ELEMENTS(ka); i++) {
        if (ka[i] != kb[i]) {
            return ka[i] < kb[i];
        }
    }
    return false;
}

/* The object kind is the first word of the message's detail ("SQE", "CQE",
 * "bottom", "timer", "ioeventfd", ...) plus an SQE's opcode, so a shrunk
 * run may report another SQE of the same kind (its number and times change
 * with the schedule), but not, say, a timer instead.  Violations of the
 * whole run (deadlock, deadline) have the object "run". */
char *wk_violation_signature(const wk_outcome_t *out)
{
    if (out->result == SIM_RESULT_OK) {
        return g_strdup("pass");
    }
    const char *msg = out->message ? out->message : "";
    if (out->late_start_ns < 0 && strncmp(msg, WK_INV_DATA, strlen(WK_INV_DATA)) != 0) {
        /* Deadlock, deadline, time limit: about the whole run, no object. */
        return g_strdup_printf("%s run", out->invariant ? out->invariant : "?");
    }
    const char *colon = strstr(msg, ": ");
    const char *detail = colon ? colon + 2 : msg;
    size_t n = strcspn(detail, " :;");
    GString *sig = g_string_new(out->invariant ? out->invariant : "?");
    g_string_append_c(sig, ' ');
    g_string_append_len(sig, detail, (gssize)n);
    if (strncmp(detail, "SQE #", 5) == 0) {
        const char *op = strchr(detail, '(');
        const char *end = op ? strchr(op, ')') : NULL;
        if (end) {
            g_string_append_c(sig, ' ');
            g_string_append_len(sig, op + 1, end - op - 1);
        }
    } else if (g_ascii_isdigit(detail[n > 0 ? n - 1 : 0])) {
        /* "vcpu0:" names a thread, not a kind: keep the letters only. */
        while (sig->len && g_ascii_isdigit(sig->str[sig->len - 1])) {
            g_string_truncate(sig, sig->len - 1);
        }
    }
    return g_string_free(sig, FALSE);
}

char *wk_scenario_text_set(const char *text, const char *group, const char *key,
                           const char *value)
{
    gchar **lines = g_strsplit(text, "\n", -1);
    GString *o = g_string_new(NULL);
    char *header = g_strdup_printf("[%s]", group);
    bool in_group = false, done = false;
    int header_at = -1;
    for (int i = 0; lines[i]; i++) {
        char *l = g_strstrip(g_strdup(lines[i]));
        if (l[0] == '[') {
            if (in_group && !done) {
                /* The key was absent from its group: add it at the end. */
                g_string_append_printf(o, "%s = %s\n", key, value);
                done = true;
            }
            in_group = strcmp(l, header) == 0;
            header_at = in_group ? i : header_at;
        } else if (in_group && !done && l[0] != '#') {
            char *eq = strchr(l, '=');
            if (eq) {
                char *k = g_strstrip(g_strndup(l, (gsize)(eq - l)));
                bool match = strcmp(k, key) == 0;
                g_free(k);
                if (match) {
                    g_string_append_printf(o, "%s = %s%s", key, value,
                                           lines[i + 1] ? "\n" : "");
                    done = true;
                    g_free(l);
                    continue;
                }
            }
        }
        g_string_append(o, lines[i]);
        if (lines[i + 1]) {
            g_string_append_c(o, '\n');
        }
        g_free(l);
    }
    if (!done) {
        if (header_at < 0) {
            g_string_append_printf(
                o, "%s%s\n", o->len && o->str[o->len - 1] != '\n' ? "\n" : "", header);
        }
        if (o->len && o->str[o->len - 1] != '\n') {
            g_string_append_c(o, '\n');
        }
        g_string_append_printf(o, "%s = %s\n", key, value);
    }
    g_free(header);
    g_strfreev(lines);
    return g_string_free(o, FALSE);
}

/* ---- the search ---- */

typedef struct {
    const wk_shrink_opts_t *o;
    const char *signature;
    wk_shrink_result_t *res; /* current best: text, scn, out, figures */
    unsigned budget;
} shrinker_t;

/* Decisions as the bytes SIM_DECIDE_BYTES reads back to the same values. */
static GByteArray *as_bytes(const uint32_t *values, const uint32_t *bounds, size_t n)
{
    GByteArray *b = g_byte_array_new();
    for (size_t i = 0; i < n; i++) {
        unsigned width = bounds[i] <= 256 ? 1 : bounds[i] <= 65536 ? 2 : 4;
        for (unsigned k = 0; k < width; k++) {
            guint8 byte = (guint8)(values[i] >> (8 * k));
            g_byte_array_append(b, &byte, 1);
        }
    }
    return b;
}

/* Replays a candidate; keeps it when it shows the same violation and is
 * simpler.  Takes ownership of text and scn (kept or freed). */
static bool try_run(shrinker_t *s, char *text, scn_t *scn, const uint32_t *values,
                    const uint32_t *bounds, size_t n, const wk_keyed_t *keyed);

static bool try_candidate(shrinker_t *s, char *text, scn_t *scn, const uint32_t *values,
                          const uint32_t *bounds, size_t n)
{
    return try_run(s, text, scn, values, bounds, n, NULL);
}

/* Replays a candidate (positional bytes, or keyed decisions when keyed is
 * set); keeps it when it shows the same violation and is simpler. */
static bool try_run(shrinker_t *s, char *text, scn_t *scn, const uint32_t *values,
                    const uint32_t *bounds, size_t n, const wk_keyed_t *keyed)
{
    if (s->res->candidates >= s->budget || !scn) {
        g_free(text);
        scn_free(scn);
        return false;
    }
    s->res->candidates++;
    GByteArray *bytes = as_bytes(values, bounds, n);
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.ns_per_step = s->o->ns_per_step;
    o.memory_model = s->o->memory_model;
    o.decide.kind = SIM_DECIDE_BYTES;
    o.decide.bytes = bytes->data;
    o.decide.bytes_len = bytes->len;
    if (keyed) {
        o.decide.kind = SIM_DECIDE_KEYED;
        o.decide.keyed = keyed->items;
        o.decide.keyed_len = keyed->n;
    }
    wk_outcome_t out;
    wk_machine_run(scn, &o, &out);
    g_byte_array_free(bytes, TRUE);

    char *sig = wk_violation_signature(&out);
    wk_figures_t fig;
    wk_figures_of(scn, &out, &fig);
    bool keep = strcmp(sig, s->signature) == 0 && simpler(&fig, &s->res->after);
    g_free(sig);
    if (!keep) {
        wk_outcome_clear(&out);
        g_free(text);
        scn_free(scn);
        return false;
    }
    wk_outcome_clear(&s->res->out);
    s->res->out = out;
    g_free(s->res->scenario_text);
    s->res->scenario_text = text;
    scn_free(s->res->scn);
    s->res->scn = scn;
    s->res->after = fig;
    s->res->accepted++;
    if (s->o->progress && s->res->candidates > 1) {
        char label[64];
        g_snprintf(label, sizeof(label), "  candidate %u kept", s->res->candidates);
        wk_figures_print(s->o->progress, label, &fig);
    }
    return true;
}

static bool try_decisions(shrinker_t *s, const uint32_t *values)
{
    const wk_outcome_t *cur = &s->res->out;
    return try_candidate(s, g_strdup(s->res->scenario_text),
                         scn_load_text(s->res->scenario_text, s->res->scn->path, NULL),
                         values, cur->bounds, cur->n_decisions);
}

typedef bool select_fn_t(const wk_outcome_t *out, size_t i);

static bool is_preemption(const wk_outcome_t *out, size_t i)
{
    const sim_decision_info_t *in = &out->info[i];
    return in->thread && in->current_runnable && out->decisions[i] != in->dflt;
}

static bool is_nondefault(const wk_outcome_t *out, size_t i)
{
    return out->decisions[i] != out->info[i].dflt;
}

/* ddmin-style: set chunks of the selected decisions back to default, from
 * all of them down to one at a time; after each success start over on the
 * new run (its decisions are re-selected).  Returns whether any was kept. */
static bool ddmin(shrinker_t *s, select_fn_t *select, const char *what)
{
    bool any = false;
    if (s->o->progress) {
        fprintf(s->o->progress, "pass: %s\n", what);
    }
    for (;;) {
        const wk_outcome_t *cur = &s->res->out;
        GArray *idx = g_array_new(FALSE, FALSE, sizeof(size_t));
        for (size_t i = 0; i < cur->n_decisions; i++) {
            if (select(cur, i)) {
                g_array_append_val(idx, i);
            }
        }
        bool kept = false;
        for (size_t chunk = idx->len; chunk >= 1 && !kept; chunk /= 2) {
            for (size_t start = 0; start < idx->len && !kept; start += chunk) {
                uint32_t *v =
                    g_memdup2(cur->decisions, cur->n_decisions * sizeof(uint32_t));
                for (size_t k = start; k < start + chunk && k < idx->len; k++) {
                    size_t i = g_array_index(idx, size_t, k);
                    v[i] = cur->info[i].dflt;
                }
                kept = try_decisions(s, v);
                g_free(v);
                if (s->res->candidates >= s->budget) {
                    break;
                }
            }
            if (s->res->candidates >= s->budget) {
                break;
            }
        }
        g_array_free(idx, TRUE);
        if (!kept) {
            return any;
        }
        any = true;
    }
}

/* ddmin over the keyed decisions: dropping one leaves the others meaning
 * what they meant (they are keyed to events, not positions), so this pass
 * removes preemptions the positional one cannot. */
static bool ddmin_keyed(shrinker_t *s)
{
    bool any = false;
    if (s->o->progress) {
        fprintf(s->o->progress, "pass: drop keyed decisions\n");
    }
    for (;;) {
        wk_keyed_t k;
        if (!s->res->out.keyed || !wk_keyed_parse(s->res->out.keyed, &k, NULL)) {
            return any;
        }
        bool kept = false;
        for (size_t chunk = k.n; chunk >= 1 && !kept; chunk /= 2) {
            for (size_t start = 0; start < k.n && !kept; start += chunk) {
                wk_keyed_t c = { g_new(sim_keyed_decision_t, k.n + 1), 0, NULL };
                for (size_t i = 0; i < k.n; i++) {
                    if (i < start || i >= start + chunk) {
                        c.items[c.n++] = k.items[i];
                    }
                }
                const wk_outcome_t *cur = &s->res->out;
                kept =
                    try_run(s, g_strdup(s->res->scenario_text),
                            scn_load_text(s->res->scenario_text, s->res->scn->path, NULL),
                            cur->decisions, cur->bounds, cur->n_decisions, &c);
                g_free(c.items);
                if (s->res->candidates >= s->budget) {
                    break;
                }
            }
            if (s->res->candidates >= s->budget) {
                break;
            }
        }
        wk_keyed_clear(&k);
        if (!kept) {
            return any;
        }
        any = true;
    }
}

/* Fewer vCPUs, batches, requests per batch: halve, then step down by one. */
static bool shrink_workload(shrinker_t *s)
{
    static const struct {
        const char *group, *key;
        size_t off;
        unsigned min;
    } knobs[] = {
        { "machine", "vcpus", offsetof(scn_t, vcpus), 1 },
        { "workload", "batches", offsetof(scn_t, batches), 1 },
        { "workload", "batch-size", offsetof(scn_t, batch_size), 1 },
    };
    bool any = false;
    if (s->o->progress) {
        fprintf(s->o->progress, "pass: threads and workload items\n");
    }
    for (unsigned k = 0; k < G_N_ELEMENTS(knobs); k++) {
        for (;;) {
            unsigned now = *(unsigned *)((char *)s->res->scn + knobs[k].off);
            unsigned tries[] = { knobs[k].min, now / 2, now - 1 };
            bool kept = false;
            for (unsigned t = 0; t < G_N_ELEMENTS(tries) && !kept; t++) {
                if (tries[t] < knobs[k].min || tries[t] >= now) {
                    continue;
                }
                char val[16];
                g_snprintf(val, sizeof(val), "%u", tries[t]);
                char *text = wk_scenario_text_set(s->res->scenario_text, knobs[k].group,
                                                  knobs[k].key, val);
                scn_t *scn = scn_load_text(text, s->res->scn->path, NULL);
                if (!scn) {
                    g_free(text);
                    continue;
                }
                const wk_outcome_t *cur = &s->res->out;
                /* Keyed decisions first: they keep their meaning when fewer
                 * threads or requests shift every position. */
                wk_keyed_t k = { 0 };
                if (cur->keyed && wk_keyed_parse(cur->keyed, &k, NULL)) {
                    kept = try_run(s, g_strdup(text),
                                   scn_load_text(text, s->res->scn->path, NULL),
                                   cur->decisions, cur->bounds, cur->n_decisions, &k);
                    wk_keyed_clear(&k);
                }
                if (kept) {
                    g_free(text);
                    scn_free(scn);
                } else {
                    kept = try_candidate(s, text, scn, cur->decisions, cur->bounds,
                                         cur->n_decisions);
                }
            }
            if (!kept) {
                break;
            }
            any = true;
        }
    }
    return any;
}

/* Shorter run: keep only a prefix of the decisions (the default policy
 * goes on after it), binary search for the shortest that still fails. */
static bool shrink_prefix(shrinker_t *s)
{
    if (s->o->progress) {
        fprintf(s->o->progress, "pass: shortest decision prefix\n");
    }
    bool any = false;
    size_t lo = 0, hi = s->res->out.n_decisions;
    while (lo < hi && s->res->candidates < s->budget) {
        size_t mid = lo + (hi - lo) / 2;
        const wk_outcome_t *cur = &s->res->out;
        if (try_candidate(s, g_strdup(s->res->scenario_text),
                          scn_load_text(s->res->scenario_text, s->res->scn->path, NULL),
                          cur->decisions, cur->bounds, MIN(mid, cur->n_decisions))) {
            any = true;
            hi = MIN(mid, s->res->out.n_decisions);
        } else {
            lo = mid + 1;
        }
    }
    return any;
}

bool wk_shrink(const scn_t *scn, const wk_outcome_t *start, const wk_shrink_opts_t *o,
               wk_shrink_result_t *res, GError **err)
{
    memset(res, 0, sizeof(*res));
    if (start->result == SIM_RESULT_OK) {
        g_set_error(err, SCN_ERROR, 0, "the run to shrink has no violation");
        return false;
    }
    char *sig = wk_violation_signature(start);
    shrinker_t s = { .o = o,
                     .signature = sig,
                     .res = res,
                     .budget = o->max_candidates ? o->max_candidates : 4000 };
    res->scenario_text = g_strdup(scn->text);
    res->scn = scn_load_text(scn->text, scn->path, err);
    if (!res->scn) {
        g_free(sig);
        g_free(res->scenario_text);
        res->scenario_text = NULL;
        return false;
    }
    /* The starting point is the recorded run itself (replayed leniently, as
     * every candidate is), so before and after are measured alike. */
    res->out = (wk_outcome_t){ 0 };
    wk_figures_of(scn, start, &res->before);
    res->after = res->before;
    res->after.preemptions = UINT_MAX; /* anything that fails beats it */
    try_candidate(&s, g_strdup(scn->text), scn_load_text(scn->text, scn->path, NULL),
                  start->decisions, start->bounds, start->n_decisions);
    if (!res->accepted) {
        g_set_error(err, SCN_ERROR, 0,
                    "replaying the recorded decisions does not give "
                    "'%s' again",
                    sig);
        g_free(sig);
        return false;
    }
    res->accepted = 0;
    if (o->progress) {
        fprintf(o->progress, "shrinking: keeps '%s'\n", sig);
        wk_figures_print(o->progress, "start", &res->before);
    }
    /* Each pass can open room for the others: repeat until none helps. */
    bool more = true;
    while (more && res->candidates < s.budget) {
        more = ddmin_keyed(&s);
        more |= ddmin(&s, is_preemption, "fewer preemptions");
        more |= ddmin(&s, is_nondefault, "fewer non-default decisions");
        more |= shrink_workload(&s);
        more |= shrink_prefix(&s);
    }
    if (o->progress && res->candidates >= s.budget) {
        fprintf(o->progress, "stopped at the budget of %u replays\n", s.budget);
    }
    g_free(sig);
    return true;
}

void wk_shrink_result_clear(wk_shrink_result_t *res)
{
    g_free(res->scenario_text);
    scn_free(res->scn);
    wk_outcome_clear(&res->out);
    memset(res, 0, sizeof(*res));
}

/*
 * keyed.c - encoding and parsing keyed decisions (see keyed.h).
 */
#include <inttypes.h>
#include <string.h>
#include "keyed.h"

char *wk_keyed_encode(const sim_world_t *w)
{
    const uint32_t *values, *bounds;
    size_t n = sim_world_decisions(w, &values, &bounds);
    const sim_decision_info_t *info = sim_world_decision_info(w);
    /* Every decision is counted, default or not: SIM_DECIDE_KEYED counts
     * them all too, and the ordinals must agree. */
    sim_label_ords_t *ords = sim_label_ords_new();
    GString *s = g_string_new(NULL);
    for (size_t i = 0; i < n; i++) {
        const sim_decision_info_t *in = &info[i];
        const char *label = sim_label_ords_label(ords, in->site, in->commit);
        uint32_t ord = sim_label_ords_take(ords, in->key_thread, in->key_prog,
                                           in->key_wakes, in->key_since, label);
        if (values[i] == in->dflt || in->key_thread == 0) {
            continue; /* the default policy takes it anyway */
        }
        /* P.E, or P.K.E after K kernel wakes since the program step */
        g_string_append_printf(s, "%s%s@%" PRIu64, s->len ? " " : "",
                               sim_world_thread_name_of(w, in->key_thread),
                               (uint64_t)in->key_prog);
        if (in->key_wakes) {
            g_string_append_printf(s, ".%u", in->key_wakes);
        }
        g_string_append_printf(s, ".%u#%s#%u", in->key_since, label, ord);
        if (in->thread) {
            g_string_append_printf(s, ">%s", sim_world_thread_name_of(w, in->chosen));
        } else {
            g_string_append_printf(s, "=%u/%u", values[i], bounds[i]);
        }
    }
    sim_label_ords_free(ords);
    return g_string_free(s, FALSE);
}

static bool bad(GError **err, const char *tok, const char *why)
{
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "keyed decision '%s': %s", tok, why);
    return false;
}

static bool name_ok(const char *p, size_t len)
{
    if (len == 0 || len > 31) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isalnum(p[i]) && p[i] != '-' && p[i] != '_' && p[i] != '.') {
            return false;
        }
    }
    return true;
}

static bool label_ok(const char *p, size_t len)
{
    if (len == 0 || len > 159 || g_ascii_isdigit(p[0])) {
        return false;
    }
    for (size_t i = 0; i < len; i++) {
        if (!g_ascii_isalnum(p[i]) && p[i] != '-' && p[i] != '_' && p[i] != '.' &&
            p[i] != ':') {
            return false;
        }
    }
    return true;
}

static bool number(const char **p, uint64_t max, uint64_t *out)
{
    if (!g_ascii_isdigit(**p)) {
        return false;
    }
    char *end;
    guint64 v = g_ascii_strtoull(*p, &end, 10);
    if (v > max) {
        return false;
    }
    *p = end;
    *out = v;
    return true;
}

/* THREAD@EVENTS# or THREAD@PROG.[WAKES.]EVENTS#LABEL#, then ORDINAL: the
 * key of one decision.  *pp is left after the ordinal. */
static bool parse_key(wk_keyed_t *k, const char *tok, const char **pp,
                      sim_keyed_decision_t *d, GError **err)
{
    const char *at = strchr(tok, '@');
    uint64_t events, ev2, ord;
    if (!at || !name_ok(tok, (size_t)(at - tok))) {
        return bad(
            err, tok,
            "expected THREAD@PROG.EVENTS#LABEL#ORDINAL then >THREAD or =VALUE/BOUND");
    }
    const char *p = at + 1;
    d->thread = g_string_chunk_insert_len(k->names, tok, at - tok);
    if (!number(&p, UINT64_MAX / 2, &events)) {
        return bad(err, tok, "bad @EVENTS");
    }
    bool labelled = *p == '.';
    if (labelled) {
        p++;
        d->prog = events;
        if (!number(&p, UINT64_MAX / 2, &events)) {
            return bad(err, tok, "bad @PROG.EVENTS");
        }
        if (*p == '.') { /* PROG.WAKES.EVENTS */
            p++;
            if (events > UINT32_MAX || !number(&p, UINT64_MAX / 2, &ev2)) {
                return bad(err, tok, "bad @PROG.WAKES.EVENTS");
            }
            d->wakes = (uint32_t)events;
            events = ev2;
        }
    }
    if (*p++ != '#' || labelled != !g_ascii_isdigit(*p)) {
        return bad(err, tok, "expected @PROG.EVENTS#LABEL# or @EVENTS#");
    }
    if (labelled) {
        /* Labelled form: #LABEL#ORDINAL. */
        const char *end = strchr(p, '#');
        if (!end || !label_ok(p, (size_t)(end - p))) {
            return bad(err, tok, "bad #LABEL# (letters, digits, _ : . -)");
        }
        d->label = g_string_chunk_insert_len(k->names, p, end - p);
        p = end + 1;
    }
    if (!number(&p, UINT32_MAX, &ord)) {
        return bad(err, tok, "bad ORDINAL");
    }
    d->events = events;
    d->ordinal = (uint32_t)ord;
    *pp = p;
    return true;
}

/* >THREAD (a thread choice) or =VALUE/BOUND (a value choice). */
static bool parse_choice(wk_keyed_t *k, const char *tok, const char *p,
                         sim_keyed_decision_t *d, GError **err)
{
    uint64_t v, b;
    if (*p == '>') {
        p++;
        if (!name_ok(p, strlen(p))) {
            return bad(err, tok, "bad thread name after '>'");
        }
        d->is_thread = true;
        d->chosen = g_string_chunk_insert(k->names, p);
        return true;
    }
    if (*p == '=') {
        p++;
        if (!number(&p, UINT32_MAX, &v) || *p++ != '/' || !number(&p, UINT32_MAX, &b) ||
            *p || b < 2 || v >= b) {
            return bad(err, tok, "bad =VALUE/BOUND (value < bound, bound >= 2)");
        }
        d->value = (uint32_t)v;
        d->bound = (uint32_t)b;
        return true;
    }
    return bad(err, tok, "expected '>' or '=' after the ordinal");
}

bool wk_keyed_parse(const char *text, wk_keyed_t *k, GError **err)
{
    memset(k, 0, sizeof(*k));
    k->names = g_string_chunk_new(256);
    gchar **toks = g_strsplit_set(text, " \t\n", -1);
    GArray *a = g_array_new(FALSE, TRUE, sizeof(sim_keyed_decision_t));
    bool ok = true;
    for (gchar **t = toks; *t && ok; t++) {
        if (!**t) {
            continue;
        }
        sim_keyed_decision_t d = { 0 };
        const char *p;
        ok = parse_key(k, *t, &p, &d, err) && parse_choice(k, *t, p, &d, err);
        if (ok) {
            g_array_append_val(a, d);
        }
    }
    g_strfreev(toks);
    k->n = a->len;
    k->items = (sim_keyed_decision_t *)g_array_free(a, FALSE);
    if (!ok) {
        wk_keyed_clear(k);
    }
    return ok;
}

void wk_keyed_clear(wk_keyed_t *k)
{
    g_free(k->items);
    if (k->names) {
        g_string_chunk_free(k->names);
    }
    memset(k, 0, sizeof(*k));
}

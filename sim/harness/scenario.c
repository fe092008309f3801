/*
 * scenario.c - loading and validating scenario files (GKeyFile).
 *
 * GKeyFile gives no line numbers, so the text is scanned once first: every
 * line must be blank, a comment, a [group] or a key = value, and each
 * group/key is remembered with its line, so that every later error (unknown
 * group or key, bad value, missing key) names FILE:LINE.
 */
#include <string.h>
#include "scenario.h"
#include "invariant.h"

G_DEFINE_QUARK(wakesim - scenario - error, scn_error)

typedef enum {
    FIELD_UINT,
    FIELD_DURATION,
    FIELD_SIZE,
    FIELD_STRING,
    FIELD_ENUM
} field_kind_t;

typedef struct {
    const char *group;
    const char *key;
    field_kind_t kind;
    size_t offset;
    bool required;
    uint64_t min, max;        /* UINT, DURATION (ns), SIZE (bytes) */
    const char *const *names; /* ENUM: NULL-terminated, index = value */
} field_t;

static const char *const backend_names[] = { "auto", "ppoll", "io_uring", NULL };
static const char *const submit_names[] = { "mmio-inline", "ioeventfd", "bh",
                                            "timer",       "mmio-sync", NULL };
static const char *const target_names[] = { "main", "iothread", NULL };
static const char *const strategy_names[] = { "random", "pct", NULL };
/* Index = sim_memory_model_t. */
static const char *const memory_model_names[] = { "sc", "tso", "pso", "arm", NULL };
static const char *const workload_names[] = { "batches", "generated", NULL };
/* Index = scn_surface_t. */
static const char *const surface_names[] = { "loop", "qemu", NULL };
static const char *const yes_no_names[] = { "yes", "no", NULL };
static const char *const no_yes_names[] = { "no", "yes", NULL };
static const char *const sibling_wait_names[] = { "auto", "blocking", NULL };

#define OFF(m) offsetof(scn_t, m)
#define MS(n) ((uint64_t)(n)*1000000)
/* The largest run budget, of the file ([expect] runs) or of one expectation. */
#define SCN_MAX_RUNS 100000000
/* The largest N of [bounds] busy-loop. */
#define SCN_MAX_BUSY_WAITS 1000000

static const field_t fields[] = {
    { "scenario", "name", FIELD_STRING, OFF(name), true },
    { "scenario", "description", FIELD_STRING, OFF(description), false },
    { "machine", "backend", FIELD_ENUM, OFF(backend), false, .names = backend_names },
    { "machine", "ring-entries", FIELD_UINT, OFF(ring_entries), false, 4, 4096 },
    { "machine", "main-loop-timer", FIELD_DURATION, OFF(main_timer_ns), false, 0,
      MS(3600000) },
    { "machine", "vcpus", FIELD_UINT, OFF(vcpus), false, 1, 16 },
    { "machine", "poll-max-ns", FIELD_UINT, OFF(poll_max_ns), false, 0, 1000000000 },
    { "machine", "poll-grow", FIELD_UINT, OFF(poll_grow), false, 0, 1000 },
    { "machine", "poll-shrink", FIELD_UINT, OFF(poll_shrink), false, 0, 1000 },
    { "device", "submit", FIELD_ENUM, OFF(submit), true, .names = submit_names },
    { "device", "target", FIELD_ENUM, OFF(target), false, .names = target_names },
    { "device", "latency-min", FIELD_DURATION, OFF(latency_min_ns), false, 0, MS(10000) },
    { "device", "latency-max", FIELD_DURATION, OFF(latency_max_ns), false, 0, MS(10000) },
    { "workload", "batches", FIELD_UINT, OFF(batches), true, 1, 1000000 },
    { "workload", "batch-size", FIELD_UINT, OFF(batch_size), true, 1, 4096 },
    { "workload", "chunk-size", FIELD_SIZE, OFF(chunk_bytes), false, 512, 16u << 20 },
    { "workload", "think-before-batch", FIELD_DURATION, OFF(think_before_batch_ns), false,
      0, MS(10000) },
    { "workload", "think-after-completion", FIELD_DURATION, OFF(think_after_completion_ns),
      false, 0, MS(10000) },
    { "workload", "think-jitter", FIELD_DURATION, OFF(think_jitter_ns), false, 0,
      MS(10000) },
    { "bounds", "sqe-submit", FIELD_DURATION, OFF(bound_sqe_submit_ns), false, 1,
      MS(3600000) },
    { "bounds", "cqe-reap", FIELD_DURATION, OFF(bound_cqe_reap_ns), false, 1, MS(3600000) },
    { "bounds", "handoff", FIELD_DURATION, OFF(bound_handoff_ns), false, 1, MS(3600000) },
    { "bounds", "deadline", FIELD_DURATION, OFF(deadline_ns), false, 1, MS(86400000) },
    { "expect", "runs", FIELD_UINT, OFF(run_budget), false, 1, SCN_MAX_RUNS },
    { "expect", "strategy", FIELD_ENUM, OFF(check_strategy), false,
      .names = strategy_names },
    { "expect", "pct-depth", FIELD_UINT, OFF(check_pct_depth), false, 1, 64 },
    { "expect", "hold-stores", FIELD_UINT, OFF(check_hold_stores), false, 0, 1000000 },
    { "machine", "memory-model", FIELD_ENUM, OFF(memory_model), false,
      .names = memory_model_names },
    { "workload", "kind", FIELD_ENUM, OFF(workload), false, .names = workload_names },
    { "workload", "ops", FIELD_UINT, OFF(gen_ops), false, 1, 100000 },
    { "workload", "surface", FIELD_ENUM, OFF(gen_surface), false, .names = surface_names },
    { "workload", "sibling-wait", FIELD_ENUM, OFF(gen_sibling_wait), false,
      .names = sibling_wait_names },
    { "workload", "bql-polls", FIELD_ENUM, OFF(gen_no_bql_polls), false,
      .names = yes_no_names },
    { "workload", "main-loop-ops", FIELD_ENUM, OFF(gen_main_loop_ops), false,
      .names = no_yes_names },
    { "scenario", "targets", FIELD_STRING, OFF(targets), false },
    { "scenario", "schedule-fuzzing", FIELD_ENUM, OFF(no_schedule_fuzzing), false,
      .names = yes_no_names },
};

static const char *const known_groups[] = { "scenario", "machine", "device", "workload",
                                            "bounds",   "expect",  "faults", NULL };

/* ---- the line index ---- */

typedef struct {
    const char *path;
    GHashTable *lines; /* "group\nkey" or "group" -> line (GINT) */
} line_index_t;

static int line_of(const line_index_t *ix, const char *group, const char *key)
{
    char *k = key ? g_strdup_printf("%s\n%s", group, key) : g_strdup(group);
    int line = GPOINTER_TO_INT(g_hash_table_lookup(ix->lines, k));
    g_free(k);
    return line ? line : 1;
}

static void *fail_at(GError **err, const char *path, int line, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static void *fail_at(GError **err, const char *path, int line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(err, SCN_ERROR, 1, "%s:%d: %s", path, line, msg);
    g_free(msg);
    return NULL;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++) {
        if (strcmp(*list, s) == 0) {
            return true;
        }
    }
    return false;
}

static bool key_is_known(const char *group, const char *key)
{
    if (strcmp(group, "faults") == 0) {
        return sim_fault_lookup(key) >= 0;
    }
    if (strcmp(group, "bounds") == 0 && strcmp(key, "busy-loop") == 0) {
        return true; /* load_busy_loop */
    }
    if (strcmp(group, "machine") == 0 && strcmp(key, "fairness") == 0) {
        return true; /* load_fairness */
    }
    if (strcmp(group, "expect") == 0 && strcmp(key, "runs") != 0 &&
        strcmp(key, "strategy") != 0 && strcmp(key, "pct-depth") != 0 &&
        strcmp(key, "hold-stores") != 0) {
        return strcmp(key, "fixed") == 0 || aio_mutant_lookup(key) >= 0;
    }
    for (size_t i = 0; i < G_N_ELEMENTS(fields); i++) {
        if (strcmp(fields[i].group, group) == 0 && strcmp(fields[i].key, key) == 0) {
            return true;
        }
    }
    return false;
}

/* Checks the syntax line by line and indexes where each group/key stands. */
static bool index_lines(const char *text, line_index_t *ix, GError **err)
{
    gchar **lines = g_strsplit(text, "\n", -1);
    char *group = NULL;
    bool ok = true;

    for (int i = 0; lines[i] && ok; i++) {
        int line = i + 1;
        char *l = g_strstrip(lines[i]);
        if (*l == '\0' || *l == '#' || *l == ';') {
            continue;
        }
        if (*l == '[') {
            char *end = strchr(l, ']');
            if (!end || end[1] != '\0') {
                ok = fail_at(err, ix->path, line, "malformed group header '%s'", l) != NULL;
                break;
            }
            g_free(group);
            group = g_strndup(l + 1, (gsize)(end - l - 1));
            if (!in_list(known_groups, group)) {
                fail_at(err, ix->path, line,
                        "unknown group [%s] (known: scenario, "
                        "machine, device, workload, bounds, expect, faults)",
                        group);
                ok = false;
                break;
            }
            g_hash_table_insert(ix->lines, g_strdup(group), GINT_TO_POINTER(line));
            continue;
        }
        char *eq = strchr(l, '=');
        if (!eq) {
            fail_at(err, ix->path, line, "expected 'key = value', got '%s'", l);
            ok = false;
            break;
        }
        if (!group) {
            fail_at(err, ix->path, line, "key outside any [group]");
            ok = false;
            break;
        }
        *eq = '\0';
        char *key = g_strstrip(l);
        if (!key_is_known(group, key)) {
            fail_at(err, ix->path, line, "unknown key '%s' in [%s]", key, group);
            ok = false;
            break;
        }
        g_hash_table_insert(ix->lines, g_strdup_printf("%s\n%s", group, key),
                            GINT_TO_POINTER(line));
    }
    g_free(group);
    g_strfreev(lines);
    return ok;
}

/* ---- values ---- */

/* "499ms", "1.5s" is not accepted (no floats): integers with ns/us/ms/s. */
static bool parse_duration(const char *v, uint64_t *out)
{
    char *end;
    if (!g_ascii_isdigit(*v)) {
        return false;
    }
    guint64 n = g_ascii_strtoull(v, &end, 10);
    uint64_t mult;
    if (strcmp(end, "ns") == 0) {
        mult = 1;
    } else if (strcmp(end, "us") == 0) {
        mult = 1000;
    } else if (strcmp(end, "ms") == 0) {
        mult = 1000000;
    } else if (strcmp(end, "s") == 0) {
        mult = 1000000000;
    } else if (*end == '\0' && n == 0) {
        mult = 1;
    } else {
        return false;
    }
    if (n > UINT64_MAX / mult) {
        return false;
    }
    *out = n * mult;
    return true;
}

static bool parse_size(const char *v, uint64_t *out)
{
    char *end;
    if (!g_ascii_isdigit(*v)) {
        return false;
    }
    guint64 n = g_ascii_strtoull(v, &end, 10);
    unsigned shift = 0;
    if (*end == 'K' || *end == 'k') {
        shift = 10, end++;
    } else if (*end == 'M' || *end == 'm') {
        shift = 20, end++;
    } else if (*end == 'G' || *end == 'g') {
        shift = 30, end++;
    }
    if (*end != '\0' || n > (UINT64_MAX >> shift)) {
        return false;
    }
    *out = n << shift;
    return true;
}

static bool parse_uint(const char *v, uint64_t *out)
{
    char *end;
    if (!g_ascii_isdigit(*v)) {
        return false;
    }
    *out = g_ascii_strtoull(v, &end, 10);
    return *end == '\0';
}

static bool set_field(scn_t *s, GKeyFile *kf, const field_t *f, const line_index_t *ix,
                      GError **err)
{
    int line = line_of(ix, f->group, f->key);
    char *v = g_key_file_get_string(kf, f->group, f->key, NULL);
    bool ok = true;
    uint64_t n = 0;
    char *p = (char *)s + f->offset;

    if (!v) {
        if (f->required) {
            fail_at(err, ix->path, line_of(ix, f->group, NULL),
                    "missing required key '%s' in [%s]", f->key, f->group);
            return false;
        }
        return true;
    }
    g_strstrip(v);
    switch (f->kind) {
    case FIELD_STRING:
        g_free(*(char **)p);
        *(char **)p = v;
        return true;
    case FIELD_ENUM: {
        int idx = -1;
        for (int i = 0; f->names[i]; i++) {
            if (strcmp(f->names[i], v) == 0) {
                idx = i;
            }
        }
        if (idx < 0) {
            char *known = g_strjoinv(", ", (gchar **)f->names);
            fail_at(err, ix->path, line, "bad value '%s' for %s (one of: %s)", v, f->key,
                    known);
            g_free(known);
            ok = false;
        } else {
            *(int *)p = idx;
        }
        break;
    }
    case FIELD_UINT:
    case FIELD_DURATION:
    case FIELD_SIZE: {
        const char *what = f->kind == FIELD_UINT   ? "a whole number"
                           : f->kind == FIELD_SIZE ? "a size (e.g. 128K, 4M)"
                                                   : "a duration (e.g. 499ms, 50us, 2s)";
        bool parsed = f->kind == FIELD_UINT   ? parse_uint(v, &n)
                      : f->kind == FIELD_SIZE ? parse_size(v, &n)
                                              : parse_duration(v, &n);
        if (!parsed) {
            fail_at(err, ix->path, line, "bad value '%s' for %s: expected %s", v, f->key,
                    what);
            ok = false;
        } else if (n < f->min || n > f->max) {
            fail_at(err, ix->path, line,
                    "%s = %s is out of range [%" G_GUINT64_FORMAT ", %" G_GUINT64_FORMAT
                    "]%s",
                    f->key, v, f->min, f->max, f->kind == FIELD_DURATION ? " ns" : "");
            ok = false;
        } else if (f->kind == FIELD_UINT) {
            *(unsigned *)p = (unsigned)n;
        } else if (f->kind == FIELD_SIZE) {
            *(uint64_t *)p = n;
        } else {
            *(int64_t *)p = (int64_t)n;
        }
        break;
    }
    }
    g_free(v);
    return ok;
}

/* "..., runs N": this expectation's own budget, cut off v. */
static bool cut_own_budget(char *v, const char *key, const line_index_t *ix,
                           uint64_t *own_runs, GError **err)
{
    char *comma = strchr(v, ',');
    if (!comma) {
        return true;
    }
    *comma = '\0';
    g_strstrip(v);
    const char *r = g_strstrip(comma + 1);
    const char *n = g_str_has_prefix(r, "runs") ? r + 4 : "";
    bool spaced = g_ascii_isspace(*n);
    while (g_ascii_isspace(*n))
        n++;
    if (!spaced || !parse_uint(n, own_runs) || *own_runs < 1 || *own_runs > SCN_MAX_RUNS) {
        fail_at(err, ix->path, line_of(ix, "expect", key),
                "bad budget '%s' in the expectation for %s: 'runs N' with N in 1..%d", r,
                key, SCN_MAX_RUNS);
        return false;
    }
    return true;
}

/* "invariant@model": the expectation holds under that memory model; the
 * model is cut off v. */
static bool cut_model(char *v, const char *key, const line_index_t *ix, int *model,
                      GError **err)
{
    char *at = strchr(v, '@');
    if (!at) {
        return true;
    }
    *at = '\0';
    g_strstrip(v);
    *model = sim_memory_model_parse(g_strstrip(at + 1));
    if (*model < 0) {
        fail_at(
            err, ix->path, line_of(ix, "expect", key),
            "bad memory model '%s' in the expectation for %s (one of: sc, tso, pso, arm)",
            at + 1, key);
        return false;
    }
    return true;
}

/* Whether name is one of the n strings of list. */
static bool listed(gchar **list, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(list[i], name) == 0) {
            return true;
        }
    }
    return false;
}

/* What an expectation says must happen, normalised into *out (g_free):
 * "pass", "found" (any violation) or one or more invariants joined by
 * " | " (a violation of one of them). */
static bool parse_outcome(const char *v, const char *key, const line_index_t *ix,
                          char **out, GError **err)
{
    int line = line_of(ix, "expect", key);
    if (strcmp(v, "pass") == 0 || strcmp(v, "found") == 0) {
        *out = g_strdup(v);
        return true;
    }
    gchar **alts = g_strsplit(v, "|", -1);
    size_t n = g_strv_length(alts);
    const char *why = NULL;
    size_t i;
    for (i = 0; i < n && !why; i++) {
        const char *a = g_strstrip(alts[i]);
        if (*a == '\0') {
            why = "is an empty alternative";
        } else if (strcmp(a, "pass") == 0 || strcmp(a, "found") == 0) {
            why = "stands alone: 'pass' and 'found' are not invariants";
        } else if (!wk_invariant_known(a)) {
            why = "is not 'pass', 'found' or an invariant";
        } else if (listed(alts, i, a)) {
            why = "is listed twice";
        }
    }
    if (why) {
        fail_at(err, ix->path, line,
                "bad expectation '%s' for %s: '%s' %s (an expectation is 'pass', 'found' "
                "or invariants separated by '|': %s)",
                v, key, alts[i - 1], why, wk_invariant_list());
    } else {
        *out = g_strjoinv(" | ", alts);
    }
    g_strfreev(alts);
    return why == NULL;
}

/* One [expect] line for a mutant (or "fixed"): outcome[@model][, runs N]. */
static bool load_expectation(scn_t *s, GKeyFile *kf, const line_index_t *ix,
                             const char *key, GError **err)
{
    char *v = g_strstrip(g_key_file_get_string(kf, "expect", key, NULL));
    uint64_t own_runs = 0;
    int model = -1;
    char *outcome = NULL;
    bool ok = cut_own_budget(v, key, ix, &own_runs, err) &&
              cut_model(v, key, ix, &model, err) &&
              parse_outcome(v, key, ix, &outcome, err);
    g_free(v);
    if (ok && strcmp(key, "fixed") == 0 && strcmp(outcome, "pass") != 0) {
        fail_at(err, ix->path, line_of(ix, "expect", key),
                "the fixed code must be expected to pass");
        ok = false;
    }
    if (!ok) {
        g_free(outcome);
        return false;
    }
    g_hash_table_insert(s->expect, g_strdup(key), outcome);
    if (model >= 0) {
        g_hash_table_insert(s->expect_model, g_strdup(key), GINT_TO_POINTER(model + 1));
    }
    if (own_runs) {
        uint64_t *n = g_new(uint64_t, 1);
        *n = own_runs;
        g_hash_table_insert(s->expect_runs, g_strdup(key), n);
    }
    return true;
}

static bool load_expectations(scn_t *s, GKeyFile *kf, const line_index_t *ix, GError **err)
{
    gchar **keys = g_key_file_get_keys(kf, "expect", NULL, NULL);
    bool ok = true;
    for (gchar **k = keys; k && *k && ok; k++) {
        if (strcmp(*k, "runs") != 0 && strcmp(*k, "strategy") != 0 &&
            strcmp(*k, "pct-depth") != 0 && strcmp(*k, "hold-stores") != 0) {
            ok = load_expectation(s, kf, ix, *k, err);
        }
    }
    g_strfreev(keys);
    return ok;
}

/* [bounds] busy-loop = "N in T" (N waits, T a duration) or "off". */
static bool load_busy_loop(scn_t *s, GKeyFile *kf, const line_index_t *ix, GError **err)
{
    char *v = g_key_file_get_string(kf, "bounds", "busy-loop", NULL);
    if (!v) {
        return true;
    }
    g_strstrip(v);
    char **parts = g_strsplit(v, " in ", 2);
    uint64_t n = 0, window = 0;
    bool ok = strcmp(v, "off") == 0;
    if (ok) {
        s->busy_loop_n = 0;
    } else if (parts[0] && parts[1] && parse_uint(g_strstrip(parts[0]), &n) &&
               parse_duration(g_strstrip(parts[1]), &window) && n >= 2 &&
               n <= SCN_MAX_BUSY_WAITS && window >= 1 && window <= MS(3600000)) {
        s->busy_loop_n = (unsigned)n;
        s->busy_loop_window_ns = (int64_t)window;
        ok = true;
    } else {
        fail_at(err, ix->path, line_of(ix, "bounds", "busy-loop"),
                "bad value '%s' for busy-loop: 'N in T' (N waits in 2..%d, T a duration "
                "up to 3600s, e.g. 50 in 1ms) or 'off'",
                v, SCN_MAX_BUSY_WAITS);
    }
    g_strfreev(parts);
    g_free(v);
    return ok;
}

/* The smallest of the latency bounds a starved giver would be charged
 * against. */
static int64_t smallest_latency_bound(const scn_t *s)
{
    int64_t m = s->bound_handoff_ns;
    m = s->bound_sqe_submit_ns < m ? s->bound_sqe_submit_ns : m;
    return s->bound_cqe_reap_ns < m ? s->bound_cqe_reap_ns : m;
}

/* [machine] fairness = a duration shorter than every latency bound, or
 * "off"; without it, the smallest bound / SCN_FAIRNESS_DIVISOR.  Loaded
 * after [bounds]. */
static bool load_fairness(scn_t *s, GKeyFile *kf, const line_index_t *ix, GError **err)
{
    int64_t smallest = smallest_latency_bound(s);
    char *v = g_key_file_get_string(kf, "machine", "fairness", NULL);
    if (!v) {
        s->fair_ns = smallest / SCN_FAIRNESS_DIVISOR;
        return true;
    }
    g_strstrip(v);
    uint64_t ns = 0;
    bool ok = strcmp(v, "off") == 0;
    if (ok) {
        s->fair_ns = 0;
    } else if (parse_duration(v, &ns) && ns >= 1 && ns < (uint64_t)smallest) {
        s->fair_ns = (int64_t)ns;
        ok = true;
    } else {
        fail_at(err, ix->path, line_of(ix, "machine", "fairness"),
                "bad value '%s' for fairness: a duration from 1ns to below the smallest "
                "of [bounds] sqe-submit, cqe-reap and handoff (%lld ns here), or 'off'",
                v, (long long)smallest);
    }
    g_free(v);
    return ok;
}

/* [faults]: NAME = RATE, RATE being "N%" or "N/1000" (an integer ratio:
 * no floating point in anything that decides). */
static bool load_faults(scn_t *s, GKeyFile *kf, const line_index_t *ix, GError **err)
{
    gchar **keys = g_key_file_get_keys(kf, "faults", NULL, NULL);
    bool ok = true;
    for (gchar **k = keys; k && *k && ok; k++) {
        char *v = g_strstrip(g_key_file_get_string(kf, "faults", *k, NULL));
        char *end = NULL;
        unsigned long n = g_ascii_isdigit(*v) ? strtoul(v, &end, 10) : 0;
        unsigned long permille = 0;
        if (end && strcmp(end, "%") == 0 && n <= 100) {
            permille = n * 10;
        } else if (end && strcmp(end, "/1000") == 0 && n <= 1000) {
            permille = n;
        } else {
            fail_at(err, ix->path, line_of(ix, "faults", *k),
                    "bad rate '%s' for fault %s: 'N%%' (0-100) or 'N/1000'", v, *k);
            ok = false;
        }
        if (ok) {
            s->faults.permille[sim_fault_lookup(*k)] = (uint16_t)permille;
        }
        g_free(v);
    }
    g_strfreev(keys);
    return ok;
}

static void set_defaults(scn_t *s)
{
    s->backend = AIO_BACKEND_IO_URING;
    s->ring_entries = 128;
    s->vcpus = 1;
    s->target = SCN_TARGET_MAIN;
    s->chunk_bytes = 4096;
    s->latency_min_ns = 20000;
    s->latency_max_ns = 200000;
    s->bound_sqe_submit_ns = 10000000;
    s->bound_cqe_reap_ns = 10000000;
    s->bound_handoff_ns = 10000000;
    s->deadline_ns = 60000000000;
    s->busy_loop_n = SCN_BUSY_LOOP_N;
    s->busy_loop_window_ns = SCN_BUSY_LOOP_WINDOW_NS;
    s->run_budget = 100;
    s->check_strategy = SCN_STRATEGY_RANDOM;
    s->check_pct_depth = 3;
    s->gen_ops = 24;
    s->expect = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s->memory_model = SIM_MEMORY_SC;
    s->expect_model = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    s->expect_runs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    s->targets = g_strdup("loop");
}

/* The targets a scenario may list, and what the QEMU target cannot model:
 * a ring size other than QEMU's fixed one, or no io_uring. */
static bool check_targets(scn_t *s, const line_index_t *ix, GError **err)
{
    int line = line_of(ix, "scenario", "targets");
    char **names = g_strsplit(s->targets, ",", -1);
    bool ok = names[0] != NULL;
    if (!ok) {
        fail_at(err, ix->path, line, "targets is empty (one or more of: loop, qemu)");
    }
    for (char **n = names; ok && *n; n++) {
        g_strstrip(*n);
        if (strcmp(*n, "loop") != 0 && strcmp(*n, "qemu") != 0) {
            fail_at(err, ix->path, line, "bad target '%s' in targets (loop, qemu)", *n);
            ok = false;
        } else if (strcmp(*n, "loop") == 0 && s->gen_main_loop_ops) {
            fail_at(err, ix->path, line,
                    "main-loop-ops = yes calls QEMU's main-loop timers and "
                    "qemu_notify_event(), which target loop lacks: list only qemu");
            ok = false;
        } else if (strcmp(*n, "loop") == 0 && s->gen_surface == SCN_SURFACE_QEMU) {
            fail_at(err, ix->path, line,
                    "surface = qemu calls QEMU's thread pool and AIO_WAIT_WHILE, which "
                    "target loop lacks: list only qemu");
            ok = false;
        } else if (strcmp(*n, "qemu") == 0 &&
                   (s->backend != AIO_BACKEND_IO_URING || s->ring_entries != 128)) {
            fail_at(err, ix->path, line,
                    "target qemu needs backend = io_uring with "
                    "128 ring entries (QEMU's fixed ring size)");
            ok = false;
        }
    }
    if (ok) {
        char *joined = g_strjoinv(",", names);
        g_free(s->targets);
        s->targets = joined;
    }
    g_strfreev(names);
    return ok;
}

bool scn_applies_to(const scn_t *s, const char *target)
{
    char **names = g_strsplit(s->targets, ",", -1);
    for (char **n = names; *n; n++) {
        g_strstrip(*n);
    }
    bool found = g_strv_contains((const gchar *const *)names, target);
    g_strfreev(names);
    return found;
}

/* Cross-field rules, reported at the line of the key that breaks them. */

/* The polling keys set the iothread's context: a machine without one (the
 * batches workload serving the main loop) would silently ignore them. */
static bool check_polling(const scn_t *s, const line_index_t *ix, GError **err)
{
    if (!scn_polls(s) || s->workload == SCN_WORKLOAD_GENERATED ||
        s->target == SCN_TARGET_IOTHREAD) {
        return true;
    }
    const char *key = s->poll_max_ns ? "poll-max-ns"
                      : s->poll_grow ? "poll-grow"
                                     : "poll-shrink";
    fail_at(err, ix->path, line_of(ix, "machine", key),
            "%s sets the iothread's polling, but [device] target = main runs no iothread",
            key);
    return false;
}

static bool check_consistency(scn_t *s, const line_index_t *ix, GError **err)
{
    if (s->latency_min_ns > s->latency_max_ns) {
        fail_at(err, ix->path, line_of(ix, "device", "latency-min"),
                "latency-min is larger than latency-max");
        return false;
    }
    if (s->workload == SCN_WORKLOAD_GENERATED) {
        /* The generator picks paths per operation; submit and target do
         * not constrain it.  With uring-init faults the kernel chooses:
         * auto stays, so each context falls back to ppoll when refused. */
        if (s->backend == AIO_BACKEND_AUTO && !s->faults.permille[SIM_FAULT_URING_INIT]) {
            s->backend = AIO_BACKEND_IO_URING;
        }
        return check_targets(s, ix, err);
    }
    if (s->gen_surface != SCN_SURFACE_LOOP) {
        fail_at(err, ix->path, line_of(ix, "workload", "surface"),
                "surface is a choice of the generated workload (kind = generated)");
        return false;
    }
    if (s->gen_no_bql_polls) {
        fail_at(err, ix->path, line_of(ix, "workload", "bql-polls"),
                "bql-polls is a choice of the generated workload (kind = generated)");
        return false;
    }
    if (s->gen_main_loop_ops) {
        fail_at(err, ix->path, line_of(ix, "workload", "main-loop-ops"),
                "main-loop-ops is a choice of the generated workload (kind = generated)");
        return false;
    }
    bool mmio = s->submit == SCN_SUBMIT_MMIO_INLINE || s->submit == SCN_SUBMIT_MMIO_SYNC;
    if (mmio && s->target != SCN_TARGET_MAIN) {
        fail_at(err, ix->path, line_of(ix, "device", "target"),
                "submit = %s runs under the BQL: target must be main",
                scn_submit_name(s->submit));
        return false;
    }
    if (mmio && s->backend == AIO_BACKEND_POLL) {
        fail_at(err, ix->path, line_of(ix, "machine", "backend"),
                "submit = %s needs add_sqe: backend must be io_uring",
                scn_submit_name(s->submit));
        return false;
    }
    if (s->faults.permille[SIM_FAULT_URING_INIT] && s->backend != AIO_BACKEND_AUTO) {
        fail_at(err, ix->path, line_of(ix, "faults", "uring-init"),
                "fault uring-init needs backend = auto (the fallback to ppoll)");
        return false;
    }
    if (s->faults.permille[SIM_FAULT_URING_INIT] && mmio) {
        fail_at(err, ix->path, line_of(ix, "faults", "uring-init"),
                "fault uring-init: submit = %s needs io_uring", scn_submit_name(s->submit));
        return false;
    }
    if (s->backend == AIO_BACKEND_AUTO && !s->faults.permille[SIM_FAULT_URING_INIT]) {
        s->backend = AIO_BACKEND_IO_URING; /* the simulated kernel always has it */
    }
    return check_polling(s, ix, err) && check_targets(s, ix, err);
}

scn_t *scn_load_text(const char *text, const char *path, GError **err)
{
    scn_t *s = g_new0(scn_t, 1);
    line_index_t ix = { path,
                        g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL) };
    GKeyFile *kf = g_key_file_new();
    GError *kerr = NULL;
    bool ok;

    set_defaults(s);
    s->path = g_strdup(path);
    s->text = g_strdup(text);

    ok = index_lines(text, &ix, err);
    if (ok && !g_key_file_load_from_data(kf, text, (gsize)-1, G_KEY_FILE_NONE, &kerr)) {
        fail_at(err, path, 1, "%s", kerr->message);
        g_error_free(kerr);
        ok = false;
    }
    for (size_t i = 0; ok && i < G_N_ELEMENTS(fields); i++) {
        ok = set_field(s, kf, &fields[i], &ix, err);
    }
    ok = ok && load_busy_loop(s, kf, &ix, err) && load_fairness(s, kf, &ix, err);
    ok = ok && load_expectations(s, kf, &ix, err) && load_faults(s, kf, &ix, err) &&
         check_consistency(s, &ix, err);

    g_key_file_free(kf);
    g_hash_table_destroy(ix.lines);
    if (!ok) {
        scn_free(s);
        return NULL;
    }
    return s;
}

scn_t *scn_load_file(const char *path, GError **err)
{
    char *text = NULL;
    GError *ferr = NULL;
    if (!g_file_get_contents(path, &text, NULL, &ferr)) {
        g_set_error(err, SCN_ERROR, 2, "%s: %s", path, ferr->message);
        g_error_free(ferr);
        return NULL;
    }
    if (!g_utf8_validate(text, -1, NULL) || strlen(text) == 0) {
        g_set_error(err, SCN_ERROR, 3, "%s:1: not a scenario (empty or not UTF-8 text)",
                    path);
        g_free(text);
        return NULL;
    }
    scn_t *s = scn_load_text(text, path, err);
    g_free(text);
    return s;
}

void scn_free(scn_t *s)
{
    if (!s) {
        return;
    }
    g_free(s->name);
    g_free(s->description);
    g_free(s->path);
    g_free(s->text);
    g_hash_table_destroy(s->expect);
    g_hash_table_destroy(s->expect_model);
    g_hash_table_destroy(s->expect_runs);
    g_free(s->targets);
    g_free(s);
}

const char *scn_expected(const scn_t *s, const char *mutant)
{
    const char *v = mutant && *mutant ? g_hash_table_lookup(s->expect, mutant) : NULL;
    return v ? v : "pass";
}

bool scn_outcome_accepts(const char *want, const char *verdict)
{
    if (strcmp(want, "pass") == 0 || strcmp(verdict, "pass") == 0) {
        return strcmp(want, verdict) == 0;
    }
    if (strcmp(want, "found") == 0) {
        return true;
    }
    gchar **alts = g_strsplit(want, " | ", -1);
    bool in = listed(alts, g_strv_length(alts), verdict);
    g_strfreev(alts);
    return in;
}

const char *scn_submit_name(scn_submit_t v)
{
    return submit_names[v];
}

const char *scn_target_name(scn_target_t v)
{
    return target_names[v];
}

sim_memory_model_t scn_expected_model(const scn_t *s, const char *mutant)
{
    gpointer v = mutant && *mutant ? g_hash_table_lookup(s->expect_model, mutant) : NULL;
    return v ? (sim_memory_model_t)(GPOINTER_TO_INT(v) - 1)
             : (sim_memory_model_t)s->memory_model;
}

uint64_t scn_expected_runs(const scn_t *s, const char *mutant)
{
    const uint64_t *n =
        mutant && *mutant ? g_hash_table_lookup(s->expect_runs, mutant) : NULL;
    return n ? *n : s->run_budget;
}

char *scn_text_with_generated_workload(const scn_t *s)
{
    GString *out = g_string_new(NULL);
    gchar **lines = g_strsplit(s->text, "\n", -1);
    bool in_workload = false;
    for (int i = 0; lines[i]; i++) {
        char *l = g_strstrip(g_strdup(lines[i]));
        if (*l == '[') {
            in_workload = strcmp(l, "[workload]") == 0;
        }
        bool is_kind = in_workload && g_str_has_prefix(l, "kind") && strchr(l, '=') &&
                       strspn(l + 4, " \t=") > 0;
        g_free(l);
        if (is_kind) {
            continue; /* replaced below */
        }
        g_string_append(out, lines[i]);
        if (lines[i + 1]) {
            g_string_append_c(out, '\n');
        }
        if (in_workload && g_str_has_prefix(g_strstrip(lines[i]), "[workload]")) {
            g_string_append(out, "kind = generated\n");
        }
    }
    g_strfreev(lines);
    return g_string_free(out, FALSE);
}

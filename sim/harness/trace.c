/*
 * trace.c - reading and writing reproducers (GKeyFile, one [trace] group).
 *
 * Decisions are stored as base64 of LEB128 varints, value then bound, so a
 * long run stays a few kilobytes and the file stays text.
 *
 * Format 2 (written now): the [trace] group, then a marker line, then the
 * scenario text verbatim up to the end of the file, so a person reads it
 * (and can copy it out as a .scn) and it round-trips byte for byte.  The
 * build that recorded the run is in build-* keys, and the code of a target
 * that is not this build's own (QEMU's) in target-identity.  Format 1 (the scenario
 * as base64 in scenario-text) still loads.
 *
 * A user program's reproducer is format 2 with program keys (program,
 * program-args, the four *-bound-ns / deadline-ns) in place of the scenario
 * keys and without the scenario after the marker: the format has one
 * writer and one reader, the runner's (cli/wakesim-main.c) included.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "build-id.h"
#include "trace-format.h"

#define GROUP "trace"
#define SCENARIO_MARKER "# ---- scenario (verbatim, to the end of the file) ----\n"

static void varint_put(GByteArray *a, uint32_t v)
{
    while (v >= 0x80) {
        guint8 b = (guint8)(v | 0x80);
        g_byte_array_append(a, &b, 1);
        v >>= 7;
    }
    guint8 b = (guint8)v;
    g_byte_array_append(a, &b, 1);
}

static bool varint_get(const guint8 *p, gsize len, gsize *pos, uint32_t *out)
{
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
        if (*pos >= len) {
            return false;
        }
        guint8 b = p[(*pos)++];
        v |= (uint32_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *out = v;
            return true;
        }
    }
    return false;
}

/* What the checksum covers besides scenario and decisions: the mutants, and
 * the target when it is not the default (so loop/ traces stay as they were). */
static char *checksum_subject(const wk_trace_t *t)
{
    if (!t->target || strcmp(t->target, "loop") == 0) {
        return g_strdup(t->mutants);
    }
    return g_strdup_printf("%s@%s", t->mutants, t->target);
}

/* SHA-256 over what a replay depends on, so that a truncated or edited
 * file is rejected instead of replaying something else.  The memory model
 * is a part only when it is not sc: files written before the models existed
 * keep their checksum. */
static char *content_checksum(const char *scn64, const char *dec64, const char *count,
                              const char *mutants, const char *keyed,
                              sim_memory_model_t model)
{
    GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
    const char *parts[] = { scn64, dec64, count, mutants, keyed };
    /* Format 1 has no keyed decisions and its checksum did not cover them. */
    for (unsigned i = 0; i < G_N_ELEMENTS(parts) && parts[i]; i++) {
        g_checksum_update(c, (const guchar *)parts[i], (gssize)strlen(parts[i]));
        g_checksum_update(c, (const guchar *)"\n", 1);
    }
    if (model != SIM_MEMORY_SC) {
        g_checksum_update(c, (const guchar *)sim_memory_model_name(model), -1);
        g_checksum_update(c, (const guchar *)"\n", 1);
    }
    char *hex = g_strdup(g_checksum_get_string(c));
    g_checksum_free(c);
    return hex;
}

/* What a program's checksum covers in place of a scenario's text: what its
 * replay depends on, its arguments and bounds (not its path: a program
 * moved or rebuilt elsewhere still replays the file). */
static char *program_subject(const wk_trace_t *t)
{
    GString *s = g_string_new("program-args");
    for (char **a = t->program_args; a && *a; a++) {
        g_string_append_printf(s, " %s", *a);
    }
    const wk_trace_bounds_t *b = &t->program_bounds;
    g_string_append_printf(s, "\nbounds %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64,
                           b->sqe_submit_ns, b->cqe_reap_ns, b->wake_ns, b->deadline_ns);
    return g_string_free(s, FALSE);
}

static void set_i64(GKeyFile *kf, const char *key, int64_t v)
{
    char buf[32];
    g_snprintf(buf, sizeof(buf), "%" PRId64, v);
    g_key_file_set_string(kf, GROUP, key, buf);
}

static void set_u64(GKeyFile *kf, const char *key, uint64_t v)
{
    char buf[32];
    g_snprintf(buf, sizeof(buf), "%" PRIu64, v);
    g_key_file_set_string(kf, GROUP, key, buf);
}

/* What ran: the scenario's keys, or the program's. */
static void save_what_ran(GKeyFile *kf, const wk_trace_t *t)
{
    if (!t->program) {
        g_key_file_set_string(kf, GROUP, "scenario", t->scenario_name);
        g_key_file_set_string(kf, GROUP, "scenario-path", t->scenario_path);
        g_key_file_set_string(kf, GROUP, "mutants", t->mutants);
        return;
    }
    static const char *const none[] = { NULL };
    const char *const *args = t->program_args ? (const char *const *)t->program_args : none;
    g_key_file_set_string(kf, GROUP, "program", t->program);
    g_key_file_set_string_list(kf, GROUP, "program-args", args,
                               g_strv_length((char **)args));
    set_i64(kf, "sqe-bound-ns", t->program_bounds.sqe_submit_ns);
    set_i64(kf, "cqe-bound-ns", t->program_bounds.cqe_reap_ns);
    set_i64(kf, "wake-bound-ns", t->program_bounds.wake_ns);
    set_i64(kf, "deadline-ns", t->program_bounds.deadline_ns);
}

/* How it was found, how it ended, its decisions and the recording build. */
static void save_run(GKeyFile *kf, const wk_trace_t *t, const char *dec64)
{
    char buf[32];
    g_key_file_set_string(kf, GROUP, "memory-model",
                          sim_memory_model_name(t->memory_model));
    g_key_file_set_string(kf, GROUP, "strategy", t->strategy);
    set_u64(kf, "seed", t->seed);
    g_key_file_set_integer(kf, GROUP, "pct-depth", (gint)t->pct_depth);
    set_i64(kf, "ns-per-step", t->ns_per_step);
    g_key_file_set_string(kf, GROUP, "verdict", t->verdict);
    g_key_file_set_string(kf, GROUP, "message", t->message);
    set_u64(kf, "steps", t->steps);
    set_i64(kf, "end-ns", t->end_ns);
    g_snprintf(buf, sizeof(buf), "%016" PRIx64, t->log_hash);
    g_key_file_set_string(kf, GROUP, "log-hash", buf);
    set_u64(kf, "decision-count", t->n_decisions);
    g_key_file_set_string(kf, GROUP, "decisions", dec64);
    wk_build_id_t id;
    wk_build_id(&id);
    g_key_file_set_string(kf, GROUP, "build-version",
                          t->build_version ? t->build_version : id.version);
    g_key_file_set_string(kf, GROUP, "build-compiler",
                          t->build_compiler ? t->build_compiler : id.compiler);
    g_key_file_set_string(kf, GROUP, "build-memory-model",
                          t->build_memory_model ? t->build_memory_model : id.memory_model);
    g_key_file_set_string(kf, GROUP, "keyed-decisions", t->keyed ? t->keyed : "");
    if (t->target && strcmp(t->target, "loop") != 0) {
        g_key_file_set_string(kf, GROUP, "target", t->target);
    }
    if (t->target_identity && *t->target_identity) {
        g_key_file_set_string(kf, GROUP, "target-identity", t->target_identity);
    }
}

/* The checksum of a trace as saved (format 2). */
static char *trace_checksum(const wk_trace_t *t, const char *dec64)
{
    char count[32];
    g_snprintf(count, sizeof(count), "%zu", t->n_decisions);
    char *what = t->program ? program_subject(t) : g_strdup(t->scenario_text);
    char *subject = t->program ? g_strdup("") : checksum_subject(t);
    char *sum = content_checksum(what, dec64, count, subject, t->keyed ? t->keyed : "",
                                 t->memory_model);
    g_free(subject);
    g_free(what);
    return sum;
}

gboolean wk_trace_save(const wk_trace_t *t, const char *path, GError **err)
{
    GKeyFile *kf = g_key_file_new();
    GByteArray *dec = g_byte_array_new();

    for (size_t i = 0; i < t->n_decisions; i++) {
        varint_put(dec, t->values[i]);
        varint_put(dec, t->bounds[i]);
    }
    char *dec64 = g_base64_encode(dec->data, dec->len);

    g_key_file_set_integer(kf, GROUP, "format", WK_TRACE_FORMAT);
    save_what_ran(kf, t);
    save_run(kf, t, dec64);
    char *sum = trace_checksum(t, dec64);
    g_key_file_set_string(kf, GROUP, "checksum", sum);
    g_free(sum);

    char *head = g_key_file_to_data(kf, NULL, NULL);
    char *all = t->program ? g_strdup(head)
                           : g_strconcat(head, SCENARIO_MARKER, t->scenario_text, NULL);
    gboolean ok = g_file_set_contents(path, all, -1, err);
    g_free(head);
    g_free(all);
    g_free(dec64);
    g_byte_array_free(dec, TRUE);
    g_key_file_free(kf);
    return ok;
}

static void *bad(GError **err, const char *path, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void *bad(GError **err, const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: not a valid wakesim trace: %s",
                path, msg);
    g_free(msg);
    return NULL;
}

static char *get_str(GKeyFile *kf, const char *key, const char *path, GError **err)
{
    char *v = g_key_file_get_string(kf, GROUP, key, NULL);
    if (!v) {
        bad(err, path, "missing key '%s'", key);
    }
    return v;
}

static bool get_u64(GKeyFile *kf, const char *key, const char *path, uint64_t *out,
                    GError **err)
{
    char *v = get_str(kf, key, path, err);
    if (!v) {
        return false;
    }
    char *end;
    bool ok = g_ascii_isdigit(*v) || *v == '-';
    guint64 n =
        *v == '-' ? (guint64)g_ascii_strtoll(v, &end, 10) : g_ascii_strtoull(v, &end, 10);
    ok = ok && *end == '\0';
    if (!ok) {
        bad(err, path, "key '%s' is not a number: '%s'", key, v);
    }
    *out = n;
    g_free(v);
    return ok;
}

static bool decode_decisions(wk_trace_t *t, const char *dec64, uint64_t count,
                             const char *path, GError **err)
{
    gsize len = 0;
    guchar *raw = g_base64_decode(dec64, &len);
    gsize pos = 0;
    bool ok = true;

    if (count > len) { /* each decision takes at least two bytes */
        g_free(raw);
        bad(err, path,
            "decision-count %" PRIu64 " but only %zu bytes of decisions "
            "(truncated?)",
            count, (size_t)len);
        return false;
    }
    t->values = g_new(uint32_t, count ? count : 1);
    t->bounds = g_new(uint32_t, count ? count : 1);
    for (uint64_t i = 0; i < count && ok; i++) {
        ok = varint_get(raw, len, &pos, &t->values[i]) &&
             varint_get(raw, len, &pos, &t->bounds[i]);
        if (ok && (t->bounds[i] == 0 || t->values[i] >= t->bounds[i])) {
            bad(err, path, "decision %" PRIu64 " is %u of %u (corrupted)", i, t->values[i],
                t->bounds[i]);
            g_free(raw);
            return false;
        }
    }
    if (!ok || pos != len) {
        bad(err, path,
            "decisions do not match decision-count %" PRIu64 " (truncated or "
            "corrupted)",
            count);
        g_free(raw);
        return false;
    }
    t->n_decisions = count;
    g_free(raw);
    return true;
}

/* A user program's reproducer of the runner's older format: the program
 * that wrote it replays it (its name is on the second line). */
static void old_program_format(const char *contents, const char *path, GError **err)
{
    char name[128] = "PROGRAM";
    const char *line2 = strchr(contents, '\n');
    if (line2) {
        sscanf(line2 + 1, "program %127s", name);
    }
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                "%s: a user program's reproducer in the older format "
                "(wakesim-program-repro 1), which records the program's name only: "
                "replay it with the program, `%s --replay %s`",
                path, name, path);
}

/* What loading one file keeps between its steps. */
typedef struct {
    GKeyFile *kf;
    const char *path;
    uint64_t format, count;
    char *dec64, *scn64, *scn_verbatim;
} loader_t;

/* Reads the file, splits off a format 2 scenario (it follows the marker
 * line; the key file is what comes before it) and parses the keys. */
static bool load_keys(loader_t *l, GError **err)
{
    GError *kerr = NULL;
    char *contents = NULL;
    gsize clen = 0;
    bool ok = false;
    if (!g_file_get_contents(l->path, &contents, &clen, &kerr)) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", kerr->message);
        g_error_free(kerr);
        return false;
    }
    if (strlen(contents) != clen || !g_utf8_validate(contents, -1, NULL)) {
        bad(err, l->path, "not text");
        goto out;
    }
    if (g_str_has_prefix(contents, WK_PROGRAM_REPRO_V1)) {
        old_program_format(contents, l->path, err);
        goto out;
    }
    char *marker = strstr(contents, "\n" SCENARIO_MARKER);
    if (marker) {
        l->scn_verbatim = g_strdup(marker + 1 + strlen(SCENARIO_MARKER));
        marker[1] = '\0';
    }
    if (!g_key_file_load_from_data(l->kf, contents, (gsize)-1, G_KEY_FILE_NONE, &kerr)) {
        bad(err, l->path, "%s", kerr->message);
        g_error_free(kerr);
        goto out;
    }
    ok = true;
out:
    g_free(contents);
    return ok;
}

/* The [trace] group, its format, and a scenario after the keys exactly
 * when the format and the kind of trace want one. */
static bool load_format(loader_t *l, bool program, GError **err)
{
    if (!get_u64(l->kf, "format", l->path, &l->format, err)) {
        return false;
    }
    if (l->format != 1 && l->format != WK_TRACE_FORMAT) {
        bad(err, l->path, "format %" PRIu64 " (this wakesim reads formats 1 and %d)",
            l->format, WK_TRACE_FORMAT);
        return false;
    }
    if (program && (l->format == 1 || l->scn_verbatim)) {
        bad(err, l->path,
            l->format == 1 ? "format 1 with a program" : "a program with a scenario");
        return false;
    }
    if (!program && (l->format == 1) != (l->scn_verbatim == NULL)) {
        bad(err, l->path,
            l->format == 1 ? "format 1 with a verbatim scenario"
                           : "no scenario after the [trace] keys (truncated?)");
        return false;
    }
    return true;
}

static bool get_i64(GKeyFile *kf, const char *key, const char *path, int64_t *out,
                    GError **err)
{
    uint64_t v;
    bool ok = get_u64(kf, key, path, &v, err);
    *out = (int64_t)v;
    return ok;
}

/* What ran: a program's keys. */
static bool load_program(loader_t *l, wk_trace_t *t, GError **err)
{
    wk_trace_bounds_t *b = &t->program_bounds;
    GKeyFile *kf = l->kf;
    if (!(t->program = get_str(kf, "program", l->path, err))) {
        return false;
    }
    t->program_args = g_key_file_get_string_list(kf, GROUP, "program-args", NULL, NULL);
    if (!t->program_args) {
        bad(err, l->path, "missing key '%s'", "program-args");
        return false;
    }
    t->mutants = g_strdup("");
    return get_i64(kf, "sqe-bound-ns", l->path, &b->sqe_submit_ns, err) &&
           get_i64(kf, "cqe-bound-ns", l->path, &b->cqe_reap_ns, err) &&
           get_i64(kf, "wake-bound-ns", l->path, &b->wake_ns, err) &&
           get_i64(kf, "deadline-ns", l->path, &b->deadline_ns, err);
}

/* What ran: a scenario's keys. */
static bool load_scenario_keys(loader_t *l, wk_trace_t *t, GError **err)
{
    return (t->scenario_name = get_str(l->kf, "scenario", l->path, err)) &&
           (t->scenario_path = get_str(l->kf, "scenario-path", l->path, err)) &&
           (t->mutants = get_str(l->kf, "mutants", l->path, err));
}

/* How it was found and how it ended. */
static bool load_run(loader_t *l, wk_trace_t *t, GError **err)
{
    GKeyFile *kf = l->kf;
    const char *path = l->path;
    uint64_t depth = 0, nps = 0, end = 0;
    if (!(t->strategy = get_str(kf, "strategy", path, err)) ||
        !(t->verdict = get_str(kf, "verdict", path, err)) ||
        !(t->message = get_str(kf, "message", path, err)) ||
        !(l->dec64 = get_str(kf, "decisions", path, err)) ||
        (l->format == 1 && !(l->scn64 = get_str(kf, "scenario-text", path, err))) ||
        !get_u64(kf, "seed", path, &t->seed, err) ||
        !get_u64(kf, "pct-depth", path, &depth, err) ||
        !get_u64(kf, "ns-per-step", path, &nps, err) ||
        !get_u64(kf, "steps", path, &t->steps, err) ||
        !get_u64(kf, "end-ns", path, &end, err) ||
        !get_u64(kf, "decision-count", path, &l->count, err)) {
        return false;
    }
    t->pct_depth = (unsigned)depth;
    t->ns_per_step = (int64_t)nps;
    t->end_ns = (int64_t)end;
    char *model = g_key_file_get_string(kf, GROUP, "memory-model", NULL);
    int m = model ? sim_memory_model_parse(model) : SIM_MEMORY_SC;
    if (m < 0) {
        bad(err, path, "memory-model '%s' (one of: sc, tso, pso)", model);
    }
    g_free(model);
    t->memory_model = m < 0 ? SIM_MEMORY_SC : (sim_memory_model_t)m;
    return m >= 0;
}

/* The checksum over what the replay depends on must be the stored one. */
static bool check_checksum(loader_t *l, wk_trace_t *t, GError **err)
{
    char *count_s = g_strdup_printf("%" PRIu64, l->count);
    char *what = t->program ? program_subject(t)
                            : g_strdup(l->format == 1 ? l->scn64 : l->scn_verbatim);
    char *subject = t->program ? g_strdup("") : checksum_subject(t);
    char *sum = content_checksum(what, l->dec64, count_s, subject,
                                 l->format == 1 ? NULL : t->keyed, t->memory_model);
    char *stored = get_str(l->kf, "checksum", l->path, err);
    bool sum_ok = stored && strcmp(sum, stored) == 0;
    if (stored && !sum_ok) {
        bad(err, l->path, "checksum mismatch (truncated or edited)");
    }
    g_free(what);
    g_free(subject);
    g_free(count_s);
    g_free(sum);
    g_free(stored);
    return sum_ok;
}

static bool load_log_hash(loader_t *l, wk_trace_t *t, GError **err)
{
    char *hash_s = get_str(l->kf, "log-hash", l->path, err);
    if (!hash_s) {
        return false;
    }
    char *hash_end;
    t->log_hash = g_ascii_strtoull(hash_s, &hash_end, 16);
    bool hash_ok = strlen(hash_s) == 16 && *hash_end == '\0';
    g_free(hash_s);
    if (!hash_ok) {
        bad(err, l->path, "log-hash is not 16 hex digits");
    }
    return hash_ok;
}

/* The scenario text (format 1: base64; format 2: verbatim, a program has
 * none) and the recording build (absent from format 1 files). */
static bool load_scenario_text(loader_t *l, wk_trace_t *t, GError **err)
{
    if (l->format == 1) {
        gsize scn_len = 0;
        guchar *scn_raw = g_base64_decode(l->scn64, &scn_len);
        t->scenario_text = g_strndup((const char *)scn_raw, scn_len);
        g_free(scn_raw);
        if (scn_len == 0 || strlen(t->scenario_text) != scn_len ||
            !g_utf8_validate(t->scenario_text, -1, NULL)) {
            bad(err, l->path, "scenario-text is not base64 of a scenario");
            return false;
        }
        return true;
    }
    t->scenario_text = l->scn_verbatim;
    l->scn_verbatim = NULL;
    t->build_version = g_key_file_get_string(l->kf, GROUP, "build-version", NULL);
    t->build_compiler = g_key_file_get_string(l->kf, GROUP, "build-compiler", NULL);
    t->build_memory_model = g_key_file_get_string(l->kf, GROUP, "build-memory-model", NULL);
    return true;
}

static bool load_trace(loader_t *l, wk_trace_t *t, GError **err)
{
    if (!load_keys(l, err)) {
        return false;
    }
    if (!g_key_file_has_group(l->kf, GROUP)) {
        bad(err, l->path, "no [%s] group", GROUP);
        return false;
    }
    bool program = g_key_file_has_key(l->kf, GROUP, "program", NULL);
    if (!load_format(l, program, err) ||
        !(program ? load_program(l, t, err) : load_scenario_keys(l, t, err)) ||
        !load_run(l, t, err)) {
        return false;
    }
    t->target = g_key_file_get_string(l->kf, GROUP, "target", NULL);
    if (!t->target && !program) {
        t->target = g_strdup("loop"); /* traces from before targets existed */
    }
    t->target_identity = g_key_file_get_string(l->kf, GROUP, "target-identity", NULL);
    if (l->format != 1 && !(t->keyed = get_str(l->kf, "keyed-decisions", l->path, err))) {
        return false;
    }
    return check_checksum(l, t, err) && load_log_hash(l, t, err) &&
           load_scenario_text(l, t, err) &&
           decode_decisions(t, l->dec64, l->count, l->path, err);
}

gboolean wk_trace_load(wk_trace_t *t, const char *path, GError **err)
{
    loader_t l = { .kf = g_key_file_new(), .path = path };
    memset(t, 0, sizeof(*t));
    bool ok = load_trace(&l, t, err);
    g_free(l.dec64);
    g_free(l.scn64);
    g_free(l.scn_verbatim);
    g_key_file_free(l.kf);
    if (!ok) {
        wk_trace_clear(t);
    }
    return ok;
}

void wk_trace_clear(wk_trace_t *t)
{
    g_free(t->scenario_name);
    g_free(t->scenario_path);
    g_free(t->scenario_text);
    g_free(t->mutants);
    g_free(t->target);
    g_free(t->target_identity);
    g_free(t->strategy);
    g_free(t->verdict);
    g_free(t->message);
    g_free(t->values);
    g_free(t->bounds);
    g_free(t->build_version);
    g_free(t->build_compiler);
    g_free(t->build_memory_model);
    g_free(t->keyed);
    g_free(t->program);
    g_strfreev(t->program_args);
    memset(t, 0, sizeof(*t));
}

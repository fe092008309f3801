/*
 * trace.c - reading and writing reproducers (GKeyFile, one [trace] group).
 *
 * Decisions are stored as base64 of LEB128 varints, value then bound, so a
 * long run stays a few kilobytes and the file stays text.
 *
 * Format 2 (written now): the [trace] group, then a marker line, then the
 * scenario text verbatim up to the end of the file, so a person reads it
 * (and can copy it out as a .scn) and it round-trips byte for byte.  The
 * build that recorded the run is in build-* keys.  Format 1 (the scenario
 * as base64 in scenario-text) still loads.
 */
#include <inttypes.h>
#include <string.h>
#include "build-id.h"
#include "trace.h"
#include "target.h"

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

void wk_trace_from_outcome(wk_trace_t *t, const scn_t *scn, const char *mutants,
                           const char *strategy, uint64_t seed, unsigned pct_depth,
                           int64_t ns_per_step, const wk_outcome_t *out)
{
    memset(t, 0, sizeof(*t));
    t->scenario_name = g_strdup(scn->name);
    t->scenario_path = g_strdup(scn->path);
    t->scenario_text = g_strdup(scn->text);
    t->mutants = g_strdup(mutants ? mutants : "");
    t->strategy = g_strdup(strategy);
    t->seed = seed;
    t->pct_depth = pct_depth;
    t->ns_per_step = ns_per_step;
    t->memory_model = out->memory_model;
    t->verdict = g_strdup(wk_outcome_verdict(out));
    t->message = g_strdup(out->message ? out->message : "");
    t->steps = out->steps;
    t->end_ns = out->end_ns;
    t->log_hash = out->log_hash;
    t->n_decisions = out->n_decisions;
    t->values = g_memdup2(out->decisions, out->n_decisions * sizeof(uint32_t));
    t->bounds = g_memdup2(out->bounds, out->n_decisions * sizeof(uint32_t));
    t->keyed = g_strdup(out->keyed ? out->keyed : "");
    t->target = g_strdup(wk_target_selected()->name);
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

gboolean wk_trace_save(const wk_trace_t *t, const char *path, GError **err)
{
    GKeyFile *kf = g_key_file_new();
    GByteArray *dec = g_byte_array_new();
    char buf[32];

    for (size_t i = 0; i < t->n_decisions; i++) {
        varint_put(dec, t->values[i]);
        varint_put(dec, t->bounds[i]);
    }
    char *dec64 = g_base64_encode(dec->data, dec->len);

    g_key_file_set_integer(kf, GROUP, "format", WK_TRACE_FORMAT);
    g_key_file_set_string(kf, GROUP, "scenario", t->scenario_name);
    g_key_file_set_string(kf, GROUP, "scenario-path", t->scenario_path);
    g_key_file_set_string(kf, GROUP, "mutants", t->mutants);
    g_key_file_set_string(kf, GROUP, "memory-model",
                          sim_memory_model_name(t->memory_model));
    g_key_file_set_string(kf, GROUP, "strategy", t->strategy);
    g_snprintf(buf, sizeof(buf), "%" PRIu64, t->seed);
    g_key_file_set_string(kf, GROUP, "seed", buf);
    g_key_file_set_integer(kf, GROUP, "pct-depth", (gint)t->pct_depth);
    g_snprintf(buf, sizeof(buf), "%" PRId64, t->ns_per_step);
    g_key_file_set_string(kf, GROUP, "ns-per-step", buf);
    g_key_file_set_string(kf, GROUP, "verdict", t->verdict);
    g_key_file_set_string(kf, GROUP, "message", t->message);
    g_snprintf(buf, sizeof(buf), "%" PRIu64, t->steps);
    g_key_file_set_string(kf, GROUP, "steps", buf);
    g_snprintf(buf, sizeof(buf), "%" PRId64, t->end_ns);
    g_key_file_set_string(kf, GROUP, "end-ns", buf);
    g_snprintf(buf, sizeof(buf), "%016" PRIx64, t->log_hash);
    g_key_file_set_string(kf, GROUP, "log-hash", buf);
    g_snprintf(buf, sizeof(buf), "%zu", t->n_decisions);
    g_key_file_set_string(kf, GROUP, "decision-count", buf);
    g_key_file_set_string(kf, GROUP, "decisions", dec64);
    wk_build_id_t id;
    wk_build_id(&id);
    g_key_file_set_string(kf, GROUP, "build-version",
                          t->build_version ? t->build_version : id.version);
    g_key_file_set_string(kf, GROUP, "build-compiler",
                          t->build_compiler ? t->build_compiler : id.compiler);
    g_key_file_set_string(kf, GROUP, "build-memory-model",
                          t->build_memory_model ? t->build_memory_model : id.memory_model);
    g_snprintf(buf, sizeof(buf), "%zu", t->n_decisions);
    g_key_file_set_string(kf, GROUP, "keyed-decisions", t->keyed ? t->keyed : "");
    if (t->target && strcmp(t->target, "loop") != 0) {
        g_key_file_set_string(kf, GROUP, "target", t->target);
    }
    char *subject = checksum_subject(t);
    char *sum = content_checksum(t->scenario_text, dec64, buf, subject,
                                 t->keyed ? t->keyed : "", t->memory_model);
    g_key_file_set_string(kf, GROUP, "checksum", sum);
    g_free(sum);
    g_free(subject);

    char *head = g_key_file_to_data(kf, NULL, NULL);
    char *all = g_strconcat(head, SCENARIO_MARKER, t->scenario_text, NULL);
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

gboolean wk_trace_load(wk_trace_t *t, const char *path, GError **err)
{
    GKeyFile *kf = g_key_file_new();
    GError *kerr = NULL;
    uint64_t format = 0, count = 0, hash = 0, seed = 0, depth = 0, steps = 0, end = 0,
             nps = 0;
    char *dec64 = NULL, *scn64 = NULL;
    gboolean ok = FALSE;

    char *contents = NULL, *scn_verbatim = NULL;
    gsize clen = 0;

    memset(t, 0, sizeof(*t));
    if (!g_file_get_contents(path, &contents, &clen, &kerr)) {
        g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT, "%s", kerr->message);
        g_error_free(kerr);
        goto out;
    }
    if (strlen(contents) != clen || !g_utf8_validate(contents, -1, NULL)) {
        bad(err, path, "not text");
        goto out;
    }
    /* Format 2: the scenario follows the marker line; the key file is what
     * comes before it. */
    char *marker = strstr(contents, "\n" SCENARIO_MARKER);
    if (marker) {
        scn_verbatim = g_strdup(marker + 1 + strlen(SCENARIO_MARKER));
        marker[1] = '\0';
    }
    if (!g_key_file_load_from_data(kf, contents, (gsize)-1, G_KEY_FILE_NONE, &kerr)) {
        bad(err, path, "%s", kerr->message);
        g_error_free(kerr);
        goto out;
    }
    if (!g_key_file_has_group(kf, GROUP)) {
        bad(err, path, "no [%s] group", GROUP);
        goto out;
    }
    if (!get_u64(kf, "format", path, &format, err)) {
        goto out;
    }
    if (format != 1 && format != WK_TRACE_FORMAT) {
        bad(err, path, "format %" PRIu64 " (this wakesim reads formats 1 and %d)", format,
            WK_TRACE_FORMAT);
        goto out;
    }
    if ((format == 1) != (scn_verbatim == NULL)) {
        bad(err, path,
            format == 1 ? "format 1 with a verbatim scenario"
                        : "no scenario after the [trace] keys (truncated?)");
        goto out;
    }
    if (!(t->scenario_name = get_str(kf, "scenario", path, err)) ||
        !(t->scenario_path = get_str(kf, "scenario-path", path, err)) ||
        !(t->mutants = get_str(kf, "mutants", path, err)) ||
        !(t->strategy = get_str(kf, "strategy", path, err)) ||
        !(t->verdict = get_str(kf, "verdict", path, err)) ||
        !(t->message = get_str(kf, "message", path, err)) ||
        !(dec64 = get_str(kf, "decisions", path, err)) ||
        (format == 1 && !(scn64 = get_str(kf, "scenario-text", path, err))) ||
        !get_u64(kf, "seed", path, &seed, err) ||
        !get_u64(kf, "pct-depth", path, &depth, err) ||
        !get_u64(kf, "ns-per-step", path, &nps, err) ||
        !get_u64(kf, "steps", path, &steps, err) ||
        !get_u64(kf, "end-ns", path, &end, err) ||
        !get_u64(kf, "decision-count", path, &count, err)) {
        goto out;
    }
    char *model = g_key_file_get_string(kf, GROUP, "memory-model", NULL);
    int m = model ? sim_memory_model_parse(model) : SIM_MEMORY_SC;
    if (m < 0) {
        bad(err, path, "memory-model '%s' (one of: sc, tso, pso)", model);
        g_free(model);
        goto out;
    }
    g_free(model);
    t->memory_model = (sim_memory_model_t)m;
    t->target = g_key_file_get_string(kf, GROUP, "target", NULL);
    if (!t->target) {
        t->target = g_strdup("loop"); /* traces from before targets existed */
    }
    char *count_s = g_strdup_printf("%" PRIu64, count);
    if (format != 1 && !(t->keyed = get_str(kf, "keyed-decisions", path, err))) {
        g_free(count_s);
        goto out;
    }
    char *subject = checksum_subject(t);
    char *sum = content_checksum(format == 1 ? scn64 : scn_verbatim, dec64, count_s,
                                 subject, format == 1 ? NULL : t->keyed, t->memory_model);
    g_free(subject);
    char *stored = get_str(kf, "checksum", path, err);
    bool sum_ok = stored && strcmp(sum, stored) == 0;
    if (stored && !sum_ok) {
        bad(err, path, "checksum mismatch (truncated or edited)");
    }
    g_free(count_s);
    g_free(sum);
    g_free(stored);
    if (!sum_ok) {
        goto out;
    }
    char *hash_s = get_str(kf, "log-hash", path, err);
    if (!hash_s) {
        goto out;
    }
    char *hash_end;
    hash = g_ascii_strtoull(hash_s, &hash_end, 16);
    bool hash_ok = strlen(hash_s) == 16 && *hash_end == '\0';
    g_free(hash_s);
    if (!hash_ok) {
        bad(err, path, "log-hash is not 16 hex digits");
        goto out;
    }
    if (format == 1) {
        gsize scn_len = 0;
        guchar *scn_raw = g_base64_decode(scn64, &scn_len);
        t->scenario_text = g_strndup((const char *)scn_raw, scn_len);
        g_free(scn_raw);
        if (scn_len == 0 || strlen(t->scenario_text) != scn_len ||
            !g_utf8_validate(t->scenario_text, -1, NULL)) {
            bad(err, path, "scenario-text is not base64 of a scenario");
            goto out;
        }
    } else {
        t->scenario_text = scn_verbatim;
        scn_verbatim = NULL;
        /* Recorded build identity (absent from format 1 files). */
        t->build_version = g_key_file_get_string(kf, GROUP, "build-version", NULL);
        t->build_compiler = g_key_file_get_string(kf, GROUP, "build-compiler", NULL);
        t->build_memory_model =
            g_key_file_get_string(kf, GROUP, "build-memory-model", NULL);
    }
    if (!decode_decisions(t, dec64, count, path, err)) {
        goto out;
    }
    t->seed = seed;
    t->pct_depth = (unsigned)depth;
    t->ns_per_step = (int64_t)nps;
    t->steps = steps;
    t->end_ns = (int64_t)end;
    t->log_hash = hash;
    ok = TRUE;
out:
    g_free(dec64);
    g_free(scn64);
    g_free(contents);
    g_free(scn_verbatim);
    g_key_file_free(kf);
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
    g_free(t->strategy);
    g_free(t->verdict);
    g_free(t->message);
    g_free(t->values);
    g_free(t->bounds);
    g_free(t->build_version);
    g_free(t->build_compiler);
    g_free(t->build_memory_model);
    g_free(t->keyed);
    memset(t, 0, sizeof(*t));
}

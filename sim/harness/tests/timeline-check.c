/*
 * timeline-check.c - checks what `wakesim replay --chrome-trace --timeline`
 * wrote for a late hand-off: both files parse (json-glib, GMarkup), both
 * hold a lane per named thread plus the ring's SQ and CQ and the violation,
 * the violation interval is the same in both, and the thread named by
 * --asleep spends the whole interval in ppoll.
 *
 * usage: timeline-check OUT.json OUT.svg --lanes a,b,c [--asleep THREAD]
 * Exit 0 when all holds, 1 with what is missing.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <json-glib/json-glib.h>

static int failures;

#define CHECK(cond, ...)                                                                   \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "timeline-check: FAIL: " __VA_ARGS__);                         \
            fputc('\n', stderr);                                                           \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

typedef struct {
    GHashTable *lanes;    /* lane names seen in the SVG */
    int64_t late0, late1; /* the late-handoff rect */
    GArray *asleep;       /* [t0, t1] pairs of --asleep's ppoll rects */
    const char *asleep_name;
} svg_t;

static const char *attr(const char **names, const char **values, const char *want)
{
    for (int i = 0; names[i]; i++) {
        if (strcmp(names[i], want) == 0) {
            return values[i];
        }
    }
    return NULL;
}

static void svg_start(GMarkupParseContext *c, const char *el, const char **names,
                      const char **values, gpointer data, GError **err)
{
    svg_t *s = data;
    const char *lane = attr(names, values, "data-lane");
    if (strcmp(el, "g") == 0 && lane) {
        g_hash_table_add(s->lanes, g_strdup(lane));
    }
    if (strcmp(el, "rect") != 0) {
        return;
    }
    const char *kind = attr(names, values, "data-kind");
    const char *t0 = attr(names, values, "data-t0"), *t1 = attr(names, values, "data-t1");
    if (kind && strcmp(kind, "late-handoff") == 0 && t0 && t1) {
        s->late0 = g_ascii_strtoll(t0, NULL, 10);
        s->late1 = g_ascii_strtoll(t1, NULL, 10);
    }
    const char *state = attr(names, values, "data-state");
    if (s->asleep_name && lane && state && t0 && t1 && strcmp(lane, s->asleep_name) == 0 &&
        strcmp(state, "ppoll") == 0) {
        int64_t iv[2] = { g_ascii_strtoll(t0, NULL, 10), g_ascii_strtoll(t1, NULL, 10) };
        g_array_append_vals(s->asleep, iv, 2);
    }
}

int main(int argc, char **argv)
{
    if (argc < 5 || strcmp(argv[3], "--lanes") != 0) {
        fprintf(stderr, "usage: %s OUT.json OUT.svg --lanes a,b,c [--asleep THREAD]\n",
                argv[0]);
        return 2;
    }
    const char *asleep = argc >= 7 && strcmp(argv[5], "--asleep") == 0 ? argv[6] : NULL;
    gchar **want = g_strsplit(argv[4], ",", -1);
    GError *err = NULL;

    /* ---- the Trace Event file ---- */
    JsonParser *p = json_parser_new();
    if (!json_parser_load_from_file(p, argv[1], &err)) {
        fprintf(stderr, "timeline-check: FAIL: %s does not parse: %s\n", argv[1],
                err->message);
        return 1;
    }
    JsonObject *root = json_node_get_object(json_parser_get_root(p));
    CHECK(root && json_object_has_member(root, "traceEvents"), "%s: no traceEvents",
          argv[1]);
    JsonArray *evs = root ? json_object_get_array_member(root, "traceEvents") : NULL;
    GHashTable *json_lanes = g_hash_table_new(g_str_hash, g_str_equal);
    double v_ts = -1, v_dur = -1;
    for (guint i = 0; evs && i < json_array_get_length(evs); i++) {
        JsonObject *e = json_array_get_object_element(evs, i);
        const char *ph = json_object_get_string_member_with_default(e, "ph", "");
        const char *name = json_object_get_string_member_with_default(e, "name", "");
        if (strcmp(ph, "M") == 0 && strcmp(name, "thread_name") == 0) {
            JsonObject *a = json_object_get_object_member(e, "args");
            g_hash_table_add(
                json_lanes,
                (gpointer)json_object_get_string_member_with_default(a, "name", ""));
        }
        const char *cat = json_object_get_string_member_with_default(e, "cat", "");
        if (strcmp(ph, "X") == 0 && strcmp(cat, "violation") == 0) {
            v_ts = json_object_get_double_member(e, "ts");
            v_dur = json_object_get_double_member(e, "dur");
        }
    }
    CHECK(v_ts >= 0 && v_dur > 0, "%s: no violation interval", argv[1]);

    /* ---- the SVG ---- */
    char *text;
    gsize len;
    if (!g_file_get_contents(argv[2], &text, &len, &err)) {
        fprintf(stderr, "timeline-check: FAIL: %s\n", err->message);
        return 1;
    }
    svg_t s = { g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL), -1, -1,
                g_array_new(FALSE, FALSE, sizeof(int64_t)), asleep };
    GMarkupParser mp = { .start_element = svg_start };
    GMarkupParseContext *mc = g_markup_parse_context_new(&mp, 0, &s, NULL);
    /* Skip the XML declaration: GMarkup takes it as a processing instruction. */
    if (!g_markup_parse_context_parse(mc, text, (gssize)len, &err) ||
        !g_markup_parse_context_end_parse(mc, &err)) {
        fprintf(stderr, "timeline-check: FAIL: %s does not parse: %s\n", argv[2],
                err->message);
        return 1;
    }
    CHECK(s.late0 >= 0 && s.late1 > s.late0, "%s: no late-handoff interval", argv[2]);
    /* Same interval in both files (JSON holds microseconds). */
    CHECK(llabs((long long)(v_ts * 1000.0) - s.late0) <= 1 &&
              llabs((long long)((v_ts + v_dur) * 1000.0) - s.late1) <= 1,
          "violation interval differs: json %.3f+%.3f us, svg %" PRId64 "-%" PRId64 " ns",
          v_ts, v_dur, s.late0, s.late1);

    for (gchar **w = want; *w; w++) {
        CHECK(g_hash_table_contains(s.lanes, *w), "%s: no lane '%s'", argv[2], *w);
        CHECK(g_hash_table_contains(json_lanes, *w), "%s: no lane '%s'", argv[1], *w);
    }
    bool sq = false, cq = false;
    GHashTableIter it;
    gpointer k;
    g_hash_table_iter_init(&it, s.lanes);
    while (g_hash_table_iter_next(&it, &k, NULL)) {
        sq |= g_str_has_prefix(k, "SQ ");
        cq |= g_str_has_prefix(k, "CQ ");
    }
    CHECK(sq && cq, "%s: no SQ/CQ lanes", argv[2]);
    CHECK(g_hash_table_contains(s.lanes, "violation"), "%s: no violation lane", argv[2]);

    if (asleep) {
        bool covered = false;
        for (guint i = 0; i + 1 < s.asleep->len; i += 2) {
            int64_t a = g_array_index(s.asleep, int64_t, i);
            int64_t b = g_array_index(s.asleep, int64_t, i + 1);
            covered |= a <= s.late0 && b >= s.late1 - 10000;
        }
        /* The loop wakes just before it submits: allow the few steps
         * between its ppoll return and the submission (10 us). */
        CHECK(covered, "%s: '%s' is not in ppoll across %" PRId64 "-%" PRId64 " ns",
              argv[2], asleep, s.late0, s.late1);
    }
    if (!failures) {
        printf(
            "timeline-check: ok: lanes and late interval %.3f-%.3f ms in both files%s%s\n",
            s.late0 / 1e6, s.late1 / 1e6, asleep ? ", asleep in ppoll: " : "",
            asleep ? asleep : "");
    }
    g_markup_parse_context_free(mc);
    g_free(text);
    g_hash_table_destroy(s.lanes);
    g_array_free(s.asleep, TRUE);
    g_hash_table_destroy(json_lanes);
    g_object_unref(p);
    g_strfreev(want);
    return failures ? 1 : 0;
}

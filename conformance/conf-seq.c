/* conf-seq.c - parsing and printing conformance sequences (see conf-seq.h). */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include "conf-seq.h"

G_DEFINE_QUARK(wakesim - conformance, conf_error)

static const char *const op_names[CONF_OP_COUNT] = {
    [CONF_OP_EVENTFD] = "eventfd",
    [CONF_OP_FILE] = "file",
    [CONF_OP_NOP] = "nop",
    [CONF_OP_POLL_ADD] = "poll_add",
    [CONF_OP_POLL_REMOVE] = "poll_remove",
    [CONF_OP_TIMEOUT] = "timeout",
    [CONF_OP_TIMEOUT_REMOVE] = "timeout_remove",
    [CONF_OP_READ] = "read",
    [CONF_OP_BAD] = "bad",
    [CONF_OP_SUBMIT] = "submit",
    [CONF_OP_SUBMIT_WAIT] = "submit_wait",
    [CONF_OP_GET_EVENTS] = "get_events",
    [CONF_OP_REAP] = "reap",
    [CONF_OP_STATE] = "state",
    [CONF_OP_WRITE] = "write",
    [CONF_OP_READ_EFD] = "read_efd",
    [CONF_OP_PPOLL] = "ppoll",
    [CONF_OP_CLOSE] = "close",
    [CONF_OP_SLEEP] = "sleep",
};

const char *conf_op_name(conf_op_kind_t k)
{
    return (unsigned)k < CONF_OP_COUNT ? op_names[k] : "?";
}

conf_seq_t *conf_seq_new(unsigned ring_entries)
{
    conf_seq_t *s = g_new0(conf_seq_t, 1);
    s->ring_entries = ring_entries;
    s->ops = g_array_new(FALSE, TRUE, sizeof(conf_op_t));
    return s;
}

void conf_seq_free(conf_seq_t *s)
{
    if (!s)
        return;
    g_array_free(s->ops, TRUE);
    g_free(s);
}

/* ---- parsing ---- */

typedef struct {
    const char *path;
    int line;
    GError **err;
} parse_ctx_t;

static bool fail(parse_ctx_t *c, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static bool fail(parse_ctx_t *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(c->err, CONF_ERROR, 1, "%s:%d: %s", c->path, c->line, msg);
    g_free(msg);
    return false;
}

static bool parse_u64(parse_ctx_t *c, const char *tok, uint64_t max, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!tok || !g_ascii_isdigit(*tok))
        return fail(c, "expected a number, got '%s'", tok ? tok : "(nothing)");
    unsigned long long v = strtoull(tok, &end, 10);
    if (errno || *end || v > max)
        return fail(c, "bad number '%s' (at most %" PRIu64 ")", tok, max);
    *out = v;
    return true;
}

static bool parse_duration(parse_ctx_t *c, const char *tok, int64_t *out)
{
    char *end;
    if (!tok || !g_ascii_isdigit(*tok))
        return fail(c, "expected a duration (e.g. 10ms), got '%s'",
                    tok ? tok : "(nothing)");
    errno = 0;
    unsigned long long v = strtoull(tok, &end, 10);
    uint64_t mult = strcmp(end, "ns") == 0   ? 1
                    : strcmp(end, "us") == 0 ? 1000
                    : strcmp(end, "ms") == 0 ? 1000000
                    : strcmp(end, "s") == 0  ? 1000000000
                                             : 0;
    if (errno || !mult)
        return fail(c, "bad duration '%s' (an integer with ns, us, ms or s)", tok);
    if (v > (uint64_t)60 * 1000000000 / mult)
        return fail(c, "duration '%s' above 60 s", tok);
    *out = (int64_t)(v * mult);
    return true;
}

static bool parse_events(parse_ctx_t *c, const char *tok, unsigned *out)
{
    if (strcmp(tok, "in") == 0)
        *out = POLLIN;
    else if (strcmp(tok, "out") == 0)
        *out = POLLOUT;
    else if (strcmp(tok, "in|out") == 0)
        *out = POLLIN | POLLOUT;
    else if (strcmp(tok, "none") == 0)
        *out = 0;
    else
        return fail(c, "bad poll events '%s' (in, out, in|out or none)", tok);
    return true;
}

static int find_obj(const conf_seq_t *s, const char *name)
{
    for (unsigned i = 0; i < s->n_objects; i++)
        if (strcmp(s->objects[i].name, name) == 0)
            return (int)i;
    return -2;
}

static bool parse_obj(parse_ctx_t *c, const conf_seq_t *s, const char *tok, bool ring_ok,
                      int kind, int *out)
{
    if (!tok)
        return fail(c, "missing object name");
    if (strcmp(tok, "ring") == 0) {
        if (!ring_ok)
            return fail(c, "the ring is not allowed here");
        *out = CONF_OBJ_RING;
        return true;
    }
    int i = find_obj(s, tok);
    if (i < 0)
        return fail(c, "unknown object '%s' (define it with eventfd or file first)", tok);
    if (kind >= 0 && s->objects[i].kind != (conf_obj_kind_t)kind)
        return fail(c, "'%s' is not %s", tok,
                    kind == CONF_OBJ_FILE ? "a file" : "an eventfd");
    *out = i;
    return true;
}

static bool add_object(parse_ctx_t *c, conf_seq_t *s, const char *name,
                       conf_obj_kind_t kind)
{
    /* Linux reuses a closed fd's number for the next object: the worlds
     * would then disagree about what a stale fd names. */
    for (guint i = 0; i < s->ops->len; i++)
        if (g_array_index(s->ops, conf_op_t, i).kind == CONF_OP_CLOSE)
            return fail(c, "objects must be created before any close");
    if (s->n_objects == CONF_MAX_OBJECTS)
        return fail(c, "more than %d objects", CONF_MAX_OBJECTS);
    if (strlen(name) >= sizeof(s->objects[0].name) || !g_ascii_isalpha(*name) ||
        strcmp(name, "ring") == 0 || find_obj(s, name) >= 0)
        return fail(c, "bad or duplicate object name '%s'", name);
    s->objects[s->n_objects].kind = kind;
    strcpy(s->objects[s->n_objects].name, name);
    s->n_objects++;
    return true;
}

/* Number of arguments after the op name: min, max. */
static const struct {
    unsigned min, max;
} op_args[CONF_OP_COUNT] = {
    [CONF_OP_EVENTFD] = { 1, 2 },
    [CONF_OP_FILE] = { 2, 2 },
    [CONF_OP_NOP] = { 1, 1 },
    [CONF_OP_POLL_ADD] = { 3, 3 },
    [CONF_OP_POLL_REMOVE] = { 2, 2 },
    [CONF_OP_TIMEOUT] = { 3, 3 },
    [CONF_OP_TIMEOUT_REMOVE] = { 2, 2 },
    [CONF_OP_READ] = { 4, 4 },
    [CONF_OP_BAD] = { 1, 1 },
    [CONF_OP_SUBMIT] = { 0, 0 },
    [CONF_OP_SUBMIT_WAIT] = { 1, 1 },
    [CONF_OP_GET_EVENTS] = { 0, 0 },
    [CONF_OP_REAP] = { 0, 0 },
    [CONF_OP_STATE] = { 0, 0 },
    [CONF_OP_WRITE] = { 2, 2 },
    [CONF_OP_READ_EFD] = { 1, 1 },
    [CONF_OP_PPOLL] = { 1, CONF_MAX_POLL },
    [CONF_OP_CLOSE] = { 1, 1 },
    [CONF_OP_SLEEP] = { 1, 1 },
};

#define MAX_UD 1000000

/* ppoll OBJ:EVENTS...: the objects (or "ring") and the events each polls. */
static bool parse_ppoll_args(parse_ctx_t *c, conf_seq_t *s, char **tok, unsigned n,
                             conf_op_t *op)
{
    for (unsigned i = 1; i < n; i++) {
        char *colon = strchr(tok[i], ':');
        if (!colon)
            return fail(c, "ppoll takes OBJ:EVENTS, got '%s'", tok[i]);
        *colon = '\0';
        if (!parse_obj(c, s, tok[i], true, -1, &op->poll_obj[op->n_poll]) ||
            !parse_events(c, colon + 1, &op->poll_events[op->n_poll]))
            return false;
        op->n_poll++;
    }
    return true;
}

/* eventfd NAME [INITVAL], file NAME SIZE: a new object. */
static bool parse_object_args(parse_ctx_t *c, conf_seq_t *s, char **tok, unsigned n,
                              conf_op_t *op)
{
    if (op->kind == CONF_OP_EVENTFD) {
        if (n > 2 && !parse_u64(c, tok[2], UINT64_MAX - 1, &op->value))
            return false;
        if (!add_object(c, s, tok[1], CONF_OBJ_EVENTFD))
            return false;
    } else if (!parse_u64(c, tok[2], CONF_MAX_FILE_SIZE, &op->value) ||
               !add_object(c, s, tok[1], CONF_OBJ_FILE)) {
        return false;
    }
    op->obj = (int)s->n_objects - 1;
    return true;
}

/* The arguments of op->kind, whose count parse_op has checked. */
static bool parse_args(parse_ctx_t *c, conf_seq_t *s, char **tok, unsigned n, conf_op_t *op)
{
    switch (op->kind) {
    case CONF_OP_EVENTFD:
    case CONF_OP_FILE:
        return parse_object_args(c, s, tok, n, op);
    case CONF_OP_NOP:
    case CONF_OP_BAD:
        if (!parse_u64(c, tok[1], MAX_UD, &op->ud))
            return false;
        break;
    case CONF_OP_POLL_ADD:
        if (!parse_u64(c, tok[1], MAX_UD, &op->ud) ||
            !parse_obj(c, s, tok[2], true, CONF_OBJ_EVENTFD, &op->obj) ||
            !parse_events(c, tok[3], &op->events))
            return false;
        if (!op->events)
            return fail(c, "poll_add needs events");
        break;
    case CONF_OP_POLL_REMOVE:
    case CONF_OP_TIMEOUT_REMOVE:
        if (!parse_u64(c, tok[1], MAX_UD, &op->ud) ||
            !parse_u64(c, tok[2], MAX_UD, &op->target_ud))
            return false;
        break;
    case CONF_OP_TIMEOUT:
        if (!parse_u64(c, tok[1], MAX_UD, &op->ud) || !parse_duration(c, tok[2], &op->ns) ||
            !parse_u64(c, tok[3], 64, &op->value))
            return false;
        break;
    case CONF_OP_READ:
        if (!parse_u64(c, tok[1], MAX_UD, &op->ud) ||
            !parse_obj(c, s, tok[2], false, CONF_OBJ_FILE, &op->obj) ||
            !parse_u64(c, tok[3], CONF_MAX_READ, &op->value) ||
            !parse_u64(c, tok[4], CONF_MAX_FILE_SIZE, &op->offset))
            return false;
        break;
    case CONF_OP_SUBMIT_WAIT:
        if (!parse_u64(c, tok[1], 64, &op->value))
            return false;
        break;
    case CONF_OP_WRITE:
        if (!parse_obj(c, s, tok[1], false, CONF_OBJ_EVENTFD, &op->obj) ||
            !parse_u64(c, tok[2], UINT64_MAX, &op->value))
            return false;
        break;
    case CONF_OP_READ_EFD:
        if (!parse_obj(c, s, tok[1], false, CONF_OBJ_EVENTFD, &op->obj))
            return false;
        break;
    case CONF_OP_CLOSE:
        if (!parse_obj(c, s, tok[1], false, -1, &op->obj))
            return false;
        break;
    case CONF_OP_PPOLL:
        return parse_ppoll_args(c, s, tok, n, op);
    case CONF_OP_SLEEP:
        if (!parse_duration(c, tok[1], &op->ns))
            return false;
        break;
    default:
        break;
    }
    return true;
}

static bool parse_op(parse_ctx_t *c, conf_seq_t *s, char **tok, unsigned n)
{
    conf_op_t op = { .line = c->line };
    int k = -1;
    for (int i = 0; i < CONF_OP_COUNT; i++)
        if (strcmp(tok[0], op_names[i]) == 0)
            k = i;
    if (k < 0)
        return fail(c, "unknown operation '%s'", tok[0]);
    op.kind = (conf_op_kind_t)k;
    if (n - 1 < op_args[k].min || n - 1 > op_args[k].max)
        return fail(c, "%s takes %u to %u arguments, got %u", tok[0], op_args[k].min,
                    op_args[k].max, n - 1);
    if (!parse_args(c, s, tok, n, &op))
        return false;
    g_array_append_val(s->ops, op);
    return true;
}

conf_seq_t *conf_seq_parse(const char *text, const char *path, GError **err)
{
    parse_ctx_t c = { .path = path, .err = err };
    conf_seq_t *s = NULL;
    char **lines = g_strsplit(text, "\n", -1);
    bool ok = true;
    for (char **l = lines; ok && *l; l++) {
        c.line++;
        char *hash = strchr(*l, '#');
        if (hash)
            *hash = '\0';
        char **tok = g_strsplit_set(g_strstrip(*l), " \t", -1);
        char *keep[CONF_MAX_POLL + 2] = { 0 };
        unsigned n = 0;
        for (char **t = tok; *t; t++) {
            if (**t) { /* runs of blanks give empty tokens */
                if (n < G_N_ELEMENTS(keep))
                    keep[n] = *t;
                n++;
            }
        }
        if (n) {
            if (!s) {
                uint64_t entries = 0;
                if (strcmp(keep[0], "ring") != 0 || n != 2)
                    ok = fail(&c, "the first operation must be 'ring ENTRIES'");
                else if ((ok = parse_u64(&c, keep[1], 4096, &entries)) && entries == 0)
                    ok = fail(&c, "ring needs at least 1 entry");
                if (ok)
                    s = conf_seq_new((unsigned)entries);
            } else if (n > G_N_ELEMENTS(keep)) {
                ok = fail(&c, "too many arguments");
            } else {
                ok = parse_op(&c, s, keep, n);
            }
        }
        g_strfreev(tok);
    }
    g_strfreev(lines);
    if (ok && !s) {
        c.line = 1;
        ok = fail(&c, "empty sequence (needs 'ring ENTRIES')");
    }
    if (!ok) {
        conf_seq_free(s);
        return NULL;
    }
    return s;
}

conf_seq_t *conf_seq_load(const char *path, GError **err)
{
    char *text;
    if (!g_file_get_contents(path, &text, NULL, err))
        return NULL;
    conf_seq_t *s = conf_seq_parse(text, path, err);
    g_free(text);
    return s;
}

/* ---- printing ---- */

static const char *events_text(unsigned ev)
{
    return ev == (POLLIN | POLLOUT) ? "in|out"
           : ev == POLLIN           ? "in"
           : ev == POLLOUT          ? "out"
                                    : "none";
}

static const char *obj_text(const conf_seq_t *s, int obj)
{
    return obj == CONF_OBJ_RING ? "ring" : s->objects[obj].name;
}

static void duration_text(GString *g, int64_t ns)
{
    if (ns && ns % 1000000000 == 0)
        g_string_append_printf(g, "%" PRId64 "s", ns / 1000000000);
    else if (ns && ns % 1000000 == 0)
        g_string_append_printf(g, "%" PRId64 "ms", ns / 1000000);
    else if (ns && ns % 1000 == 0)
        g_string_append_printf(g, "%" PRId64 "us", ns / 1000);
    else
        g_string_append_printf(g, "%" PRId64 "ns", ns);
}

char *conf_seq_to_text(const conf_seq_t *s)
{
    GString *g = g_string_new(NULL);
    g_string_append_printf(g, "ring %u\n", s->ring_entries);
    for (guint i = 0; i < s->ops->len; i++) {
        const conf_op_t *op = &g_array_index(s->ops, conf_op_t, i);
        g_string_append(g, op_names[op->kind]);
        switch (op->kind) {
        case CONF_OP_EVENTFD:
            g_string_append_printf(g, " %s %" PRIu64, obj_text(s, op->obj), op->value);
            break;
        case CONF_OP_FILE:
            g_string_append_printf(g, " %s %" PRIu64, obj_text(s, op->obj), op->value);
            break;
        case CONF_OP_NOP:
        case CONF_OP_BAD:
            g_string_append_printf(g, " %" PRIu64, op->ud);
            break;
        case CONF_OP_POLL_ADD:
            g_string_append_printf(g, " %" PRIu64 " %s %s", op->ud, obj_text(s, op->obj),
                                   events_text(op->events));
            break;
        case CONF_OP_POLL_REMOVE:
        case CONF_OP_TIMEOUT_REMOVE:
            g_string_append_printf(g, " %" PRIu64 " %" PRIu64, op->ud, op->target_ud);
            break;
        case CONF_OP_TIMEOUT:
            g_string_append_printf(g, " %" PRIu64 " ", op->ud);
            duration_text(g, op->ns);
            g_string_append_printf(g, " %" PRIu64, op->value);
            break;
        case CONF_OP_READ:
            g_string_append_printf(g, " %" PRIu64 " %s %" PRIu64 " %" PRIu64, op->ud,
                                   obj_text(s, op->obj), op->value, op->offset);
            break;
        case CONF_OP_SUBMIT_WAIT:
            g_string_append_printf(g, " %" PRIu64, op->value);
            break;
        case CONF_OP_WRITE:
            g_string_append_printf(g, " %s %" PRIu64, obj_text(s, op->obj), op->value);
            break;
        case CONF_OP_READ_EFD:
        case CONF_OP_CLOSE:
            g_string_append_printf(g, " %s", obj_text(s, op->obj));
            break;
        case CONF_OP_PPOLL:
            for (unsigned j = 0; j < op->n_poll; j++)
                g_string_append_printf(g, " %s:%s", obj_text(s, op->poll_obj[j]),
                                       events_text(op->poll_events[j]));
            break;
        case CONF_OP_SLEEP:
            g_string_append_c(g, ' ');
            duration_text(g, op->ns);
            break;
        default:
            break;
        }
        g_string_append_c(g, '\n');
    }
    return g_string_free(g, FALSE);
}

/*
 * fuzz_conformance.c - libFuzzer harness: the bytes generate a conformance
 * sequence (conformance/conf-gen.c), which runs in the simulator and on
 * Linux (the conf-real program: $WAKESIM_CONF_REAL, default the one built
 * beside this harness).  A divergence is re-checked (Linux must give the
 * same outcome three times, then five more 200 ms apart: timing noise on a
 * loaded machine is not a finding), minimized by
 * dropping operations while it persists, written as
 * conformance-divergence-<hash>.seq (in $WAKESIM_TRACE_DIR, default the
 * current directory) and reported with the command that replays it in both
 * worlds; then the harness aborts, so libFuzzer keeps the input.
 *
 * The simulator may answer a choice Linux leaves open (the order of CQEs
 * posted together) either way: Linux's outcome must be one the simulator
 * gives under one of CONF_FUZZ_SEEDS seeds.  Where io_uring is unavailable
 * the Linux half is skipped (said once) and only the simulator runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf-compare.h"
#include "conf-gen.h"
#include "conf-sim.h"

#ifndef CONF_REAL_DEFAULT
#define CONF_REAL_DEFAULT "conf-real"
#endif
#define CONF_FUZZ_SEEDS 8

static bool linux_unavailable;

static const char *conf_real(void)
{
    const char *p = getenv("WAKESIM_CONF_REAL");
    return p && *p ? p : CONF_REAL_DEFAULT;
}

static void lines_free(GPtrArray *a)
{
    if (a)
        g_ptr_array_free(a, TRUE);
}

/* Linux's outcome, or NULL (unavailable, or not the same three times). */
static GPtrArray *linux_outcome(const conf_seq_t *s, int tries)
{
    GPtrArray *first = NULL;
    for (int i = 0; i < tries; i++) {
        GPtrArray *o = g_ptr_array_new_with_free_func(g_free);
        char *why = NULL;
        int rc = conf_run_real(conf_real(), s, o, &why);
        if (rc != 0) {
            if (rc == 77 && !linux_unavailable) {
                fprintf(stderr, "fuzz_conformance: the Linux half is skipped: %s\n", why);
                linux_unavailable = true;
            } else if (rc != 77) {
                fprintf(stderr, "fuzz_conformance: %s\n", why);
                abort();
            }
            g_free(why);
            lines_free(o);
            lines_free(first);
            return NULL;
        }
        if (!first) {
            first = o;
        } else {
            bool same = conf_first_difference(first, o) < 0;
            lines_free(o);
            if (!same) {
                lines_free(first);
                return NULL;
            }
        }
    }
    return first;
}

/* Whether some simulator seed gives exactly lin. */
static bool sim_can_give(const conf_seq_t *s, const GPtrArray *lin)
{
    for (uint64_t seed = 0; seed < CONF_FUZZ_SEEDS; seed++) {
        GPtrArray *o = g_ptr_array_new_with_free_func(g_free);
        conf_sim_run(s, seed, o, NULL);
        bool same = conf_first_difference(lin, o) < 0;
        lines_free(o);
        if (same)
            return true;
    }
    return false;
}

static bool diverges(const conf_seq_t *s, int tries)
{
    GPtrArray *lin = linux_outcome(s, tries);
    if (!lin)
        return false;
    bool d = !sim_can_give(s, lin);
    lines_free(lin);
    return d;
}

static conf_seq_t *copy_without(const conf_seq_t *s, guint drop)
{
    conf_seq_t *c = conf_seq_new(s->ring_entries);
    memcpy(c->objects, s->objects, sizeof(s->objects));
    c->n_objects = s->n_objects;
    for (guint i = 0; i < s->ops->len; i++) {
        const conf_op_t *op = &g_array_index(s->ops, conf_op_t, i);
        if (i != drop)
            g_array_append_val(c->ops, *op);
    }
    return c;
}

static bool is_object_op(const conf_op_t *op)
{
    return op->kind == CONF_OP_EVENTFD || op->kind == CONF_OP_FILE;
}

/* The last word before reporting: Linux gives the divergent outcome five
 * more times, 200 ms apart (a loaded machine that delayed the thread once
 * rarely does so five times in a row). */
static bool confirmed(const conf_seq_t *s)
{
    for (int i = 0; i < 5; i++) {
        g_usleep(200000);
        if (!diverges(s, 1))
            return false;
    }
    return true;
}

static void report(conf_seq_t *s)
{
    /* Minimize: drop one operation at a time (never an object's creation)
     * while the divergence stays, until no single drop keeps it. */
    bool shrunk = true;
    while (shrunk) {
        shrunk = false;
        for (guint i = s->ops->len; i-- > 0;) {
            if (is_object_op(&g_array_index(s->ops, conf_op_t, i)))
                continue;
            conf_seq_t *c = copy_without(s, i);
            if (diverges(c, 3)) {
                conf_seq_free(s);
                s = c;
                shrunk = true;
            } else {
                conf_seq_free(c);
            }
        }
    }
    char *text = conf_seq_to_text(s);
    char *hash = g_compute_checksum_for_string(G_CHECKSUM_SHA1, text, -1);
    const char *dir = getenv("WAKESIM_TRACE_DIR");
    char *path = g_strdup_printf("%s/conformance-divergence-%.12s.seq",
                                 dir && *dir ? dir : ".", hash);
    g_file_set_contents(path, text, -1, NULL);
    fprintf(stderr,
            "==wakesim== CONFORMANCE DIVERGENCE (minimized, %u operations):\n%s"
            "  written to: %s\n  replay:     conformance --seeds %d --show %s\n"
            "  Linux:      conf-real %s\n",
            s->ops->len, text, path, CONF_FUZZ_SEEDS, path, path);
    g_free(path);
    g_free(hash);
    g_free(text);
    conf_seq_free(s);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    conf_seq_t *s = conf_gen_from_bytes(data, size);
    GPtrArray *lin = linux_unavailable ? NULL : linux_outcome(s, 1);
    if (!lin) {
        /* The simulator half alone still must not crash. */
        GPtrArray *o = g_ptr_array_new_with_free_func(g_free);
        conf_sim_run(s, 0, o, NULL);
        lines_free(o);
        conf_seq_free(s);
        return 0;
    }
    bool ok = sim_can_give(s, lin);
    lines_free(lin);
    if (!ok && diverges(s, 3) && confirmed(s))
        report(s); /* does not return */
    conf_seq_free(s);
    return 0;
}

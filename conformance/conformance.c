/*
 * conformance.c - runs conformance sequences in the simulator and on Linux
 * and compares what each observed (conf-exec.h says how).
 *
 *   conformance [--real PATH] [--seeds N] [--show] FILE|DIR...
 *       live: the simulator (under N seeds, all must agree) against Linux
 *       through conf-real.  Exit 0 no divergence, 1 divergence, 2 bad
 *       input, 77 io_uring unavailable here (the simulator half still runs).
 *       A skip is never silent: when the Linux half did not run, conf-real
 *       --probe (a bare io_uring_setup) decides; if io_uring works here the
 *       run fails (exit 1) instead of skipping.
 *   conformance --recorded [--seeds N] FILE|DIR...
 *       the simulator against the outcome recorded from Linux beside each
 *       sequence (FILE.linux, whose first line names the kernel that
 *       produced it; comparisons skip it): runs anywhere.
 *   conformance --record [--real PATH] FILE|DIR...
 *       writes FILE.linux from this machine's kernel; exit 2 with the reason
 *       (nothing written) where io_uring is unavailable.
 *
 * A DIR stands for its *.seq files, in name order.  A divergence prints
 * the sequence, both outcomes and the commands that replay each half.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "conf-compare.h"
#include "conf-sim.h"

#ifndef CONF_REAL_DEFAULT
#define CONF_REAL_DEFAULT "conf-real"
#endif

typedef struct {
    const char *real;
    int seeds;
    gboolean show, recorded, record;
    unsigned sequences, facts, cqes, divergences;
    bool real_unavailable;
    char *real_why;
    char *rec_kernel; /* the kernel that recorded the current FILE.linux */
} runner_t;

static void print_lines(const char *title, const GPtrArray *l, int mark)
{
    printf("  %s:\n", title);
    for (guint i = 0; i < l->len; i++)
        printf("  %s %s\n", (int)i == mark ? ">" : " ", (char *)l->pdata[i]);
}

static void report(runner_t *r, const char *path, const conf_seq_t *s, const char *what,
                   const GPtrArray *a, const char *a_name, const GPtrArray *b,
                   const char *b_name, int at)
{
    r->divergences++;
    printf("DIVERGENCE in %s (%s), first at outcome line %d:\n", path, what, at + 1);
    char *text = conf_seq_to_text(s);
    printf("  sequence:\n");
    char **lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l && **l; l++)
        printf("    %s\n", *l);
    g_strfreev(lines);
    g_free(text);
    print_lines(a_name, a, at);
    print_lines(b_name, b, at);
    printf("  replay: conformance %s%s   (Linux alone: conf-real %s)\n",
           r->recorded ? "--recorded " : "", path, path);
}

static GPtrArray *sim_outcome(runner_t *r, const char *path, const conf_seq_t *s, bool *ok)
{
    GPtrArray *first = NULL;
    *ok = true;
    for (int seed = 0; seed < r->seeds; seed++) {
        GPtrArray *o = g_ptr_array_new_with_free_func(g_free);
        int ret = conf_sim_run(s, (uint64_t)seed, o, NULL);
        if (ret < 0)
            g_ptr_array_add(o, g_strdup_printf("sim: ring setup failed: %d", ret));
        if (!first) {
            first = o;
            continue;
        }
        int at = conf_first_difference(first, o);
        if (at >= 0) {
            char name[32];
            snprintf(name, sizeof(name), "simulator, seed %d", seed);
            report(r, path, s, "the simulator's outcome depends on its seed", first,
                   "simulator, seed 0", o, name, at);
            *ok = false;
        }
        g_ptr_array_free(o, TRUE);
    }
    return first;
}

/* Writes the Linux outcome to FILE.linux (--record). */
static int record_outcome(const char *rec_path, GPtrArray *linux_lines)
{
    GError *err = NULL;
    GString *g = g_string_new(NULL);
    char *header = conf_kernel_header();
    g_string_append_printf(g, "%s\n", header);
    g_free(header);
    for (guint i = 0; i < linux_lines->len; i++)
        g_string_append_printf(g, "%s\n", (char *)linux_lines->pdata[i]);
    int rc = 0;
    if (!g_file_set_contents(rec_path, g->str, (gssize)g->len, &err)) {
        fprintf(stderr, "conformance: %s\n", err->message);
        g_error_free(err);
        rc = 2;
    } else {
        printf("recorded %s (%u lines)\n", rec_path, linux_lines->len);
    }
    g_string_free(g, TRUE);
    return rc;
}

/* The Linux half of a sequence, into linux_lines: run on this kernel, or
 * read from FILE.linux (--recorded).  Returns 0, 2 on an error, or 77 when
 * this kernel cannot run it (r->real_unavailable says so). */
static int linux_outcome(runner_t *r, const char *path, const conf_seq_t *s,
                         const char *rec_path, GPtrArray *linux_lines)
{
    GError *err = NULL;
    if (r->record || !r->recorded) {
        char *why = NULL;
        int real_rc = conf_run_real(r->real, s, linux_lines, &why);
        if (real_rc == 77) {
            r->real_unavailable = true;
            if (!r->real_why)
                r->real_why = g_strdup(why);
        } else if (real_rc != 0) {
            fprintf(stderr, "conformance: %s: %s\n", path, why);
            real_rc = 2;
        }
        g_free(why);
        return real_rc;
    }
    char *text = NULL;
    if (!g_file_get_contents(rec_path, &text, NULL, &err)) {
        fprintf(stderr,
                "conformance: no recorded Linux outcome for %s: %s "
                "(make one with: conformance --record %s)\n",
                path, err->message, path);
        g_error_free(err);
        return 2;
    }
    conf_lines_from_text(text, linux_lines);
    g_free(text);
    g_free(r->rec_kernel);
    if (!conf_strip_header(linux_lines, &r->rec_kernel)) {
        fprintf(stderr,
                "conformance: %s does not say which kernel recorded it (its first line "
                "must be '%s<uname -r>'): re-record it with conformance --record %s\n",
                rec_path, CONF_KERNEL_PREFIX, path);
        return 2;
    }
    return 0;
}

/* The simulator's outcome, compared with Linux's when there is one. */
static void compare_with_sim(runner_t *r, const char *path, const conf_seq_t *s,
                             GPtrArray *linux_lines)
{
    bool ok;
    GPtrArray *sim = sim_outcome(r, path, s, &ok);
    r->facts += conf_count_facts(sim, &r->cqes);
    if (r->show)
        print_lines(path, sim, -1);
    if (!r->real_unavailable || r->recorded) {
        int at = conf_first_difference(linux_lines, sim);
        char *linux_name = r->recorded
                               ? g_strdup_printf("Linux (recorded on %s)", r->rec_kernel)
                               : g_strdup("Linux");
        if (at >= 0)
            report(r, path, s,
                   r->recorded ? "simulator vs recorded Linux" : "simulator vs Linux",
                   linux_lines, linux_name, sim, "simulator", at);
        g_free(linux_name);
    }
    g_ptr_array_free(sim, TRUE);
}

static int run_one(runner_t *r, const char *path)
{
    GError *err = NULL;
    conf_seq_t *s = conf_seq_load(path, &err);
    if (!s) {
        fprintf(stderr, "conformance: %s\n", err->message);
        g_error_free(err);
        return 2;
    }
    r->sequences++;
    char *rec_path = g_strdup_printf("%s.linux", path);
    GPtrArray *linux_lines = g_ptr_array_new_with_free_func(g_free);
    int rc = linux_outcome(r, path, s, rec_path, linux_lines);
    if (rc == 77 && r->record) {
        fprintf(stderr,
                "conformance: --record needs io_uring on this machine, and it is "
                "unavailable: %s; nothing recorded\n",
                r->real_why);
        rc = 2;
    } else if (rc == 0 && r->record) {
        rc = record_outcome(rec_path, linux_lines);
    } else if (rc == 0 || rc == 77) {
        compare_with_sim(r, path, s, linux_lines);
        rc = 0;
    }
    g_ptr_array_free(linux_lines, TRUE);
    g_free(rec_path);
    conf_seq_free(s);
    return rc;
}

static gint cmp_str(gconstpointer a, gconstpointer b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The sequences named by the arguments: files, and each directory's *.seq
 * in name order.  NULL (reported) when a directory cannot be read. */
static GPtrArray *sequence_files(int argc, char **argv)
{
    GError *err = NULL;
    GPtrArray *files = g_ptr_array_new_with_free_func(g_free);
    for (int i = 1; i < argc; i++) {
        if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            g_ptr_array_add(files, g_strdup(argv[i]));
            continue;
        }
        GDir *d = g_dir_open(argv[i], 0, &err);
        if (!d) {
            fprintf(stderr, "conformance: %s\n", err->message);
            g_error_free(err);
            g_ptr_array_free(files, TRUE);
            return NULL;
        }
        GPtrArray *in_dir = g_ptr_array_new();
        const char *name;
        while ((name = g_dir_read_name(d)))
            if (g_str_has_suffix(name, ".seq"))
                g_ptr_array_add(in_dir, g_build_filename(argv[i], name, NULL));
        g_dir_close(d);
        g_ptr_array_sort(in_dir, cmp_str);
        for (guint j = 0; j < in_dir->len; j++)
            g_ptr_array_add(files, in_dir->pdata[j]);
        g_ptr_array_free(in_dir, TRUE);
    }
    return files;
}

/* The Linux half did not run.  That is a skip (77) only where io_uring
 * cannot be set up on this machine; where it can, something stopped the
 * comparison that should not have, and the run fails. */
static int skip_or_fail(const runner_t *r)
{
    char *probe = NULL;
    int rc = conf_probe_real(r->real, &probe);
    if (rc == 0) {
        printf(
            "FAIL: the Linux half did not run (%s), yet io_uring works here (%s --probe: "
            "%s): a skip is allowed only where io_uring is unavailable\n",
            r->real_why, r->real, probe);
        rc = 1;
    } else if (rc == 77) {
        printf("SKIP: io_uring is unavailable on this machine (%s --probe: %s); the Linux "
               "half did not run: %s\n",
               r->real, probe, r->real_why);
    } else {
        fprintf(stderr, "conformance: %s\n", probe);
        rc = 2;
    }
    g_free(probe);
    return rc;
}

/* The totals line; the exit code of a run that compared everything. */
static int summarize(const runner_t *r)
{
    printf("conformance (%s): %u sequences, %u outcomes compared (%u of them CQEs), "
           "%d simulator seeds each, %u divergences\n",
           r->recorded           ? "simulator vs recorded Linux"
           : r->real_unavailable ? "simulator only"
                                 : "simulator vs Linux",
           r->sequences, r->facts, r->cqes, r->seeds, r->divergences);
    if (r->divergences)
        return 1;
    if (r->real_unavailable && !r->recorded)
        return skip_or_fail(r);
    return 0;
}

int main(int argc, char **argv)
{
    runner_t r = { .real = CONF_REAL_DEFAULT, .seeds = 3 };
    gchar *real = NULL;
    GOptionEntry entries[] = {
        { "real", 0, 0, G_OPTION_ARG_FILENAME, &real, "The conf-real program", "PATH" },
        { "seeds", 0, 0, G_OPTION_ARG_INT, &r.seeds, "Simulator seeds per sequence (3)",
          "N" },
        { "show", 0, 0, G_OPTION_ARG_NONE, &r.show, "Print the simulator's outcomes",
          NULL },
        { "recorded", 0, 0, G_OPTION_ARG_NONE, &r.recorded,
          "Compare with the recorded Linux outcomes (FILE.linux)", NULL },
        { "record", 0, 0, G_OPTION_ARG_NONE, &r.record,
          "Record FILE.linux from this kernel", NULL },
        { NULL }
    };
    GOptionContext *oc = g_option_context_new("FILE|DIR... - the simulator against Linux");
    g_option_context_add_main_entries(oc, entries, NULL);
    GError *err = NULL;
    if (!g_option_context_parse(oc, &argc, &argv, &err) || argc < 2 || r.seeds < 1 ||
        (r.record && r.recorded)) {
        fprintf(
            stderr, "conformance: %s\n",
            err ? err->message
                : "usage: conformance "
                  "[--real PATH] [--seeds N] [--show] [--recorded|--record] FILE|DIR...");
        return 2;
    }
    g_option_context_free(oc);
    if (real)
        r.real = real;

    GPtrArray *files = sequence_files(argc, argv);
    if (!files)
        return 2;
    if (!files->len) {
        fprintf(stderr, "conformance: no sequences given\n");
        return 2;
    }
    int rc = 0;
    for (guint i = 0; i < files->len && !rc; i++)
        rc = run_one(&r, files->pdata[i]);
    g_ptr_array_free(files, TRUE);
    if (!rc && !r.record)
        rc = summarize(&r);
    g_free(r.rec_kernel);
    g_free(r.real_why);
    g_free(real);
    return rc;
}

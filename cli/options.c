/*
 * options.c - option parsing shared by the wakesim subcommands and the
 * user-program runner (wakesim-main.c): GOption contexts, integer values,
 * and one form for every error message ("PROG: what (see --help)").
 */
#include <stdio.h>
#include "cli.h"

const char *cli_prog = "wakesim";

int cli_parse_u64(const char *what, const char *s, uint64_t *out)
{
    char *end;
    if (!s || !g_ascii_isdigit(*s)) {
        fprintf(stderr, "%s: %s must be a non-negative integer, got '%s'\n", cli_prog, what,
                s ? s : "");
        return -1;
    }
    *out = g_ascii_strtoull(s, &end, 10);
    if (*end) {
        fprintf(stderr, "%s: %s must be a non-negative integer, got '%s'\n", cli_prog, what,
                s);
        return -1;
    }
    return 0;
}

int cli_parse_holds(const char *stores_s, const char *points_s, unsigned *stores,
                    unsigned *points)
{
    uint64_t n = 0, l = 0;
    if ((stores_s && cli_parse_u64("--hold-stores", stores_s, &n) < 0) ||
        (points_s && cli_parse_u64("--hold-points", points_s, &l) < 0)) {
        return -1;
    }
    if (n > 1000000 || (points_s && (l < 1 || l > 1000000))) {
        fprintf(stderr,
                "%s: --hold-stores must be in 0..1000000 and --hold-points in "
                "1..1000000\n",
                cli_prog);
        return -1;
    }
    if (points_s && !n) {
        fprintf(stderr, "%s: --hold-points goes with --hold-stores N (N >= 1)\n", cli_prog);
        return -1;
    }
    *stores = (unsigned)n;
    *points = (unsigned)l;
    return 0;
}

GOptionContext *cli_option_context(const char *params, const char *summary,
                                   GOptionEntry *entries)
{
    GOptionContext *oc = g_option_context_new(params);
    g_option_context_set_summary(oc, summary);
    g_option_context_add_main_entries(oc, entries, NULL);
    return oc;
}

int cli_parse_options(GOptionContext *oc, int *argc, char ***argv)
{
    GError *err = NULL;
    if (!g_option_context_parse(oc, argc, argv, &err)) {
        fprintf(stderr, "%s: %s (see --help)\n", cli_prog, err->message);
        g_error_free(err);
        return -1;
    }
    return 0;
}

/*
 * cmd-list.c - wakesim list: the built-in scenarios, the mutants, the
 * targets and the invariants.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "invariant.h"
#include "targets.h"

/* g_ptr_array_sort() hands the comparator pointers to the elements, i.e.
 * char **, not the strings themselves.  Compares the names without ".scn",
 * so "generated" sorts before "generated-faults". */
static gint compare_names(gconstpointer a, gconstpointer b)
{
    const char *x = *(const char *const *)a, *y = *(const char *const *)b;
    size_t lx = strlen(x) - strlen(".scn"), ly = strlen(y) - strlen(".scn");
    int c = strncmp(x, y, MIN(lx, ly));
    if (c != 0) {
        return c;
    }
    return lx < ly ? -1 : lx > ly;
}

/* The built-in scenarios' file names (the directory's .scn files, else
 * the compiled-in ones), sorted by name. */
static GPtrArray *scenario_files(const char *dir_path)
{
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    GDir *dir = dir_path ? g_dir_open(dir_path, 0, NULL) : NULL;
    const char *n;
    while (dir && (n = g_dir_read_name(dir))) {
        if (g_str_has_suffix(n, ".scn")) {
            g_ptr_array_add(names, g_strdup(n));
        }
    }
    if (dir) {
        g_dir_close(dir);
    }
    for (unsigned i = 0; !dir_path && i < cli_builtin_scenario_count(); i++) {
        g_ptr_array_add(names, g_strdup_printf("%s.scn", cli_builtin_scenario_name(i)));
    }
    g_ptr_array_sort(names, compare_names);
    return names;
}

static void list_scenarios(void)
{
    const char *dir = cli_scenario_dir();
    printf("scenarios (%s):\n", dir ? dir : "built into this binary");
    GPtrArray *names = scenario_files(dir);
    for (guint i = 0; i < names->len; i++) {
        char *name = g_strndup(names->pdata[i], strlen(names->pdata[i]) - strlen(".scn"));
        GError *err = NULL;
        scn_t *s = cli_scenario_by_name(name, &err);
        if (s) {
            printf("  %-28s %s\n", s->name, s->description ? s->description : "");
            scn_free(s);
        } else {
            printf("  %-28s (invalid: %s)\n", (char *)names->pdata[i], err->message);
            g_error_free(err);
        }
        g_free(name);
    }
    g_ptr_array_free(names, TRUE);
}

int cmd_list(int argc, char **argv)
{
    list_scenarios();
    printf("mutants:\n");
    for (int m = 0; m < AIO_MUTANT_COUNT; m++) {
        printf("  %-28s %s\n", aio_mutant_name(m), aio_mutant_description(m));
    }
    const wk_target_ops_t *q = wk_target_find("qemu");
    printf("targets: loop%s%s%s\n", q ? ", qemu" : "",
           q && *q->build_mutation ? " with mutation " : "", q ? q->build_mutation : "");
    printf("invariants: %s\n", wk_invariant_list());
    return 0;
}

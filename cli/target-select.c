/*
 * target-select.c - what a run is made of: the scenario (a file or a
 * built-in name), the event loop it drives (loop/ or QEMU), and the
 * mutants switched on.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "builtin-scenarios.h" /* generated: cli/embed-scenarios.cmake */
#include "targets.h"

char **cli_orig_argv;

/* The built-in scenarios: $WAKESIM_SCENARIOS, else found relative to this
 * binary, never through a path compiled in from the source tree, so an
 * installed wakesim works wherever it is installed or moved:
 * <bindir>/../share/wakesim/scenarios (an installation), then
 * <bindir>/scenarios (the build tree links it to the sources at configure
 * time).  NULL when neither exists: the compiled-in copies serve then. */
const char *cli_scenario_dir(void)
{
    static char dir[PATH_MAX];
    static bool searched;
    const char *d = getenv("WAKESIM_SCENARIOS");
    if (d && *d)
        return d;
    if (searched)
        return dir[0] ? dir : NULL;
    searched = true;
    char exe[PATH_MAX - 64]; /* room for the suffixes below */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(dir, sizeof(dir), "%s/../share/wakesim/scenarios", exe);
    if (access(dir, R_OK | X_OK) == 0)
        return dir;
    snprintf(dir, sizeof(dir), "%s/scenarios", exe);
    if (access(dir, R_OK | X_OK) == 0)
        return dir;
    dir[0] = '\0';
    return NULL;
}

unsigned cli_builtin_scenario_count(void)
{
    return CLI_BUILTIN_SCENARIOS;
}

const char *cli_builtin_scenario_name(unsigned i)
{
    return i < CLI_BUILTIN_SCENARIOS ? cli_builtin_scenarios[i].name : NULL;
}

scn_t *cli_scenario_by_name(const char *name, GError **err)
{
    const char *dir = cli_scenario_dir();
    if (dir) {
        char *path = g_strdup_printf("%s/%s.scn", dir, name);
        scn_t *s = scn_load_file(path, err);
        g_free(path);
        return s;
    }
    for (unsigned i = 0; i < CLI_BUILTIN_SCENARIOS; i++) {
        if (strcmp(cli_builtin_scenarios[i].name, name) == 0) {
            char *path = g_strdup_printf("<built-in>/%s.scn", name);
            scn_t *s = scn_load_text(cli_builtin_scenarios[i].text, path, err);
            g_free(path);
            return s;
        }
    }
    g_set_error(err, G_FILE_ERROR, G_FILE_ERROR_NOENT,
                "no file '%s' and no built-in scenario of that name (wakesim list)", name);
    return NULL;
}

scn_t *cli_load_scenario(const char *arg)
{
    GError *err = NULL;
    scn_t *s;
    if (g_file_test(arg, G_FILE_TEST_EXISTS) || strchr(arg, '/')) {
        s = scn_load_file(arg, &err);
    } else {
        s = cli_scenario_by_name(arg, &err);
    }
    if (!s) {
        fprintf(stderr, "%s: %s\n", cli_prog, err->message);
        g_error_free(err);
    }
    return s;
}

char *cli_set_mutants(char **names)
{
    aio_mutants_clear();
    if (aio_mutants_from_env() < 0) {
        return NULL;
    }
    for (char **n = names; n && *n; n++) {
        char *err = NULL;
        if (aio_mutants_parse(*n, &err) < 0) {
            fprintf(stderr, "%s: %s\n", cli_prog, err);
            g_free(err);
            return NULL;
        }
    }
    GString *list = g_string_new(NULL);
    for (int m = 0; m < AIO_MUTANT_COUNT; m++) {
        if (aio_mutant_on(m)) {
            g_string_append_printf(list, "%s%s", list->len ? "," : "", aio_mutant_name(m));
        }
    }
    return g_string_free(list, FALSE);
}

char *cli_self_dir(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    char *dir = exe ? g_path_get_dirname(exe) : g_path_get_dirname(cli_prog);
    g_free(exe);
    return dir;
}

/* The mutations asked for on the qemu target: the --mutant names and
 * WAKESIM_MUTANTS, comma lists split, each once. */
static GPtrArray *qemu_wanted_mutations(char **names)
{
    GPtrArray *want = g_ptr_array_new_with_free_func(g_free);
    const char *env = getenv("WAKESIM_MUTANTS");
    char **lists[] = { names, NULL };
    char *env_list[] = { (char *)env, NULL };
    lists[1] = env && *env ? env_list : NULL;
    for (int l = 0; l < 2; l++) {
        for (char **n = lists[l]; n && *n; n++) {
            char **parts = g_strsplit(*n, ",", -1);
            for (char **p = parts; *p; p++) {
                g_strstrip(*p);
                if (**p && !g_ptr_array_find_with_equal_func(want, *p, g_str_equal, NULL)) {
                    g_ptr_array_add(want, g_strdup(*p));
                }
            }
            g_strfreev(parts);
        }
    }
    return want;
}

/* Re-executes the twin binary built with "mutation" ("" for the unmodified
 * QEMU: plain wakesim) with the same arguments.  Returns only after
 * printing why it could not. */
static void exec_qemu_twin(const char *mutation, bool have_qemu)
{
    char *dir = cli_self_dir();
    char *twin = *mutation ? g_strdup_printf("%s/wakesim-qemu-%s", dir, mutation)
                           : g_strdup_printf("%s/wakesim", dir);
    g_free(dir);
    if (!*mutation && !have_qemu && !strstr(cli_prog, "wakesim-qemu-")) {
        fprintf(stderr,
                "%s: this wakesim was built without the qemu target; build one "
                "with tools/qemu-build.sh (or configure with -DWAKESIM_QEMU_SRC=DIR "
                "-DCMAKE_C_COMPILER=clang)\n",
                cli_prog);
    } else if (!g_file_test(twin, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr,
                "%s: no QEMU build with mutation '%s' (%s not found); the "
                "mutations are listed by `wakesim list` in a build with the qemu "
                "target\n",
                cli_prog, mutation, twin);
    } else {
        fflush(stdout);
        fflush(stderr);
        char **args = g_strdupv(cli_orig_argv);
        g_free(args[0]);
        args[0] = g_strdup(twin);
        execv(twin, args);
        fprintf(stderr, "%s: cannot execute %s: %s\n", cli_prog, twin, g_strerror(errno));
        g_strfreev(args);
    }
    g_free(twin);
}

/* qemu: mutants are build-time mutations of QEMU's source; this binary's
 * QEMU carries at most one (wk_target_qemu.build_mutation).  For another
 * one this re-executes its twin, wakesim-qemu-<mutation> beside this
 * binary (or plain wakesim for the unmodified QEMU). */
static char *select_qemu(char **names, const scn_t *scn)
{
    GPtrArray *want = qemu_wanted_mutations(names);
    char *result = NULL;
    if (want->len > 1) {
        fprintf(stderr,
                "%s: the qemu target takes one mutation at a time "
                "(each is a separate build)\n",
                cli_prog);
        goto out;
    }
    const char *mutation = want->len ? want->pdata[0] : "";
    const wk_target_ops_t *q = wk_target_find("qemu");
    if (q && strcmp(q->build_mutation, mutation) == 0) {
        wk_target_select(q);
        if (wk_machine_check_target(cli_prog, scn) != 0) {
            goto out;
        }
        aio_mutants_clear();
        result = g_strdup(mutation);
        goto out;
    }
    exec_qemu_twin(mutation, q != NULL);
out:
    g_ptr_array_free(want, TRUE);
    return result;
}

/* loop: mutants are runtime switches in loop/ (cli_set_mutants). */
char *cli_select_target(const char *target, char **names, const scn_t *scn)
{
    const char *t = target ? target : "loop";
    if (strcmp(t, "loop") != 0 && strcmp(t, "qemu") != 0) {
        fprintf(stderr, "%s: --target must be loop or qemu, got '%s'\n", cli_prog, t);
        return NULL;
    }
    if (!scn_applies_to(scn, t)) {
        fprintf(stderr, "%s: scenario %s does not apply to target %s (its targets: %s)\n",
                cli_prog, scn->name, t, scn->targets);
        return NULL;
    }
    if (strcmp(t, "loop") == 0) {
        wk_target_select(&wk_target_loop);
        return cli_set_mutants(names);
    }
    return select_qemu(names, scn);
}

/*
 * wakesim.c - the command line: run a scenario many times under a decision
 * strategy, replay a reproducer, check a scenario's expectations, list what
 * is built in.
 *
 * Exit codes: 0 no violation, 1 a violation (printed, with the reproducer
 * and the command that replays it), 2 bad usage or bad input.
 */
#include <inttypes.h>
#include <limits.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/wait.h>
#include <glib.h>
#include "invariant.h"
#include "keyed.h"
#include "machine.h"
#include "report.h"
#include "scenario.h"
#include "build-id.h"
#include "shrink.h"
#include "timeline.h"
#include "target.h"
#include "trace.h"
#include <unistd.h>

#define EXIT_VIOLATION 1
/* wakesim check: runs for a mutant the scenario's [expect] does not name. */
#define WK_CHECK_UNNAMED_RUNS 300
#define EXIT_USAGE 2
#define EXIT_DIVERGED 3 /* a reproducer no longer replays as recorded */

static const char *prog = "wakesim";
/* The command line as given, for re-executing a QEMU twin binary. */
static char **orig_argv;

/* ---- shared helpers ---- */

/* The built-in scenarios: $WAKESIM_SCENARIOS, else found relative to this
 * binary, never through a path compiled in from the source tree, so an
 * installed wakesim works wherever it is installed or moved:
 * <bindir>/../share/wakesim/scenarios (an installation), then
 * <bindir>/scenarios (the build tree links it to the sources at configure
 * time). */
static const char *scenario_dir(void)
{
    static char dir[PATH_MAX];
    const char *d = getenv("WAKESIM_SCENARIOS");
    if (d && *d)
        return d;
    if (dir[0])
        return dir;
    char exe[PATH_MAX - 64]; /* room for the suffixes below */
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return "scenarios";
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash)
        *slash = '\0';
    snprintf(dir, sizeof(dir), "%s/../share/wakesim/scenarios", exe);
    if (access(dir, R_OK | X_OK) == 0)
        return dir;
    snprintf(dir, sizeof(dir), "%s/scenarios", exe);
    return dir;
}

/* A path, or the name of a built-in scenario. */
static scn_t *load_scenario(const char *arg)
{
    GError *err = NULL;
    scn_t *s;
    if (g_file_test(arg, G_FILE_TEST_EXISTS) || strchr(arg, '/')) {
        s = scn_load_file(arg, &err);
    } else {
        char *path = g_strdup_printf("%s/%s.scn", scenario_dir(), arg);
        s = scn_load_file(path, &err);
        g_free(path);
    }
    if (!s) {
        fprintf(stderr, "%s: %s\n", prog, err->message);
        g_error_free(err);
    }
    return s;
}

/* Sets exactly the named mutants (plus WAKESIM_MUTANTS); "" is the fixed
 * code.  Returns the canonical comma list, or NULL after printing why. */
static char *set_mutants(char **names)
{
    aio_mutants_clear();
    if (aio_mutants_from_env() < 0) {
        return NULL;
    }
    for (char **n = names; n && *n; n++) {
        char *err = NULL;
        if (aio_mutants_parse(*n, &err) < 0) {
            fprintf(stderr, "%s: %s\n", prog, err);
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

/* The directory of this executable (its QEMU twins live beside it). */
static char *self_dir(void)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    char *dir = exe ? g_path_get_dirname(exe) : g_path_get_dirname(prog);
    g_free(exe);
    return dir;
}

/* Chooses the event loop the runs drive, checks the scenario lists it, and
 * sets the mutants; returns the canonical mutant list, or NULL after
 * printing why.
 *   loop: mutants are runtime switches in loop/ (set_mutants).
 *   qemu: mutants are build-time mutations of QEMU's source; this binary's
 *         QEMU carries at most one (wk_target_qemu.build_mutation).  For
 *         another one this re-executes its twin, wakesim-qemu-<mutation>
 *         beside this binary (or plain wakesim for the unmodified QEMU),
 *         with the same arguments.  Does not return then. */
static char *select_target(const char *target, char **names, const scn_t *scn)
{
    const char *t = target ? target : "loop";
    if (strcmp(t, "loop") != 0 && strcmp(t, "qemu") != 0) {
        fprintf(stderr, "%s: --target must be loop or qemu, got '%s'\n", prog, t);
        return NULL;
    }
    if (!scn_applies_to(scn, t)) {
        fprintf(stderr, "%s: scenario %s does not apply to target %s (its targets: %s)\n",
                prog, scn->name, t, scn->targets);
        return NULL;
    }
    if (strcmp(t, "loop") == 0) {
        wk_target_select(&wk_target_loop);
        return set_mutants(names);
    }

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
    char *result = NULL;
    if (want->len > 1) {
        fprintf(stderr,
                "%s: the qemu target takes one mutation at a time "
                "(each is a separate build)\n",
                prog);
        goto out;
    }
    const char *mutation = want->len ? want->pdata[0] : "";
    const wk_target_ops_t *q = wk_target_find("qemu");
    if (q && strcmp(q->build_mutation, mutation) == 0) {
        wk_target_select(q);
        if (wk_machine_check_target(prog, scn) != 0) {
            goto out;
        }
        aio_mutants_clear();
        result = g_strdup(mutation);
        goto out;
    }
    char *dir = self_dir();
    char *twin = *mutation ? g_strdup_printf("%s/wakesim-qemu-%s", dir, mutation)
                           : g_strdup_printf("%s/wakesim", dir);
    g_free(dir);
    if (!*mutation && !q && !strstr(prog, "wakesim-qemu-")) {
        fprintf(stderr,
                "%s: this wakesim was built without the qemu target; build one "
                "with tools/qemu-build.sh (or configure with -DWAKESIM_QEMU_SRC=DIR "
                "-DCMAKE_C_COMPILER=clang)\n",
                prog);
    } else if (!g_file_test(twin, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr,
                "%s: no QEMU build with mutation '%s' (%s not found); the "
                "mutations are listed by `wakesim list` in a build with the qemu "
                "target\n",
                prog, mutation, twin);
    } else {
        fflush(stdout);
        fflush(stderr);
        char **args = g_strdupv(orig_argv);
        g_free(args[0]);
        args[0] = g_strdup(twin);
        execv(twin, args);
        fprintf(stderr, "%s: cannot execute %s: %s\n", prog, twin, g_strerror(errno));
        g_strfreev(args);
    }
    g_free(twin);
out:
    g_ptr_array_free(want, TRUE);
    return result;
}

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int parse_u64(const char *what, const char *s, uint64_t *out)
{
    char *end;
    if (!s || !g_ascii_isdigit(*s)) {
        fprintf(stderr, "%s: %s must be a non-negative integer, got '%s'\n", prog, what,
                s ? s : "");
        return -1;
    }
    *out = g_ascii_strtoull(s, &end, 10);
    if (*end) {
        fprintf(stderr, "%s: %s must be a non-negative integer, got '%s'\n", prog, what, s);
        return -1;
    }
    return 0;
}

static GOptionContext *option_context(const char *params, const char *summary,
                                      GOptionEntry *entries)
{
    GOptionContext *oc = g_option_context_new(params);
    g_option_context_set_summary(oc, summary);
    g_option_context_add_main_entries(oc, entries, NULL);
    return oc;
}

static int parse_options(GOptionContext *oc, int *argc, char ***argv)
{
    GError *err = NULL;
    if (!g_option_context_parse(oc, argc, argv, &err)) {
        fprintf(stderr, "%s: %s (see --help)\n", prog, err->message);
        g_error_free(err);
        return -1;
    }
    return 0;
}

/* Re-runs a decision array with the log on: the log and its hash go into
 * the reproducer, and the re-run proves the run is deterministic. */
static void rerun_logged(const scn_t *scn, const sim_options_t *base,
                         const wk_outcome_t *found, wk_outcome_t *out)
{
    sim_options_t o = *base;
    o.log_enabled = true;
    o.decide.kind = SIM_DECIDE_REPLAY;
    o.decide.replay = found->decisions;
    o.decide.replay_bounds = found->bounds;
    o.decide.replay_len = found->n_decisions;
    wk_machine_run(scn, &o, out);
}

/* PCT's n (scheduling points) from a pilot run, and k (threads) from the
 * scenario's shape. */
static void pct_setup(const scn_t *scn, sim_options_t *o, unsigned depth)
{
    wk_outcome_t pilot;
    sim_options_t po = *o;
    po.decide.kind = SIM_DECIDE_SEED;
    wk_machine_run(scn, &po, &pilot);
    o->decide.pct_steps = pilot.steps ? pilot.steps : 1;
    o->decide.pct_threads = scn->workload == SCN_WORKLOAD_GENERATED
                                ? scn->vcpus + 4 /* main, main-loop, iothread, a worker */
                                : scn->vcpus + 2 + (scn->target == SCN_TARGET_IOTHREAD);
    o->decide.pct_depth = depth;
    wk_outcome_clear(&pilot);
}

/* ---- run ---- */

typedef struct {
    char **mutants;
    char *target;
    char *strategy;
    char *seed_s, *runs_s, *depth_s;
    char *out_dir;
    char *bytes_file;
    char *memory_model;
    char *workload;
    gboolean log;
} run_args_t;

static int strategy_setup(const run_args_t *a, sim_options_t *o, uint64_t seed,
                          GBytes *file_bytes, uint8_t *gen, size_t gen_len)
{
    if (strcmp(a->strategy, "random") == 0) {
        o->decide.kind = SIM_DECIDE_SEED;
        o->decide.seed = seed;
    } else if (strcmp(a->strategy, "pct") == 0) {
        o->decide.kind = SIM_DECIDE_PCT;
        o->decide.seed = seed;
    } else if (strcmp(a->strategy, "bytes") == 0) {
        o->decide.kind = SIM_DECIDE_BYTES;
        if (file_bytes) {
            o->decide.bytes = g_bytes_get_data(file_bytes, &o->decide.bytes_len);
        } else {
            uint64_t st = seed;
            for (size_t i = 0; i < gen_len; i += 8) {
                uint64_t r = splitmix64(&st);
                memcpy(gen + i, &r, MIN(8, gen_len - i));
            }
            o->decide.bytes = gen;
            o->decide.bytes_len = gen_len;
        }
    } else {
        fprintf(stderr, "%s: --strategy must be random, pct or bytes, got '%s'\n", prog,
                a->strategy);
        return -1;
    }
    return 0;
}

/* Writes a reproducer of a failing run into dir (logged re-run of its
 * decisions) and prints the violation block.  Returns EXIT_VIOLATION. */
static int report_found(const scn_t *scn, const char *mutants, const char *dir,
                        const char *strategy, uint64_t seed, unsigned depth,
                        const sim_options_t *o, const wk_outcome_t *found, bool log)
{
    wk_outcome_t logged;
    wk_trace_t t;
    GError *err = NULL;

    rerun_logged(scn, o, found, &logged);
    if (strcmp(wk_outcome_verdict(&logged), wk_outcome_verdict(found)) != 0) {
        printf(
            "warning: re-running the recorded decisions gave '%s' (not deterministic?)\n",
            wk_outcome_verdict(&logged));
    }
    if (log && logged.log) {
        fputs(logged.log, stdout);
    }
    const char *target = wk_target_selected()->name;
    bool other_target = strcmp(target, "loop") != 0;
    char *name = g_strdup_printf(
        "wakesim-%s%s%s-%s-%s%s%s%" PRIu64 ".trace", scn->name, other_target ? "-" : "",
        other_target ? target : "", *mutants ? mutants : "fixed",
        o->memory_model == SIM_MEMORY_SC ? "" : sim_memory_model_name(o->memory_model),
        o->memory_model == SIM_MEMORY_SC ? "" : "-", strategy, seed);
    for (char *p = name; *p; p++) {
        if (*p == ',') {
            *p = '+';
        }
    }
    char *path = g_build_filename(dir, name, NULL);
    wk_trace_from_outcome(&t, scn, mutants, strategy, seed, depth, o->ns_per_step, &logged);
    bool saved = wk_trace_save(&t, path, &err);
    if (!saved) {
        fprintf(stderr, "%s: cannot write reproducer: %s\n", prog, err->message);
        g_error_free(err);
    }
    char *seed_s = strcmp(strategy, "pct") == 0
                       ? g_strdup_printf("pct seed %" PRIu64 " depth %u", seed, depth)
                       : g_strdup_printf("%s seed %" PRIu64, strategy, seed);
    char *cmd = saved ? g_strdup_printf("%s replay %s", prog, path) : NULL;
    wk_report_t r = { .scn = scn,
                      .mutants = mutants,
                      .seed = seed_s,
                      .replay_cmd = cmd,
                      .reproducer = saved ? path : NULL };
    wk_report_print(stdout, &r, found);
    g_free(seed_s);
    g_free(cmd);
    wk_trace_clear(&t);
    wk_outcome_clear(&logged);
    g_free(path);
    g_free(name);
    return EXIT_VIOLATION;
}

static int report_violation(const scn_t *scn, const char *mutants, const run_args_t *a,
                            uint64_t seed, unsigned depth, const sim_options_t *o,
                            const wk_outcome_t *found, unsigned run)
{
    printf("VIOLATION in run %u (seed %" PRIu64 "): %s\n", run, seed, found->message);
    return report_found(scn, mutants, a->out_dir, a->strategy, seed, depth, o, found,
                        a->log);
}

static int cmd_run(int argc, char **argv)
{
    /* Defaults are filled in after parsing: GOption overwrites a string
     * option's pointer without freeing what was there. */
    run_args_t a = { 0 };
    GOptionEntry entries[] = { { "mutant", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &a.mutants,
                                 "Enable a mutant (repeatable)", "NAME" },
                               { "target", 't', 0, G_OPTION_ARG_STRING, &a.target,
                                 "Event loop: loop (default) or qemu", "T" },
                               { "strategy", 's', 0, G_OPTION_ARG_STRING, &a.strategy,
                                 "random (default), pct or bytes", "S" },
                               { "seed", 0, 0, G_OPTION_ARG_STRING, &a.seed_s,
                                 "First seed, or 'random' (the default with --runs > 1; 1 "
                                 "for a single run); run i uses seed+i",
                                 "N|random" },
                               { "runs", 'n', 0, G_OPTION_ARG_STRING, &a.runs_s,
                                 "Number of runs (default 1)", "N" },
                               { "pct-depth", 'd', 0, G_OPTION_ARG_STRING, &a.depth_s,
                                 "PCT depth d (default 3)", "D" },
                               { "bytes-file", 0, 0, G_OPTION_ARG_FILENAME, &a.bytes_file,
                                 "Decision bytes for --strategy bytes", "FILE" },
                               { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out_dir,
                                 "Directory for reproducers (default .)", "DIR" },
                               { "log", 'l', 0, G_OPTION_ARG_NONE, &a.log,
                                 "Print the event log of the reported run", NULL },
                               { "memory-model", 0, 0, G_OPTION_ARG_STRING, &a.memory_model,
                                 "sc, tso, pso or arm (default: the scenario's, else sc)",
                                 "M" },
                               { "workload", 'w', 0, G_OPTION_ARG_STRING, &a.workload,
                                 "generated: programs of API operations on the scenario's "
                                 "machine (default: the scenario's own)",
                                 "KIND" },
                               { NULL } };
    GOptionContext *oc = option_context(
        "SCENARIO - run a scenario under many schedules",
        "SCENARIO is a .scn file or the name of a built-in scenario (wakesim list).",
        entries);
    int rc = EXIT_USAGE;
    uint64_t seed = 1, runs = 1, depth = 3;
    scn_t *scn = NULL;
    char *mutants = NULL;
    GBytes *file_bytes = NULL;
    uint8_t gen[4096];

    if (parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    a.strategy = a.strategy ? a.strategy : g_strdup("random");
    a.out_dir = a.out_dir ? a.out_dir : g_strdup(".");
    if (argc != 2) {
        fprintf(stderr, "%s run: expected one SCENARIO (see --help)\n", prog);
        goto out;
    }
    if ((a.runs_s && parse_u64("--runs", a.runs_s, &runs) < 0)) {
        goto out;
    }
    /* Many runs explore new schedules each time unless a seed is given: a
     * fixed default would make every CI run repeat the same ones.  The seed
     * is printed, so any run can be repeated. */
    bool random_seed = a.seed_s ? strcmp(a.seed_s, "random") == 0 : runs > 1;
    if (random_seed) {
        seed = g_random_int() | (uint64_t)g_random_int() << 32;
        seed >>= 1; /* leave room for seed + i */
    }
    if ((a.seed_s && !random_seed && parse_u64("--seed", a.seed_s, &seed) < 0) ||
        (a.depth_s && parse_u64("--pct-depth", a.depth_s, &depth) < 0)) {
        goto out;
    }
    if (runs == 0 || depth == 0 || depth > 64) {
        fprintf(stderr, "%s run: --runs must be >= 1 and --pct-depth in 1..64\n", prog);
        goto out;
    }
    if (a.bytes_file && runs > 1) {
        fprintf(stderr, "%s run: --bytes-file gives one schedule: use --runs 1\n", prog);
        goto out;
    }
    if (a.bytes_file) {
        GError *err = NULL;
        char *data;
        gsize len;
        if (!g_file_get_contents(a.bytes_file, &data, &len, &err)) {
            fprintf(stderr, "%s: %s\n", prog, err->message);
            g_error_free(err);
            goto out;
        }
        file_bytes = g_bytes_new_take(data, len);
    }
    int model = a.memory_model ? sim_memory_model_parse(a.memory_model) : -1;
    if (a.memory_model && model < 0) {
        fprintf(stderr, "%s run: --memory-model must be sc, tso, pso or arm, got '%s'\n",
                prog, a.memory_model);
        goto out;
    }
    if (a.workload && strcmp(a.workload, "generated") != 0 &&
        strcmp(a.workload, "batches") != 0) {
        fprintf(stderr, "%s run: --workload must be generated or batches, got '%s'\n", prog,
                a.workload);
        goto out;
    }
    if (!(scn = load_scenario(argv[1])) ||
        !(mutants = select_target(a.target, a.mutants, scn))) {
        goto out;
    }
    if (a.workload && strcmp(a.workload, "generated") == 0 &&
        scn->workload != SCN_WORKLOAD_GENERATED) {
        /* Through the text, so that a reproducer embeds the workload too. */
        char *text = scn_text_with_generated_workload(scn);
        GError *err = NULL;
        scn_t *gen = scn_load_text(text, scn->path, &err);
        g_free(text);
        if (!gen) {
            fprintf(stderr, "%s: %s\n", prog, err->message);
            g_error_free(err);
            goto out;
        }
        scn_free(scn);
        scn = gen;
    }
    if (wk_machine_check_target(prog, scn) != 0) {
        goto out;
    }

    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.memory_model =
        model >= 0 ? (sim_memory_model_t)model : (sim_memory_model_t)scn->memory_model;
    if (strategy_setup(&a, &o, seed, file_bytes, gen, sizeof(gen)) < 0) {
        goto out;
    }
    printf(
        "wakesim run: scenario %s (%s), target %s, workload %s, mutants: %s, memory model "
        "%s, strategy %s, seed %" PRIu64 "%s, runs %" PRIu64 "\n",
        scn->name, scn->path, wk_target_selected()->name,
        scn->workload == SCN_WORKLOAD_GENERATED ? "generated" : "batches",
        *mutants ? mutants : "none", sim_memory_model_name(o.memory_model), a.strategy,
        seed, random_seed ? " (random: repeat with --seed it)" : "", runs);
    if (o.decide.kind == SIM_DECIDE_PCT) {
        pct_setup(scn, &o, (unsigned)depth);
        sim_pct_bound_print(stdout, o.decide.pct_steps, o.decide.pct_threads,
                            (unsigned)depth);
    }

    rc = 0;
    gint64 t0 = g_get_monotonic_time();
    uint64_t done = 0;
    for (uint64_t i = 0; i < runs; i++, done++) {
        wk_outcome_t out;
        uint64_t run_seed = seed + i;
        if (strategy_setup(&a, &o, run_seed, file_bytes, gen, sizeof(gen)) < 0) {
            rc = EXIT_USAGE;
            break;
        }
        wk_machine_run(scn, &o, &out);
        if (out.result != SIM_RESULT_OK) {
            rc = report_violation(scn, mutants, &a, run_seed, (unsigned)depth, &o, &out,
                                  (unsigned)i);
            wk_outcome_clear(&out);
            done++;
            break;
        }
        if (a.log && i + 1 == runs) {
            wk_outcome_t logged;
            rerun_logged(scn, &o, &out, &logged);
            fputs(logged.log, stdout);
            wk_outcome_clear(&logged);
        }
        wk_outcome_clear(&out);
    }
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    printf("%" PRIu64 " run%s, %s, %.3f s, %.0f runs/s\n", done, done == 1 ? "" : "s",
           rc == 0 ? "no violation" : "1 violation", secs, secs > 0 ? done / secs : 0.0);
out:
    scn_free(scn);
    g_free(mutants);
    if (file_bytes) {
        g_bytes_unref(file_bytes);
    }
    g_strfreev(a.mutants);
    g_free(a.target);
    g_free(a.strategy);
    g_free(a.seed_s);
    g_free(a.runs_s);
    g_free(a.depth_s);
    g_free(a.out_dir);
    g_free(a.bytes_file);
    g_free(a.memory_model);
    g_free(a.workload);
    g_option_context_free(oc);
    return rc;
}

/* Loads a reproducer, its embedded scenario, and sets its mutants.
 * Returns the scenario, or NULL after printing why. */
static scn_t *load_reproducer(const char *path, wk_trace_t *t, char **mutants)
{
    GError *err = NULL;
    if (!wk_trace_load(t, path, &err)) {
        fprintf(stderr, "%s: %s\n", prog, err->message);
        g_error_free(err);
        return NULL;
    }
    char *where = g_strdup_printf("%s (scenario embedded in %s)", t->scenario_path, path);
    scn_t *scn = scn_load_text(t->scenario_text, where, &err);
    g_free(where);
    if (!scn) {
        fprintf(stderr, "%s: %s\n", prog, err->message);
        g_error_free(err);
        return NULL;
    }
    char *names[] = { t->mutants, NULL };
    if (!(*mutants = select_target(t->target, names, scn))) {
        scn_free(scn);
        return NULL;
    }
    /* Another build may schedule differently: say so before a divergence
     * is taken for a broken reproducer. */
    wk_build_id_t id;
    wk_build_id(&id);
    if (!t->build_version) {
        printf("note: %s records no build identity (format 1)\n", path);
    } else if (strcmp(t->build_version, id.version) != 0 ||
               strcmp(t->build_compiler ? t->build_compiler : "", id.compiler) != 0 ||
               strcmp(t->build_memory_model ? t->build_memory_model : "",
                      id.memory_model) != 0) {
        printf(
            "warning: %s was recorded by another build: version %s, %s, memory model %s; "
            "this is version %s, %s, memory model %s (a divergence may come from the "
            "code change)\n",
            path, t->build_version, t->build_compiler ? t->build_compiler : "?",
            t->build_memory_model ? t->build_memory_model : "?", id.version, id.compiler,
            id.memory_model);
    }
    return scn;
}

/* ---- replay ---- */

/* Writes a keyed replay's run as a reproducer of this build, keeping how
 * the original was found (strategy, seed) so its name still means it. */
static bool rerecord_trace(const wk_trace_t *orig, const scn_t *scn, const char *mutants,
                           const wk_outcome_t *out, const char *path)
{
    wk_trace_t t = { 0 };
    GError *err = NULL;
    wk_trace_from_outcome(&t, scn, mutants, orig->strategy, orig->seed, orig->pct_depth,
                          orig->ns_per_step, out);
    g_free(t.scenario_path);
    t.scenario_path = g_strdup(orig->scenario_path);
    bool ok = wk_trace_save(&t, path, &err);
    if (ok) {
        printf("re-recorded: %s\n", path);
    } else {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, path, err->message);
        g_error_free(err);
    }
    wk_trace_clear(&t);
    return ok;
}

static int cmd_replay(int argc, char **argv)
{
    gboolean log = FALSE, keyed = FALSE, fixed = FALSE;
    char *chrome = NULL, *svg = NULL, *rerecord = NULL;
    GOptionEntry entries[] = {
        { "log", 'l', 0, G_OPTION_ARG_NONE, &log, "Print the event log", NULL },
        { "rerecord", 0, 0, G_OPTION_ARG_FILENAME, &rerecord,
          "When the replay reaches the recorded verdict (positional: matches it; --keyed: "
          "reaches its violation), write it as a new reproducer for this build (refreshes "
          "a "
          "regression after a code change, or its keyed decisions to the current form)",
          "OUT" },
        { "keyed", 'k', 0, G_OPTION_ARG_NONE, &keyed,
          "Replay the keyed decisions (survive code changes): only the verdict must match",
          NULL },
        { "fixed", 0, 0, G_OPTION_ARG_NONE, &fixed,
          "Run the fixed code instead of the recorded mutants (with --keyed: must pass)",
          NULL },
        { "chrome-trace", 0, 0, G_OPTION_ARG_FILENAME, &chrome,
          "Write the run as a Trace Event file (Perfetto, chrome://tracing)", "OUT.json" },
        { "timeline", 0, 0, G_OPTION_ARG_FILENAME, &svg,
          "Draw the run: thread lanes, ring SQ/CQ, the late hand-off", "OUT.svg" },
        { NULL }
    };
    GOptionContext *oc = option_context(
        "FILE - replay a reproducer",
        "Re-runs the recorded decisions and checks that the verdict and the event log "
        "(by hash) are the same.  Exit: 0 pass, 1 violation, 2 bad input, 3 the replay "
        "diverged from the recording.",
        entries);
    int rc = EXIT_USAGE;
    wk_trace_t t = { 0 };
    scn_t *scn = NULL;
    char *mutants = NULL;
    wk_timeline_t *tl = NULL;
    wk_keyed_t kd = { 0 };
    GError *err = NULL;

    if (parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s replay: expected one FILE (see --help)\n", prog);
        goto out;
    }
    if (rerecord && fixed) {
        fprintf(stderr, "%s replay: --rerecord does not go with --fixed\n", prog);
        goto out;
    }
    if (fixed && !keyed) {
        fprintf(stderr,
                "%s replay: --fixed needs --keyed (positional decisions of a mutant "
                "do not fit the fixed code)\n",
                prog);
        goto out;
    }
    if (!(scn = load_reproducer(argv[1], &t, &mutants))) {
        goto out;
    }
    if (keyed && !t.keyed) {
        fprintf(stderr, "%s: %s has no keyed decisions (format 1): re-record it\n", prog,
                argv[1]);
        goto out;
    }
    if (keyed && !wk_keyed_parse(t.keyed, &kd, &err)) {
        fprintf(stderr, "%s: %s: %s\n", prog, argv[1], err->message);
        g_error_free(err);
        goto out;
    }
    if (fixed) {
        g_free(mutants);
        mutants = set_mutants(NULL);
    }

    sim_options_t o;
    sim_options_init(&o);
    o.ns_per_step = t.ns_per_step;
    o.memory_model = t.memory_model;
    o.log_enabled = true;
    o.decide.kind = SIM_DECIDE_REPLAY;
    o.decide.replay = t.values;
    o.decide.replay_bounds = t.bounds;
    o.decide.replay_len = t.n_decisions;
    if (keyed) {
        o.decide.kind = SIM_DECIDE_KEYED;
        o.decide.keyed = kd.items;
        o.decide.keyed_len = kd.n;
    }
    if (chrome || svg) {
        tl = wk_timeline_new(t.ns_per_step);
        o.on_event = wk_timeline_on_event;
        o.event_opaque = tl;
    }
    printf(
        "wakesim replay: %s: scenario %s, target %s, mutants: %s, memory model %s, found "
        "by %s seed %" PRIu64 ", %zu decisions%s\n",
        argv[1], t.scenario_name, t.target, *mutants ? mutants : "none",
        sim_memory_model_name(t.memory_model), t.strategy, t.seed, t.n_decisions,
        keyed ? " (replaying the keyed ones)" : "");

    wk_outcome_t out;
    wk_machine_run(scn, &o, &out);
    if (log && out.log) {
        /* The log keeps ids (its hash must not depend on names): the
         * legend says which is which. */
        printf("objects: %s\n", out.names ? out.names : "");
        fputs(out.log, stdout);
    }
    const char *verdict = wk_outcome_verdict(&out);
    if (tl) {
        char *title = g_strdup_printf("%s  (scenario %s, mutants %s)", argv[1],
                                      t.scenario_name, *mutants ? mutants : "none");
        GError *werr = NULL;
        wk_timeline_finish(tl, &out, title);
        g_free(title);
        if ((chrome && !wk_timeline_write_chrome(tl, chrome, &werr)) ||
            (svg && !wk_timeline_write_svg(tl, svg, &werr))) {
            fprintf(stderr, "%s: cannot write the timeline: %s\n", prog, werr->message);
            g_error_free(werr);
            wk_outcome_clear(&out);
            goto out;
        }
        if (chrome) {
            printf("chrome trace: %s\n", chrome);
        }
        if (svg) {
            printf("timeline: %s\n", svg);
        }
    }
    const char *want = fixed ? "pass" : t.verdict;
    if (out.result == SIM_RESULT_REPLAY_ERROR) {
        printf("replay diverged: %s\n", out.message);
        rc = EXIT_DIVERGED;
    } else if (keyed && strcmp(verdict, want) != 0) {
        printf("keyed replay lost the recording: verdict %s, expected %s\n", verdict, want);
        rc = EXIT_DIVERGED;
    } else if (keyed) {
        printf("keyed replay %s: verdict %s (%zu keyed decisions), %" PRIu64 " steps, "
               "event log hash %016" PRIx64 " (%s the positional recording)\n",
               fixed ? "of the fixed code" : "reaches the recorded violation", verdict,
               kd.n, out.steps, out.log_hash,
               out.log_hash == t.log_hash ? "same as" : "differs from");
        if (out.result != SIM_RESULT_OK) {
            printf("VIOLATION: %s\n", out.message);
        }
        rc = out.result == SIM_RESULT_OK ? 0 : EXIT_VIOLATION;
        if (rerecord && !rerecord_trace(&t, scn, mutants, &out, rerecord)) {
            rc = EXIT_USAGE;
        }
    } else if (strcmp(verdict, t.verdict) != 0 || out.log_hash != t.log_hash) {
        printf("replay differs from the recording: verdict %s (recorded %s), log hash "
               "%016" PRIx64 " (recorded %016" PRIx64 ")\n",
               verdict, t.verdict, out.log_hash, t.log_hash);
        rc = EXIT_DIVERGED;
    } else {
        if (out.result != SIM_RESULT_OK) {
            char *seed =
                g_strdup_printf("%s seed %" PRIu64 " (as recorded)", t.strategy, t.seed);
            char *cmd = g_strdup_printf("%s replay %s", prog, argv[1]);
            wk_report_t r = { .scn = scn,
                              .mutants = mutants,
                              .seed = seed,
                              .replay_cmd = cmd,
                              .reproducer = argv[1] };
            printf("VIOLATION: %s\n", out.message);
            wk_report_print(stdout, &r, &out);
            g_free(seed);
            g_free(cmd);
        }
        printf("replay matches the recording: verdict %s, %" PRIu64 " steps, %.3f ms "
               "virtual, event log hash %016" PRIx64 "\n",
               verdict, out.steps, out.end_ns / 1e6, out.log_hash);
        printf("coverage: %u SQE(s) queued while the main loop slept in ppoll\n",
               out.sqes_queued_while_main_loop_slept);
        rc = out.result == SIM_RESULT_OK ? 0 : EXIT_VIOLATION;
        /* The same run, its keyed decisions written in this build's key
         * form (the positional decisions and the log stay as they were). */
        if (rerecord && !rerecord_trace(&t, scn, mutants, &out, rerecord)) {
            rc = EXIT_USAGE;
        }
    }
    wk_outcome_clear(&out);
out:
    wk_keyed_clear(&kd);
    wk_timeline_free(tl);
    wk_trace_clear(&t);
    scn_free(scn);
    g_free(mutants);
    g_free(chrome);
    g_free(svg);
    g_free(rerecord);
    g_option_context_free(oc);
    return rc;
}

/* ---- shrink ---- */

static int cmd_shrink(int argc, char **argv)
{
    char *out_path = NULL, *budget_s = NULL;
    GOptionEntry entries[] = { { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
                                 "Where to write the shrunk reproducer (default FILE "
                                 "without .trace + .shrunk.trace)",
                                 "OUT" },
                               { "budget", 'b', 0, G_OPTION_ARG_STRING, &budget_s,
                                 "Replays to try at most (default 4000)", "N" },
                               { NULL } };
    GOptionContext *oc = option_context(
        "FILE - shrink a reproducer's schedule",
        "Keeps the same violation (invariant and kind of object) and minimises, in this "
        "order: preemptions, non-default decisions, threads, workload items, steps.  "
        "Each candidate is checked by replay.",
        entries);
    int rc = EXIT_USAGE;
    wk_trace_t t = { 0 };
    scn_t *scn = NULL;
    char *mutants = NULL;
    GError *err = NULL;
    uint64_t budget = 4000;
    wk_outcome_t start = { 0 }, logged = { 0 };
    wk_shrink_result_t res = { 0 };
    wk_trace_t nt = { 0 };

    if (parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s shrink: expected one FILE (see --help)\n", prog);
        goto out;
    }
    if (budget_s &&
        (parse_u64("--budget", budget_s, &budget) < 0 || budget == 0 || budget > 1000000)) {
        fprintf(stderr, "%s shrink: --budget must be in 1..1000000\n", prog);
        goto out;
    }
    if (!(scn = load_reproducer(argv[1], &t, &mutants))) {
        goto out;
    }
    sim_options_t o;
    sim_options_init(&o);
    o.ns_per_step = t.ns_per_step;
    o.memory_model = t.memory_model;
    o.log_enabled = false;
    o.decide.kind = SIM_DECIDE_REPLAY;
    o.decide.replay = t.values;
    o.decide.replay_bounds = t.bounds;
    o.decide.replay_len = t.n_decisions;
    wk_machine_run(scn, &o, &start);
    if (start.result == SIM_RESULT_REPLAY_ERROR) {
        fprintf(stderr, "%s: %s: replay diverged: %s\n", prog, argv[1], start.message);
        rc = EXIT_DIVERGED;
        goto out;
    }
    if (start.result == SIM_RESULT_OK) {
        fprintf(stderr, "%s: %s: replays without a violation: nothing to shrink\n", prog,
                argv[1]);
        goto out;
    }
    printf("wakesim shrink: %s: scenario %s, mutants: %s, %s\n", argv[1], t.scenario_name,
           *mutants ? mutants : "none", start.message);
    wk_shrink_opts_t so = { .max_candidates = (unsigned)budget,
                            .ns_per_step = t.ns_per_step,
                            .memory_model = t.memory_model,
                            .progress = stdout };
    if (!wk_shrink(scn, &start, &so, &res, &err)) {
        fprintf(stderr, "%s: %s: %s\n", prog, argv[1], err->message);
        g_error_free(err);
        goto out;
    }
    /* Record the shrunk run exactly, with its log and hash, and prove that
     * the file replays to the same log byte for byte. */
    sim_options_t lo;
    sim_options_init(&lo);
    lo.ns_per_step = t.ns_per_step;
    lo.memory_model = t.memory_model;
    rerun_logged(res.scn, &lo, &res.out, &logged);
    wk_figures_print(stdout, "before", &res.before);
    wk_figures_print(stdout, "after ", &res.after);
    printf("%u replays tried, %u kept\n", res.candidates, res.accepted);
    if (strcmp(wk_outcome_verdict(&logged), t.verdict) != 0) {
        printf("shrunk run does not replay to '%s' but '%s'\n", t.verdict,
               wk_outcome_verdict(&logged));
        rc = EXIT_DIVERGED;
        goto out;
    }
    if (!out_path) {
        const char *in = argv[1];
        size_t n = strlen(in);
        if (g_str_has_suffix(in, ".trace")) {
            n -= strlen(".trace");
        }
        out_path = g_strdup_printf("%.*s.shrunk.trace", (int)n, in);
    }
    wk_trace_from_outcome(&nt, res.scn, t.mutants, "shrink", t.seed, t.pct_depth,
                          t.ns_per_step, &logged);
    g_free(nt.scenario_path); /* where it came from, unannotated */
    nt.scenario_path = g_strdup(t.scenario_path);
    if (!wk_trace_save(&nt, out_path, &err)) {
        fprintf(stderr, "%s: cannot write %s: %s\n", prog, out_path, err->message);
        g_error_free(err);
        goto out;
    }
    char *seed_s = g_strdup_printf("shrunk from %s seed %" PRIu64, t.strategy, t.seed);
    char *cmd = g_strdup_printf("%s replay %s", prog, out_path);
    wk_report_t r = { .scn = res.scn,
                      .mutants = mutants,
                      .seed = seed_s,
                      .replay_cmd = cmd,
                      .reproducer = out_path };
    wk_report_print(stdout, &r, &logged);
    g_free(seed_s);
    g_free(cmd);
    rc = EXIT_VIOLATION;
out:
    wk_trace_clear(&t);
    wk_trace_clear(&nt);
    wk_outcome_clear(&start);
    wk_outcome_clear(&logged);
    wk_shrink_result_clear(&res);
    scn_free(scn);
    g_free(mutants);
    g_free(out_path);
    g_free(budget_s);
    g_option_context_free(oc);
    return rc;
}

/* ---- check: the scenario's own expectations ---- */

/* Runs up to "runs" seeds (1, 2, ...) under memory model "model"; returns
 * true with *out and *seed of the first run that does not pass, false when
 * all pass. */
static bool first_failure(const scn_t *scn, sim_memory_model_t model, uint64_t runs,
                          sim_options_t *o, wk_outcome_t *out, uint64_t *seed,
                          uint64_t *used)
{
    sim_options_init(o);
    o->log_enabled = false;
    o->memory_model = model;
    if (scn->check_strategy == SCN_STRATEGY_PCT) {
        pct_setup(scn, o, scn->check_pct_depth);
    }
    for (uint64_t i = 0; i < runs; i++) {
        o->decide.kind =
            scn->check_strategy == SCN_STRATEGY_PCT ? SIM_DECIDE_PCT : SIM_DECIDE_SEED;
        o->decide.seed = 1 + i;
        wk_machine_run(scn, o, out);
        if (out->result != SIM_RESULT_OK) {
            *seed = 1 + i;
            *used = i + 1;
            return true;
        }
        wk_outcome_clear(out);
    }
    *used = runs;
    return false;
}

/* One expectation: mutant (NULL = the fixed code) on target under model
 * gives "expected" within runs. */
static int check_one(const scn_t *scn, const char *scn_arg, const char *target,
                     const char *mutant, sim_memory_model_t model, const char *expected,
                     uint64_t runs, const char *out_dir)
{
    char *names[] = { (char *)mutant, NULL };
    char *set = select_target(target, mutant ? names : NULL, scn);
    if (!set) {
        return EXIT_USAGE;
    }
    uint64_t used = 0, seed = 0;
    sim_options_t o;
    wk_outcome_t out = { 0 };
    bool failed = first_failure(scn, model, runs, &o, &out, &seed, &used);
    const char *got = failed ? wk_outcome_verdict(&out) : "pass";
    bool ok = strcmp(got, expected) == 0;
    const char *strategy = scn->check_strategy == SCN_STRATEGY_PCT ? "pct" : "random";
    printf("%-4s %-28s %-3s expected %-20s got %-20s after %" PRIu64
           " run%s (%s seeds 1..%" PRIu64 ")\n",
           ok ? "ok" : "FAIL", mutant ? mutant : "fixed", sim_memory_model_name(model),
           expected, got, used, used == 1 ? "" : "s", strategy, used);
    if (!ok && failed) {
        /* An unexpected verdict: everything needed to look at it. */
        report_found(scn, set, out_dir, strategy, seed, scn->check_pct_depth, &o, &out,
                     false);
    } else if (!ok) {
        printf("  no run of %" PRIu64 " gave %s; search again with: %s run %s%s%s "
               "--memory-model %s --strategy %s --seed 1 --runs %" PRIu64 "%s\n",
               used, expected, prog, scn_arg, mutant ? " --mutant " : "",
               mutant ? mutant : "", sim_memory_model_name(model), strategy, used,
               scn->check_strategy == SCN_STRATEGY_PCT ? " --pct-depth N" : "");
    }
    wk_outcome_clear(&out);
    g_free(set);
    return ok ? 0 : EXIT_VIOLATION;
}

/* `wakesim check SCENARIO --target qemu --mutant NAME` in a child process.
 * A mutation without a twin binary (mutate.py has no site for it in QEMU)
 * is reported and skipped. */
static int check_mutant_in_child(const char *scenario, const char *mutant)
{
    char *dir = self_dir();
    char *twin = g_strdup_printf("%s/wakesim-qemu-%s", dir, mutant);
    g_free(dir);
    if (!g_file_test(twin, G_FILE_TEST_IS_EXECUTABLE)) {
        printf("skip %-28s no QEMU twin of this mutant (%s)\n", mutant, twin);
        g_free(twin);
        return 0;
    }
    char *args[] = { twin,   "check",    (char *)scenario, "--target",
                     "qemu", "--mutant", (char *)mutant,   NULL };
    int status = 0;
    GError *err = NULL;
    fflush(stdout);
    if (!g_spawn_sync(NULL, args, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL, NULL, NULL,
                      NULL, &status, &err)) {
        fprintf(stderr, "%s: cannot run %s: %s\n", prog, twin, err->message);
        g_error_free(err);
        g_free(twin);
        return EXIT_USAGE;
    }
    g_free(twin);
    return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_USAGE;
}

static int cmd_check(int argc, char **argv)
{
    char *runs_s = NULL, *out_dir = NULL, *target = NULL, *only = NULL;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_STRING, &runs_s,
          "Runs for the fixed code (default: the scenario's budget)", "N" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
          "Directory for reproducers of unexpected verdicts (default .)", "DIR" },
        { "target", 't', 0, G_OPTION_ARG_STRING, &target,
          "Event loop: loop (default) or qemu", "T" },
        { "mutant", 'm', 0, G_OPTION_ARG_STRING, &only, "Check only this mutant", "NAME" },
        { NULL }
    };
    GOptionContext *oc = option_context(
        "SCENARIO - check a scenario's expectations",
        "The fixed code must pass every run; each mutant must give its expected verdict "
        "within the scenario's run budget ([expect] runs, or the expectation's own: "
        "'MUTANT = INVARIANT[@MODEL][, runs N]').",
        entries);
    int rc = EXIT_USAGE;
    uint64_t runs = 0;
    scn_t *scn = NULL;

    if (parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s check: expected one SCENARIO (see --help)\n", prog);
        goto out;
    }
    if ((runs_s && parse_u64("--runs", runs_s, &runs) < 0) ||
        !(scn = load_scenario(argv[1]))) {
        goto out;
    }
    const char *dir = out_dir ? out_dir : ".";
    if (only) {
        rc = check_one(scn, argv[1], target, only, scn_expected_model(scn, only),
                       scn_expected(scn, only), scn_expected_runs(scn, only), dir);
        goto out;
    }
    printf("wakesim check: scenario %s (%s), target %s\n", scn->name, scn->path,
           target ? target : "loop");
    /* The fixed code: no false alarm under any memory model. */
    rc = 0;
    for (int model = 0; model < SIM_MEMORY_COUNT && rc != EXIT_USAGE; model++) {
        int r = check_one(scn, argv[1], target, NULL, (sim_memory_model_t)model, "pass",
                          runs ? runs : scn->run_budget, dir);
        rc = rc ? rc : r;
    }
    for (int m = 0; m < AIO_MUTANT_COUNT && rc != EXIT_USAGE; m++) {
        const char *name = aio_mutant_name(m);
        const char *expected = scn_expected(scn, name);
        sim_memory_model_t model = scn_expected_model(scn, name);
        int r;
        if (target && strcmp(target, "qemu") == 0) {
            /* Each QEMU mutation is its own binary: check it in a child, so
             * that select_target() may re-execute the twin. */
            r = check_mutant_in_child(argv[1], name);
            rc = rc ? rc : r;
            continue;
        }
        /* A mutant the file does not name is expected to pass: a short
         * run notices a scenario that catches it at once (then the file
         * should say so) without multiplying the CI time by the size of
         * the catalogue.  Named mutants get the whole budget. */
        bool named = g_hash_table_contains(scn->expect, name);
        uint64_t budget = named ? scn_expected_runs(scn, name)
                                : MIN(scn->run_budget, WK_CHECK_UNNAMED_RUNS);
        r = check_one(scn, argv[1], target, name, model, expected, budget, dir);
        rc = rc ? rc : r;
        if (model != SIM_MEMORY_SC && strcmp(expected, "pass") != 0 && rc != EXIT_USAGE &&
            g_hash_table_contains(scn->expect_model, name)) {
            /* An expectation that says it needs a weaker model ("@tso"):
             * the same budget finds nothing under sequential consistency. */
            r = check_one(scn, argv[1], target, name, SIM_MEMORY_SC, "pass", budget, dir);
            rc = rc ? rc : r;
        }
    }
out:
    scn_free(scn);
    g_free(runs_s);
    g_free(out_dir);
    g_free(target);
    g_free(only);
    g_option_context_free(oc);
    return rc;
}

/* ---- list ---- */

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

static int cmd_list(int argc, char **argv)
{
    GDir *dir = g_dir_open(scenario_dir(), 0, NULL);
    GPtrArray *names = g_ptr_array_new_with_free_func(g_free);
    const char *n;
    printf("scenarios (%s):\n", scenario_dir());
    while (dir && (n = g_dir_read_name(dir))) {
        if (g_str_has_suffix(n, ".scn")) {
            g_ptr_array_add(names, g_strdup(n));
        }
    }
    g_ptr_array_sort(names, compare_names);
    for (guint i = 0; i < names->len; i++) {
        char *path = g_build_filename(scenario_dir(), names->pdata[i], NULL);
        GError *err = NULL;
        scn_t *s = scn_load_file(path, &err);
        if (s) {
            printf("  %-28s %s\n", s->name, s->description ? s->description : "");
            scn_free(s);
        } else {
            printf("  %-28s (invalid: %s)\n", (char *)names->pdata[i], err->message);
            g_error_free(err);
        }
        g_free(path);
    }
    printf("mutants:\n");
    for (int m = 0; m < AIO_MUTANT_COUNT; m++) {
        printf("  %-28s %s\n", aio_mutant_name(m), aio_mutant_description(m));
    }
    const wk_target_ops_t *q = wk_target_find("qemu");
    printf("targets: loop%s%s%s\n", q ? ", qemu" : "",
           q && *q->build_mutation ? " with mutation " : "", q ? q->build_mutation : "");
    printf("invariants: %s\n", wk_invariant_list());
    g_ptr_array_free(names, TRUE);
    if (dir) {
        g_dir_close(dir);
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: %s COMMAND [OPTIONS]\n"
        "  run SCENARIO [--mutant NAME]... [--strategy random|pct|bytes] [--seed N]\n"
        "               [--runs N] [--pct-depth D] [--memory-model sc|tso|pso|arm] "
        "[--log]\n"
        "                                                    run under many schedules\n"
        "               [--runs N] [--pct-depth D] [--log]   run under many schedules\n"
        "               [--workload generated] [--target loop|qemu]\n"
        "  replay FILE [--log] [--chrome-trace OUT.json] [--timeline OUT.svg]\n"
        "                                                    replay a reproducer\n"
        "  shrink FILE [-o OUT] [--budget N]                 simplify a reproducer\n"
        "  check SCENARIO [--runs N] [--target loop|qemu]    check its expectations\n"
        "  list                                              scenarios and mutants\n"
        "Each command has --help.  Exit: 0 no violation, 1 violation, 2 bad usage/input,\n"
        "3 a reproducer's replay diverged from its recording.\n",
        prog);
}

int main(int argc, char **argv)
{
    prog = argv[0];
    orig_argv = g_strdupv(argv);
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    /* Each command parses its own options: argv[0] becomes "wakesim CMD". */
    char *name = g_strdup_printf("%s %s", prog, cmd);
    argv[1] = name;
    int rc;
    if (strcmp(cmd, "run") == 0) {
        rc = cmd_run(argc - 1, argv + 1);
    } else if (strcmp(cmd, "replay") == 0) {
        rc = cmd_replay(argc - 1, argv + 1);
    } else if (strcmp(cmd, "shrink") == 0) {
        rc = cmd_shrink(argc - 1, argv + 1);
    } else if (strcmp(cmd, "check") == 0) {
        rc = cmd_check(argc - 1, argv + 1);
    } else if (strcmp(cmd, "list") == 0) {
        rc = cmd_list(argc - 1, argv + 1);
    } else {
        fprintf(stderr, "%s: unknown command '%s'\n", prog, cmd);
        usage(stderr);
        rc = EXIT_USAGE;
    }
    g_free(name);
    g_strfreev(orig_argv);
    return rc;
}

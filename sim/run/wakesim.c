/*
 * wakesim.c - the command line: run a scenario many times under a decision
 * strategy, replay a reproducer, check a scenario's expectations, list what
 * is built in.
 *
 * Exit codes: 0 no violation, 1 a violation (printed, with the reproducer
 * and the command that replays it), 2 bad usage or bad input.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "invariant.h"
#include "machine.h"
#include "scenario.h"
#include "trace.h"

#ifndef WAKESIM_SCENARIO_DIR
#define WAKESIM_SCENARIO_DIR "scenarios"
#endif

#define EXIT_VIOLATION 1
/* wakesim check: runs for a mutant the scenario's [expect] does not name. */
#define WK_CHECK_UNNAMED_RUNS 300
#define EXIT_USAGE 2

static const char *prog = "wakesim";

/* ---- shared helpers ---- */

static const char *scenario_dir(void)
{
    const char *d = getenv("WAKESIM_SCENARIOS");
    return d && *d ? d : WAKESIM_SCENARIO_DIR;
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
static void rerun_logged(const scn_t *scn, const sim_options_t *base, const wk_outcome_t *found,
                         wk_outcome_t *out)
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
                            ? scn->vcpus + 4   /* main, main-loop, iothread, a worker */
                            : scn->vcpus + 2 + (scn->target == SCN_TARGET_IOTHREAD);
    o->decide.pct_depth = depth;
    wk_outcome_clear(&pilot);
}

/* ---- run ---- */

typedef struct {
    char **mutants;
    char *strategy;
    char *seed_s, *runs_s, *depth_s;
    char *out_dir;
    char *bytes_file;
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

static int report_violation(const scn_t *scn, const char *mutants, const run_args_t *a,
                            uint64_t seed, unsigned depth, const sim_options_t *o,
                            const wk_outcome_t *found, unsigned run)
{
    wk_outcome_t logged;
    wk_trace_t t;
    GError *err = NULL;

    rerun_logged(scn, o, found, &logged);
    printf("VIOLATION in run %u (seed %" PRIu64 "): %s\n", run, seed, found->message);
    if (strcmp(wk_outcome_verdict(&logged), wk_outcome_verdict(found)) != 0) {
        printf("warning: re-running the recorded decisions gave '%s' (not deterministic?)\n",
               wk_outcome_verdict(&logged));
    }
    if (a->log && logged.log) {
        fputs(logged.log, stdout);
    }
    char *name = g_strdup_printf("wakesim-%s-%s-%s%" PRIu64 ".trace", scn->name,
                                 *mutants ? mutants : "fixed", a->strategy, seed);
    for (char *p = name; *p; p++) {
        if (*p == ',') {
            *p = '+';
        }
    }
    char *path = g_build_filename(a->out_dir, name, NULL);
    wk_trace_from_outcome(&t, scn, mutants, a->strategy, seed, depth, o->ns_per_step, &logged);
    if (!wk_trace_save(&t, path, &err)) {
        fprintf(stderr, "%s: cannot write reproducer: %s\n", prog, err->message);
        g_error_free(err);
    } else {
        printf("reproducer: %s\n", path);
        printf("replay with: %s replay %s\n", prog, path);
    }
    wk_trace_clear(&t);
    wk_outcome_clear(&logged);
    g_free(path);
    g_free(name);
    return EXIT_VIOLATION;
}

static int cmd_run(int argc, char **argv)
{
    /* Defaults are filled in after parsing: GOption overwrites a string
     * option's pointer without freeing what was there. */
    run_args_t a = { 0 };
    GOptionEntry entries[] = {
        { "mutant", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &a.mutants, "Enable a mutant (repeatable)", "NAME" },
        { "strategy", 's', 0, G_OPTION_ARG_STRING, &a.strategy, "random (default), pct or bytes", "S" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &a.seed_s, "First seed (default 1); run i uses seed+i", "N" },
        { "runs", 'n', 0, G_OPTION_ARG_STRING, &a.runs_s, "Number of runs (default 1)", "N" },
        { "pct-depth", 'd', 0, G_OPTION_ARG_STRING, &a.depth_s, "PCT depth d (default 3)", "D" },
        { "bytes-file", 0, 0, G_OPTION_ARG_FILENAME, &a.bytes_file, "Decision bytes for --strategy bytes", "FILE" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out_dir, "Directory for reproducers (default .)", "DIR" },
        { "log", 'l', 0, G_OPTION_ARG_NONE, &a.log, "Print the event log of the reported run", NULL },
        { "workload", 'w', 0, G_OPTION_ARG_STRING, &a.workload, "generated: programs of API operations on the scenario's machine (default: the scenario's own)", "KIND" },
        { NULL }
    };
    GOptionContext *oc = option_context("SCENARIO - run a scenario under many schedules",
        "SCENARIO is a .scn file or the name of a built-in scenario (wakesim list).", entries);
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
    if ((a.seed_s && parse_u64("--seed", a.seed_s, &seed) < 0) ||
        (a.runs_s && parse_u64("--runs", a.runs_s, &runs) < 0) ||
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
    if (a.workload && strcmp(a.workload, "generated") != 0 && strcmp(a.workload, "batches") != 0) {
        fprintf(stderr, "%s run: --workload must be generated or batches, got '%s'\n", prog,
                a.workload);
        goto out;
    }
    if (!(scn = load_scenario(argv[1])) || !(mutants = set_mutants(a.mutants))) {
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

    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    if (strategy_setup(&a, &o, seed, file_bytes, gen, sizeof(gen)) < 0) {
        goto out;
    }
    printf("wakesim run: scenario %s (%s), workload %s, mutants: %s, strategy %s, seed %" PRIu64
           ", runs %" PRIu64 "\n", scn->name, scn->path,
           scn->workload == SCN_WORKLOAD_GENERATED ? "generated" : "batches",
           *mutants ? mutants : "none", a.strategy, seed, runs);
    if (o.decide.kind == SIM_DECIDE_PCT) {
        pct_setup(scn, &o, (unsigned)depth);
        sim_pct_bound_print(stdout, o.decide.pct_steps, o.decide.pct_threads, (unsigned)depth);
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
    g_free(a.strategy);
    g_free(a.seed_s);
    g_free(a.runs_s);
    g_free(a.depth_s);
    g_free(a.out_dir);
    g_free(a.bytes_file);
    g_free(a.workload);
    g_option_context_free(oc);
    return rc;
}

/* ---- replay ---- */

static int cmd_replay(int argc, char **argv)
{
    gboolean log = FALSE;
    GOptionEntry entries[] = {
        { "log", 'l', 0, G_OPTION_ARG_NONE, &log, "Print the event log", NULL },
        { NULL }
    };
    GOptionContext *oc = option_context("FILE - replay a reproducer",
        "Re-runs the recorded decisions and checks that the verdict and the event log "
        "(by hash) are the same.", entries);
    int rc = EXIT_USAGE;
    wk_trace_t t = { 0 };
    scn_t *scn = NULL;
    char *mutants = NULL;
    GError *err = NULL;

    if (parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s replay: expected one FILE (see --help)\n", prog);
        goto out;
    }
    if (!wk_trace_load(&t, argv[1], &err)) {
        fprintf(stderr, "%s: %s\n", prog, err->message);
        g_error_free(err);
        goto out;
    }
    char *where = g_strdup_printf("%s (scenario embedded in %s)", t.scenario_path, argv[1]);
    scn = scn_load_text(t.scenario_text, where, &err);
    g_free(where);
    if (!scn) {
        fprintf(stderr, "%s: %s\n", prog, err->message);
        g_error_free(err);
        goto out;
    }
    char *names[] = { t.mutants, NULL };
    if (!(mutants = set_mutants(names))) {
        goto out;
    }

    sim_options_t o;
    sim_options_init(&o);
    o.ns_per_step = t.ns_per_step;
    o.log_enabled = true;
    o.decide.kind = SIM_DECIDE_REPLAY;
    o.decide.replay = t.values;
    o.decide.replay_bounds = t.bounds;
    o.decide.replay_len = t.n_decisions;
    printf("wakesim replay: %s: scenario %s, mutants: %s, found by %s seed %" PRIu64
           ", %zu decisions\n", argv[1], t.scenario_name, *mutants ? mutants : "none",
           t.strategy, t.seed, t.n_decisions);

    wk_outcome_t out;
    wk_machine_run(scn, &o, &out);
    if (log && out.log) {
        fputs(out.log, stdout);
    }
    const char *verdict = wk_outcome_verdict(&out);
    if (out.result == SIM_RESULT_REPLAY_ERROR) {
        printf("replay diverged: %s\n", out.message);
        rc = EXIT_USAGE;
    } else if (strcmp(verdict, t.verdict) != 0 || out.log_hash != t.log_hash) {
        printf("replay differs from the recording: verdict %s (recorded %s), log hash "
               "%016" PRIx64 " (recorded %016" PRIx64 ")\n", verdict, t.verdict,
               out.log_hash, t.log_hash);
        rc = EXIT_USAGE;
    } else {
        if (out.result != SIM_RESULT_OK) {
            printf("VIOLATION: %s\n", out.message);
        }
        printf("replay matches the recording: verdict %s, %" PRIu64 " steps, %.3f ms "
               "virtual, event log hash %016" PRIx64 "\n", verdict, out.steps,
               out.end_ns / 1e6, out.log_hash);
        printf("coverage: %u SQE(s) queued while the main loop slept in ppoll\n",
               out.sqes_queued_while_main_loop_slept);
        rc = out.result == SIM_RESULT_OK ? 0 : EXIT_VIOLATION;
    }
    wk_outcome_clear(&out);
out:
    wk_trace_clear(&t);
    scn_free(scn);
    g_free(mutants);
    g_option_context_free(oc);
    return rc;
}

/* ---- check: the scenario's own expectations ---- */

/* Runs up to "runs" seeds; returns the verdict of the first violation, or
 * "pass". */
static char *first_verdict(const scn_t *scn, uint64_t runs, uint64_t *used)
{
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    if (scn->check_strategy == SCN_STRATEGY_PCT) {
        pct_setup(scn, &o, scn->check_pct_depth);
    }
    for (uint64_t i = 0; i < runs; i++) {
        wk_outcome_t out;
        o.decide.kind = scn->check_strategy == SCN_STRATEGY_PCT ? SIM_DECIDE_PCT
                                                                 : SIM_DECIDE_SEED;
        o.decide.seed = 1 + i;
        wk_machine_run(scn, &o, &out);
        if (out.result != SIM_RESULT_OK) {
            char *v = g_strdup_printf("%s|%s", wk_outcome_verdict(&out), out.message);
            *used = i + 1;
            wk_outcome_clear(&out);
            return v;
        }
        wk_outcome_clear(&out);
    }
    *used = runs;
    return g_strdup("pass|");
}

static int check_one(const scn_t *scn, const char *mutant, uint64_t runs)
{
    char *names[] = { (char *)mutant, NULL };
    char *set = set_mutants(mutant ? names : NULL);
    if (!set) {
        return EXIT_USAGE;
    }
    const char *expected = scn_expected(scn, mutant);
    uint64_t used = 0;
    char *got = first_verdict(scn, runs, &used);
    char *msg = strchr(got, '|');
    *msg++ = '\0';
    bool ok = strcmp(got, expected) == 0;
    printf("%-4s %-28s expected %-20s got %-20s after %" PRIu64 " run%s%s%s\n",
           ok ? "ok" : "FAIL", mutant ? mutant : "fixed", expected, got, used,
           used == 1 ? "" : "s", *msg ? ": " : "", msg);
    g_free(got);
    g_free(set);
    return ok ? 0 : EXIT_VIOLATION;
}

static int cmd_check(int argc, char **argv)
{
    char *runs_s = NULL;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_STRING, &runs_s, "Runs for the fixed code (default: the scenario's budget)", "N" },
        { NULL }
    };
    GOptionContext *oc = option_context("SCENARIO - check a scenario's expectations",
        "The fixed code must pass every run; each mutant must give its expected verdict "
        "within the scenario's run budget ([expect] runs).", entries);
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
    if ((runs_s && parse_u64("--runs", runs_s, &runs) < 0) || !(scn = load_scenario(argv[1]))) {
        goto out;
    }
    printf("wakesim check: scenario %s (%s)\n", scn->name, scn->path);
    rc = check_one(scn, NULL, runs ? runs : scn->run_budget);
    for (int m = 0; m < AIO_MUTANT_COUNT && rc != EXIT_USAGE; m++) {
        /* A mutant the file does not name is expected to pass: a short
         * run notices a scenario that catches it at once (then the file
         * should say so) without multiplying the CI time by the size of
         * the catalogue.  Named mutants get the whole budget. */
        bool named = g_hash_table_contains(scn->expect, aio_mutant_name(m));
        uint64_t budget = named ? scn->run_budget : MIN(scn->run_budget, WK_CHECK_UNNAMED_RUNS);
        int r = check_one(scn, aio_mutant_name(m), budget);
        rc = rc ? rc : r;
    }
out:
    scn_free(scn);
    g_free(runs_s);
    g_option_context_free(oc);
    return rc;
}

/* ---- list ---- */

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
    g_ptr_array_sort(names, (GCompareFunc)g_strcmp0);
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
    printf("invariants: %s\n", wk_invariant_list());
    g_ptr_array_free(names, TRUE);
    if (dir) {
        g_dir_close(dir);
    }
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage: %s COMMAND [OPTIONS]\n"
        "  run SCENARIO [--mutant NAME]... [--strategy random|pct|bytes] [--seed N]\n"
        "               [--runs N] [--pct-depth D] [--log]   run under many schedules\n"
        "               [--workload generated]\n"
        "  replay FILE [--log]                               replay a reproducer\n"
        "  check SCENARIO [--runs N]                         check its expectations\n"
        "  list                                              scenarios and mutants\n"
        "Each command has --help.  Exit: 0 no violation, 1 violation, 2 bad usage/input.\n",
        prog);
}

int main(int argc, char **argv)
{
    prog = argv[0];
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
    return rc;
}

/*
 * cmd-check.c - wakesim check: a scenario's own expectations.  The fixed
 * code must pass every run under every memory model; each mutant must give
 * the verdict its [expect] line names within its run budget.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include "commands.h"

/* wakesim check: runs for a mutant the scenario's [expect] does not name. */
#define WK_CHECK_UNNAMED_RUNS 300

/* What every expectation of one check shares. */
typedef struct {
    const scn_t *scn;
    const char *scn_arg; /* as given on the command line */
    const char *target;  /* NULL: loop */
    const char *out_dir;
} check_t;

/* The command that re-runs one schedule of this check after a crash: the
 * same arguments, the mutant, and --crash-rerun MODEL:SEED (written into
 * place before each run: the crash handler cannot allocate). */
typedef struct {
    char **argv;
    char spec[48], label[96];
} rerun_cmd_t;

static void rerun_cmd_init(rerun_cmd_t *r, const char *mutant)
{
    guint n = cli_orig_argv ? g_strv_length(cli_orig_argv) : 0;
    r->argv = n ? g_new0(char *, n + 5) : NULL;
    if (n) {
        memcpy(r->argv, cli_orig_argv, n * sizeof(char *));
        r->argv[n++] = "--crash-rerun";
        r->argv[n++] = r->spec;
        r->argv[n++] = mutant ? "--mutant" : NULL;
        r->argv[n] = (char *)mutant;
    }
}

/* Runs up to "runs" seeds (1, 2, ...) under memory model "model"; returns
 * true with *out and *seed of the first run that does not pass, false when
 * all pass.  A crash is reported by the guard (see check_rerun). */
static bool first_failure(const scn_t *scn, const char *mutant, sim_memory_model_t model,
                          uint64_t runs, sim_options_t *o, wk_outcome_t *out,
                          uint64_t *seed, uint64_t *used)
{
    sim_options_init(o);
    o->log_enabled = false;
    o->memory_model = model;
    rerun_cmd_t rr;
    rerun_cmd_init(&rr, mutant);
    fflush(stdout);
    cli_crash_guard_arm(rr.argv, EXIT_VIOLATION, "VIOLATION",
                        "re-running that schedule in a child process to record it\n");
    cli_crash_guard_run("the PCT pilot run");
    if (scn->check_strategy == SCN_STRATEGY_PCT) {
        cli_pct_setup(scn, o, scn->check_pct_depth);
    }
    bool failed = false;
    *used = runs;
    for (uint64_t i = 0; i < runs && !failed; i++) {
        o->decide.kind =
            scn->check_strategy == SCN_STRATEGY_PCT ? SIM_DECIDE_PCT : SIM_DECIDE_SEED;
        o->decide.seed = 1 + i;
        g_snprintf(rr.spec, sizeof(rr.spec), "%s:%" PRIu64, sim_memory_model_name(model),
                   1 + i);
        g_snprintf(rr.label, sizeof(rr.label), "%s %s seed %" PRIu64,
                   mutant ? mutant : "fixed", sim_memory_model_name(model), 1 + i);
        cli_crash_guard_run(rr.label);
        wk_machine_run(scn, o, out);
        if (out->result != SIM_RESULT_OK) {
            *seed = 1 + i;
            *used = i + 1;
            failed = true;
        } else {
            wk_outcome_clear(out);
        }
    }
    cli_crash_guard_disarm();
    g_free(rr.argv);
    return failed;
}

/* --crash-rerun MODEL:SEED: the schedule whose crash the guard reported,
 * in a child process, recorded as a reproducer. */
static int check_rerun(const scn_t *scn, const char *target, const char *mutant,
                       const char *spec, const char *out_dir)
{
    char **parts = g_strsplit(spec, ":", 2);
    int model = parts[0] ? sim_memory_model_parse(parts[0]) : -1;
    uint64_t seed = 0;
    int rc = EXIT_USAGE;
    char *names[] = { (char *)mutant, NULL };
    char *set = NULL;
    if (model < 0 || !parts[1] || cli_parse_u64("--crash-rerun", parts[1], &seed) < 0 ||
        !(set = cli_select_target(target, mutant ? names : NULL, scn))) {
        goto out;
    }
    const char *strategy = scn->check_strategy == SCN_STRATEGY_PCT ? "pct" : "random";
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.memory_model = (sim_memory_model_t)model;
    if (scn->check_strategy == SCN_STRATEGY_PCT) {
        cli_pct_setup(scn, &o, scn->check_pct_depth);
    }
    o.decide.kind =
        scn->check_strategy == SCN_STRATEGY_PCT ? SIM_DECIDE_PCT : SIM_DECIDE_SEED;
    o.decide.seed = seed;
    cli_crash_t k;
    if (cli_run_in_child(scn, &o, &k)) {
        rc = cli_report_crash(scn, set, out_dir, strategy, seed, scn->check_pct_depth, &o,
                              &k, false);
    } else {
        printf("re-running %s seed %" PRIu64 " alone gave '%s', not the crash\n", strategy,
               seed, k.what[0] ? k.what : "no verdict");
        rc = EXIT_VIOLATION;
    }
    cli_crash_clear(&k);
out:
    g_free(set);
    g_strfreev(parts);
    return rc;
}

/* One expectation: mutant (NULL = the fixed code) on the target under
 * model gives "expected" within runs. */
static int check_one(const check_t *c, const char *mutant, sim_memory_model_t model,
                     const char *expected, uint64_t runs)
{
    const scn_t *scn = c->scn;
    char *names[] = { (char *)mutant, NULL };
    char *set = cli_select_target(c->target, mutant ? names : NULL, scn);
    if (!set) {
        return EXIT_USAGE;
    }
    uint64_t used = 0, seed = 0;
    sim_options_t o;
    wk_outcome_t out = { 0 };
    bool failed = first_failure(scn, mutant, model, runs, &o, &out, &seed, &used);
    const char *got = failed ? wk_outcome_verdict(&out) : "pass";
    bool ok = strcmp(got, expected) == 0;
    const char *strategy = scn->check_strategy == SCN_STRATEGY_PCT ? "pct" : "random";
    printf("%-4s %-28s %-3s expected %-20s got %-20s after %" PRIu64
           " run%s (%s seeds 1..%" PRIu64 ")\n",
           ok ? "ok" : "FAIL", mutant ? mutant : "fixed", sim_memory_model_name(model),
           expected, got, used, used == 1 ? "" : "s", strategy, used);
    if (!ok && failed) {
        /* An unexpected verdict: everything needed to look at it. */
        cli_report_found(scn, set, c->out_dir, strategy, seed, scn->check_pct_depth, &o,
                         &out, false);
    } else if (!ok) {
        printf("  no run of %" PRIu64 " gave %s; search again with: %s run %s%s%s "
               "--memory-model %s --strategy %s --seed 1 --runs %" PRIu64 "%s\n",
               used, expected, cli_prog, c->scn_arg, mutant ? " --mutant " : "",
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
    char *dir = cli_self_dir();
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
        fprintf(stderr, "%s: cannot run %s: %s\n", cli_prog, twin, err->message);
        g_error_free(err);
        g_free(twin);
        return EXIT_USAGE;
    }
    g_free(twin);
    return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_USAGE;
}

/* One mutant of the catalogue: its expectation, and for one that needs a
 * weaker memory model, that sequential consistency does not show it. */
static int check_mutant(const check_t *c, const char *name)
{
    const char *expected = scn_expected(c->scn, name);
    sim_memory_model_t model = scn_expected_model(c->scn, name);
    if (c->target && strcmp(c->target, "qemu") == 0) {
        /* Each QEMU mutation is its own binary: check it in a child, so
         * that cli_select_target() may re-execute the twin. */
        return check_mutant_in_child(c->scn_arg, name);
    }
    /* A mutant the file does not name is expected to pass: a short run
     * notices a scenario that catches it at once (then the file should say
     * so) without multiplying the CI time by the size of the catalogue.
     * Named mutants get the whole budget. */
    bool named = g_hash_table_contains(c->scn->expect, name);
    uint64_t budget = named ? scn_expected_runs(c->scn, name)
                            : MIN(c->scn->run_budget, WK_CHECK_UNNAMED_RUNS);
    int rc = check_one(c, name, model, expected, budget);
    if (model != SIM_MEMORY_SC && strcmp(expected, "pass") != 0 && rc != EXIT_USAGE &&
        g_hash_table_contains(c->scn->expect_model, name)) {
        /* An expectation that says it needs a weaker model ("@tso"): the
         * same budget finds nothing under sequential consistency. */
        int r = check_one(c, name, SIM_MEMORY_SC, "pass", budget);
        rc = rc ? rc : r;
    }
    return rc;
}

/* Every expectation; the first failure's exit code, and a usage error
 * stops at once. */
static int check_all(const check_t *c, uint64_t runs)
{
    printf("wakesim check: scenario %s (%s), target %s\n", c->scn->name, c->scn->path,
           c->target ? c->target : "loop");
    /* The fixed code: no false alarm under any memory model. */
    int rc = 0;
    for (int model = 0; model < SIM_MEMORY_COUNT && rc != EXIT_USAGE; model++) {
        int r = check_one(c, NULL, (sim_memory_model_t)model, "pass",
                          runs ? runs : c->scn->run_budget);
        rc = rc ? rc : r;
    }
    for (int m = 0; m < AIO_MUTANT_COUNT && rc != EXIT_USAGE; m++) {
        int r = check_mutant(c, aio_mutant_name(m));
        rc = rc ? rc : r;
    }
    return rc;
}

int cmd_check(int argc, char **argv)
{
    char *runs_s = NULL, *out_dir = NULL, *target = NULL, *only = NULL, *rerun = NULL;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_STRING, &runs_s,
          "Runs for the fixed code (default: the scenario's budget)", "N" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
          "Directory for reproducers of unexpected verdicts (default .)", "DIR" },
        { "target", 't', 0, G_OPTION_ARG_STRING, &target,
          "Event loop: loop (default) or qemu", "T" },
        { "mutant", 'm', 0, G_OPTION_ARG_STRING, &only, "Check only this mutant", "NAME" },
        { "crash-rerun", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &rerun,
          "(internal) record a crash's schedule", "MODEL:SEED" },
        { NULL }
    };
    GOptionContext *oc = cli_option_context(
        "SCENARIO - check a scenario's expectations",
        "The fixed code must pass every run; each mutant must give its expected verdict "
        "within the scenario's run budget ([expect] runs, or the expectation's own: "
        "'MUTANT = INVARIANT[@MODEL][, runs N]').",
        entries);
    int rc = EXIT_USAGE;
    uint64_t runs = 0;
    scn_t *scn = NULL;

    if (cli_parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s check: expected one SCENARIO (see --help)\n", cli_prog);
        goto out;
    }
    if ((runs_s && cli_parse_u64("--runs", runs_s, &runs) < 0) ||
        cli_prepare_out_dir(out_dir ? out_dir : ".") < 0 ||
        !(scn = cli_load_scenario(argv[1]))) {
        goto out;
    }
    check_t c = { scn, argv[1], target, out_dir ? out_dir : "." };
    if (rerun) {
        rc = check_rerun(scn, target, only, rerun, c.out_dir);
        goto out;
    }
    rc = only ? check_one(&c, only, scn_expected_model(scn, only), scn_expected(scn, only),
                          scn_expected_runs(scn, only))
              : check_all(&c, runs);
out:
    scn_free(scn);
    g_free(runs_s);
    g_free(out_dir);
    g_free(target);
    g_free(only);
    g_free(rerun);
    g_option_context_free(oc);
    return rc;
}

/*
 * cmd-check.c - wakesim check: a scenario's own expectations.  The fixed
 * code must pass every run under every memory model; each mutant the
 * [expect] names must give a violation of the kind its line names ("found":
 * any; else one of the listed invariants) within its run budget, or pass
 * every run if the line says "pass".  Mutants the file does not name are not
 * checked (--unnamed N runs them for information).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include "commands.h"
#include "jobs.h"

/* What every expectation of one check shares. */
typedef struct {
    const scn_t *scn;
    const char *scn_arg; /* as given on the command line */
    const char *target;  /* NULL: loop */
    const char *out_dir;
    uint64_t first_seed; /* runs use seeds first_seed, first_seed + 1, ... */
    uint64_t budget;     /* every expectation's runs; 0: the file's budgets */
    uint64_t unnamed;    /* runs of each mutant the file does not name; 0: none */
    unsigned jobs;       /* worker processes per search (jobs.h) */
    const char *jobs_s;  /* as given, for the QEMU twins; NULL: default */
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

/* What the search for one expectation saw. */
typedef struct {
    uint64_t used;       /* runs made */
    char *got;           /* the verdict the expectation names, NULL: none */
    uint64_t other_seed; /* the first violation it does not name; 0: none */
    char *other;         /* that violation's invariant */
} search_t;

static const char *strategy_name(const scn_t *scn)
{
    return scn->check_strategy == SCN_STRATEGY_PCT ? "pct" : "random";
}

/* Runs the seed into *out, with the options of every run of a search. */
static void run_seed(const scn_t *scn, sim_options_t *o, uint64_t seed, wk_outcome_t *out)
{
    o->decide.kind =
        scn->check_strategy == SCN_STRATEGY_PCT ? SIM_DECIDE_PCT : SIM_DECIDE_SEED;
    o->decide.seed = seed;
    wk_machine_run(scn, o, out);
}

/* What run i of a search gave: 0 nothing, 1 a violation the expectation
 * names (not for "pass"), 2 another violation. */
enum { RUN_OK, RUN_NAMED, RUN_OTHER };

typedef struct {
    const check_t *c;
    const char *expected;
    bool want_pass;
    sim_options_t *o;
} job_t;

static int classify(void *arg, uint64_t i)
{
    job_t *j = arg;
    wk_outcome_t out = { 0 };
    run_seed(j->c->scn, j->o, j->c->first_seed + i, &out);
    int k = out.result == SIM_RESULT_OK ? RUN_OK
            : !j->want_pass && scn_outcome_accepts(j->expected, wk_outcome_verdict(&out))
                ? RUN_NAMED
                : RUN_OTHER;
    wk_outcome_clear(&out);
    return k;
}

/* Runs i = from .. to-1 until one gives a violation that "expected"
 * names.  Violations it does not name are noted (the first) and the search
 * goes on, except for "pass", which the first violation refutes.  The
 * guard is armed (a crash re-executes this command to record it). */
static void search_range(const check_t *c, const char *mutant, sim_memory_model_t model,
                         const char *expected, rerun_cmd_t *rr, sim_options_t *o,
                         uint64_t from, uint64_t to, search_t *r)
{
    bool want_pass = strcmp(expected, "pass") == 0;
    for (uint64_t i = from; i < to; i++) {
        wk_outcome_t out = { 0 };
        uint64_t seed = c->first_seed + i;
        g_snprintf(rr->spec, sizeof(rr->spec), "%s:%" PRIu64, sim_memory_model_name(model),
                   seed);
        g_snprintf(rr->label, sizeof(rr->label), "%s %s seed %" PRIu64,
                   mutant ? mutant : "fixed", sim_memory_model_name(model), seed);
        cli_crash_guard_run(rr->label);
        run_seed(c->scn, o, seed, &out);
        const char *verdict = wk_outcome_verdict(&out);
        bool stop = out.result != SIM_RESULT_OK;
        if (stop && !want_pass && scn_outcome_accepts(expected, verdict)) {
            r->got = g_strdup(verdict);
        } else if (stop && !r->other) {
            r->other_seed = seed;
            r->other = g_strdup(verdict);
            stop = want_pass;
        } else {
            stop = false;
        }
        wk_outcome_clear(&out);
        if (stop) {
            r->used = i + 1;
            break;
        }
    }
}

/* --jobs N: the workers find the runs that matter (the first violation
 * not named, the run that ends the search); this process runs them again
 * as one job would. */
static void search_parallel(const check_t *c, const char *mutant, sim_memory_model_t model,
                            const char *expected, rerun_cmd_t *rr, sim_options_t *o,
                            uint64_t runs, search_t *r)
{
    job_t j = { c, expected, strcmp(expected, "pass") == 0, o };
    unsigned terminal = 1u << RUN_NAMED | (j.want_pass ? 1u << RUN_OTHER : 0);
    cli_jobs_result_t jr;
    if (cli_jobs_search(c->jobs, runs, terminal, classify, &j, &jr) < 0) {
        exit(EXIT_USAGE);
    }
    uint64_t other = jr.first[RUN_OTHER];
    if (other != CLI_JOBS_NONE && other != jr.stop) {
        search_range(c, mutant, model, expected, rr, o, other, other + 1, r);
    }
    if (jr.stop != CLI_JOBS_NONE) {
        search_range(c, mutant, model, expected, rr, o, jr.stop, jr.stop + 1, r);
        if (!r->got && !(j.want_pass && r->other)) {
            printf("     (seed %" PRIu64 " died in a worker process but passed when run "
                   "again here)\n",
                   c->first_seed + jr.stop);
        }
    }
}

/* Runs up to "runs" seeds under memory model "model" until one gives a
 * violation that "expected" names (search_range). */
static void search(const check_t *c, const char *mutant, sim_memory_model_t model,
                   const char *expected, uint64_t runs, sim_options_t *o, search_t *r)
{
    const scn_t *scn = c->scn;
    rerun_cmd_t rr;
    rerun_cmd_init(&rr, mutant);
    fflush(stdout);
    cli_crash_guard_arm(rr.argv, EXIT_VIOLATION, "VIOLATION",
                        "re-running that schedule in a child process to record it\n");
    cli_crash_guard_run("the PCT pilot run");
    sim_options_init(o);
    o->log_enabled = false;
    o->memory_model = model;
    if (scn->check_strategy == SCN_STRATEGY_PCT) {
        cli_pct_setup(scn, o, scn->check_pct_depth);
    }
    o->decide.hold_stores = scn->check_hold_stores;
    *r = (search_t){ .used = runs };
    if (c->jobs > 1 && runs > 1) {
        search_parallel(c, mutant, model, expected, &rr, o, runs, r);
    } else {
        search_range(c, mutant, model, expected, &rr, o, 0, runs, r);
    }
    cli_crash_guard_disarm();
    g_free(rr.argv);
}

/* The reproducer and violation block of the run of seed (deterministic:
 * the search's run again). */
static void report_seed(const check_t *c, const char *set, sim_options_t *o, uint64_t seed)
{
    wk_outcome_t out = { 0 };
    run_seed(c->scn, o, seed, &out);
    cli_report_found(c->scn, set, c->out_dir, strategy_name(c->scn), seed,
                     c->scn->check_pct_depth, o, &out, false);
    wk_outcome_clear(&out);
}

/* Prints the verdict line of one expectation, and where to search next
 * when a violation it names did not show. */
static void print_result(const check_t *c, const char *mutant, sim_memory_model_t model,
                         const char *expected, bool ok, const search_t *r)
{
    const char *got = r->got ? r->got : r->other ? r->other : "pass";
    printf("%-4s %-28s %-3s expected %-20s got %-20s after %" PRIu64
           " run%s (%s seeds %" PRIu64 "..%" PRIu64 ")\n",
           ok ? "ok" : "FAIL", mutant ? mutant : "fixed", sim_memory_model_name(model),
           expected, got, r->used, r->used == 1 ? "" : "s", strategy_name(c->scn),
           c->first_seed, c->first_seed + r->used - 1);
    if (r->got && r->other) {
        printf("     (seed %" PRIu64
               " gave %s first, which the expectation does not name)\n",
               r->other_seed, r->other);
    }
    if (!ok && !r->got && strcmp(expected, "pass") != 0) {
        printf("  no run of %" PRIu64 " gave %s; search again with: %s run %s%s%s "
               "--memory-model %s --strategy %s --seed %" PRIu64 " --runs %" PRIu64 "%s\n",
               r->used, expected, cli_prog, c->scn_arg, mutant ? " --mutant " : "",
               mutant ? mutant : "", sim_memory_model_name(model), strategy_name(c->scn),
               c->first_seed, r->used,
               c->scn->check_strategy == SCN_STRATEGY_PCT ? " --pct-depth N" : "");
    }
}

/* One expectation: mutant (NULL = the fixed code) on the target under
 * model gives what "expected" names within runs. */
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
    o.decide.hold_stores = scn->check_hold_stores;
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

static int check_one(const check_t *c, const char *mutant, sim_memory_model_t model,
                     const char *expected, uint64_t runs)
{
    char *names[] = { (char *)mutant, NULL };
    char *set = cli_select_target(c->target, mutant ? names : NULL, c->scn);
    if (!set) {
        return EXIT_USAGE;
    }
    sim_options_t o;
    search_t r;
    search(c, mutant, model, expected, runs, &o, &r);
    bool ok = strcmp(expected, "pass") == 0 ? r.other == NULL : r.got != NULL;
    print_result(c, mutant, model, expected, ok, &r);
    if (!ok && r.other) {
        /* A violation where none was expected, or only violations the
         * expectation does not name: everything needed to look at it. */
        report_seed(c, set, &o, r.other_seed);
    }
    g_free(r.got);
    g_free(r.other);
    g_free(set);
    return ok ? 0 : EXIT_VIOLATION;
}

/* A mutant the file does not name, for information only: its first
 * violation within c->unnamed runs, if any. */
static void explore_unnamed(const check_t *c, const char *mutant)
{
    char *names[] = { (char *)mutant, NULL };
    char *set = cli_select_target(c->target, names, c->scn);
    if (!set) {
        return;
    }
    sim_options_t o;
    search_t r;
    search(c, mutant, c->scn->memory_model, "found", c->unnamed, &o, &r);
    printf("info %-28s %-3s not named: %s after %" PRIu64 " run%s\n", mutant,
           sim_memory_model_name(c->scn->memory_model), r.got ? r.got : "no violation",
           r.used, r.used == 1 ? "" : "s");
    g_free(r.got);
    g_free(r.other);
    g_free(set);
}

/* `wakesim check SCENARIO --target qemu --mutant NAME` in a child process,
 * with the parent's --seed and --budget.  A mutation without a twin binary
 * (mutate.py has no site for it in QEMU) is reported and skipped. */
static int check_mutant_in_child(const check_t *c, const char *mutant)
{
    char *dir = cli_self_dir();
    char *twin = g_strdup_printf("%s/wakesim-qemu-%s", dir, mutant);
    g_free(dir);
    if (!g_file_test(twin, G_FILE_TEST_IS_EXECUTABLE)) {
        printf("skip %-28s no QEMU twin of this mutant (%s)\n", mutant, twin);
        g_free(twin);
        return 0;
    }
    char seed[32], budget[32], unnamed[32];
    snprintf(seed, sizeof seed, "%" PRIu64, c->first_seed);
    snprintf(budget, sizeof budget, "%" PRIu64, c->budget);
    snprintf(unnamed, sizeof unnamed, "%" PRIu64, c->unnamed);
    GPtrArray *args = g_ptr_array_new();
    const char *fixed[] = { twin,       "check", c->scn_arg, "--target", "qemu",
                            "--mutant", mutant,  "--seed",   seed };
    for (size_t i = 0; i < G_N_ELEMENTS(fixed); i++) {
        g_ptr_array_add(args, (char *)fixed[i]);
    }
    if (c->budget) {
        g_ptr_array_add(args, "--budget");
        g_ptr_array_add(args, budget);
    }
    if (c->unnamed) {
        g_ptr_array_add(args, "--unnamed");
        g_ptr_array_add(args, unnamed);
    }
    if (c->jobs_s) {
        g_ptr_array_add(args, "--jobs");
        g_ptr_array_add(args, (char *)c->jobs_s);
    }
    g_ptr_array_add(args, NULL);
    int status = 0;
    GError *err = NULL;
    fflush(stdout);
    gboolean spawned =
        g_spawn_sync(NULL, (char **)args->pdata, NULL, G_SPAWN_CHILD_INHERITS_STDIN, NULL,
                     NULL, NULL, NULL, &status, &err);
    g_ptr_array_free(args, TRUE);
    if (!spawned) {
        fprintf(stderr, "%s: cannot run %s: %s\n", cli_prog, twin, err->message);
        g_error_free(err);
        g_free(twin);
        return EXIT_USAGE;
    }
    g_free(twin);
    return WIFEXITED(status) ? WEXITSTATUS(status) : EXIT_USAGE;
}

/* One mutant the file names: its expectation within its budget, and for
 * one that needs a weaker memory model, that sequential consistency does
 * not show it (under sc the fences it drops are no-ops, so it is the fixed
 * code there: the fixed code's budget). */
static int check_named(const check_t *c, const char *name)
{
    const char *expected = scn_expected(c->scn, name);
    sim_memory_model_t model = scn_expected_model(c->scn, name);
    if (c->target && strcmp(c->target, "qemu") == 0) {
        /* Each QEMU mutation is its own binary: check it in a child, so
         * that cli_select_target() may re-execute the twin. */
        return check_mutant_in_child(c, name);
    }
    int rc = check_one(c, name, model, expected,
                       c->budget ? c->budget : scn_expected_runs(c->scn, name));
    if (model != SIM_MEMORY_SC && strcmp(expected, "pass") != 0 && rc != EXIT_USAGE &&
        g_hash_table_contains(c->scn->expect_model, name)) {
        int r = check_one(c, name, SIM_MEMORY_SC, "pass",
                          c->budget ? c->budget : c->scn->run_budget);
        rc = rc ? rc : r;
    }
    return rc;
}

/* g_ptr_array_sort() hands the comparator pointers to the elements. */
static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The QEMU mutations this build has: its twin binaries beside this one
 * (wakesim-qemu-<mutation>), sorted; NULL-terminated (g_strfreev). */
static char **qemu_twins(void)
{
    char *dir = cli_self_dir();
    GDir *d = g_dir_open(dir, 0, NULL);
    GPtrArray *names = g_ptr_array_new();
    const char *f;
    while (d && (f = g_dir_read_name(d))) {
        if (g_str_has_prefix(f, "wakesim-qemu-") && f[13]) {
            g_ptr_array_add(names, g_strdup(f + 13));
        }
    }
    if (d) {
        g_dir_close(d);
    }
    g_free(dir);
    g_ptr_array_sort(names, compare_names);
    g_ptr_array_add(names, NULL);
    return (char **)g_ptr_array_free(names, FALSE);
}

/* The qemu target: each QEMU mutation this build has that the file does
 * not name (those without a loop/ twin cannot be named) is listed, or with
 * --unnamed run for information in its twin. */
static void qemu_unnamed(const check_t *c, GString *unnamed)
{
    char **twins = qemu_twins();
    for (char **m = twins; *m; m++) {
        if (g_hash_table_contains(c->scn->expect, *m)) {
            continue;
        }
        if (c->unnamed) {
            check_mutant_in_child(c, *m);
        } else {
            g_string_append_printf(unnamed, " %s", *m);
        }
    }
    g_strfreev(twins);
}

/* Every expectation; the first failure's exit code, and a usage error
 * stops at once.  Mutants the file does not name are only listed (or run
 * for information with --unnamed): whether a scenario happens to reach one
 * is no property of the code. */
static int check_all(const check_t *c, uint64_t runs)
{
    printf("wakesim check: scenario %s (%s), target %s", c->scn->name, c->scn->path,
           c->target ? c->target : "loop");
    if (c->scn->check_hold_stores) {
        printf(", hold-stores %u", c->scn->check_hold_stores); /* [expect] */
    }
    printf("\n");
    /* The fixed code: no false alarm under any memory model. */
    int rc = 0;
    for (int model = 0; model < SIM_MEMORY_COUNT && rc != EXIT_USAGE; model++) {
        int r = check_one(c, NULL, (sim_memory_model_t)model, "pass",
                          runs        ? runs
                          : c->budget ? c->budget
                                      : c->scn->run_budget);
        rc = rc ? rc : r;
    }
    GString *unnamed = g_string_new(NULL);
    bool qemu = c->target && strcmp(c->target, "qemu") == 0;
    for (int m = 0; m < AIO_MUTANT_COUNT && rc != EXIT_USAGE; m++) {
        const char *name = aio_mutant_name(m);
        if (g_hash_table_contains(c->scn->expect, name)) {
            int r = check_named(c, name);
            rc = rc ? rc : r;
        } else if (c->unnamed && !qemu) {
            explore_unnamed(c, name);
        } else if (!qemu) {
            g_string_append_printf(unnamed, " %s", name);
        }
    }
    if (qemu && rc != EXIT_USAGE) {
        qemu_unnamed(c, unnamed);
    }
    if (unnamed->len) {
        printf("info not named in [expect], not checked:%s\n", unnamed->str);
    }
    g_string_free(unnamed, TRUE);
    return rc;
}

/* --mutant NAME: that mutant's expectation alone (no run under sc), or for
 * a mutant the file does not name, a note (and --unnamed's runs). */
static int check_only(const check_t *c, const char *name)
{
    /* On qemu a name loop/ does not know is a QEMU mutation (this process
     * is its twin, or cli_select_target() says there is none). */
    bool qemu = c->target && strcmp(c->target, "qemu") == 0;
    if ((aio_mutant_lookup(name) < 0 && !qemu) ||
        g_hash_table_contains(c->scn->expect, name)) {
        /* An unknown name: cli_select_target() says which are known. */
        return check_one(c, name, scn_expected_model(c->scn, name),
                         scn_expected(c->scn, name),
                         c->budget ? c->budget : scn_expected_runs(c->scn, name));
    }
    if (c->unnamed) {
        explore_unnamed(c, name);
    } else {
        printf("info %s is not named in the [expect] of %s: not checked\n", name,
               c->scn->name);
    }
    return 0;
}

static int parse_counts(const char *runs_s, const char *seed_s, const char *budget_s,
                        const char *unnamed_s, uint64_t *runs, check_t *c)
{
    if ((runs_s && cli_parse_u64("--runs", runs_s, runs) < 0) ||
        (seed_s && cli_parse_u64("--seed", seed_s, &c->first_seed) < 0) ||
        (budget_s && cli_parse_u64("--budget", budget_s, &c->budget) < 0) ||
        (unnamed_s && cli_parse_u64("--unnamed", unnamed_s, &c->unnamed) < 0)) {
        return -1;
    }
    if (c->first_seed == 0 || c->first_seed > UINT64_MAX / 2) {
        fprintf(stderr, "%s check: --seed must be in 1..%" PRIu64 "\n", cli_prog,
                UINT64_MAX / 2);
        return -1;
    }
    return 0;
}

int cmd_check(int argc, char **argv)
{
    char *runs_s = NULL, *out_dir = NULL, *target = NULL, *only = NULL, *rerun = NULL;
    char *seed_s = NULL, *budget_s = NULL, *unnamed_s = NULL, *jobs_s = NULL;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_STRING, &runs_s,
          "Runs for the fixed code (default: the scenario's budget)", "N" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_dir,
          "Directory for reproducers of unexpected verdicts (default .)", "DIR" },
        { "target", 't', 0, G_OPTION_ARG_STRING, &target,
          "Event loop: loop (default) or qemu", "T" },
        { "mutant", 'm', 0, G_OPTION_ARG_STRING, &only, "Check only this mutant", "NAME" },
        { "seed", 's', 0, G_OPTION_ARG_STRING, &seed_s,
          "First seed of every search (default 1)", "S" },
        { "budget", 'b', 0, G_OPTION_ARG_STRING, &budget_s,
          "Runs for every expectation instead of the file's budgets (tools/bench-detect "
          "measures with it)",
          "N" },
        { "unnamed", 'u', 0, G_OPTION_ARG_STRING, &unnamed_s,
          "Also run each mutant the file does not name N runs, for information", "N" },
        { "jobs", 'j', 0, G_OPTION_ARG_STRING, &jobs_s,
          "Worker processes per search (default: the cores); the verdicts are the same "
          "for any N",
          "N" },
        { "crash-rerun", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &rerun,
          "(internal) record a crash's schedule", "MODEL:SEED" },
        { NULL }
    };
    GOptionContext *oc = cli_option_context(
        "SCENARIO - check a scenario's expectations",
        "The fixed code must pass every run; each mutant the [expect] names must give what "
        "its line names within the scenario's run budget ([expect] runs, or the "
        "expectation's own): 'MUTANT = OUTCOME[@MODEL][, runs N]', OUTCOME being 'found' "
        "(any violation), invariants separated by '|' (one of them) or 'pass'.  The "
        "verdict found is printed either way.",
        entries);
    int rc = EXIT_USAGE;
    uint64_t runs = 0;
    scn_t *scn = NULL;
    check_t c = { .first_seed = 1 };

    if (cli_parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s check: expected one SCENARIO (see --help)\n", cli_prog);
        goto out;
    }
    if (parse_counts(runs_s, seed_s, budget_s, unnamed_s, &runs, &c) < 0 ||
        cli_jobs_parse(jobs_s, 2, &c.jobs) < 0 ||
        cli_prepare_out_dir(out_dir ? out_dir : ".") < 0 ||
        !(scn = cli_load_scenario(argv[1]))) {
        goto out;
    }
    c.scn = scn;
    c.scn_arg = argv[1];
    c.target = target;
    c.out_dir = out_dir ? out_dir : ".";
    c.jobs_s = jobs_s;
    if (rerun) {
        rc = check_rerun(scn, target, only, rerun, c.out_dir);
        goto out;
    }
    rc = only ? check_only(&c, only) : check_all(&c, runs);
out:
    scn_free(scn);
    g_free(runs_s);
    g_free(seed_s);
    g_free(budget_s);
    g_free(unnamed_s);
    g_free(jobs_s);
    g_free(out_dir);
    g_free(target);
    g_free(only);
    g_free(rerun);
    g_option_context_free(oc);
    return rc;
}

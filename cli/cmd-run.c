/*
 * cmd-run.c - wakesim run: a scenario under many schedules of one decision
 * strategy; the first violation is printed with a reproducer.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "crash.h"
#include "jobs.h"
#include "run-exhaustive.h"
#include "genload.h"
#include "target.h"

/* The options as given; defaults are filled in after parsing (GOption
 * overwrites a string option's pointer without freeing what was there). */
typedef struct {
    char **mutants;
    char *target;
    char *strategy;
    char *seed_s, *runs_s, *depth_s;
    char *hold_s, *hold_points_s;
    char *out_dir;
    char *bytes_file;
    char *memory_model;
    char *workload;
    char *crash_rerun_s; /* hidden: re-run run I of a crash (crash.h) */
    char *jobs_s;
    char *preemptions_s, *max_schedules_s; /* --strategy exhaustive */
    gboolean no_reduction, end_states;
    gboolean log;
    gboolean coverage;
} run_args_t;

/* The options checked and converted. */
typedef struct {
    uint64_t seed, runs, depth;
    bool random_seed; /* no --seed with many runs, or --seed random */
    bool crash_rerun; /* only run crash_run, in a child process */
    uint64_t crash_run;
    unsigned jobs; /* worker processes (jobs.h); 1: this one */
    bool exhaustive;
    cli_exhaustive_t x;
    int memory_model;                  /* -1: the scenario's */
    unsigned hold_stores, hold_points; /* sim_decide_opts_t's (0: off, default) */
    GBytes *file_bytes;
    uint8_t gen[4096]; /* --strategy bytes without a file: from the seed */
} run_config_t;

static uint64_t splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int strategy_setup(const run_args_t *a, run_config_t *c, sim_options_t *o,
                          uint64_t seed)
{
    if (strcmp(a->strategy, "random") == 0) {
        o->decide.kind = SIM_DECIDE_SEED;
        o->decide.seed = seed;
    } else if (strcmp(a->strategy, "pct") == 0) {
        o->decide.kind = SIM_DECIDE_PCT;
        o->decide.seed = seed;
    } else if (strcmp(a->strategy, "bytes") == 0) {
        o->decide.kind = SIM_DECIDE_BYTES;
        if (c->file_bytes) {
            o->decide.bytes = g_bytes_get_data(c->file_bytes, &o->decide.bytes_len);
        } else {
            uint64_t st = seed;
            for (size_t i = 0; i < sizeof(c->gen); i += 8) {
                uint64_t r = splitmix64(&st);
                memcpy(c->gen + i, &r, MIN(8, sizeof(c->gen) - i));
            }
            o->decide.bytes = c->gen;
            o->decide.bytes_len = sizeof(c->gen);
        }
    } else {
        fprintf(stderr, "%s: --strategy must be random, pct or bytes, got '%s'\n", cli_prog,
                a->strategy);
        return -1;
    }
    return 0;
}

/* --runs, --seed, --pct-depth.  Many runs explore new schedules each time
 * unless a seed is given: a fixed default would make every CI run repeat
 * the same ones.  The seed is printed, so any run can be repeated. */
static int parse_counts(const run_args_t *a, run_config_t *c)
{
    if ((a->runs_s && cli_parse_u64("--runs", a->runs_s, &c->runs) < 0)) {
        return -1;
    }
    c->random_seed = a->seed_s ? strcmp(a->seed_s, "random") == 0 : c->runs > 1;
    if (c->random_seed) {
        c->seed = g_random_int() | (uint64_t)g_random_int() << 32;
        c->seed >>= 1; /* leave room for seed + i */
    }
    if ((a->seed_s && !c->random_seed &&
         cli_parse_u64("--seed", a->seed_s, &c->seed) < 0) ||
        (a->depth_s && cli_parse_u64("--pct-depth", a->depth_s, &c->depth) < 0)) {
        return -1;
    }
    if (a->crash_rerun_s &&
        cli_parse_u64("--crash-rerun", a->crash_rerun_s, &c->crash_run) < 0) {
        return -1;
    }
    c->crash_rerun = a->crash_rerun_s != NULL;
    if (cli_jobs_parse(a->jobs_s, c->runs, &c->jobs) < 0) {
        return -1;
    }
    if (c->runs == 0 || c->depth == 0 || c->depth > 64) {
        fprintf(stderr, "%s run: --runs must be >= 1 and --pct-depth in 1..64\n", cli_prog);
        return -1;
    }
    return 0;
}

/* --strategy exhaustive: its options, and the ones it cannot take. */
static int parse_exhaustive(const run_args_t *a, run_config_t *c)
{
    uint64_t k = 2, budget = 1000000;
    const char *bad =
        a->runs_s                                  ? "--runs (it runs every schedule once)"
        : a->seed_s                                ? "--seed (it draws nothing)"
        : a->bytes_file                            ? "--bytes-file"
        : a->depth_s                               ? "--pct-depth"
        : a->hold_s || a->hold_points_s            ? "--hold-stores (it draws nothing)"
        : a->crash_rerun_s                         ? "--crash-rerun"
        : a->jobs_s && strcmp(a->jobs_s, "1") != 0 ? "--jobs (the search is sequential)"
        : a->workload && strcmp(a->workload, "generated") == 0 && !a->max_schedules_s
            ? "--workload generated without --max-schedules (its schedules "
              "are far too many: use random or pct, or give a budget)"
            : NULL;
    if (bad) {
        fprintf(stderr, "%s run: --strategy exhaustive does not take %s\n", cli_prog, bad);
        return -1;
    }
    if ((a->preemptions_s && cli_parse_u64("--preemptions", a->preemptions_s, &k) < 0) ||
        (a->max_schedules_s &&
         cli_parse_u64("--max-schedules", a->max_schedules_s, &budget) < 0)) {
        return -1;
    }
    if (k > 16) {
        fprintf(stderr, "%s run: --preemptions must be in 0..16\n", cli_prog);
        return -1;
    }
    c->exhaustive = true;
    c->x = (cli_exhaustive_t){ .eo = { .bound = (unsigned)k,
                                       .reduce = !a->no_reduction,
                                       .budget = budget,
                                       .end_states = a->end_states,
                                       .stop_at_first = true },
                               .out_dir = a->out_dir,
                               .log = a->log };
    return 0;
}

/* --bytes-file, --memory-model, --workload. */
static int parse_inputs(const run_args_t *a, run_config_t *c)
{
    if (a->bytes_file && c->runs > 1) {
        fprintf(stderr, "%s run: --bytes-file gives one schedule: use --runs 1\n",
                cli_prog);
        return -1;
    }
    if (a->bytes_file) {
        GError *err = NULL;
        char *data;
        gsize len;
        if (!g_file_get_contents(a->bytes_file, &data, &len, &err)) {
            fprintf(stderr, "%s: %s\n", cli_prog, err->message);
            g_error_free(err);
            return -1;
        }
        c->file_bytes = g_bytes_new_take(data, len);
    }
    c->memory_model = a->memory_model ? sim_memory_model_parse(a->memory_model) : -1;
    if (a->memory_model && c->memory_model < 0) {
        fprintf(stderr, "%s run: --memory-model must be sc, tso, pso or arm, got '%s'\n",
                cli_prog, a->memory_model);
        return -1;
    }
    if (cli_parse_holds(a->hold_s, a->hold_points_s, &c->hold_stores, &c->hold_points) <
        0) {
        return -1;
    }
    if (c->hold_stores && strcmp(a->strategy, "bytes") == 0) {
        fprintf(stderr,
                "%s run: --hold-stores steers the random and pct draws, not bytes\n",
                cli_prog);
        return -1;
    }
    if (a->workload && strcmp(a->workload, "generated") != 0 &&
        strcmp(a->workload, "batches") != 0) {
        fprintf(stderr, "%s run: --workload must be generated or batches, got '%s'\n",
                cli_prog, a->workload);
        return -1;
    }
    return 0;
}

/* The scenario with --workload generated applied, through its text so that
 * a reproducer embeds the workload too.  Frees scn; NULL after printing
 * why. */
static scn_t *with_generated_workload(scn_t *scn)
{
    char *text = scn_text_with_generated_workload(scn);
    GError *err = NULL;
    scn_t *gen = scn_load_text(text, scn->path, &err);
    g_free(text);
    if (!gen) {
        fprintf(stderr, "%s: %s\n", cli_prog, err->message);
        g_error_free(err);
    }
    scn_free(scn);
    return gen;
}

/* ", hold-stores N[, hold-points L]" when holds are on, else "". */
static const char *hold_text(const sim_options_t *o, char *buf, size_t size)
{
    buf[0] = 0;
    if (o->decide.hold_stores) {
        g_snprintf(buf, size, ", hold-stores %u, hold-points %u", o->decide.hold_stores,
                   o->decide.hold_points ? o->decide.hold_points : SIM_HOLD_POINTS_DEFAULT);
    }
    return buf;
}

static void print_header(const scn_t *scn, const char *mutants, const run_args_t *a,
                         const run_config_t *c, const sim_options_t *o)
{
    char hold[64];
    printf(
        "wakesim run: scenario %s (%s), target %s, workload %s, mutants: %s, memory model "
        "%s, strategy %s%s, seed %" PRIu64 "%s, runs %" PRIu64 "\n",
        scn->name, scn->path, wk_target_selected()->name,
        scn->workload == SCN_WORKLOAD_GENERATED ? "generated" : "batches",
        *mutants ? mutants : "none", sim_memory_model_name(o->memory_model), a->strategy,
        hold_text(o, hold, sizeof(hold)), c->seed,
        c->random_seed ? " (random: repeat with --seed it)" : "", c->runs);
}

/* The command that re-runs run i of this one in a clean process after a
 * crash: the same arguments, the first seed made explicit, --crash-rerun
 * i.  The crash handler cannot allocate: the index and the label are
 * written into place before each run. */
typedef struct {
    char **argv;
    char seed[24], index[24];
    char label[96];
} rerun_cmd_t;

static void rerun_cmd_init(rerun_cmd_t *r, uint64_t seed)
{
    guint n = cli_orig_argv ? g_strv_length(cli_orig_argv) : 0;
    r->argv = NULL;
    if (n == 0) {
        return;
    }
    r->argv = g_new0(char *, n + 5);
    memcpy(r->argv, cli_orig_argv, n * sizeof(char *));
    g_snprintf(r->seed, sizeof(r->seed), "%" PRIu64, seed);
    r->argv[n] = "--seed";
    r->argv[n + 1] = r->seed;
    r->argv[n + 2] = "--crash-rerun";
    r->argv[n + 3] = r->index;
}

static void rerun_cmd_at(rerun_cmd_t *r, uint64_t i, uint64_t seed)
{
    g_snprintf(r->index, sizeof(r->index), "%" PRIu64, i);
    g_snprintf(r->label, sizeof(r->label), "run %" PRIu64 " (seed %" PRIu64 ")", i, seed);
    cli_crash_guard_run(r->label);
}

/* Runs i = from .. to-1 (seeds seed+i) until a violation (reported);
 * *rc is its exit code.  A crash is reported by the guard, which
 * re-executes this command with --crash-rerun (rerun_crash).  Returns
 * the number of runs made. */
static uint64_t run_range(const scn_t *scn, const char *mutants, const run_args_t *a,
                          run_config_t *c, sim_options_t *o, uint64_t from, uint64_t to,
                          int *rc)
{
    uint64_t done = 0;
    rerun_cmd_t rr;
    rerun_cmd_init(&rr, c->seed);
    fflush(stdout); /* the guard writes to the fd */
    cli_crash_guard_arm(rr.argv, EXIT_VIOLATION, "VIOLATION",
                        "re-running that schedule in a child process to record it\n");
    for (uint64_t i = from; i < to; i++, done++) {
        wk_outcome_t out;
        uint64_t run_seed = c->seed + i;
        if (strategy_setup(a, c, o, run_seed) < 0) {
            *rc = EXIT_USAGE;
            break;
        }
        rerun_cmd_at(&rr, i, run_seed);
        wk_machine_run(scn, o, &out);
        if (out.result != SIM_RESULT_OK) {
            cli_crash_guard_disarm();
            printf("VIOLATION in run %u (seed %" PRIu64 "): %s\n", (unsigned)i, run_seed,
                   out.message);
            *rc = cli_report_found(scn, mutants, a->out_dir, a->strategy, run_seed,
                                   (unsigned)c->depth, o, &out, a->log);
            wk_outcome_clear(&out);
            done++;
            break;
        }
        if (a->log && i + 1 == c->runs) {
            wk_outcome_t logged;
            cli_rerun_logged(scn, o, &out, &logged);
            fputs(logged.log, stdout);
            wk_outcome_clear(&logged);
        }
        wk_outcome_clear(&out);
    }
    cli_crash_guard_disarm();
    g_free(rr.argv);
    return done;
}

/* What a worker of --jobs needs to classify run i: 1 a violation. */
typedef struct {
    const scn_t *scn;
    const run_args_t *a;
    run_config_t *c;
    sim_options_t *o;
} run_job_t;

static int run_job(void *arg, uint64_t i)
{
    run_job_t *j = arg;
    wk_outcome_t out;
    if (strategy_setup(j->a, j->c, j->o, j->c->seed + i) < 0) {
        return 1;
    }
    wk_machine_run(j->scn, j->o, &out);
    int v = out.result != SIM_RESULT_OK;
    wk_outcome_clear(&out);
    return v;
}

/* --jobs N: the workers find the first violating run; this process runs
 * it again to report it exactly as one job would (and the last run, for
 * --log).  Returns the runs one job would have made. */
static uint64_t run_parallel(const scn_t *scn, const char *mutants, const run_args_t *a,
                             run_config_t *c, sim_options_t *o, int *rc)
{
    run_job_t j = { scn, a, c, o };
    cli_jobs_result_t r;
    if (cli_jobs_search(c->jobs, c->runs, 1u << 1, run_job, &j, &r) < 0) {
        *rc = EXIT_USAGE;
        return 0;
    }
    if (r.stop == CLI_JOBS_NONE) {
        if (a->log) {
            run_range(scn, mutants, a, c, o, c->runs - 1, c->runs, rc);
        }
        return c->runs;
    }
    run_range(scn, mutants, a, c, o, r.stop, r.stop + 1, rc);
    if (*rc == 0) {
        printf("run %" PRIu64 " (seed %" PRIu64
               ") died in a worker process but passed when "
               "run again here: it depends on what earlier runs left in that process\n",
               r.stop, c->seed + r.stop);
        *rc = EXIT_VIOLATION;
    }
    return r.stop + 1;
}

/* All the runs, in this process or (--jobs) in workers; the summary
 * line counts what one job would have run. */
static int run_schedules(const scn_t *scn, const char *mutants, const run_args_t *a,
                         run_config_t *c, sim_options_t *o)
{
    int rc = 0;
    gint64 t0 = g_get_monotonic_time();
    uint64_t done = c->jobs > 1 ? run_parallel(scn, mutants, a, c, o, &rc)
                                : run_range(scn, mutants, a, c, o, 0, c->runs, &rc);
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    printf("%" PRIu64 " run%s, %s, %.3f s, %.0f runs/s\n", done, done == 1 ? "" : "s",
           rc == 0 ? "no violation" : "1 violation", secs, secs > 0 ? done / secs : 0.0);
    return rc;
}

/* --crash-rerun I: run I of the command (whose guard reported a crash)
 * again in a child process; its crash is the verdict. */
static int rerun_crash(const scn_t *scn, const char *mutants, const run_args_t *a,
                       run_config_t *c, sim_options_t *o)
{
    uint64_t seed = c->seed + c->crash_run;
    if (c->crash_run >= c->runs || strategy_setup(a, c, o, seed) < 0) {
        fprintf(stderr, "%s run: --crash-rerun must name one of the runs\n", cli_prog);
        return EXIT_USAGE;
    }
    cli_crash_t k;
    int rc = EXIT_VIOLATION;
    if (cli_run_in_child(scn, o, &k)) {
        /* The command as run, its first seed explicit (the guard's
         * re-execution added "--seed S --crash-rerun I"). */
        guint n = cli_orig_argv ? g_strv_length(cli_orig_argv) : 0;
        char **shown = g_new0(char *, n + 1);
        memcpy(shown, cli_orig_argv, (n >= 2 ? n - 2 : 0) * sizeof(char *));
        char *cmd = g_strjoinv(" ", shown);
        g_free(shown);
        printf("found by: %s (run %" PRIu64 ", %s seed %" PRIu64 ")\n", cmd, c->crash_run,
               a->strategy, seed);
        g_free(cmd);
        rc = cli_report_crash(scn, mutants, a->out_dir, a->strategy, seed,
                              (unsigned)c->depth, o, &k, a->log);
    } else {
        printf("re-running %s seed %" PRIu64 " alone in a child process gave '%s', not the "
               "crash: the crash depends on what earlier runs left in the process, or on "
               "wakesim itself\n",
               a->strategy, seed, k.what[0] ? k.what : "no verdict");
    }
    printf("%" PRIu64 " runs before it without a violation, then 1 run, 1 violation (%s)\n",
           c->crash_run, k.heap ? "a heap error" : "a crash");
    cli_crash_clear(&k);
    return rc;
}

/* PCT's pilot run (cli_pct_setup), in this process: a crash in it is
 * reported and ends the command (the pilot is the random walk from the
 * first seed, which the same command with --strategy random records). */
static void pct_pilot(const scn_t *scn, const run_config_t *c, sim_options_t *o)
{
    char label[96];
    g_snprintf(label, sizeof(label), "the PCT pilot run (random seed %" PRIu64 ")",
               c->seed);
    fflush(stdout);
    cli_crash_guard_arm(NULL, EXIT_VIOLATION, "VIOLATION",
                        "no reproducer: the pilot is the random walk from the first seed; "
                        "record it with --strategy random --runs 1\n");
    cli_crash_guard_run(label);
    cli_pct_setup(scn, o, (unsigned)c->depth);
    cli_crash_guard_disarm();
    if (!c->crash_rerun) {
        sim_pct_bound_print(stdout, o->decide.pct_steps, o->decide.pct_threads,
                            (unsigned)c->depth);
    }
}

/* Loads the scenario, selects target and mutants, sets up the options and
 * runs the schedules. */
static int run_scenario(const char *arg, const run_args_t *a, run_config_t *c)
{
    int rc = EXIT_USAGE;
    char *mutants = NULL;
    scn_t *scn = cli_load_scenario(arg);
    if (!scn || !(mutants = cli_select_target(a->target, a->mutants, scn))) {
        goto out;
    }
    if (a->workload && strcmp(a->workload, "generated") == 0 &&
        scn->workload != SCN_WORKLOAD_GENERATED && !(scn = with_generated_workload(scn))) {
        goto out;
    }
    if (wk_machine_check_target(cli_prog, scn) != 0) {
        goto out;
    }
    if (a->coverage && scn->workload != SCN_WORKLOAD_GENERATED) {
        fprintf(
            stderr,
            "%s run: --coverage maps the generated workload: use --workload generated\n",
            cli_prog);
        goto out;
    }
    wk_genload_coverage_enable(a->coverage);
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.memory_model = c->memory_model >= 0 ? (sim_memory_model_t)c->memory_model
                                          : (sim_memory_model_t)scn->memory_model;
    o.decide.hold_stores = c->hold_stores;
    o.decide.hold_points = c->hold_points;
    if (c->exhaustive) {
        printf("wakesim run: scenario %s (%s), target %s, mutants: %s, memory model %s, "
               "strategy exhaustive, preemptions <= %u, reduction %s\n",
               scn->name, scn->path, wk_target_selected()->name,
               *mutants ? mutants : "none", sim_memory_model_name(o.memory_model),
               c->x.eo.bound, c->x.eo.reduce ? "sleep sets" : "off");
        rc = cli_run_exhaustive(scn, mutants, &o, &c->x);
        goto out;
    }
    if (strategy_setup(a, c, &o, c->seed) < 0) {
        goto out;
    }
    if (!c->crash_rerun) {
        print_header(scn, mutants, a, c, &o);
    }
    if (o.decide.kind == SIM_DECIDE_PCT) {
        pct_pilot(scn, c, &o);
    }
    rc = c->crash_rerun ? rerun_crash(scn, mutants, a, c, &o)
                        : run_schedules(scn, mutants, a, c, &o);
    if (a->coverage) {
        wk_genload_coverage_print(stdout);
    }
out:
    scn_free(scn);
    g_free(mutants);
    return rc;
}

static void run_args_clear(run_args_t *a)
{
    g_strfreev(a->mutants);
    g_free(a->target);
    g_free(a->strategy);
    g_free(a->seed_s);
    g_free(a->runs_s);
    g_free(a->depth_s);
    g_free(a->hold_s);
    g_free(a->hold_points_s);
    g_free(a->out_dir);
    g_free(a->bytes_file);
    g_free(a->memory_model);
    g_free(a->workload);
    g_free(a->crash_rerun_s);
    g_free(a->jobs_s);
    g_free(a->preemptions_s);
    g_free(a->max_schedules_s);
}

int cmd_run(int argc, char **argv)
{
    run_args_t a = { 0 };
    GOptionEntry entries[] = {
        { "mutant", 'm', 0, G_OPTION_ARG_STRING_ARRAY, &a.mutants,
          "Enable a mutant (repeatable)", "NAME" },
        { "target", 't', 0, G_OPTION_ARG_STRING, &a.target,
          "Event loop: loop (default) or qemu", "T" },
        { "strategy", 's', 0, G_OPTION_ARG_STRING, &a.strategy,
          "random (default), pct, bytes or exhaustive (every schedule with at most "
          "--preemptions K)",
          "S" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &a.seed_s,
          "First seed, or 'random' (the default with --runs > 1; 1 "
          "for a single run); run i uses seed+i",
          "N|random" },
        { "runs", 'n', 0, G_OPTION_ARG_STRING, &a.runs_s, "Number of runs (default 1)",
          "N" },
        { "pct-depth", 'd', 0, G_OPTION_ARG_STRING, &a.depth_s, "PCT depth d (default 3)",
          "D" },
        { "hold-stores", 0, 0, G_OPTION_ARG_STRING, &a.hold_s, CLI_HOLD_STORES_HELP, "N" },
        { "hold-points", 0, 0, G_OPTION_ARG_STRING, &a.hold_points_s, CLI_HOLD_POINTS_HELP,
          "L" },
        { "bytes-file", 0, 0, G_OPTION_ARG_FILENAME, &a.bytes_file,
          "Decision bytes for --strategy bytes", "FILE" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, &a.out_dir,
          "Directory for reproducers (default .)", "DIR" },
        { "log", 'l', 0, G_OPTION_ARG_NONE, &a.log,
          "Print the event log of the reported run", NULL },
        { "memory-model", 0, 0, G_OPTION_ARG_STRING, &a.memory_model,
          "sc, tso, pso or arm (default: the scenario's, else sc)", "M" },
        { "jobs", 'j', 0, G_OPTION_ARG_STRING, &a.jobs_s,
          "Worker processes (default: the cores, 1 for a single run); the output is "
          "the same for any N",
          "N" },
        { "preemptions", 'k', 0, G_OPTION_ARG_STRING, &a.preemptions_s,
          "exhaustive: the bound K (default 2)", "K" },
        { "max-schedules", 0, 0, G_OPTION_ARG_STRING, &a.max_schedules_s,
          "exhaustive: stop after N schedules (default 1000000)", "N" },
        { "no-reduction", 0, 0, G_OPTION_ARG_NONE, &a.no_reduction,
          "exhaustive: run equivalent schedules too (no sleep sets)", NULL },
        { "end-states", 0, 0, G_OPTION_ARG_NONE, &a.end_states,
          "exhaustive: count distinct end states (logs every run)", NULL },
        { "coverage", 0, 0, G_OPTION_ARG_NONE, &a.coverage,
          "Generated workload: print which operation was called from which kind of thread "
          "in which phase of the target loop, with counts",
          NULL },
        { "crash-rerun", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, &a.crash_rerun_s,
          "(internal) re-run run I after a crash", "I" },
        { "workload", 'w', 0, G_OPTION_ARG_STRING, &a.workload,
          "generated: programs of API operations on the scenario's "
          "machine (default: the scenario's own)",
          "KIND" },
        { NULL }
    };
    GOptionContext *oc = cli_option_context(
        "SCENARIO - run a scenario under many schedules",
        "SCENARIO is a .scn file or the name of a built-in scenario (wakesim list).",
        entries);
    int rc = EXIT_USAGE;
    run_config_t c = { .seed = 1, .runs = 1, .depth = 3 };

    if (cli_parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    a.strategy = a.strategy ? a.strategy : g_strdup("random");
    a.out_dir = a.out_dir ? a.out_dir : g_strdup(".");
    if (argc != 2) {
        fprintf(stderr, "%s run: expected one SCENARIO (see --help)\n", cli_prog);
        goto out;
    }
    if (strcmp(a.strategy, "exhaustive") == 0 && parse_exhaustive(&a, &c) < 0) {
        goto out;
    }
    if (!c.exhaustive &&
        (a.preemptions_s || a.max_schedules_s || a.no_reduction || a.end_states)) {
        fprintf(stderr,
                "%s run: --preemptions, --max-schedules, --no-reduction and --end-states "
                "are for --strategy exhaustive\n",
                cli_prog);
        goto out;
    }
    if (parse_counts(&a, &c) == 0 && parse_inputs(&a, &c) == 0 &&
        cli_prepare_out_dir(a.out_dir) == 0) {
        rc = run_scenario(argv[1], &a, &c);
    }
out:
    if (c.file_bytes) {
        g_bytes_unref(c.file_bytes);
    }
    run_args_clear(&a);
    g_option_context_free(oc);
    return rc;
}

/*
 * wakesim-main.c - main() for a program built against the simulator
 * (wakesim_add_simulated_executable): runs the program's own main, renamed
 * wakesim_user_main at compile time, as the simulated thread "main", under
 * the monitor (wakesim/monitor.h, docs/invariants.md), over many
 * schedules; writes a reproducer for the first violation and replays one
 * byte for byte.
 *
 *   PROGRAM [options] [-- program arguments]
 *     --seed N          first seed (default 1); run i uses seed+i
 *     --runs N          schedules to try (default 100)
 *     --strategy random|pct, --pct-depth D (default 3)
 *                       a random walk (default) or PCT; --pct D is both
 *     --memory-model sc|tso|pso|arm  (default sc; sim-memory.h)
 *     --sqe-bound-ms X, --cqe-bound-ms X, --wake-bound-ms X
 *                       monitor bounds (default 10 ms, 10 ms, off)
 *     --deadline-ms X   virtual-time budget of one run (default 10000)
 *     --out DIR         where reproducers go (default .; created)
 *     --replay FILE     re-run a reproducer
 *     --log             print the event log: of the replay, else of every run
 *                       (a passing run's too: --seed S --runs 1 --log)
 *   Exit codes are the wakesim command's (cli.h): 0 every run passed, 1 a
 *   violation (reproducer written, or replayed identically), 2 bad usage or
 *   input, 3 a replay that differs.
 *
 * Reproducers are wakesim traces (trace-format.h) that record the program's
 * absolute path, its arguments, the bounds, the strategy and the memory
 * model: `wakesim replay FILE` runs
 * PROGRAM --replay FILE.  The older "wakesim-program-repro 1" files still
 * replay here (program-repro.h), with the arguments given after --.
 *
 * Each run is a fresh child process (fork): the program's globals, its
 * exit() calls and its crashes cannot leak into the next run, and a crash
 * is reported like a violation.  A replay runs in this process (for gdb).
 */
#include <wakesim/monitor.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "crash.h"
#include "program-repro.h"
#include "trace-format.h"

int wakesim_user_main(int argc, char **argv);

typedef struct {
    uint64_t seed, runs;
    unsigned pct;
    wakesim_bounds_t b;
    const char *out, *replay;
    bool log;
    int uargc;
    char **uargv;
    const char *prog;
    /* The simulator's, as recorded in a reproducer. */
    int64_t ns_per_step;
    sim_memory_model_t memory_model;
} opts_t;

typedef struct {
    int argc;
    char **argv;
    int status;
} user_call_t;

static void *run_user_main(void *arg)
{
    user_call_t *c = arg;
    c->status = wakesim_user_main(c->argc, c->argv);
    return NULL;
}

static bool parse_ms(const char *s, int64_t *ns)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || *end || x < 0 || x > 1e9)
        return false;
    *ns = (int64_t)(x * 1e6);
    return true;
}

/* The options as given (GOption fills strings; they are checked after). */
typedef struct {
    char *seed, *runs, *pct, *strategy, *depth, *model, *out, *replay;
    char *ms[4]; /* --sqe-bound-ms, --cqe-bound-ms, --wake-bound-ms, --deadline-ms */
    gboolean log;
} option_text_t;

static const char *const ms_names[4] = { "--sqe-bound-ms", "--cqe-bound-ms",
                                         "--wake-bound-ms", "--deadline-ms" };

/* --strategy, --pct-depth (--pct D: both at once) and --memory-model into
 * o; -1 after printing why. */
static int check_search(const option_text_t *a, opts_t *o)
{
    uint64_t n = 3;
    const char *depth = a->pct ? a->pct : a->depth;
    if (depth && cli_parse_u64(a->pct ? "--pct" : "--pct-depth", depth, &n) < 0)
        return -1;
    bool pct = a->pct != NULL;
    if (a->strategy && strcmp(a->strategy, "pct") == 0) {
        pct = true;
    } else if (a->strategy && (strcmp(a->strategy, "random") != 0 || a->pct)) {
        fprintf(stderr, "%s: --strategy must be random or pct%s, not '%s'\n", cli_prog,
                a->pct ? " (--pct D means pct)" : "", a->strategy);
        return -1;
    }
    if (pct && (n < 1 || n > 16)) {
        fprintf(stderr, "%s: the PCT depth must be in 1..16\n", cli_prog);
        return -1;
    }
    if (!pct && a->depth) {
        fprintf(stderr, "%s: --pct-depth goes with --strategy pct\n", cli_prog);
        return -1;
    }
    o->pct = pct ? (unsigned)n : 0;
    int model = a->model ? sim_memory_model_parse(a->model) : (int)o->memory_model;
    if (model < 0) {
        fprintf(stderr, "%s: --memory-model must be sc, tso, pso or arm, not '%s'\n",
                cli_prog, a->model);
        return -1;
    }
    o->memory_model = (sim_memory_model_t)model;
    return 0;
}

/* Checks and converts the option text into o; -1 after printing why. */
static int check_options(const option_text_t *a, opts_t *o)
{
    int64_t *ms[4] = { &o->b.sqe_submit_ns, &o->b.cqe_reap_ns, &o->b.wake_ns,
                       &o->b.deadline_ns };
    if ((a->seed && cli_parse_u64("--seed", a->seed, &o->seed) < 0) ||
        (a->runs && cli_parse_u64("--runs", a->runs, &o->runs) < 0) ||
        check_search(a, o) < 0) {
        return -1;
    }
    if (o->runs == 0) {
        fprintf(stderr, "%s: --runs must be >= 1\n", cli_prog);
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        if (a->ms[i] && (!parse_ms(a->ms[i], ms[i]) || (i == 3 && *ms[i] == 0))) {
            fprintf(stderr, "%s: bad value for %s: '%s' (milliseconds%s)\n", cli_prog,
                    ms_names[i], a->ms[i], i == 3 ? ", > 0" : "");
            return -1;
        }
    }
    o->out = a->out ? a->out : o->out;
    /* Created before any run, as wakesim run does: a reproducer that
     * cannot be written is a lost finding. */
    if (!a->replay &&
        (g_mkdir_with_parents(o->out, 0777) < 0 || access(o->out, W_OK | X_OK) < 0)) {
        fprintf(stderr, "%s: --out %s: cannot write reproducers there: %s\n", o->prog,
                o->out, g_strerror(errno));
        return -1;
    }
    o->replay = a->replay;
    o->log = a->log;
    return 0;
}

static GOptionContext *runner_options(option_text_t *a)
{
    static GOptionEntry entries[] = {
        { "seed", 0, 0, G_OPTION_ARG_STRING, NULL,
          "First seed (default 1); run i uses seed+i", "N" },
        { "runs", 'n', 0, G_OPTION_ARG_STRING, NULL, "Schedules to try (default 100)",
          "N" },
        { "strategy", 0, 0, G_OPTION_ARG_STRING, NULL,
          "random (default): a random walk; pct: PCT", "random|pct" },
        { "pct-depth", 0, 0, G_OPTION_ARG_STRING, NULL, "PCT's depth (default 3, 1..16)",
          "D" },
        { "pct", 0, 0, G_OPTION_ARG_STRING, NULL, "--strategy pct --pct-depth D", "D" },
        { "memory-model", 'm', 0, G_OPTION_ARG_STRING, NULL,
          "sc (default), tso, pso or arm: how shared memory behaves", "MODEL" },
        { "sqe-bound-ms", 0, 0, G_OPTION_ARG_STRING, NULL,
          "Bound of an SQE's submission (default 10)", "X" },
        { "cqe-bound-ms", 0, 0, G_OPTION_ARG_STRING, NULL,
          "Bound of a CQE's reaping (default 10)", "X" },
        { "wake-bound-ms", 0, 0, G_OPTION_ARG_STRING, NULL,
          "Bound of a wake-up (default 0: off)", "X" },
        { "deadline-ms", 0, 0, G_OPTION_ARG_STRING, NULL,
          "Virtual-time budget of one run (default 10000)", "X" },
        { "out", 'o', 0, G_OPTION_ARG_FILENAME, NULL,
          "Directory for reproducers (default .)", "DIR" },
        { "replay", 0, 0, G_OPTION_ARG_FILENAME, NULL,
          "Replay a reproducer (also: wakesim replay FILE)", "FILE" },
        { "log", 'l', 0, G_OPTION_ARG_NONE, NULL,
          "Print the event log (of the replay, else of every run)", NULL },
        { NULL }
    };
    void *args[] = { &a->seed,  &a->runs,   &a->strategy, &a->depth, &a->pct,
                     &a->model, &a->ms[0],  &a->ms[1],    &a->ms[2], &a->ms[3],
                     &a->out,   &a->replay, &a->log };
    for (size_t i = 0; i < G_N_ELEMENTS(args); i++) {
        entries[i].arg_data = args[i];
    }
    return cli_option_context(
        "[-- PROGRAM-ARGUMENTS] - run this program under the simulator",
        "Runs the program's main as the simulated thread \"main\" over many schedules; "
        "the first violation is written as a reproducer (a wakesim trace).  Exit: 0 every "
        "run passed, 1 a violation, 2 bad usage or input, 3 a replay that differs.",
        entries);
}

/* The runner's options come before "--", the program's after it. */
static int parse_args(int argc, char **argv, opts_t *o)
{
    *o = (opts_t){ .seed = 1, .runs = 100, .out = ".", .prog = argv[0] };
    o->b = (wakesim_bounds_t){ .sqe_submit_ns = 10000000,
                               .cqe_reap_ns = 10000000,
                               .wake_ns = 0,
                               .deadline_ns = 10000000000LL };
    sim_options_t so;
    sim_options_init(&so);
    o->ns_per_step = so.ns_per_step;
    o->memory_model = so.memory_model;
    int split = 1;
    while (split < argc && strcmp(argv[split], "--") != 0)
        split++;
    option_text_t a = { 0 };
    GOptionContext *oc = runner_options(&a);
    int own_argc = split;
    char **own = g_new0(char *, split + 1);
    memcpy(own, argv, (size_t)split * sizeof(char *));
    char **own_start = own;
    int rc = cli_parse_options(oc, &own_argc, &own);
    if (rc == 0 && own_argc > 1) {
        fprintf(stderr,
                "%s: unexpected argument '%s' (the program's arguments go after --)\n",
                cli_prog, own[1]);
        rc = -1;
    }
    rc = rc == 0 ? check_options(&a, o) : rc;
    g_free(own_start);
    g_option_context_free(oc);
    if (rc < 0)
        return -1;
    int first = split < argc ? split + 1 : argc; /* after "--" */
    o->uargc = argc - first + 1;
    o->uargv = g_new0(char *, (size_t)o->uargc + 1);
    o->uargv[0] = argv[0];
    for (int k = 1; k < o->uargc; k++)
        o->uargv[k] = argv[first + k - 1];
    return 0;
}

typedef struct {
    sim_result_t result;
    const char *invariant; /* NULL: passed */
    char *message;
    uint64_t hash;
    uint64_t steps;
    int64_t end_ns;
    uint32_t *values, *bounds;
    size_t n;
} outcome_t;

/* One run in this process. */
static void run_world(const opts_t *o, const sim_decide_opts_t *decide, bool print_log,
                      outcome_t *out)
{
    wakesim_monitor_t *m = wakesim_monitor_new(&o->b);
    sim_options_t so;
    sim_options_init(&so);
    so.decide = *decide;
    so.ns_per_step = o->ns_per_step;
    so.memory_model = o->memory_model;
    /* Kernel-sized fd numbers: programs size tables by fd (libuv's watcher
     * array); each run is a process of its own, so the numbers are free. */
    so.fd_base = SIM_FD_BASE_LOW;
    so.log_stream = print_log ? stdout : NULL;
    wakesim_monitor_attach(m, &so);
    sim_world_t *w = sim_world_new(&so);
    if (!w || !m) {
        fprintf(stderr, "%s: out of memory\n", o->prog);
        exit(EXIT_USAGE);
    }
    user_call_t call = { o->uargc, o->uargv, 0 };
    out->result = sim_world_run(w, run_user_main, &call);
    wakesim_monitor_finish(m, w);
    const char *inv = wakesim_monitor_invariant(m);
    char status_msg[96];
    if (!inv && out->result == SIM_RESULT_OK && call.status != 0) {
        snprintf(status_msg, sizeof(status_msg), "exit-status: main returned %d",
                 call.status);
        inv = "exit-status";
    }
    /* The monitor gave deadlocks and limits their invariant; what is left
     * (a replay error, a sim_violation() of the program's own) keeps the
     * result's name. */
    if (!inv && out->result != SIM_RESULT_OK)
        inv = sim_result_name(out->result);
    out->invariant = inv ? strdup(inv) : NULL;
    out->message = strdup(!inv                              ? ""
                          : strcmp(inv, "exit-status") == 0 ? status_msg
                          : *wakesim_monitor_message(m)     ? wakesim_monitor_message(m)
                                                            : sim_world_message(w));
    out->hash = sim_world_log_hash(w);
    out->steps = sim_world_steps(w);
    out->end_ns = sim_world_now_ns(w);
    const uint32_t *v, *b;
    out->n = sim_world_decisions(w, &v, &b);
    out->values = malloc((out->n + 1) * sizeof(uint32_t));
    out->bounds = malloc((out->n + 1) * sizeof(uint32_t));
    if (out->n) {
        memcpy(out->values, v, out->n * sizeof(uint32_t));
        memcpy(out->bounds, b, out->n * sizeof(uint32_t));
    }
    sim_world_free(w);
    wakesim_monitor_free(m);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* This program's path, absolute (what `wakesim replay` runs). */
static char *program_path(const char *argv0)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    return exe ? exe : g_canonicalize_filename(argv0, NULL);
}

/* The failing run r of seed as a wakesim trace in o->out; its path in
 * *path (to free). */
static bool write_repro(const opts_t *o, uint64_t seed, const outcome_t *r, char **path)
{
    const char *strategy = o->pct ? "pct" : "random";
    wk_trace_t t = { .program = program_path(o->prog),
                     .program_args = g_strdupv(o->uargv + 1),
                     .program_bounds = { o->b.sqe_submit_ns, o->b.cqe_reap_ns, o->b.wake_ns,
                                         o->b.deadline_ns },
                     .mutants = g_strdup(""),
                     .strategy = g_strdup(strategy),
                     .seed = seed,
                     .pct_depth = o->pct,
                     .ns_per_step = o->ns_per_step,
                     .verdict = g_strdup(r->invariant),
                     .message = g_strdup(r->message),
                     .steps = r->steps,
                     .end_ns = r->end_ns,
                     .log_hash = r->hash,
                     .memory_model = o->memory_model,
                     .values = g_memdup2(r->values, r->n * sizeof(uint32_t)),
                     .bounds = g_memdup2(r->bounds, r->n * sizeof(uint32_t)),
                     .n_decisions = r->n,
                     .keyed = g_strdup("") };
    bool sc = o->memory_model == SIM_MEMORY_SC;
    char *name = g_strdup_printf("%s-%s%s%s%" PRIu64 ".trace", base_name(o->prog),
                                 sc ? "" : sim_memory_model_name(o->memory_model),
                                 sc ? "" : "-", strategy, seed);
    *path = g_build_filename(o->out, name, NULL);
    GError *err = NULL;
    bool ok = wk_trace_save(&t, *path, &err);
    if (!ok) {
        fprintf(stderr, "%s: cannot write %s\n", o->prog, err->message);
        g_error_free(err);
    }
    g_free(name);
    wk_trace_clear(&t);
    return ok;
}

/* The object a monitor message names ("handoff-latency: hand-off task key
 * 0 ..." -> "hand-off"), or "run" for verdicts about the whole run: what
 * wakesim's violation block shows (sim/harness/report.c). */
static char *message_object(const char *inv, const char *msg)
{
    const char *colon = strstr(msg, ": ");
    if (!colon || strcmp(inv, "deadlock") == 0 || strcmp(inv, "workload-deadline") == 0 ||
        strcmp(inv, "livelock") == 0 || strcmp(inv, "exit-status") == 0)
        return g_strdup("run");
    return g_strndup(colon + 2, strcspn(colon + 2, " :;"));
}

/* The violation block, in the shape `wakesim run` prints it (report.h),
 * the program and its arguments in place of the scenario. */
static void print_violation(const opts_t *o, uint64_t run, uint64_t seed,
                            const outcome_t *r, const char *path)
{
    char *object = message_object(r->invariant, r->message);
    char *args = g_strjoinv(" ", o->uargv + 1);
    printf("VIOLATION in run %" PRIu64 " (seed %" PRIu64 "): %s\n", run, seed, r->message);
    printf("==wakesim== VIOLATION of %s\n", r->invariant);
    printf("  object:       %s\n", object);
    printf("  times:        run ended at %.3f ms virtual, %" PRIu64 " steps\n",
           r->end_ns / 1e6, r->steps);
    printf("  message:      %s\n", r->message);
    printf("  program:      %s%s%s, memory model %s\n", o->prog, *args ? " -- " : "", args,
           sim_memory_model_name(o->memory_model));
    if (o->pct)
        printf("  seed:         pct seed %" PRIu64 " depth %u\n", seed, o->pct);
    else
        printf("  seed:         random seed %" PRIu64 "\n", seed);
    if (path)
        printf("  replay:       %s --replay %s --log\n", o->prog, path);
    printf("  reproducer:   %s\n", path ? path : "(none written)");
    fflush(stdout);
    g_free(object);
    g_free(args);
}

/* One schedule in a child process: exits 0 when it passes, else writes the
 * reproducer and exits EXIT_VIOLATION (EXIT_USAGE when it cannot). */
static _Noreturn void explore_one(const opts_t *o, uint64_t run, uint64_t seed)
{
    sim_decide_opts_t d = { .kind = o->pct ? SIM_DECIDE_PCT : SIM_DECIDE_SEED,
                            .seed = seed,
                            .pct_depth = o->pct,
                            .pct_steps = 10000,
                            .pct_threads = 4 };
    outcome_t r;
    run_world(o, &d, o->log, &r);
    /* _exit() skips stdio's flush: what the program printed would be lost
     * whenever stdout is a pipe or a file. */
    fflush(stdout);
    if (!r.invariant)
        _exit(0);
    char *path = NULL;
    bool saved = write_repro(o, seed, &r, &path);
    print_violation(o, run, seed, &r, saved ? path : NULL);
    _exit(saved ? EXIT_VIOLATION : EXIT_USAGE);
}

typedef struct {
    const opts_t *o;
    uint64_t run, seed;
} explore_arg_t;

static const char *explore_child(void *arg)
{
    const explore_arg_t *e = arg;
    explore_one(e->o, e->run, e->seed);
}

/* A crash of run seed (what its child sent back): the reproducer, whose
 * verdict is "crash" or "heap-error".  Returns the exit code. */
static int report_crash(const opts_t *o, uint64_t run, uint64_t seed, const cli_crash_t *k)
{
    if (k->host) {
        printf("wakesim itself crashed: %s with no simulated thread running, in seed "
               "%" PRIu64 "; not a verdict on the program, no reproducer\n",
               cli_crash_signal_name(k->signo), seed);
        return EXIT_USAGE;
    }
    char *msg = cli_crash_message(k);
    outcome_t r = { .result = SIM_RESULT_VIOLATION,
                    .invariant = cli_crash_invariant(k),
                    .message = msg,
                    .hash = k->log_hash,
                    .steps = k->steps,
                    .end_ns = k->end_ns,
                    .values = k->values,
                    .bounds = k->bounds,
                    .n = k->n };
    char *path = NULL;
    bool saved = write_repro(o, seed, &r, &path);
    print_violation(o, run, seed, &r, saved ? path : NULL);
    g_free(path);
    g_free(msg);
    return saved ? EXIT_VIOLATION : EXIT_USAGE;
}

static int explore(opts_t *o)
{
    printf("%s: %" PRIu64 " schedules from seed %" PRIu64 " (%s, memory model %s), "
           "bounds: sqe %.3f ms, cqe %.3f ms, wake %.3f ms, deadline %.3f ms\n",
           base_name(o->prog), o->runs, o->seed, o->pct ? "pct" : "random",
           sim_memory_model_name(o->memory_model), o->b.sqe_submit_ns / 1e6,
           o->b.cqe_reap_ns / 1e6, o->b.wake_ns / 1e6, o->b.deadline_ns / 1e6);
    gint64 t0 = g_get_monotonic_time();
    for (uint64_t i = 0; i < o->runs; i++) {
        explore_arg_t e = { o, i, o->seed + i };
        cli_crash_t k;
        bool crashed = cli_crash_fork(explore_child, &e, &k);
        int st = k.wait_status;
        int rc = crashed         ? report_crash(o, i, e.seed, &k)
                 : st < 0        ? EXIT_USAGE
                 : WIFEXITED(st) ? WEXITSTATUS(st)
                                 : EXIT_VIOLATION;
        cli_crash_clear(&k);
        if (rc != 0) {
            return rc;
        }
    }
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    printf("%s: all %" PRIu64 " schedules passed, %.3f s, %.0f runs/s\n",
           base_name(o->prog), o->runs, secs, secs > 0 ? o->runs / secs : 0.0);
    return 0;
}

/* Loads a reproducer of either format; -1 after printing why.  A trace
 * carries the program's arguments: giving others after -- is an error. */
static int load_repro(const opts_t *o, wk_trace_t *t)
{
    GError *err = NULL;
    if (wk_program_repro_v1_is(o->replay))
        return wk_program_repro_v1_load(t, o->replay, o->prog) ? 0 : -1;
    if (!wk_trace_load(t, o->replay, &err)) {
        fprintf(stderr, "%s: %s\n", o->prog, err->message);
        g_error_free(err);
        return -1;
    }
    if (!t->program) {
        fprintf(stderr,
                "%s: %s is a reproducer of the scenario %s: replay it with `wakesim "
                "replay %s`\n",
                o->prog, o->replay, t->scenario_name, o->replay);
    } else if (o->uargc > 1) {
        fprintf(stderr, "%s: %s records the program's arguments: give none after --\n",
                o->prog, o->replay);
    } else {
        return 0;
    }
    wk_trace_clear(t);
    return -1;
}

/* The options a reproducer recorded, over the command line's. */
static opts_t recorded_opts(const opts_t *o, const wk_trace_t *t)
{
    opts_t ro = *o;
    ro.pct = t->pct_depth;
    ro.b.sqe_submit_ns = t->program_bounds.sqe_submit_ns;
    ro.b.cqe_reap_ns = t->program_bounds.cqe_reap_ns;
    ro.b.wake_ns = t->program_bounds.wake_ns;
    ro.b.deadline_ns = t->program_bounds.deadline_ns;
    if (t->ns_per_step)
        ro.ns_per_step = t->ns_per_step;
    ro.memory_model = t->memory_model;
    if (t->program_args) {
        ro.uargc = (int)g_strv_length(t->program_args) + 1;
        ro.uargv = g_new0(char *, (size_t)ro.uargc + 1);
        ro.uargv[0] = o->uargv[0];
        memcpy(ro.uargv + 1, t->program_args, (size_t)(ro.uargc - 1) * sizeof(char *));
    }
    return ro;
}

typedef struct {
    const opts_t *o;
    const sim_decide_opts_t *d;
} replay_arg_t;

static const char *replay_child(void *arg)
{
    const replay_arg_t *a = arg;
    outcome_t r;
    run_world(a->o, a->d, false, &r);
    return r.invariant ? r.invariant : "pass";
}

/* A crash reproducer replays in a child process (crash.h); *r is what it
 * gave, as run_world() fills it. */
static void replay_crash(const opts_t *o, const sim_decide_opts_t *d, bool log,
                         outcome_t *r)
{
    replay_arg_t a = { o, d };
    cli_crash_t k;
    bool crashed = cli_crash_fork(replay_child, &a, &k) && !k.host;
    if (log && k.log) {
        fputs(k.log, stdout);
    }
    *r = (outcome_t){ .result = crashed ? SIM_RESULT_VIOLATION : SIM_RESULT_OK,
                      .invariant = crashed ? strdup(cli_crash_invariant(&k)) : NULL,
                      .message = crashed ? cli_crash_message(&k) : strdup(""),
                      .hash = k.log_hash,
                      .steps = k.steps,
                      .end_ns = k.end_ns };
    if (!crashed) {
        printf("replay of %s: %s, not the recorded crash\n", o->replay,
               k.host      ? "wakesim itself crashed"
               : k.what[0] ? k.what
                           : "no verdict");
    }
    cli_crash_clear(&k);
}

static int replay(opts_t *o)
{
    wk_trace_t t;
    if (load_repro(o, &t) < 0)
        return EXIT_USAGE;
    if (strcmp(base_name(t.program), base_name(o->prog)) != 0)
        fprintf(stderr, "%s: note: recorded for program %s\n", o->prog, t.program);
    opts_t ro = recorded_opts(o, &t);
    sim_decide_opts_t d = { .kind = SIM_DECIDE_REPLAY,
                            .replay = t.values,
                            .replay_bounds = t.bounds,
                            .replay_len = t.n_decisions };
    outcome_t r;
    if (cli_crash_verdict(t.verdict)) {
        replay_crash(&ro, &d, o->log, &r);
    } else {
        char *label = g_strdup_printf("the replay of %s", o->replay);
        char *after = g_strdup_printf("replay of %s DIFFERS: verdict crash (recorded %s)\n",
                                      o->replay, t.verdict);
        fflush(stdout);
        cli_crash_guard_arm(NULL, EXIT_DIVERGED, "VIOLATION", after);
        cli_crash_guard_run(label);
        run_world(&ro, &d, o->log, &r);
        cli_crash_guard_disarm();
        g_free(label);
        g_free(after);
    }
    bool same = r.invariant && strcmp(r.invariant, t.verdict) == 0 &&
                r.hash == t.log_hash &&
                (!cli_crash_verdict(t.verdict) || strcmp(r.message, t.message) == 0);
    printf("replay of %s (seed %" PRIu64 "): %s; log hash %016" PRIx64
           " (recorded %016" PRIx64 ") %s\n",
           o->replay, t.seed, r.invariant ? r.message : "no violation", r.hash, t.log_hash,
           same ? "identical" : "DIFFERS");
    if (ro.uargv != o->uargv)
        g_free(ro.uargv);
    wk_trace_clear(&t);
    free(r.values);
    free(r.bounds);
    free(r.message);
    free((char *)r.invariant);
    return same ? EXIT_VIOLATION : EXIT_DIVERGED;
}

int main(int argc, char **argv)
{
    opts_t o;
    cli_prog = argv[0];
    if (parse_args(argc, argv, &o) < 0)
        return EXIT_USAGE;
    int rc = o.replay ? replay(&o) : explore(&o);
    g_free(o.uargv);
    /* Not through exit(): the program's destructors and atexit handlers
     * (libuv's uv_library_shutdown joins its pool's threads) belong to
     * its simulated run, whose threads died with the world; run on the
     * host they would join what is not a thread. */
    fflush(stdout);
    fflush(stderr);
    _exit(rc);
}

/* A run that ends early (a violation stops it; every thread still alive is
 * unwound, its C frames abandoned) leaves whatever the program had
 * allocated unreachable: that is by design, not a leak of the program, and
 * a sanitized build would otherwise fail every replay of a violation at
 * exit.  Only programs linked with this driver are affected. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "detect_leaks=0";
}

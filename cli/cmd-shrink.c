/*
 * cmd-shrink.c - wakesim shrink: a reproducer's schedule made simpler
 * while it keeps the same violation (wk_shrink), written as a new
 * reproducer that is proven to replay to the same log.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "report.h"
#include "shrink.h"

/* What one shrink is made of. */
typedef struct {
    const char *path;
    wk_trace_t t;
    scn_t *scn;
    char *mutants;
    wk_outcome_t start, logged;
    wk_shrink_result_t res;
} shrink_t;

/* The recorded run, replayed without its log: it must still fail. */
static int replay_start(shrink_t *s)
{
    sim_options_t o;
    sim_options_init(&o);
    o.ns_per_step = s->t.ns_per_step;
    o.memory_model = s->t.memory_model;
    o.log_enabled = false;
    sim_decide_replay(&o.decide, s->t.values, s->t.bounds, s->t.n_decisions);
    wk_machine_run(s->scn, &o, &s->start);
    if (s->start.result == SIM_RESULT_REPLAY_ERROR) {
        fprintf(stderr, "%s: %s: replay diverged: %s\n", cli_prog, s->path,
                s->start.message);
        return EXIT_DIVERGED;
    }
    if (s->start.result == SIM_RESULT_OK) {
        fprintf(stderr, "%s: %s: replays without a violation: nothing to shrink\n",
                cli_prog, s->path);
        return EXIT_USAGE;
    }
    return 0;
}

/* FILE without .trace, then .shrunk.trace. */
static char *default_out_path(const char *in)
{
    size_t n = strlen(in);
    if (g_str_has_suffix(in, ".trace")) {
        n -= strlen(".trace");
    }
    return g_strdup_printf("%.*s.shrunk.trace", (int)n, in);
}

/* Records the shrunk run exactly, with its log and hash, proves that it
 * replays to the recorded verdict, writes it and prints its report. */
static int save_shrunk(shrink_t *s, const char *out_path)
{
    sim_options_t lo;
    sim_options_init(&lo);
    lo.ns_per_step = s->t.ns_per_step;
    lo.memory_model = s->t.memory_model;
    cli_rerun_logged(s->res.scn, &lo, &s->res.out, &s->logged);
    wk_figures_print(stdout, "before", &s->res.before);
    wk_figures_print(stdout, "after ", &s->res.after);
    printf("%u replays tried, %u kept\n", s->res.candidates, s->res.accepted);
    if (strcmp(wk_outcome_verdict(&s->logged), s->t.verdict) != 0) {
        printf("shrunk run does not replay to '%s' but '%s'\n", s->t.verdict,
               wk_outcome_verdict(&s->logged));
        return EXIT_DIVERGED;
    }
    if (!cli_save_rerun(&s->t, s->res.scn, s->t.mutants, "shrink", &s->logged, out_path)) {
        return EXIT_USAGE;
    }
    char *seed_s =
        g_strdup_printf("shrunk from %s seed %" PRIu64, s->t.strategy, s->t.seed);
    char *cmd = g_strdup_printf("%s replay %s", cli_prog, out_path);
    wk_report_t r = { .scn = s->res.scn,
                      .mutants = s->mutants,
                      .seed = seed_s,
                      .replay_cmd = cmd,
                      .reproducer = out_path };
    wk_report_print(stdout, &r, &s->logged);
    g_free(seed_s);
    g_free(cmd);
    return EXIT_VIOLATION;
}

static int shrink_file(shrink_t *s, uint64_t budget, const char *out_path)
{
    GError *err = NULL;
    int rc;
    if (!cli_read_trace(s->path, &s->t) ||
        !(s->scn = cli_reproducer_scenario(s->path, &s->t, &s->mutants))) {
        return EXIT_USAGE;
    }
    if (cli_crash_verdict(s->t.verdict)) {
        /* Each candidate is replayed in this process: a crash would end it. */
        fprintf(
            stderr,
            "%s shrink: %s records a %s, which ends the process it happens in: shrinking "
            "it is not supported (`wakesim replay %s` replays it)\n",
            cli_prog, s->path, s->t.verdict, s->path);
        return EXIT_USAGE;
    }
    if ((rc = replay_start(s)) != 0) {
        return rc;
    }
    printf("wakesim shrink: %s: scenario %s, mutants: %s, %s\n", s->path,
           s->t.scenario_name, *s->mutants ? s->mutants : "none", s->start.message);
    wk_shrink_opts_t so = { .max_candidates = (unsigned)budget,
                            .ns_per_step = s->t.ns_per_step,
                            .memory_model = s->t.memory_model,
                            .progress = stdout };
    if (!wk_shrink(s->scn, &s->start, &so, &s->res, &err)) {
        fprintf(stderr, "%s: %s: %s\n", cli_prog, s->path, err->message);
        g_error_free(err);
        return EXIT_USAGE;
    }
    char *out = out_path ? g_strdup(out_path) : default_out_path(s->path);
    rc = save_shrunk(s, out);
    g_free(out);
    return rc;
}

int cmd_shrink(int argc, char **argv)
{
    char *out_path = NULL, *budget_s = NULL;
    GOptionEntry entries[] = { { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out_path,
                                 "Where to write the shrunk reproducer (default FILE "
                                 "without .trace + .shrunk.trace)",
                                 "OUT" },
                               { "budget", 'b', 0, G_OPTION_ARG_STRING, &budget_s,
                                 "Replays to try at most (default 4000)", "N" },
                               { NULL } };
    GOptionContext *oc = cli_option_context(
        "FILE - shrink a reproducer's schedule",
        "Keeps the same violation (invariant and kind of object) and minimises, in this "
        "order: preemptions, non-default decisions, threads, workload items, steps.  "
        "Each candidate is checked by replay.",
        entries);
    int rc = EXIT_USAGE;
    uint64_t budget = 4000;
    shrink_t s = { 0 };

    if (cli_parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s shrink: expected one FILE (see --help)\n", cli_prog);
        goto out;
    }
    if (budget_s && (cli_parse_u64("--budget", budget_s, &budget) < 0 || budget == 0 ||
                     budget > 1000000)) {
        fprintf(stderr, "%s shrink: --budget must be in 1..1000000\n", cli_prog);
        goto out;
    }
    s.path = argv[1];
    rc = shrink_file(&s, budget, out_path);
out:
    wk_trace_clear(&s.t);
    wk_outcome_clear(&s.start);
    wk_outcome_clear(&s.logged);
    wk_shrink_result_clear(&s.res);
    scn_free(s.scn);
    g_free(s.mutants);
    g_free(out_path);
    g_free(budget_s);
    g_option_context_free(oc);
    return rc;
}

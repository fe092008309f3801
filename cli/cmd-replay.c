/*
 * cmd-replay.c - wakesim replay: re-runs a reproducer's decisions and
 * checks that the verdict and the event log (by hash) are the ones
 * recorded; or, with --keyed, that its keyed decisions still reach the
 * violation.  A user program's reproducer (written by the runner,
 * wakesim-main.c) is replayed by the program itself: see replay_program().
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "commands.h"
#include "invariant.h"
#include "keyed.h"
#include "report.h"
#include "timeline.h"

typedef struct {
    gboolean log, keyed, fixed;
    char *chrome, *svg, *rerecord;
} replay_args_t;

/* What one replay is made of, loaded and checked. */
typedef struct {
    const char *path;
    wk_trace_t t;
    scn_t *scn;
    char *mutants;
    wk_keyed_t kd;
    wk_timeline_t *tl;
} replay_t;

static int check_args(const replay_args_t *a)
{
    if (a->rerecord && a->fixed) {
        fprintf(stderr, "%s replay: --rerecord does not go with --fixed\n", cli_prog);
        return -1;
    }
    if (a->fixed && !a->keyed) {
        fprintf(stderr,
                "%s replay: --fixed needs --keyed (positional decisions of a mutant "
                "do not fit the fixed code)\n",
                cli_prog);
        return -1;
    }
    return 0;
}

/* A user program's reproducer names the program that recorded it (its
 * absolute path): that program replays it (PROGRAM --replay FILE), in place
 * of this process, so its exit code is the replay's.  When the program is
 * not there, says how to replay the file once it is built. */
static int replay_program(const replay_args_t *a, const char *path, const wk_trace_t *t)
{
    if (a->keyed || a->fixed || a->rerecord || a->chrome || a->svg) {
        fprintf(stderr,
                "%s replay: %s is a reproducer of the user program %s: only --log goes "
                "with it (--keyed, --fixed, --rerecord, --chrome-trace and --timeline "
                "replay a scenario)\n",
                cli_prog, path, t->program);
        return EXIT_USAGE;
    }
    if (!g_path_is_absolute(t->program) ||
        !g_file_test(t->program, G_FILE_TEST_IS_EXECUTABLE)) {
        fprintf(stderr,
                "%s: %s was recorded by the user program %s, which is not an executable "
                "file here: build the program, then replay with `PROGRAM --replay %s`\n",
                cli_prog, path, t->program, path);
        return EXIT_USAGE;
    }
    char *args[] = { t->program, "--replay", (char *)path, a->log ? "--log" : NULL, NULL };
    printf("wakesim replay: %s: user program %s: running %s --replay %s%s\n", path,
           t->program, t->program, path, a->log ? " --log" : "");
    fflush(stdout);
    fflush(stderr);
    execv(t->program, args);
    fprintf(stderr, "%s: cannot execute %s: %s\n", cli_prog, t->program, g_strerror(errno));
    return EXIT_USAGE;
}

/* Loads the scenario, mutants and keyed decisions the replay needs; -1
 * after printing why. */
static int replay_load(const replay_args_t *a, replay_t *r)
{
    GError *err = NULL;
    if (!(r->scn = cli_reproducer_scenario(r->path, &r->t, &r->mutants))) {
        return -1;
    }
    if (a->keyed && !r->t.keyed) {
        fprintf(stderr, "%s: %s has no keyed decisions (format 1): re-record it\n",
                cli_prog, r->path);
        return -1;
    }
    if (a->keyed && !wk_keyed_parse(r->t.keyed, &r->kd, &err)) {
        fprintf(stderr, "%s: %s: %s\n", cli_prog, r->path, err->message);
        g_error_free(err);
        return -1;
    }
    if (a->fixed) {
        g_free(r->mutants);
        r->mutants = cli_set_mutants(NULL);
    }
    return 0;
}

static void replay_options(const replay_args_t *a, replay_t *r, sim_options_t *o)
{
    sim_options_init(o);
    o->ns_per_step = r->t.ns_per_step;
    o->memory_model = r->t.memory_model;
    o->log_enabled = true;
    sim_decide_replay(&o->decide, r->t.values, r->t.bounds, r->t.n_decisions);
    if (a->keyed) {
        o->decide.kind = SIM_DECIDE_KEYED;
        o->decide.keyed = r->kd.items;
        o->decide.keyed_len = r->kd.n;
    }
    if (a->chrome || a->svg) {
        r->tl = wk_timeline_new(r->t.ns_per_step);
        o->on_event = wk_timeline_on_event;
        o->event_opaque = r->tl;
    }
}

/* Writes --chrome-trace and --timeline; -1 after printing why. */
static int write_timeline(const replay_args_t *a, replay_t *r, const wk_outcome_t *out)
{
    char *title = g_strdup_printf("%s  (scenario %s, mutants %s)", r->path,
                                  r->t.scenario_name, *r->mutants ? r->mutants : "none");
    GError *werr = NULL;
    wk_timeline_finish(r->tl, out, title);
    g_free(title);
    if ((a->chrome && !wk_timeline_write_chrome(r->tl, a->chrome, &werr)) ||
        (a->svg && !wk_timeline_write_svg(r->tl, a->svg, &werr))) {
        fprintf(stderr, "%s: cannot write the timeline: %s\n", cli_prog, werr->message);
        g_error_free(werr);
        return -1;
    }
    if (a->chrome) {
        printf("chrome trace: %s\n", a->chrome);
    }
    if (a->svg) {
        printf("timeline: %s\n", a->svg);
    }
    return 0;
}

/* --rerecord: the same run, its keyed decisions written in this build's
 * key form (the positional decisions and the log stay as they were). */
static int rerecord(const replay_args_t *a, const replay_t *r, const wk_outcome_t *out,
                    int rc)
{
    if (!a->rerecord) {
        return rc;
    }
    if (!cli_save_rerun(&r->t, r->scn, r->mutants, r->t.strategy, out, a->rerecord)) {
        return EXIT_USAGE;
    }
    printf("re-recorded: %s\n", a->rerecord);
    return rc;
}

static int judge_keyed(const replay_args_t *a, const replay_t *r, const wk_outcome_t *out)
{
    const char *verdict = wk_outcome_verdict(out);
    const char *want = a->fixed ? "pass" : r->t.verdict;
    if (strcmp(verdict, want) != 0) {
        printf("keyed replay lost the recording: verdict %s, expected %s\n", verdict, want);
        return EXIT_DIVERGED;
    }
    printf("keyed replay %s: verdict %s (%zu keyed decisions), %" PRIu64 " steps, "
           "event log hash %016" PRIx64 " (%s the positional recording)\n",
           a->fixed ? "of the fixed code" : "reaches the recorded violation", verdict,
           r->kd.n, out->steps, out->log_hash,
           out->log_hash == r->t.log_hash ? "same as" : "differs from");
    if (out->result != SIM_RESULT_OK) {
        printf("VIOLATION: %s\n", out->message);
    }
    return rerecord(a, r, out, out->result == SIM_RESULT_OK ? 0 : EXIT_VIOLATION);
}

static int judge_positional(const replay_args_t *a, const replay_t *r,
                            const wk_outcome_t *out)
{
    const char *verdict = wk_outcome_verdict(out);
    if (strcmp(verdict, r->t.verdict) != 0 || out->log_hash != r->t.log_hash) {
        printf("replay differs from the recording: verdict %s (recorded %s), log hash "
               "%016" PRIx64 " (recorded %016" PRIx64 ")\n",
               verdict, r->t.verdict, out->log_hash, r->t.log_hash);
        return EXIT_DIVERGED;
    }
    if (out->result != SIM_RESULT_OK) {
        char *seed =
            g_strdup_printf("%s seed %" PRIu64 " (as recorded)", r->t.strategy, r->t.seed);
        char *cmd = g_strdup_printf("%s replay %s", cli_prog, r->path);
        wk_report_t rep = { .scn = r->scn,
                            .mutants = r->mutants,
                            .seed = seed,
                            .replay_cmd = cmd,
                            .reproducer = r->path };
        printf("VIOLATION: %s\n", out->message);
        wk_report_print(stdout, &rep, out);
        cli_print_target_code(r->mutants);
        g_free(seed);
        g_free(cmd);
    }
    printf("replay matches the recording: verdict %s, %" PRIu64 " steps, %.3f ms "
           "virtual, event log hash %016" PRIx64 "\n",
           verdict, out->steps, out->end_ns / 1e6, out->log_hash);
    printf("coverage: %u SQE(s) queued while the main loop slept in ppoll\n",
           out->sqes_queued_while_main_loop_slept);
    return rerecord(a, r, out, out->result == SIM_RESULT_OK ? 0 : EXIT_VIOLATION);
}

/* A crash reproducer replays in a child process (crash.h): its crash
 * record is compared with the recording (signal, thread, log hash). */
static int replay_crash(const replay_args_t *a, replay_t *r, const sim_options_t *o)
{
    if (a->keyed || a->rerecord || r->tl) {
        fprintf(stderr,
                "%s replay: %s records a crash, which replays its positional decisions in "
                "a child process: --keyed, --rerecord, --chrome-trace and --timeline do "
                "not go with it\n",
                cli_prog, r->path);
        return EXIT_USAGE;
    }
    cli_crash_t k;
    bool crashed = cli_run_in_child(r->scn, o, &k);
    if (crashed && k.host) {
        cli_crash_host(&k, r->t.strategy, r->t.seed);
    }
    int rc = EXIT_DIVERGED;
    if (a->log && k.log) {
        fputs(k.log, stdout);
    }
    wk_outcome_t out;
    cli_crash_outcome(&k, r->t.memory_model, &out);
    if (!crashed) {
        printf("replay differs from the recording: verdict %s (recorded %s: %s)\n",
               k.what[0] ? k.what : "none", r->t.verdict, r->t.message);
    } else if (strcmp(out.message, r->t.message) != 0) {
        printf("replay differs from the recording: %s (recorded %s)\n", out.message,
               r->t.message);
    } else {
        rc = judge_positional(a, r, &out);
    }
    wk_outcome_clear(&out);
    cli_crash_clear(&k);
    return rc;
}

/* Runs the loaded reproducer and compares the run with the recording.  A
 * crash of a replay that recorded none is reported by the guard. */
static int replay_scenario(const replay_args_t *a, replay_t *r)
{
    sim_options_t o;
    replay_options(a, r, &o);
    printf(
        "wakesim replay: %s: scenario %s, target %s, mutants: %s, memory model %s, found "
        "by %s seed %" PRIu64 ", %zu decisions%s\n",
        r->path, r->t.scenario_name, r->t.target, *r->mutants ? r->mutants : "none",
        sim_memory_model_name(r->t.memory_model), r->t.strategy, r->t.seed,
        r->t.n_decisions, a->keyed ? " (replaying the keyed ones)" : "");
    if (cli_crash_verdict(r->t.verdict)) {
        return replay_crash(a, r, &o);
    }
    char *label = g_strdup_printf("the replay of %s", r->path);
    char *after = g_strdup_printf("replay differs from the recording: verdict crash "
                                  "(recorded %s)\n",
                                  r->t.verdict);
    fflush(stdout);
    cli_crash_guard_arm(NULL, EXIT_DIVERGED, "VIOLATION", after);
    cli_crash_guard_run(label);
    wk_outcome_t out;
    wk_machine_run(r->scn, &o, &out);
    cli_crash_guard_disarm();
    g_free(label);
    g_free(after);
    if (a->log && out.log) {
        /* The log keeps ids (its hash must not depend on names): the
         * legend says which is which. */
        printf("objects: %s\n", out.names ? out.names : "");
        fputs(out.log, stdout);
    }
    int rc;
    if (r->tl && write_timeline(a, r, &out) < 0) {
        rc = EXIT_USAGE;
    } else if (out.result == SIM_RESULT_REPLAY_ERROR) {
        printf("replay diverged: %s\n", out.message);
        rc = EXIT_DIVERGED;
    } else {
        rc = a->keyed ? judge_keyed(a, r, &out) : judge_positional(a, r, &out);
    }
    wk_outcome_clear(&out);
    return rc;
}

static void replay_clear(replay_t *r)
{
    wk_keyed_clear(&r->kd);
    wk_timeline_free(r->tl);
    wk_trace_clear(&r->t);
    scn_free(r->scn);
    g_free(r->mutants);
}

int cmd_replay(int argc, char **argv)
{
    replay_args_t a = { 0 };
    GOptionEntry entries[] = {
        { "log", 'l', 0, G_OPTION_ARG_NONE, &a.log, "Print the event log", NULL },
        { "rerecord", 0, 0, G_OPTION_ARG_FILENAME, &a.rerecord,
          "When the replay reaches the recorded verdict (positional: matches it; --keyed: "
          "reaches its violation), write it as a new reproducer for this build (refreshes "
          "a "
          "regression after a code change, or its keyed decisions to the current form)",
          "OUT" },
        { "keyed", 'k', 0, G_OPTION_ARG_NONE, &a.keyed,
          "Replay the keyed decisions (survive code changes): only the verdict must match",
          NULL },
        { "fixed", 0, 0, G_OPTION_ARG_NONE, &a.fixed,
          "Run the fixed code instead of the recorded mutants (with --keyed: must pass)",
          NULL },
        { "chrome-trace", 0, 0, G_OPTION_ARG_FILENAME, &a.chrome,
          "Write the run as a Trace Event file (Perfetto, chrome://tracing)", "OUT.json" },
        { "timeline", 0, 0, G_OPTION_ARG_FILENAME, &a.svg,
          "Draw the run: thread lanes, ring SQ/CQ, the late hand-off", "OUT.svg" },
        { NULL }
    };
    GOptionContext *oc = cli_option_context(
        "FILE - replay a reproducer",
        "Re-runs the recorded decisions and checks that the verdict and the event log "
        "(by hash) are the same.  A user program's reproducer is replayed by the program "
        "that recorded it (PROGRAM --replay FILE).  Exit: 0 pass, 1 violation, 2 bad "
        "input, 3 the replay diverged from the recording.",
        entries);
    int rc = EXIT_USAGE;
    replay_t r = { 0 };

    if (cli_parse_options(oc, &argc, &argv) < 0) {
        goto out;
    }
    if (argc != 2) {
        fprintf(stderr, "%s replay: expected one FILE (see --help)\n", cli_prog);
        goto out;
    }
    r.path = argv[1];
    if (check_args(&a) < 0 || !cli_read_trace(r.path, &r.t)) {
        goto out;
    }
    if (r.t.program) {
        rc = replay_program(&a, r.path, &r.t);
    } else if (replay_load(&a, &r) == 0) {
        rc = replay_scenario(&a, &r);
    }
out:
    replay_clear(&r);
    g_free(a.chrome);
    g_free(a.svg);
    g_free(a.rerecord);
    g_option_context_free(oc);
    return rc;
}

/*
 * reproducer.c - runs that become reproducers, and reproducers that become
 * runs again: the logged re-run of a failing run, its file and report, and
 * loading a file back with its scenario, target and mutants.
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "build-id.h"
#include "commands.h"
#include "invariant.h"
#include "report.h"
#include "target.h"

void cli_rerun_logged(const scn_t *scn, const sim_options_t *base,
                      const wk_outcome_t *found, wk_outcome_t *out)
{
    sim_options_t o = *base;
    o.log_enabled = true;
    sim_decide_replay(&o.decide, found->decisions, found->bounds, found->n_decisions);
    wk_machine_run(scn, &o, out);
}

void cli_pct_setup(const scn_t *scn, sim_options_t *o, unsigned depth)
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

int cli_prepare_out_dir(const char *dir)
{
    if (g_mkdir_with_parents(dir, 0777) < 0) {
        fprintf(stderr, "%s: --out %s: cannot create the directory: %s\n", cli_prog, dir,
                g_strerror(errno));
        return -1;
    }
    if (access(dir, W_OK | X_OK) < 0) {
        fprintf(stderr, "%s: --out %s: cannot write reproducers there: %s\n", cli_prog, dir,
                g_strerror(errno));
        return -1;
    }
    return 0;
}

/* wakesim-SCENARIO[-TARGET]-MUTANTS[-MODEL]-STRATEGYSEED.trace, the
 * mutants' commas as '+'; the default target and model are left out. */
static char *reproducer_name(const scn_t *scn, const char *mutants, const char *strategy,
                             uint64_t seed, sim_memory_model_t model)
{
    const char *target = wk_target_selected()->name;
    bool other_target = strcmp(target, "loop") != 0;
    char *name = g_strdup_printf("wakesim-%s%s%s-%s-%s%s%s%" PRIu64 ".trace", scn->name,
                                 other_target ? "-" : "", other_target ? target : "",
                                 *mutants ? mutants : "fixed",
                                 model == SIM_MEMORY_SC ? "" : sim_memory_model_name(model),
                                 model == SIM_MEMORY_SC ? "" : "-", strategy, seed);
    for (char *p = name; *p; p++) {
        if (*p == ',') {
            *p = '+';
        }
    }
    return name;
}

/* The code a target not this build's own ran (QEMU's tree and files, and
 * its build-time mutation), under the violation block. */
void cli_print_target_code(const char *mutants)
{
    const char *id = wk_target_selected()->build_identity;
    if (id && *id) {
        printf("  target code:  %s, mutation: %s\n", id,
               mutants && *mutants ? mutants : "none (as the tree has it)");
    }
}

/* The violation block of a run found by strategy and seed; path is the
 * reproducer written, or NULL when it could not be. */
static void print_found(const scn_t *scn, const char *mutants, const char *strategy,
                        uint64_t seed, unsigned depth, const char *path,
                        const wk_outcome_t *found)
{
    char *seed_s = strcmp(strategy, "pct") == 0
                       ? g_strdup_printf("pct seed %" PRIu64 " depth %u", seed, depth)
                       : g_strdup_printf("%s seed %" PRIu64, strategy, seed);
    char *cmd = path ? g_strdup_printf("%s replay %s", cli_prog, path) : NULL;
    wk_report_t r = { .scn = scn,
                      .mutants = mutants,
                      .seed = seed_s,
                      .replay_cmd = cmd,
                      .reproducer = path };
    wk_report_print(stdout, &r, found);
    cli_print_target_code(mutants);
    g_free(seed_s);
    g_free(cmd);
}

/* Writes the logged run's reproducer and prints the violation block of
 * the run found. */
static int save_and_print(const scn_t *scn, const char *mutants, const char *dir,
                          const char *strategy, uint64_t seed, unsigned depth,
                          const sim_options_t *o, const wk_outcome_t *logged,
                          const wk_outcome_t *found)
{
    wk_trace_t t;
    GError *err = NULL;
    char *name = reproducer_name(scn, mutants, strategy, seed, o->memory_model);
    char *path = g_build_filename(dir, name, NULL);
    wk_trace_from_outcome(&t, scn, mutants, strategy, seed, depth, o->ns_per_step, logged);
    bool saved = wk_trace_save(&t, path, &err);
    if (!saved) {
        fprintf(stderr, "%s: cannot write reproducer: %s\n", cli_prog, err->message);
        g_error_free(err);
    }
    print_found(scn, mutants, strategy, seed, depth, saved ? path : NULL, found);
    wk_trace_clear(&t);
    g_free(path);
    g_free(name);
    return EXIT_VIOLATION;
}

int cli_report_found(const scn_t *scn, const char *mutants, const char *dir,
                     const char *strategy, uint64_t seed, unsigned depth,
                     const sim_options_t *o, const wk_outcome_t *found, bool log)
{
    wk_outcome_t logged;
    cli_rerun_logged(scn, o, found, &logged);
    if (strcmp(wk_outcome_verdict(&logged), wk_outcome_verdict(found)) != 0) {
        printf(
            "warning: re-running the recorded decisions gave '%s' (not deterministic?)\n",
            wk_outcome_verdict(&logged));
    }
    if (log && logged.log) {
        fputs(logged.log, stdout);
    }
    int rc = save_and_print(scn, mutants, dir, strategy, seed, depth, o, &logged, found);
    wk_outcome_clear(&logged);
    return rc;
}

/* ---- crashes (crash.h) ---- */

typedef struct {
    const scn_t *scn;
    const sim_options_t *o;
} child_run_t;

static const char *child_run(void *arg)
{
    static char verdict[64];
    const child_run_t *r = arg;
    wk_outcome_t out;
    wk_machine_run(r->scn, r->o, &out);
    g_strlcpy(verdict, wk_outcome_verdict(&out), sizeof(verdict));
    wk_outcome_clear(&out);
    return verdict;
}

bool cli_run_in_child(const scn_t *scn, const sim_options_t *o, cli_crash_t *k)
{
    child_run_t r = { scn, o };
    return cli_crash_fork(child_run, &r, k);
}

void cli_crash_outcome(const cli_crash_t *k, sim_memory_model_t model, wk_outcome_t *out)
{
    memset(out, 0, sizeof(*out));
    out->result = SIM_RESULT_VIOLATION;
    out->invariant = g_strdup(cli_crash_invariant(k));
    out->message = cli_crash_message(k);
    out->steps = k->steps;
    out->end_ns = k->end_ns;
    out->log_hash = k->log_hash;
    out->log = g_strdup(k->log);
    out->decisions = g_memdup2(k->values, k->n * sizeof(uint32_t));
    out->bounds = g_memdup2(k->bounds, k->n * sizeof(uint32_t));
    out->n_decisions = k->n;
    out->late_start_ns = out->late_end_ns = -1;
    out->keyed = g_strdup("");
    out->memory_model = model;
}

void cli_crash_host(const cli_crash_t *k, const char *strategy, uint64_t seed)
{
    printf("wakesim itself crashed: %s with no simulated thread running (the simulator's "
           "host loop), in %s seed %" PRIu64 "; not a verdict on the code under test, no "
           "reproducer\n",
           cli_crash_signal_name(k->signo), strategy, seed);
    fflush(stdout);
    signal(k->signo ? k->signo : SIGABRT, SIG_DFL);
    raise(k->signo ? k->signo : SIGABRT);
}

int cli_report_crash(const scn_t *scn, const char *mutants, const char *dir,
                     const char *strategy, uint64_t seed, unsigned depth,
                     const sim_options_t *o, const cli_crash_t *found, bool log)
{
    if (found->host) {
        cli_crash_host(found, strategy, seed);
    }
    sim_options_t lo = *o;
    lo.log_enabled = true;
    sim_decide_replay(&lo.decide, found->values, found->bounds, found->n);
    cli_crash_t lk;
    bool again = cli_run_in_child(scn, &lo, &lk);
    wk_outcome_t out, logged;
    cli_crash_outcome(found, o->memory_model, &out);
    cli_crash_outcome(again ? &lk : found, o->memory_model, &logged);
    if (!again || strcmp(logged.message, out.message) != 0) {
        printf(
            "warning: re-running the recorded decisions gave '%s' (not deterministic?)\n",
            again ? logged.message : lk.what);
    }
    if (log && logged.log) {
        fputs(logged.log, stdout);
    }
    int rc = save_and_print(scn, mutants, dir, strategy, seed, depth, o, &logged, &out);
    wk_outcome_clear(&out);
    wk_outcome_clear(&logged);
    cli_crash_clear(&lk);
    return rc;
}

/* Another build may schedule differently: say so before a divergence is
 * taken for a broken reproducer. */
static void note_recording_build(const char *path, const wk_trace_t *t)
{
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
}

/* A target built from other code (another QEMU tree, or one changed by
 * hand) may schedule differently: say so first, as for another build. */
static void note_target_identity(const char *path, const wk_trace_t *t)
{
    const char *mine = wk_target_selected()->build_identity;
    const char *rec = t->target_identity ? t->target_identity : "";
    if (!*mine && !*rec) {
        return;
    }
    if (!*rec) {
        printf("note: %s records no identity of the %s code it ran; this binary's is %s\n",
               path, t->target, mine);
    } else if (strcmp(rec, mine) != 0) {
        printf("warning: %s was recorded with other %s code: %s; this binary has %s (a "
               "divergence may come from the code difference)\n",
               path, t->target, rec, *mine ? mine : "none");
    }
}

bool cli_read_trace(const char *path, wk_trace_t *t)
{
    GError *err = NULL;
    if (!wk_trace_load(t, path, &err)) {
        fprintf(stderr, "%s: %s\n", cli_prog, err->message);
        g_error_free(err);
        return false;
    }
    return true;
}

scn_t *cli_reproducer_scenario(const char *path, wk_trace_t *t, char **mutants)
{
    GError *err = NULL;
    if (t->program) {
        fprintf(stderr,
                "%s: %s is a reproducer of the user program %s, not of a scenario "
                "(`wakesim replay %s` runs it)\n",
                cli_prog, path, t->program, path);
        return NULL;
    }
    char *where = g_strdup_printf("%s (scenario embedded in %s)", t->scenario_path, path);
    scn_t *scn = scn_load_text(t->scenario_text, where, &err);
    g_free(where);
    if (!scn) {
        fprintf(stderr, "%s: %s\n", cli_prog, err->message);
        g_error_free(err);
        return NULL;
    }
    char *names[] = { t->mutants, NULL };
    if (!(*mutants = cli_select_target(t->target, names, scn))) {
        scn_free(scn);
        return NULL;
    }
    note_recording_build(path, t);
    note_target_identity(path, t);
    return scn;
}

bool cli_save_rerun(const wk_trace_t *orig, const scn_t *scn, const char *mutants,
                    const char *strategy, const wk_outcome_t *out, const char *path)
{
    wk_trace_t t = { 0 };
    GError *err = NULL;
    wk_trace_from_outcome(&t, scn, mutants, strategy, orig->seed, orig->pct_depth,
                          orig->ns_per_step, out);
    g_free(t.scenario_path); /* where it came from, unannotated */
    t.scenario_path = g_strdup(orig->scenario_path);
    bool ok = wk_trace_save(&t, path, &err);
    if (!ok) {
        fprintf(stderr, "%s: cannot write %s: %s\n", cli_prog, path, err->message);
        g_error_free(err);
    }
    wk_trace_clear(&t);
    return ok;
}

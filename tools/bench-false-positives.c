/*
 * bench-false-positives.c - the monitors' false-positive rate, measured: runs
 * every scenario's fixed code (no mutant) for N schedules under the random
 * walk and under PCT, and prints per scenario and strategy the violations
 * (the goal is 0: on the fixed code every violation is a false alarm or a
 * real bug) and the runs per second.
 *
 * Usage: bench-false-positives [--runs N] [--seed S] [--pct-depth D]
 *                              [--strategy random|pct|both] [SCENARIO.scn...]
 * Defaults: N = 1,000,000, S = 1, D = 3, both strategies, every .scn in
 * scenarios/ in name order.  Run i of a scenario and strategy uses seed
 * S + i, as `wakesim run --seed S --runs N` does, so the command printed
 * for a violation replays it.  Exit 0 when no run violated, 1 otherwise, 2
 * on bad usage.  A benchmark, not a test: CTest only runs it briefly.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "aio.h"
#include "machine.h"
#include "scenario.h"
#include "targets.h"

#ifndef WAKESIM_SOURCE_DIR
#define WAKESIM_SOURCE_DIR "."
#endif

typedef struct {
    uint64_t runs;
    uint64_t violations;
    uint64_t first_violation_run; /* index of the first one, if any */
    char *first_invariant;
    double secs;
} fp_result_t;

/* As `wakesim run --strategy pct` sets PCT up (cli/wakesim.c): one
 * random-walk pilot run with the first seed gives the step count n, and the
 * thread count k is the scenario's vCPUs, the main loop, the workload
 * driver and the iothread if any.  The same setup is what makes the printed
 * command replay a violation. */
static void pct_setup(const scn_t *scn, sim_options_t *o, uint64_t seed, unsigned depth)
{
    wk_outcome_t pilot;
    sim_options_t po = *o;
    po.decide.kind = SIM_DECIDE_SEED;
    po.decide.seed = seed;
    wk_machine_run(scn, &po, &pilot);
    o->decide.pct_steps = pilot.steps ? pilot.steps : 1;
    o->decide.pct_threads = scn->vcpus + 2 + (scn->target == SCN_TARGET_IOTHREAD);
    o->decide.pct_depth = depth;
    wk_outcome_clear(&pilot);
}

static fp_result_t run_one(const scn_t *scn, bool pct, uint64_t seed, uint64_t runs,
                           unsigned depth)
{
    fp_result_t r = { 0 };
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.decide.kind = pct ? SIM_DECIDE_PCT : SIM_DECIDE_SEED;
    if (pct) {
        pct_setup(scn, &o, seed, depth);
    }
    gint64 t0 = g_get_monotonic_time();
    for (uint64_t i = 0; i < runs; i++) {
        wk_outcome_t out;
        o.decide.seed = seed + i;
        wk_machine_run(scn, &o, &out);
        if (out.result != SIM_RESULT_OK) {
            if (r.violations++ == 0) {
                r.first_violation_run = i;
                r.first_invariant = g_strdup(wk_outcome_verdict(&out));
            }
        }
        wk_outcome_clear(&out);
        r.runs++;
    }
    r.secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    return r;
}

static gint compare_paths(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every .scn file in scenarios/, sorted. */
static GPtrArray *default_scenarios(void)
{
    const char *dir = WAKESIM_SOURCE_DIR "/scenarios";
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GError *err = NULL;
    GDir *d = g_dir_open(dir, 0, &err);
    if (!d) {
        fprintf(stderr, "bench-false-positives: %s\n", err->message);
        exit(2);
    }
    const char *n;
    while ((n = g_dir_read_name(d))) {
        if (g_str_has_suffix(n, ".scn")) {
            g_ptr_array_add(paths, g_build_filename(dir, n, NULL));
        }
    }
    g_dir_close(d);
    g_ptr_array_sort(paths, compare_paths);
    return paths;
}

static bool parse_u64(const char *what, const char *s, uint64_t *v)
{
    char *end;
    if (!s || !*s || *s == '-') {
        goto bad;
    }
    *v = g_ascii_strtoull(s, &end, 10);
    if (*end == '\0') {
        return true;
    }
bad:
    fprintf(stderr, "bench-false-positives: %s must be a non-negative integer, not '%s'\n",
            what, s ? s : "");
    return false;
}

int main(int argc, char **argv)
{
    wk_target_select(&wk_target_loop);
    gchar *runs_s = NULL, *seed_s = NULL, *depth_s = NULL, *strategy = NULL;
    GOptionEntry entries[] = {
        { "runs", 'n', 0, G_OPTION_ARG_STRING, &runs_s,
          "Schedules per scenario and strategy (default 1000000)", "N" },
        { "seed", 0, 0, G_OPTION_ARG_STRING, &seed_s, "First seed (default 1)", "S" },
        { "pct-depth", 'd', 0, G_OPTION_ARG_STRING, &depth_s, "PCT depth (default 3)",
          "D" },
        { "strategy", 's', 0, G_OPTION_ARG_STRING, &strategy,
          "random, pct or both (default)", "S" },
        { NULL }
    };
    GOptionContext *oc =
        g_option_context_new("[SCENARIO.scn...] - false positives on the fixed code");
    GError *err = NULL;
    g_option_context_add_main_entries(oc, entries, NULL);
    if (!g_option_context_parse(oc, &argc, &argv, &err)) {
        fprintf(stderr, "bench-false-positives: %s\n", err->message);
        return 2;
    }
    uint64_t runs = 1000000, seed = 1, depth = 3;
    if ((runs_s && !parse_u64("--runs", runs_s, &runs)) ||
        (seed_s && !parse_u64("--seed", seed_s, &seed)) ||
        (depth_s && !parse_u64("--pct-depth", depth_s, &depth))) {
        return 2;
    }
    if (runs == 0 || depth == 0 || depth > 64) {
        fprintf(stderr,
                "bench-false-positives: --runs must be >= 1 and --pct-depth in 1..64\n");
        return 2;
    }
    bool do_random = !strategy || !strcmp(strategy, "random") || !strcmp(strategy, "both");
    bool do_pct = !strategy || !strcmp(strategy, "pct") || !strcmp(strategy, "both");
    if (!do_random && !do_pct) {
        fprintf(stderr,
                "bench-false-positives: --strategy must be random, pct or both, not '%s'\n",
                strategy);
        return 2;
    }

    GPtrArray *paths;
    if (argc > 1) {
        paths = g_ptr_array_new_with_free_func(g_free);
        for (int i = 1; i < argc; i++) {
            g_ptr_array_add(paths, g_strdup(argv[i]));
        }
    } else {
        paths = default_scenarios();
    }

    aio_mutants_clear(); /* the fixed code */
    printf("bench-false-positives: fixed code, %" PRIu64
           " schedules per scenario and strategy, "
           "seeds %" PRIu64 "..%" PRIu64 ", PCT depth %" PRIu64 "\n",
           runs, seed, seed + runs - 1, depth);
    printf("%-26s %-7s %10s %10s %10s\n", "scenario", "strategy", "runs", "violations",
           "runs/s");
    uint64_t total_violations = 0;
    for (guint p = 0; p < paths->len; p++) {
        const char *path = paths->pdata[p];
        scn_t *scn = scn_load_file(path, &err);
        if (!scn) {
            fprintf(stderr, "bench-false-positives: %s\n", err->message);
            return 2;
        }
        for (int pct = 0; pct < 2; pct++) {
            if ((pct && !do_pct) || (!pct && !do_random)) {
                continue;
            }
            fp_result_t r = run_one(scn, pct, seed, runs, (unsigned)depth);
            printf("%-26s %-7s %10" PRIu64 " %10" PRIu64 " %10.0f\n", scn->name,
                   pct ? "pct" : "random", r.runs, r.violations,
                   r.secs > 0 ? r.runs / r.secs : 0.0);
            if (r.violations) {
                printf("  first: run %" PRIu64 " (seed %" PRIu64
                       "), %s; reproduce: wakesim run %s "
                       "--strategy %s --seed %" PRIu64 " --runs %" PRIu64
                       " --pct-depth %" PRIu64 "\n",
                       r.first_violation_run, seed + r.first_violation_run,
                       r.first_invariant, path, pct ? "pct" : "random", seed,
                       r.first_violation_run + 1, depth);
            }
            fflush(stdout);
            total_violations += r.violations;
            g_free(r.first_invariant);
        }
        scn_free(scn);
    }
    printf("bench-false-positives: %" PRIu64 " violation%s in total\n", total_violations,
           total_violations == 1 ? "" : "s");
    g_ptr_array_free(paths, TRUE);
    g_free(runs_s);
    g_free(seed_s);
    g_free(depth_s);
    g_free(strategy);
    g_option_context_free(oc);
    return total_violations ? 1 : 0;
}

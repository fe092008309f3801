/*
 * bench-sim.c - simulator speed, with numbers to paste into an issue note:
 *   1. runs per second of the seed scenario on the fixed code (random walk),
 *   2. wall and CPU time to simulate the seed report's whole 128 MiB
 *      workload with the seed bug (about 32 s of virtual time), and without.
 * Usage: bench-sim [--runs N] [--scenario FILE] [--workload FILE]
 *                  [--memory-model sc|tso|pso|arm]   (default: sc)
 *                  [--jobs N]  (runs/s over N worker processes; default
 *                              the cores: --jobs 1 to compare builds)
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <glib.h>
#include "jobs.h"
#include "machine.h"
#include "scenario.h"
#include "targets.h"

#ifndef WAKESIM_SOURCE_DIR
#define WAKESIM_SOURCE_DIR "."
#endif

static scn_t *load(const char *path)
{
    GError *err = NULL;
    scn_t *s = scn_load_file(path, &err);
    if (!s) {
        fprintf(stderr, "bench-sim: %s\n", err->message);
        exit(2);
    }
    return s;
}

/* CPU seconds used so far by this process and its reaped children (the
 * --jobs workers): runs per CPU-second compare builds on a shared machine,
 * where wall-clock runs/s measure the share the scheduler gave. */
static double cpu_seconds(void)
{
    struct rusage self, kids;
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &kids);
    double s = 0;
    const struct rusage *u[] = { &self, &kids };
    for (int i = 0; i < 2; i++) {
        s += (double)u[i]->ru_utime.tv_sec + u[i]->ru_utime.tv_usec / 1e6 +
             (double)u[i]->ru_stime.tv_sec + u[i]->ru_stime.tv_usec / 1e6;
    }
    return s;
}

/* CPU time of this process, to the nanosecond (getrusage's split into user
 * and system time comes from clock ticks: too coarse for one run). */
static double process_cpu_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void print_cpu(gint runs, double cpu0)
{
    double cpu = cpu_seconds() - cpu0;
    printf("  cpu %.3f s, %.0f runs per CPU-second\n", cpu, cpu > 0 ? runs / cpu : 0.0);
}

/* One run of the seed scenario, seed i + 1: 1 for a violation (none is
 * expected on the fixed code). */
typedef struct {
    const scn_t *seed;
    sim_options_t *o;
} bench_job_t;

static int bench_job(void *arg, uint64_t i)
{
    bench_job_t *j = arg;
    wk_outcome_t out;
    j->o->decide.seed = i + 1;
    wk_machine_run(j->seed, j->o, &out);
    int v = out.result != SIM_RESULT_OK;
    wk_outcome_clear(&out);
    return v;
}

/* --jobs N: the same runs in N worker processes (cli/jobs.h). */
static int bench_runs_parallel(const scn_t *seed, sim_options_t *o, gint runs,
                               unsigned jobs)
{
    bench_job_t j = { seed, o };
    cli_jobs_result_t r;
    gint64 t0 = g_get_monotonic_time();
    double cpu0 = cpu_seconds();
    if (cli_jobs_search(jobs, (uint64_t)runs, 1u << 1, bench_job, &j, &r) < 0) {
        return 1;
    }
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    if (r.stop != CLI_JOBS_NONE) {
        fprintf(stderr, "bench-sim: unexpected violation (seed %" PRIu64 ")\n", r.stop + 1);
        return 1;
    }
    printf("seed scenario %-28s %-3s %8d runs  %7.3f s  %8.0f runs/s  (%u jobs)\n",
           seed->name, sim_memory_model_name(o->memory_model), runs, secs, runs / secs,
           jobs);
    print_cpu(runs, cpu0);
    return 0;
}

/* Runs/s of the seed scenario on the fixed code, seeds 1..runs. */
static int bench_runs(const scn_t *seed, sim_options_t *o, gint runs, unsigned jobs)
{
    aio_mutants_clear();
    if (jobs > 1) {
        return bench_runs_parallel(seed, o, runs, jobs);
    }
    uint64_t steps = 0;
    gint64 t0 = g_get_monotonic_time();
    double cpu0 = cpu_seconds();
    for (gint i = 0; i < runs; i++) {
        wk_outcome_t out;
        o->decide.seed = (uint64_t)i + 1;
        wk_machine_run(seed, o, &out);
        if (out.result != SIM_RESULT_OK) {
            fprintf(stderr, "bench-sim: unexpected violation (seed %d): %s\n", i + 1,
                    out.message);
            return 1;
        }
        steps += out.steps;
        wk_outcome_clear(&out);
    }
    double secs = (double)(g_get_monotonic_time() - t0) / 1e6;
    printf("seed scenario %-28s %-3s %8d runs  %7.3f s  %8.0f runs/s  %6.0f steps/run  "
           "%5.1f M steps/s\n",
           seed->name, sim_memory_model_name(o->memory_model), runs, secs, runs / secs,
           (double)steps / runs, steps / secs / 1e6);
    print_cpu(runs, cpu0);
    return 0;
}

/* Wall time of one run of the whole workload, seed 1, with or without the
 * seed bug. */
static void bench_full(const scn_t *full, sim_options_t *o, const char *label, bool mutant)
{
    aio_mutants_clear();
    aio_mutant_set(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE, mutant);
    wk_outcome_t out;
    o->decide.seed = 1;
    gint64 t0 = g_get_monotonic_time();
    double cpu0 = process_cpu_ms();
    wk_machine_run(full, o, &out);
    double ms = (double)(g_get_monotonic_time() - t0) / 1e3;
    double cpu_ms = process_cpu_ms() - cpu0;
    printf("full workload %-28s %s %.3f s virtual in %.1f ms wall, %.1f ms cpu (%s)\n",
           full->name, label, out.end_ns / 1e9, ms, cpu_ms, wk_outcome_verdict(&out));
    wk_outcome_clear(&out);
    aio_mutants_clear();
}

int main(int argc, char **argv)
{
    wk_target_select(&wk_target_loop);
    gint runs = 20000;
    gchar *scenario = NULL, *workload = NULL, *model_name = NULL, *jobs_s = NULL;
    GOptionEntry entries[] = { { "runs", 'n', 0, G_OPTION_ARG_INT, &runs,
                                 "Runs of the seed scenario (default 20000)", "N" },
                               { "scenario", 0, 0, G_OPTION_ARG_FILENAME, &scenario,
                                 "Scenario for runs/s", "FILE" },
                               { "workload", 0, 0, G_OPTION_ARG_FILENAME, &workload,
                                 "Scenario for the full workload", "FILE" },
                               { "memory-model", 0, 0, G_OPTION_ARG_STRING, &model_name,
                                 "sc (default), tso or pso", "M" },
                               { "jobs", 'j', 0, G_OPTION_ARG_STRING, &jobs_s,
                                 "Worker processes for the runs (default: the cores)",
                                 "N" },
                               { NULL } };
    GOptionContext *oc = g_option_context_new("- simulator benchmark");
    GError *err = NULL;
    g_option_context_add_main_entries(oc, entries, NULL);
    if (!g_option_context_parse(oc, &argc, &argv, &err) || runs <= 0) {
        fprintf(stderr, "bench-sim: %s\n", err ? err->message : "--runs must be > 0");
        return 2;
    }
    scn_t *seed = load(
        scenario ? scenario : WAKESIM_SOURCE_DIR "/scenarios/ahci-mmio-inline-submit.scn");
    scn_t *full =
        load(workload ? workload : WAKESIM_SOURCE_DIR "/tools/bench/seed-128m.scn");

    int model = sim_memory_model_parse(model_name ? model_name : "sc");
    if (model < 0) {
        fprintf(stderr, "bench-sim: --memory-model must be sc, tso, pso or arm\n");
        return 2;
    }
    sim_options_t o;
    sim_options_init(&o);
    o.log_enabled = false;
    o.decide.kind = SIM_DECIDE_SEED;
    o.memory_model = (sim_memory_model_t)model;

    unsigned jobs;
    if (cli_jobs_parse(jobs_s, (uint64_t)runs, &jobs) < 0) {
        return 2;
    }
    if (bench_runs(seed, &o, runs, jobs) != 0) {
        return 1;
    }
    bench_full(full, &o, "mutant missing-notify-add-sqe:", true);
    bench_full(full, &o, "fixed code:                   ", false);

    scn_free(seed);
    scn_free(full);
    g_free(scenario);
    g_free(workload);
    g_free(model_name);
    g_free(jobs_s);
    g_option_context_free(oc);
    return 0;
}

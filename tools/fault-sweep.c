/*
 * fault-sweep.c - every scenario with every injected fault on: the fixed
 * code must pass each run, and every fault kind must be injected somewhere.
 * Prints, per scenario, the runs and the faults injected of each kind, then
 * the totals (numbers for an issue note).
 *
 * Usage: fault-sweep [--runs N] [--rate PERMILLE] [--out DIR] SCENARIO.scn...
 *   --runs N      runs per scenario (default: each scenario's run budget)
 *   --rate P      rate of every fault kind, per mille (default 50; partial
 *                 submits and short reads twice that).  uring-init is only
 *                 injected where the scenario's backend is auto.
 * A run is the scenario's text plus a [faults] group, seeded random walk
 * (seed i for run i).  A failing run's scenario file is written to --out
 * (default .) with the command that replays it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"
#include "scenario.h"
#include "targets.h"

static uint64_t totals[SIM_FAULT_COUNT];

static char *faulted_text(const scn_t *base, unsigned rate)
{
    GString *g = g_string_new(base->text);
    /* Drop the scenario's own [faults] group, if any: this sweep sets all. */
    char *own = strstr(g->str, "\n[faults]");
    if (own) {
        char *next = strstr(own + 1, "\n[");
        g_string_erase(g, own - g->str, next ? next - own : (gssize)strlen(own));
    }
    g_string_append(g, "\n[faults]\n");
    for (int k = 0; k < SIM_FAULT_COUNT; k++) {
        if (k == SIM_FAULT_URING_INIT && base->backend != AIO_BACKEND_AUTO)
            continue;
        unsigned r = rate;
        if (k == SIM_FAULT_PARTIAL_SUBMIT || k == SIM_FAULT_READ_SHORT)
            r = rate * 2 > 1000 ? 1000 : rate * 2;
        g_string_append_printf(g, "%s = %u/1000\n", sim_fault_name(k), r);
    }
    return g_string_free(g, FALSE);
}

static int sweep(const char *path, int runs_opt, unsigned rate, const char *out_dir)
{
    GError *err = NULL;
    scn_t *base = scn_load_file(path, &err);
    if (!base) {
        fprintf(stderr, "fault-sweep: %s\n", err->message);
        return 2;
    }
    char *text = faulted_text(base, rate);
    scn_t *s = scn_load_text(text, path, &err);
    if (!s) {
        fprintf(stderr, "fault-sweep: %s (with faults)\n", err->message);
        return 2;
    }
    unsigned runs = runs_opt > 0 ? (unsigned)runs_opt : s->run_budget;
    uint64_t injected[SIM_FAULT_COUNT] = { 0 };
    unsigned failed = 0;
    for (unsigned i = 0; i < runs; i++) {
        sim_options_t o;
        sim_options_init(&o);
        o.decide.kind = SIM_DECIDE_SEED;
        o.decide.seed = i + 1;
        o.log_enabled = false;
        wk_outcome_t out;
        wk_machine_run(s, &o, &out);
        for (int k = 0; k < SIM_FAULT_COUNT; k++)
            injected[k] += out.faults_injected[k];
        if (out.result != SIM_RESULT_OK && failed++ == 0) {
            char *file = g_strdup_printf("%s/fault-sweep-%s.scn", out_dir, s->name);
            g_file_set_contents(file, text, -1, NULL);
            printf(
                "FAIL %s run %u: %s\n  replay: wakesim run %s --seed %u --runs 1 --log\n",
                s->name, i, out.message ? out.message : wk_outcome_verdict(&out), file,
                i + 1);
            g_free(file);
        }
        wk_outcome_clear(&out);
    }
    printf("%-24s %6u runs %3u failed |", s->name, runs, failed);
    for (int k = 0; k < SIM_FAULT_COUNT; k++) {
        printf(" %s=%" PRIu64, sim_fault_name(k), injected[k]);
        totals[k] += injected[k];
    }
    printf("\n");
    g_free(text);
    scn_free(s);
    scn_free(base);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    wk_target_select(&wk_target_loop);
    gint runs = 0, rate = 50;
    gchar *out_dir = NULL;
    GOptionEntry entries[] = { { "runs", 'n', 0, G_OPTION_ARG_INT, &runs,
                                 "Runs per scenario (default: its budget)", "N" },
                               { "rate", 0, 0, G_OPTION_ARG_INT, &rate,
                                 "Fault rate per mille (default 50)", "P" },
                               { "out", 0, 0, G_OPTION_ARG_FILENAME, &out_dir,
                                 "Where failing scenarios go", "DIR" },
                               { NULL } };
    GOptionContext *oc =
        g_option_context_new("SCENARIO.scn... - every fault on, every scenario");
    g_option_context_add_main_entries(oc, entries, NULL);
    GError *err = NULL;
    if (!g_option_context_parse(oc, &argc, &argv, &err) || argc < 2 || rate < 1 ||
        rate > 1000 || runs < 0) {
        fprintf(stderr, "fault-sweep: %s\n",
                err ? err->message
                    : "usage: fault-sweep [--runs N] [--rate 1..1000] [--out DIR] "
                      "SCENARIO.scn...");
        return 2;
    }
    g_option_context_free(oc);
    int rc = 0;
    for (int i = 1; i < argc; i++) {
        int r = sweep(argv[i], runs, (unsigned)rate, out_dir ? out_dir : ".");
        if (r > rc)
            rc = r;
    }
    printf("%-24s faults injected in all:", "total");
    for (int k = 0; k < SIM_FAULT_COUNT; k++) {
        printf(" %s=%" PRIu64, sim_fault_name(k), totals[k]);
        if (!totals[k]) {
            printf("(NEVER)");
            rc = rc ? rc : 1;
        }
    }
    printf("\n");
    g_free(out_dir);
    return rc;
}

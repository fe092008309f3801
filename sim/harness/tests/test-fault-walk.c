/*
 * test-fault-walk.c - count-down fault injection over every failure point
 * of a run (SQLite's "fail the Nth call" walk).
 *
 * For each scenario named on the command line (default: the seed), one
 * fault-free run with a fixed seed counts the calls of every fault kind;
 * then, for every kind k and every n up to that count, the same seed runs
 * with exactly the nth call of kind k failing.  Each such run must inject
 * exactly that one fault and pass (the fixed code retries, falls back or
 * reports the error as the guest would see it); a failed io_uring setup
 * must fall back to ppoll with backend auto, and fail the context cleanly
 * with backend io_uring.  A failure prints the
 * command that replays it.  A scenario whose fault-free run reaches no
 * failure point (of the kind --kind names, or of any kind) fails: a walk
 * over nothing proves nothing, and it is what a fault count that stopped
 * counting would look like.
 *
 * Usage: test-fault-walk [--seed N] [--kind KIND] SCENARIO.scn...
 *        test-fault-walk [--seed N] --only KIND:N SCENARIO.scn
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"
#include "scenario.h"
#include "targets.h"

#define USAGE                                                                              \
    "usage: test-fault-walk [--seed N] [--kind KIND | --only KIND:N] SCENARIO.scn...\n"

/* Walks every failure point of path's run under seed, of kind only_kind
 * (-1: every kind); adds their number to *points. */
static int walk(const char *path, uint64_t seed, int only_kind, unsigned *points)
{
    GError *err = NULL;
    scn_t *s = scn_load_file(path, &err);
    if (!s) {
        fprintf(stderr, "test-fault-walk: %s\n", err->message);
        return 2;
    }
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_SEED;
    o.decide.seed = seed;
    o.log_enabled = false;
    /* The walk's own faults only: the scenario's rates stay off. */
    memset(&s->faults, 0, sizeof(s->faults));

    wk_outcome_t base;
    wk_machine_run(s, &o, &base);
    if (base.result != SIM_RESULT_OK) {
        fprintf(stderr, "FAIL %s seed %" PRIu64 ": the fault-free run gives %s\n", path,
                seed, wk_outcome_verdict(&base));
        return 1;
    }
    int failures = 0;
    unsigned walked_here = 0;
    for (int k = 0; k < SIM_FAULT_COUNT; k++) {
        unsigned walked = 0;
        if (only_kind >= 0 && k != only_kind)
            continue;
        for (uint64_t n = 1; n <= base.fault_sites[k]; n++) {
            sim_options_t f = o;
            f.faults.countdown_kind = (sim_fault_kind_t)k;
            f.faults.countdown_n = n;
            wk_outcome_t out;
            wk_machine_run(s, &f, &out);
            walked++;
            /* Backend io_uring (not auto) has no fallback by design: the
             * context must then fail cleanly, with the reason. */
            bool must_fail = k == SIM_FAULT_URING_INIT && s->backend != AIO_BACKEND_AUTO;
            bool ok = must_fail
                          ? out.message && strstr(out.message, "aio_context_new failed")
                          : out.result == SIM_RESULT_OK;
            if (!ok || out.faults_injected[k] != 1) {
                failures++;
                printf("FAIL %s seed %" PRIu64 ": fault %s at call %" PRIu64 ": %s "
                       "(%" PRIu64
                       " injected)\n  %s\n  replay: test-fault-walk --seed %" PRIu64
                       " --only %s:%" PRIu64 " %s\n",
                       path, seed, sim_fault_name(k), n, wk_outcome_verdict(&out),
                       out.faults_injected[k], out.message ? out.message : "", seed,
                       sim_fault_name(k), n, path);
            }
            wk_outcome_clear(&out);
        }
        printf("%s: %-15s %u failure points walked\n", s->name, sim_fault_name(k), walked);
        walked_here += walked;
    }
    *points += walked_here;
    if (!walked_here) {
        failures++;
        printf("FAIL %s seed %" PRIu64
               ": no failure point%s%s reached: nothing was walked\n",
               path, seed, only_kind >= 0 ? " of kind " : "",
               only_kind >= 0 ? sim_fault_name(only_kind) : "");
    }
    wk_outcome_clear(&base);
    scn_free(s);
    return failures ? 1 : 0;
}

/* One point, with the event log: what a failure report asks for. */
static int run_only(const char *only, const char *path, uint64_t seed)
{
    char *spec = g_strdup(only), *colon = strchr(spec, ':');
    int k = colon ? (*colon = '\0', sim_fault_lookup(spec)) : -1;
    if (k < 0 || !colon[1]) {
        fprintf(stderr, "test-fault-walk: --only KIND:N, KIND one of the fault names\n");
        g_free(spec);
        return 2;
    }
    GError *err = NULL;
    scn_t *s = scn_load_file(path, &err);
    if (!s) {
        fprintf(stderr, "test-fault-walk: %s\n", err->message);
        g_free(spec);
        return 2;
    }
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_SEED;
    o.decide.seed = seed;
    o.faults.countdown_kind = (sim_fault_kind_t)k;
    o.faults.countdown_n = strtoull(colon + 1, NULL, 10);
    o.log_stream = stdout;
    wk_outcome_t out;
    wk_machine_run(s, &o, &out);
    printf("verdict: %s\n", wk_outcome_verdict(&out));
    int rc = out.result == SIM_RESULT_OK ? 0 : 1;
    wk_outcome_clear(&out);
    scn_free(s);
    g_free(spec);
    return rc;
}

int main(int argc, char **argv)
{
    wk_target_select(&wk_target_loop);
    uint64_t seed = 1;
    int rc = 0, first = 1, kind = -1;
    const char *only = NULL;
    while (first + 1 < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--seed") == 0) {
            seed = strtoull(argv[first + 1], NULL, 10);
        } else if (strcmp(argv[first], "--only") == 0) {
            only = argv[first + 1];
        } else if (strcmp(argv[first], "--kind") == 0) {
            kind = sim_fault_lookup(argv[first + 1]);
            if (kind < 0) {
                fprintf(stderr, "test-fault-walk: --kind %s: not a fault name\n",
                        argv[first + 1]);
                return 2;
            }
        } else {
            break;
        }
        first += 2;
    }
    if (first == argc || argv[first][0] == '-') {
        fprintf(stderr, USAGE);
        return 2;
    }
    if (only)
        return run_only(only, argv[first], seed);
    unsigned points = 0;
    for (int i = first; i < argc; i++) {
        int r = walk(argv[i], seed, kind, &points);
        if (r > rc)
            rc = r;
    }
    printf("test-fault-walk: %u failure points walked, %s\n", points,
           rc ? "FAILED" : "all pass");
    return rc;
}

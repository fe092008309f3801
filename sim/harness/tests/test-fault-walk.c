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
 * command that replays it.
 *
 * Usage: test-fault-walk [--seed N] SCENARIO.scn...
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "machine.h"
#include "scenario.h"
#include "targets.h"

static int walk(const char *path, uint64_t seed, unsigned *points)
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
    for (int k = 0; k < SIM_FAULT_COUNT; k++) {
        unsigned walked = 0;
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
        *points += walked;
    }
    wk_outcome_clear(&base);
    scn_free(s);
    return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
    wk_target_select(&wk_target_loop);
    uint64_t seed = 1;
    int rc = 0, first = 1;
    const char *only = NULL;
    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--seed") == 0 && first + 1 < argc) {
            seed = strtoull(argv[first + 1], NULL, 10);
            first += 2;
        } else if (strcmp(argv[first], "--only") == 0 && first + 1 < argc) {
            only = argv[first + 1];
            first += 2;
        } else {
            fprintf(stderr,
                    "usage: test-fault-walk [--seed N] [--only KIND:N] SCENARIO.scn...\n");
            return 2;
        }
    }
    if (first == argc) {
        fprintf(stderr,
                "usage: test-fault-walk [--seed N] [--only KIND:N] SCENARIO.scn...\n");
        return 2;
    }
    if (only) {
        /* One point, with the event log: what a failure report asks for. */
        char *colon = strchr(only, ':');
        int k = colon ? (*colon = '\0', sim_fault_lookup(only)) : -1;
        if (k < 0 || !colon[1]) {
            fprintf(stderr,
                    "test-fault-walk: --only KIND:N, KIND one of the fault names\n");
            return 2;
        }
        GError *err = NULL;
        scn_t *s = scn_load_file(argv[first], &err);
        if (!s) {
            fprintf(stderr, "test-fault-walk: %s\n", err->message);
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
        rc = out.result == SIM_RESULT_OK ? 0 : 1;
        wk_outcome_clear(&out);
        scn_free(s);
        return rc;
    }
    unsigned points = 0;
    for (int i = first; i < argc; i++) {
        int r = walk(argv[i], seed, &points);
        if (r > rc)
            rc = r;
    }
    printf("test-fault-walk: %u failure points walked, %s\n", points,
           rc ? "FAILED" : "all pass");
    return rc;
}

/*
 * fuzz_api.c - the generated workload (docs/workloads.md) under libFuzzer:
 * the first byte chooses the machine (vCPUs, back end, ring size, whether
 * the main loop has an idle timer), every later byte is a decision of the
 * run: the feature switches, each thread's program (which API operation,
 * on which context, with which delay) and the schedule.  So the fuzzer
 * mutates programs and interleavings together, as syzkaller mutates
 * programs of system calls.
 *
 * Any byte string is valid: the empty input is one vCPU, io_uring, no idle
 * timer, every feature on, the default schedule.
 *
 * Shape byte (bit fields, low bits first):
 *   vcpus-1 (2) | ppoll back end (1) | idle timer 499 ms (1) | ring entries (2) |
 *   arm memory model (1) | spare (1)
 * With WAKESIM_TARGET=qemu (QEMU's own event loop, docs/qemu.md) the back
 * end is always io_uring with QEMU's fixed 128-entry ring: the ppoll and
 * ring bits then choose nothing.
 * WAKESIM_BQL_POLLS=no (default yes): no BQL holder polls the main context
 * ([workload] bql-polls = no).  On QEMU 10.2.2 such a poll can leave the
 * main loop's re-arm unsubmitted (docs/qemu.md, findings), which the fuzzer
 * finds within a few hundred inputs; this fuzzes past it.
 * The memory-model bit was spare before and clear in every input of
 * corpus/; arm is the weakest model (it allows every reordering tso and pso
 * do, and a read-modify-write's write waiting in the store buffer), so one
 * bit gives the fuzzer every fence mutant.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "wakesim-fuzz.h"

#define WK_API_SHAPE_BYTES 1

static const char *const ring_entries[] = { "128", "32", "8", "4" };

/* WAKESIM_BQL_POLLS: yes (unset, empty) or no; anything else exits 2. */
static bool env_bql_polls(void)
{
    const char *v = getenv("WAKESIM_BQL_POLLS");
    if (!v || !*v || strcmp(v, "yes") == 0)
        return true;
    if (strcmp(v, "no") == 0)
        return false;
    fprintf(stderr, "api: WAKESIM_BQL_POLLS must be yes or no, got '%s'\n", v);
    exit(2);
}

/* The scenario text for a shape (g_free): a reproducer embeds it. */
static char *api_text(uint8_t b)
{
    bool qemu = strcmp(wkf_target(), "qemu") == 0;
    return g_strdup_printf(
        "[scenario]\n"
        "name = api-%02x\n"
        "description = fuzz_api shape %02x\n"
        "%s"
        "[machine]\n"
        "backend = %s\n"
        "ring-entries = %s\n"
        "main-loop-timer = %s\n"
        "vcpus = %u\n"
        "%s"
        "[device]\n"
        "submit = bh\n"
        "latency-min = 0us\n"
        "latency-max = 200us\n"
        "[workload]\n"
        "kind = generated\n"
        "ops = 24\n"
        "batches = 1\n"
        "batch-size = 1\n"
        "%s"
        "[bounds]\n"
        "sqe-submit = 10ms\n"
        "cqe-reap = 10ms\n"
        "handoff = 10ms\n"
        "deadline = 10s\n",
        b, b, qemu ? "targets = qemu\n" : "", (b >> 2) & 1 && !qemu ? "ppoll" : "io_uring",
        ring_entries[qemu ? 0 : (b >> 4) & 3], (b >> 3) & 1 ? "499ms" : "0", 1 + (b & 3),
        (b >> 6) & 1 ? "memory-model = arm\n" : "",
        env_bql_polls() ? "" : "bql-polls = no\n");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    wkf_init("api");
    env_bql_polls(); /* a bad value exits before the first input */
    return 0;
}

void wkf_harness_scenario(const uint8_t *data, size_t size, wkf_harness_scn_t *t)
{
    uint8_t shape = size ? data[0] : 0;
    wkf_init("api");
    *t = (wkf_harness_scn_t){
        .scn = wkf_load_text(api_text(shape), "fuzz_api (generated)"),
        .owned = true,
        .skip = size ? WK_API_SHAPE_BYTES : 0,
        .prefix = { shape },
        .prefix_len = WK_API_SHAPE_BYTES,
    };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wkf_harness_scn_t t;
    wkf_harness_scenario(data, size, &t);
    wkf_run(t.scn, data, size, t.skip);
    wkf_harness_scenario_clear(&t);
    return 0;
}

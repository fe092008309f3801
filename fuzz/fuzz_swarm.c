/*
 * fuzz_swarm.c - swarm testing: the first WK_SWARM_SHAPE_BYTES bytes choose
 * the machine's shape (vCPUs, submission path, target, back end, ring size,
 * device latencies, main-loop timer, think times, batches), the rest are
 * scheduler decisions.  The shape becomes scenario *text* fed to
 * scn_load_text(), so the parser is exercised and a report carries a
 * scenario `wakesim replay` can load.  Bounds are fixed: 10 ms for every
 * hand-off, 10 s for the workload.
 *
 * "Timer off" means no main-loop timer at all (main-loop-timer = 0): nothing
 * periodic wakes the main loop, so only the notifications under test do.
 * Rings go down to 4 entries (full rings, SQEs left over for the next enter,
 * CQ slots reused) and the device latency down to 0 us (completions ready
 * right at submission).
 *
 * Any byte string is valid: missing shape bytes read as 0 (1 vCPU,
 * mmio-inline on the main loop's io_uring).  Shapes the machine cannot have
 * are mapped to ones it can: mmio-inline needs target main and io_uring.
 *
 * Shape bytes (bit fields, low bits first):
 *   b0: vcpus-1 (2) | submit (2) | target (1) | backend (1) | timer (1) | jitter (1)
 *   b1: ring entries (2) | latency min (2) | latency spread (2) | batches-1 (2)
 *   b2: batch-size-1 (3) | think before (2) | think after (2) | weak memory (1)
 *   b3: only when b2's weak-memory bit is set: memory model tso (bit 0 = 0)
 *       or pso (1); other bits spare.
 * Inputs without the weak-memory bit run sequentially consistent and keep
 * the meaning they had before the bit existed (it was spare).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "wakesim-fuzz.h"

#define WK_SWARM_SHAPE_BYTES 3
#define WK_SWARM_WEAK_SHAPE_BYTES 4

static const char *const submit_names[] = { "mmio-inline", "ioeventfd", "bh", "timer" };
static const char *const ring_entries[] = { "4", "8", "32", "128" };
static const char *const lat_min[] = { "0us", "20us", "50us", "200us" };
static const char *const lat_spread_us[] = { "0", "50", "400", "2000" };
static const char *const think[] = { "0us", "100us", "1ms", "5ms" };

/* The scenario text for a shape (g_free). */
static char *swarm_text(const uint8_t shape[WK_SWARM_WEAK_SHAPE_BYTES])
{
    unsigned b0 = shape[0], b1 = shape[1], b2 = shape[2], b3 = shape[3];
    bool weak = (b2 >> 7) & 1;
    unsigned vcpus = 1 + (b0 & 3);
    unsigned submit = (b0 >> 2) & 3;
    bool iothread = (b0 >> 4) & 1;
    bool ppoll = (b0 >> 5) & 1;
    bool timer = (b0 >> 6) & 1;
    bool jitter = (b0 >> 7) & 1;
    if (submit == 0) {            /* mmio-inline: the vCPU submits on the main ring */
        iothread = false;
        ppoll = false;
    }
    unsigned lmin = (b1 >> 2) & 3;
    unsigned lmin_us = (unsigned[]){ 0, 20, 50, 200 }[lmin];
    unsigned lmax_us = lmin_us + (unsigned)atoi(lat_spread_us[(b1 >> 4) & 3]);

    return g_strdup_printf(
        "[scenario]\n"
        "name = swarm-%02x%02x%02x\n"
        "description = fuzz_swarm shape %02x%02x%02x\n"
        "[machine]\n"
        "backend = %s\n"
        "ring-entries = %s\n"
        "main-loop-timer = %s\n"
        "vcpus = %u\n"
        "%s"
        "[device]\n"
        "submit = %s\n"
        "target = %s\n"
        "latency-min = %s\n"
        "latency-max = %uus\n"
        "[workload]\n"
        "batches = %u\n"
        "batch-size = %u\n"
        "chunk-size = 4K\n"
        "think-before-batch = %s\n"
        "think-after-completion = %s\n"
        "think-jitter = %s\n"
        "[bounds]\n"
        "sqe-submit = 10ms\n"
        "cqe-reap = 10ms\n"
        "handoff = 10ms\n"
        "deadline = 10s\n",
        b0, b1, b2, b0, b1, b2,
        ppoll ? "ppoll" : "io_uring", ring_entries[b1 & 3], timer ? "499ms" : "0",
        vcpus, !weak ? "" : (b3 & 1) ? "memory-model = pso\n" : "memory-model = tso\n",
        submit_names[submit], iothread ? "iothread" : "main", lat_min[lmin], lmax_us,
        1 + ((b1 >> 6) & 3), 1 + (b2 & 7), think[(b2 >> 3) & 3], think[(b2 >> 5) & 3],
        jitter ? "50us" : "0us");
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    wkf_init("swarm");
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t shape[WK_SWARM_WEAK_SHAPE_BYTES] = { 0 };
    size_t need = size >= 3 && (data[2] & 0x80) ? WK_SWARM_WEAK_SHAPE_BYTES
                                                 : WK_SWARM_SHAPE_BYTES;
    size_t skip = size < need ? size : need;
    memcpy(shape, data, skip);
    wkf_init("swarm");

    char *text = swarm_text(shape);
    GError *err = NULL;
    scn_t *scn = scn_load_text(text, "fuzz_swarm (generated)", &err);
    if (!scn) {
        /* Every shape must be a valid scenario: this is a harness bug. */
        fprintf(stderr, "fuzz_swarm: generated scenario rejected: %s\n%s", err->message, text);
        abort();
    }
    wkf_run(scn, data, size, skip);
    scn_free(scn);
    g_free(text);
    return 0;
}

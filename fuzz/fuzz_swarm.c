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
 *   b2: batch-size-1 (3) | think before (2) | think after (2) | extended (1)
 * When b2's extended bit is set, two more shape bytes follow:
 *   b3: injected faults, a [faults] group (none when b3 is 0):
 *       enter EINTR/EAGAIN/EBUSY (1) | partial submits (1) | ppoll EINTR (1) |
 *       READ EIO/EAGAIN/short (1) | eventfd saturation (1) | io_uring denied (1:
 *       backend auto, where the submit path allows ppoll) | rate (2: 1%, 3%,
 *       10%, 25%)
 *   b4: memory model (2: sc, tso, pso, tso) | iothread polling: poll-max-ns
 *       (2: 0, 8192, 32768 = QEMU's iothread default, 262144) | poll-shrink
 *       (1: 0, 2) | spare (3)
 * Inputs without the extended bit read exactly as before it existed (it was
 * spare), sequentially consistent and without faults.
 *
 * With WAKESIM_TARGET=qemu (QEMU's own event loop, docs/qemu.md) the
 * machine is mapped to one QEMU runs: io_uring with its fixed 128-entry
 * ring (backend and ring bits choose nothing), and of the faults only those
 * QEMU 10.2.2 handles as Linux can produce them: EINTR on io_uring_enter
 * and ppoll, READ errors, eventfd saturation (it asserts that
 * io_uring_enter never fails otherwise; partial submits and a denied
 * io_uring are left out).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "wakesim-fuzz.h"

#define WK_SWARM_SHAPE_BYTES 5 /* at most; 3 without the extended bit */

static const char *const submit_names[] = { "mmio-inline", "ioeventfd", "bh", "timer" };
static const char *const ring_entries[] = { "4", "8", "32", "128" };
static const char *const lat_min[] = { "0us", "20us", "50us", "200us" };
static const char *const lat_spread_us[] = { "0", "50", "400", "2000" };
static const char *const think[] = { "0us", "100us", "1ms", "5ms" };

/* The [faults] group of a shape with faults: byte 3 picks the groups (bits
 * 0..5) and their rate (bits 6..7); uring-init only where the scenario can
 * fall back (denied). */
static char *swarm_faults(unsigned b3, bool denied, bool qemu)
{
    unsigned rate = (unsigned[]){ 10, 30, 100, 250 }[(b3 >> 6) & 3];
    static const struct {
        unsigned bit;
        const char *names;
    } groups[] = {
        { 0, "enter-eintr enter-eagain enter-ebusy" },
        { 1, "partial-submit" },
        { 2, "ppoll-eintr" },
        { 3, "read-eio read-eagain read-short" },
        { 4, "eventfd-eagain" },
        { 5, "uring-init" },
    };
    GString *fg = g_string_new("[faults]\n");
    for (unsigned i = 0; i < G_N_ELEMENTS(groups); i++) {
        if (!((b3 >> groups[i].bit) & 1) || (groups[i].bit == 5 && !denied) ||
            (qemu && groups[i].bit == 1))
            continue;
        /* QEMU: of the enter group, EINTR only (see the header). */
        gchar **names = g_strsplit(
            qemu && groups[i].bit == 0 ? "enter-eintr" : groups[i].names, " ", -1);
        for (gchar **n = names; *n; n++)
            g_string_append_printf(fg, "%s = %u/1000\n", *n, rate);
        g_strfreev(names);
    }
    return g_string_free(fg, FALSE);
}

/* The scenario text for a shape (g_free). */
static char *swarm_text(const uint8_t shape[WK_SWARM_SHAPE_BYTES])
{
    unsigned b0 = shape[0], b1 = shape[1], b2 = shape[2];
    unsigned vcpus = 1 + (b0 & 3);
    unsigned submit = (b0 >> 2) & 3;
    bool iothread = (b0 >> 4) & 1;
    bool ppoll = (b0 >> 5) & 1;
    bool timer = (b0 >> 6) & 1;
    bool jitter = (b0 >> 7) & 1;
    bool qemu = strcmp(wkf_target(), "qemu") == 0;
    if (submit == 0) { /* mmio-inline: the vCPU submits on the main ring */
        iothread = false;
        ppoll = false;
    }
    ppoll = ppoll && !qemu;
    unsigned b3 = shape[3], b4 = shape[4];
    bool extended = (b2 >> 7) & 1;
    bool faults = extended && b3 != 0;
    static const char *const memory_lines[] = { "", "memory-model = tso\n",
                                                "memory-model = pso\n",
                                                "memory-model = tso\n" };
    const char *memory = extended ? memory_lines[b4 & 3] : "";
    /* Only an iothread polls (QEMU's main context does not). */
    unsigned poll_max =
        extended && iothread ? (unsigned[]){ 0, 8192, 32768, 262144 }[(b4 >> 2) & 3] : 0;
    char *polling = poll_max ? g_strdup_printf("poll-max-ns = %u\npoll-shrink = %u\n",
                                               poll_max, (b4 >> 4) & 1 ? 2u : 0u)
                             : g_strdup("");
    bool denied = faults && ((b3 >> 5) & 1) && submit != 0 && !ppoll && !qemu;
    unsigned lmin = (b1 >> 2) & 3;
    unsigned lmin_us = (unsigned[]){ 0, 20, 50, 200 }[lmin];
    unsigned lmax_us = lmin_us + (unsigned)atoi(lat_spread_us[(b1 >> 4) & 3]);

    char *fault_lines = faults ? swarm_faults(b3, denied, qemu) : g_strdup("");
    char *text = g_strdup_printf(
        "[scenario]\n"
        "name = swarm-%02x%02x%02x\n"
        "description = fuzz_swarm shape %02x%02x%02x\n"
        "%s"
        "[machine]\n"
        "backend = %s\n"
        "ring-entries = %s\n"
        "main-loop-timer = %s\n"
        "vcpus = %u\n"
        "%s%s"
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
        "deadline = 10s\n%s",
        b0, b1, b2, b0, b1, b2, qemu ? "targets = qemu\n" : "",
        ppoll    ? "ppoll"
        : denied ? "auto"
                 : "io_uring",
        ring_entries[qemu ? 3 : b1 & 3], timer ? "499ms" : "0", vcpus, memory, polling,
        submit_names[submit], iothread ? "iothread" : "main", lat_min[lmin], lmax_us,
        1 + ((b1 >> 6) & 3), 1 + (b2 & 7), think[(b2 >> 3) & 3], think[(b2 >> 5) & 3],
        jitter ? "50us" : "0us", fault_lines);
    g_free(fault_lines);
    g_free(polling);
    return text;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    wkf_init("swarm");
    return 0;
}

void wkf_harness_scenario(const uint8_t *data, size_t size, wkf_harness_scn_t *t)
{
    uint8_t shape[WK_SWARM_SHAPE_BYTES] = { 0 };
    /* Shape bytes 3 and 4 exist only when b2's extended bit is set. */
    size_t want = size > 2 && (data[2] & 0x80) ? 5 : 3;
    size_t skip = size < want ? size : want;
    memcpy(shape, data, skip);
    wkf_init("swarm");

    /* Every shape must be a valid scenario. */
    *t = (wkf_harness_scn_t){
        .scn = wkf_load_text(swarm_text(shape), "fuzz_swarm (generated)"),
        .owned = true,
        .skip = skip,
        .prefix_len = want, /* a short input's shape, zero-padded, keeps want */
    };
    memcpy(t->prefix, shape, want);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wkf_harness_scn_t t;
    wkf_harness_scenario(data, size, &t);
    wkf_run(t.scn, data, size, t.skip);
    wkf_harness_scenario_clear(&t);
    return 0;
}

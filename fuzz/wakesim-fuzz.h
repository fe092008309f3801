/*
 * wakesim-fuzz.h - what every fuzz harness shares: mutants from the
 * environment, one run of a scenario driven by the input bytes, and the
 * report when a run violates an invariant (abort() under a fuzzer, a
 * verdict the replay program checks otherwise).
 *
 * A harness defines LLVMFuzzerInitialize (calls wkf_init),
 * wkf_harness_scenario (builds or picks the scenario an input runs) and
 * LLVMFuzzerTestOneInput (runs that scenario with wkf_run).  The
 * same object links three ways: libFuzzer (-fsanitize=fuzzer),
 * $LIB_FUZZING_ENGINE (OSS-Fuzz, AFL++), and replay-main.c (plain main()).
 */
#ifndef WAKESIM_FUZZ_H
#define WAKESIM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "machine.h"
#include "scenario.h"

#ifdef __cplusplus
extern "C" {
#endif

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Sets the harness name (used in reports: "schedule_<scenario>", "swarm")
 * and the mutants from WAKESIM_MUTANTS; a bad name prints why and exits 2.
 * Idempotent. */
void wkf_init(const char *harness);

/* The target the runs drive, from WAKESIM_TARGET: "loop" (the default) or
 * "qemu" (QEMU's own event loop, in binaries linked with it; a QEMU
 * mutation named in WAKESIM_MUTANTS runs in its twin binary, which
 * wkf_init re-executes).  Valid after wkf_init. */
const char *wkf_target(void);

/* Runs scn once, every scheduling choice taken from input[skip..size) (then
 * the default policy), with the event log off; input[0..size) is the whole
 * fuzzer input (named in reports by its SHA-1, as libFuzzer names crashes).  On a violation: under a
 * fuzzer, prints the report, writes a wakesim trace and abort()s; in replay
 * mode, prints the report and records the verdict (wkf_last_invariant()). */
void wkf_run(const scn_t *scn, const uint8_t *input, size_t size, size_t skip);

/* What one input runs: the scenario its prefix bytes choose and how many
 * of its bytes that prefix takes.  Every harness defines
 * wkf_harness_scenario(), and its LLVMFuzzerTestOneInput runs exactly that
 * scenario with wkf_run(scn, input, size, skip), so a schedule made for the
 * scenario elsewhere (wkf_pct_input) replays through the harness. */
#define WKF_PREFIX_MAX 8
typedef struct {
    scn_t *scn;
    bool owned;  /* wkf_harness_scenario_clear() frees scn */
    size_t skip; /* prefix bytes this input has (fewer if it is short) */
    /* The prefix an input must start with to run scn (the input's own,
     * padded as the harness reads a short one), for inputs made anew. */
    uint8_t prefix[WKF_PREFIX_MAX];
    size_t prefix_len;
} wkf_harness_scn_t;
void wkf_harness_scenario(const uint8_t *input, size_t size, wkf_harness_scn_t *t);
void wkf_harness_scenario_clear(wkf_harness_scn_t *t);

/* Loads a scenario the harness generated as text (takes ownership of text;
 * origin names it in messages).  A rejected one is a harness bug, printed
 * with its text before abort(). */
scn_t *wkf_load_text(char *text, const char *origin);

/* ---- PCT schedules as fuzzer inputs (schedule-mutator.c's PCT move) ---- */

/* Options for one PCT run of scn with depth d and seed: PCT's n (scheduling
 * points) from a pilot run, remembered per scenario name (a pilot counts as
 * an internal run), k from the scenario's shape as `wakesim run` sets it. */
void wkf_pct_options(const scn_t *scn, unsigned depth, uint64_t seed, sim_options_t *o);

/* Writes prefix then run's decisions as SIM_DECIDE_BYTES reads them (a
 * choice among n: 1 byte if n <= 256, 2 if n <= 65536, else 4, little-
 * endian, equal to the value) into buf, at most max bytes; trailing
 * decisions that equal the default policy's are left out (the bytes running
 * out gives the same choices).  Returns the bytes written.  A cut-off
 * encoding is still a valid input, it just replays only a prefix of run. */
size_t wkf_encode_decisions(const wk_outcome_t *run, const uint8_t *prefix,
                            size_t prefix_len, uint8_t *buf, size_t max);

/* A fresh input for the harness: the scenario that input[0..size) chooses,
 * run once under PCT (depth, seed), its decisions encoded after the
 * prefix into out (max bytes; out may be input).  The run is not reported
 * (the fuzzer executes the returned input, which replays it).  Returns the
 * new size. */
size_t wkf_pct_input(const uint8_t *input, size_t size, unsigned depth, uint64_t seed,
                     uint8_t *out, size_t max);

/* Simulator runs made outside the fuzzer's executions (PCT moves and their
 * pilots): they count when comparing executions with PCT's runs.  Printed
 * when a run violates an invariant and at exit, when nonzero. */
uint64_t wkf_internal_runs(void);

/* Replay mode (replay-main.c sets it before LLVMFuzzerInitialize): a
 * violation is recorded instead of abort()ing, and the trace is written
 * only when WAKESIM_TRACE_DIR is set.  Under a fuzzer the trace goes to
 * WAKESIM_TRACE_DIR, else the current directory; WAKESIM_TRACE_DIR=none
 * writes none (e.g. while -minimize_crash re-runs hundreds of crashes). */
extern bool wkf_replay_mode;
/* The last run's invariant ("pass" if none) and message ("" if none). */
const char *wkf_last_invariant(void);
const char *wkf_last_message(void);
/* "a,b" or "" for the fixed code. */
const char *wkf_mutants(void);
const char *wkf_harness(void);

#ifdef __cplusplus
}
#endif
#endif

/*
 * wakesim-fuzz.h - what every fuzz harness shares: mutants from the
 * environment, one run of a scenario driven by the input bytes, and the
 * report when a run violates an invariant (abort() under a fuzzer, a
 * verdict the replay program checks otherwise).
 *
 * A harness defines LLVMFuzzerInitialize (calls wkf_init) and
 * LLVMFuzzerTestOneInput (builds or picks a scenario, calls wkf_run).  The
 * same object links three ways: libFuzzer (-fsanitize=fuzzer),
 * $LIB_FUZZING_ENGINE (OSS-Fuzz, AFL++), and replay-main.c (plain main()).
 */
#ifndef WAKESIM_FUZZ_H
#define WAKESIM_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
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

/* Runs scn once, every scheduling choice taken from input[skip..size) (then
 * the default policy), with the event log off; input[0..size) is the whole
 * fuzzer input (named in reports by its SHA-1, as libFuzzer names crashes).  On a violation: under a
 * fuzzer, prints the report, writes a wakesim trace and abort()s; in replay
 * mode, prints the report and records the verdict (wkf_last_invariant()). */
void wkf_run(const scn_t *scn, const uint8_t *input, size_t size, size_t skip);

/* wkf_run() on a scenario the harness generated as text (takes ownership of
 * text; origin names it in messages).  Every generated scenario must load:
 * a rejected one is a harness bug, printed with its text before abort(). */
void wkf_run_text(char *text, const char *origin, const uint8_t *input, size_t size,
                  size_t skip);

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

/*
 * commands.h - the wakesim subcommands (one file each: cmd-*.c) and the
 * helpers they share on top of the harness: scenarios, targets and mutants
 * (target-select.c), runs and reproducers (reproducer.c).
 */
#ifndef WAKESIM_CLI_COMMANDS_H
#define WAKESIM_CLI_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>
#include "cli.h"
#include "crash.h"
#include "machine.h"
#include "scenario.h"
#include "trace.h"

int cmd_run(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_shrink(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_list(int argc, char **argv);

/* ---- target-select.c ---- */

/* The command line as given, for re-executing a QEMU twin binary. */
extern char **cli_orig_argv;

/* The directory of the built-in scenarios; NULL when none is found, and
 * the copies compiled into this binary serve instead. */
const char *cli_scenario_dir(void);
/* The compiled-in scenarios: how many, and the ith's name (file name
 * without .scn, in file name order). */
unsigned cli_builtin_scenario_count(void);
const char *cli_builtin_scenario_name(unsigned i);
/* The built-in scenario name: from the directory, else compiled in. */
scn_t *cli_scenario_by_name(const char *name, GError **err);
/* A path, or the name of a built-in scenario; NULL after printing why. */
scn_t *cli_load_scenario(const char *arg);
/* Sets exactly the named mutants (plus WAKESIM_MUTANTS); NULL names: the
 * fixed code.  Returns the canonical comma list, or NULL after printing
 * why. */
char *cli_set_mutants(char **names);
/* The directory of this executable (its QEMU twins live beside it). */
char *cli_self_dir(void);
/* Chooses the event loop ("loop" when target is NULL), checks the scenario
 * lists it, and sets the mutants; returns the canonical mutant list, or
 * NULL after printing why.  May re-execute a QEMU twin (never returns
 * then). */
char *cli_select_target(const char *target, char **names, const scn_t *scn);

/* ---- reproducer.c ---- */

/* Re-runs a decision array with the log on: the log and its hash go into
 * the reproducer, and the re-run proves the run is deterministic. */
void cli_rerun_logged(const scn_t *scn, const sim_options_t *base,
                      const wk_outcome_t *found, wk_outcome_t *out);
/* PCT's n (scheduling points) from a pilot run, and k (threads) from the
 * scenario's shape. */
void cli_pct_setup(const scn_t *scn, sim_options_t *o, unsigned depth);
/* Creates dir for reproducers (with its parents, as mkdir -p) and checks it
 * can be written: before any run, so a found violation is never lost for
 * want of a place.  -1 after printing why. */
int cli_prepare_out_dir(const char *dir);
/* Writes a reproducer of a failing run into dir (logged re-run of its
 * decisions) and prints the violation block.  Returns EXIT_VIOLATION. */
int cli_report_found(const scn_t *scn, const char *mutants, const char *dir,
                     const char *strategy, uint64_t seed, unsigned depth,
                     const sim_options_t *o, const wk_outcome_t *found, bool log);
/* Runs scn once under o in a child process (crash.h): true when it
 * crashed (*k filled), else k->what is its verdict. */
bool cli_run_in_child(const scn_t *scn, const sim_options_t *o, cli_crash_t *k);
/* The outcome of a crashed run: invariant "crash", what the child sent. */
void cli_crash_outcome(const cli_crash_t *k, sim_memory_model_t model, wk_outcome_t *out);
/* A crash with no simulated thread running: says "wakesim itself
 * crashed" with the seed and dies of the signal. */
void cli_crash_host(const cli_crash_t *k, const char *strategy, uint64_t seed);
/* cli_report_found() for a crash: the logged re-run in a child process,
 * the reproducer, the violation block.  Returns EXIT_VIOLATION. */
int cli_report_crash(const scn_t *scn, const char *mutants, const char *dir,
                     const char *strategy, uint64_t seed, unsigned depth,
                     const sim_options_t *o, const cli_crash_t *found, bool log);
/* "  target code: QEMU ..., mutation: M" under a violation block, for a
 * target built from other code than this build's (QEMU's). */
void cli_print_target_code(const char *mutants);
/* Loads a reproducer (wk_trace_load); false after printing why. */
bool cli_read_trace(const char *path, wk_trace_t *t);
/* A loaded scenario reproducer's scenario, with its target and mutants
 * selected; NULL after printing why (a user program's reproducer too:
 * cmd-replay.c runs those itself). */
scn_t *cli_reproducer_scenario(const char *path, wk_trace_t *t, char **mutants);
/* Writes a run as a reproducer of this build, keeping how the original was
 * found (strategy, seed, scenario path) so its name still means it. */
bool cli_save_rerun(const wk_trace_t *orig, const scn_t *scn, const char *mutants,
                    const char *strategy, const wk_outcome_t *out, const char *path);

#endif

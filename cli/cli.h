/*
 * cli.h - what the subcommands of the wakesim command line share: exit
 * codes, option parsing, scenarios and targets, reproducers.
 *
 * Exit codes: 0 no violation, 1 a violation (printed, with the reproducer
 * and the command that replays it), 2 bad usage or bad input, 3 a
 * reproducer that no longer replays as recorded.  The user-program runner
 * (wakesim-main.c) uses the same codes.
 */
#ifndef WAKESIM_CLI_H
#define WAKESIM_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <glib.h>

#define EXIT_VIOLATION 1
#define EXIT_USAGE 2
#define EXIT_DIVERGED 3

/* ---- options.c: option parsing (shared with the user-program runner) ---- */

/* The program name messages start with: argv[0] of the process. */
extern const char *cli_prog;

/* Parses a non-negative decimal integer; prints "WHAT must be a
 * non-negative integer" and returns -1 otherwise. */
int cli_parse_u64(const char *what, const char *s, uint64_t *out);
/* --hold-stores N and --hold-points L (either may be NULL: 0, off and
 * the default): store holds of the random and PCT draws (sim.h,
 * sim_decide_opts_t).  Prints why and returns -1 on bad values. */
int cli_parse_holds(const char *stores_s, const char *points_s, unsigned *stores,
                    unsigned *points);
/* Their help lines (GOption entries' descriptions). */
#define CLI_HOLD_STORES_HELP                                                               \
    "random, pct under tso/pso/arm: hold 1 in N buffered stores (left buffered, "          \
    "and after its thread's next load the thread waits while others run): finds "          \
    "store-buffering races that need a store to stay buffered long (default 0: off)"
#define CLI_HOLD_POINTS_HELP                                                               \
    "with --hold-stores: how many scheduling points of other threads a held "              \
    "store's thread waits (default 256)"
GOptionContext *cli_option_context(const char *params, const char *summary,
                                   GOptionEntry *entries);
/* Parses and removes the options; prints the error and returns -1 on bad
 * input.  --help prints the help and exits 0 (GOption). */
int cli_parse_options(GOptionContext *oc, int *argc, char ***argv);

#endif

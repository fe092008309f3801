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
GOptionContext *cli_option_context(const char *params, const char *summary,
                                   GOptionEntry *entries);
/* Parses and removes the options; prints the error and returns -1 on bad
 * input.  --help prints the help and exits 0 (GOption). */
int cli_parse_options(GOptionContext *oc, int *argc, char ***argv);

#endif

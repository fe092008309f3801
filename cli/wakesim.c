/*
 * wakesim.c - the command line: run a scenario many times under a decision
 * strategy, replay a reproducer, shrink one, check a scenario's
 * expectations, list what is built in.  Each subcommand is in its own file
 * (cmd-*.c) and parses its own options; exit codes are in cli.h.
 */
#include <stdio.h>
#include <string.h>
#include "commands.h"
#include "targets.h"

typedef struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} command_t;

static const command_t commands[] = {
    { "run", cmd_run },     { "replay", cmd_replay }, { "shrink", cmd_shrink },
    { "check", cmd_check }, { "list", cmd_list },
};

static void usage(FILE *f)
{
    fprintf(
        f,
        "usage: %s COMMAND [OPTIONS]\n"
        "  run SCENARIO [--mutant NAME]... [--strategy random|pct|bytes] [--seed N]\n"
        "               [--runs N] [--pct-depth D] [--memory-model sc|tso|pso|arm] "
        "[--log]\n"
        "               [--workload generated] [--target loop|qemu] [--hold-stores N]\n"
        "                                                    run under many schedules\n"
        "  replay FILE [--log] [--chrome-trace OUT.json] [--timeline OUT.svg]\n"
        "                                                    replay a reproducer (of a\n"
        "                                                    scenario or a user program)\n"
        "  shrink FILE [-o OUT] [--budget N]                 simplify a reproducer\n"
        "  check SCENARIO [--runs N] [--target loop|qemu]    check its expectations\n"
        "  list                                              scenarios and mutants\n"
        "Each command has --help.  Exit: 0 no violation, 1 violation, 2 bad usage/input,\n"
        "3 a reproducer's replay diverged from its recording.\n",
        cli_prog);
}

int main(int argc, char **argv)
{
    wk_target_select(&wk_target_loop); /* the default; --target re-selects */
    cli_prog = argv[0];
    if (argc < 2) {
        usage(stderr);
        return EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    const command_t *c = NULL;
    for (size_t i = 0; i < G_N_ELEMENTS(commands); i++) {
        if (strcmp(cmd, commands[i].name) == 0) {
            c = &commands[i];
        }
    }
    if (!c) {
        fprintf(stderr, "%s: unknown command '%s'\n", cli_prog, cmd);
        usage(stderr);
        return EXIT_USAGE;
    }
    /* Each command parses its own options: argv[0] becomes "wakesim CMD". */
    cli_orig_argv = g_strdupv(argv);
    char *name = g_strdup_printf("%s %s", cli_prog, cmd);
    argv[1] = name;
    int rc = c->fn(argc - 1, argv + 1);
    g_free(name);
    g_strfreev(cli_orig_argv);
    return rc;
}

/*
 * crash.h - a crash in the code under test is a verdict (invariant
 * "crash", docs/invariants.md): a fatal signal (SIGSEGV, SIGBUS, SIGFPE,
 * SIGILL, SIGABRT from abort() or a failed assertion, SIGTRAP, SIGSYS) or
 * a sanitizer's death (ASan, UBSan: __sanitizer_set_death_callback) while a
 * simulated thread runs.
 *
 * After a fault nothing in the process can be trusted, so the run whose
 * outcome is reported runs in a child process (cli_crash_fork): the
 * child's handler writes what its world had recorded (decisions, steps,
 * virtual time, log hash, the log so far) to a pipe with write(2) only and
 * then dies of its signal; the parent, whose state the crash never
 * touched, makes the verdict and the reproducer.  The fast in-process runs
 * (cli_crash_guard) only say what they know, with async-signal-safe
 * writes, and then either re-execute this program (execv: a clean image)
 * to re-run that one schedule in a child, or exit with a given status.
 *
 * A fault while no simulated thread runs (the simulator's host loop, or
 * outside any run) is not a verdict: "wakesim itself crashed", with the
 * run it happened in, and the process dies of the signal.
 */
#ifndef WAKESIM_CLI_CRASH_H
#define WAKESIM_CLI_CRASH_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "heap-check.h"

/* What a child process left: a crash record, or how it ended. */
typedef struct {
    bool crashed; /* a crash record came back */
    bool host;    /* it was not on a simulated thread: wakesim itself */
    bool heap;    /* a heap error (heap_error), not just a signal */
    sim_heap_error_t heap_error;
    int signo;       /* the fatal signal; 0: a sanitizer ended the process */
    int wait_status; /* waitpid()'s */
    char thread[32]; /* the simulated thread it happened on */
    char what[96];   /* crash: the sanitizer's report kind, or "";
                        else what fn returned (a verdict) */
    uint64_t steps;
    int64_t end_ns;
    uint64_t log_hash;
    uint32_t *values, *bounds; /* the decisions taken up to the crash */
    size_t n;
    char *log; /* the event log up to the crash (NULL when it was off) */
} cli_crash_t;

/* What runs in the child; its return value reaches the parent (what). */
typedef const char *cli_crash_fn_t(void *arg);

/* Runs fn(arg) in a child process with the crash catcher armed (stdout
 * and stderr are flushed first).  Returns true when the child crashed in
 * a world (*c filled); false when fn returned (c->what holds its text), or
 * the child ended some other way (c->wait_status, c->crashed false). */
bool cli_crash_fork(cli_crash_fn_t *fn, void *arg, cli_crash_t *c);
void cli_crash_clear(cli_crash_t *c);

/* "crash: SIGSEGV on simulated thread vcpu0", or for a heap error
 * "heap-error: use-after-free on simulated thread ..." (g_free it). */
char *cli_crash_message(const cli_crash_t *c);
/* "SIGSEGV"; "signal N" for one without a name here. */
const char *cli_crash_signal_name(int signo);
/* The invariant the record is a verdict of: "heap-error" or "crash". */
const char *cli_crash_invariant(const cli_crash_t *c);
/* Is a reproducer of this verdict replayed in a child process ("crash",
 * "heap-error": both end the process the run was in)? */
bool cli_crash_verdict(const char *verdict);

/* The in-process guard.  reexec: the arguments to execv("/proc/self/exe")
 * with after reporting a crash on a simulated thread (kept, not copied;
 * NULL: exit with exit_status instead, or die of the signal when it is 0).
 * The lines printed are "<prefix> in <run label>: crash: ..." and then
 * after_line when not NULL. */
void cli_crash_guard_arm(char **reexec, int exit_status, const char *prefix,
                         const char *after_line);
/* The run in progress, for the messages ("run 3 (seed 12)"); copied. */
void cli_crash_guard_run(const char *label);
void cli_crash_guard_disarm(void);

#endif

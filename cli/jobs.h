/*
 * jobs.h - a search over run indices 0..n-1 split across worker processes
 * (--jobs N), with a result that does not depend on N.
 *
 * Each run i is classified by fn(arg, i): 0 nothing to note, else a class
 * 1..CLI_JOBS_CLASSES-1 (a violation of some kind).  Classes in
 * terminal_mask end the search.  The result is what a sequential loop over
 * i = 0, 1, ... stopping at the first terminal run would have seen: the
 * lowest terminal index (stop) and, for each class, the lowest index below
 * or at stop that gave it.  Worker w runs the indices w, w+N, w+2N, ... in
 * order and stops once its next index is above the lowest terminal index
 * any worker has found, so every index below the final stop is run.
 *
 * Workers are fork()ed children: they share nothing with the parent but
 * the result slots, print nothing (their stdout is /dev/null), and a
 * worker that dies (a crash in the code under test) is a terminal run at
 * the index it was running (crashed).  The caller then runs the indices it
 * reports on again in its own process, with its usual reporting: a run is
 * a deterministic function of its index, so what it prints and writes (a
 * reproducer) is what --jobs 1 prints and writes.
 */
#ifndef WAKESIM_CLI_JOBS_H
#define WAKESIM_CLI_JOBS_H

#include <stdbool.h>
#include <stdint.h>

#define CLI_JOBS_CLASSES 4
#define CLI_JOBS_NONE UINT64_MAX

typedef int cli_jobs_fn_t(void *arg, uint64_t i);

typedef struct {
    uint64_t first[CLI_JOBS_CLASSES]; /* lowest index of each class; NONE */
    uint64_t crashed;                 /* lowest index a worker died at; NONE */
    uint64_t stop;                    /* lowest terminal index (crashes too); NONE */
    uint64_t runs;                    /* runs the workers made (>= stop + 1) */
} cli_jobs_result_t;

/* The default for --jobs: the cores this process may run on. */
unsigned cli_jobs_default(void);

/* Parses --jobs (NULL: the default; 1 when a single run is asked for);
 * -1 after printing why. */
int cli_jobs_parse(const char *s, uint64_t runs, unsigned *jobs);

/* Runs the search with jobs workers (jobs >= 2; capped at n).  Returns -1
 * after printing why when the workers could not be started. */
int cli_jobs_search(unsigned jobs, uint64_t n, unsigned terminal_mask, cli_jobs_fn_t *fn,
                    void *arg, cli_jobs_result_t *r);

#endif

/*
 * program-repro-v1.c - reading the user-program runner's older reproducer
 * format (see program-repro.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "program-repro.h"

bool wk_program_repro_v1_is(const char *path)
{
    char line[64];
    FILE *f = fopen(path, "r");
    bool is = f && fgets(line, sizeof(line), f) && strcmp(line, WK_PROGRAM_REPRO_V1) == 0;
    if (f) {
        fclose(f);
    }
    return is;
}

/* The header lines up to the decisions; false at the first bad one, with
 * what was expected in *what. */
static bool read_header(FILE *f, wk_trace_t *t, int *ln, const char **what)
{
    char line[512], name[128], inv[64];
    wk_trace_bounds_t *b = &t->program_bounds;
#define LINE(expected) (*what = (expected), (*ln)++, fgets(line, sizeof(line), f) != NULL)
    if (!LINE("not a wakesim program reproducer (first line)") ||
        strcmp(line, WK_PROGRAM_REPRO_V1) != 0)
        return false;
    if (!LINE("expected 'program NAME'") || sscanf(line, "program %127s", name) != 1)
        return false;
    t->program = g_strdup(name);
    if (!LINE("expected 'seed N'") || sscanf(line, "seed %" SCNu64, &t->seed) != 1)
        return false;
    if (!LINE("expected 'pct D'") || sscanf(line, "pct %u", &t->pct_depth) != 1)
        return false;
    if (!LINE("expected 'bounds SQE CQE WAKE DEADLINE'") ||
        sscanf(line, "bounds %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64,
               &b->sqe_submit_ns, &b->cqe_reap_ns, &b->wake_ns, &b->deadline_ns) != 4)
        return false;
    if (!LINE("expected 'invariant NAME'") || sscanf(line, "invariant %63s", inv) != 1)
        return false;
    t->verdict = g_strdup(inv);
    if (!LINE("expected 'log-hash HEX'") ||
        sscanf(line, "log-hash %" SCNx64, &t->log_hash) != 1)
        return false;
    if (!LINE("expected 'decisions N'") ||
        sscanf(line, "decisions %zu", &t->n_decisions) != 1 || t->n_decisions > 100000000)
        return false;
#undef LINE
    return true;
}

/* The decisions, one "VALUE BOUND" line each, then "end". */
static bool read_decisions(FILE *f, wk_trace_t *t, int *ln, const char **what)
{
    char line[512];
    t->values = g_new(uint32_t, t->n_decisions + 1);
    t->bounds = g_new(uint32_t, t->n_decisions + 1);
    *what = "expected a decision 'VALUE BOUND' with VALUE < BOUND (truncated?)";
    for (size_t i = 0; i < t->n_decisions; i++) {
        uint32_t v, b;
        (*ln)++;
        if (!fgets(line, sizeof(line), f) ||
            sscanf(line, "%" SCNu32 " %" SCNu32, &v, &b) != 2 || b == 0 || v >= b)
            return false;
        t->values[i] = v;
        t->bounds[i] = b;
    }
    *what = "expected 'end' after the decisions";
    (*ln)++;
    return fgets(line, sizeof(line), f) && strcmp(line, "end\n") == 0;
}

bool wk_program_repro_v1_load(wk_trace_t *t, const char *path, const char *prog)
{
    memset(t, 0, sizeof(*t));
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", prog, path, strerror(errno));
        return false;
    }
    int ln = 0;
    const char *what = "";
    bool ok = read_header(f, t, &ln, &what) && read_decisions(f, t, &ln, &what);
    fclose(f);
    if (!ok) {
        fprintf(stderr, "%s: %s:%d: %s\n", prog, path, ln, what);
        wk_trace_clear(t);
        return false;
    }
    t->strategy = g_strdup(t->pct_depth ? "pct" : "random");
    t->mutants = g_strdup("");
    t->message = g_strdup("");
    return true;
}

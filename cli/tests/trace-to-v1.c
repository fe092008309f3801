/*
 * trace-to-v1.c - test helper: writes a user program's reproducer (a
 * wakesim trace) in the runner's older format, "wakesim-program-repro 1",
 * the way the runner wrote it, so the tests can check that the runner
 * still replays such files and that `wakesim replay` says how to.
 *   trace-to-v1 IN.trace OUT.repro
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include "trace-format.h"

int main(int argc, char **argv)
{
    wk_trace_t t;
    GError *err = NULL;
    if (argc != 3 || !wk_trace_load(&t, argv[1], &err) || !t.program) {
        fprintf(stderr, "usage: %s IN.trace OUT.repro (a program's trace)%s%s\n", argv[0],
                err ? ": " : "", err ? err->message : "");
        return 2;
    }
    FILE *f = fopen(argv[2], "w");
    if (!f) {
        perror(argv[2]);
        return 2;
    }
    const char *slash = strrchr(t.program, '/');
    const wk_trace_bounds_t *b = &t.program_bounds;
    fprintf(f, "wakesim-program-repro 1\n");
    fprintf(f, "program %s\nseed %" PRIu64 "\npct %u\n", slash ? slash + 1 : t.program,
            t.seed, t.pct_depth);
    fprintf(f, "bounds %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n", b->sqe_submit_ns,
            b->cqe_reap_ns, b->wake_ns, b->deadline_ns);
    fprintf(f, "invariant %s\nlog-hash %016" PRIx64 "\ndecisions %zu\n", t.verdict,
            t.log_hash, t.n_decisions);
    for (size_t i = 0; i < t.n_decisions; i++) {
        fprintf(f, "%" PRIu32 " %" PRIu32 "\n", t.values[i], t.bounds[i]);
    }
    fprintf(f, "end\n");
    wk_trace_clear(&t);
    return fclose(f) == 0 ? 0 : 2;
}

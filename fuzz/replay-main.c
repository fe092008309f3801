/*
 * replay-main.c - a plain main() for any harness: runs each FILE through
 * LLVMFuzzerTestOneInput once, without a fuzzing engine, so a crash
 * reproduces under gdb, valgrind or rr, with any compiler.
 *
 *   fuzz_replay_<harness> [--expect INVARIANT] FILE...
 *
 * Prints "ok FILE" (no violation) or "VIOLATION FILE: <invariant>: ...".
 * Without --expect every file must pass; with it every file must give that
 * invariant (a regression input under its mutant, set in WAKESIM_MUTANTS).
 * Exit: 0 all as expected, 1 some file not as expected, 2 bad usage or an
 * unreadable file (loudly: a corpus that cannot be read is not a pass).
 * WAKESIM_TRACE_DIR=DIR also writes a wakesim trace of each violation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "wakesim-fuzz.h"

int main(int argc, char **argv)
{
    const char *expect = NULL;
    int first = 1;
    if (argc > 2 && strcmp(argv[1], "--expect") == 0) {
        expect = argv[2];
        first = 3;
    }
    if (first >= argc || strncmp(argv[first], "--", 2) == 0) {
        fprintf(stderr, "usage: %s [--expect INVARIANT] FILE...\n", argv[0]);
        return 2;
    }
    wkf_replay_mode = true;
    LLVMFuzzerInitialize(&argc, &argv);

    int rc = 0;
    for (int i = first; i < argc; i++) {
        gchar *data = NULL;
        gsize len = 0;
        GError *err = NULL;
        if (!g_file_get_contents(argv[i], &data, &len, &err)) {
            fprintf(stderr, "%s: ERROR: cannot read input: %s\n", argv[0], err->message);
            g_error_free(err);
            return 2;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)data, len);
        g_free(data);
        const char *got = wkf_last_invariant();
        bool violated = strcmp(got, "pass") != 0;
        if (violated) {
            printf("VIOLATION %s: %s\n", argv[i], wkf_last_message());
        } else {
            printf("ok %s\n", argv[i]);
        }
        const char *want = expect ? expect : "pass";
        if (strcmp(got, want) != 0) {
            printf("FAIL %s: expected %s, got %s (harness %s, mutants: %s)\n", argv[i],
                   want, got, wkf_harness(), *wkf_mutants() ? wkf_mutants() : "none");
            rc = 1;
        }
    }
    return rc;
}

/*
 * fuzz_schedule.c - input bytes = scheduler decisions for one fixed
 * scenario.  The scenario is chosen at build time: WK_SCENARIO_HEADER names
 * a generated header (from scenarios/NAME.scn, see fuzz/CMakeLists.txt)
 * defining wk_scenario_text[] and WK_SCENARIO_ID, so the binary carries its
 * scenario and needs no file at run time (OSS-Fuzz copies binaries only).
 *
 * Any byte string is a valid input: one byte per choice among <= 256
 * threads, and the default policy once the bytes run out.
 */
#include <stdio.h>
#include <stdlib.h>
#include "wakesim-fuzz.h"

#ifndef WK_SCENARIO_HEADER
#error "build with -DWK_SCENARIO_HEADER=\"scn_<id>.h\" (see fuzz/CMakeLists.txt)"
#endif
#include WK_SCENARIO_HEADER

static scn_t *scn;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (scn) {
        return 0;
    }
    wkf_init("schedule_" WK_SCENARIO_ID);
    GError *err = NULL;
    scn =
        scn_load_text(wk_scenario_text, "scenarios/" WK_SCENARIO_FILE " (embedded)", &err);
    if (!scn) {
        fprintf(stderr, "fuzz_schedule_%s: %s\n", WK_SCENARIO_ID, err->message);
        exit(2);
    }
    return 0;
}

/* No prefix: every byte is a decision. */
void wkf_harness_scenario(const uint8_t *data, size_t size, wkf_harness_scn_t *t)
{
    (void)data;
    (void)size;
    if (!scn) {
        LLVMFuzzerInitialize(NULL, NULL); /* engines that skip Initialize */
    }
    *t = (wkf_harness_scn_t){ .scn = scn };
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    wkf_harness_scn_t t;
    wkf_harness_scenario(data, size, &t);
    wkf_run(t.scn, data, size, t.skip);
    return 0;
}

/*
 * test-pct-input.c - the schedule mutator's PCT move makes inputs that
 * replay the PCT run they came from: for several shapes, depths and seeds,
 * the scenario the harness picks is run under PCT with the event log on,
 * then the bytes wkf_pct_input() made from it (prefix + encoded decisions)
 * are run as SIM_DECIDE_BYTES, as the harness decodes them, and through the
 * harness itself; the event-log hash, the number of decisions and the
 * verdict must all be the same.
 *
 * Linked with one harness (fuzz_api.c, fuzz_schedule.c or fuzz_swarm.c) and
 * run with or without WAKESIM_MUTANTS.  With --expect-violation at least
 * one of the PCT runs must violate an invariant, so the replay of a crash is
 * checked too.  Exit 0 = all matched; 1 = a mismatch, printed with the
 * harness, mutants, shape, depth and seed to reproduce it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "wakesim-fuzz.h"
#include "targets.h"

#define INPUT_CAP 65536

static const uint8_t shapes[] = { 0x00, 0x05, 0x1e, 0x3b, 0x82 };

static void run_logged(const scn_t *scn, sim_options_t *o, wk_outcome_t *out)
{
    o->log_enabled = true;
    wk_machine_run(scn, o, out);
}

int main(int argc, char **argv)
{
    wk_target_select(&wk_target_loop);
    bool expect_violation = argc > 1 && strcmp(argv[1], "--expect-violation") == 0;
    wkf_replay_mode = true; /* a violation is recorded, not abort()ed */
    LLVMFuzzerInitialize(&argc, &argv);
    uint8_t *buf = g_malloc(INPUT_CAP);
    int failures = 0, violations = 0, checked = 0;

    for (size_t si = 0; si < G_N_ELEMENTS(shapes); si++) {
        for (unsigned depth = 2; depth <= 3; depth++) {
            for (uint64_t seed = 1; seed <= 6; seed++) {
                const uint8_t in[1] = { shapes[si] };
                wkf_harness_scn_t t;
                wkf_harness_scenario(in, sizeof(in), &t);
                sim_options_t o;
                wkf_pct_options(t.scn, depth, seed, &o);
                wk_outcome_t pct;
                run_logged(t.scn, &o, &pct);
                uint64_t before = wkf_internal_runs();
                size_t len = wkf_pct_input(in, sizeof(in), depth, seed, buf, INPUT_CAP);

                /* The bytes as the harness reads them. */
                wkf_harness_scn_t t2;
                wkf_harness_scenario(buf, len, &t2);
                sim_options_t b;
                sim_options_init(&b);
                b.memory_model = (sim_memory_model_t)t2.scn->memory_model;
                b.decide.kind = SIM_DECIDE_BYTES;
                b.decide.bytes = buf + t2.skip;
                b.decide.bytes_len = len - t2.skip;
                wk_outcome_t replay;
                run_logged(t2.scn, &b, &replay);
                LLVMFuzzerTestOneInput(buf, len);

                const char *verdict = wk_outcome_verdict(&pct), *why = NULL;
                if (wkf_internal_runs() != before + 1) {
                    why = "wkf_pct_input did not count exactly one internal run";
                } else if (len < t.prefix_len || memcmp(buf, t.prefix, t.prefix_len) != 0) {
                    why = "the input does not start with the harness's prefix";
                } else if (strcmp(t.scn->name, t2.scn->name) != 0) {
                    why = "the input chooses another scenario";
                } else if (pct.log_hash != replay.log_hash) {
                    why = "the event-log hashes differ";
                } else if (pct.n_decisions != replay.n_decisions) {
                    why = "the numbers of decisions differ";
                } else if (strcmp(verdict, wk_outcome_verdict(&replay)) != 0 ||
                           strcmp(verdict, wkf_last_invariant()) != 0) {
                    why = "the verdicts differ";
                }
                if (why) {
                    failures++;
                    printf("FAIL: %s: harness %s, WAKESIM_MUTANTS=%s, shape byte 0x%02x, "
                           "PCT d=%u seed=%llu (%zu bytes; PCT %zu decisions, verdict %s, "
                           "hash %016llx; bytes %zu decisions, verdict %s, hash %016llx, "
                           "harness %s)\n",
                           why, wkf_harness(), wkf_mutants(), shapes[si], depth,
                           (unsigned long long)seed, len, pct.n_decisions,
                           wk_outcome_verdict(&pct), (unsigned long long)pct.log_hash,
                           replay.n_decisions, wk_outcome_verdict(&replay),
                           (unsigned long long)replay.log_hash, wkf_last_invariant());
                }
                violations += pct.result != SIM_RESULT_OK;
                checked++;

                /* A cut-off encoding keeps the prefix and stays within max. */
                size_t cut = t.prefix_len + 3;
                size_t clen = wkf_encode_decisions(&pct, t.prefix, t.prefix_len, buf, cut);
                if (clen > cut || clen < t.prefix_len ||
                    memcmp(buf, t.prefix, t.prefix_len) != 0) {
                    failures++;
                    printf("FAIL: encoding cut at %zu bytes gave %zu bytes (shape 0x%02x, "
                           "d=%u seed=%llu)\n",
                           cut, clen, shapes[si], depth, (unsigned long long)seed);
                }
                wk_outcome_clear(&pct);
                wk_outcome_clear(&replay);
                wkf_harness_scenario_clear(&t);
                wkf_harness_scenario_clear(&t2);
            }
        }
    }
    printf("%s: %d PCT runs replayed from their bytes, %d violating, %d failures\n",
           wkf_harness(), checked, violations, failures);
    if (expect_violation && violations == 0) {
        printf("FAIL: no PCT run violated an invariant with WAKESIM_MUTANTS=%s\n",
               wkf_mutants());
        failures++;
    }
    g_free(buf);
    return failures ? 1 : 0;
}

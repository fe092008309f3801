/*
 * test-repro-units.c - the small parsers and editors behind reproducers and
 * shrinking: keyed decisions (round trip through a real run, and bad text
 * rejected with a message, never a crash), editing a scenario's text, and
 * the violation signature the shrinker keeps.
 */
#include <stdio.h>
#include <string.h>
#include "keyed.h"
#include "machine.h"
#include "shrink.h"
#include "test-check.h"
#include "targets.h"

static void keyed_parse_good(void)
{
    wk_keyed_t k;
    GError *err = NULL;
    bool ok = wk_keyed_parse(" main-loop@20#1>vcpu0  vcpu0@5#0=3/16\n", &k, &err);
    CHECK(ok, "good text rejected: %s", err ? err->message : "");
    if (!ok) {
        g_clear_error(&err);
        return;
    }
    CHECK(k.n == 2, "2 decisions, got %zu", k.n);
    CHECK(k.items[0].is_thread && strcmp(k.items[0].thread, "main-loop") == 0 &&
              k.items[0].events == 20 && k.items[0].ordinal == 1 &&
              strcmp(k.items[0].chosen, "vcpu0") == 0,
          "first decision misparsed");
    CHECK(!k.items[1].is_thread && k.items[1].value == 3 && k.items[1].bound == 16 &&
              k.items[1].events == 5,
          "second decision misparsed");
    wk_keyed_clear(&k);
    CHECK(wk_keyed_parse("", &k, NULL) && k.n == 0, "empty text is no decisions");
    wk_keyed_clear(&k);
}

static void keyed_parse_bad(void)
{
    const char *bad[] = {
        "main",
        "main@",
        "main@x#0>a",
        "main@1#>a",
        "main@1#0",
        "main@1#0>",
        "main@1#0=5/5",
        "main@1#0=1/1",
        "main@1#0=3/16x",
        "@1#0>a",
        "ma in@1#0>a",
        "main@1#0>a b@c",
        "main@99999999999999999999#0>a",
        "main@1#0=4294967296/5",
        "main@1#0>a;rm",
        "\x01@1#0>a",
    };
    for (unsigned i = 0; i < G_N_ELEMENTS(bad); i++) {
        wk_keyed_t k;
        GError *err = NULL;
        bool ok = wk_keyed_parse(bad[i], &k, &err);
        CHECK(!ok, "'%s' accepted", bad[i]);
        CHECK(ok || (err && strstr(err->message, "keyed decision")), "'%s': no message",
              bad[i]);
        if (ok) {
            wk_keyed_clear(&k);
        }
        g_clear_error(&err);
    }
}

static const char scn_text[] = "# a comment\n"
                               "[scenario]\n"
                               "name = units\n"
                               "[machine]\n"
                               "backend = io_uring\n"
                               "vcpus = 2   \n"
                               "main-loop-timer = 499ms\n"
                               "[device]\n"
                               "submit = mmio-inline\n"
                               "latency-min = 50us\n"
                               "latency-max = 400us\n"
                               "[workload]\n"
                               "batches = 2\n"
                               "batch-size = 4\n"
                               "think-before-batch = 1ms\n"
                               "[bounds]\n"
                               "sqe-submit = 10ms\n";

static void scenario_edit(void)
{
    char *a = wk_scenario_text_set(scn_text, "machine", "vcpus", "1");
    CHECK(strstr(a, "\nvcpus = 1\n") && !strstr(a, "vcpus = 2"), "vcpus not replaced:\n%s",
          a);
    CHECK(strstr(a, "# a comment\n"), "comment lost");
    char *b = wk_scenario_text_set(a, "workload", "think-jitter", "0");
    CHECK(strstr(b, "think-before-batch = 1ms\nthink-jitter = 0\n[bounds]"),
          "key not added to its "
          "group:\n%s",
          b);
    GError *err = NULL;
    scn_t *s = scn_load_text(b, "<units>", &err);
    CHECK(s && s->vcpus == 1 && s->batches == 2, "edited text does not load: %s",
          err ? err->message : "");
    scn_free(s);
    g_clear_error(&err);
    g_free(a);
    g_free(b);
}

/* A real run: the seed bug, then its keyed decisions replayed by key give
 * the same verdict and the same event log. */
static void keyed_round_trip(void)
{
    GError *err = NULL;
    char *path =
        g_build_filename(WAKESIM_SCENARIO_DIR, "ahci-mmio-inline-submit.scn", NULL);
    scn_t *scn = scn_load_file(path, &err);
    g_free(path);
    CHECK(scn, "seed scenario: %s", err ? err->message : "");
    if (!scn) {
        g_clear_error(&err);
        return;
    }
    aio_mutants_clear();
    aio_mutant_set(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE, true);
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_SEED;
    o.decide.seed = 3;
    wk_outcome_t a, b;
    wk_machine_run(scn, &o, &a);
    char *sig = wk_violation_signature(&a);
    CHECK(strcmp(sig, "sqe-submit-latency SQE READ") == 0, "signature '%s'", sig);
    CHECK(a.keyed && *a.keyed, "no keyed decisions recorded for a random run");
    CHECK(a.late_start_ns >= 0 && a.late_end_ns > a.late_start_ns, "no late interval");
    CHECK(a.states_at_start && strstr(a.states_at_start, "main-loop: ppoll"),
          "main loop not in ppoll at the start: %s", a.states_at_start);
    wk_keyed_t k;
    if (a.keyed && wk_keyed_parse(a.keyed, &k, &err)) {
        o.decide.kind = SIM_DECIDE_KEYED;
        o.decide.keyed = k.items;
        o.decide.keyed_len = k.n;
        wk_machine_run(scn, &o, &b);
        CHECK(b.result == a.result && b.log_hash == a.log_hash,
              "keyed replay: result %d hash %016llx, recorded %d %016llx", b.result,
              (unsigned long long)b.log_hash, a.result, (unsigned long long)a.log_hash);
        wk_outcome_clear(&b);
        wk_keyed_clear(&k);
    }
    g_clear_error(&err);
    g_free(sig);
    wk_outcome_clear(&a);
    aio_mutants_clear();
    scn_free(scn);
}

int main(void)
{
    wk_target_select(&wk_target_loop);
    keyed_parse_good();
    keyed_parse_bad();
    scenario_edit();
    keyed_round_trip();
    if (failures) {
        printf("%d failure(s); rerun: %s\n", failures, "sim-run-test-repro-units");
        return 1;
    }
    printf("ok\n");
    return 0;
}

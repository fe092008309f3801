/*
 * wakesim-fuzz.c - the shared part of the fuzz harnesses: mutants, one run
 * per input, and the violation report with a wakesim trace.
 *
 * Fuzzing runs have the event log off (speed).  A violation is re-run from
 * its recorded decisions with the log on (SIM_DECIDE_REPLAY, as `wakesim
 * run` does): the trace must carry the hash of a logged run, and the re-run
 * proves the violation is deterministic before anyone is asked to debug it.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib.h>
#include "machine.h"
#include "report.h"
#include "trace.h"
#include "targets.h"
#include "wakesim-fuzz.h"
#ifdef WAKESIM_EXTRA_COUNTERS
#include "genload.h"
#include "wakeup-counters.h"
#endif

bool wkf_replay_mode;

static char *harness_name;
static char *mutant_list; /* canonical "a,b", "" = fixed code */
static char *last_invariant;
static char *last_message;
/* Runs outside the fuzzer's executions (wkf_internal_runs()), and PCT's n
 * per scenario name from the pilot runs (wkf_pct_options()).  Harness
 * state, not the simulator's: every run still starts from a fresh world. */
static uint64_t internal_runs;
static GHashTable *pilot_steps;

uint64_t wkf_internal_runs(void)
{
    return internal_runs;
}

static void print_internal_runs(void)
{
    if (internal_runs) {
        fprintf(stderr,
                "wakesim fuzz harness %s: %" PRIu64 " internal simulator runs "
                "(schedule mutator's PCT moves and pilots; add them to the executions)\n",
                wkf_harness(), internal_runs);
    }
}

const char *wkf_last_invariant(void)
{
    return last_invariant ? last_invariant : "pass";
}
const char *wkf_last_message(void)
{
    return last_message ? last_message : "";
}
const char *wkf_mutants(void)
{
    return mutant_list ? mutant_list : "";
}
const char *wkf_harness(void)
{
    return harness_name ? harness_name : "?";
}

const char *wkf_target(void)
{
    return wk_target_selected()->name;
}

/* WAKESIM_TARGET: loop (the default) or qemu, which only binaries linked
 * with a QEMU tree's event loop have (fuzz/CMakeLists.txt). */
static const wk_target_ops_t *env_target(const char *harness)
{
    const char *t = getenv("WAKESIM_TARGET");
    if (!t || !*t || strcmp(t, "loop") == 0) {
        return &wk_target_loop;
    }
    if (strcmp(t, "qemu") != 0) {
        fprintf(stderr, "%s: WAKESIM_TARGET must be loop or qemu, got '%s'\n", harness, t);
        exit(2);
    }
    const wk_target_ops_t *q = wk_target_find("qemu");
    if (!q) {
        fprintf(stderr,
                "%s: this harness is built without the qemu target (only fuzz_api and "
                "fuzz_swarm of a clang build configured with a QEMU tree have it: "
                "fuzz/README.md)\n",
                harness);
        exit(2);
    }
    return q;
}

/* argv of this process, from the kernel (g_strfreev). */
static char **own_argv(void)
{
    gchar *text = NULL;
    gsize len = 0;
    if (!g_file_get_contents("/proc/self/cmdline", &text, &len, NULL) || len == 0) {
        g_free(text);
        return NULL;
    }
    GPtrArray *args = g_ptr_array_new();
    for (gsize i = 0; i < len; i += strlen(text + i) + 1) {
        g_ptr_array_add(args, g_strdup(text + i));
    }
    g_ptr_array_add(args, NULL);
    g_free(text);
    return (char **)g_ptr_array_free(args, FALSE);
}

/* A QEMU mutation is a build of its own: this harness built with
 * "mutation" ("" the unmodified QEMU) is <harness binary>-qemu-<mutation>
 * beside this one.  Re-executes it with the same arguments; returns only
 * to say why it could not. */
static void exec_qemu_twin(const char *harness, const char *mutation)
{
    char *exe = g_file_read_link("/proc/self/exe", NULL);
    char *base = exe ? g_strdup(exe) : NULL;
    char *cut =
        base ? strstr(strrchr(base, '/') ? strrchr(base, '/') : base, "-qemu-") : NULL;
    if (cut) {
        *cut = '\0';
    }
    char *twin = base && *mutation ? g_strdup_printf("%s-qemu-%s", base, mutation)
                                   : g_strdup(base ? base : "?");
    char **argv = own_argv();
    if (argv && g_file_test(twin, G_FILE_TEST_IS_EXECUTABLE)) {
        fflush(stderr);
        execv(twin, argv);
    }
    fprintf(stderr,
            "%s: no QEMU build of this harness with mutation '%s' (%s): build them with "
            "`cmake --build DIR --target wakesim_qemu_fuzz` in a clang build configured "
            "with a QEMU tree\n",
            harness, mutation, twin);
    g_strfreev(argv);
    g_free(twin);
    g_free(base);
    g_free(exe);
}

/* The qemu target: WAKESIM_MUTANTS names at most one build-time mutation,
 * which must be this binary's (else its twin runs instead). */
static char *qemu_mutation(const char *harness, const wk_target_ops_t *q)
{
    const char *want = getenv("WAKESIM_MUTANTS");
    want = want ? want : "";
    if (strchr(want, ',')) {
        fprintf(stderr, "%s: the qemu target takes one mutation at a time\n", harness);
        exit(2);
    }
    if (strcmp(q->build_mutation, want) != 0) {
        exec_qemu_twin(harness, want);
        exit(2);
    }
    return g_strdup(want);
}

/* loop/: WAKESIM_MUTANTS switches mutants on at run time. */
static char *loop_mutants(const char *harness)
{
    aio_mutants_clear();
    if (aio_mutants_from_env() < 0) {
        fprintf(stderr, "%s: bad WAKESIM_MUTANTS (see `wakesim list` for the names)\n",
                harness);
        exit(2);
    }
    GString *list = g_string_new(NULL);
    for (int m = 0; m < AIO_MUTANT_COUNT; m++) {
        if (aio_mutant_on(m)) {
            g_string_append_printf(list, "%s%s", list->len ? "," : "", aio_mutant_name(m));
        }
    }
    return g_string_free(list, FALSE);
}

void wkf_init(const char *harness)
{
    if (harness_name) {
        return;
    }
    harness_name = g_strdup(harness);
    const wk_target_ops_t *t = env_target(harness);
    wk_target_select(t);
    aio_mutants_clear();
    mutant_list = t == &wk_target_loop ? loop_mutants(harness) : qemu_mutation(harness, t);
    if (!wkf_replay_mode) {
        atexit(print_internal_runs);
        fprintf(stderr, "wakesim fuzz harness %s: target %s, mutants: %s%s\n", harness,
                t->name, *mutant_list ? mutant_list : "none (fixed code)",
#ifdef WAKESIM_EXTRA_COUNTERS
                ", wakeup-protocol extra counters on"
#else
                ""
#endif
        );
    }
}

/* scn may be NULL (only ns_per_step is wanted); else runs use its memory
 * model (fuzz_swarm's shape bytes can choose one). */
static void base_options(sim_options_t *o, const scn_t *scn)
{
    sim_options_init(o);
    o->log_enabled = false;
    if (scn) {
        o->memory_model = (sim_memory_model_t)scn->memory_model;
    }
}

/* Writes the reproducer; returns its path (g_free) or NULL. */
static char *write_trace(const scn_t *scn, const wk_outcome_t *logged, const char *sha1)
{
    const char *dir = getenv("WAKESIM_TRACE_DIR");
    if ((wkf_replay_mode && !(dir && *dir)) || (dir && strcmp(dir, "none") == 0)) {
        return NULL;
    }
    char *name = g_strdup_printf("crash-%s.trace", sha1);
    char *path = g_build_filename(dir && *dir ? dir : ".", name, NULL);
    sim_options_t o;
    base_options(&o, NULL);
    wk_trace_t t;
    GError *err = NULL;
    wk_trace_from_outcome(&t, scn, wkf_mutants(), "bytes", 0, 0, o.ns_per_step, logged);
    if (!wk_trace_save(&t, path, &err)) {
        fprintf(stderr, "  cannot write the wakesim trace: %s\n", err->message);
        g_error_free(err);
        g_free(path);
        path = NULL;
    }
    wk_trace_clear(&t);
    g_free(name);
    return path;
}

static void report(const scn_t *scn, const wk_outcome_t *found, const uint8_t *input,
                   size_t size)
{
    char *sha1 = g_compute_checksum_for_data(G_CHECKSUM_SHA1, input, size);
    const char *mut = wkf_mutants();

    /* The same decisions again, with the log on. */
    sim_options_t o;
    base_options(&o, scn);
    o.log_enabled = true;
    sim_decide_replay(&o.decide, found->decisions, found->bounds, found->n_decisions);
    wk_outcome_t logged;
    wk_machine_run(scn, &o, &logged);

    char *path = write_trace(scn, &logged, sha1);
    GString *envs = g_string_new(NULL);
    if (strcmp(wkf_target(), "loop") != 0) {
        g_string_append_printf(envs, "WAKESIM_TARGET=%s ", wkf_target());
    }
    if (*mut) {
        g_string_append_printf(envs, "WAKESIM_MUTANTS=%s ", mut);
    }
    const char *bql_polls = getenv("WAKESIM_BQL_POLLS"); /* fuzz_api.c */
    if (bql_polls && *bql_polls) {
        g_string_append_printf(envs, "WAKESIM_BQL_POLLS=%s ", bql_polls);
    }
    char *env = g_string_free(envs, FALSE);
    /* The same block as wakesim run / check / replay print. */
    char *seed = g_strdup_printf(
        "fuzzer input sha1 %s (%zu bytes, harness %s; %s vcpus=%u "
        "submit=%s target=%s backend=%s memory=%s), %zu decisions",
        sha1, size, wkf_harness(), scn->name, scn->vcpus, scn_submit_name(scn->submit),
        scn_target_name(scn->target),
        scn->backend == AIO_BACKEND_IO_URING ? "io_uring" : "ppoll",
        sim_memory_model_name((sim_memory_model_t)scn->memory_model), found->n_decisions);
    char *cmd = path ? g_strdup_printf("wakesim replay %s [--log]   or: %sfuzz_replay_%s "
                                       "crash-%s",
                                       path, env, wkf_harness(), sha1)
                     : g_strdup_printf("%sfuzz_replay_%s crash-%s   (the input file)", env,
                                       wkf_harness(), sha1);
    wk_report_t r = {
        .scn = scn, .mutants = mut, .seed = seed, .replay_cmd = cmd, .reproducer = path
    };
    wk_report_print(stderr, &r, found);
    if (strcmp(wk_outcome_verdict(&logged), found->invariant) != 0) {
        fprintf(stderr, "  WARNING: the logged re-run gave '%s' (not deterministic?)\n",
                wk_outcome_verdict(&logged));
    }
    g_free(seed);
    g_free(cmd);
    g_free(env);
    if (path) {
        /* reproducer printed in the block */
    } else if (wkf_replay_mode) {
        fprintf(stderr, "  (set WAKESIM_TRACE_DIR=DIR to write a wakesim trace)\n");
    }
    g_free(path);
    g_free(sha1);
    wk_outcome_clear(&logged);
}

void wkf_run(const scn_t *scn, const uint8_t *input, size_t size, size_t skip)
{
    if (!scn_applies_to(scn, wkf_target())) {
        fprintf(stderr, "%s: scenario %s does not apply to target %s (its targets: %s)\n",
                wkf_harness(), scn->name, wkf_target(), scn->targets);
        exit(2);
    }
    sim_options_t o;
    base_options(&o, scn);
    o.decide.kind = SIM_DECIDE_BYTES;
    o.decide.bytes = input + skip;
    o.decide.bytes_len = size - skip;
#ifdef WAKESIM_EXTRA_COUNTERS
    wk_counters_state_t cs;
    wk_counters_begin(&cs);
    o.on_event = wk_counters_on_event;
    o.event_opaque = &cs;
    wk_genload_coverage_hook = wk_counters_cov_hit;
#endif
    wk_outcome_t out;
    wk_machine_run(scn, &o, &out);

    g_clear_pointer(&last_invariant, g_free);
    g_clear_pointer(&last_message, g_free);
    if (out.result != SIM_RESULT_OK) {
        last_invariant = g_strdup(wk_outcome_verdict(&out));
        last_message = g_strdup(out.message ? out.message : "");
        report(scn, &out, input, size);
        if (!wkf_replay_mode) {
            /* libFuzzer leaves by _Exit after abort(): no atexit hooks. */
            print_internal_runs();
            fflush(stderr);
            abort();
        }
    }
    wk_outcome_clear(&out);
}

scn_t *wkf_load_text(char *text, const char *origin)
{
    GError *err = NULL;
    scn_t *scn = scn_load_text(text, origin, &err);
    if (!scn) {
        fprintf(stderr, "%s: generated scenario rejected: %s\n%s", origin, err->message,
                text);
        abort();
    }
    g_free(text);
    return scn;
}

void wkf_harness_scenario_clear(wkf_harness_scn_t *t)
{
    if (t->owned && t->scn) {
        scn_free(t->scn);
    }
    t->scn = NULL;
}

void wkf_pct_options(const scn_t *scn, unsigned depth, uint64_t seed, sim_options_t *o)
{
    base_options(o, scn);
    o->decide.seed = seed;
    if (!pilot_steps) {
        pilot_steps = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    }
    gpointer steps = g_hash_table_lookup(pilot_steps, scn->name);
    if (!steps) {
        /* As `wakesim run -s pct` does: n is the length of one random run. */
        sim_options_t po = *o;
        po.decide.kind = SIM_DECIDE_SEED;
        wk_outcome_t pilot;
        wk_machine_run(scn, &po, &pilot);
        internal_runs++;
        steps = GSIZE_TO_POINTER(pilot.steps ? (gsize)pilot.steps : 1);
        g_hash_table_insert(pilot_steps, g_strdup(scn->name), steps);
        wk_outcome_clear(&pilot);
    }
    o->decide.kind = SIM_DECIDE_PCT;
    o->decide.pct_depth = depth;
    o->decide.pct_steps = GPOINTER_TO_SIZE(steps);
    o->decide.pct_threads = scn->workload == SCN_WORKLOAD_GENERATED
                                ? scn->vcpus + 4 /* main, main-loop, iothread, a worker */
                                : scn->vcpus + 2 + (scn->target == SCN_TARGET_IOTHREAD);
}

size_t wkf_encode_decisions(const wk_outcome_t *run, const uint8_t *prefix,
                            size_t prefix_len, uint8_t *buf, size_t max)
{
    size_t n = run->n_decisions;
    /* Bytes running out = the default policy (sim.h), which the recorded
     * info says what it would have chosen. */
    while (n > 0 && run->decisions[n - 1] == run->info[n - 1].dflt) {
        n--;
    }
    size_t len = prefix_len < max ? prefix_len : max;
    memmove(buf, prefix, len);
    for (size_t i = 0; i < n; i++) {
        uint32_t b = run->bounds[i], v = run->decisions[i];
        size_t width = b <= 256 ? 1 : b <= 65536 ? 2 : 4;
        if (len + width > max) {
            break;
        }
        for (size_t k = 0; k < width; k++) {
            buf[len++] = (uint8_t)(v >> (8 * k));
        }
    }
    return len;
}

size_t wkf_pct_input(const uint8_t *input, size_t size, unsigned depth, uint64_t seed,
                     uint8_t *out, size_t max)
{
    wkf_harness_scn_t t;
    wkf_harness_scenario(input, size, &t);
    sim_options_t o;
    wkf_pct_options(t.scn, depth, seed, &o);
    wk_outcome_t run;
    wk_machine_run(t.scn, &o, &run);
    internal_runs++;
    size_t len = wkf_encode_decisions(&run, t.prefix, t.prefix_len, out, max);
    wk_outcome_clear(&run);
    wkf_harness_scenario_clear(&t);
    return len;
}

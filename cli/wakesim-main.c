/*
 * wakesim-main.c - main() for a program built against the simulator
 * (wakesim_add_simulated_executable): runs the program's own main, renamed
 * wakesim_user_main at compile time, as the simulated thread "main", under
 * the monitor (wakesim/monitor.h, docs/invariants.md), over many
 * schedules; writes a reproducer for the first violation and replays one
 * byte for byte.
 *
 *   PROGRAM [options] [-- program arguments]
 *     --seed N          first seed (default 1); run i uses seed+i
 *     --runs N          schedules to try (default 100)
 *     --pct D           PCT with depth D instead of a random walk
 *     --sqe-bound-ms X, --cqe-bound-ms X, --wake-bound-ms X
 *                       monitor bounds (default 10 ms, 10 ms, off)
 *     --deadline-ms X   virtual-time budget of one run (default 10000)
 *     --out DIR         where reproducers go (default .)
 *     --replay FILE     re-run a reproducer; --log prints its event log
 *   Exit: 0 every run passed, 1 a violation (reproducer written, or replayed
 *   identically), 2 bad usage or input, 3 a replay that differs.
 *
 * Each run is a fresh child process (fork): the program's globals, its
 * exit() calls and its crashes cannot leak into the next run, and a crash
 * is reported like a violation.  A replay runs in this process (for gdb).
 */
#include <wakesim/monitor.h>

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int wakesim_user_main(int argc, char **argv);

#define EXIT_VIOLATION 1
#define EXIT_USAGE 2
#define EXIT_DIVERGED 3

typedef struct {
    uint64_t seed, runs;
    unsigned pct;
    wakesim_bounds_t b;
    const char *out, *replay;
    bool log;
    int uargc;
    char **uargv;
    const char *prog;
} opts_t;

typedef struct {
    int argc;
    char **argv;
    int status;
} user_call_t;

static void *run_user_main(void *arg)
{
    user_call_t *c = arg;
    c->status = wakesim_user_main(c->argc, c->argv);
    return NULL;
}

static void usage(const char *prog)
{
    fprintf(
        stderr,
        "usage: %s [--seed N] [--runs N] [--pct D] [--sqe-bound-ms X] [--cqe-bound-ms X]\n"
        "          [--wake-bound-ms X] [--deadline-ms X] [--out DIR] [--log]\n"
        "          [--replay FILE] [-- program arguments]\n",
        prog);
}

static bool parse_u64(const char *s, uint64_t *v)
{
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || end == s || *end || *s == '-')
        return false;
    *v = x;
    return true;
}

static bool parse_ms(const char *s, int64_t *ns)
{
    char *end;
    errno = 0;
    double x = strtod(s, &end);
    if (errno || end == s || *end || x < 0 || x > 1e9)
        return false;
    *ns = (int64_t)(x * 1e6);
    return true;
}

static int parse_args(int argc, char **argv, opts_t *o)
{
    *o = (opts_t){ .seed = 1, .runs = 100, .out = ".", .prog = argv[0] };
    o->b = (wakesim_bounds_t){ .sqe_submit_ns = 10000000,
                               .cqe_reap_ns = 10000000,
                               .wake_ns = 0,
                               .deadline_ns = 10000000000LL };
    int i = 1;
    for (; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        uint64_t n;
        if (strcmp(a, "--") == 0) {
            i++;
            break;
        } else if (strcmp(a, "--log") == 0) {
            o->log = true;
            continue;
        } else if (!v) {
            fprintf(stderr, "%s: %s needs a value (or is unknown)\n", argv[0], a);
            return -1;
        }
        bool ok = true;
        if (strcmp(a, "--seed") == 0)
            ok = parse_u64(v, &o->seed);
        else if (strcmp(a, "--runs") == 0)
            ok = parse_u64(v, &o->runs) && o->runs > 0;
        else if (strcmp(a, "--pct") == 0)
            ok = parse_u64(v, &n) && n >= 1 && n <= 16 && ((o->pct = (unsigned)n), true);
        else if (strcmp(a, "--sqe-bound-ms") == 0)
            ok = parse_ms(v, &o->b.sqe_submit_ns);
        else if (strcmp(a, "--cqe-bound-ms") == 0)
            ok = parse_ms(v, &o->b.cqe_reap_ns);
        else if (strcmp(a, "--wake-bound-ms") == 0)
            ok = parse_ms(v, &o->b.wake_ns);
        else if (strcmp(a, "--deadline-ms") == 0)
            ok = parse_ms(v, &o->b.deadline_ns) && o->b.deadline_ns > 0;
        else if (strcmp(a, "--out") == 0)
            o->out = v;
        else if (strcmp(a, "--replay") == 0)
            o->replay = v;
        else {
            fprintf(stderr, "%s: unknown option %s\n", argv[0], a);
            return -1;
        }
        if (!ok) {
            fprintf(stderr, "%s: bad value for %s: '%s'\n", argv[0], a, v);
            return -1;
        }
        i++;
    }
    o->uargc = argc - i + 1;
    o->uargv = calloc((size_t)o->uargc + 1, sizeof(char *));
    if (!o->uargv)
        return -1;
    o->uargv[0] = argv[0];
    for (int k = 1; k < o->uargc; k++)
        o->uargv[k] = argv[i + k - 1];
    return 0;
}

typedef struct {
    sim_result_t result;
    const char *invariant; /* NULL: passed */
    char *message;
    uint64_t hash;
    uint32_t *values, *bounds;
    size_t n;
} outcome_t;

/* One run in this process. */
static void run_world(const opts_t *o, const sim_decide_opts_t *decide, bool print_log,
                      outcome_t *out)
{
    wakesim_monitor_t *m = wakesim_monitor_new(&o->b);
    sim_options_t so;
    sim_options_init(&so);
    so.decide = *decide;
    so.log_stream = print_log ? stdout : NULL;
    wakesim_monitor_attach(m, &so);
    sim_world_t *w = sim_world_new(&so);
    if (!w || !m) {
        fprintf(stderr, "%s: out of memory\n", o->prog);
        exit(EXIT_USAGE);
    }
    user_call_t call = { o->uargc, o->uargv, 0 };
    out->result = sim_world_run(w, run_user_main, &call);
    wakesim_monitor_finish(m, w);
    const char *inv = wakesim_monitor_invariant(m);
    char status_msg[96];
    if (!inv && out->result == SIM_RESULT_OK && call.status != 0) {
        snprintf(status_msg, sizeof(status_msg), "exit-status: main returned %d",
                 call.status);
        inv = "exit-status";
    }
    /* The monitor gave deadlocks and limits their invariant; what is left
     * (a replay error, a sim_violation() of the program's own) keeps the
     * result's name. */
    if (!inv && out->result != SIM_RESULT_OK)
        inv = sim_result_name(out->result);
    out->invariant = inv ? strdup(inv) : NULL;
    out->message = strdup(!inv                              ? ""
                          : strcmp(inv, "exit-status") == 0 ? status_msg
                          : *wakesim_monitor_message(m)     ? wakesim_monitor_message(m)
                                                            : sim_world_message(w));
    out->hash = sim_world_log_hash(w);
    const uint32_t *v, *b;
    out->n = sim_world_decisions(w, &v, &b);
    out->values = malloc((out->n + 1) * sizeof(uint32_t));
    out->bounds = malloc((out->n + 1) * sizeof(uint32_t));
    if (out->n) {
        memcpy(out->values, v, out->n * sizeof(uint32_t));
        memcpy(out->bounds, b, out->n * sizeof(uint32_t));
    }
    sim_world_free(w);
    wakesim_monitor_free(m);
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

static int write_repro(const opts_t *o, uint64_t seed, const outcome_t *r, char *path,
                       size_t path_size)
{
    snprintf(path, path_size, "%s/%s-seed%" PRIu64 ".repro", o->out, base_name(o->prog),
             seed);
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    fprintf(f, "wakesim-program-repro 1\n");
    fprintf(f, "program %s\nseed %" PRIu64 "\npct %u\n", base_name(o->prog), seed, o->pct);
    fprintf(f, "bounds %" PRId64 " %" PRId64 " %" PRId64 " %" PRId64 "\n",
            o->b.sqe_submit_ns, o->b.cqe_reap_ns, o->b.wake_ns, o->b.deadline_ns);
    fprintf(f, "invariant %s\nlog-hash %016" PRIx64 "\ndecisions %zu\n", r->invariant,
            r->hash, r->n);
    for (size_t i = 0; i < r->n; i++)
        fprintf(f, "%" PRIu32 " %" PRIu32 "\n", r->values[i], r->bounds[i]);
    fprintf(f, "end\n");
    return fclose(f) == 0 ? 0 : -1;
}

static int explore(opts_t *o)
{
    printf("%s: %" PRIu64 " schedules from seed %" PRIu64 " (%s), bounds: sqe %.3f ms, "
           "cqe %.3f ms, wake %.3f ms, deadline %.3f ms\n",
           base_name(o->prog), o->runs, o->seed, o->pct ? "pct" : "random",
           o->b.sqe_submit_ns / 1e6, o->b.cqe_reap_ns / 1e6, o->b.wake_ns / 1e6,
           o->b.deadline_ns / 1e6);
    fflush(stdout);
    for (uint64_t i = 0; i < o->runs; i++) {
        uint64_t seed = o->seed + i;
        pid_t pid = fork();
        if (pid < 0) {
            perror("fork");
            return EXIT_USAGE;
        }
        if (pid == 0) {
            sim_decide_opts_t d = { .kind = o->pct ? SIM_DECIDE_PCT : SIM_DECIDE_SEED,
                                    .seed = seed,
                                    .pct_depth = o->pct,
                                    .pct_steps = 10000,
                                    .pct_threads = 4 };
            outcome_t r;
            run_world(o, &d, false, &r);
            if (!r.invariant)
                _exit(0);
            char path[PATH_MAX];
            printf("VIOLATION (seed %" PRIu64 ") %s\n", seed, r.message);
            if (write_repro(o, seed, &r, path, sizeof(path)) < 0) {
                fprintf(stderr, "%s: cannot write %s: %s\n", o->prog, path,
                        strerror(errno));
                _exit(EXIT_USAGE);
            }
            printf("reproducer: %s\nreplay: %s --replay %s --log\n", path, o->prog, path);
            fflush(stdout);
            _exit(EXIT_VIOLATION);
        }
        int st;
        if (waitpid(pid, &st, 0) < 0) {
            perror("waitpid");
            return EXIT_USAGE;
        }
        if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
            continue;
        if (WIFSIGNALED(st))
            printf("CRASH (seed %" PRIu64 "): signal %d; rerun: %s --seed %" PRIu64
                   " --runs 1\n",
                   seed, WTERMSIG(st), o->prog, seed);
        return WIFEXITED(st) ? WEXITSTATUS(st) : EXIT_VIOLATION;
    }
    printf("%s: all %" PRIu64 " schedules passed\n", base_name(o->prog), o->runs);
    return 0;
}

/* Reads a reproducer; errors name file:line. */
static int read_repro(const opts_t *o, const char *path, opts_t *ro, uint64_t *seed,
                      char *inv, size_t inv_size, uint64_t *hash, uint32_t **values,
                      uint32_t **bounds, size_t *n)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "%s: %s: %s\n", o->prog, path, strerror(errno));
        return -1;
    }
    char line[512];
    int ln = 0;
    int ok = 0;
#define BAD(what)                                                                          \
    do {                                                                                   \
        fprintf(stderr, "%s: %s:%d: %s\n", o->prog, path, ln, what);                       \
        goto out;                                                                          \
    } while (0)
#define NEXT() (ln++, fgets(line, sizeof(line), f) != NULL)
    if (!NEXT() || strcmp(line, "wakesim-program-repro 1\n") != 0)
        BAD("not a wakesim program reproducer (first line)");
    char prog[128];
    if (!NEXT() || sscanf(line, "program %127s", prog) != 1)
        BAD("expected 'program NAME'");
    if (strcmp(prog, base_name(o->prog)) != 0)
        fprintf(stderr, "%s: note: recorded for program %s\n", o->prog, prog);
    if (!NEXT() || sscanf(line, "seed %" SCNu64, seed) != 1)
        BAD("expected 'seed N'");
    if (!NEXT() || sscanf(line, "pct %u", &ro->pct) != 1)
        BAD("expected 'pct D'");
    if (!NEXT() || sscanf(line, "bounds %" SCNd64 " %" SCNd64 " %" SCNd64 " %" SCNd64,
                          &ro->b.sqe_submit_ns, &ro->b.cqe_reap_ns, &ro->b.wake_ns,
                          &ro->b.deadline_ns) != 4)
        BAD("expected 'bounds SQE CQE WAKE DEADLINE'");
    char fmt[32];
    snprintf(fmt, sizeof(fmt), "invariant %%%zus", inv_size - 1);
    if (!NEXT() || sscanf(line, fmt, inv) != 1)
        BAD("expected 'invariant NAME'");
    if (!NEXT() || sscanf(line, "log-hash %" SCNx64, hash) != 1)
        BAD("expected 'log-hash HEX'");
    if (!NEXT() || sscanf(line, "decisions %zu", n) != 1 || *n > 100000000)
        BAD("expected 'decisions N'");
    *values = malloc((*n + 1) * sizeof(uint32_t));
    *bounds = malloc((*n + 1) * sizeof(uint32_t));
    if (!*values || !*bounds)
        BAD("out of memory");
    for (size_t i = 0; i < *n; i++) {
        uint32_t v, b;
        if (!NEXT() || sscanf(line, "%" SCNu32 " %" SCNu32, &v, &b) != 2 || b == 0 ||
            v >= b)
            BAD("expected a decision 'VALUE BOUND' with VALUE < BOUND (truncated?)");
        (*values)[i] = v;
        (*bounds)[i] = b;
    }
    if (!NEXT() || strcmp(line, "end\n") != 0)
        BAD("expected 'end' after the decisions");
    ok = 1;
out:
    fclose(f);
    return ok ? 0 : -1;
#undef BAD
#undef NEXT
}

static int replay(opts_t *o)
{
    opts_t ro = *o;
    uint64_t seed, hash;
    char inv[64];
    uint32_t *values = NULL, *bounds = NULL;
    size_t n;
    if (read_repro(o, o->replay, &ro, &seed, inv, sizeof(inv), &hash, &values, &bounds,
                   &n) < 0) {
        free(values);
        free(bounds);
        return EXIT_USAGE;
    }
    sim_decide_opts_t d = { .kind = SIM_DECIDE_REPLAY,
                            .replay = values,
                            .replay_bounds = bounds,
                            .replay_len = n };
    outcome_t r;
    run_world(&ro, &d, o->log, &r);
    bool same = r.invariant && strcmp(r.invariant, inv) == 0 && r.hash == hash;
    printf("replay of %s (seed %" PRIu64 "): %s; log hash %016" PRIx64
           " (recorded %016" PRIx64 ") %s\n",
           o->replay, seed, r.invariant ? r.message : "no violation", r.hash, hash,
           same ? "identical" : "DIFFERS");
    free(values);
    free(bounds);
    free(r.values);
    free(r.bounds);
    free(r.message);
    free((char *)r.invariant);
    return same ? EXIT_VIOLATION : EXIT_DIVERGED;
}

int main(int argc, char **argv)
{
    opts_t o;
    if (parse_args(argc, argv, &o) < 0) {
        usage(argv[0]);
        return EXIT_USAGE;
    }
    int rc = o.replay ? replay(&o) : explore(&o);
    free(o.uargv);
    return rc;
}

/* A run that ends early (a violation stops it; every thread still alive is
 * unwound, its C frames abandoned) leaves whatever the program had
 * allocated unreachable: that is by design, not a leak of the program, and
 * a sanitized build would otherwise fail every replay of a violation at
 * exit.  Only programs linked with this driver are affected. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "detect_leaks=0";
}

/*
 * crash.c - crashes of the code under test as verdicts (see crash.h).
 *
 * Everything the handlers do is async-signal-safe: they read the current
 * world through its plain accessors (no allocation), format with the
 * helpers below, and write(2).  A handler puts the previous disposition
 * back before it returns, so the signal then does what it did without
 * wakesim: a fault re-executes and kills the process (or reaches ASan's own
 * handler, which prints its report), a raised signal is raised again.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <glib.h>
#include "crash.h"
#include "heap-check.h"
#include "invariant.h"
#include "sim.h"

/* Weak: present only in a sanitized build. */
void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));
const char *__asan_get_report_description(void) __attribute__((weak));

/* UBSan's runtime (gcc: a library of its own, whose death callback is not
 * the one ASan's __sanitizer_set_death_callback sets) exits quietly after
 * its report; aborting instead makes its error a SIGABRT the crash catcher
 * reports like any other.  Read by UBSan only; UBSAN_OPTIONS still wins. */
const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "abort_on_error=1:print_stacktrace=1";
}

enum { MODE_OFF, MODE_GUARD, MODE_CHILD };
enum { REC_CRASH = 1, REC_ENDED = 2 };
#define REC_MAGIC 0x77636b31u /* "wck1" */

static const int fatal_signals[] = { SIGSEGV, SIGBUS,  SIGFPE, SIGILL,
                                     SIGABRT, SIGTRAP, SIGSYS };
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))

/* What one child sends back: this header, then n values, n bounds and
 * log_len bytes of log. */
typedef struct {
    uint32_t magic, kind;
    int32_t signo, host;
    char thread[32];
    char what[96];
    uint64_t steps;
    int64_t end_ns;
    uint64_t log_hash;
    uint64_t n, log_len;
    int32_t heap; /* he holds a heap error (heap-check.h) */
    sim_heap_error_t he;
} record_t;

static struct {
    int mode;
    int fd; /* MODE_CHILD: the pipe to the parent */
    char **reexec;
    int exit_status;
    const char *prefix, *after_line;
    char label[160];
    struct sigaction old[N_FATAL];
    bool installed;
} g;
static atomic_int fired;
static char altstack[1 << 16];

const char *cli_crash_signal_name(int signo)
{
    switch (signo) {
    case 0:
        return "sanitizer error";
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGFPE:
        return "SIGFPE";
    case SIGILL:
        return "SIGILL";
    case SIGABRT:
        return "SIGABRT";
    case SIGTRAP:
        return "SIGTRAP";
    case SIGSYS:
        return "SIGSYS";
    default:
        return "signal";
    }
}

/* ---- async-signal-safe formatting ---- */

typedef struct {
    char buf[768];
    size_t len;
} line_t;

static void put(line_t *l, const char *s)
{
    while (s && *s && l->len < sizeof(l->buf)) {
        l->buf[l->len++] = *s++;
    }
}

static void put_u(line_t *l, uint64_t v)
{
    char d[24];
    int i = 0;
    do {
        d[i++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (i && l->len < sizeof(l->buf)) {
        l->buf[l->len++] = d[--i];
    }
}

static void emit(int fd, const line_t *l)
{
    size_t off = 0;
    while (off < l->len) {
        ssize_t w = write(fd, l->buf + off, l->len - off);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        off += (size_t)w;
    }
}

static void emit_raw(int fd, const void *p, size_t len)
{
    const char *s = p;
    while (len) {
        ssize_t w = write(fd, s, len);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return;
        }
        s += w;
        len -= (size_t)w;
    }
}

static void copy_str(char *dst, size_t size, const char *src)
{
    size_t i = 0;
    for (; src && src[i] && i + 1 < size; i++) {
        dst[i] = src[i];
    }
    dst[i] = '\0';
}

/* The sanitizer's own name for the error (ASan's "heap-use-after-free"). */
static const char *sanitizer_what(int signo)
{
    if (signo != 0 || !__asan_get_report_description) {
        return "";
    }
    const char *d = __asan_get_report_description();
    return d ? d : "";
}

/* "crash: SIGSEGV on simulated thread vcpu0" and the sanitizer's kind. */
static void put_crash(line_t *l, int signo, const char *thread, const char *what)
{
    put(l, "crash: ");
    put(l, cli_crash_signal_name(signo));
    if (signo != 0 && strcmp(cli_crash_signal_name(signo), "signal") == 0) {
        put(l, " ");
        put_u(l, (uint64_t)signo);
    }
    if (what && *what) {
        put(l, " (");
        put(l, what);
        put(l, ")");
    }
    put(l, " on simulated thread ");
    put(l, thread);
}

/* "heap-error: double-free on simulated thread vcpu0 at step 812: ..."
 * (docs/invariants.md): what, where, which block; no address. */
static void put_block(line_t *l, const sim_heap_error_t *e)
{
    put(l, "; the block: ");
    put_u(l, e->size);
    put(l, " bytes, allocated at step ");
    put_u(l, e->alloc_step);
    put(l, " on ");
    put(l, e->alloc_thread);
    put(l, ", freed at step ");
    put_u(l, e->free_step);
    put(l, " on ");
    put(l, e->free_thread);
}

static void put_heap_what(line_t *l, const sim_heap_error_t *e)
{
    switch (e->kind) {
    case SIM_HEAP_USE_AFTER_FREE:
        put(l, "a pointer read from a freed block was followed (offset ");
        put(l, e->offset < 0 ? "-" : "+");
        put_u(l, e->offset < 0 ? (uint64_t)-e->offset : (uint64_t)e->offset);
        put(l, e->known ? " from it)" : " from it; the block has left the quarantine)");
        break;
    case SIM_HEAP_WRITE_AFTER_FREE:
        put(l, "byte ");
        put_u(l, (uint64_t)e->offset);
        put(l, " of a freed block was written after its free");
        break;
    case SIM_HEAP_DOUBLE_FREE:
        put(l, e->op);
        put(l, "() of a block already freed");
        break;
    case SIM_HEAP_INVALID_FREE:
        put(l, e->libc ? "the C library's allocator aborted in " : "");
        put(l, e->op);
        put(l, e->libc ? "() (a pointer it did not allocate, a block freed twice, or its "
                         "metadata overwritten)"
                       : "() of a misaligned pointer (malloc never returns one)");
        break;
    default:
        put(l, "the C library's allocator aborted in ");
        put(l, e->op);
        put(l, "() (its metadata overwritten: a write out of a block's bounds)");
    }
}

static void put_heap(line_t *l, const sim_heap_error_t *e)
{
    put(l, "heap-error: ");
    put(l, sim_heap_kind_name(e->kind));
    /* A write after free is found after the fact: the thread is the one
     * whose free made the block leave the quarantine, not the writer. */
    bool found = e->kind == SIM_HEAP_WRITE_AFTER_FREE;
    put(l, !e->thread[0] ? " found at the end of the run"
           : found       ? " found on simulated thread "
                         : " on simulated thread ");
    put(l, e->thread);
    put(l, " at step ");
    put_u(l, e->step);
    put(l, ": ");
    put_heap_what(l, e);
    if (e->known) {
        put_block(l, e);
    }
}

/* ---- the handlers ---- */

static void send_record(int signo, sim_world_t *w, sim_thread_t *t,
                        const sim_heap_error_t *he)
{
    record_t r = { .magic = REC_MAGIC, .kind = REC_CRASH, .signo = signo };
    r.host = !t && !he;
    r.heap = he != NULL;
    if (he) {
        r.he = *he;
    }
    const uint32_t *v = NULL, *b = NULL;
    size_t log_len = 0;
    const char *log = "";
    copy_str(r.thread, sizeof(r.thread), t ? sim_thread_name(t) : "");
    copy_str(r.what, sizeof(r.what), sanitizer_what(signo));
    if (w) {
        r.n = sim_world_decisions(w, &v, &b);
        r.steps = sim_world_steps(w);
        r.end_ns = sim_world_now_ns(w);
        r.log_hash = sim_world_log_hash(w);
        log = sim_world_log(w, &log_len);
        r.log_len = log_len;
    }
    emit_raw(g.fd, &r, sizeof(r));
    emit_raw(g.fd, v, r.n * sizeof(uint32_t));
    emit_raw(g.fd, b, r.n * sizeof(uint32_t));
    emit_raw(g.fd, log, log_len);
    close(g.fd);
}

/* The guard: what is known, then a clean image (or an exit). */
static void guard_report(int signo, sim_world_t *w, sim_thread_t *t,
                         const sim_heap_error_t *he)
{
    line_t l = { .len = 0 };
    if (!t && !he) {
        put(&l, "wakesim itself crashed: ");
        put(&l, cli_crash_signal_name(signo));
        put(&l, w ? " in the simulator's host loop (no simulated thread running)"
                  : " outside any simulated run");
        put(&l, ", during ");
        put(&l, g.label[0] ? g.label : "start-up");
        put(&l, "\n");
        emit(2, &l);
        return;
    }
    put(&l, g.prefix);
    put(&l, " in ");
    put(&l, g.label);
    put(&l, ": ");
    if (he) {
        put_heap(&l, he);
    } else {
        put_crash(&l, signo, sim_thread_name(t), sanitizer_what(signo));
    }
    put(&l, "\n");
    put(&l, g.after_line);
    emit(1, &l);
    if (g.reexec) {
        sigset_t all;
        sigfillset(&all);
        sigprocmask(SIG_UNBLOCK, &all, NULL); /* the mask survives execv */
        execv("/proc/self/exe", g.reexec);
        line_t e = { .len = 0 };
        put(&e, "wakesim: cannot re-execute itself to record the crash\n");
        emit(2, &e);
    } else if (g.exit_status) {
        _exit(g.exit_status);
    }
}

/* A heap error is one only within a run: its record needs the world's
 * decisions (one found by the end-of-run check has no simulated thread). */
static void caught(int signo, const void *addr)
{
    sim_world_t *w = sim_world_current();
    sim_thread_t *t = w ? sim_thread_self() : NULL;
    static sim_heap_error_t he_buf;
    const sim_heap_error_t *he =
        w && signo && sim_heap_error_take(signo, addr, &he_buf) ? &he_buf : NULL;
    if (g.mode == MODE_CHILD) {
        send_record(signo, w, t, he);
    } else if (g.mode == MODE_GUARD) {
        guard_report(signo, w, t, he);
    }
}

static void restore(void)
{
    if (!g.installed) {
        return;
    }
    for (size_t i = 0; i < N_FATAL; i++) {
        sigaction(fatal_signals[i], &g.old[i], NULL);
    }
    g.installed = false;
}

static void on_fatal(int signo, siginfo_t *si, void *uc)
{
    (void)uc;
    if (!atomic_exchange(&fired, 1)) {
        caught(signo, si->si_addr);
    }
    restore();
    if (si->si_code <= 0) {
        raise(signo); /* sent, not a fault: pending until we return */
    }
}

/* A sanitizer's error: it prints its report, calls this, and exits. */
static void on_death(void)
{
    if (g.mode != MODE_OFF && !atomic_exchange(&fired, 1)) {
        caught(0, NULL);
    }
}

static void install(void)
{
    stack_t ss = { .ss_sp = altstack, .ss_size = sizeof(altstack) };
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigfillset(&sa.sa_mask);
    for (size_t i = 0; i < N_FATAL; i++) {
        sigaction(fatal_signals[i], &sa, &g.old[i]);
    }
    g.installed = true;
    atomic_store(&fired, 0);
    if (__sanitizer_set_death_callback) {
        __sanitizer_set_death_callback(on_death);
    }
}

void cli_crash_guard_arm(char **reexec, int exit_status, const char *prefix,
                         const char *after_line)
{
    restore();
    g.mode = MODE_GUARD;
    g.reexec = reexec;
    g.exit_status = exit_status;
    g.prefix = prefix;
    g.after_line = after_line ? after_line : "";
    g.label[0] = '\0';
    install();
}

void cli_crash_guard_run(const char *label)
{
    copy_str(g.label, sizeof(g.label), label);
}

void cli_crash_guard_disarm(void)
{
    restore();
    g.mode = MODE_OFF;
}

/* ---- a run in a child process ---- */

static _Noreturn void child(int fd, cli_crash_fn_t *fn, void *arg)
{
    g.mode = MODE_CHILD;
    g.fd = fd;
    install();
    const char *text = fn(arg);
    g.mode = MODE_OFF;
    restore();
    record_t r = { .magic = REC_MAGIC, .kind = REC_ENDED };
    copy_str(r.what, sizeof(r.what), text);
    emit_raw(fd, &r, sizeof(r));
    fflush(stdout);
    fflush(stderr);
    _exit(0);
}

static GByteArray *read_all(int fd)
{
    GByteArray *a = g_byte_array_new();
    guint8 buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        g_byte_array_append(a, buf, (guint)n);
    }
    return a;
}

/* Fills c from what the child sent; false when it sent no whole record. */
static bool parse_record(const GByteArray *a, cli_crash_t *c)
{
    record_t r;
    if (a->len < sizeof(r)) {
        return false;
    }
    memcpy(&r, a->data, sizeof(r));
    size_t dec = (size_t)r.n * sizeof(uint32_t);
    if (r.magic != REC_MAGIC || r.n > a->len || r.log_len > a->len ||
        a->len != sizeof(r) + 2 * dec + r.log_len) {
        return false;
    }
    const guint8 *p = a->data + sizeof(r);
    c->crashed = r.kind == REC_CRASH;
    c->host = r.host;
    c->heap = r.heap != 0;
    c->heap_error = r.he;
    c->signo = r.signo;
    memcpy(c->thread, r.thread, sizeof(c->thread));
    memcpy(c->what, r.what, sizeof(c->what));
    c->thread[sizeof(c->thread) - 1] = c->what[sizeof(c->what) - 1] = '\0';
    c->steps = r.steps;
    c->end_ns = r.end_ns;
    c->log_hash = r.log_hash;
    c->n = (size_t)r.n;
    c->values = g_memdup2(p, dec);
    c->bounds = g_memdup2(p + dec, dec);
    c->log = r.log_len ? g_strndup((const char *)p + 2 * dec, r.log_len) : NULL;
    return true;
}

bool cli_crash_fork(cli_crash_fn_t *fn, void *arg, cli_crash_t *c)
{
    memset(c, 0, sizeof(*c));
    int p[2];
    fflush(stdout);
    fflush(stderr);
    if (pipe(p) < 0) {
        fprintf(stderr, "wakesim: pipe: %s\n", g_strerror(errno));
        c->wait_status = -1;
        return false;
    }
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        child(p[1], fn, arg);
    }
    close(p[1]);
    if (pid < 0) {
        fprintf(stderr, "wakesim: fork: %s\n", g_strerror(errno));
        close(p[0]);
        c->wait_status = -1;
        return false;
    }
    GByteArray *a = read_all(p[0]);
    close(p[0]);
    while (waitpid(pid, &c->wait_status, 0) < 0 && errno == EINTR) {
    }
    bool whole = parse_record(a, c);
    g_byte_array_free(a, TRUE);
    if (!whole && WIFSIGNALED(c->wait_status)) {
        /* Killed before its handler could speak (SIGKILL, a second fault
         * in the handler): a crash with nothing known. */
        c->crashed = true;
        c->host = true;
        c->signo = WTERMSIG(c->wait_status);
    }
    return c->crashed;
}

void cli_crash_clear(cli_crash_t *c)
{
    g_free(c->values);
    g_free(c->bounds);
    g_free(c->log);
    memset(c, 0, sizeof(*c));
}

char *cli_crash_message(const cli_crash_t *c)
{
    line_t l = { .len = 0 };
    if (c->heap) {
        put_heap(&l, &c->heap_error);
    } else {
        put_crash(&l, c->signo, c->thread[0] ? c->thread : "?", c->what);
    }
    return g_strndup(l.buf, l.len);
}

const char *cli_crash_invariant(const cli_crash_t *c)
{
    return c->heap ? WK_INV_HEAP : WK_INV_CRASH;
}

bool cli_crash_verdict(const char *verdict)
{
    return strcmp(verdict, WK_INV_CRASH) == 0 || strcmp(verdict, WK_INV_HEAP) == 0;
}

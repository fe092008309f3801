/*
 * jobs.c - --jobs N: a search over run indices in forked worker processes
 * whose merged result is the sequential one (jobs.h).
 */
#include "jobs.h"
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include "cli.h"
#include "crash.h"

/* What one worker tells the parent, in memory shared with it. */
typedef struct {
    uint64_t cur; /* the index it is running; NONE between runs */
    uint64_t first[CLI_JOBS_CLASSES];
    uint64_t runs;
    int finished; /* it left its loop (not killed in a run) */
} slot_t;

typedef struct {
    uint64_t stop; /* lowest terminal index found so far (atomic) */
    slot_t w[];
} shared_t;

unsigned cli_jobs_default(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0) {
        return (unsigned)CPU_COUNT(&set);
    }
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

int cli_jobs_parse(const char *s, uint64_t runs, unsigned *jobs)
{
    uint64_t v = 0;
    if (!s) {
        *jobs = runs <= 1 ? 1 : cli_jobs_default();
        return 0;
    }
    if (cli_parse_u64("--jobs", s, &v) < 0) {
        return -1;
    }
    if (v < 1 || v > 1024) {
        fprintf(stderr, "%s: --jobs must be in 1..1024, got %s\n", cli_prog, s);
        return -1;
    }
    *jobs = (unsigned)v;
    return 0;
}

static void atomic_min(uint64_t *p, uint64_t v)
{
    uint64_t old = __atomic_load_n(p, __ATOMIC_RELAXED);
    while (v < old && !__atomic_compare_exchange_n(p, &old, v, false, __ATOMIC_RELAXED,
                                                   __ATOMIC_RELAXED)) {
    }
}

/* Worker w of jobs: indices w, w+jobs, ... until one is past the lowest
 * terminal index found by anyone.  Never returns. */
static void worker(shared_t *sh, pid_t parent, unsigned w, unsigned jobs, uint64_t n,
                   unsigned terminal_mask, cli_jobs_fn_t *fn, void *arg)
{
    slot_t *s = &sh->w[w];
    /* A parent killed (timeout(1), a CI limit) takes its workers along:
     * they would otherwise go on to the last index. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) {
        _exit(0);
    }
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) { /* the parent prints; a crash here is re-run there */
        dup2(null, 1);
        dup2(null, 2);
    }
    /* A crash kills this worker: the parent sees it and re-runs the
     * index with its own guard (an inherited guard would re-execute). */
    cli_crash_guard_arm(NULL, 0, "crash", NULL);
    for (uint64_t i = w; i < n; i += jobs) {
        if (i > __atomic_load_n(&sh->stop, __ATOMIC_RELAXED)) {
            break;
        }
        __atomic_store_n(&s->cur, i, __ATOMIC_RELAXED);
        int c = fn(arg, i);
        s->runs++;
        if (c > 0 && c < CLI_JOBS_CLASSES && s->first[c] == CLI_JOBS_NONE) {
            s->first[c] = i;
        }
        if (c > 0 && (terminal_mask >> c & 1)) {
            atomic_min(&sh->stop, i);
            break;
        }
    }
    s->cur = CLI_JOBS_NONE;
    s->finished = 1;
    _exit(0);
}

/* The workers' slots merged into what the sequential loop would see. */
static void merge(const shared_t *sh, unsigned jobs, unsigned terminal_mask,
                  cli_jobs_result_t *r)
{
    for (unsigned w = 0; w < jobs; w++) {
        const slot_t *s = &sh->w[w];
        for (int c = 1; c < CLI_JOBS_CLASSES; c++) {
            r->first[c] = MIN(r->first[c], s->first[c]);
        }
        if (!s->finished && s->cur != CLI_JOBS_NONE) {
            r->crashed = MIN(r->crashed, s->cur);
        }
        r->runs += s->runs;
    }
    r->stop = r->crashed;
    for (int c = 1; c < CLI_JOBS_CLASSES; c++) {
        if (terminal_mask >> c & 1) {
            r->stop = MIN(r->stop, r->first[c]);
        }
    }
    for (int c = 1; c < CLI_JOBS_CLASSES; c++) {
        if (r->first[c] != CLI_JOBS_NONE && r->first[c] > r->stop) {
            r->first[c] = CLI_JOBS_NONE; /* past the end of the search */
        }
    }
    if (r->crashed > r->stop) {
        r->crashed = CLI_JOBS_NONE;
    }
}

int cli_jobs_search(unsigned jobs, uint64_t n, unsigned terminal_mask, cli_jobs_fn_t *fn,
                    void *arg, cli_jobs_result_t *r)
{
    *r = (cli_jobs_result_t){ .crashed = CLI_JOBS_NONE, .stop = CLI_JOBS_NONE };
    for (int c = 0; c < CLI_JOBS_CLASSES; c++) {
        r->first[c] = CLI_JOBS_NONE;
    }
    jobs = (unsigned)MIN((uint64_t)jobs, MAX(n, 1));
    size_t size = sizeof(shared_t) + jobs * sizeof(slot_t);
    shared_t *sh =
        mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        fprintf(stderr, "%s: --jobs: mmap: %s\n", cli_prog, strerror(errno));
        return -1;
    }
    sh->stop = CLI_JOBS_NONE;
    for (unsigned w = 0; w < jobs; w++) {
        sh->w[w] = (slot_t){ .cur = CLI_JOBS_NONE };
        for (int c = 0; c < CLI_JOBS_CLASSES; c++) {
            sh->w[w].first[c] = CLI_JOBS_NONE;
        }
    }
    fflush(stdout);
    fflush(stderr);
    unsigned started = 0;
    pid_t pids[1024], self = getpid();
    for (; started < jobs; started++) {
        pid_t p = fork();
        if (p == 0) {
            worker(sh, self, started, jobs, n, terminal_mask, fn, arg);
        }
        if (p < 0) {
            fprintf(stderr, "%s: --jobs: fork: %s\n", cli_prog, strerror(errno));
            atomic_min(&sh->stop, 0); /* the others stop at once */
            break;
        }
        pids[started] = p;
    }
    for (unsigned left = started; left > 0;) {
        pid_t p = wait(NULL);
        if (p < 0 && errno == EINTR) {
            continue;
        }
        if (p < 0) {
            break;
        }
        for (unsigned w = 0; w < started; w++) {
            if (pids[w] != p) {
                continue;
            }
            if (!sh->w[w].finished) {
                /* died in a run: the others need not go past it */
                atomic_min(&sh->stop, sh->w[w].cur);
            }
            left--;
        }
    }
    int rc = started == jobs ? 0 : -1;
    if (rc == 0) {
        merge(sh, jobs, terminal_mask, r);
    }
    munmap(sh, size);
    return rc;
}

/*
 * bench-iotest.c - the seed report's iotest workload on a real file, with the
 * fixed loop and with the missing-notify-add-sqe mutant.
 *
 * A main-loop thread idles in aio_main_loop_wait() with a 499 ms timer as its
 * only other source.  A vCPU thread reads the file in 128 KiB chunks, in
 * batches of 16: it sleeps 1 ms, takes the BQL and starts the batch inline
 * with aio_blk_read() on the main context (the BQL rule), releases the BQL,
 * then processes each completion (checks its data) and sleeps 1 ms after
 * each.  Completion callbacks run on the main-loop thread and hand the chunk
 * to the vCPU under a mutex/condvar.  Without the notify in add_sqe each
 * batch waits for the main loop's timer.
 *
 * Not a test: prints the times.  Exit 0 ok, 1 data mismatch or I/O error,
 * 2 bad usage.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include "aio.h"
#include "aio-mutants.h"

#define CHUNK_BYTES (128 * 1024)
#define BATCH_CHUNKS 16
#define THINK_NS 1000000L /* 1 ms */
#define MAIN_TIMER_NS (499 * 1000000LL)
#define ALIGN_BYTES 4096
#define PATTERN_SEED UINT64_C(0x9e3779b97f4a7c15)

/* ---- temporary directory, removed at exit ---- */
static char *tmp_dir, *tmp_file;

static void cleanup_tmp(void)
{
    if (tmp_file) {
        unlink(tmp_file);
    }
    if (tmp_dir) {
        rmdir(tmp_dir);
    }
}

static void die(const char *fmt, ...) G_GNUC_PRINTF(1, 2) G_GNUC_NORETURN;
static void die(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "bench-iotest: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(1);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void think(void)
{
    struct timespec ts = { 0, THINK_NS };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

/* ---- data pattern: each 8-byte word holds a function of its offset ---- */
static uint64_t pattern_word(uint64_t offset)
{
    uint64_t x = (offset / 8 + 1) * PATTERN_SEED;
    return x ^ (x >> 29);
}

static void pattern_fill(void *buf, size_t len, uint64_t offset)
{
    uint64_t *w = buf;
    for (size_t i = 0; i < len / 8; i++) {
        w[i] = pattern_word(offset + i * 8);
    }
}

/* Returns the offset of the first bad word, or -1 if the chunk is right. */
static int64_t pattern_check(const void *buf, size_t len, uint64_t offset)
{
    const uint64_t *w = buf;
    for (size_t i = 0; i < len / 8; i++) {
        if (w[i] != pattern_word(offset + i * 8)) {
            return (int64_t)(offset + i * 8);
        }
    }
    return -1;
}

/* ---- --size ---- */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    errno = 0;
    if (!g_ascii_isdigit(*s)) {
        return false;
    }
    guint64 v = g_ascii_strtoull(s, &end, 10);
    if (errno || end == s) {
        return false;
    }
    unsigned shift = 0;
    switch (g_ascii_toupper(*end)) {
    case 'K':
        shift = 10;
        end++;
        break;
    case 'M':
        shift = 20;
        end++;
        break;
    case 'G':
        shift = 30;
        end++;
        break;
    default:
        break;
    }
    if (shift &&
        (g_ascii_strcasecmp(end, "iB") == 0 || g_ascii_strcasecmp(end, "B") == 0)) {
        end += strlen(end);
    }
    if (*end || v == 0 || v > (UINT64_MAX >> shift)) {
        return false;
    }
    *out = v << shift;
    return true;
}

/* ---- the file ---- */
typedef struct {
    int fd;
    bool direct;
    uint64_t size;
} bench_file_t;

static void file_create(const char *path, uint64_t size)
{
    int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0) {
        die("create %s: %s", path, strerror(errno));
    }
    void *buf;
    if (posix_memalign(&buf, ALIGN_BYTES, CHUNK_BYTES)) {
        die("out of memory");
    }
    for (uint64_t off = 0; off < size; off += CHUNK_BYTES) {
        pattern_fill(buf, CHUNK_BYTES, off);
        if (pwrite(fd, buf, CHUNK_BYTES, (off_t)off) != CHUNK_BYTES) {
            die("write %s: %s", path, strerror(errno));
        }
    }
    if (fsync(fd) < 0) {
        die("fsync %s: %s", path, strerror(errno));
    }
    close(fd);
    free(buf);
}

/* O_DIRECT if the file system takes it (open and one aligned read),
 * else buffered. */
static bench_file_t file_open(const char *path, uint64_t size)
{
    bench_file_t f = { .fd = -1, .size = size };
    f.fd = open(path, O_RDONLY | O_DIRECT | O_CLOEXEC);
    if (f.fd >= 0) {
        void *probe;
        if (posix_memalign(&probe, ALIGN_BYTES, ALIGN_BYTES)) {
            die("out of memory");
        }
        f.direct = pread(f.fd, probe, ALIGN_BYTES, 0) == ALIGN_BYTES;
        free(probe);
        if (!f.direct) {
            close(f.fd);
            f.fd = -1;
        }
    } else if (errno != EINVAL) {
        die("open %s: %s", path, strerror(errno));
    }
    if (f.fd < 0) {
        f.fd = open(path, O_RDONLY | O_CLOEXEC);
        if (f.fd < 0) {
            die("open %s: %s", path, strerror(errno));
        }
    }
    return f;
}

/* Buffered mode: ask the kernel to drop the file from the page cache, so
 * reads go to the device (advisory; dirty or mapped pages may stay). */
static void file_drop_cache(bench_file_t *f)
{
    if (!f->direct) {
        posix_fadvise(f->fd, 0, 0, POSIX_FADV_DONTNEED);
    }
}

/* ---- one run of the workload ---- */
typedef struct {
    bench_file_t *file;
    void *bufs[BATCH_CHUNKS];

    pthread_mutex_t lock;
    pthread_cond_t cond;
    int done_slots[BATCH_CHUNKS]; /* completion order, under lock */
    ssize_t done_ret[BATCH_CHUNKS];
    int done_count;

    aio_context_t *ctx;
    aio_timer_t *main_timer;
    bool stop; /* main-loop thread only (set by a BH) */
    int64_t elapsed_ns;
    int failed; /* exit code, 0 if ok */
} bench_run_t;

typedef struct {
    bench_run_t *run;
    int slot;
} bench_slot_t;

static void main_timer_cb(void *opaque)
{
    bench_run_t *run = opaque;
    aio_timer_mod_ns(run->main_timer, aio_clock_ns() + MAIN_TIMER_NS);
}

static void stop_cb(void *opaque)
{
    ((bench_run_t *)opaque)->stop = true;
}

/* Main-loop thread: hand the chunk to the vCPU. */
static void read_done_cb(void *opaque, ssize_t ret)
{
    bench_slot_t *s = opaque;
    bench_run_t *run = s->run;
    pthread_mutex_lock(&run->lock);
    run->done_slots[run->done_count] = s->slot;
    run->done_ret[run->done_count] = ret;
    run->done_count++;
    pthread_cond_signal(&run->cond);
    pthread_mutex_unlock(&run->lock);
}

static void *vcpu_thread(void *opaque)
{
    bench_run_t *run = opaque;
    bench_slot_t slots[BATCH_CHUNKS];
    uint64_t size = run->file->size;
    int64_t start = now_ns();

    for (uint64_t batch_off = 0; batch_off < size && !run->failed;
         batch_off += (uint64_t)CHUNK_BYTES * BATCH_CHUNKS) {
        int n = 0;
        think(); /* before each batch */
        aio_bql_lock();
        for (; n < BATCH_CHUNKS && batch_off + (uint64_t)n * CHUNK_BYTES < size; n++) {
            slots[n] = (bench_slot_t){ run, n };
            int ret = aio_blk_read(run->file->fd, run->bufs[n], CHUNK_BYTES,
                                   batch_off + (uint64_t)n * CHUNK_BYTES, read_done_cb,
                                   &slots[n]);
            if (ret < 0) {
                die("aio_blk_read: %s", strerror(-ret));
            }
        }
        aio_bql_unlock();

        for (int i = 0; i < n; i++) {
            pthread_mutex_lock(&run->lock);
            while (run->done_count <= i) {
                pthread_cond_wait(&run->cond, &run->lock);
            }
            int slot = run->done_slots[i];
            ssize_t ret = run->done_ret[i];
            pthread_mutex_unlock(&run->lock);

            uint64_t off = batch_off + (uint64_t)slot * CHUNK_BYTES;
            if (ret != CHUNK_BYTES) {
                fprintf(stderr, "bench-iotest: read at %" PRIu64 ": %s\n", off,
                        ret < 0 ? strerror((int)-ret) : "short read");
                run->failed = 1;
            } else {
                int64_t bad = pattern_check(run->bufs[slot], CHUNK_BYTES, off);
                if (bad >= 0) {
                    fprintf(stderr, "bench-iotest: data mismatch at offset %" PRId64 "\n",
                            bad);
                    run->failed = 1;
                }
            }
            think(); /* after each completion */
        }
        pthread_mutex_lock(&run->lock);
        run->done_count = 0;
        pthread_mutex_unlock(&run->lock);
    }
    run->elapsed_ns = now_ns() - start;
    aio_bh_schedule_oneshot(run->ctx, stop_cb, run);
    return NULL;
}

/* This thread is the main-loop thread for the run. */
static int bench_run(bench_file_t *file, bool mutant, int64_t *elapsed_ns)
{
    bench_run_t run = { .file = file };
    int err = 0;

    aio_mutants_clear();
    aio_mutant_set(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE, mutant);
    file_drop_cache(file);
    for (int i = 0; i < BATCH_CHUNKS; i++) {
        if (posix_memalign(&run.bufs[i], ALIGN_BYTES, CHUNK_BYTES)) {
            die("out of memory");
        }
    }
    pthread_mutex_init(&run.lock, NULL);
    pthread_cond_init(&run.cond, NULL);

    aio_bql_init();
    run.ctx = aio_context_new(AIO_BACKEND_IO_URING, &err);
    if (!run.ctx) {
        die("io_uring context: %s", strerror(-err));
    }
    aio_main_loop_t *ml = aio_main_loop_new(run.ctx);
    run.main_timer = aio_timer_new(run.ctx, main_timer_cb, &run);
    aio_timer_mod_ns(run.main_timer, aio_clock_ns() + MAIN_TIMER_NS);

    aio_bql_lock();
    pthread_t vcpu;
    if (pthread_create(&vcpu, NULL, vcpu_thread, &run)) {
        die("pthread_create failed");
    }
    while (!run.stop) {
        int ret = aio_main_loop_wait(ml, false);
        if (ret < 0 && ret != -EINTR) {
            die("main loop: %s", strerror(-ret));
        }
    }
    aio_bql_unlock();
    pthread_join(vcpu, NULL);

    aio_timer_free(run.main_timer);
    aio_thread_context_set(NULL);
    aio_main_context_set(NULL);
    aio_context_free(run.ctx); /* first: see aio_main_loop_free() */
    aio_main_loop_free(ml);
    aio_bql_destroy();
    aio_mutants_clear();
    pthread_cond_destroy(&run.cond);
    pthread_mutex_destroy(&run.lock);
    for (int i = 0; i < BATCH_CHUNKS; i++) {
        free(run.bufs[i]);
    }
    *elapsed_ns = run.elapsed_ns;
    return run.failed;
}

static char *format_size(uint64_t bytes)
{
    if (bytes % (1u << 30) == 0) {
        return g_strdup_printf("%" PRIu64 " GiB", bytes >> 30);
    }
    if (bytes % (1u << 20) == 0) {
        return g_strdup_printf("%" PRIu64 " MiB", bytes >> 20);
    }
    return g_strdup_printf("%" PRIu64 " KiB", bytes >> 10);
}

int main(int argc, char **argv)
{
    gchar *size_arg = NULL, *dir_arg = NULL, *mode_arg = NULL;
    GOptionEntry entries[] = {
        { "size", 's', 0, G_OPTION_ARG_STRING, &size_arg,
          "Bytes to read, with K/M/G suffix (default 128M)", "SIZE" },
        { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir_arg,
          "Directory for the temporary file (default $TMPDIR or /var/tmp)", "DIR" },
        { "mode", 'm', 0, G_OPTION_ARG_STRING, &mode_arg,
          "fixed, mutant (missing-notify-add-sqe) or both (default)", "MODE" },
        { NULL },
    };
    GOptionContext *octx = g_option_context_new("- the seed's iotest workload");
    GError *gerr = NULL;
    g_option_context_add_main_entries(octx, entries, NULL);
    if (!g_option_context_parse(octx, &argc, &argv, &gerr)) {
        fprintf(stderr, "bench-iotest: %s\n", gerr->message);
        return 2;
    }
    g_option_context_free(octx);
    if (argc > 1) {
        fprintf(stderr, "bench-iotest: unexpected argument '%s'\n", argv[1]);
        return 2;
    }

    uint64_t size = (uint64_t)128 << 20;
    if (size_arg && (!parse_size(size_arg, &size) || size % CHUNK_BYTES)) {
        fprintf(stderr,
                "bench-iotest: bad --size '%s': want a positive multiple of "
                "128K, e.g. 16M, 128M, 1G\n",
                size_arg);
        return 2;
    }
    bool run_fixed = true, run_mutant = true;
    if (mode_arg) {
        if (strcmp(mode_arg, "fixed") == 0) {
            run_mutant = false;
        } else if (strcmp(mode_arg, "mutant") == 0) {
            run_fixed = false;
        } else if (strcmp(mode_arg, "both") != 0) {
            fprintf(stderr,
                    "bench-iotest: bad --mode '%s': want fixed, mutant or "
                    "both\n",
                    mode_arg);
            return 2;
        }
    }

    const char *base = dir_arg                                   ? dir_arg
                       : (getenv("TMPDIR") && *getenv("TMPDIR")) ? getenv("TMPDIR")
                                                                 : "/var/tmp";
    char *templ = g_strdup_printf("%s/wakesim-bench-XXXXXX", base);
    if (!mkdtemp(templ)) {
        fprintf(stderr, "bench-iotest: mkdtemp %s: %s\n", templ, strerror(errno));
        return 1;
    }
    tmp_dir = templ;
    tmp_file = g_strdup_printf("%s/data", tmp_dir);
    atexit(cleanup_tmp);

    file_create(tmp_file, size);
    bench_file_t file = file_open(tmp_file, size);
    char *size_str = format_size(size);
    printf("bench-iotest: %s in 128 KiB reads, batches of %d, 1 ms think time; %s on %s\n",
           size_str, BATCH_CHUNKS,
           file.direct ? "O_DIRECT"
                       : "buffered (no O_DIRECT here; page cache "
                         "dropped with POSIX_FADV_DONTNEED before each run)",
           tmp_file);
    fflush(stdout);

    int failed = 0;
    int64_t fixed_ns = 0, mutant_ns = 0;
    if (run_fixed) {
        failed |= bench_run(&file, false, &fixed_ns);
        printf("%-22s %6.2f s\n", "fixed", fixed_ns / 1e9);
        fflush(stdout);
    }
    if (run_mutant && !failed) {
        failed |= bench_run(&file, true, &mutant_ns);
        printf("%-22s %6.2f s\n", aio_mutant_name(AIO_MUTANT_MISSING_NOTIFY_ADD_SQE),
               mutant_ns / 1e9);
    }
    if (run_fixed && run_mutant && !failed && fixed_ns > 0) {
        printf("%-22s %6.1fx\n", "ratio", (double)mutant_ns / (double)fixed_ns);
    }

    close(file.fd);
    g_free(size_str);
    g_free(size_arg);
    g_free(dir_arg);
    g_free(mode_arg);
    return failed ? 1 : 0;
}

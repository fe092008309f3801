/*
 * conf-real.c - the Linux half of the conformance suite: runs one sequence
 * on the real kernel through liburing and prints its outcome lines.
 *
 *   conf-real FILE      (FILE "-": the sequence text on stdin)
 *   conf-real --probe   whether this machine has io_uring: one bare
 *                       io_uring_setup() system call, not liburing, so a
 *                       skip of the suite can be told from a machine that
 *                       cannot run it (conformance.c)
 *
 * Exit 0 done (--probe: io_uring_setup works), 2 bad input, 77 io_uring
 * unavailable here (the reason on stderr).  A separate program because liburing and the simulator define
 * the same entry points: the simulator must never link liburing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <sys/time.h>
#include <unistd.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include "conf-exec.h"

static int real_ring_init(unsigned entries, struct io_uring *ring)
{
    return io_uring_queue_init(entries, ring, 0);
}

static volatile sig_atomic_t hang_timer_fired;

static void on_hang_timer(int sig)
{
    (void)sig;
    hang_timer_fired = 1;
}

/* An interval timer cuts a wait that would never end (no SA_RESTART: the
 * enter returns -EINTR). */
static int real_submit_wait(struct io_uring *ring, unsigned n)
{
    struct sigaction sa = { .sa_handler = on_hang_timer };
    sigemptyset(&sa.sa_mask);
    sigaction(SIGALRM, &sa, NULL);
    hang_timer_fired = 0;
    struct itimerval it = { .it_value = { .tv_sec = CONF_HANG_NS / 1000000000,
                                          .tv_usec = CONF_HANG_NS % 1000000000 / 1000 } };
    setitimer(ITIMER_REAL, &it, NULL);
    int r = io_uring_submit_and_wait(ring, n);
    struct itimerval off = { 0 };
    setitimer(ITIMER_REAL, &off, NULL);
    return hang_timer_fired ? CONF_HANG : r;
}

static int real_eventfd_new(uint64_t initial)
{
    int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (initial && write(fd, &initial, sizeof(initial)) != sizeof(initial)) {
        int e = -errno;
        close(fd);
        return e;
    }
    return fd;
}

static int real_eventfd_write(int fd, uint64_t value)
{
    return write(fd, &value, sizeof(value)) == sizeof(value) ? 0 : -errno;
}

static int real_eventfd_read(int fd, uint64_t *value)
{
    return read(fd, value, sizeof(*value)) == sizeof(*value) ? 0 : -errno;
}

static int real_poll(struct pollfd *fds, unsigned n)
{
    struct timespec zero = { 0, 0 };
    int r = ppoll(fds, n, &zero, NULL);
    return r < 0 ? -errno : r;
}

/* The same bytes as the simulator's device would not matter: only results
 * are compared.  An unlinked temporary file in TMPDIR. */
static int real_file_new(uint64_t size)
{
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    char *path = g_strdup_printf("%s/wakesim-conf-XXXXXX", dir);
    int fd = mkstemp(path);
    int e = -errno;
    if (fd >= 0)
        unlink(path);
    g_free(path);
    if (fd < 0)
        return e;
    char *buf = g_malloc(size ? size : 1);
    for (uint64_t i = 0; i < size; i++)
        buf[i] = (char)(i * 7 + 1);
    ssize_t w = size ? pwrite(fd, buf, size, 0) : 0;
    g_free(buf);
    if (w != (ssize_t)size) {
        close(fd);
        return -EIO;
    }
    return fd;
}

static void real_sleep_ns(int64_t ns)
{
    struct timespec ts = { .tv_sec = ns / 1000000000, .tv_nsec = ns % 1000000000 };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR) {
    }
}

static void real_close(int fd)
{
    close(fd);
}

static const conf_backend_t real_backend = {
    .name = "linux",
    .ring_init = real_ring_init,
    .ring_exit = io_uring_queue_exit,
    .submit = io_uring_submit,
    .submit_wait = real_submit_wait,
    .get_events = io_uring_get_events,
    .eventfd_new = real_eventfd_new,
    .eventfd_write = real_eventfd_write,
    .eventfd_read = real_eventfd_read,
    .poll = real_poll,
    .file_new = real_file_new,
    .close = real_close,
    .sleep_ns = real_sleep_ns,
};

/* io_uring_setup(2) with 4 entries, as any ring here would start. */
static int probe(void)
{
    struct io_uring_params p;
    struct utsname u;
    memset(&p, 0, sizeof(p));
    const char *release = uname(&u) == 0 ? u.release : "?";
    long fd = syscall(__NR_io_uring_setup, 4, &p);
    if (fd < 0) {
        fprintf(stderr, "io_uring_setup(4) fails on Linux %s: %s\n", release,
                strerror(errno));
        return 77;
    }
    close((int)fd);
    printf("io_uring_setup(4) works on Linux %s\n", release);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--probe") == 0)
        return probe();
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE|- | --probe\n", argv[0]);
        return 2;
    }
    GError *err = NULL;
    conf_seq_t *s;
    if (strcmp(argv[1], "-") == 0) {
        GString *text = g_string_new(NULL);
        char buf[4096];
        size_t n;
        while ((n = fread(buf, 1, sizeof(buf), stdin)) > 0)
            g_string_append_len(text, buf, (gssize)n);
        s = conf_seq_parse(text->str, "<stdin>", &err);
        g_string_free(text, TRUE);
    } else {
        s = conf_seq_load(argv[1], &err);
    }
    if (!s) {
        fprintf(stderr, "conf-real: %s\n", err->message);
        g_error_free(err);
        return 2;
    }
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    int ret = conf_exec(&real_backend, s, out, NULL);
    if (ret == -ENOSYS || ret == -EPERM || ret == -EINVAL) {
        fprintf(stderr, "conf-real: io_uring unavailable here: io_uring_queue_init: %s\n",
                strerror(-ret));
        return 77;
    }
    if (ret < 0) {
        fprintf(stderr, "conf-real: io_uring_queue_init(%u): %s\n", s->ring_entries,
                strerror(-ret));
        return 1;
    }
    for (guint i = 0; i < out->len; i++)
        printf("%s\n", (char *)out->pdata[i]);
    g_ptr_array_free(out, TRUE);
    conf_seq_free(s);
    return 0;
}

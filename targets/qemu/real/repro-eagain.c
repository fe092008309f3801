/*
 * repro-eagain.c - "aio_poll() aborts when io_uring_enter refuses a
 * submit" (docs/qemu.md, faults on the QEMU target), on real threads and a
 * real kernel.
 *
 * An iothread in QEMU's shape (aio_poll(ctx, true) until stopped, with the
 * iothread's default polling parameters) is the only thread of the process
 * in a memory cgroup at its limit with the OOM killer disabled (memcg.c).
 * Another thread registers fd handlers on its context (pipes nobody writes),
 * as a device model does; each aio_set_fd_handler() queues a POLL_ADD that
 * the iothread submits from fdmon_io_uring_wait().  Once the kernel cannot
 * charge a request to the group, io_uring_enter() returns -EAGAIN with
 * nothing submitted and QEMU's assert(ret >= 0) aborts the process.  Each
 * iteration is a child process; the parent's watchdog kills a child that
 * neither exits nor aborts.
 *
 * Nudges: "memcg" (the default, as above), "none" (no cgroup: the control,
 * which must never abort).
 */
#include "qemu/osdep.h"
#include "qapi/error.h"
#include "block/aio.h"

#include "qemu-real.h"

enum { PIPES = 300, HEADROOM = 16384 };
#define CHILD_MARK "[child]\n"

typedef struct {
    AioContext *ctx;
    pid_t tid;
    volatile bool ready;
} iothread_t;

static void *iothread_run(void *arg)
{
    iothread_t *it = arg;
    it->ctx = aio_context_new(&error_fatal);
    aio_context_set_poll_params(it->ctx, 32768, 0, 0, &error_fatal);
    qemu_set_current_aio_context(it->ctx);
    it->tid = (pid_t)syscall(SYS_gettid);
    __atomic_store_n(&it->ready, true, __ATOMIC_RELEASE);
    for (;;) {
        aio_poll(it->ctx, true);
    }
    return NULL;
}

static void never_read(void *opaque)
{
    (void)opaque;
}

static G_NORETURN void child_main(bool confine)
{
    static iothread_t it;
    pthread_t thread;
    pthread_create(&thread, NULL, iothread_run, &it);
    if (!real_wait_flag(&it.ready, 5000)) {
        _exit(4);
    }
    real_sleep_us(10000); /* its first aio_poll submits the notifier's POLL_ADD */
    if (confine && !real_memcg_confine(it.tid, HEADROOM)) {
        _exit(3);
    }
    for (int i = 0; i < PIPES; i++) {
        int p[2];
        if (pipe2(p, O_NONBLOCK) != 0) {
            _exit(5);
        }
        aio_set_fd_handler(it.ctx, p[0], never_read, NULL, NULL, NULL, NULL);
        real_sleep_us(100);
    }
    real_sleep_us(100000);
    _exit(0);
}

static real_outcome_t eagain_iter(const real_opts_t *o, int iter, void *state)
{
    (void)state;
    int errp[2];
    if (pipe(errp) != 0) {
        return REAL_SKIP;
    }
    bool confine = strcmp(o->nudge, "none") != 0;
    if (confine && real_memcg_create()) {
        return REAL_SKIP;
    }
    pid_t pid = fork();
    if (pid == 0) {
        dup2(errp[1], 2);
        /* The pipe's buffer page is allocated now, outside the group, so
         * that the iothread's assertion message can still be written. */
        fputs(CHILD_MARK, stderr);
        child_main(confine);
    }
    close(errp[1]);
    int status = real_reap_child(pid, o->watchdog_ms);
    if (confine) {
        real_memcg_remove(); /* a fresh group each time: no slab left over */
    }
    char err[512] = "";
    ssize_t n = read(errp[0], err, sizeof(err) - 1);
    err[n > 0 ? n : 0] = '\0';
    const char *msg =
        err + (strncmp(err, CHILD_MARK, strlen(CHILD_MARK)) ? 0 : strlen(CHILD_MARK));
    close(errp[0]);
    /* The finding is this assertion; any other abort is reported, not counted. */
    bool aborted = status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT &&
                   strstr(msg, "fdmon_io_uring_wait") && strstr(msg, "`ret >= 0' failed");
    if (o->verbose || (!aborted && status != 0)) {
        printf("iteration %d: %s %s", iter,
               status == -1        ? "killed by the watchdog"
               : aborted           ? "aborted:"
               : WIFEXITED(status) ? "exit"
                                   : "signal",
               msg[0] ? msg : "\n");
    }
    return aborted ? REAL_BUG : status == 0 ? REAL_OK : REAL_SKIP;
}

int repro_eagain(const real_opts_t *o)
{
    if (strcmp(o->nudge, "none") != 0 && !real_memcg_probe("eagain", "the iothread")) {
        return 77;
    }
    return real_run("eagain", o, eagain_iter, NULL);
}

/* test-libc-syscall.c - raw syscall() numbers for what the seam simulates
 * reach the simulated kernel as their libc wrappers do (libuv closes every
 * fd with syscall(SYS_close)); an allowed number (getpid) reaches the real
 * kernel; any other number on a simulated thread ends the run with the
 * violation "unsupported-syscall" instead of reaching the real kernel. */
#include "sim-test.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void *raw_calls(void *arg)
{
    (void)arg;
    int efd = (int)syscall(SYS_eventfd2, 2, EFD_NONBLOCK);
    ASSERT_GE(efd, 0);
    ASSERT_GE(efd, SIM_FD_BASE); /* simulated */
    uint64_t v = 3;
    ASSERT_EQ(syscall(SYS_write, efd, &v, sizeof(v)), 8);
    int ep = (int)syscall(SYS_epoll_create1, EPOLL_CLOEXEC);
    ASSERT_GE(ep, SIM_FD_BASE);
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 }, out[2];
    ASSERT_EQ(syscall(SYS_epoll_ctl, ep, EPOLL_CTL_ADD, efd, &ev), 0);
    ASSERT_EQ(syscall(SYS_epoll_wait, ep, out, 2, -1), 1);
    ASSERT_EQ(out[0].data.u64, 77);
    ASSERT_EQ(syscall(SYS_epoll_pwait, ep, out, 2, 0, NULL, 8), 1);
    ASSERT_EQ(syscall(SYS_read, efd, &v, sizeof(v)), 8);
    ASSERT_EQ(v, 5);
    struct timespec ts;
    ASSERT_EQ(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts), 0);
    ASSERT(ts.tv_sec < 5); /* virtual time: the run has just begun */
    ASSERT_EQ(syscall(SYS_getpid), getpid());
    ASSERT_EQ(syscall(SYS_close, efd), 0);
    ASSERT_EQ(syscall(SYS_read, efd, &v, sizeof(v)), -1);
    ASSERT_EQ(errno, EBADF);
    ASSERT_EQ(syscall(SYS_close, ep), 0);
    return NULL;
}

static void *unsupported(void *arg)
{
    (void)arg;
    errno = 0;
    ASSERT_EQ(syscall(SYS_dup, 0), -1);
    ASSERT_EQ(errno, ENOSYS);
    return NULL;
}

static sim_result_t run(sim_thread_fn_t *fn, char *msg, size_t size)
{
    sim_options_t o;
    sim_options_init(&o);
    sim_world_t *w = sim_world_new(&o);
    sim_result_t r = sim_world_run(w, fn, NULL);
    snprintf(msg, size, "%s", sim_world_message(w));
    sim_world_free(w);
    return r;
}

int main(void)
{
    char msg[512];
    sim_result_t r = run(raw_calls, msg, sizeof(msg));
    if (r != SIM_RESULT_OK)
        TEST_FAIL_("raw calls: %s: %s", sim_result_name(r), msg);
    r = run(unsupported, msg, sizeof(msg));
    ASSERT_EQ(r, SIM_RESULT_VIOLATION);
    if (!strstr(msg, "unsupported-syscall: syscall(32)"))
        TEST_FAIL_("unsupported syscall message: %s", msg);
    /* On the host the same number reaches the real kernel. */
    int d = (int)syscall(SYS_dup, 1);
    ASSERT_GE(d, 0);
    ASSERT_EQ(close(d), 0);
    printf("raw syscalls: simulated numbers reach the seam; SYS_dup on a simulated thread "
           "is '%.40s...'\n",
           msg);
    return 0;
}

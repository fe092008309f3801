/* test-libc-fd.c - eventfd, read, write, close, poll, ppoll, epoll and the
 * clock, called by their libc names from simulated threads, act on the
 * simulated kernel; the same calls on the host reach the real one.  Both
 * numberings: from SIM_FD_BASE, and the low one (SIM_FD_BASE_LOW), where a
 * real fd opened during the run never takes a simulated number and one
 * already open at the first simulated number is the violation
 * fd-collision. */
#include "sim-test.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int efd;
static int fd_base = SIM_FD_BASE; /* this run's numbering */

/* A number of this run's simulated kernel (a run makes a handful). */
static bool simulated(int fd)
{
    return fd >= fd_base && fd < fd_base + 16;
}

static void *writer(void *arg)
{
    uint64_t v = (uint64_t)(uintptr_t)arg;
    struct timespec d = { 0, 3000000 };
    nanosleep(&d, NULL); /* 3 ms of virtual time */
    ASSERT_EQ(write(efd, &v, sizeof(v)), 8);
    return (void *)(uintptr_t)42;
}

static void *scenario(void *arg)
{
    (void)arg;
    /* eventfd: simulated, counter semantics, non-blocking read. */
    efd = eventfd(5, EFD_NONBLOCK);
    ASSERT(simulated(efd));
    uint64_t v = 0;
    ASSERT_EQ(read(efd, &v, sizeof(v)), 8);
    ASSERT_EQ(v, 5);
    errno = 0;
    ASSERT_EQ(read(efd, &v, sizeof(v)), -1);
    ASSERT_EQ(errno, EAGAIN);
    ASSERT_EQ(read(efd, &v, 4), -1);
    ASSERT_EQ(errno, EINVAL);

    /* poll with a timeout: sleeps exactly that long in virtual time. */
    struct pollfd p = { .fd = efd, .events = POLLIN };
    int64_t t0 = mono_ns();
    ASSERT_EQ(poll(&p, 1, 20), 0);
    int64_t slept = mono_ns() - t0;
    ASSERT(slept >= 20000000 && slept < 20100000);

    /* A thread writes after 3 ms: poll with no timeout wakes for it. */
    pthread_t th;
    ASSERT_EQ(pthread_create(&th, NULL, writer, (void *)(uintptr_t)7), 0);
    ASSERT_EQ(poll(&p, 1, -1), 1);
    ASSERT_EQ(p.revents, POLLIN);
    void *ret = NULL;
    ASSERT_EQ(pthread_join(th, &ret), 0);
    ASSERT_EQ((uintptr_t)ret, 42);
    ASSERT_EQ(read(efd, &v, sizeof(v)), 8);
    ASSERT_EQ(v, 7);

    /* A blocking eventfd: read sleeps until the writer's 3 ms write. */
    int bfd = eventfd(0, EFD_SEMAPHORE);
    ASSERT(simulated(bfd));
    int saved = efd;
    efd = bfd;
    ASSERT_EQ(pthread_create(&th, NULL, writer, (void *)(uintptr_t)2), 0);
    t0 = mono_ns();
    ASSERT_EQ(read(bfd, &v, sizeof(v)), 8);
    ASSERT_EQ(v, 1); /* semaphore: one at a time */
    ASSERT(mono_ns() - t0 >= 3000000);
    ASSERT_EQ(read(bfd, &v, sizeof(v)), 8);
    ASSERT_EQ(v, 1);
    ASSERT_EQ(fcntl(bfd, F_SETFL, O_NONBLOCK), 0);
    ASSERT_EQ(read(bfd, &v, sizeof(v)), -1);
    ASSERT_EQ(errno, EAGAIN);
    ASSERT_EQ(pthread_join(th, NULL), 0);
    efd = saved;

    /* ppoll with a timespec. */
    struct timespec ts = { 0, 1500000 };
    t0 = mono_ns();
    ASSERT_EQ(ppoll(&p, 1, &ts, NULL), 0);
    ASSERT_EQ(mono_ns() - t0 >= 1500000, 1);

    /* epoll: level-triggered, data returned, wakes on a write. */
    int ep = epoll_create1(EPOLL_CLOEXEC);
    ASSERT(simulated(ep));
    struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xabcdef };
    ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), 0);
    ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, efd, &ev), -1);
    ASSERT_EQ(errno, EEXIST);
    ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_ADD, ep, &ev), -1);
    ASSERT_EQ(errno, EINVAL);
    struct epoll_event out[4];
    ASSERT_EQ(epoll_wait(ep, out, 4, 0), 0);
    /* The epoll fd itself is pollable (as glib polls QEMU's). */
    struct pollfd pe = { .fd = ep, .events = POLLIN };
    ASSERT_EQ(pthread_create(&th, NULL, writer, (void *)(uintptr_t)1), 0);
    ASSERT_EQ(poll(&pe, 1, -1), 1);
    ASSERT_EQ(epoll_wait(ep, out, 4, -1), 1);
    ASSERT_EQ(out[0].data.u64, 0xabcdef);
    ASSERT_EQ(out[0].events, EPOLLIN);
    ASSERT_EQ(epoll_wait(ep, out, 4, -1), 1); /* level: still readable */
    ASSERT_EQ(read(efd, &v, sizeof(v)), 8);
    ASSERT_EQ(epoll_wait(ep, out, 4, 5), 0);
    ASSERT_EQ(pthread_join(th, NULL), 0);
    /* epoll_wait blocking until a write. */
    ASSERT_EQ(pthread_create(&th, NULL, writer, (void *)(uintptr_t)9), 0);
    ASSERT_EQ(epoll_wait(ep, out, 4, -1), 1);
    ASSERT_EQ(pthread_join(th, NULL), 0);
    ASSERT_EQ(epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL), 0);
    ASSERT_EQ(epoll_wait(ep, out, 4, 0), 0);

    /* close: the fd is gone; a real fd still goes to the C library. */
    ASSERT_EQ(close(efd), 0);
    ASSERT_EQ(read(efd, &v, sizeof(v)), -1);
    ASSERT_EQ(errno, EBADF);
    ASSERT_EQ(close(ep), 0);
    ASSERT_EQ(close(bfd), 0);
    int devnull = open("/dev/null", O_WRONLY);
    ASSERT(devnull >= 0 && !simulated(devnull));
    ASSERT_EQ(write(devnull, "x", 1), 1);
    ASSERT_EQ(close(devnull), 0);
    return NULL;
}

static uint64_t run_once(uint64_t seed, int base)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide.seed = seed;
    o.fd_base = base;
    fd_base = base ? base : SIM_FD_BASE;
    sim_world_t *w = sim_world_new(&o);
    sim_result_t r = sim_world_run(w, scenario, NULL);
    if (r != SIM_RESULT_OK)
        TEST_FAIL_("seed %llu: %s: %s", (unsigned long long)seed, sim_result_name(r),
                   sim_world_message(w));
    uint64_t h = sim_world_log_hash(w);
    sim_world_free(w);
    return h;
}

/* Low numbering: a real fd opened during the run gets a number no
 * simulated file has, and both work side by side. */
static void *real_beside_simulated(void *arg)
{
    (void)arg;
    int a = eventfd(0, EFD_NONBLOCK);
    int real = open("/dev/null", O_WRONLY);
    int b = eventfd(0, EFD_NONBLOCK);
    ASSERT_EQ(a, SIM_FD_BASE_LOW);
    ASSERT_EQ(b, SIM_FD_BASE_LOW + 1);
    ASSERT(real >= 0 && real != a && real != b);
    uint64_t v = 1;
    ASSERT_EQ(write(a, &v, 8), 8);
    ASSERT_EQ(write(real, "x", 1), 1);
    ASSERT_EQ(close(real), 0);
    ASSERT_EQ(close(a), 0);
    /* Closed, the number is still the world's: EBADF, never a real file. */
    ASSERT_EQ(write(a, &v, 8), -1);
    ASSERT_EQ(errno, EBADF);
    return NULL;
}

static void check_low_numbering(void)
{
    sim_options_t o;
    sim_options_init(&o);
    o.fd_base = SIM_FD_BASE_LOW;
    sim_world_t *w = sim_world_new(&o);
    ASSERT_EQ(sim_world_run(w, real_beside_simulated, NULL), SIM_RESULT_OK);
    sim_world_free(w);
    /* The numbers are released with the world. */
    ASSERT_EQ(fcntl(SIM_FD_BASE_LOW, F_GETFD), -1);
    /* A real fd where the run's first simulated fd must go. */
    int real = open("/dev/null", O_RDONLY);
    ASSERT(real >= 0 && real < SIM_FD_BASE_LOW);
    ASSERT_EQ(dup2(real, SIM_FD_BASE_LOW), SIM_FD_BASE_LOW);
    w = sim_world_new(&o);
    ASSERT_EQ(sim_world_run(w, real_beside_simulated, NULL), SIM_RESULT_VIOLATION);
    if (!strstr(sim_world_message(w), "fd-collision: simulated fd 64"))
        TEST_FAIL_("collision message: %s", sim_world_message(w));
    sim_world_free(w);
    ASSERT_EQ(fcntl(SIM_FD_BASE_LOW, F_GETFD), 0); /* still the process's, untouched */
    ASSERT_EQ(close(SIM_FD_BASE_LOW), 0);
    ASSERT_EQ(close(real), 0);
}

int main(void)
{
    /* On the host: the real kernel. */
    int real = eventfd(0, EFD_NONBLOCK);
    ASSERT(real >= 0 && real < SIM_FD_BASE);
    uint64_t one = 1, got = 0;
    ASSERT_EQ(write(real, &one, 8), 8);
    ASSERT_EQ(read(real, &got, 8), 8);
    ASSERT_EQ(got, 1);
    ASSERT_EQ(close(real), 0);

    for (uint64_t seed = 1; seed <= 20; seed++) {
        for (int low = 0; low < 2; low++) {
            int base = low ? SIM_FD_BASE_LOW : 0;
            uint64_t a = run_once(seed, base);
            uint64_t b = run_once(seed, base);
            if (a != b)
                TEST_FAIL_("seed %llu base %d: log hash differs between two runs",
                           (unsigned long long)seed, base);
        }
    }
    check_low_numbering();
    printf("libc fd seam: 20 seeds pass in both numberings, each replays byte for byte; "
           "a real fd at the first low number is fd-collision\n");
    return 0;
}

/* test-eventfd-ppoll.c - a thread blocked in ppoll on an eventfd is woken
 * by another thread's signal; fd kinds ppoll must handle. */
#include "sim-test.h"
#include "aio-os.h"

static int efd;

static void *signaller(void *arg)
{
    (void)arg;
    sim_sleep_ns(1000000);
    ASSERT_EQ(os_eventfd_signal(efd), 0);
    ASSERT_EQ(os_eventfd_signal(efd), 0);
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    efd = os_eventfd_new();
    ASSERT_EQ(os_eventfd_drain(efd), 0); /* empty: nothing to read */
    sim_thread_t *t = sim_thread_create(sim_world_current(), "signaller", signaller, NULL);
    /* fd 0 is a real fd: never ready, ignored; -1 is skipped as by poll(). */
    struct pollfd p[3] = { { .fd = 0, .events = POLLIN },
                           { .fd = -1 },
                           { .fd = efd, .events = POLLIN } };
    int n = os_ppoll(p, 3, -1);
    ASSERT_EQ(n, 1);
    ASSERT_EQ(p[0].revents, 0);
    ASSERT_EQ(p[2].revents, POLLIN);
    ASSERT_GE(sim_now_ns(), 1000000);
    sim_thread_join(t);
    ASSERT_EQ(os_eventfd_drain(efd), 2);
    ASSERT_EQ(os_eventfd_drain(efd), 0);
    /* POLLOUT is always there for an eventfd */
    p[2].events = POLLOUT;
    ASSERT_EQ(os_ppoll(&p[2], 1, 0), 1);
    ASSERT_EQ(p[2].revents, POLLOUT);
    /* a closed simulated fd reports POLLNVAL, and signal gives EBADF */
    os_fd_close(efd);
    p[2].events = POLLIN;
    ASSERT_EQ(os_ppoll(&p[2], 1, 0), 1);
    ASSERT_EQ(p[2].revents, POLLNVAL);
    ASSERT_EQ(os_eventfd_signal(efd), -EBADF);
    return NULL;
}

int main(void)
{
    sim_options_t o = test_options(3);
    sim_world_t *w = test_run(&o, scenario, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_CONTAINS(sim_world_log(w, NULL), "eventfd-signal fd=1048576 count=1");
    ASSERT_CONTAINS(sim_world_log(w, NULL), "eventfd-drain fd=1048576 value=2");
    sim_world_free(w);
    printf("ok\n");
    return 0;
}

/* test-ppoll-timeout.c - timed waits move virtual time to the deadline
 * when nothing else can run. */
#include "sim-test.h"
#include "aio-os.h"

static void *scenario(void *arg)
{
    (void)arg;
    int efd = os_eventfd_new();
    struct pollfd p = { .fd = efd, .events = POLLIN };
    ASSERT_EQ(sim_now_ns(), 0);
    ASSERT_EQ(os_ppoll(&p, 1, 0), 0); /* non-blocking */
    ASSERT_EQ(sim_now_ns(), 0);
    ASSERT_EQ(os_ppoll(&p, 1, 5000000), 0); /* 5 ms, nobody signals */
    ASSERT_EQ(sim_now_ns(), 5000000);
    ASSERT_EQ(os_clock_ns(), 1000000000 + 5000000);
    sim_sleep_ns(250);
    ASSERT_EQ(sim_now_ns(), 5000250);
    /* a real fd alone with a timeout: times out too */
    struct pollfd real = { .fd = 0, .events = POLLIN };
    ASSERT_EQ(os_ppoll(&real, 1, 1000), 0);
    ASSERT_EQ(sim_now_ns(), 5001250);
    os_fd_close(efd);
    return NULL;
}

int main(void)
{
    sim_options_t o = test_options(1);
    o.ns_per_step = 0; /* exact times */
    o.clock_base_ns = 1000000000;
    sim_world_t *w = test_run(&o, scenario, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_EQ(sim_world_now_ns(w), 5001250);
    ASSERT_CONTAINS(sim_world_log(w, NULL), "5000000 main ppoll-return ready=0");
    sim_world_free(w);
    printf("ok\n");
    return 0;
}

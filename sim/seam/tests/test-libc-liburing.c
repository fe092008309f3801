/* test-libc-liburing.c - a program using liburing's ordinary API (exported
 * and inline functions) runs on the simulated ring: init with params, NOP
 * and POLL_ADD on a simulated eventfd, submit_and_wait_timeout, wait_cqes,
 * peek_batch_cqe, registration refused instead of reaching the kernel. */
#include "sim-test.h"

#include <errno.h>
#include <liburing.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>

static int efd;

static void *kicker(void *arg)
{
    (void)arg;
    usleep(500);
    uint64_t one = 1;
    ASSERT_EQ(write(efd, &one, 8), 8);
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    struct io_uring ring;
    struct io_uring_params p = { 0 };
    ASSERT_EQ(io_uring_queue_init_params(8, &ring, &p), 0);
    ASSERT_EQ(p.sq_entries, 8);
    ASSERT(p.features & IORING_FEAT_EXT_ARG);
    ASSERT_EQ(io_uring_register_eventfd(&ring, 0), -EOPNOTSUPP);

    for (int i = 0; i < 3; i++) {
        struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
        io_uring_prep_nop(sqe);
        io_uring_sqe_set_data64(sqe, 100 + i);
    }
    struct io_uring_cqe *cqe = NULL;
    struct __kernel_timespec ts = { 0, 1000000 };
    ASSERT_EQ(io_uring_submit_and_wait_timeout(&ring, &cqe, 3, &ts, NULL), 0);
    struct io_uring_cqe *batch[8];
    ASSERT_EQ(io_uring_peek_batch_cqe(&ring, batch, 8), 3);
    ASSERT_EQ(batch[0]->user_data, 100);
    ASSERT_EQ(batch[2]->user_data, 102);
    io_uring_cq_advance(&ring, 3);

    /* A POLL_ADD on an eventfd another thread writes after 0.5 ms. */
    efd = eventfd(0, EFD_NONBLOCK);
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_poll_add(sqe, efd, POLLIN);
    io_uring_sqe_set_data64(sqe, 7);
    pthread_t th;
    pthread_create(&th, NULL, kicker, NULL);
    ASSERT_EQ(io_uring_wait_cqes(&ring, &cqe, 1, NULL, NULL), 0);
    ASSERT_EQ(cqe->user_data, 7);
    ASSERT(cqe->res & POLLIN);
    io_uring_cqe_seen(&ring, cqe);
    pthread_join(th, NULL);

    /* Nothing in flight: a timed wait times out in virtual time. */
    ASSERT_EQ(io_uring_wait_cqe_timeout(&ring, &cqe, &ts), -ETIME);
    ASSERT_EQ(io_uring_get_events(&ring), 0);
    close(efd);
    io_uring_queue_exit(&ring);
    return NULL;
}

int main(void)
{
    for (int seed = 1; seed <= 10; seed++) {
        sim_options_t o;
        sim_options_init(&o);
        o.decide.seed = (uint64_t)seed;
        sim_world_t *w = sim_world_new(&o);
        sim_result_t r = sim_world_run(w, scenario, NULL);
        if (r != SIM_RESULT_OK)
            TEST_FAIL_("seed %d: %s: %s", seed, sim_result_name(r), sim_world_message(w));
        sim_world_free(w);
    }
    printf("liburing through the seam: 10 seeds pass\n");
    return 0;
}

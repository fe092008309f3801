/* test-replay.c - recorded decisions replay to the identical log; a short,
 * corrupted or diverging record is a clean SIM_RESULT_REPLAY_ERROR. */
#include "sim-test.h"
#include "aio-os.h"
#include "aio-atomic.h"

static unsigned counter;

static void *bumper(void *arg)
{
    int efd = (int)(intptr_t)arg;
    for (int i = 0; i < 8; i++) {
        aio_atomic_fetch_add(&counter, 1);
        os_eventfd_signal(efd);
    }
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    counter = 0;
    int efd = os_eventfd_new();
    struct io_uring ring;
    ASSERT_EQ(os_uring_init(4, &ring, 0), 0);
    int dev = sim_blkdev_create(w, 65536, 1000, 90000);
    sim_thread_t *t[3];
    for (int i = 0; i < 3; i++)
        t[i] = sim_thread_create(w, "bumper", bumper, (void *)(intptr_t)efd);
    static uint8_t buf[512];
    struct io_uring_sqe *sqe = io_uring_get_sqe(&ring);
    io_uring_prep_read(sqe, dev, buf, sizeof(buf), 0);
    ASSERT_EQ(os_uring_submit_and_wait(&ring, 1), 1);
    for (int i = 0; i < 3; i++)
        sim_thread_join(t[i]);
    ASSERT_EQ(aio_atomic_read(&counter), 24);
    (void)sim_choose(5); /* a scenario-level value choice */
    os_uring_exit(&ring);
    return NULL;
}

static sim_world_t *replay(const uint32_t *v, const uint32_t *b, size_t n)
{
    sim_options_t o;
    sim_options_init(&o);
    o.decide.kind = SIM_DECIDE_REPLAY;
    o.decide.replay = v;
    o.decide.replay_bounds = b;
    o.decide.replay_len = n;
    return test_run(&o, scenario, NULL);
}

int main(void)
{
    sim_options_t o = test_options(7);
    sim_world_t *orig = test_run(&o, scenario, NULL);
    ASSERT_RESULT(orig, SIM_RESULT_OK);
    const uint32_t *v, *b;
    size_t n = sim_world_decisions(orig, &v, &b);
    ASSERT_GT(n, 10);
    for (size_t i = 0; i < n; i++)
        ASSERT_LT(v[i], b[i]);
    const char *log = sim_world_log(orig, NULL);

    /* exact replay, with and without the recorded bounds */
    sim_world_t *r1 = replay(v, b, n);
    ASSERT_RESULT(r1, SIM_RESULT_OK);
    ASSERT_STR_EQ(sim_world_log(r1, NULL), log);
    sim_world_free(r1);
    sim_world_t *r2 = replay(v, NULL, n);
    ASSERT_RESULT(r2, SIM_RESULT_OK);
    ASSERT_STR_EQ(sim_world_log(r2, NULL), log);
    sim_world_free(r2);

    /* too few decisions */
    sim_world_t *r3 = replay(v, b, n / 2);
    ASSERT_RESULT(r3, SIM_RESULT_REPLAY_ERROR);
    ASSERT_CONTAINS(sim_world_message(r3), "ran out of decisions");
    sim_world_free(r3);
    sim_world_t *r4 = replay(v, b, 0);
    ASSERT_RESULT(r4, SIM_RESULT_REPLAY_ERROR);
    sim_world_free(r4);

    /* a value out of range */
    uint32_t *bad = malloc(n * sizeof(uint32_t));
    memcpy(bad, v, n * sizeof(uint32_t));
    bad[n / 3] = 1000;
    sim_world_t *r5 = replay(bad, NULL, n);
    ASSERT_RESULT(r5, SIM_RESULT_REPLAY_ERROR);
    ASSERT_CONTAINS(sim_world_message(r5), "out of range");
    sim_world_free(r5);

    /* a bound that differs: the run diverged */
    uint32_t *badb = malloc(n * sizeof(uint32_t));
    memcpy(badb, b, n * sizeof(uint32_t));
    badb[1] += 1;
    sim_world_t *r6 = replay(v, badb, n);
    ASSERT_RESULT(r6, SIM_RESULT_REPLAY_ERROR);
    ASSERT_CONTAINS(sim_world_message(r6), "diverged");
    sim_world_free(r6);

    /* random garbage never crashes */
    uint64_t x = 1;
    for (int k = 0; k < 200; k++) {
        for (size_t i = 0; i < n; i++) {
            x = x * 6364136223846793005ull + 1442695040888963407ull;
            bad[i] = (uint32_t)(x >> 59);
        }
        sim_world_t *r = replay(bad, NULL, (size_t)(x % (n + 1)));
        sim_result_t res = sim_world_result(r);
        ASSERT(res == SIM_RESULT_OK || res == SIM_RESULT_REPLAY_ERROR);
        sim_world_free(r);
    }
    free(bad);
    free(badb);
    sim_world_free(orig);
    printf("ok (%zu decisions)\n", n);
    return 0;
}

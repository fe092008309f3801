/* test-mutex.c - os_mutex_t contention blocks fibers and keeps mutual
 * exclusion; sim_cond_t hands items from a producer to a consumer. */
#include "sim-test.h"
#include "aio-os.h"

enum { THREADS = 3, ITERS = 30, ITEMS = 20 };

static os_mutex_t lock;
static int shared, in_cs, mutex_blocks;

static void *incrementer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITERS; i++) {
        os_mutex_lock(&lock);
        ASSERT_EQ(in_cs, 0);
        in_cs = 1;
        int v = shared;
        sim_yield(); /* invite others to collide */
        shared = v + 1;
        in_cs = 0;
        os_mutex_unlock(&lock);
    }
    return NULL;
}

static sim_cond_t cond;
static int queue_len, consumed;

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < ITEMS; i++) {
        os_mutex_lock(&lock);
        queue_len++;
        sim_cond_signal(&cond);
        os_mutex_unlock(&lock);
    }
    return NULL;
}

static void *consumer(void *arg)
{
    (void)arg;
    while (consumed < ITEMS) {
        os_mutex_lock(&lock);
        while (queue_len == 0)
            sim_cond_wait(&cond, &lock);
        queue_len--;
        consumed++;
        os_mutex_unlock(&lock);
    }
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    sim_world_t *w = sim_world_current();
    os_mutex_init(&lock);
    sim_thread_t *t[THREADS];
    for (int i = 0; i < THREADS; i++)
        t[i] = sim_thread_create(w, "inc", incrementer, NULL);
    for (int i = 0; i < THREADS; i++)
        sim_thread_join(t[i]);
    ASSERT_EQ(shared, THREADS * ITERS);

    sim_cond_init(&cond);
    sim_thread_t *c = sim_thread_create(w, "consumer", consumer, NULL);
    sim_thread_t *p = sim_thread_create(w, "producer", producer, NULL);
    sim_thread_join(p);
    sim_thread_join(c);
    ASSERT_EQ(consumed, ITEMS);
    ASSERT_EQ(queue_len, 0);

    /* a timed cond wait with nobody signalling times out in virtual time */
    os_mutex_lock(&lock);
    int64_t t0 = sim_now_ns();
    ASSERT_EQ(sim_cond_timedwait(&cond, &lock, 1000000), -ETIMEDOUT);
    ASSERT_GE(sim_now_ns() - t0, 1000000);
    os_mutex_unlock(&lock);
    os_mutex_destroy(&lock);
    return NULL;
}

static void count_blocks(sim_world_t *w, const sim_event_t *ev, void *opaque)
{
    (void)w;
    (void)opaque;
    if (ev->kind == SIM_EV_THREAD_BLOCK && ev->value == 2 /* SIM_WAIT_MUTEX */)
        mutex_blocks++;
}

int main(void)
{
    sim_options_t o = test_options(11);
    o.on_event = count_blocks;
    sim_world_t *w = test_run(&o, scenario, NULL);
    ASSERT_RESULT(w, SIM_RESULT_OK);
    ASSERT_GT(mutex_blocks, 0);
    ASSERT_CONTAINS(sim_world_log(w, NULL), "block mutex");
    sim_world_free(w);
    printf("ok (%d mutex blocks)\n", mutex_blocks);
    return 0;
}

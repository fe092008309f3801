/* test-libc-sem.c - POSIX semaphores on simulated threads block the
 * simulated thread, not the OS thread (libuv's thread pool waits for its
 * workers on one): a waiter wakes for a post made 2 ms of virtual time
 * later, trywait and timedwait fail as they should, every run replays
 * byte for byte, and the host's calls reach glibc. */
#include "sim-test.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <time.h>
#include <unistd.h>

static sem_t sem;
static int64_t woke_ns;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void *waiter(void *arg)
{
    (void)arg;
    ASSERT_EQ(sem_wait(&sem), 0);
    woke_ns = now_ns();
    return NULL;
}

static void *scenario(void *arg)
{
    (void)arg;
    ASSERT_EQ(sem_init(&sem, 0, 0), 0);
    ASSERT_EQ(sem_trywait(&sem), -1);
    ASSERT_EQ(errno, EAGAIN);
    pthread_t t;
    ASSERT_EQ(pthread_create(&t, NULL, waiter, NULL), 0);
    int64_t t0 = now_ns();
    usleep(2000);
    ASSERT_EQ(sem_post(&sem), 0);
    ASSERT_EQ(pthread_join(t, NULL), 0);
    ASSERT(woke_ns - t0 >= 2000000);
    struct timespec abs;
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 5000000;
    if (abs.tv_nsec >= 1000000000) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000;
    }
    ASSERT_EQ(sem_timedwait(&sem, &abs), -1);
    ASSERT_EQ(errno, ETIMEDOUT);
    ASSERT_EQ(sem_post(&sem), 0);
    ASSERT_EQ(sem_trywait(&sem), 0);
    sem_destroy(&sem);
    return NULL;
}

int main(void)
{
    /* The host: glibc's own. */
    ASSERT_EQ(sem_init(&sem, 0, 1), 0);
    ASSERT_EQ(sem_wait(&sem), 0);
    ASSERT_EQ(sem_trywait(&sem), -1);
    sem_destroy(&sem);
    for (uint64_t seed = 1; seed <= 20; seed++) {
        uint64_t h[2];
        for (int rep = 0; rep < 2; rep++) {
            sim_options_t o;
            sim_options_init(&o);
            o.decide.seed = seed;
            sim_world_t *w = sim_world_new(&o);
            sim_result_t r = sim_world_run(w, scenario, NULL);
            if (r != SIM_RESULT_OK)
                TEST_FAIL_("seed %llu: %s: %s", (unsigned long long)seed,
                           sim_result_name(r), sim_world_message(w));
            h[rep] = sim_world_log_hash(w);
            sim_world_free(w);
        }
        if (h[0] != h[1])
            TEST_FAIL_("seed %llu: two runs differ", (unsigned long long)seed);
    }
    printf("semaphores: 20 seeds pass, each replays byte for byte\n");
    return 0;
}

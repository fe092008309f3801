/* test-libc-pthread.c - pthread threads, mutexes, condition variables,
 * thread-specific data, syscall(SYS_futex) and sleeping, called by their
 * libc names from simulated threads.  Critical sections yield inside, so a
 * mutex that did not exclude would lose updates under some schedule; the
 * same counter without the mutex must lose some, or the yields would not be
 * scheduling points at all. */
#include "sim-test.h"

#include <errno.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

enum { THREADS = 3, ROUNDS = 4 };

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t rlock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;
static pthread_cond_t cond = PTHREAD_COND_INITIALIZER;
static int counter, unlocked_counter, ready;
static uint32_t futex_word;
static pthread_key_t key;

static void *worker(void *arg)
{
    ASSERT_EQ(pthread_getspecific(key), NULL); /* per simulated thread */
    ASSERT_EQ(pthread_setspecific(key, arg), 0);
    for (int i = 0; i < ROUNDS; i++) {
        pthread_mutex_lock(&lock);
        int v = counter;
        sched_yield();
        counter = v + 1;
        pthread_mutex_unlock(&lock);

        int u = unlocked_counter;
        sched_yield();
        unlocked_counter = u + 1;
    }
    ASSERT_EQ(pthread_getspecific(key), arg);
    pthread_mutex_lock(&lock);
    ready++;
    pthread_cond_signal(&cond);
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *futex_waker(void *arg)
{
    usleep(1000);
    __atomic_store_n(&futex_word, 1, __ATOMIC_SEQ_CST);
    long woken = syscall(SYS_futex, &futex_word, FUTEX_WAKE_PRIVATE, 1, NULL);
    return (void *)(intptr_t)woken;
}

static void *scenario(void *arg)
{
    (void)arg;
    counter = unlocked_counter = ready = 0;
    futex_word = 0;
    pthread_t th[THREADS];
    for (int i = 0; i < THREADS; i++)
        ASSERT_EQ(pthread_create(&th[i], NULL, worker, (void *)(intptr_t)(i + 1)), 0);
    ASSERT(pthread_self() != th[0]);

    /* Wait for all workers on the condition variable. */
    pthread_mutex_lock(&lock);
    while (ready < THREADS)
        pthread_cond_wait(&cond, &lock);
    pthread_mutex_unlock(&lock);
    for (int i = 0; i < THREADS; i++)
        ASSERT_EQ(pthread_join(th[i], NULL), 0);
    ASSERT_EQ(counter, THREADS * ROUNDS);

    /* A timed wait nobody signals ends at its deadline (virtual time). */
    struct timespec now, deadline;
    clock_gettime(CLOCK_REALTIME, &now);
    deadline = now;
    deadline.tv_sec += 2;
    pthread_mutex_lock(&lock);
    ASSERT_EQ(pthread_cond_timedwait(&cond, &lock, &deadline), ETIMEDOUT);
    ASSERT_EQ(pthread_mutex_trylock(&lock), EBUSY);
    pthread_mutex_unlock(&lock);
    struct timespec after;
    clock_gettime(CLOCK_MONOTONIC, &after);
    ASSERT(after.tv_sec - now.tv_sec >= 2);

    /* Recursive mutex nests. */
    ASSERT_EQ(pthread_mutex_lock(&rlock), 0);
    ASSERT_EQ(pthread_mutex_lock(&rlock), 0);
    ASSERT_EQ(pthread_mutex_unlock(&rlock), 0);
    ASSERT_EQ(pthread_mutex_unlock(&rlock), 0);
    ASSERT_EQ(pthread_mutex_trylock(&rlock), 0);
    ASSERT_EQ(pthread_mutex_unlock(&rlock), 0);

    /* futex: a wait with the wrong value returns EAGAIN at once; a right
     * one blocks until the waker's FUTEX_WAKE. */
    errno = 0;
    ASSERT_EQ(syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 5, NULL), -1);
    ASSERT_EQ(errno, EAGAIN);
    struct timespec tmo = { 0, 2000000 };
    ASSERT_EQ(syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, &tmo), -1);
    ASSERT_EQ(errno, ETIMEDOUT);
    pthread_t w;
    ASSERT_EQ(pthread_create(&w, NULL, futex_waker, NULL), 0);
    while (__atomic_load_n(&futex_word, __ATOMIC_SEQ_CST) == 0)
        syscall(SYS_futex, &futex_word, FUTEX_WAIT_PRIVATE, 0, NULL);
    void *woken;
    ASSERT_EQ(pthread_join(w, &woken), 0);
    ASSERT((intptr_t)woken <= 1);
    ASSERT_EQ(syscall(SYS_gettid) > 0, 1); /* forwarded */
    return NULL;
}

int main(void)
{
    ASSERT_EQ(pthread_key_create(&key, NULL), 0);
    int lost = 0;
    uint64_t runs = 60;
    for (uint64_t seed = 1; seed <= runs; seed++) {
        sim_options_t o;
        sim_options_init(&o);
        o.decide.seed = seed;
        sim_world_t *w = sim_world_new(&o);
        sim_result_t r = sim_world_run(w, scenario, NULL);
        if (r != SIM_RESULT_OK)
            TEST_FAIL_("seed %llu: %s: %s", (unsigned long long)seed, sim_result_name(r),
                       sim_world_message(w));
        if (unlocked_counter < THREADS * ROUNDS)
            lost++;
        sim_world_free(w);
    }
    printf("pthread seam: %llu seeds pass; the unlocked counter lost updates in %d\n",
           (unsigned long long)runs, lost);
    ASSERT_GT(lost, 0);
    /* On the host the real functions still work. */
    pthread_mutex_lock(&lock);
    pthread_mutex_unlock(&lock);
    ASSERT_EQ(pthread_key_delete(key), 0);
    return 0;
}

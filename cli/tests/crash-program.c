/*
 * crash-program.c - a user program (built against libwakesim-main) that
 * crashes in some schedules: the checker thread dereferences NULL when it
 * takes the lock before the writer has published.  For the crash verdict's
 * test of the runner (tests/test-crash.sh).
 */
#include <pthread.h>
#include <stddef.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int published;

static void *writer(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    published = 1;
    pthread_mutex_unlock(&lock);
    return NULL;
}

static void *checker(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&lock);
    if (!published) {
        volatile int *nothing = NULL;
        *nothing = 1;
    }
    pthread_mutex_unlock(&lock);
    return NULL;
}

int main(void)
{
    pthread_t w, c;
    published = 0;
    pthread_create(&w, NULL, writer, NULL);
    pthread_create(&c, NULL, checker, NULL);
    pthread_join(w, NULL);
    pthread_join(c, NULL);
    return 0;
}

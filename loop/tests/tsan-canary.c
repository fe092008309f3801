/*
 * tsan-canary.c - a deliberate data race, built and run only in the
 * ThreadSanitizer build (WAKESIM_TSAN): CTest requires TSan's report, which
 * proves the real-thread tests of that build run under a live race detector
 * (a silently uninstrumented build would pass them all just as well).
 */
#include <pthread.h>
#include <stdio.h>

static int racy; /* written by two threads with no synchronization */

static void *writer(void *arg)
{
    racy++;
    return arg;
}

int main(void)
{
    pthread_t t;
    if (pthread_create(&t, NULL, writer, NULL) != 0) {
        perror("pthread_create");
        return 2;
    }
    racy++;
    pthread_join(t, NULL);
    printf("racy = %d\n", racy);
    return 0;
}

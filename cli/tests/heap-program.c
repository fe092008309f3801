/*
 * heap-program.c - a user program (built against libwakesim-main) with a
 * use after free in some schedules: the worker frees the shared job while
 * main may still be about to run its callback.  For the heap-error
 * verdict's test of the runner (tests/test-heap-error.sh).
 */
#include <pthread.h>
#include <stdlib.h>

typedef struct {
    void (*run)(int *);
    int value;
} job_t;

static job_t *job;
static int result;

static void add_one(int *v)
{
    (*v)++;
}

static void *finisher(void *arg)
{
    (void)arg;
    free(job); /* too early: main may not have run it yet */
    return NULL;
}

int main(void)
{
    pthread_t t;
    job = malloc(sizeof(*job));
    job->run = add_one;
    job->value = 0;
    pthread_create(&t, NULL, finisher, NULL);
    sched_yield();
    job->run(&result);
    pthread_join(t, NULL);
    return 0;
}

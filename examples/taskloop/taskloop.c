/*
 * taskloop.c - a small event loop written the ordinary way: one loop thread
 * sleeps in epoll_wait on an eventfd; any thread posts a task to its queue
 * (a mutex-protected list) and notifies the eventfd; the loop drains the
 * eventfd, takes every queued task and runs it.  Besides the eventfd, the
 * loop wakes every 500 ms for housekeeping, like a main loop with a timer.
 *
 * Nothing here knows about wakesim except two annotations from
 * <wakesim/handoff.h> (no-ops in an ordinary build): a posted task must run
 * within 10 ms.  Build with -DTASKLOOP_NO_NOTIFY to remove the notify from
 * loop_post(): the task then waits for the next housekeeping wakeup, up to
 * 500 ms, the shape of QEMU's lost aio_notify().
 *
 * main() starts the loop, two producer threads post three tasks each with
 * pauses in between, waits for all six to run, stops the loop and joins it.
 * Exit status 0 when every task ran.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include <wakesim/handoff.h>

#define TASK_BOUND_NS (10 * 1000000LL)
#define HOUSEKEEPING_MS 500

typedef struct task {
    void (*fn)(void *arg);
    void *arg;
    struct task *next;
} task_t;

typedef struct {
    int epfd, efd;
    pthread_mutex_t lock;
    task_t *head, **tail;
    int stop;
    pthread_t thread;
} loop_t;

static void loop_notify(loop_t *l)
{
    uint64_t one = 1;
    if (write(l->efd, &one, sizeof(one)) != sizeof(one) && errno != EAGAIN)
        perror("taskloop: eventfd write");
}

/* Any thread: queue fn(arg) on the loop and wake it. */
static void loop_post(loop_t *l, void (*fn)(void *), void *arg)
{
    task_t *t = malloc(sizeof(*t));
    if (!t)
        abort();
    *t = (task_t){ fn, arg, NULL };
    pthread_mutex_lock(&l->lock);
    *l->tail = t;
    l->tail = &t->next;
    wakesim_handoff_begin("task", 0, TASK_BOUND_NS);
    pthread_mutex_unlock(&l->lock);
#ifndef TASKLOOP_NO_NOTIFY
    loop_notify(l);
#endif
}

static void *loop_run(void *arg)
{
    loop_t *l = arg;
    for (;;) {
        struct epoll_event ev[4];
        int n = epoll_wait(l->epfd, ev, 4, HOUSEKEEPING_MS);
        if (n < 0 && errno != EINTR) {
            perror("taskloop: epoll_wait");
            return NULL;
        }
        uint64_t count;
        for (int i = 0; i < n; i++)
            if (ev[i].data.fd == l->efd)
                (void)!read(l->efd, &count, sizeof(count));
        pthread_mutex_lock(&l->lock);
        task_t *t = l->head;
        l->head = NULL;
        l->tail = &l->head;
        pthread_mutex_unlock(&l->lock);
        while (t) {
            task_t *next = t->next;
            wakesim_handoff_end("task", 0);
            t->fn(t->arg);
            free(t);
            t = next;
        }
        if (l->stop) /* set by a task, on this thread */
            return NULL;
    }
}

static int loop_init(loop_t *l)
{
    l->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    l->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (l->efd < 0 || l->epfd < 0)
        return -1;
    struct epoll_event ev = { .events = EPOLLIN, .data.fd = l->efd };
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->efd, &ev) < 0)
        return -1;
    pthread_mutex_init(&l->lock, NULL);
    l->head = NULL;
    l->tail = &l->head;
    l->stop = 0;
    return pthread_create(&l->thread, NULL, loop_run, l) == 0 ? 0 : -1;
}

/* ---- the workload ---- */

enum { PRODUCERS = 2, TASKS_EACH = 3 };

static loop_t loop;
static pthread_mutex_t done_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t done_cond = PTHREAD_COND_INITIALIZER;
static int done;

static void count_task(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&done_lock);
    done++;
    pthread_cond_signal(&done_cond);
    pthread_mutex_unlock(&done_lock);
}

static void stop_task(void *arg)
{
    loop_t *l = arg;
    l->stop = 1; /* runs on the loop thread */
}

static void *producer(void *arg)
{
    (void)arg;
    for (int i = 0; i < TASKS_EACH; i++) {
        struct timespec pause = { 0, 2000000 }; /* 2 ms */
        nanosleep(&pause, NULL);
        loop_post(&loop, count_task, NULL);
    }
    return NULL;
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    done = 0;
    if (loop_init(&loop) < 0) {
        perror("taskloop: loop_init");
        return 1;
    }
    pthread_t p[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++)
        pthread_create(&p[i], NULL, producer, NULL);
    pthread_mutex_lock(&done_lock);
    while (done < PRODUCERS * TASKS_EACH)
        pthread_cond_wait(&done_cond, &done_lock);
    pthread_mutex_unlock(&done_lock);
    for (int i = 0; i < PRODUCERS; i++)
        pthread_join(p[i], NULL);
    loop_post(&loop, stop_task, &loop);
    pthread_join(loop.thread, NULL);
    close(loop.epfd);
    close(loop.efd);
    printf("taskloop: %d tasks ran\n", done);
    return done == PRODUCERS * TASKS_EACH ? 0 : 1;
}

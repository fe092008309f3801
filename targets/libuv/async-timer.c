/* async-timer.c - libuv scenario: two threads re-arm timers of the loop
 * through uv_async_send (libuv's handles belong to the loop thread: the
 * documented way to change one from another thread).  The loop otherwise
 * sleeps on a 1 s timer; each request asks its thread's timer to fire 5 ms
 * after the async callback runs: a hand-off from the request to the timer's
 * callback bounded at 15 ms.  Exit 0 when every request fired. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <uv.h>
#include <wakesim/handoff.h>

enum { THREADS = 2, REQUESTS = 3 };

static uv_async_t async;
static uv_timer_t idle, timers[THREADS];
static atomic_int requested[THREADS]; /* set by a request, cleared when it fired */
static int fired;

static void on_idle(uv_timer_t *t)
{
    (void)t;
}

static void on_timer(uv_timer_t *t)
{
    int i = (int)(t - timers);
    wakesim_handoff_end("timer-change", i);
    atomic_store(&requested[i], 0);
    if (++fired < THREADS * REQUESTS)
        return;
    for (int k = 0; k < THREADS; k++)
        uv_close((uv_handle_t *)&timers[k], NULL);
    uv_close((uv_handle_t *)&idle, NULL);
    uv_close((uv_handle_t *)&async, NULL);
}

static void on_async(uv_async_t *h)
{
    (void)h;
    for (int i = 0; i < THREADS; i++) {
        if (atomic_load(&requested[i]) == 1 && !uv_is_active((uv_handle_t *)&timers[i])) {
            atomic_store(&requested[i], 2); /* applied */
            uv_timer_start(&timers[i], on_timer, 5, 0);
        }
    }
}

static void requester(void *arg)
{
    int i = (int)(intptr_t)arg;
    for (int k = 0; k < REQUESTS; k++) {
        usleep(7000 + 3000 * (unsigned)i);
        wakesim_handoff_begin("timer-change", i, 15 * 1000000LL);
        atomic_store(&requested[i], 1);
        uv_async_send(&async);
        while (atomic_load(&requested[i]))
            usleep(1000);
    }
}

int main(void)
{
    uv_loop_t loop;
    uv_thread_t threads[THREADS];
    if (uv_loop_init(&loop) || uv_async_init(&loop, &async, on_async) ||
        uv_timer_init(&loop, &idle) || uv_timer_start(&idle, on_idle, 1000, 1000))
        return 1;
    for (int i = 0; i < THREADS; i++)
        uv_timer_init(&loop, &timers[i]);
    for (int i = 0; i < THREADS; i++)
        uv_thread_create(&threads[i], requester, (void *)(intptr_t)i);
    uv_run(&loop, UV_RUN_DEFAULT);
    for (int i = 0; i < THREADS; i++)
        uv_thread_join(&threads[i]);
    int rc = uv_loop_close(&loop);
    printf("async-timer: %d timer changes fired, loop close %d\n", fired, rc);
    return fired == THREADS * REQUESTS && rc == 0 ? 0 : 1;
}

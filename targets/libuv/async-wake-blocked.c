/* async-wake-blocked.c - libuv scenario: the loop has nothing but an async
 * handle, so uv_run sleeps in epoll_wait with no timeout; a thread sends
 * after 5 ms and twice more, each send waking the loop through libuv's
 * eventfd (the wake path itself: a lost wakeup here is a deadlock).  Each
 * send is a hand-off bounded at 10 ms.  Exit 0 when all three were
 * picked up. */
#include <stdatomic.h>
#include <stdio.h>
#include <unistd.h>
#include <uv.h>
#include <wakesim/handoff.h>

enum { SENDS = 3 };

static uv_async_t async;
static atomic_int posted;
static int picked;

static void on_async(uv_async_t *h)
{
    /* Only the loop clears the flag: a load, then a store (no
     * read-modify-write, which would fence the loop's own stores). */
    if (atomic_load_explicit(&posted, memory_order_acquire)) {
        atomic_store(&posted, 0);
        wakesim_handoff_end("uv_async_send", 0);
        if (++picked == SENDS)
            uv_close((uv_handle_t *)h, NULL);
    }
}

static void sender(void *arg)
{
    (void)arg;
    for (int k = 0; k < SENDS; k++) {
        usleep(5000);
        wakesim_handoff_begin("uv_async_send", 0, 10 * 1000000LL);
        atomic_store(&posted, 1);
        uv_async_send(&async);
        while (atomic_load(&posted))
            usleep(1000);
    }
}

int main(void)
{
    uv_loop_t loop;
    uv_thread_t thread;
    if (uv_loop_init(&loop) || uv_async_init(&loop, &async, on_async))
        return 1;
    uv_thread_create(&thread, sender, NULL);
    uv_run(&loop, UV_RUN_DEFAULT);
    uv_thread_join(&thread);
    int rc = uv_loop_close(&loop);
    printf("async-wake-blocked: %d sends picked up, loop close %d\n", picked, rc);
    return picked == SENDS && rc == 0 ? 0 : 1;
}

/* async-senders.c - libuv scenario: three threads each call uv_async_send
 * four times, 20 ms apart, while uv_run runs the loop on the main thread
 * with a 100 ms periodic timer (the housekeeping behind which a lost
 * wakeup hides as lateness).  Every send is a hand-off that its callback
 * must pick up within 10 ms; a sender waits for its send to be picked up
 * before the next.  libuv is built unmodified (targets/libuv/CMakeLists.txt).
 * Exit 0 when every send was picked up. */
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <unistd.h>
#include <uv.h>
#include <wakesim/handoff.h>

enum { SENDERS = 3, SENDS = 4 };
#define BOUND_NS (10 * 1000000LL)

static uv_async_t async;
static uv_timer_t housekeeping;
static atomic_int posted[SENDERS]; /* a send not yet picked up */
static int picked;

static void on_async(uv_async_t *h)
{
    for (int i = 0; i < SENDERS; i++) {
        /* Only the loop clears the flag: a load, then a store (no
         * read-modify-write, which would fence the loop's own stores). */
        if (atomic_load_explicit(&posted[i], memory_order_acquire)) {
            atomic_store(&posted[i], 0);
            wakesim_handoff_end("uv_async_send", i);
            picked++;
        }
    }
    if (picked == SENDERS * SENDS) {
        uv_close((uv_handle_t *)h, NULL);
        uv_close((uv_handle_t *)&housekeeping, NULL);
    }
}

static void on_housekeeping(uv_timer_t *t)
{
    (void)t;
}

static void sender(void *arg)
{
    int i = (int)(intptr_t)arg;
    for (int k = 0; k < SENDS; k++) {
        usleep(20000);
        wakesim_handoff_begin("uv_async_send", i, BOUND_NS);
        atomic_store(&posted[i], 1);
        uv_async_send(&async);
        while (atomic_load(&posted[i]))
            usleep(1000);
    }
}

int main(void)
{
    uv_loop_t loop;
    uv_thread_t threads[SENDERS];
    if (uv_loop_init(&loop) || uv_async_init(&loop, &async, on_async) ||
        uv_timer_init(&loop, &housekeeping) ||
        uv_timer_start(&housekeeping, on_housekeeping, 100, 100))
        return 1;
    for (int i = 0; i < SENDERS; i++)
        uv_thread_create(&threads[i], sender, (void *)(intptr_t)i);
    uv_run(&loop, UV_RUN_DEFAULT);
    for (int i = 0; i < SENDERS; i++)
        uv_thread_join(&threads[i]);
    int rc = uv_loop_close(&loop);
    printf("async-senders: %d sends picked up, loop close %d\n", picked, rc);
    return picked == SENDERS * SENDS && rc == 0 ? 0 : 1;
}

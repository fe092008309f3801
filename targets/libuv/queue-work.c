/* queue-work.c - libuv scenario: the loop thread queues work on libuv's
 * thread pool (two workers, UV_THREADPOOL_SIZE=2) two items at a time,
 * three rounds.  Two hand-offs per item: from uv_queue_work to a worker
 * starting it (an idle worker must be woken: 10 ms), and from the work's
 * end to its after-work callback on the loop (the pool's completion
 * uv_async_send: 10 ms).  Each work sleeps 30 ms, so a worker that is not
 * woken makes its item wait for the other's.  Exit 0 when every item
 * completed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <uv.h>
#include <wakesim/handoff.h>

enum { PER_ROUND = 2, ROUNDS = 3 };
#define BOUND_NS (10 * 1000000LL)

static uv_work_t reqs[PER_ROUND * ROUNDS];
static int queued, completed;

static void work(uv_work_t *req)
{
    int64_t i = req - reqs;
    wakesim_handoff_end("work-start", i);
    usleep(30000);
    wakesim_handoff_begin("work-done", i, BOUND_NS);
}

static void queue_round(uv_loop_t *loop);

static void after_work(uv_work_t *req, int status)
{
    wakesim_handoff_end("work-done", req - reqs);
    if (status == 0)
        completed++;
    if (completed == queued && queued < PER_ROUND * ROUNDS)
        queue_round(req->loop);
}

static void queue_round(uv_loop_t *loop)
{
    for (int k = 0; k < PER_ROUND; k++, queued++) {
        wakesim_handoff_begin("work-start", queued, BOUND_NS);
        uv_queue_work(loop, &reqs[queued], work, after_work);
    }
}

int main(void)
{
    uv_loop_t loop;
    setenv("UV_THREADPOOL_SIZE", "2", 1);
    if (uv_loop_init(&loop))
        return 1;
    queue_round(&loop);
    uv_run(&loop, UV_RUN_DEFAULT);
    int rc = uv_loop_close(&loop);
    uv_library_shutdown(); /* joins the pool's workers */
    printf("queue-work: %d of %d items completed, loop close %d\n", completed,
           PER_ROUND * ROUNDS, rc);
    return completed == PER_ROUND * ROUNDS && rc == 0 ? 0 : 1;
}

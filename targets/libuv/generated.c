/* generated.c - libuv generated workload: one program whose operations are
 * drawn from the run's decisions (sim_choose, wakesim/sim.h: recorded in
 * the reproducer, so a replay draws the same workload), covering the wake
 * paths a multi-threaded libuv user exercises:
 *
 *   senders   1-3 threads uv_async_send on three handles (coalescing);
 *             a handle the loop closes is drained first: every send that
 *             happened before the close is delivered
 *   one-shot  a handle created on the loop, sent once from a pool worker's
 *             work_cb, closed by its own callback (maybe while the send is
 *             still inside uv_async_send) and its memory "freed" (poisoned)
 *             in the close callback
 *   pool      uv_queue_work (UV_THREADPOOL_SIZE 1-3, work 0-15 ms) and
 *             uv_cancel, from loop callbacks
 *   timers    start/stop/again/close+reinit with timeouts 0-30 ms and
 *             repeats, from loop callbacks; a periodic tick drives the ops
 *   idle, prepare, check handles started and stopped; uv_stop; uv_run in
 *             DEFAULT, ONCE and NOWAIT modes
 *   poll      uv_poll on an eventfd that a writer thread writes (the seam
 *             simulates no pipes; an eventfd is the readable fd)
 *
 * Only uv_async_send and work_cb run off the loop thread (libuv's rule).
 * Hand-offs (wakesim/handoff.h), each bounded in virtual time: send ->
 * its handle's callback, 10 ms; work queued with an idle worker -> work_cb
 * starts, 10 ms; work_cb ends (or uv_cancel succeeds) -> after_work, 10 ms;
 * timer armed -> its callback, its due time + 10 ms; eventfd write -> poll
 * callback, 10 ms; and 2 ms for what the loop owes without blocking:
 * uv_stop -> uv_run returns; idle/prepare start -> first callback; one
 * idle callback -> the next; an idle callback in uv_run(ONCE) -> uv_run
 * returns; uv_close -> its close callback.  End of run: every send seen,
 * every work completed, uv_run's result equals uv_loop_alive, the loop
 * ends and closes.  A libuv rule broken on the way (a callback of a
 * stopped or closed handle, a cancelled work that ran) fails the run
 * (exit 1).  docs/libuv.md has the table. */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <uv.h>
#include <wakesim/handoff.h>
#ifdef WAKESIM_SIMULATED
#include <wakesim/sim.h>
#define draw(n) ((unsigned)sim_choose(n))
#else
#define draw(n) ((unsigned)rand() % (n))
#endif

#define MS 1000000LL
#define BOUND_NS (10 * MS)
/* What the loop does without blocking (see above): only other threads'
 * steps come between. */
#define NOW_NS (2 * MS)

enum {
    ASYNCS = 3,
    MAX_SENDERS = 3,
    TIMERS = 3,
    TICK = TIMERS,
    ONESHOTS = 2,
    MAX_WORK = 48
};

static uv_loop_t loop;
static int failures;
static int budget;   /* loop operations left before the wind-down */
static bool winding; /* the wind-down began: callbacks draw no more */

/* Senders and writer. */
static int n_senders;
static uv_async_t asyncs[ASYNCS];
static uv_mutex_t gate[ASYNCS][MAX_SENDERS]; /* one per sender: they never contend */
static bool gate_closed[ASYNCS][MAX_SENDERS];
static atomic_uint sent[ASYNCS][MAX_SENDERS];
static unsigned seen[ASYNCS][MAX_SENDERS], final_sent[ASYNCS][MAX_SENDERS];
static atomic_uint acked[ASYNCS][MAX_SENDERS]; /* seen, published to the sender */
static bool draining[ASYNCS], async_closed[ASYNCS];
static atomic_int threads_done; /* senders and the writer */
static int efd;
static uv_poll_t poll_h;
static atomic_uint written, poll_seen;

/* Loop-side handles. */
static uv_timer_t timers[TIMERS + 1];
static bool timer_open[TIMERS + 1], timer_closing[TIMERS + 1], timer_started[TIMERS + 1];
static uv_idle_t idle_h;
static int idle_left;
static bool idle_open;
static uv_prepare_t prepare_h;
static bool prepare_open;
static uv_check_t check_h;
static bool stop_open;
static uv_run_mode run_mode; /* of the uv_run running */
static bool once_open;

/* Work and one-shot handles. */
typedef struct {
    uv_work_t req;
    int64_t dur_us;
    int oneshot;         /* slot sent from work_cb, or -1 */
    bool start_bounded;  /* an idle worker existed when it was queued */
    bool cancelled, ran; /* ran: set by work_cb */
    bool completed;
} work_t;
static work_t works[MAX_WORK];
static int queued, completed, pool_size;
static uv_async_t oneshot[ONESHOTS];
static bool oneshot_busy[ONESHOTS];

/* What the run did, printed at its end. */
static int op_counts[14], cancels, stops_seen, oneshots_fired;

static void fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    printf("generated: FAIL: ");
    vprintf(fmt, ap);
    printf("\n");
    va_end(ap);
    failures++;
}

static void maybe_ops(unsigned most);

/* ---- closing: the close callback comes without the loop blocking ---- */

/* Hand-off keys of the handles' closes. */
enum {
    CLOSE_ASYNC = 0,
    CLOSE_TIMER = 3,
    CLOSE_ONESHOT = 7,
    CLOSE_IDLE = 9,
    CLOSE_PREPARE,
    CLOSE_CHECK,
    CLOSE_POLL
};

static void on_closed(uv_handle_t *h)
{
    wakesim_handoff_end("close", (int64_t)(intptr_t)h->data);
}

/* uv_close, whose callback is due in the loop's next iteration at the
 * latest (uv_close's docs): the loop must not block before it. */
static void close_tracked(void *h, int64_t key, uv_close_cb cb)
{
    ((uv_handle_t *)h)->data = (void *)(intptr_t)key;
    wakesim_handoff_begin("close", key, NOW_NS);
    uv_close(h, cb ? cb : on_closed);
}

/* ---- senders: uv_async_send from other threads ---- */

/* Returns the send's number (from 1), 0 if the handle is closed. */
static unsigned gated_send(int a, int s)
{
    unsigned n = 0;
    uv_mutex_lock(&gate[a][s]);
    if (!gate_closed[a][s]) {
        wakesim_handoff_begin("uv_async_send", a * MAX_SENDERS + s, BOUND_NS);
        n = atomic_fetch_add(&sent[a][s], 1) + 1;
        uv_async_send(&asyncs[a]);
    }
    uv_mutex_unlock(&gate[a][s]);
    return n;
}

/* Waits (at most 30 ms) until the loop has seen send n: the next send
 * then comes right after a callback, and a lost one stays lost a while. */
static void wait_acked(int a, int s, unsigned n)
{
    for (int k = 0; k < 30 && atomic_load(&acked[a][s]) < n; k++)
        usleep(1000);
}

/* Whole milliseconds: the threads' sends meet, at the same virtual time,
 * the loop busy with the callbacks of the first. */
static void pause_drawn(void)
{
    static const int us[] = { 0, 1000, 2000, 10000 };
    int p = us[draw(4)];
    if (p)
        usleep(p);
}

static void sender(void *arg)
{
    int s = (int)(intptr_t)arg;
    unsigned n = 3 + draw(8);
    for (unsigned k = 0; k < n; k++) {
        pause_drawn();
        int a = (int)draw(ASYNCS);
        unsigned sent_n = gated_send(a, s);
        if (sent_n && draw(3))
            wait_acked(a, s, sent_n);
    }
    atomic_fetch_add(&threads_done, 1);
    gated_send(0, s); /* a last send, on the control handle */
}

/* The writer: eventfd writes the loop watches with uv_poll; it waits for
 * all to be seen before it is done, so the loop may close the poll handle. */
static void writer(void *arg)
{
    (void)arg;
    unsigned n = 2 + draw(5);
    for (unsigned k = 0; k < n; k++) {
        pause_drawn();
        wakesim_handoff_begin("poll", 0, BOUND_NS);
        atomic_fetch_add(&written, 1);
        uint64_t one = 1;
        if (write(efd, &one, sizeof(one)) != sizeof(one))
            fail("eventfd write");
    }
    while (atomic_load(&poll_seen) != n)
        usleep(1000);
    atomic_fetch_add(&threads_done, 1);
}

/* ---- loop side: async callbacks and the drain before a close ---- */

static bool async_caught_up(int a)
{
    for (int s = 0; s < n_senders; s++)
        if (seen[a][s] != final_sent[a][s])
            return false;
    return true;
}

static void async_close_now(int a)
{
    draining[a] = false;
    async_closed[a] = true;
    close_tracked(&asyncs[a], CLOSE_ASYNC + a, NULL);
}

/* Closes the gates of handle a, then closes it once every send made
 * before that is delivered (at once if they all are). */
static void async_drain(int a)
{
    if (draining[a] || async_closed[a])
        return;
    for (int s = 0; s < n_senders; s++) {
        uv_mutex_lock(&gate[a][s]);
        gate_closed[a][s] = true;
        final_sent[a][s] = atomic_load(&sent[a][s]);
        uv_mutex_unlock(&gate[a][s]);
    }
    draining[a] = true;
    if (async_caught_up(a))
        async_close_now(a);
}

static void on_async(uv_async_t *h)
{
    int a = (int)(h - asyncs);
    if (async_closed[a])
        fail("async %d: callback after uv_close", a);
    for (int s = 0; s < n_senders; s++) {
        unsigned v = atomic_load_explicit(&sent[a][s], memory_order_acquire);
        for (; seen[a][s] < v; seen[a][s]++)
            wakesim_handoff_end("uv_async_send", a * MAX_SENDERS + s);
        atomic_store_explicit(&acked[a][s], v, memory_order_release);
    }
    if (draining[a] && async_caught_up(a))
        async_close_now(a);
    maybe_ops(2);
}

/* ---- one-shot handles: sent once from a worker, closed by their callback ---- */

static void on_oneshot_closed(uv_handle_t *h)
{
    int j = (int)((uv_async_t *)h - oneshot);
    on_closed(h);
    /* Freed: a sender still inside uv_async_send would now see garbage. */
    memset(h, 0xa5, sizeof(uv_async_t));
    oneshot_busy[j] = false;
}

static void on_oneshot(uv_async_t *h)
{
    int j = (int)(h - oneshot);
    if (!oneshot_busy[j])
        fail("one-shot %d: callback of a free slot", j);
    wakesim_handoff_end("oneshot", j);
    oneshots_fired++;
    close_tracked(h, CLOSE_ONESHOT + j, on_oneshot_closed);
    maybe_ops(1);
}

/* ---- the thread pool ---- */

static void work_cb(uv_work_t *req)
{
    work_t *w = (work_t *)req;
    int i = (int)(w - works);
    w->ran = true;
    if (w->start_bounded)
        wakesim_handoff_end("work-start", i);
    if (w->dur_us)
        usleep((useconds_t)w->dur_us);
    if (w->oneshot >= 0) {
        wakesim_handoff_begin("oneshot", w->oneshot, BOUND_NS);
        uv_async_send(&oneshot[w->oneshot]);
    }
    wakesim_handoff_begin("work-done", i, BOUND_NS);
}

static void after_work(uv_work_t *req, int status)
{
    work_t *w = (work_t *)req;
    int i = (int)(w - works);
    wakesim_handoff_end("work-done", i);
    if (w->completed)
        fail("work %d: after_work twice", i);
    if (status != (w->cancelled ? UV_ECANCELED : 0) || (w->cancelled && w->ran))
        fail("work %d: status %d, cancelled %d, ran %d", i, status, w->cancelled, w->ran);
    w->completed = true;
    completed++;
    maybe_ops(2);
}

static void queue_one(int oneshot_slot)
{
    static const int64_t us[] = { 0, 500, 2000, 15000 };
    if (queued == MAX_WORK)
        return;
    work_t *w = &works[queued];
    w->dur_us = us[draw(4)];
    w->oneshot = oneshot_slot;
    /* Busy workers <= works not completed: below the pool's size, an idle
     * worker exists and must start this one at once. */
    w->start_bounded = queued - completed < pool_size;
    if (w->start_bounded)
        wakesim_handoff_begin("work-start", queued, BOUND_NS);
    if (uv_queue_work(&loop, &w->req, work_cb, after_work))
        fail("uv_queue_work");
    queued++;
}

/* One to three at once: work queued behind queued work must still wake an
 * idle worker. */
static void op_queue_work(void)
{
    for (unsigned n = 1 + draw(3); n > 0; n--)
        queue_one(-1);
}

static void op_cancel(void)
{
    if (queued == completed)
        return;
    /* The newest is the likeliest to be still queued. */
    int i = draw(2) ? queued - 1 : completed + (int)draw((unsigned)(queued - completed));
    work_t *w = &works[i];
    if (w->completed || w->cancelled || w->oneshot >= 0)
        return;
    if (uv_cancel((uv_req_t *)&w->req) != 0)
        return; /* already running or done */
    w->cancelled = true;
    cancels++;
    if (w->start_bounded)
        wakesim_handoff_end("work-start", i);
    wakesim_handoff_begin("work-done", i, BOUND_NS);
}

static void op_oneshot(void)
{
    int j = (int)draw(ONESHOTS);
    if (oneshot_busy[j] || queued == MAX_WORK)
        return;
    if (uv_async_init(&loop, &oneshot[j], on_oneshot))
        fail("uv_async_init");
    oneshot_busy[j] = true;
    queue_one(j);
}

/* ---- timers ---- */

/* The hand-off of timer i follows its state: an armed timer must call
 * back within its due time and the slack. */
static void timer_track(int i)
{
    uv_timer_t *t = &timers[i];
    if (timer_open[i]) {
        wakesim_handoff_end("timer", i);
        timer_open[i] = false;
    }
    if (uv_is_active((uv_handle_t *)t)) {
        wakesim_handoff_begin("timer", i, (int64_t)uv_timer_get_due_in(t) * MS + BOUND_NS);
        timer_open[i] = true;
    }
}

static void on_timer(uv_timer_t *t)
{
    int i = (int)(t - timers);
    if (!timer_open[i])
        fail("timer %d: callback while stopped", i);
    timer_track(i); /* ended; a repeating timer is armed again */
    maybe_ops(i == TICK ? 3 : 1);
}

static void on_timer_closed(uv_handle_t *h)
{
    int i = (int)((uv_timer_t *)h - timers);
    on_closed(h);
    timer_closing[i] = false;
    timer_started[i] = false;
    if (!winding)
        uv_timer_init(&loop, &timers[i]); /* the memory reused */
}

static void timer_close(int i)
{
    if (timer_closing[i])
        return;
    close_tracked(&timers[i], CLOSE_TIMER + i, on_timer_closed);
    timer_closing[i] = true;
    timer_track(i);
}

static void op_timer(unsigned what)
{
    static const uint64_t timeouts[] = { 0, 1, 4, 12, 30 }, repeats[] = { 0, 0, 3, 9 };
    int i = (int)draw(TIMERS);
    uv_timer_t *t = &timers[i];
    if (timer_closing[i])
        return;
    if (what == 0) {
        uint64_t to = timeouts[draw(5)], rep = repeats[draw(4)];
        uv_timer_start(t, on_timer, to, rep);
        timer_started[i] = true;
    } else if (what == 1) {
        uv_timer_stop(t);
    } else if (what == 2 && timer_started[i]) {
        if (uv_timer_again(t))
            fail("uv_timer_again");
    } else if (what == 3) {
        timer_close(i);
        return;
    }
    timer_track(i);
}

/* ---- idle, prepare, check, uv_stop ---- */

static void on_idle(uv_idle_t *h)
{
    if (!idle_open && idle_left == 0)
        fail("idle: callback while stopped");
    if (idle_open) {
        wakesim_handoff_end("idle", 0);
        idle_open = false;
    }
    if (run_mode == UV_RUN_ONCE && !once_open) {
        /* A callback ran: uv_run(ONCE) returns without blocking, even when
         * the idle handle stops itself (libuv's test idle_check). */
        wakesim_handoff_begin("uv_run-once", 0, NOW_NS);
        once_open = true;
    }
    if (--idle_left <= 0) {
        idle_left = 0;
        uv_idle_stop(h);
    } else {
        /* An active idle handle makes the loop poll without blocking: the
         * next iteration, and this callback, come at once (libuv's docs). */
        wakesim_handoff_begin("idle", 0, NOW_NS);
        idle_open = true;
    }
}

static void on_prepare(uv_prepare_t *h)
{
    (void)h;
    if (prepare_open) {
        wakesim_handoff_end("prepare", 0);
        prepare_open = false;
    }
}

static void on_check(uv_check_t *h)
{
    (void)h;
    maybe_ops(1);
}

static void op_idle(void)
{
    if (uv_is_active((uv_handle_t *)&idle_h))
        return;
    idle_left = 1 + (int)draw(3);
    wakesim_handoff_begin("idle", 0, NOW_NS);
    idle_open = true;
    uv_idle_start(&idle_h, on_idle);
}

static void op_prepare(void)
{
    if (uv_is_active((uv_handle_t *)&prepare_h)) {
        uv_prepare_stop(&prepare_h);
        if (prepare_open)
            wakesim_handoff_end("prepare", 0);
        prepare_open = false;
        return;
    }
    wakesim_handoff_begin("prepare", 0, NOW_NS);
    prepare_open = true;
    uv_prepare_start(&prepare_h, on_prepare);
}

static void op_check(void)
{
    if (uv_is_active((uv_handle_t *)&check_h))
        uv_check_stop(&check_h);
    else
        uv_check_start(&check_h, on_check);
}

static void op_stop(void)
{
    if (stop_open)
        return;
    wakesim_handoff_begin("uv_stop", 0, NOW_NS);
    stop_open = true;
    uv_stop(&loop);
}

/* ---- uv_poll on the writer's eventfd ---- */

static void on_poll(uv_poll_t *h, int status, int events)
{
    (void)h;
    uint64_t v = 0;
    if (status < 0 || !(events & UV_READABLE))
        fail("poll: status %d, events %d", status, events);
    if (read(efd, &v, sizeof(v)) == sizeof(v)) {
        for (uint64_t k = 0; k < v; k++)
            wakesim_handoff_end("poll", 0);
        atomic_fetch_add(&poll_seen, (unsigned)v);
    }
    maybe_ops(1);
}

static void op_poll_restart(void)
{
    uv_poll_stop(&poll_h);
    uv_poll_start(&poll_h, UV_READABLE, on_poll);
}

/* ---- the operations, and the wind-down ---- */

/* Every thread is done and the budget spent: close everything; the loop
 * ends when the last work and one-shot handle complete. */
static void wind_down(void)
{
    winding = true;
    for (int i = 0; i <= TIMERS; i++)
        timer_close(i);
    if (idle_open)
        wakesim_handoff_end("idle", 0);
    if (prepare_open)
        wakesim_handoff_end("prepare", 0);
    idle_open = prepare_open = false;
    close_tracked(&idle_h, CLOSE_IDLE, NULL);
    close_tracked(&prepare_h, CLOSE_PREPARE, NULL);
    close_tracked(&check_h, CLOSE_CHECK, NULL);
    close_tracked(&poll_h, CLOSE_POLL, NULL);
    for (int a = 0; a < ASYNCS; a++)
        async_drain(a);
}

static void run_op(unsigned op)
{
    op_counts[op]++;
    switch (op) {
    case 0:
    case 1:
    case 2:
    case 3:
        op_timer(op);
        break;
    case 4:
    case 5:
        op_queue_work();
        break;
    case 6:
        op_cancel();
        break;
    case 7:
        op_oneshot();
        break;
    case 8:
        op_idle();
        break;
    case 9:
        op_prepare();
        break;
    case 10:
        op_check();
        break;
    case 11:
        op_stop();
        break;
    case 12:
        op_poll_restart();
        break;
    default:
        async_drain(1 + (int)draw(ASYNCS - 1));
        break;
    }
}

/* Up to `most` operations from a loop callback while the budget lasts;
 * then the wind-down once the other threads are done. */
static void maybe_ops(unsigned most)
{
    if (winding)
        return;
    if (budget > 0) {
        for (unsigned n = draw(most + 1); n > 0 && budget > 0; n--, budget--)
            run_op(draw(14));
    } else if (atomic_load(&threads_done) == n_senders + 1) {
        wind_down();
    }
}

/* ---- main: the loop thread ---- */

static int setup(void)
{
    char size[2] = { (char)('1' + draw(3)), 0 };
    pool_size = size[0] - '0';
    setenv("UV_THREADPOOL_SIZE", size, 1);
    n_senders = 1 + (int)draw(MAX_SENDERS);
    budget = 15 + (int)draw(30);
    efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (efd < 0 || uv_loop_init(&loop) || uv_poll_init(&loop, &poll_h, efd) ||
        uv_poll_start(&poll_h, UV_READABLE, on_poll))
        return -1;
    for (int a = 0; a < ASYNCS; a++) {
        if (uv_async_init(&loop, &asyncs[a], on_async))
            return -1;
        for (int s = 0; s < MAX_SENDERS; s++)
            uv_mutex_init(&gate[a][s]);
    }
    for (int i = 0; i <= TIMERS; i++)
        uv_timer_init(&loop, &timers[i]);
    uv_idle_init(&loop, &idle_h);
    uv_prepare_init(&loop, &prepare_h);
    uv_check_init(&loop, &check_h);
    static const uint64_t tick_ms[] = { 2, 5, 15, 25 }; /* the slower, the quieter */
    uv_timer_start(&timers[TICK], on_timer, 2, tick_ms[draw(4)]);
    timer_track(TICK);
    return 0;
}

/* uv_run in drawn modes (NOWAIT at most three times in a row) until the
 * loop has nothing left; libuv's result is checked each time. */
static void run_loop(void)
{
    static const uv_run_mode modes[] = { UV_RUN_DEFAULT, UV_RUN_ONCE, UV_RUN_NOWAIT };
    int nowaits = 0;
    for (;;) {
        uv_run_mode mode = modes[draw(nowaits < 3 ? 3 : 2)];
        nowaits = mode == UV_RUN_NOWAIT ? nowaits + 1 : 0;
        bool stopping = stop_open;
        run_mode = mode;
        int r = uv_run(&loop, mode);
        if (once_open) {
            wakesim_handoff_end("uv_run-once", 0);
            once_open = false;
        }
        if (stop_open) {
            wakesim_handoff_end("uv_stop", 0);
            stop_open = false;
            stops_seen++;
            stopping = true;
        }
        if ((r != 0) != (uv_loop_alive(&loop) != 0))
            fail("uv_run returned %d, uv_loop_alive %d", r, uv_loop_alive(&loop));
        if (mode == UV_RUN_DEFAULT && r != 0 && !stopping)
            fail("uv_run(DEFAULT) returned %d without uv_stop", r);
        if (r == 0)
            return;
    }
}

/* What must hold once the loop has ended. */
static void check_end(void)
{
    if (!winding)
        fail("the loop ended before the wind-down");
    for (int a = 0; a < ASYNCS; a++)
        for (int s = 0; s < n_senders; s++)
            if (seen[a][s] != atomic_load(&sent[a][s]))
                fail("async %d sender %d: %u sends, %u seen", a, s,
                     atomic_load(&sent[a][s]), seen[a][s]);
    if (completed != queued)
        fail("%d of %d works completed", completed, queued);
    for (int j = 0; j < ONESHOTS; j++)
        if (oneshot_busy[j])
            fail("one-shot %d never closed", j);
    if (uv_loop_alive(&loop) || uv_run(&loop, UV_RUN_DEFAULT) != 0)
        fail("the loop is still alive after uv_run returned 0");
}

int main(void)
{
    uv_thread_t threads[MAX_SENDERS + 1];
    if (setup()) {
        printf("generated: setup failed\n");
        return 1;
    }
    for (int s = 0; s < n_senders; s++)
        uv_thread_create(&threads[s], sender, (void *)(intptr_t)s);
    uv_thread_create(&threads[n_senders], writer, NULL);
    run_loop();
    check_end();
    for (int s = 0; s <= n_senders; s++)
        uv_thread_join(&threads[s]);
    int rc = uv_loop_close(&loop);
    if (rc)
        fail("uv_loop_close: %d", rc);
    uv_library_shutdown(); /* joins the pool's workers */
    close(efd);
    printf("generated: %d senders, pool %d, %d works (%d cancelled), %d one-shots, "
           "%u poll writes, %d uv_stop; ops",
           n_senders, pool_size, queued, cancels, oneshots_fired, atomic_load(&written),
           stops_seen);
    for (int k = 0; k < 14; k++)
        printf(" %d", op_counts[k]);
    printf(": %s\n", failures ? "FAIL" : "ok");
    return failures ? 1 : 0;
}
